// Every field that leaves the public dashboard is named here. Pages, CSV, JSON, the Atom feed
// and the embed all take these presented models, so no file can carry a column a page hides.
import { isCount, isSmall, suppress, suppressedText } from '../../core/small-numbers.ts'
import {
  type MeasureValueView,
  formatValue,
  periodOf,
  RAG_NAMES,
  RAG_SYMBOLS,
  FREQUENCY_NAMES,
  POLARITY_NAMES,
  QUALITY_ASSESSMENT_NAMES,
  QUALITY_CRITERIA,
  QUALITY_NAMES,
  type QualityAssessment,
  UNIT_NAMES,
  type measureSpc,
} from '../measures/index.ts'
import type { PublicMeasureRow, PublishingOrganisation } from './public-repository.ts'

const DIRECTION_TEXT = {
  improving: 'Improving',
  same: 'No change',
  worsening: 'Getting worse',
} as const

export function presentOrganisation(org: PublishingOrganisation) {
  return {
    name: org.name,
    slug: org.slug,
    lastPublished: org.published_at.toISOString(),
    suppressBelow: org.public_suppress_below,
  }
}
export type PublicOrganisation = ReturnType<typeof presentOrganisation>

export interface PublicTheme {
  readonly id: string
  readonly title: string
  readonly plan: string
}

const dateOf = (iso: string | null) => (iso === null ? null : iso.slice(0, 10))

/** One approved value, with small numbers withheld by the organisation's rule. */
export function presentPublicValue(
  view: MeasureValueView,
  measure: Pick<PublicMeasureRow, 'unit' | 'decimals' | 'frequency'>,
  below: number,
) {
  const figures = suppress(
    measure,
    {
      value: view.value,
      numerator: view.numerator,
      denominator: view.denominator,
      yearToDate: view.yearToDate,
    },
    below,
  )
  const withheld = suppressedText(below)
  const text = (shown: number | null, original: number | null) =>
    shown === null && original !== null ? withheld : formatValue(shown, measure)
  const restatedFrom =
    view.restatedFrom === null ||
    (figures.suppressed && figures.value === null) ||
    (isCount(measure) && isSmall(view.restatedFrom, below))
      ? null
      : view.restatedFrom
  const period = periodOf(measure.frequency, view.period.start)
  return {
    period: {
      frequency: period.frequency,
      start: period.start,
      end: period.end,
      label: period.label,
    },
    value: figures.value,
    valueText: text(figures.value, view.value),
    suppressed: figures.suppressed,
    numerator: figures.numerator,
    denominator: figures.denominator,
    yearToDate: figures.yearToDate,
    yearToDateText: text(figures.yearToDate, view.yearToDate),
    /** The figure shown for the period (core/measure-figure): year to date when cumulative. */
    displayed: view.displayed.basis === 'year_to_date' ? figures.yearToDate : figures.value,
    displayedText:
      view.displayed.basis === 'year_to_date'
        ? text(figures.yearToDate, view.yearToDate)
        : text(figures.value, view.value),
    displayedBasis: view.displayed.basis,
    target: view.target,
    targetText: view.target === null ? 'No target' : formatValue(view.target, measure),
    status: view.rag,
    statusText: RAG_NAMES[view.rag],
    statusSymbol: RAG_SYMBOLS[view.rag],
    direction: view.direction,
    directionText: view.direction === null ? 'Not known' : DIRECTION_TEXT[view.direction],
    directionYearOnYear: view.directionYearOnYear,
    directionYearOnYearText:
      view.directionYearOnYear === null ? 'Not known' : DIRECTION_TEXT[view.directionYearOnYear],
    restated: view.restated,
    restatedFrom,
    restatedFromText: view.restatedFrom === null ? null : text(restatedFrom, view.restatedFrom),
    restatementReason: view.restated ? view.restatementReason : null,
    commentary: view.commentary,
    publishedAt: view.approvedAt,
  }
}
export type PublicValue = ReturnType<typeof presentPublicValue>

