import { formatMeasureValue } from '../../core/format.ts'
import { displayedFigure, headlineNote, type MeasureApproval } from '../../core/measure-figure.ts'
import { parsePeriodStart, type Frequency, type Period } from '../../core/periods.ts'
import type { Rag } from '../../core/status.ts'
import type {
  MeasureBenchmarkRow,
  MeasureRow,
  MeasureTargetRow,
  MeasureValueRow,
} from '../../db/schema.ts'
import {
  QUALITY_CRITERIA,
  type QualityAssessment,
  type QualityCriterion,
} from './measure-schemas.ts'
import type { PeriodStatus, StatusMeasure } from './measure-status.ts'

export interface PeriodView {
  readonly frequency: Frequency
  readonly start: string
  readonly label: string
}

export function presentPeriod(period: Period): PeriodView {
  return { frequency: period.frequency, start: period.start, label: period.label }
}

export function periodOf(frequency: Frequency, start: string): Period {
  return parsePeriodStart({ frequency, start })
}

export function statusMeasure(
  row: Pick<
    MeasureRow,
    | 'frequency'
    | 'cumulative'
    | 'polarity'
    | 'decimals'
    | 'tolerance_type'
    | 'tolerance_value'
    | 'kind'
    | 'due_working_days'
    | 'forecast_method'
  >,
): StatusMeasure {
  return {
    frequency: row.frequency,
    cumulative: row.cumulative,
    polarity: row.polarity,
    decimals: row.decimals,
    tolerance:
      row.tolerance_type === null || row.tolerance_value === null
        ? null
        : { type: row.tolerance_type, value: row.tolerance_value },
    kind: row.kind,
    dueWorkingDays: row.due_working_days,
    forecastMethod: row.forecast_method,
  }
}

type Quality = Record<QualityCriterion, { assessment: QualityAssessment; notes: string | null }>

function qualityOf(value: unknown): Quality {
  const stored = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>
  return Object.fromEntries(
    QUALITY_CRITERIA.map((c) => {
      const entry = (stored[c] ?? {}) as { assessment?: QualityAssessment; notes?: string | null }
      return [c, { assessment: entry.assessment ?? 'not_assessed', notes: entry.notes ?? null }]
    }),
  ) as Quality
}

export interface CurrentStatusView {
  readonly period: PeriodView
  readonly rag: Rag
  readonly due: string | null
  /** Approved, or whether the newest value awaits approval, or the expected one is missing. */
  readonly approval: MeasureApproval
}

/** A measure's latest values: the newest entered (any state) and the latest approved. */
export interface LatestViews {
  readonly latest: MeasureValueView | null
  readonly approved: MeasureValueView | null
}

