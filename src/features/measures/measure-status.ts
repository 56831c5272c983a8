// A measure's statuses from its definition, targets and values, using the pure rules of
// src/core/status.ts (docs/status-rules.md). No I/O: the service loads, this decides.
import {
  dueDate,
  type Frequency,
  parsePeriodStart,
  type Period,
  periodAt,
  periodContaining,
  periodsPerYear,
  previousPeriod,
  samePeriodLastYear,
} from '../../core/periods.ts'
import {
  type Band,
  direction,
  type Direction,
  type Forecast,
  forecastYearEnd,
  judgeRag,
  type JudgedRag,
  type Polarity,
  periodRag,
  type Rag,
  StatusError,
  targetForPeriod,
  type Tolerance,
  yearToDate,
} from '../../core/status.ts'
import type { MeasureKind, StoredRag, ValueStatus } from '../../db/schema.ts'
import { approvalOf, type MeasureApproval } from '../../core/measure-figure.ts'

export interface StatusMeasure {
  readonly frequency: Frequency
  readonly cumulative: boolean
  readonly polarity: Polarity
  readonly decimals: number
  readonly tolerance: Tolerance | null
  readonly kind: MeasureKind
  readonly dueWorkingDays: number | null
  readonly forecastMethod: 'average' | 'last_value'
}

export interface TargetEntry {
  readonly frequency: Frequency
  readonly start: string
  readonly value: number | null
  readonly lower: number | null
  readonly upper: number | null
}

export interface ValueEntry {
  readonly start: string
  readonly value: number | null
  readonly status: ValueStatus
}

export interface Derived {
  readonly target: number | null
  readonly rag: StoredRag | null
  readonly yearToDate: number | null
}

/** A measure's targets, answering "what is this period judged against?". */
export class TargetBook {
  readonly #annual = new Map<number, TargetEntry>()
  readonly #own = new Map<string, TargetEntry>()
  readonly #measure: StatusMeasure

  constructor(measure: StatusMeasure, targets: readonly TargetEntry[]) {
    this.#measure = measure
    for (const t of targets) {
      if (t.frequency === 'annual') this.#annual.set(Number(t.start.slice(0, 4)), t)
      if (t.frequency === measure.frequency) this.#own.set(t.start, t)
    }
  }

  annual(financialYear: number): TargetEntry | undefined {
    return this.#annual.get(financialYear)
  }

  own(start: string): TargetEntry | undefined {
    return this.#own.get(start)
  }

  readonly #targets = new Map<string, number | null>()

  /** The target a period's value (its year to date, for cumulative measures) is judged against. */
  targetFor(period: Period): number | null {
    const known = this.#targets.get(period.start)
    if (known !== undefined) return known
    const target = this.#targetFor(period)
    this.#targets.set(period.start, target)
    return target
  }

  readonly #periodTargets = new Map<number, (number | null)[]>()

  /** The year's own period targets in order (nulls when it has none), worked out once a year. */
  #periodTargetsOf(financialYear: number): (number | null)[] {
    const known = this.#periodTargets.get(financialYear)
    if (known) return known
    const { frequency } = this.#measure
    const count = periodsPerYear(frequency)
    const targets =
      this.#own.size === 0
        ? new Array<number | null>(count).fill(null)
        : Array.from(
            { length: count },
            (_, i) => this.#own.get(periodAt(frequency, financialYear, i + 1).start)?.value ?? null,
          )
    this.#periodTargets.set(financialYear, targets)
    return targets
  }

  #targetFor(period: Period): number | null {
    const { frequency, cumulative } = this.#measure
    const periodTargets = this.#periodTargetsOf(period.financialYear)
    try {
      return targetForPeriod({
        frequency,
        index: period.index,
        annual: this.#annual.get(period.financialYear)?.value ?? null,
        periodTargets,
        cumulative,
      })
    } catch (error) {
      if (error instanceof StatusError) return null
      throw error
    }
  }

  /** The band for `within_band` measures: the period's own, or else the year's. */
  bandFor(period: Period): Band | null {
    const own = this.#own.get(period.start)
    if (own && (own.lower !== null || own.upper !== null)) return own
    const annual = this.#annual.get(period.financialYear)
    if (annual && (annual.lower !== null || annual.upper !== null)) return annual
    return null
  }

  /** The whole year's target, for judging the year-end forecast. */
  yearTarget(financialYear: number): number | null {
    const annual = this.#annual.get(financialYear)?.value
    if (annual !== null && annual !== undefined) return annual
    const { frequency, cumulative } = this.#measure
    if (!cumulative) return null
    return this.targetFor(periodAt(frequency, financialYear, periodsPerYear(frequency)))
  }
}

