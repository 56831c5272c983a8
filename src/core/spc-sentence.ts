// Plain-English sentences for an XmR result, for pages, reports and the chart's text alternative.
// Pure: the caller passes the period labels, the measure's unit and decimals.
import { formatMeasureValue } from './format.ts'
import type { Frequency } from './periods.ts'
import {
  LIMIT_FACTOR,
  MIN_POINTS_FOR_LIMITS,
  type AssuranceType,
  type PointType,
  type XmrPoint,
  type XmrResult,
  type XmrSegment,
} from './spc.ts'

/** A measure's unit, as the measure definition names it. */
export type ValueUnit = 'percent' | 'number' | 'currency' | 'days' | 'ratio' | 'yes_no'

export interface ValueFormat {
  readonly unit: ValueUnit
  readonly decimals: number
}

export interface SpcSentenceInput extends ValueFormat {
  readonly result: XmrResult
  /** One period label per point, oldest first ('Sep 2024', '2024/25 Q2'). */
  readonly labels: readonly string[]
  /** Names the periods ('months', 'quarters'); absent gives 'periods'. */
  readonly frequency?: Frequency | null
  /** The target the result's assurance was judged against. */
  readonly target?: number | null
}

const PERIOD_NOUNS: Readonly<Record<Frequency, readonly [string, string]>> = {
  monthly: ['month', 'months'],
  bimonthly: ['two-month period', 'two-month periods'],
  quarterly: ['quarter', 'quarters'],
  half_yearly: ['half-year', 'half-years'],
  annual: ['year', 'years'],
}

const TWO_SIGMA_FACTOR = 2 * (LIMIT_FACTOR / 3)

/** A value with the measure's decimals and unit: 61.2%, £1,250, 4.5 days. */
export function formatSpcValue(value: number, format: ValueFormat): string {
  // Means and limits of a yes/no measure are proportions, not answers.
  const unit = format.unit === 'yes_no' ? 'number' : format.unit
  return formatMeasureValue(value, unit, format.decimals)
}

/** 'month' / 'months', 'quarter' / 'quarters', or 'period' / 'periods' without a frequency. */
export function periodNoun(frequency: Frequency | null | undefined, count: number): string {
  const [one, many] = frequency ? PERIOD_NOUNS[frequency] : ['period', 'periods']
  return count === 1 ? one : many
}

/** Words for a point type, as the variation icon's label says them. */
export function variationLead(pointType: PointType | null): string {
  switch (pointType) {
    case 'special_cause_improvement':
      return 'Special cause – improving'
    case 'special_cause_concern':
      return 'Special cause – concerning'
    case 'special_cause_neutral_high':
      return 'Special cause – unusually high'
    case 'special_cause_neutral_low':
      return 'Special cause – unusually low'
    case 'common_cause':
      return 'Common cause – no significant change'
    case null:
      return 'Not enough data'
  }
}

/**
 * One sentence on the latest point: which rule it breaks and the evidence, or that it sits
 * within the expected range, or how many more points the limits need.
 */
export function variationSentence(input: SpcSentenceInput): string {
  const { result, labels } = input
  const latestIndex = result.points.length - 1
  const latest = result.points[latestIndex]
  const segment = latest ? result.segments[latest.segment] : undefined
  if (!latest || !segment) {
    return `No data yet: process limits need at least ${MIN_POINTS_FOR_LIMITS} ${periodNoun(input.frequency, MIN_POINTS_FOR_LIMITS)}.`
  }
  const value = (n: number) => formatSpcValue(n, input)
  const label = labelAt(labels, latestIndex)
  const { mean, lowerLimit, upperLimit } = segment
  if (mean === null || lowerLimit === null || upperLimit === null) {
    const have = segment.limitsFrom.toIndex - segment.limitsFrom.fromIndex + 1
    const since =
      segment.fromIndex > 0 ? ` since the change in ${labelAt(labels, segment.fromIndex)}` : ''
    return `Not enough data for process limits${since}: ${have} of the ${MIN_POINTS_FOR_LIMITS} ${periodNoun(input.frequency, MIN_POINTS_FOR_LIMITS)} needed.`
  }
  const lead = variationLead(latest.pointType)
  const high = latest.value > mean
  switch (latest.rule) {
    case null:
      return `${lead}: the latest value of ${value(latest.value)} is within the expected range of ${value(lowerLimit)} to ${value(upperLimit)}.`
    case 'outside_limits':
      return high
        ? `${lead}: ${label} (${value(latest.value)}) is above the upper limit of ${value(upperLimit)}.`
        : `${lead}: ${label} (${value(latest.value)}) is below the lower limit of ${value(lowerLimit)}.`
    case 'shift': {
      const run = runOnOneSide(result.points, segment, mean)
      return `${lead}: the last ${run} ${periodNoun(input.frequency, run)} are all ${high ? 'above' : 'below'} the average of ${value(mean)}.`
    }
    case 'trend': {
      const { length, rising } = trendRun(result.points, segment)
      return `${lead}: the last ${length} ${periodNoun(input.frequency, length)} form a ${rising ? 'rising' : 'falling'} trend, to ${value(latest.value)} in ${label}.`
    }
    case 'two_of_three': {
      const near = nearLimitInLastThree(result.points, segment)
      const limit = high ? upperLimit : lowerLimit
      const which =
        near === 3
          ? `the last 3 ${periodNoun(input.frequency, 3)} are all`
          : `${near} of the last 3 ${periodNoun(input.frequency, 3)} are`
      return `${lead}: ${which} close to the ${high ? 'upper' : 'lower'} limit of ${value(limit)}, with ${label} at ${value(latest.value)}.`
    }
  }
}

