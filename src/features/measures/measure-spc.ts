import { improvementForPolarity, xmr } from '../../core/spc.ts'
import type { MeasureValueView } from './measure-presenter.ts'

/** What the chart reads of each value: a full MeasureValueView will do. */
export type SpcValue = Pick<MeasureValueView, 'status' | 'value' | 'period' | 'target'>

interface SpcMeasure {
  readonly polarity: 'higher_is_better' | 'lower_is_better' | 'within_band' | 'none'
  readonly cumulative: boolean
}

/**
 * The XmR chart of a measure, over its approved values, oldest first, in the API's SPC shape.
 * The target is the latest approved period's; cumulative measures are judged on year to date,
 * which an XmR chart of single periods cannot compare with, so they get none.
 */
export function measureSpc(measure: SpcMeasure, values: readonly SpcValue[]) {
  const approved = values
    .filter((v): v is SpcValue & { value: number } => v.status === 'approved' && v.value !== null)
    .sort((a, b) =>
      a.period.start < b.period.start ? -1 : a.period.start > b.period.start ? 1 : 0,
    )
  const target = measure.cumulative ? null : (approved.at(-1)?.target ?? null)
  const result = xmr(
    approved.map((v) => v.value),
    { improvement: improvementForPolarity(measure.polarity), target },
  )
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
    })),
    variation: result.variation,
    assurance: result.assurance,
    result,
    labels: approved.map((v) => v.period.label),
  }
}
