import { NotFound } from '../../errors.ts'
import type { PublicationStamp } from './public-service.ts'

export interface PublicCacheOptions {
  /** How often to ask the database whether an organisation has published since. */
  readonly checkEveryMs: number
  /** Entries per organisation; 0 turns the cache off. */
  readonly maxEntries: number
  /** A backstop for changes that do not bump the counter (a theme or unit renamed). */
  readonly maxAgeMs: number
  /**
   * Whether to keep the organisation's data set between requests (true unless said otherwise);
   * false loads it for every page built, as the first request after each publication does.
   */
  readonly keepData?: boolean
}

export const DEFAULT_CACHE: PublicCacheOptions = {
  checkEveryMs: 1000,
  maxEntries: 500,
  maxAgeMs: 5 * 60_000,
}

interface Slot {
  stamp: PublicationStamp
  checkedAt: number
  createdAt: number
  /** The organisation's published data set, from which every entry is built. */
  data: Promise<unknown> | null
  /** The data set once it has loaded. */
  loaded: { value: unknown } | null
  /** Parts of the data set loaded on their own before it is (one measure's, say). */
  parts: Map<string, Promise<unknown>>
  entries: Map<string, Promise<unknown>>
}

/**
 * What the public dashboard has built for each organisation, kept until the organisation
 * publishes again. Every instance checks the publication counter at most once a second, so
 * several instances behind a load balancer agree within a second without talking to each other.
 * Concurrent requests for the same thing share one build.
 */
export class PublicCache {
  private readonly slots = new Map<string, Slot>()
  private readonly checks = new Map<string, Promise<Slot>>()

  private readonly stampOf: (slug: string) => Promise<PublicationStamp | null>
  private readonly options: PublicCacheOptions
  private readonly now: () => number

  constructor(
    stampOf: (slug: string) => Promise<PublicationStamp | null>,
    options: PublicCacheOptions = DEFAULT_CACHE,
    now: () => number = () => Date.now(),
  ) {
    this.stampOf = stampOf
    this.options = options
    this.now = now
  }

  private async check(slug: string): Promise<Slot> {
    const stamp = await this.stampOf(slug)
    if (!stamp) {
      this.slots.delete(slug)
      throw new NotFound()
    }
    const at = this.now()
    const slot = this.slots.get(slug)
    if (slot && slot.stamp.key === stamp.key && at - slot.createdAt < this.options.maxAgeMs) {
      slot.checkedAt = at
      slot.stamp = stamp
      return slot
    }
    const fresh: Slot = {
      stamp,
      checkedAt: at,
      createdAt: at,
      data: null,
      loaded: null,
      parts: new Map(),
      entries: new Map(),
    }
    this.slots.set(slug, fresh)
    return fresh
  }

  private async slot(slug: string): Promise<Slot> {
    const slot = this.slots.get(slug)
    if (slot && this.now() - slot.checkedAt < this.options.checkEveryMs) return slot
    let pending = this.checks.get(slug)
    if (!pending) {
      pending = this.check(slug).finally(() => this.checks.delete(slug))
      this.checks.set(slug, pending)
    }
    return pending
  }

  /** The publication stamp of a publishing organisation; NotFound for any other address. */
  async stamp(slug: string): Promise<PublicationStamp> {
    return (await this.slot(slug)).stamp
  }

  /**
   * The organisation's data set for its current publication, loaded once (whatever `maxEntries`
   * says) and shared by every page and file built from it.
   */
  async data<T>(slug: string, load: () => Promise<T>): Promise<T> {
    const slot = await this.slot(slug)
    if (this.options.keepData === false) return load()
    let data = slot.data as Promise<T> | null
    if (!data) {
      data = load()
      slot.data = data
      data.then(
        (value) => {
          slot.loaded = { value }
        },
        () => {
          if (slot.data === data) slot.data = null
        },
      )
    }
    return data
  }

  /** The data set of the current publication if it has loaded; null while it loads or has not. */
  async loaded<T>(slug: string): Promise<T | null> {
    const slot = await this.slot(slug)
    return (slot.loaded?.value as T | undefined) ?? null
  }

  /** A part of the data set loaded on its own, once per publication; a failed load is not kept. */
  async part<T>(slug: string, key: string, load: () => Promise<T>): Promise<T> {
    const slot = await this.slot(slug)
    if (this.options.keepData === false) return load()
    let part = slot.parts.get(key) as Promise<T> | undefined
    if (!part) {
      part = load()
      slot.parts.set(key, part)
      part.catch(() => slot.parts.delete(key))
    }
    return part
  }

  /** `build()`'s result for this organisation's current publication, built once. */
  async get<T>(
    slug: string,
    key: string,
    build: () => Promise<T>,
  ): Promise<{ value: T; stamp: PublicationStamp }> {
    const slot = await this.slot(slug)
    if (this.options.maxEntries === 0) return { value: await build(), stamp: slot.stamp }
    let entry = slot.entries.get(key) as Promise<T> | undefined
    if (!entry) {
      if (slot.entries.size >= this.options.maxEntries) {
        const oldest = slot.entries.keys().next()
        if (!oldest.done) slot.entries.delete(oldest.value)
      }
      entry = build()
      slot.entries.set(key, entry)
      entry.catch(() => slot.entries.delete(key))
    }
    return { value: await entry, stamp: slot.stamp }
  }
}
