import { formatPounds, percentage, percentOf, sumPence, type Pence } from './money.ts'
import {
  formatFinancialYear,
  periodAt,
  periodContaining,
  type Frequency,
  type Period,
} from './periods.ts'

/**
 * Savings lines in pure arithmetic: monthly profiles, the government definition of an
 * efficiency (seed 001, Appendix 3), delivery RAG against profile and the year-end forecast.
 * Months are numbered 1 (April) to 12 (March) within a financial year.
 */

export const MONTHS_IN_YEAR = 12

/** Input that breaks a profile's rules; the message is fit to show a user. */
export class ProfileError extends Error {
  override readonly name = 'ProfileError'
  /** The month (1–12) the message is about, when it is about one. */
  readonly month: number | null
  constructor(message: string, month: number | null = null) {
    super(message)
    this.month = month
  }
}

/**
 * An even profile: twelve equal months, the odd units going one each to the last months of the
 * year, so it sums exactly and never asks for more early than an even split. A saving in whole
 * pounds is split in whole pounds (£100,000 is eight months of £8,333 and four of £8,334), so
 * a council that works in pounds never sees pence appear in its totals; otherwise in pence.
 */
export function evenProfile(amount: Pence): Pence[] {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new ProfileError('A year’s saving must be zero or more whole pence')
  }
  const unit = amount % 100 === 0 ? 100 : 1
  const units = amount / unit
  const base = Math.floor(units / MONTHS_IN_YEAR)
  const remainder = units - base * MONTHS_IN_YEAR
  return Array.from(
    { length: MONTHS_IN_YEAR },
    (_, i) => (i >= MONTHS_IN_YEAR - remainder ? base + 1 : base) * unit,
  )
}

/** A custom profile must have twelve months of zero or more that add up to the year's amount. */
export function checkProfile(amount: Pence, months: readonly Pence[], year: number): void {
  if (months.length !== MONTHS_IN_YEAR) {
    throw new ProfileError(`A profile has ${MONTHS_IN_YEAR} months, April to March`)
  }
  months.forEach((m, i) => {
    if (!Number.isSafeInteger(m) || m < 0) {
      throw new ProfileError(`${monthLabel(year, i + 1)} must be zero or more`, i + 1)
    }
  })
  const total = sumPence(months)
  if (total !== amount) {
    const gap = total - amount
    throw new ProfileError(
      `The ${formatFinancialYear(year)} profile adds up to ${formatPounds(total)}, not the year’s ${formatPounds(amount)} (${formatPounds(Math.abs(gap))} ${gap > 0 ? 'over' : 'short'})`,
    )
  }
}

export function monthPeriod(financialYear: number, month: number): Period {
  return periodAt('monthly', financialYear, month)
}

export function monthLabel(financialYear: number, month: number): string {
  return monthPeriod(financialYear, month).label
}

// ---------------------------------------------------------------------------------------------
// The government definition of efficiency

export type SavingType = 'cashable' | 'non_cashable'
export type Durability = 'ongoing' | 'one_off'

export interface YearAmount {
  readonly financialYear: number
  /** The gross saving in the year. */
  readonly amount: Pence
  /** Investment, cost to achieve and ongoing costs incurred in the year. */
  readonly cost: Pence
}

export interface EfficiencyTest {
  readonly test: 'net' | 'ongoing' | 'cash_releasing'
  readonly passes: boolean
  /** Why it passes or fails, in a sentence. */
  readonly reason: string
}

export interface EfficiencyResult {
  readonly tests: readonly EfficiencyTest[]
  /** True when every test passes: the line counts towards the efficiency total. */
  readonly counts: boolean
  readonly grossPence: Pence
  readonly costPence: Pence
  readonly netPence: Pence
  /** The first year with a saving; null when there is none. */
  readonly firstYear: number | null
}

/**
 * Seed 001, Appendix 3: a saving counts only if it is net of its costs, ongoing (it persists
 * for at least two full financial years after the year it first accrues) and cash-releasing.
 */
