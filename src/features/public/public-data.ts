// An organisation's published data set, loaded once per publication (public-cache.ts) with one
// query per table, from which every public page and file is sliced in memory.
import type { Kysely } from 'kysely'
import { cooperate } from '../../core/cooperate.ts'
import type { DB } from '../../db/schema.ts'
import {
  formatValue,
  type MeasureValueView,
  measureChart,
  measureSpc,
  type SpcSettingsView,
  spcSection,
  spcSentences,
  presentValues,
  presentSpcSettings,
  listSettings,
} from '../measures/index.ts'
import { ukDate } from '../../core/dates.ts'
import * as repo from './public-repository.ts'
import {
  presentOrganisation,
  presentPublicMeasure,
  presentPublicSpc,
  type PublicMeasure,
  type PublicMeasureFigures,
  type PublicOrganisation,
  type PublicTheme,
} from './public-presenter.ts'

/** One published measure and what its page needs, worked out on first use and then kept. */
export interface PublishedMeasure {
  readonly measure: PublicMeasure
  /** The SPC section of the page: chart, icons, sentences and table. */
  spc(): PublicSpcSection
  /** The measure's chart of figures and targets, for its page and for its embed. */
  chart(): string
  embedChart(): string
}

export interface PublishedData {
  readonly organisation: PublicOrganisation
  readonly themes: readonly PublicTheme[]
  readonly measures: readonly PublicMeasure[]
  readonly byCode: ReadonlyMap<string, PublishedMeasure>
}

/** Measures whose values are read in one query: about 10,000 rows on a large council. */
const BATCH = 100

function once<T>(make: () => T): () => T {
  let made: { value: T } | null = null
  return () => (made ??= { value: make() }).value
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const k = key(row)
    const group = groups.get(k)
    if (group) group.push(row)
    else groups.set(k, [row])
  }
  return groups
}

function chartOf(m: PublicMeasure, id: string): string {
  return measureChart(
    id,
    `${m.title}: figures and target`,
    m.values.map((v) => ({
      label: v.period.label,
      value: v.displayed,
      target: v.target,
      rag: v.status,
    })),
    m,
  )
}

/**
 * The approved values SPC may read: the published figures only, so a withheld small number
 * never reaches the chart, its limits or its sentences.
 */
function spcValues(views: readonly MeasureValueView[], measure: PublicMeasureFigures) {
  const withheld = new Set(
    measure.values.filter((v) => v.value === null).map((v) => v.period.start),
  )
  return views.filter((v) => !withheld.has(v.period.start))
}

function publicSpcSection(
  row: repo.PublicMeasureRow,
  values: readonly MeasureValueView[],
  settings: SpcSettingsView,
) {
  const spc = spcSection(row, values, settings)
  const format = (n: number | null) => (n === null ? '–' : formatValue(n, row))
  return {
    chart: spc.chart,
    variationIcon: spc.variationIcon,
    variationText: spc.variationText,
    assuranceIcon: spc.assuranceIcon,
    assuranceText: spc.assuranceText,
    sentences: spc.sentences,
    points: spc.points.map((p) => ({
      label: p.period?.label ?? '',
      valueText: format(p.value),
      meanText: format(p.mean),
      lowerLimitText: format(p.lowerLimit),
      upperLimitText: format(p.upperLimit),
      variationText: p.pointType.replaceAll('_', ' '),
    })),
  }
}
export type PublicSpcSection = ReturnType<typeof publicSpcSection>

/** What is published besides the measures, and the measures a hundred at a time. */
export interface PublishedBatches {
  readonly organisation: PublicOrganisation
  readonly themes: readonly PublicTheme[]
  /** The measures in order, a batch at a time: each batch is presented when it is asked for. */
  readonly batches: () => AsyncGenerator<PublishedMeasure[]>
}

/**
 * Everything an organisation publishes, or one measure of it when `code` is given, a hundred
 * measures at a time, so that building the open data files need never hold every presented
 * value at once: three queries for every hundred measures, and three more.
 */
export async function publishedBatches(
  db: Kysely<DB>,
  org: repo.PublishingOrganisation,
  today: Date,
  code?: string,
): Promise<PublishedBatches> {
  const rows = await repo.publicMeasures(db, org.id, code)
  const ids = rows.map((r) => r.id)
  const themeRows = await repo.measureThemes(db, org.id, ids)
  const names = org.public_show_names
    ? await repo.ownerNames(
        db,
        org.id,
        rows.flatMap((r) => (r.owner_id ? [r.owner_id] : [])),
      )
    : new Map<string, string>()
  const day = ukDate(today)
  const themes = new Map<string, PublicTheme>()
  for (const t of themeRows) themes.set(t.id, { id: t.id, title: t.title, plan: t.plan_title })
  const themesOf = groupBy(themeRows, (t) => t.measure_id)
  async function* batches(): AsyncGenerator<PublishedMeasure[]> {
    const breathe = cooperate()
    for (let from = 0; from < rows.length; from += BATCH) {
      const batch = rows.slice(from, from + BATCH)
      const batchIds = ids.slice(from, from + BATCH)
      const values = groupBy(await repo.approvedValues(db, org.id, batchIds), (v) => v.measure_id)
      await breathe()
      const targets = groupBy(await repo.targets(db, org.id, batchIds), (t) => t.measure_id)
      const settings = groupBy(await listSettings(db, org.id, batchIds), (s) => s.measure_id)
      const presented: PublishedMeasure[] = []
      for (const row of batch) {
        await breathe()
        const views = presentValues(row, targets.get(row.id) ?? [], values.get(row.id) ?? [], day)
        const spcSettings = presentSpcSettings(row.frequency, settings.get(row.id) ?? [])
        let shown: MeasureValueView[] = []
        const measure = presentPublicMeasure(row, {
          organisationSlug: org.slug,
          values: views,
          themes: (themesOf.get(row.id) ?? []).map((t) => ({
            id: t.id,
            title: t.title,
            plan: t.plan_title,
          })),
          ownerName: row.owner_id ? (names.get(row.owner_id) ?? null) : null,
          below: org.public_suppress_below,
          spc: (figures) => {
            shown = spcValues(views, figures)
            const spc = measureSpc(row, shown, spcSettings)
            return presentPublicSpc(spc, spcSentences(row, spc))
          },
        })
        presented.push({
          measure,
          spc: once(() => publicSpcSection(row, shown, spcSettings)),
          chart: once(() => chartOf(measure, 'chart')),
          embedChart: once(() => chartOf(measure, 'embed-chart')),
        })
      }
      yield presented
    }
  }
  return { organisation: presentOrganisation(org), themes: [...themes.values()], batches }
}

/** Everything an organisation publishes, or one measure of it when `code` is given, at once. */
export async function loadPublished(
  db: Kysely<DB>,
  org: repo.PublishingOrganisation,
  today: Date,
  code?: string,
): Promise<PublishedData> {
  const { organisation, themes, batches } = await publishedBatches(db, org, today, code)
  const byCode = new Map<string, PublishedMeasure>()
  const measures: PublicMeasure[] = []
  for await (const batch of batches()) {
    for (const published of batch) {
      byCode.set(published.measure.code, published)
      measures.push(published.measure)
    }
  }
  return { organisation, themes, measures, byCode }
}