/** A measure's definition as it leaves the server; `latest` is filled by the service. */
export function presentMeasure(
  row: MeasureRow,
  latestViews: LatestViews,
  current: CurrentStatusView,
) {
  const { latest, approved } = latestViews
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    definition: row.definition,
    rationale: row.rationale,
    unit: row.unit,
    decimals: row.decimals,
    polarity: row.polarity,
    frequency: row.frequency,
    kind: row.kind,
    cumulative: row.cumulative,
    numeratorLabel: row.numerator_label,
    denominatorLabel: row.denominator_label,
    formula: row.formula,
    calculated: row.formula !== null,
    /** The named computation of an organisational measure, or null. */
    computation: row.computation,
    baselineValue: row.baseline_value,
    baselinePeriod: row.baseline_period,
    dataSource: row.data_source,
    collectionMethod: row.collection_method,
    ownerId: row.owner_id,
    dataEntryOfficerId: row.data_entry_id,
    approverId: row.approver_id,
    unitId: row.unit_id,
    public: row.public,
    nationalIndicatorRef: row.national_ref,
    quality: qualityOf(row.quality),
    dueWorkingDays: row.due_working_days,
    status: row.status,
    tolerance:
      row.tolerance_type === null || row.tolerance_value === null
        ? null
        : { type: row.tolerance_type, value: row.tolerance_value },
    forecastMethod: row.forecast_method,
    allowOutOfRange: row.allow_out_of_range,
    version: row.version,
    /** The newest value entered, whatever its sign-off; see `displayed.approval`. */
    latest,
    /** The figure the measure shows everywhere: its latest approved value (docs/api.md). */
    latestApproved: approved,
    currentStatus: current,
    /** The SPC variation of the latest approved value, and the assurance against the target. */
    variation: row.spc_variation,
    assurance: row.spc_assurance,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
export type MeasureView = ReturnType<typeof presentMeasure>

/** In words, what awaits sign-off or is missing beside the measure's approved figure; or null. */
export function headlineNoteOf(
  m: Pick<MeasureView, 'latest' | 'latestApproved' | 'currentStatus'>,
) {
  const pending = m.latest && m.latest !== m.latestApproved ? m.latest : null
  return headlineNote(
    m.currentStatus.approval,
    pending ? pending.period.label : m.currentStatus.period.label,
  )
}

export function presentValue(
  row: MeasureValueRow,
  measure: { readonly frequency: Frequency; readonly cumulative: boolean },
  status: PeriodStatus,
  due: string | null,
) {
  return {
    period: presentPeriod(periodOf(measure.frequency, row.period_start)),
    /** The period's own value (a calculated measure's formula result). */
    value: row.value,
    /** What every page, report and file shows for this period, and why (core/measure-figure). */
    displayed: displayedFigure({
      value: row.value,
      yearToDate: row.year_to_date,
      status: row.status,
      restated: row.restated,
      cumulative: measure.cumulative,
      calculated: row.calculated,
    }),
    numerator: row.numerator,
    denominator: row.denominator,
    yearToDate: row.year_to_date,
    target: row.target,
    status: row.status,
    rag: status.rag,
    direction: status.direction,
    directionYearOnYear: status.directionYearOnYear,
    forecast: status.forecast,
    commentary: row.commentary,
    version: row.version,
    calculated: row.calculated,
    restated: row.restated,
    restatementReason: row.restatement_reason,
    restatedFrom: row.restated_from,
    returnReason: row.status === 'returned' ? row.return_reason : null,
    dueDate: due,
    enteredBy: row.entered_by,
    submittedBy: row.submitted_by,
    submittedAt: row.submitted_at?.toISOString() ?? null,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at?.toISOString() ?? null,
    returnedBy: row.returned_by,
    returnedAt: row.returned_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
  }
}
export type MeasureValueView = ReturnType<typeof presentValue>

export function presentTarget(row: MeasureTargetRow) {
  return {
    period: presentPeriod(periodOf(row.frequency, row.period_start)),
    value: row.value,
    lower: row.lower,
    upper: row.upper,
  }
}
export type TargetView = ReturnType<typeof presentTarget>

export function presentBenchmark(row: MeasureBenchmarkRow) {
  return {
    id: row.id,
    period: presentPeriod(periodOf(row.frequency, row.period_start)),
    familyAverage: row.family_average,
    nationalMedian: row.national_median,
    nationalLowerQuartile: row.national_lower_quartile,
    nationalUpperQuartile: row.national_upper_quartile,
    source: row.source,
    updatedAt: row.updated_at.toISOString(),
  }
}
export type BenchmarkView = ReturnType<typeof presentBenchmark>

export const RAG_NAMES: Readonly<Record<Rag, string>> = {
  green: 'Green',
  amber: 'Amber',
  red: 'Red',
  no_target: 'No target',
  no_data: 'No data',
  overdue: 'Overdue',
}

/** A symbol for each status, so none is told by colour alone. */
export const RAG_SYMBOLS: Readonly<Record<Rag, string>> = {
  green: '✔',
  amber: '▲',
  red: '✖',
  no_target: '–',
  no_data: '○',
  overdue: '!',
}

/** A number as the measure shows it: its decimals, with its unit. */
export function formatValue(
  value: number | null | undefined,
  measure: { unit: string; decimals: number },
): string {
  return formatMeasureValue(value, measure.unit, measure.decimals)
}