function qualityOf(stored: unknown) {
  const all = (stored && typeof stored === 'object' ? stored : {}) as Record<
    string,
    { assessment?: QualityAssessment; notes?: string | null } | undefined
  >
  return QUALITY_CRITERIA.map((criterion) => {
    const assessment = all[criterion]?.assessment ?? 'not_assessed'
    return {
      criterion,
      criterionText: QUALITY_NAMES[criterion],
      assessment,
      assessmentText: QUALITY_ASSESSMENT_NAMES[assessment],
      notes: all[criterion]?.notes ?? null,
    }
  })
}

/**
 * A measure's SPC over its published figures, with the baseline and change points recorded on
 * it, as the open data gives it. Who recorded a setting is not published; its periods and
 * reason are, as the sentences under the chart give them.
 */
export function presentPublicSpc(spc: ReturnType<typeof measureSpc>, sentences: string[]) {
  const period = (p: { start: string; label: string }) => ({ start: p.start, label: p.label })
  return {
    variation: spc.variation,
    assurance: spc.assurance,
    mean: spc.mean,
    lowerLimit: spc.lowerLimit,
    upperLimit: spc.upperLimit,
    target: spc.target,
    baseline: spc.baseline
      ? {
          from: period(spc.baseline.from),
          to: period(spc.baseline.to),
          reason: spc.baseline.reason,
        }
      : null,
    changePoints: spc.changeMarks.flatMap((c) => {
      const at = spc.points[c.index]?.period
      return at ? [{ period: period(at), reason: c.reason }] : []
    }),
    sentences,
  }
}
export type PublicSpc = ReturnType<typeof presentPublicSpc>

interface MeasureInput {
  readonly organisationSlug: string
  readonly values: readonly MeasureValueView[]
  readonly themes: readonly PublicTheme[]
  readonly ownerName: string | null
  readonly below: number
}

/**
 * A public measure with its approved values, oldest first, and their SPC, which `spc` works
 * out from the published figures (small numbers withheld).
 */
export function presentPublicMeasure(
  row: PublicMeasureRow,
  input: MeasureInput & { readonly spc: (figures: PublicMeasureFigures) => PublicSpc },
) {
  const figures = presentPublicFigures(row, input)
  return { ...figures, spc: input.spc(figures) }
}
export type PublicMeasure = ReturnType<typeof presentPublicMeasure>

function presentPublicFigures(row: PublicMeasureRow, input: MeasureInput) {
  const values = input.values.map((v) => presentPublicValue(v, row, input.below))
  const published = values.map((v) => v.publishedAt).filter((d): d is string => d !== null)
  const base = `/public/${encodeURIComponent(input.organisationSlug)}/measures/${encodeURIComponent(row.code)}`
  return {
    code: row.code,
    title: row.title,
    definition: row.definition,
    whyItMatters: row.rationale,
    unit: row.unit,
    unitText: UNIT_NAMES[row.unit],
    decimals: row.decimals,
    polarity: row.polarity,
    polarityText: POLARITY_NAMES[row.polarity],
    frequency: row.frequency,
    frequencyText: FREQUENCY_NAMES[row.frequency],
    cumulative: row.cumulative,
    calculated: row.formula !== null,
    numeratorLabel: row.numerator_label,
    denominatorLabel: row.denominator_label,
    dataSource: row.data_source,
    collectionMethod: row.collection_method,
    nationalIndicatorRef: row.national_ref,
    retired: row.status === 'retired',
    service: row.unit_name,
    responsibleOfficer: input.ownerName,
    themes: input.themes.map((t) => ({ id: t.id, title: t.title, plan: t.plan })),
    quality: qualityOf(row.quality),
    smallNumbersRule: isCount(row) || row.numerator_label !== null,
    lastUpdated: dateOf(published.sort().at(-1) ?? null),
    latest: values.at(-1) ?? null,
    values,
    links: { page: base, csv: `${base}.csv`, json: `${base}.json`, embed: `${base}/embed` },
  }
}
export type PublicMeasureFigures = ReturnType<typeof presentPublicFigures>
