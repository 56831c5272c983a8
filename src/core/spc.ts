// XmR (individuals and moving range) charts in the NHS England "Making Data Count" style,
// conforming to NHSRplotthedots 0.2.2. Method, rules and known differences: docs/spc.md.

export type ImprovementDirection = 'increase' | 'decrease' | 'neutral'

export type PointType =
  | 'common_cause'
  | 'special_cause_improvement'
  | 'special_cause_concern'
  | 'special_cause_neutral_high'
  | 'special_cause_neutral_low'

export type SpecialCauseRule = 'outside_limits' | 'trend' | 'two_of_three' | 'shift'

export type AssuranceType = 'consistent_pass' | 'consistent_fail' | 'inconsistent'

/** Inclusive range of point indexes. */
export interface IndexRange {
  fromIndex: number
  toIndex: number
}

export interface XmrOptions {
  improvement: ImprovementDirection
  /** The latest target; null or absent gives no assurance. */
  target?: number | null
  /** Points whose mean and moving ranges fix the limits of the segment the range starts in. */
  baseline?: IndexRange | null
  /** Index of the first point of each new segment (a recorded change): limits are recalculated. */
  changePoints?: readonly number[]
  /** Leave out moving ranges of 3.267 × the mean moving range or more before computing limits. */
  screenOutliers?: boolean
  /** Points in a run on one side of the mean that make a shift; default 7. */
  shiftPoints?: number
  /** Points rising or falling in a row that make a trend; default 7. */
  trendPoints?: number
}

export interface XmrSegment extends IndexRange {
  /** The points the mean and limits come from: the baseline, or else the whole segment. */
  limitsFrom: IndexRange
  mean: number | null
  movingRangeMean: number | null
  lowerLimit: number | null
  upperLimit: number | null
  /** Upper limit of the moving range chart (3.267 × the mean moving range). */
  upperRangeLimit: number | null
  /** Limits from fewer than TRIAL_LIMITS_BELOW points: revise as data arrives. */
  trial: boolean
}

export interface XmrPoint {
  value: number
  /** |value − previous value| within the segment; null for a segment's first point. */
  movingRange: number | null
  pointType: PointType
  rule: SpecialCauseRule | null
  /** Index into XmrResult.segments. */
  segment: number
  mean: number | null
  lowerLimit: number | null
  upperLimit: number | null
}

export interface XmrResult {
  /** The latest segment's mean and limits: the ones a target is judged against. */
  mean: number | null
  lowerLimit: number | null
  upperLimit: number | null
  points: XmrPoint[]
  segments: XmrSegment[]
  /** The latest point's type; null when its segment has too few points for limits. */
  variation: PointType | null
  assurance: AssuranceType | null
}

/** 3 / d2 (1.128), rounded as Making Data Count and NHSRplotthedots round it. */
export const LIMIT_FACTOR = 2.66
/** D4 for moving ranges of two points. */
export const RANGE_LIMIT_FACTOR = 3.267
/** One moving range is the least an average moving range can be taken from. */
export const MIN_POINTS_FOR_LIMITS = 2
/** NHSRplotthedots warns that limits from fewer points are trial limits. */
export const TRIAL_LIMITS_BELOW = 12
const DEFAULT_RUN_POINTS = 7
// Same expression as NHSRplotthedots so that points on the two-sigma line classify alike.
const TWO_SIGMA_FACTOR = 2 * (LIMIT_FACTOR / 3)

interface Limits {
  mean: number
  movingRangeMean: number
  lower: number
  upper: number
}

type Side = 1 | -1

