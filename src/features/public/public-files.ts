// The open data files, written from the presented models only (public-presenter.ts).
import type { PublicOrganisation, PublicMeasure, PublicValue } from './public-presenter.ts'

export const SCHEMA_VERSION = 1

type Cell = string | number | boolean | null

/** A CSV cell; text that a spreadsheet would run as a formula is prefixed with an apostrophe. */
function cell(value: Cell): string {
  if (value === null) return ''
  if (typeof value !== 'string') return String(value)
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

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

/** One row per published value of every measure given, with a header row. */
export function toCsv(org: PublicOrganisation, measures: readonly PublicMeasure[]): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const m of measures) {
    for (const v of m.values) lines.push(csvRow(org, m, v).map(cell).join(','))
  }
  return `${lines.join('\r\n')}\r\n`
}

export function datasetJson(
  org: PublicOrganisation,
  themes: readonly { id: string; title: string; plan: string }[],
  measures: readonly PublicMeasure[],
): string {
  return JSON.stringify({ schemaVersion: SCHEMA_VERSION, organisation: org, themes, measures })
}

export function measureJson(org: PublicOrganisation, measure: PublicMeasure): string {
  return JSON.stringify({ schemaVersion: SCHEMA_VERSION, organisation: org, measure })
}

const xml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  )

/** An Atom feed of the most recently published values, newest first. */
export function atomFeed(
  origin: string,
  org: PublicOrganisation,
  measures: readonly PublicMeasure[],
  limit = 50,
): string {
  const entries = measures
    .flatMap((m) => m.values.map((v) => ({ m, v })))
    .filter((e) => e.v.publishedAt !== null)
    .sort((a, b) => (b.v.publishedAt ?? '').localeCompare(a.v.publishedAt ?? ''))
    .slice(0, limit)
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
