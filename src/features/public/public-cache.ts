import { NotFound } from '../../errors.ts'
import type { PublicationStamp } from './public-service.ts'

export interface PublicCacheOptions {
  /** How often to ask the database whether an organisation has published since. */
  readonly checkEveryMs: number
  /** Entries per organisation; 0 turns the cache off. */
  readonly maxEntries: number
  /**
   * How long a reader of the whole data set waits for a rebuild after a publication before
   * being given the last good copy instead (the rebuild goes on in the background).
   */
  readonly staleAfterMs?: number
  /**
   * Whether to keep the organisation's data set between requests (true unless said otherwise);
   * false loads it for every page built, as the first request after each publication does.
   */
  readonly keepData?: boolean
}

export const DEFAULT_CACHE: PublicCacheOptions = {
  checkEveryMs: 1000,
  maxEntries: 500,
  staleAfterMs: 1000,
}

/** What was built from one state of an organisation's published data. */
interface Generation {
  readonly stamp: PublicationStamp
  /** Later generations have higher numbers. */
  readonly seq: number
  /** The whole data set, loading or loaded. */
  data: Promise<unknown> | null
  /** The data set once it has loaded. */
  loaded: { value: unknown } | null
  /** Parts of the data set loaded on their own before it is (one measure's, say). */
  readonly parts: Map<string, Promise<unknown>>
  readonly entries: Map<string, Promise<unknown>>
}

interface Slot {
  checkedAt: number
  /** The organisation's current publication. */
  current: Generation
  /** The newest generation whose whole data set has loaded: served while `current` builds. */
  lastGood: Generation | null
}

let generations = 0

function generation(stamp: PublicationStamp): Generation {
  return {
    stamp,
    seq: ++generations,
    data: null,
    loaded: null,
    parts: new Map(),
    entries: new Map(),
  }
}

/** True when the promise fulfils within `ms`; false when it fails or is later than that. */
function settle<T>(promise: Promise<T>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  return Promise.race([
    promise.then(
      () => true,
      () => false,
    ),
    late,
  ]).finally(() => clearTimeout(timer))
}

/**
 * What the public dashboard has built for each organisation, kept until the organisation
 * publishes again: nothing expires on a timer. Every instance checks the publication counter at
 * most once a second, so several instances behind a load balancer agree within a second without
 * talking to each other. Concurrent requests for the same thing share one build. After a
 * publication, pages made from the whole data set keep coming from the last good copy while the
 * new one builds (readers wait `staleAfterMs` at most), so nobody waits behind a rebuild.
 */
export class PublicCache<T = unknown> {
  private readonly slots = new Map<string, Slot>()
  private readonly checks = new Map<string, Promise<Slot>>()

  private readonly stampOf: (slug: string) => Promise<PublicationStamp | null>
  private readonly loadWhole: (slug: string) => Promise<T>
  private readonly options: PublicCacheOptions
  private readonly now: () => number

  constructor(
    stampOf: (slug: string) => Promise<PublicationStamp | null>,
    loadWhole: (slug: string) => Promise<T>,
    options: PublicCacheOptions = DEFAULT_CACHE,
    now: () => number = () => Date.now(),
  ) {
    this.stampOf = stampOf
    this.loadWhole = loadWhole
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
    if (slot && slot.current.stamp.key === stamp.key) {
      slot.checkedAt = at
      return slot
    }
    if (slot) {
      // Kept in place: a load still under way for an older generation may yet become lastGood.
      slot.checkedAt = at
      slot.current = generation(stamp)
      return slot
    }
    const fresh: Slot = { checkedAt: at, current: generation(stamp), lastGood: null }
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

  /** Starts (once) the load of a generation's whole data set. */
  private load(slug: string, slot: Slot, gen: Generation): Promise<unknown> {
    if (gen.data) return gen.data
    const data = this.loadWhole(slug)
    gen.data = data
    data.then(
      (value) => {
        gen.loaded = { value }
        if (!slot.lastGood || slot.lastGood.seq < gen.seq) slot.lastGood = gen
      },
      () => {
        if (gen.data === data) gen.data = null
      },
    )
    return data
  }

  /**
   * The generation whose whole data set answers now: the current one when it has loaded or
   * loads within `staleAfterMs`, else the last good one while the current one goes on building.
   * A rebuild that fails leaves the last good copy answering (the next request tries again);
   * with none, the failure reaches the request.
   */
  private async serving(slug: string): Promise<Generation> {
    const slot = await this.slot(slug)
    const { current, lastGood } = slot
    if (current.loaded) return current
    const data = this.load(slug, slot, current)
    if (!lastGood || lastGood === current) {
      await data
      return current
    }
    const ready = await settle(data, this.options.staleAfterMs ?? 0)
    // load() registered its handlers first, so a load that succeeded has set current.loaded.
    return ready ? current : lastGood
  }

  /** The publication stamp of a publishing organisation; NotFound for any other address. */
  async stamp(slug: string): Promise<PublicationStamp> {
    return (await this.slot(slug)).current.stamp
  }

  /** The organisation's whole data set: the current publication's, or the last good copy. */
  async data(slug: string): Promise<T> {
    if (this.options.keepData === false) {
      await this.slot(slug)
      return this.loadWhole(slug)
    }
    const gen = await this.serving(slug)
    return (await gen.data) as T
  }

  /** The current publication's data set if it has loaded; null while it loads or has not. */
  async loaded(slug: string): Promise<T | null> {
    const slot = await this.slot(slug)
    return (slot.current.loaded?.value as T | undefined) ?? null
  }

  /** A part of the data set loaded on its own, once per publication; a failed load is not kept. */
  async part<P>(slug: string, key: string, load: () => Promise<P>): Promise<P> {
    const slot = await this.slot(slug)
    if (this.options.keepData === false) return load()
    const { parts } = slot.current
    let part = parts.get(key) as Promise<P> | undefined
    if (!part) {
      part = load()
      parts.set(key, part)
      part.catch(() => parts.delete(key))
    }
    return part
  }

  private entry<V>(
    gen: Generation,
    key: string,
    build: () => Promise<V>,
  ): { value: Promise<V>; stamp: PublicationStamp } {
    if (this.options.maxEntries === 0) return { value: build(), stamp: gen.stamp }
    const { entries } = gen
    let entry = entries.get(key) as Promise<V> | undefined
    if (!entry) {
      if (entries.size >= this.options.maxEntries) {
        const oldest = entries.keys().next()
        if (!oldest.done) entries.delete(oldest.value)
      }
      entry = build()
      entries.set(key, entry)
      entry.catch(() => entries.delete(key))
    }
    return { value: entry, stamp: gen.stamp }
  }

  /** `build()`'s result for this organisation's current publication, built once. */
  async get<V>(
    slug: string,
    key: string,
    build: () => Promise<V>,
  ): Promise<{ value: V; stamp: PublicationStamp }> {
    const slot = await this.slot(slug)
    const { value, stamp } = this.entry(slot.current, key, build)
    return { value: await value, stamp }
  }

  /**
   * A page or file made from the whole data set, built once per generation; during a rebuild,
   * the last good copy's, with that copy's stamp.
   */
  async getWhole<V>(
    slug: string,
    key: string,
    build: (data: T) => Promise<V>,
  ): Promise<{ value: V; stamp: PublicationStamp }> {
    if (this.options.keepData === false) {
      const slot = await this.slot(slug)
      return { value: await build(await this.loadWhole(slug)), stamp: slot.current.stamp }
    }
    const gen = await this.serving(slug)
    const { value, stamp } = this.entry(gen, key, async () => build((await gen.data) as T))
    return { value: await value, stamp }
  }
}
