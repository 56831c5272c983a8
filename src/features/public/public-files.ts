// The open data files, written from the presented models only (public-presenter.ts).
import { cooperate } from '../../core/cooperate.ts'
import { csvRecords, type CsvCell as Cell } from '../../core/csv.ts'
import type { PublicOrganisation, PublicMeasure, PublicValue } from './public-presenter.ts'

export const SCHEMA_VERSION = 1

export const CSV_COLUMNS = [
  'organisation',
  'measureCode',
  'measureTitle',
  'themes',
  'unit',
  'decimals',
  'polarity',
  'frequency',
  'periodLabel',
  'periodStart',
  'periodEnd',
  'value',
  'valueText',
  'suppressed',
  'numerator',
  'denominator',
  'yearToDate',
  'target',
  'status',
  'direction',
  'directionYearOnYear',
  'restated',
  'restatedFrom',
  'restatementReason',
  'commentary',
  'publishedAt',
  'displayed',
  'displayedText',
  'displayedBasis',
] as const

function csvRow(org: PublicOrganisation, m: PublicMeasure, v: PublicValue): Cell[] {
  return [
    org.name,
    m.code,
    m.title,
    m.themes.map((t) => t.title).join('; '),
    m.unit,
    m.decimals,
    m.polarity,
    m.frequency,
    v.period.label,
    v.period.start,
    v.period.end,
    v.value,
    v.valueText,
    v.suppressed,
    v.numerator,
    v.denominator,
    v.yearToDate,
    v.target,
    v.status,
    v.direction,
    v.directionYearOnYear,
    v.restated,
    v.restatedFrom,
    v.restatementReason,
    v.commentary,
    v.publishedAt,
    v.displayed,
    v.displayedText,
    v.displayedBasis,
  ]
}

/** The CSV file's header row. */
export function csvHeader(): string {
  return csvRecords([CSV_COLUMNS])
}

/** The CSV rows of these measures' published values, without the header. */
export function csvRows(org: PublicOrganisation, measures: readonly PublicMeasure[]): string {
  return csvRecords(measures.flatMap((m) => m.values.map((v) => csvRow(org, m, v))))
}

/**
 * One row per published value of every measure given, with a header row; written a measure at
 * a time, letting other requests run meanwhile.
 */
export async function toCsv(
  org: PublicOrganisation,
  measures: readonly PublicMeasure[],
): Promise<string> {
  const breathe = cooperate()
  const parts = [csvHeader()]
  for (const m of measures) {
    await breathe()
    parts.push(csvRows(org, [m]))
  }
  return parts.join('')
}

/**
 * The whole data set as JSON in three parts, the same text as one JSON.stringify once joined:
 * what comes before the measures, each measure's JSON (comma-separated), and what comes after.
 */
export function datasetJsonParts(
  org: PublicOrganisation,
  themes: readonly { id: string; title: string; plan: string }[],
): { readonly before: string; readonly after: string } {
  const head = JSON.stringify({ schemaVersion: SCHEMA_VERSION, organisation: org, themes })
  return { before: `${head.slice(0, -1)},"measures":[`, after: ']}' }
}

/** The whole data set as JSON: the same text as one JSON.stringify, made a measure at a time. */
export async function datasetJson(
  org: PublicOrganisation,
  themes: readonly { id: string; title: string; plan: string }[],
  measures: readonly PublicMeasure[],
): Promise<string> {
  const breathe = cooperate()
  const { before, after } = datasetJsonParts(org, themes)
  const parts: string[] = []
  for (const m of measures) {
    await breathe()
    parts.push(JSON.stringify(m))
  }
  return `${before}${parts.join(',')}${after}`
}

export function measureJson(org: PublicOrganisation, measure: PublicMeasure): string {
  return JSON.stringify({ schemaVersion: SCHEMA_VERSION, organisation: org, measure })
}

const xml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  )