export function xmr(values: readonly number[], options: XmrOptions): XmrResult {
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`SPC values must be finite, got ${value}`)
  }
  const target = options.target ?? null
  if (target !== null && !Number.isFinite(target)) {
    throw new RangeError(`SPC target must be finite, got ${target}`)
  }
  const shiftPoints = runLength(options.shiftPoints, 'shiftPoints')
  const trendPoints = runLength(options.trendPoints, 'trendPoints')
  const ranges = segmentRanges(values.length, options.changePoints ?? [])
  const baseline = options.baseline ?? null
  if (baseline !== null) checkBaseline(baseline, values.length)

  const segments: XmrSegment[] = []
  const points: XmrPoint[] = []
  for (const range of ranges) {
    const limitsFrom =
      baseline !== null &&
      baseline.fromIndex >= range.fromIndex &&
      baseline.fromIndex <= range.toIndex
        ? { fromIndex: baseline.fromIndex, toIndex: Math.min(baseline.toIndex, range.toIndex) }
        : range
    const limits = computeLimits(
      values.slice(limitsFrom.fromIndex, limitsFrom.toIndex + 1),
      options.screenOutliers ?? false,
    )
    const segmentValues = values.slice(range.fromIndex, range.toIndex + 1)
    const classified =
      limits === null
        ? segmentValues.map(() => ({ side: null, rule: null }))
        : classify(segmentValues, limits, shiftPoints, trendPoints)
    const segment = segments.length
    segments.push({
      ...range,
      limitsFrom,
      mean: limits?.mean ?? null,
      movingRangeMean: limits?.movingRangeMean ?? null,
      lowerLimit: limits?.lower ?? null,
      upperLimit: limits?.upper ?? null,
      upperRangeLimit: limits === null ? null : RANGE_LIMIT_FACTOR * limits.movingRangeMean,
      trial: limitsFrom.toIndex - limitsFrom.fromIndex + 1 < TRIAL_LIMITS_BELOW,
    })
    segmentValues.forEach((value, i) => {
      const previous = segmentValues[i - 1]
      const { side, rule } = classified[i] ?? { side: null, rule: null }
      points.push({
        value,
        movingRange: previous === undefined ? null : Math.abs(value - previous),
        pointType: pointType(side, options.improvement),
        rule,
        segment,
        mean: limits?.mean ?? null,
        lowerLimit: limits?.lower ?? null,
        upperLimit: limits?.upper ?? null,
      })
    })
  }

  const latest = segments.at(-1)
  const hasLimits = latest !== undefined && latest.mean !== null
  return {
    mean: latest?.mean ?? null,
    lowerLimit: latest?.lowerLimit ?? null,
    upperLimit: latest?.upperLimit ?? null,
    points,
    segments,
    variation: hasLimits ? (points.at(-1)?.pointType ?? null) : null,
    assurance: hasLimits ? assurance(target, latest, options.improvement) : null,
  }
}

/** The API's rule: higher_is_better → increase, lower_is_better → decrease, else neutral. */
export function improvementForPolarity(
  polarity: 'higher_is_better' | 'lower_is_better' | 'within_band' | 'none',
): ImprovementDirection {
  if (polarity === 'higher_is_better') return 'increase'
  if (polarity === 'lower_is_better') return 'decrease'
  return 'neutral'
}

function runLength(value: number | undefined, name: string): number {
  if (value === undefined) return DEFAULT_RUN_POINTS
  if (!Number.isInteger(value) || value < 2) {
    throw new RangeError(`${name} must be a whole number of at least 2, got ${value}`)
  }
  return value
}

function checkBaseline(baseline: IndexRange, length: number): void {
  const { fromIndex, toIndex } = baseline
  if (!Number.isInteger(fromIndex) || !Number.isInteger(toIndex) || fromIndex > toIndex) {
    throw new RangeError(`SPC baseline must be whole indexes in order, got ${fromIndex}–${toIndex}`)
  }
  if (fromIndex < 0 || fromIndex >= length) {
    throw new RangeError(`SPC baseline starts at ${fromIndex}, outside the ${length} points`)
  }
}

// Change points at or beyond either end split nothing, so they are ignored rather than refused.
function segmentRanges(length: number, changePoints: readonly number[]): IndexRange[] {
  for (const index of changePoints) {
    if (!Number.isInteger(index)) throw new RangeError(`SPC change point ${index} is not an index`)
  }
  const starts = [...new Set([0, ...changePoints.filter((i) => i > 0 && i < length)])].sort(
    (a, b) => a - b,
  )
  if (length === 0) return []
  return starts.map((fromIndex, i) => ({ fromIndex, toIndex: (starts[i + 1] ?? length) - 1 }))
}

function computeLimits(values: readonly number[], screenOutliers: boolean): Limits | null {
  if (values.length < MIN_POINTS_FOR_LIMITS) return null
  const mean = accurateMean(values)
  const movingRanges = values.slice(1).map((value, i) => Math.abs(value - (values[i] ?? value)))
  let movingRangeMean = accurateMean(movingRanges)
  if (screenOutliers) {
    const screened = movingRanges.filter((mr) => mr < RANGE_LIMIT_FACTOR * movingRangeMean)
    // All screened out only happens when every moving range is zero; zero is then the answer.
    if (screened.length > 0) movingRangeMean = accurateMean(screened)
  }
  return {
    mean,
    movingRangeMean,
    lower: mean - LIMIT_FACTOR * movingRangeMean,
    upper: mean + LIMIT_FACTOR * movingRangeMean,
  }
}

// R's mean() refines the quotient with a second pass; doing the same keeps points that sit on the
// mean on it, which matters because they break a shift.
function accurateMean(values: readonly number[]): number {
  const first = compensatedSum(values) / values.length
  return first + compensatedSum(values.map((v) => v - first)) / values.length
}

