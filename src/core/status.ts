// Status rules for a measure's value in a period: RAG, direction of travel, year to date, the
// year-end forecast and dashboard counts. The rules as a performance officer reads them:
// docs/status-rules.md.
import {
  type Frequency,
  isIsoDate,
  parsePeriodStart,
  periodsPerYear,
  yearToDate as periodsToDate,
} from './periods.ts'

export const POLARITIES = ['higher_is_better', 'lower_is_better', 'within_band', 'none'] as const
export type Polarity = (typeof POLARITIES)[number]

export const RAGS = ['green', 'amber', 'red', 'no_target', 'no_data', 'overdue'] as const
export type Rag = (typeof RAGS)[number]
/** The statuses a value can be judged to have; `no_data` and `overdue` come from periodRag. */
export type JudgedRag = Extract<Rag, 'green' | 'amber' | 'red' | 'no_target'>

export type Direction = 'improving' | 'same' | 'worsening'
export type Movement = 'up' | 'down' | 'same'

export interface Tolerance {
  readonly type: 'percent' | 'absolute'
  /** A percentage of the target (5 means 5%), or an amount in the measure's units. */
  readonly value: number
}

/** A band for `within_band` measures; a missing edge leaves that side open. */
export interface Band {
  readonly lower?: number | null
  readonly upper?: number | null
}

/** Input the rules cannot judge (a value that is not a number, a band upside down). */
export class StatusError extends Error {
  override readonly name = 'StatusError'
}

export const MAX_DECIMALS = 10

// Differences are compared at 12 significant figures: far finer than any measure is shown, far
// coarser than binary noise such as 0.3 - 0.1 = 0.19999999999999998.
const SIGNIFICANT_FIGURES = 12

// ---------------------------------------------------------------------------------------------
// Rounding

function checkDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new StatusError(
      `${decimals} is not a number of decimal places: use a whole number from 0 to ${MAX_DECIMALS}`,
    )
  }
}

function checkFinite(value: number, what: string): void {
  if (!Number.isFinite(value)) throw new StatusError(`The ${what} ${value} is not a number`)
}

/**
 * Rounds half away from zero, as on paper and in Excel: 1.005 to 2 places is 1.01, -2.5 to 0
 * places is -3. Never gives -0.
 */
export function roundTo(value: number, decimals: number): number {
  checkDecimals(decimals)
  checkFinite(value, 'value')
  const factor = 10 ** decimals
  const magnitude = Math.abs(value) * factor
  // Past 15 digits a double has no decimal places left to round, and toPrecision would drop digits.
  if (magnitude >= 1e15) return value
  // 15 significant figures first, so 1.005 (stored as 1.00499999…) rounds up as written.
  const rounded = Math.round(Number(magnitude.toPrecision(15))) / factor
  return value < 0 && rounded !== 0 ? -rounded : rounded
}

function denoise(value: number, figures = SIGNIFICANT_FIGURES): number {
  const cleaned = Number(value.toPrecision(figures))
  return cleaned === 0 ? 0 : cleaned
}

/** A computed result without the noise of its sums: 0.1 + 0.2 gives 0.3. */
function tidy(value: number): number {
  return denoise(value, 15)
}

/** A value as the rules see it: rounded to the measure's decimals, or else denoised. */
function asShown(value: number, decimals: number | undefined, what: string): number {
  checkFinite(value, what)
  return decimals === undefined ? denoise(value) : roundTo(value, decimals)
}

// ---------------------------------------------------------------------------------------------
// RAG

export interface RagInput {
  readonly value: number
  readonly target?: number | null
  readonly polarity: Polarity
  readonly tolerance?: Tolerance | null
  /**
   * For `within_band`; when absent the band is the target alone. A percent tolerance is of the
   * target, or else of the band's middle (or its one edge).
   */
  readonly band?: Band | null
  /** The measure's decimal places: value, target and band are judged as shown. */
  readonly decimals?: number
}

interface ShownBand {
  readonly lower: number | null
  readonly upper: number | null
  /** What a percent tolerance is a percentage of, the same on both sides of the band. */
  readonly reference: number
}

function shownBand(input: RagInput): ShownBand | null {
  const { band, target, decimals } = input
  const lower = band?.lower ?? null
  const upper = band?.upper ?? null
  if (lower === null && upper === null) {
    if (target === null || target === undefined) return null
    const only = asShown(target, decimals, 'target')
    return { lower: only, upper: only, reference: only }
  }
  const shownLower = lower === null ? null : asShown(lower, decimals, 'band lower limit')
  const shownUpper = upper === null ? null : asShown(upper, decimals, 'band upper limit')
  if (shownLower !== null && shownUpper !== null && shownLower > shownUpper) {
    throw new StatusError(
      `The band's lower limit ${shownLower} is above its upper limit ${shownUpper}`,
    )
  }
  const middle =
    shownLower === null || shownUpper === null
      ? (shownLower ?? shownUpper ?? 0)
      : (shownLower + shownUpper) / 2
  const reference =
    target === null || target === undefined ? middle : asShown(target, decimals, 'target')
  return { lower: shownLower, upper: shownUpper, reference }
}