function safeJudge(
  measure: StatusMeasure,
  value: number,
  target: number | null,
  band: Band | null,
): JudgedRag {
  if (measure.kind === 'contextual') return 'no_target'
  try {
    return judgeRag({
      value,
      target,
      band,
      polarity: measure.polarity,
      tolerance: measure.tolerance,
      decimals: measure.decimals,
    })
  } catch (error) {
    if (error instanceof StatusError) return 'no_target'
    throw error
  }
}

/** Target, RAG and year to date of every value, as stored beside it. */
export function deriveAll(
  measure: StatusMeasure,
  book: TargetBook,
  values: readonly ValueEntry[],
): Map<string, Derived> {
  const entries = values.map((v) => ({ periodStart: v.start, value: v.value }))
  const derived = new Map<string, Derived>()
  for (const v of values) {
    const period = parsePeriodStart({ frequency: measure.frequency, start: v.start })
    const target = book.targetFor(period)
    const ytd = measure.cumulative ? yearToDate(entries, period) : null
    const judged = measure.cumulative ? ytd : v.value
    derived.set(v.start, {
      target,
      yearToDate: ytd,
      rag: judged === null ? null : safeJudge(measure, judged, target, book.bandFor(period)),
    })
  }
  return derived
}

export interface PeriodStatus {
  readonly rag: Rag
  readonly direction: Direction | null
  readonly directionYearOnYear: Direction | null
  readonly forecast: (Forecast & { readonly rag: Rag; readonly target: number | null }) | null
}

/**
 * What a page shows for a period: RAG, direction against the previous period and the same
 * period last year (approved values only), and the year-end forecast from the year so far.
 */
export function periodStatus(
  measure: StatusMeasure,
  book: TargetBook,
  values: ReadonlyMap<string, ValueEntry>,
  period: Period,
  stored: Derived | undefined,
  today: string,
  options: { forecast?: boolean } = {},
): PeriodStatus {
  const own = values.get(period.start)
  const hasValue = own !== undefined && own.value !== null
  const due = dueDateOf(measure, period)
  const rag = periodRag({
    hasValue,
    due,
    today,
    judged: hasValue ? (stored?.rag ?? 'no_target') : null,
  })
  if (!hasValue) return { rag, direction: null, directionYearOnYear: null, forecast: null }

  const approved = approvedOf(values)
  const approvedAt = (p: Period) => {
    const v = values.get(p.start)
    return v?.status === 'approved' ? v.value : null
  }
  const band = book.bandFor(period)
  const target = book.targetFor(period)
  const judge = (current: number | null, previous: number | null) =>
    direction({
      current,
      previous,
      polarity: measure.polarity,
      decimals: measure.decimals,
      band,
      target,
    })
  const previous = previousPeriod(period)
  const lastYear = samePeriodLastYear(period)
  const directionPrevious = judge(own.value, approvedAt(previous))
  const directionYearOnYear = measure.cumulative
    ? judge(stored?.yearToDate ?? null, yearToDate(approved, lastYear))
    : judge(own.value, approvedAt(lastYear))

  return {
    rag,
    direction: directionPrevious,
    directionYearOnYear,
    forecast: options.forecast === false ? null : forecastFor(measure, book, values, period),
  }
}

function yearValues(
  measure: StatusMeasure,
  values: ReadonlyMap<string, ValueEntry>,
  financialYear: number,
  upTo: number,
): (number | null)[] {
  return Array.from(
    { length: upTo },
    (_, i) => values.get(startOf(measure.frequency, financialYear, i + 1))?.value ?? null,
  )
}

/** The year-end forecast as it stood at `period`, judged against the year's target. */
export function forecastFor(
  measure: StatusMeasure,
  book: TargetBook,
  values: ReadonlyMap<string, ValueEntry>,
  period: Period,
): PeriodStatus['forecast'] {
  const perYear = periodsPerYear(measure.frequency)
  const previousYears = [1, 2, 3].map((back) =>
    yearValues(measure, values, period.financialYear - back, perYear),
  )
  const forecast = forecastYearEnd({
    frequency: measure.frequency,
    cumulative: measure.cumulative,
    values: yearValues(measure, values, period.financialYear, period.index),
    previousYears,
    discreteMethod: measure.forecastMethod,
  })
  if (forecast === null) return null
  const target = book.yearTarget(period.financialYear)
  const annual = book.annual(period.financialYear)
  const rag = safeJudge(
    measure,
    forecast.value,
    target,
    annual && (annual.lower !== null || annual.upper !== null) ? annual : null,
  )
  return { ...forecast, target, rag }
}

