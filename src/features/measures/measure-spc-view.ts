import type { Frequency } from '../../core/periods.ts'
import { improvementForPolarity } from '../../core/spc.ts'
import {
  assuranceSentence,
  limitsBasisSentence,
  trialLimitsSentence,
  variationSentence,
} from '../../core/spc-sentence.ts'
import { renderSpcChart } from '../../web/charts/spc-chart.ts'
import {
  assuranceIcon,
  assuranceText,
  variationIcon,
  variationText,
} from '../../web/charts/spc-icons.ts'
import type { MeasureValueView } from './measure-presenter.ts'
import { measureSpc, type SpcSettingsView } from './measure-spc.ts'

interface SpcPageMeasure {
  readonly code: string
  readonly title: string
  readonly unit: 'percent' | 'number' | 'currency' | 'days' | 'ratio' | 'yes_no'
  readonly decimals: number
  readonly frequency: Frequency
  readonly polarity: 'higher_is_better' | 'lower_is_better' | 'within_band' | 'none'
  readonly cumulative: boolean
}

/** The plain sentences under an SPC chart: variation, how the limits were set, assurance. */
export function spcSentences(
  measure: SpcPageMeasure,
  spc: ReturnType<typeof measureSpc>,
): string[] {
  const sentenceInput = {
    unit: measure.unit,
    decimals: measure.decimals,
    result: spc.result,
    labels: spc.labels,
    frequency: measure.frequency,
    target: spc.target,
  }
  return [
    variationSentence(sentenceInput),
    limitsBasisSentence({
      ...sentenceInput,
      changeReasons: new Map(spc.changeMarks.map((c) => [c.index, c.reason])),
    }),
    assuranceSentence(sentenceInput),
    trialLimitsSentence(sentenceInput),
  ].filter((s) => s !== null)
}

/**
 * The SPC chart, icons with their words, the plain sentences and the data for the table, with
 * the baseline and change points recorded on the measure.
 */
export function spcSection(
  measure: SpcPageMeasure,
  values: readonly MeasureValueView[],
  settings?: SpcSettingsView,
) {
  const spc = measureSpc(measure, values, settings)
  const assuranceReason =
    spc.result.lowerLimit === null
      ? 'not_enough_data'
      : spc.target === null
        ? 'no_target'
        : undefined
  return {
    chart: renderSpcChart({
      title: `${measure.code} ${measure.title}: statistical process control chart`,
      result: spc.result,
      labels: spc.labels,
      unit: measure.unit,
      decimals: measure.decimals,
      target: spc.target,
      frequency: measure.frequency,
      changePoints: spc.changeMarks,
      id: 'spc',
    }),
    variationIcon: variationIcon(spc.variation, improvementForPolarity(measure.polarity), {
      decorative: true,
    }),
    variationText: variationText(spc.variation),
    assuranceIcon: assuranceIcon(spc.assurance, { decorative: true, reason: assuranceReason }),
    assuranceText: assuranceText(spc.assurance, assuranceReason),
    sentences: spcSentences(measure, spc),
    points: spc.points,
    mean: spc.mean,
    lowerLimit: spc.lowerLimit,
    upperLimit: spc.upperLimit,
    baseline: spc.baseline,
    changePoints: spc.changePoints,
  }
}
