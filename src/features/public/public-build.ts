// The whole published data set, built once per publication: what the dashboard's page needs
// (a few fields of each measure and the feed's newest values) and the open data files, finished.
// Runs in a worker thread on PostgreSQL (public-worker.ts), in this process on PGlite; either
// way nothing of the 200,000 presented values outlives the build.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import { cooperate } from '../../core/cooperate.ts'
import type { DB } from '../../db/schema.ts'
import { publishedBatches } from './public-data.ts'
import {
  csvHeader,
  csvRows,
  datasetJsonParts,
  latestPublished,
  mergeLatest,
  type FeedEntry,
} from './public-files.ts'
import type { PublicMeasure, PublicOrganisation, PublicTheme } from './public-presenter.ts'
import * as repo from './public-repository.ts'

/** A file's bytes (in an ArrayBuffer of their own, so they can be handed over) and its ETag. */
export interface BuiltFile {
  readonly body: Uint8Array
  readonly etag: string
}

/** What the dashboard's page shows of a measure. */
export type DashboardMeasure = Pick<
  PublicMeasure,
  'code' | 'title' | 'definition' | 'whyItMatters' | 'service' | 'themes' | 'latest' | 'links'
>

/** The feed's newest values; more than any feed shows. */
export const FEED_ENTRIES = 50

export interface PublishedSet {
  readonly organisation: PublicOrganisation
  readonly themes: readonly PublicTheme[]
  readonly measures: readonly DashboardMeasure[]
  readonly feed: readonly FeedEntry[]
  readonly files: { readonly csv: BuiltFile; readonly json: BuiltFile }
}

const HASH_SLICE = 1 << 20

/** A strong ETag from the bytes: hashed a megabyte at a time, letting other work run between. */
export async function etagOf(body: Uint8Array): Promise<string> {
  const hash = createHash('sha256')
  const breathe = cooperate()
  for (let at = 0; at < body.length; at += HASH_SLICE) {
    await breathe()
    hash.update(body.subarray(at, at + HASH_SLICE))
  }
  return `"${hash.digest('base64url').slice(0, 27)}"`
}

/**
 * The parts' bytes one after another, in a buffer of their own (never Node's shared pool, so it
 * can be handed to another thread).
 */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = Buffer.allocUnsafeSlow(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    bytes.set(part, at)
    at += part.length
  }
  return bytes
}

async function file(parts: readonly Uint8Array[]): Promise<BuiltFile> {
  const body = joinBytes(parts)
  return { body, etag: await etagOf(body) }
}

function forDashboard(m: PublicMeasure): DashboardMeasure {
  return {
    code: m.code,
    title: m.title,
    definition: m.definition,
    whyItMatters: m.whyItMatters,
    service: m.service,
    themes: m.themes,
    latest: m.latest,
    links: m.links,
  }
}

/** A published set as it crosses from a worker: the measures as JSON, a hundred to a text. */
export type WireSet = Omit<PublishedSet, 'measures'> & { readonly measures: readonly string[] }

const MEASURES_PER_TEXT = 100

export function toWire(set: PublishedSet): WireSet {
  const measures: string[] = []
  for (let from = 0; from < set.measures.length; from += MEASURES_PER_TEXT) {
    measures.push(JSON.stringify(set.measures.slice(from, from + MEASURES_PER_TEXT)))
  }
  return { ...set, measures }
}

/**
 * The set again, its measures parsed a hundred at a time with other requests let run between:
 * cloned whole, a large council's 2,000 measures would hold the receiving loop at once.
 */
export async function fromWire(wire: WireSet): Promise<PublishedSet> {
  const breathe = cooperate()
  const measures: DashboardMeasure[] = []
  for (const text of wire.measures) {
    await breathe()
    measures.push(...(JSON.parse(text) as DashboardMeasure[]))
  }
  return { ...wire, measures }
}

/** The organisation's published set; null when no organisation publishes at that address. */
export async function buildPublished(
  db: Kysely<DB>,
  slug: string,
  today: Date,
): Promise<PublishedSet | null> {
  const org = await repo.publishingOrganisation(db, slug)
  if (!org) return null
  const { organisation, themes, batches } = await publishedBatches(db, org, today)
  // The files are written a hundred measures at a time, as bytes: only one batch's presented
  // values are held at once, never the whole set's (200,000 values on a large council).
  const csv: Uint8Array[] = [Buffer.from(csvHeader())]
  const json = datasetJsonParts(organisation, themes)
  const jsonParts: Uint8Array[] = [Buffer.from(json.before)]
  const measures: DashboardMeasure[] = []
  let feed: FeedEntry[] = []
  for await (const batch of batches()) {
    const presented = batch.map((b) => b.measure)
    csv.push(Buffer.from(csvRows(organisation, presented)))
    const text = presented.map((m) => JSON.stringify(m)).join(',')
    jsonParts.push(Buffer.from(measures.length > 0 && text !== '' ? `,${text}` : text))
    measures.push(...presented.map(forDashboard))
    feed = mergeLatest(feed, latestPublished(presented, FEED_ENTRIES), FEED_ENTRIES)
  }
  jsonParts.push(Buffer.from(json.after))
  return {
    organisation,
    themes,
    measures,
    feed,
    files: { csv: await file(csv), json: await file(jsonParts) },
  }
}