/** The last period that has ended by `today`: the one a return is expected for now. */
const reporting = new Map<string, Period>()
const periods = new Map<string, Period>()
export function reportingPeriod(frequency: Frequency, today: string): Period {
  return remember(reporting, `${frequency}:${today}`, () =>
    previousPeriod(periodContaining(today, frequency)),
  )
}

export function dueDateOf(measure: StatusMeasure, period: Period): string | null {
  return measure.dueWorkingDays === null ? null : cachedDueDate(period, measure.dueWorkingDays)
}

// Period arithmetic and working days are pure, and pages ask the same questions thousands of
// times (2,000 measures share a handful of frequencies and due rules), so answers are memoised.
const MEMO_LIMIT = 20_000
const starts = new Map<string, string>()
const dueDates = new Map<string, string>()
const approvedLists = new WeakMap<
  ReadonlyMap<string, ValueEntry>,
  { periodStart: string; value: number | null }[]
>()

function remember<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const known = cache.get(key)
  if (known !== undefined) return known
  if (cache.size >= MEMO_LIMIT) cache.clear()
  const value = make()
  cache.set(key, value)
  return value
}

function startOf(frequency: Frequency, financialYear: number, index: number): string {
  return remember(
    starts,
    `${frequency}:${financialYear}:${index}`,
    () => periodAt(frequency, financialYear, index).start,
  )
}

function cachedDueDate(period: Period, workingDays: number): string {
  return remember(dueDates, `${period.end}:${workingDays}`, () => dueDate(period, workingDays))
}

function approvedOf(values: ReadonlyMap<string, ValueEntry>) {
  let list = approvedLists.get(values)
  if (!list) {
    list = [...values.values()]
      .filter((v) => v.status === 'approved')
      .map((v) => ({ periodStart: v.start, value: v.value }))
    approvedLists.set(values, list)
  }
  return list
}

/** A measure's headline as stored beside it: its latest approved value and any newer one in sign-off. */
export interface HeadlineFacts {
  readonly shown: {
    readonly start: string
    readonly rag: StoredRag | null
    readonly restated: boolean
  } | null
  readonly pending: { readonly start: string; readonly status: ValueStatus } | null
}

/** The stored headline of a measure row, whichever way the row names its columns. */
export function headlineFacts(row: {
  readonly latest_rag: StoredRag | null
  readonly latest_restated: boolean
  readonly pending_status: ValueStatus | null
  readonly latest_start?: string | null
  readonly latest_period_start?: string | null
  readonly pending_start?: string | null
  readonly pending_period_start?: string | null
}): HeadlineFacts {
  const shownStart = row.latest_start ?? row.latest_period_start ?? null
  const pendingStart = row.pending_start ?? row.pending_period_start ?? null
  return {
    shown:
      shownStart === null
        ? null
        : { start: shownStart, rag: row.latest_rag, restated: row.latest_restated },
    pending:
      pendingStart === null || row.pending_status === null
        ? null
        : { start: pendingStart, status: row.pending_status },
  }
}

/**
 * A measure's status today (docs/decisions.md, "One figure everywhere"): the RAG of its latest
 * approved figure when that, or a newer value now in sign-off, covers the period expected now;
 * otherwise no data (before the due date) or overdue. `approval` says in words which.
 */
export function currentStatus(
  measure: StatusMeasure,
  headline: HeadlineFacts,
  today: string,
): { period: Period; rag: Rag; due: string | null; approval: MeasureApproval } {
  const expected = reportingPeriod(measure.frequency, today)
  const due = dueDateOf(measure, expected)
  const { shown, pending } = headline
  const periodOfStart = (start: string) =>
    remember(periods, `${measure.frequency}:${start}`, () =>
      parsePeriodStart({ frequency: measure.frequency, start }),
    )
  if (pending && pending.start >= expected.start) {
    return {
      period: shown ? periodOfStart(shown.start) : expected,
      rag: shown ? (shown.rag ?? 'no_target') : 'no_data',
      due: pending.start === expected.start ? due : null,
      approval: approvalOf(pending.status, false),
    }
  }
  if (shown && shown.start >= expected.start) {
    return {
      period: periodOfStart(shown.start),
      rag: shown.rag ?? 'no_target',
      due: shown.start === expected.start ? due : null,
      approval: approvalOf('approved', shown.restated),
    }
  }
  const rag = periodRag({ hasValue: false, due, today })
  return { period: expected, rag, due, approval: rag === 'overdue' ? 'overdue' : 'missing' }
}