/** How far a value may miss before it is red; 0 when there is no amber zone. */
function allowance(tolerance: Tolerance | null | undefined, target: number): number {
  if (tolerance === null || tolerance === undefined) return 0
  checkFinite(tolerance.value, 'tolerance')
  if (tolerance.value < 0) {
    throw new StatusError(`The tolerance ${tolerance.value} is negative: use 0 or more`)
  }
  // Percent of the size of the target, so negative targets get a positive allowance.
  return tolerance.type === 'percent' ? (Math.abs(target) * tolerance.value) / 100 : tolerance.value
}

function byShortfall(shortfall: number, allowed: number): JudgedRag {
  const miss = denoise(shortfall)
  if (miss <= 0) return 'green'
  return miss <= denoise(allowed) ? 'amber' : 'red'
}

/** Green, amber or red for a value against its target or band; `no_target` when neither. */
export function judgeRag(input: RagInput): JudgedRag {
  const { polarity, tolerance, decimals } = input
  if (polarity === 'none') return 'no_target'
  const value = asShown(input.value, decimals, 'value')
  if (polarity === 'within_band') {
    const band = shownBand(input)
    if (band === null) return 'no_target'
    if (band.lower !== null && value < band.lower) {
      return byShortfall(band.lower - value, allowance(tolerance, band.reference))
    }
    if (band.upper !== null && value > band.upper) {
      return byShortfall(value - band.upper, allowance(tolerance, band.reference))
    }
    return 'green'
  }
  if (input.target === null || input.target === undefined) return 'no_target'
  const target = asShown(input.target, decimals, 'target')
  const shortfall = polarity === 'higher_is_better' ? target - value : value - target
  return byShortfall(shortfall, allowance(tolerance, target))
}

export interface PeriodRagInput {
  readonly hasValue: boolean
  /** When the value is due, 'YYYY-MM-DD'; null when the measure has no due date rule. */
  readonly due: string | null
  readonly today: string
  /** The judged status of the value; needed when there is one. */
  readonly judged?: JudgedRag | null
}

function checkDate(date: string, what: string): void {
  if (!isIsoDate(date)) throw new StatusError(`The ${what} "${date}" is not a date (YYYY-MM-DD)`)
}

/** A period's status: the judged RAG, or without a value `no_data` until due, `overdue` after. */
export function periodRag(input: PeriodRagInput): Rag {
  const { hasValue, due, today, judged } = input
  checkDate(today, 'date today')
  if (due !== null) checkDate(due, 'due date')
  if (hasValue) {
    if (judged === null || judged === undefined) {
      throw new StatusError('A period with a value needs its judged status')
    }
    return judged
  }
  // ISO dates compare as text; the due date itself is still on time.
  return due !== null && today > due ? 'overdue' : 'no_data'
}

// ---------------------------------------------------------------------------------------------
// Direction of travel

export interface MovementInput {
  readonly current: number | null | undefined
  readonly previous: number | null | undefined
  readonly decimals?: number
}

/** Up, down or the same as shown; for measures with no better or worse (polarity `none`). */
export function movement(input: MovementInput): Movement | null {
  const { current, previous, decimals } = input
  if (current === null || current === undefined || previous === null || previous === undefined) {
    return null
  }
  const now = asShown(current, decimals, 'current value')
  const before = asShown(previous, decimals, 'previous value')
  if (now === before) return 'same'
  return now > before ? 'up' : 'down'
}

export interface DirectionInput extends MovementInput {
  readonly polarity: Polarity
  /** For `within_band`: the band (or target) of the current period. */
  readonly band?: Band | null
  readonly target?: number | null
}

function distanceOutside(value: number, band: ShownBand): number {
  if (band.lower !== null && value < band.lower) return denoise(band.lower - value)
  if (band.upper !== null && value > band.upper) return denoise(value - band.upper)
  return 0
}

/**
 * Improving, same or worsening, judged with the polarity. Null when either value is missing,
 * for polarity `none`, and for `within_band` without a band or target.
 */