/** One of the most recently published values, with what the feed says of its measure. */
export interface FeedEntry {
  readonly m: Pick<PublicMeasure, 'code' | 'title' | 'links'>
  readonly v: PublicValue
}

/**
 * The `limit` most recently published values, newest first (ties in the data set's order):
 * kept in a short sorted list as they are read, rather than sorting every value.
 */
export function latestPublished(measures: readonly PublicMeasure[], limit: number): FeedEntry[] {
  const newest: { m: PublicMeasure; v: PublicValue; at: string }[] = []
  for (const m of measures) {
    for (const v of m.values) {
      const at = v.publishedAt
      if (at === null) continue
      if (newest.length === limit && (newest.at(-1)?.at ?? '') >= at) continue
      let i = newest.length
      while (i > 0 && (newest[i - 1]?.at ?? '') < at) i--
      newest.splice(i, 0, { m, v, at })
      if (newest.length > limit) newest.pop()
    }
  }
  return newest.map(({ m, v }) => ({
    m: { code: m.code, title: m.title, links: m.links },
    v,
  }))
}

/**
 * The `limit` newest of two feeds, the first from measures earlier in the data set: the same
 * entries, in the same order, as latestPublished over both sets of measures at once.
 */
export function mergeLatest(
  earlier: readonly FeedEntry[],
  later: readonly FeedEntry[],
  limit: number,
): FeedEntry[] {
  const at = (e: FeedEntry) => e.v.publishedAt ?? ''
  // A stable sort: among equals the earlier measures' entries stay first.
  return [...earlier, ...later]
    .sort((a, b) => (at(a) < at(b) ? 1 : at(a) > at(b) ? -1 : 0))
    .slice(0, limit)
}

/** An Atom feed of the most recently published values, newest first. */
export function atomFeed(
  origin: string,
  org: PublicOrganisation,
  measures: readonly PublicMeasure[],
  limit = 50,
): string {
  return atomFeedOf(origin, org, latestPublished(measures, limit))
}

/** An Atom feed of these values (newest first, as latestPublished gives them). */
export function atomFeedOf(
  origin: string,
  org: PublicOrganisation,
  entries: readonly FeedEntry[],
): string {
  const home = `${origin}/public/${encodeURIComponent(org.slug)}`
  const updated = entries[0]?.v.publishedAt ?? org.lastPublished
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `<title>${xml(`${org.name}: newly published performance figures`)}</title>`,
    `<id>${xml(`${home}/feed.atom`)}</id>`,
    `<link rel="self" href="${xml(`${home}/feed.atom`)}"/>`,
    `<link rel="alternate" type="text/html" href="${xml(home)}"/>`,
    `<updated>${xml(updated)}</updated>`,
    `<author><name>${xml(org.name)}</name></author>`,
  ]
  for (const { m, v } of entries) {
    const link = `${origin}${m.links.page}`
    const summary =
      `${m.title}, ${v.period.label}: ${v.displayedText}` +
      (v.displayedBasis === 'year_to_date' ? ' year to date' : '') +
      (v.target !== null ? ` against a target of ${v.targetText}` : '') +
      ` (${v.statusText}).` +
      (v.restated
        ? ` Restated${v.restatedFromText ? `: previously ${v.restatedFromText}` : ''}.`
        : '') +
      (v.commentary ? ` ${v.commentary}` : '')
    lines.push(
      '<entry>',
      `<title>${xml(`${m.code} ${m.title}: ${v.period.label}${v.restated ? ' (restated)' : ''}`)}</title>`,
      `<id>${xml(`${link}#${v.period.start}-${v.publishedAt ?? ''}`)}</id>`,
      `<link rel="alternate" type="text/html" href="${xml(link)}"/>`,
      `<updated>${xml(v.publishedAt ?? updated)}</updated>`,
      `<summary>${xml(summary)}</summary>`,
      '</entry>',
    )
  }
  lines.push('</feed>')
  return `${lines.join('\n')}\n`
}