export function efficiencyChecks(line: {
  readonly type: SavingType
  readonly durability: Durability
  readonly years: readonly YearAmount[]
}): EfficiencyResult {
  const years = [...line.years].sort((a, b) => a.financialYear - b.financialYear)
  const grossPence = sumPence(years.map((y) => y.amount))
  const costPence = sumPence(years.map((y) => y.cost))
  const netPence = grossPence - costPence
  const first = years.find((y) => y.amount > 0)?.financialYear ?? null

  const net: EfficiencyTest =
    grossPence === 0
      ? { test: 'net', passes: false, reason: 'Net: no saving has been entered for any year' }
      : netPence > 0
        ? {
            test: 'net',
            passes: true,
            reason: `Net: ${formatPounds(netPence)} after ${formatPounds(costPence)} of costs`,
          }
        : {
            test: 'net',
            passes: false,
            reason: `Net: costs of ${formatPounds(costPence)} use up the ${formatPounds(grossPence)} saved`,
          }

  let ongoing: EfficiencyTest
  if (line.durability === 'one_off') {
    ongoing = {
      test: 'ongoing',
      passes: false,
      reason: 'Ongoing: a one-off saving does not persist for two full years',
    }
  } else if (first === null) {
    ongoing = { test: 'ongoing', passes: false, reason: 'Ongoing: no year has a saving yet' }
  } else {
    const after = [first + 1, first + 2]
    const missing = after.filter(
      (y) => (years.find((x) => x.financialYear === y)?.amount ?? 0) <= 0,
    )
    ongoing =
      missing.length === 0
        ? {
            test: 'ongoing',
            passes: true,
            reason: `Ongoing: persists through ${after.map(formatFinancialYear).join(' and ')}, the two full years after it first accrues in ${formatFinancialYear(first)}`,
          }
        : {
            test: 'ongoing',
            passes: false,
            reason: `Ongoing: no saving recorded for ${missing.map(formatFinancialYear).join(' or ')}, so it is not shown to persist for two full years after ${formatFinancialYear(first)}`,
          }
  }

  const cash: EfficiencyTest =
    line.type === 'cashable'
      ? {
          test: 'cash_releasing',
          passes: true,
          reason: 'Cash-releasing: releases money that can be redeployed',
        }
      : {
          test: 'cash_releasing',
          passes: false,
          reason: 'Cash-releasing: a non-cashable gain releases no money to redeploy',
        }

  const tests = [net, ongoing, cash]
  return {
    tests,
    counts: tests.every((t) => t.passes),
    grossPence,
    costPence,
    netPence,
    firstYear: first,
  }
}

// ---------------------------------------------------------------------------------------------
// Delivery against profile

export interface DeliveryMonth {
  readonly month: number
  readonly planned: Pence
  readonly actual: Pence | null
  readonly forecast: Pence | null
}

export type DeliveryRag = 'green' | 'amber' | 'red' | 'delivered' | 'not_started'

export const DELIVERY_RAG_NAMES: Readonly<Record<DeliveryRag, string>> = {
  green: 'On track',
  amber: 'Slipping',
  red: 'At risk',
  delivered: 'Delivered',
  not_started: 'Not yet due',
}

export interface DeliveryAssessment {
  readonly rag: DeliveryRag
  readonly annualPence: Pence
  readonly plannedToDatePence: Pence
  readonly deliveredToDatePence: Pence
  /** Delivered less planned to date: negative when behind profile. */
  readonly varianceToDatePence: Pence
  /** Actuals for months gone, then forecasts (or the profile where no forecast) for months to come. */
  readonly forecastPence: Pence
  readonly forecastVariancePence: Pence
  readonly percentDelivered: number | null
  /** Plain sentences saying why the line is slipping or at risk; empty when on track. */
  readonly reasons: readonly string[]
}

/**
 * RAG of a year's delivery as at the end of month `monthsElapsed` (0: none of the year has
 * passed; 12: all of it). Red ("at risk") when the year-end forecast falls short of the
 * year's amount by more than the tolerance; amber ("slipping") when delivery to date is behind
 * profile by more than the tolerance but the forecast still makes the year; green otherwise.
 * A month gone with no actual counts as nothing delivered, and says so.
 */