export function direction(input: DirectionInput): Direction | null {
  const { polarity } = input
  if (polarity === 'none') return null
  const moved = movement(input)
  if (moved === null) return null
  if (polarity === 'within_band') {
    const band = shownBand({ value: 0, ...input })
    if (band === null) return null
    const { decimals } = input
    // movement() has checked both values are present.
    const now = distanceOutside(asShown(input.current ?? 0, decimals, 'current value'), band)
    const before = distanceOutside(asShown(input.previous ?? 0, decimals, 'previous value'), band)
    if (now === before) return 'same'
    return now < before ? 'improving' : 'worsening'
  }
  if (moved === 'same') return 'same'
  return (moved === 'up') === (polarity === 'higher_is_better') ? 'improving' : 'worsening'
}

// ---------------------------------------------------------------------------------------------
// Cumulative (year-to-date) measures

export interface PeriodValue {
  /** The period's first day, 'YYYY-MM-DD'. */
  readonly periodStart: string
  readonly value: number | null
}

export interface PeriodOfFrequency {
  readonly frequency: Frequency
  readonly start: string
}

/**
 * The sum of a cumulative measure's values from the start of the financial year up to and
 * including `upTo`. Null when any of those periods has no value: a total with a gap would
 * understate the year. Values of other years or later periods are ignored.
 */
export function yearToDate(values: readonly PeriodValue[], upTo: PeriodOfFrequency): number | null {
  const period = parsePeriodStart(upTo)
  const byStart = new Map(values.map((v) => [v.periodStart, v.value]))
  let total = 0
  for (const { start } of periodsToDate(period)) {
    const value = byStart.get(start)
    if (value === null || value === undefined) return null
    checkFinite(value, 'value')
    total += value
  }
  return tidy(total)
}

export interface CumulativeTargetInput {
  readonly frequency: Frequency
  /** 1-based position of the period in the financial year (1 = April for months). */
  readonly index: number
  readonly annual: number | null
  /** Each period's own target (its share, not a running total), by position; null where none. */
  readonly periodTargets?: readonly (number | null | undefined)[]
}

function checkIndex(frequency: Frequency, index: number): number {
  const count = periodsPerYear(frequency)
  if (!Number.isInteger(index) || index < 1 || index > count) {
    throw new StatusError(
      `${index} is not a period of the year: ${frequency} periods run 1 to ${count}`,
    )
  }
  return count
}

/**
 * The year-to-date target of a cumulative measure at a period. Periods with their own target
 * keep it; whatever the annual target leaves is shared equally by the periods without one.
 * Null when a period so far has no target of its own and there is no annual target.
 */
export function cumulativeTarget(input: CumulativeTargetInput): number | null {
  const { frequency, index, annual } = input
  const count = checkIndex(frequency, index)
  const own = Array.from({ length: count }, (_, i) => input.periodTargets?.[i] ?? null)
  for (const target of own) if (target !== null) checkFinite(target, 'target')
  if (annual !== null) checkFinite(annual, 'annual target')
  const given = own.reduce<number>((sum, t) => sum + (t ?? 0), 0)
  const without = own.filter((t) => t === null).length
  const share = annual === null || without === 0 ? null : (annual - given) / without
  let total = 0
  for (const target of own.slice(0, index)) {
    const amount = target ?? share
    if (amount === null) return null
    total += amount
  }
  return tidy(total)
}

/** The target a period's value is judged against: for cumulative measures, the year to date. */
export function targetForPeriod(
  input: CumulativeTargetInput & { cumulative: boolean },
): number | null {
  if (input.cumulative) return cumulativeTarget(input)
  checkIndex(input.frequency, input.index)
  return input.periodTargets?.[input.index - 1] ?? input.annual
}

// ---------------------------------------------------------------------------------------------
// Year-end forecast

export type ForecastMethod =
  'actual' | 'run_rate' | 'same_as_last_year_profile' | 'average' | 'last_value'

export interface Forecast {
  readonly value: number
  readonly method: ForecastMethod
  /** The method in words, to show beside the figure. */
  readonly methodText: string
}

export interface ForecastInput {
  readonly frequency: Frequency
  readonly cumulative: boolean
  /** This financial year's values so far, one per period in order from period 1; null where none. */
  readonly values: readonly (number | null)[]
  /** Earlier financial years' values, most recent first, each one per period of the year. */
  readonly previousYears?: readonly (readonly (number | null)[])[]
  /** For discrete measures: `average` (the default) or `last_value` for snapshot counts. */
  readonly discreteMethod?: 'average' | 'last_value'
}

const PERIOD_NOUNS: Readonly<Record<Frequency, string>> = {
  monthly: 'month',
  bimonthly: 'two-month period',
  quarterly: 'quarter',
  half_yearly: 'half-year',
  annual: 'year',
}

