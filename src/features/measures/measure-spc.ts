import { improvementForPolarity, xmr, type IndexRange, type PointType } from '../../core/spc.ts'
import type { MeasureValueView, PeriodView } from './measure-presenter.ts'

/** What the chart reads of each value: a full MeasureValueView will do. */
export type SpcValue = Pick<MeasureValueView, 'status' | 'value' | 'period' | 'target'>

interface SpcMeasure {
  readonly polarity: 'higher_is_better' | 'lower_is_better' | 'within_band' | 'none'
  readonly cumulative: boolean
}

/** An approved value, as SPC reads it. */
export interface SpcPointInput {
  readonly start: string
  readonly value: number
  readonly target: number | null
}

export interface SpcBaselineView {
  readonly id: string
  /** The first and last periods the limits are fixed from. */
  readonly from: PeriodView
  readonly to: PeriodView
  readonly reason: string | null
  readonly recordedBy: string | null
  readonly recordedAt: string
}

export interface SpcChangePointView {
  readonly id: string
  /** The first period of the new process: limits are worked out again from here. */
  readonly period: PeriodView
  readonly reason: string
  readonly recordedBy: string | null
  readonly recordedAt: string
}

/** The baseline and change points recorded on a measure (removed ones left out). */
export interface SpcSettingsView {
  readonly baseline: SpcBaselineView | null
  readonly changePoints: readonly SpcChangePointView[]
}

const NO_SETTINGS: SpcSettingsView = { baseline: null, changePoints: [] }

/**
 * Where the settings fall among the points (period starts, oldest first): a change point starts
 * at the first point on or after its period, a baseline covers the points within its periods.
 * Settings that no approved point falls in (a value since restated) apply to nothing.
 */
export function settingsIndexes(
  starts: readonly string[],
  settings: SpcSettingsView,
): { baseline: IndexRange | null; changePoints: { index: number; reason: string }[] } {
  const changePoints = settings.changePoints.flatMap((c) => {
    const index = starts.findIndex((s) => s >= c.period.start)
    return index > 0 ? [{ index, reason: c.reason }] : []
  })
  let baseline: IndexRange | null = null
  if (settings.baseline) {
    const { from, to } = settings.baseline
    const fromIndex = starts.findIndex((s) => s >= from.start)
    const toIndex = starts.findLastIndex((s) => s <= to.start)
    if (fromIndex !== -1 && toIndex >= fromIndex) baseline = { fromIndex, toIndex }
  }
  return { baseline, changePoints }
}

/**
 * The XmR chart of approved values, oldest first, with the measure's baseline and change points.
 * The target is the latest approved period's; cumulative measures are judged on year to date,
 * which an XmR chart of single periods cannot compare with, so they get none.
 */
export function spcOf(
  measure: SpcMeasure,
  points: readonly SpcPointInput[],
  settings: SpcSettingsView = NO_SETTINGS,
) {
  const target = measure.cumulative ? null : (points.at(-1)?.target ?? null)
  const where = settingsIndexes(
    points.map((p) => p.start),
    settings,
  )
  const result = xmr(
    points.map((p) => p.value),
    {
      improvement: improvementForPolarity(measure.polarity),
      target,
      baseline: where.baseline,
      changePoints: where.changePoints.map((c) => c.index),
    },
  )
  return { result, target, ...where }
}

/** The latest point's variation and assurance, as each measure keeps them for lists. */
export function spcSummary(
  measure: SpcMeasure,
  points: readonly SpcPointInput[],
  settings?: SpcSettingsView,
) {
  const { result } = spcOf(measure, points, settings)
  return { variation: result.variation, assurance: result.assurance }
}

/**
 * The variation a value waiting for sign-off will give its chart's latest point once approved:
 * the approved values before its period, then it (a restatement stands in for the value it
 * restates). Null when it has no value, or the chart too few points for limits.
 */
export function variationIfApproved(
  measure: SpcMeasure,
  approved: readonly SpcPointInput[],
  pending: {
    readonly start: string
    readonly value: number | null
    readonly target: number | null
  },
  settings?: SpcSettingsView,
): PointType | null {
  if (pending.value === null) return null
  const before = approved.filter((p) => p.start < pending.start)
  const points = [...before, { start: pending.start, value: pending.value, target: pending.target }]
  return spcSummary(measure, points, settings).variation
}

/**
 * The XmR chart of a measure, over its approved values, oldest first, in the API's SPC shape,
 * with the baseline and change points recorded on it (none when `settings` is left out).
 */
export function measureSpc(
  measure: SpcMeasure,
  values: readonly SpcValue[],
  settings: SpcSettingsView = NO_SETTINGS,
) {
  const approved = values
    .filter((v): v is SpcValue & { value: number } => v.status === 'approved' && v.value !== null)
    .sort((a, b) =>
      a.period.start < b.period.start ? -1 : a.period.start > b.period.start ? 1 : 0,
    )
  const { result, target, baseline, changePoints } = spcOf(
    measure,
    approved.map((v) => ({ start: v.period.start, value: v.value, target: v.target })),
    settings,
  )
  const changeAt = new Map(changePoints.map((c) => [c.index, c.reason]))
  return {
    mean: result.mean,
    lowerLimit: result.lowerLimit,
    upperLimit: result.upperLimit,
    target,
    points: result.points.map((point, index) => ({
      period: approved[index]?.period ?? null,
      value: point.value,
      pointType: point.pointType,
      rule: point.rule,
      mean: point.mean,
      lowerLimit: point.lowerLimit,
      upperLimit: point.upperLimit,
      inBaseline: baseline !== null && index >= baseline.fromIndex && index <= baseline.toIndex,
      changeReason: changeAt.get(index) ?? null,
    })),
    variation: result.variation,
    assurance: result.assurance,
    baseline: settings.baseline,
    changePoints: settings.changePoints,
    result,
    /** Change points as the chart marks them: the point index where each new process starts. */
    changeMarks: changePoints,
    labels: approved.map((v) => v.period.label),
  }
}