function compensatedSum(values: readonly number[]): number {
  let sum = 0
  let compensation = 0
  for (const value of values) {
    const next = sum + value
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum
    sum = next
  }
  return sum + compensation
}

interface Classified {
  side: Side | null
  rule: SpecialCauseRule | null
}

function classify(
  values: readonly number[],
  limits: Limits,
  shiftPoints: number,
  trendPoints: number,
): Classified[] {
  const { mean, lower, upper, movingRangeMean } = limits
  const nearLower = mean - TWO_SIGMA_FACTOR * movingRangeMean
  const nearUpper = mean + TWO_SIGMA_FACTOR * movingRangeMean
  const sideOfMean = values.map((v) => Math.sign(v - mean))
  const outside = values.map((v) => v > upper || v < lower)
  const close = values.map((v, i) => !outside[i] && (v < nearLower || v > nearUpper))
  const shift = runsOnOneSide(sideOfMean, shiftPoints)
  const trend = trends(values, trendPoints)
  const twoOfThree = twoOfThreeNearLimits(close, sideOfMean)

  return values.map((_, i) => {
    const side = sideOfMean[i] === 1 ? 1 : -1
    // Precedence as NHSRplotthedots names the special cause: limits, trend, two of three, shift.
    if (outside[i]) return { side, rule: 'outside_limits' }
    const trendSide = trend[i]
    if (trendSide !== undefined && trendSide !== null) return { side: trendSide, rule: 'trend' }
    if (twoOfThree[i]) return { side, rule: 'two_of_three' }
    if (shift[i]) return { side, rule: 'shift' }
    return { side: null, rule: null }
  })
}

// Points on the mean (side 0) break a run and never count towards one.
function runsOnOneSide(sideOfMean: readonly number[], length: number): boolean[] {
  const flagged = sideOfMean.map(() => false)
  let start = 0
  for (let i = 1; i <= sideOfMean.length; i++) {
    if (i < sideOfMean.length && sideOfMean[i] === sideOfMean[start]) continue
    if (sideOfMean[start] !== 0 && i - start >= length) flagged.fill(true, start, i)
    start = i
  }
  return flagged
}

// A trend includes its first point; a point that ends a rise and starts a fall takes the later
// trend's direction, as NHSRplotthedots colours it.
function trends(values: readonly number[], length: number): (Side | null)[] {
  const direction: (Side | null)[] = values.map(() => null)
  let start = 0
  while (start < values.length - 1) {
    const side = stepSign(values, start + 1)
    if (side === 0) {
      start += 1
      continue
    }
    let end = start + 1
    while (end + 1 < values.length && stepSign(values, end + 1) === side) end += 1
    if (end - start + 1 >= length) direction.fill(side, start, end + 1)
    // A rise and the fall after it share their turning point.
    start = end
  }
  return direction
}

function stepSign(values: readonly number[], i: number): Side | 0 {
  const current = values[i]
  const previous = values[i - 1]
  if (current === undefined || previous === undefined || current === previous) return 0
  return current > previous ? 1 : -1
}

// Two of three consecutive points beyond two sigma (within the limits), with all three on the
// same side of the mean; only the points beyond two sigma are flagged.
function twoOfThreeNearLimits(close: readonly boolean[], sideOfMean: readonly number[]): boolean[] {
  const flagged = close.map(() => false)
  for (let start = 0; start + 3 <= close.length; start++) {
    const window = [start, start + 1, start + 2]
    const sameSide = Math.abs(window.reduce((sum, i) => sum + (sideOfMean[i] ?? 0), 0)) === 3
    const nearCount = window.filter((i) => close[i]).length
    if (sameSide && nearCount >= 2) for (const i of window) if (close[i]) flagged[i] = true
  }
  return flagged
}

function pointType(side: Side | null, improvement: ImprovementDirection): PointType {
  if (side === null) return 'common_cause'
  if (improvement === 'neutral') {
    return side === 1 ? 'special_cause_neutral_high' : 'special_cause_neutral_low'
  }
  return side === improvementSign(improvement)
    ? 'special_cause_improvement'
    : 'special_cause_concern'
}

function improvementSign(improvement: 'increase' | 'decrease'): Side {
  return improvement === 'increase' ? 1 : -1
}

function assurance(
  target: number | null,
  segment: XmrSegment,
  improvement: ImprovementDirection,
): AssuranceType | null {
  const { lowerLimit, upperLimit } = segment
  if (target === null || improvement === 'neutral' || lowerLimit === null || upperLimit === null) {
    return null
  }
  const sign = improvementSign(improvement)
  if (target > upperLimit) return sign === 1 ? 'consistent_fail' : 'consistent_pass'
  if (target < lowerLimit) return sign === 1 ? 'consistent_pass' : 'consistent_fail'
  return 'inconsistent'
}