function count(n: number, frequency: Frequency): string {
  return `${n} ${PERIOD_NOUNS[frequency]}${n === 1 ? '' : 's'}`
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0)
}

function presentValues(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null)
}

/** Share of the year's total reached by `periods` periods in earlier complete years, or null. */
function profileShare(
  previousYears: readonly (readonly (number | null)[])[],
  periods: number,
  perYear: number,
): { share: number; years: number; lastYear: boolean } | null {
  const usable = previousYears.filter(
    (year) =>
      year.length === perYear && year.every((v) => v !== null && Number.isFinite(v) && v >= 0),
  )
  const complete = usable.map(presentValues)
  const toDate = sum(complete.map((year) => sum(year.slice(0, periods))))
  const total = sum(complete.map(sum))
  if (toDate <= 0 || total <= 0) return null
  return { share: toDate / total, years: usable.length, lastYear: usable[0] === previousYears[0] }
}

/**
 * The year-end figure a measure is heading for, with its method in words; null when this year
 * has no values yet. Cumulative: the total so far plus the run rate for the periods left, or
 * scaled by last year's profile when earlier complete years show one. Discrete: the average of
 * the periods so far, or the latest value.
 */
export function forecastYearEnd(input: ForecastInput): Forecast | null {
  const { frequency, cumulative, values } = input
  const perYear = periodsPerYear(frequency)
  if (values.length > perYear) {
    throw new StatusError(`A year has ${count(perYear, frequency)}, not ${values.length}`)
  }
  for (const value of values) if (value !== null) checkFinite(value, 'value')
  const present = presentValues(values)
  const n = present.length
  if (n === 0) return null
  const soFar = values.length
  const complete = soFar === perYear && n === perYear
  const noun = PERIOD_NOUNS[frequency]

  if (!cumulative) {
    if (input.discreteMethod === 'last_value') {
      const index = values.findLastIndex((v) => v !== null)
      const latest = present.at(-1) ?? 0
      const methodText = complete
        ? `The value for the last ${noun} of the year`
        : `Projected to stay at the latest value, from ${noun} ${index + 1} of ${perYear}`
      return { value: latest, method: 'last_value', methodText }
    }
    const methodText = complete
      ? perYear === 1
        ? 'The value for the year'
        : `The average of the ${count(n, frequency)} of the year`
      : `Projected from the ${averageOf(n, soFar, frequency)}`
    return { value: tidy(sum(present) / n), method: 'average', methodText }
  }

  const total = sum(present)
  if (complete) {
    return { value: tidy(total), method: 'actual', methodText: "The year's actual total" }
  }
  const profile =
    n === soFar && present.every((v) => v >= 0)
      ? profileShare(input.previousYears ?? [], soFar, perYear)
      : null
  if (profile !== null) {
    const pattern =
      profile.years > 1
        ? `${profile.years} earlier years`
        : profile.lastYear
          ? 'last year'
          : 'an earlier year'
    return {
      value: tidy(total / profile.share),
      method: 'same_as_last_year_profile',
      methodText: `Projected from the ${count(soFar, frequency)} so far, following the pattern of ${pattern}`,
    }
  }
  return {
    value: tidy((total / n) * perYear),
    method: 'run_rate',
    methodText: `Projected from the ${averageOf(n, soFar, frequency)}`,
  }
}

function averageOf(n: number, soFar: number, frequency: Frequency): string {
  const noun = PERIOD_NOUNS[frequency]
  if (n === soFar)
    return n === 1 ? `one ${noun} so far` : `average of the ${count(n, frequency)} so far`
  return `average of the ${count(n, frequency)} with a value, of ${soFar} so far`
}

// ---------------------------------------------------------------------------------------------
// Dashboard counts

export type RagCounts = Record<Rag, number>

export function ragCounts(rags: Iterable<Rag>): RagCounts {
  const counts: RagCounts = { green: 0, amber: 0, red: 0, no_target: 0, no_data: 0, overdue: 0 }
  for (const rag of rags) counts[rag] += 1
  return counts
}

/**
 * The percentage on track among those judged green, amber or red. `no_target`, `no_data` and
 * `overdue` count in neither part: show their numbers beside it. Null when none is judged.
 */
export function percentOnTrack(
  rags: Iterable<Rag>,
  options: { readonly amberIsOnTrack?: boolean } = {},
): number | null {
  const { green, amber, red } = ragCounts(rags)
  const judged = green + amber + red
  if (judged === 0) return null
  return ((green + (options.amberIsOnTrack === true ? amber : 0)) / judged) * 100
}