export function assessDelivery(
  financialYear: number,
  months: readonly DeliveryMonth[],
  monthsElapsed: number,
  tolerancePercent: number,
): DeliveryAssessment {
  const byMonth = new Map(months.map((m) => [m.month, m]))
  const all = Array.from({ length: MONTHS_IN_YEAR }, (_, i) => {
    const m = byMonth.get(i + 1)
    return {
      month: i + 1,
      planned: m?.planned ?? 0,
      actual: m?.actual ?? null,
      forecast: m?.forecast ?? null,
    }
  })
  const gone = all.slice(0, monthsElapsed)
  const toCome = all.slice(monthsElapsed)
  const annualPence = sumPence(all.map((m) => m.planned))
  const plannedToDatePence = sumPence(gone.map((m) => m.planned))
  const deliveredToDatePence = sumPence(gone.map((m) => m.actual ?? 0))
  const forecastPence = deliveredToDatePence + sumPence(toCome.map((m) => m.forecast ?? m.planned))
  const varianceToDatePence = deliveredToDatePence - plannedToDatePence
  const forecastVariancePence = forecastPence - annualPence
  const behind = -varianceToDatePence > percentage(plannedToDatePence, tolerancePercent)
  const short = -forecastVariancePence > percentage(annualPence, tolerancePercent)

  const reasons: string[] = []
  const missing = gone.filter((m) => m.actual === null && m.planned > 0)
  if (missing.length > 0) {
    reasons.push(
      `No actual recorded for ${missing.map((m) => monthLabel(financialYear, m.month)).join(', ')}`,
    )
  }
  if (behind) {
    reasons.push(
      `${formatPounds(deliveredToDatePence)} delivered to date against ${formatPounds(plannedToDatePence)} profiled: ${formatPounds(-varianceToDatePence)} behind`,
    )
  }
  const lowForecasts = toCome.filter((m) => m.forecast !== null && m.forecast < m.planned)
  if (short) {
    reasons.push(
      `Year-end forecast ${formatPounds(forecastPence)} against ${formatPounds(annualPence)} planned: ${formatPounds(-forecastVariancePence)} short`,
    )
    if (lowForecasts.length > 0) {
      reasons.push(
        `Forecast below profile in ${lowForecasts.map((m) => monthLabel(financialYear, m.month)).join(', ')}`,
      )
    }
  }

  let rag: DeliveryRag
  if (monthsElapsed >= MONTHS_IN_YEAR && annualPence > 0 && !behind) rag = 'delivered'
  else if (short) rag = 'red'
  else if (behind) rag = 'amber'
  else if (plannedToDatePence === 0 && monthsElapsed < MONTHS_IN_YEAR) rag = 'not_started'
  else rag = 'green'

  return {
    rag,
    annualPence,
    plannedToDatePence,
    deliveredToDatePence,
    varianceToDatePence,
    forecastPence,
    forecastVariancePence,
    percentDelivered: percentOf(deliveredToDatePence, plannedToDatePence),
    reasons: rag === 'green' || rag === 'delivered' || rag === 'not_started' ? [] : reasons,
  }
}

/** How many months of a financial year have ended by a date: 0 before it starts, 12 after it. */
export function monthsElapsed(financialYear: number, today: string): number {
  const current = periodContaining(today, 'monthly')
  if (current.financialYear < financialYear) return 0
  if (current.financialYear > financialYear) return MONTHS_IN_YEAR
  return current.index - 1
}

// ---------------------------------------------------------------------------------------------
// Planned and delivered per period, for computed measures

export interface MonthFigures {
  /** First day of the month, 'YYYY-MM-DD'. */
  readonly monthStart: string
  readonly planned: Pence
  readonly actual: Pence | null
}

export interface PeriodDelivery {
  readonly period: Period
  readonly plannedPence: Pence
  /** Planned in the months of the period that have ended. */
  readonly plannedToDatePence: Pence
  readonly deliveredPence: Pence
  /** Delivered as a percentage of planned to date; null when nothing was planned yet. */
  readonly percentDelivered: number | null
}

/** Sums months into periods of a frequency across a financial year. */
export function deliveryByPeriod(
  months: readonly MonthFigures[],
  frequency: Frequency,
  financialYear: number,
  today: string,
): PeriodDelivery[] {
  const elapsed = monthsElapsed(financialYear, today)
  const count =
    12 / { monthly: 1, bimonthly: 2, quarterly: 3, half_yearly: 6, annual: 12 }[frequency]
  const sums = Array.from({ length: count }, () => ({ planned: 0, toDate: 0, delivered: 0 }))
  for (const m of months) {
    const month = periodContaining(m.monthStart, 'monthly')
    if (month.financialYear !== financialYear) continue
    const slot = sums[periodContaining(m.monthStart, frequency).index - 1]
    if (!slot) continue
    slot.planned += m.planned
    if (month.index <= elapsed) {
      slot.toDate += m.planned
      slot.delivered += m.actual ?? 0
    }
  }
  return sums.map((s, i) => ({
    period: periodAt(frequency, financialYear, i + 1),
    plannedPence: s.planned,
    plannedToDatePence: s.toDate,
    deliveredPence: s.delivered,
    percentDelivered: percentOf(s.delivered, s.toDate),
  }))
}

// ---------------------------------------------------------------------------------------------
// Budget monitoring

export type BudgetRag = 'green' | 'amber' | 'red'

export const BUDGET_RAG_NAMES: Readonly<Record<BudgetRag, string>> = {
  green: 'On or under budget',
  amber: 'Overspend within tolerance',
  red: 'Overspend',
}

/**
 * Variance is forecast outturn less budget: positive is an overspend. Green on or under
 * budget, amber for an overspend up to the tolerance (a percentage of budget), red beyond it.
 */
export function budgetRag(budget: Pence, forecastOutturn: Pence, tolerancePercent: number) {
  const variance = forecastOutturn - budget
  const rag: BudgetRag =
    variance <= 0
      ? 'green'
      : variance <= percentage(Math.abs(budget), tolerancePercent)
        ? 'amber'
        : 'red'
  return { variance, rag, percent: percentOf(variance, budget) }
}