/**
 * One sentence on where the target lies against the latest limits, or null when there is no
 * assurance to give (no target, no improvement direction, or too few points).
 */
export function assuranceSentence(input: SpcSentenceInput): string | null {
  const { assurance, lowerLimit, upperLimit } = input.result
  const target = input.target ?? null
  if (assurance === null || target === null || lowerLimit === null || upperLimit === null) {
    return null
  }
  const value = (n: number) => formatSpcValue(n, input)
  const where =
    target > upperLimit
      ? `above the upper process limit of ${value(upperLimit)}`
      : target < lowerLimit
        ? `below the lower process limit of ${value(lowerLimit)}`
        : `between the process limits of ${value(lowerLimit)} and ${value(upperLimit)}`
  return `The target of ${value(target)} lies ${where}, so ${ASSURANCE_CONSEQUENCE[assurance]}.`
}

const ASSURANCE_CONSEQUENCE: Readonly<Record<AssuranceType, string>> = {
  consistent_pass: 'it will be met consistently unless the process changes',
  consistent_fail: 'it will be missed consistently unless the process changes',
  inconsistent: 'it will be hit and missed at random unless the process changes',
}

/** A note for limits taken from fewer than 12 points, or null when they are settled. */
export function trialLimitsSentence(input: SpcSentenceInput): string | null {
  const segment = input.result.segments.at(-1)
  if (!segment?.trial || segment.mean === null) return null
  const count = segment.limitsFrom.toIndex - segment.limitsFrom.fromIndex + 1
  return `The limits come from only ${count} ${periodNoun(input.frequency, count)}, so they are trial limits and will change as data arrives.`
}

/**
 * Where the latest limits come from, when a person recorded a change in the process or fixed a
 * baseline; null when they come from every point. `changeReasons` maps a change point's index
 * (as passed to xmr()) to the reason recorded for it.
 */
export function limitsBasisSentence(
  input: SpcSentenceInput & { readonly changeReasons?: ReadonlyMap<number, string> },
): string | null {
  const segment = input.result.segments.at(-1)
  if (!segment) return null
  const { labels } = input
  const parts: string[] = []
  if (segment.fromIndex > 0) {
    const reason = input.changeReasons
      ?.get(segment.fromIndex)
      ?.trim()
      .replace(/[.\s]+$/, '')
    parts.push(
      `The limits were worked out again from ${labelAt(labels, segment.fromIndex)}, when the process changed${reason ? `: ${reason}` : ''}.`,
    )
  }
  const { limitsFrom } = segment
  if (limitsFrom.fromIndex !== segment.fromIndex || limitsFrom.toIndex !== segment.toIndex) {
    const count = limitsFrom.toIndex - limitsFrom.fromIndex + 1
    parts.push(
      `${parts.length > 0 ? 'They are' : 'The limits are'} fixed from the baseline ${labelAt(labels, limitsFrom.fromIndex)} to ${labelAt(labels, limitsFrom.toIndex)} (${count} ${periodNoun(input.frequency, count)}), and later values are judged against them.`,
    )
  }
  return parts.length > 0 ? parts.join(' ') : null
}

function labelAt(labels: readonly string[], index: number): string {
  return labels[index] ?? `point ${index + 1}`
}

function segmentPoints(points: readonly XmrPoint[], segment: XmrSegment): XmrPoint[] {
  return points.slice(segment.fromIndex, segment.toIndex + 1)
}

// Counted back from the latest point, within its segment; points on the mean end a run.
function runOnOneSide(points: readonly XmrPoint[], segment: XmrSegment, mean: number): number {
  const values = segmentPoints(points, segment).map((p) => p.value)
  const side = Math.sign((values.at(-1) ?? mean) - mean)
  let run = 0
  for (let i = values.length - 1; i >= 0 && Math.sign((values[i] ?? mean) - mean) === side; i--) {
    run++
  }
  return run
}

// The trend's length includes its first point, as the rule counts it.
function trendRun(
  points: readonly XmrPoint[],
  segment: XmrSegment,
): { length: number; rising: boolean } {
  const values = segmentPoints(points, segment).map((p) => p.value)
  const last = values.length - 1
  const rising = (values[last] ?? 0) > (values[last - 1] ?? 0)
  let length = 1
  for (let i = last; i > 0; i--) {
    const step = (values[i] ?? 0) - (values[i - 1] ?? 0)
    if (rising ? step <= 0 : step >= 0) break
    length++
  }
  return { length, rising }
}

function nearLimitInLastThree(points: readonly XmrPoint[], segment: XmrSegment): number {
  const { mean, movingRangeMean, lowerLimit, upperLimit } = segment
  if (mean === null || movingRangeMean === null || lowerLimit === null || upperLimit === null) {
    return 0
  }
  const sigma2 = TWO_SIGMA_FACTOR * movingRangeMean
  return segmentPoints(points, segment)
    .slice(-3)
    .filter(
      (p) =>
        p.value <= upperLimit &&
        p.value >= lowerLimit &&
        (p.value > mean + sigma2 || p.value < mean - sigma2),
    ).length
}
