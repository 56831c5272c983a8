/**
 * Reporting periods of UK local government, aligned to the financial year (1 April to 31 March).
 * Dates are ISO strings ('YYYY-MM-DD') in and out; Date is used only as a UTC day calculator.
 *
 * One canonical label per frequency (parsing also accepts any letter case and full month names):
 *   monthly      'Sep 2024'     index = month of the financial year, 1 = April
 *   bimonthly    '2024/25 B1'   B1 Apr–May, B2 Jun–Jul, B3 Aug–Sep, B4 Oct–Nov, B5 Dec–Jan, B6 Feb–Mar
 *   quarterly    '2024/25 Q2'   Q1 Apr–Jun, Q2 Jul–Sep, Q3 Oct–Dec, Q4 Jan–Mar
 *   half_yearly  '2024/25 H1'   H1 Apr–Sep, H2 Oct–Mar
 *   annual       '2024/25'
 */
import { isBankHoliday } from './bank-holidays.ts'

export const FREQUENCIES = ['monthly', 'bimonthly', 'quarterly', 'half_yearly', 'annual'] as const
export type Frequency = (typeof FREQUENCIES)[number]

export interface Period {
  readonly frequency: Frequency
  /** First day, 'YYYY-MM-DD'. */
  readonly start: string
  /** Last day, inclusive. */
  readonly end: string
  readonly label: string
  /** The year the financial year starts in: 2024 for 2024/25. */
  readonly financialYear: number
  /** 1-based position within the financial year; for months, the month number (1 = April). */
  readonly index: number
}

/** A period as the API accepts it: the label, or the frequency and first day. */
export type PeriodInput = string | { readonly frequency: string; readonly start: string }

/** Input that is not a period, a date or a financial year; the message is fit to show a user. */
export class PeriodError extends Error {
  override readonly name = 'PeriodError'
}

// Keeps every date a four-digit year, so ISO strings sort and compare as text.
const FIRST_FINANCIAL_YEAR = 1000
const LAST_FINANCIAL_YEAR = 9998

const MONTHS_IN: Readonly<Record<Frequency, number>> = {
  monthly: 1,
  bimonthly: 2,
  quarterly: 3,
  half_yearly: 6,
  annual: 12,
}

const NOUNS: Readonly<Record<Frequency, readonly [one: string, many: string]>> = {
  monthly: ['month', 'months'],
  bimonthly: ['two-month period', 'two-month periods'],
  quarterly: ['quarter', 'quarters'],
  half_yearly: ['half-year', 'half-years'],
  annual: ['financial year', 'financial years'],
}

const LETTERS: Readonly<Partial<Record<Frequency, string>>> = {
  bimonthly: 'B',
  quarterly: 'Q',
  half_yearly: 'H',
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const

const LABEL_FORMS =
  'write a month as "Sep 2024", a two-month period as "2024/25 B1", a quarter as "2024/25 Q2", ' +
  'a half-year as "2024/25 H1" or a financial year as "2024/25"'

const DAY_MS = 86_400_000
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const FINANCIAL_YEAR = /^(\d{4})\/(\d{2})$/
const LETTERED_LABEL = /^(\d{4}\/\d{2})\s+([a-z])(\d+)$/i
const MONTH_LABEL = /^([a-z]+)\s+(\d{4})$/i

// ---------------------------------------------------------------------------------------------
// Dates

interface CalendarDate {
  readonly year: number
  readonly month: number
  readonly day: number
}

function readDate(date: string): CalendarDate {
  const match = ISO_DATE.exec(date)
  if (match === null) throw new PeriodError(`"${date}" is not a date: write dates as YYYY-MM-DD`)
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  // Date.UTC reads years below 100 as 19xx, so early years would silently shift.
  if (year < 1000) throw new PeriodError(`"${date}" is not a date: years run from 1000 to 9999`)
  if (month < 1 || month > 12) {
    throw new PeriodError(`"${date}" is not a date: months run 01 to 12`)
  }
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new PeriodError(`"${date}" is not a date: ${monthName(month)} ${year} has no day ${day}`)
  }
  return { year, month, day }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function monthName(month: number): string {
  return MONTH_NAMES[month - 1] ?? String(month)
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0')
}

function formatDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
}

function toDayNumber(date: string): number {
  const { year, month, day } = readDate(date)
  return Date.UTC(year, month - 1, day) / DAY_MS
}

function fromDayNumber(dayNumber: number): string {
  const date = new Date(dayNumber * DAY_MS)
  const year = date.getUTCFullYear()
  if (year < 1000 || year > 9999) throw new PeriodError('Dates must fall in the years 1000 to 9999')
  return formatDate(year, date.getUTCMonth() + 1, date.getUTCDate())
}

export function isIsoDate(value: string): boolean {
  // Most input that is not a date (a period's label) fails the pattern: answered without
  // building an error, which an import of 100,000 labelled rows would otherwise do per row.
  if (!ISO_DATE.test(value)) return false
  try {
    readDate(value)
    return true
  } catch {
    return false
  }
}

/** The date `days` calendar days after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + days)
}

// ---------------------------------------------------------------------------------------------
// Financial years

function checkFinancialYear(financialYear: number): void {
  if (
    !Number.isInteger(financialYear) ||
    financialYear < FIRST_FINANCIAL_YEAR ||
    financialYear > LAST_FINANCIAL_YEAR
  ) {
    throw new PeriodError(
      `${financialYear} is not a supported financial year: use a year from ${FIRST_FINANCIAL_YEAR} to ${LAST_FINANCIAL_YEAR}`,
    )
  }
}

/** `formatFinancialYear(2024)` is `'2024/25'`; `formatFinancialYear(1999)` is `'1999/00'`. */
export function formatFinancialYear(financialYear: number): string {
  checkFinancialYear(financialYear)
  return `${financialYear}/${pad((financialYear + 1) % 100, 2)}`
}

function readFinancialYear(text: string, input: string, what: string): number {
  const match = FINANCIAL_YEAR.exec(text)
  if (match === null) {
    throw new PeriodError(`"${input}" is not ${what}: write financial years like 2024/25`)
  }
  const start = Number(match[1])
  checkFinancialYear(start)
  const written = formatFinancialYear(start)
  if (text !== written) {
    throw new PeriodError(
      `"${input}" is not ${what}: the financial year from April ${start} is written ${written}`,
    )
  }
  return start
}

/** `parseFinancialYear('2024/25')` is 2024. */
export function parseFinancialYear(text: string): number {
  return readFinancialYear(text.trim(), text, 'a financial year')
}

/** The start year of the financial year a date falls in: 2024 for 2025-03-31. */
export function financialYearOf(date: string): number {
  const { year, month } = readDate(date)
  return month >= 4 ? year : year - 1
}

/** `financialYearLabelOf('2025-03-31')` is `'2024/25'`. */
export function financialYearLabelOf(date: string): string {
  return formatFinancialYear(financialYearOf(date))
}

// ---------------------------------------------------------------------------------------------
// Periods

const ORDINALS = ['first', 'second'] as const

/** A period, or anything that names one by its frequency and first day. */
type PeriodOf = Pick<Period, 'frequency' | 'start'>

/**
 * A period as a reader says it, for titles and sentences of committee papers:
 * 'October 2026', 'October–November 2026 (period 4)', 'July–September 2026 (quarter 2)',
 * 'October 2026–March 2027 (second half-year)', '2026/27 (April 2026–March 2027)'.
 */
export function periodInWords(of: PeriodOf): string {
  const period = periodContaining(of.start, of.frequency)
  const span = monthSpan(period, (m) => monthName(m))
  switch (period.frequency) {
    case 'monthly':
      return span
    case 'bimonthly':
      return `${span} (period ${period.index})`
    case 'quarterly':
      return `${span} (quarter ${period.index})`
    case 'half_yearly':
      return `${span} (${ORDINALS[period.index - 1] ?? String(period.index)} half-year)`
    case 'annual':
      return `${formatFinancialYear(period.financialYear)} (${span})`
  }
}

/** The months a period covers, short, for table cells: 'Oct 2026', 'Jul–Sep 2026', '2026/27'. */
export function periodInShortWords(of: PeriodOf): string {
  const period = periodContaining(of.start, of.frequency)
  if (period.frequency === 'annual') return formatFinancialYear(period.financialYear)
  return monthSpan(period, (m) => monthName(m).slice(0, 3))
}

function monthSpan(period: Period, name: (month: number) => string): string {
  const first = readDate(period.start)
  const last = readDate(period.end)
  if (first.year === last.year && first.month === last.month) {
    return `${name(first.month)} ${first.year}`
  }
  return first.year === last.year
    ? `${name(first.month)}–${name(last.month)} ${last.year}`
    : `${name(first.month)} ${first.year}–${name(last.month)} ${last.year}`
}

export function isFrequency(value: string): value is Frequency {
  return (FREQUENCIES as readonly string[]).includes(value)
}

export function periodsPerYear(frequency: Frequency): number {
  return 12 / MONTHS_IN[frequency]
}

function runsFrom(frequency: Frequency): string {
  const letter = LETTERS[frequency]
  const count = periodsPerYear(frequency)
  return letter === undefined
    ? `${NOUNS[frequency][1]} run 1 to ${count}`
    : `${NOUNS[frequency][1]} run ${letter}1 to ${letter}${count}`
}

/** The `index`th period of a frequency in a financial year (for months, 1 = April). */
export function periodAt(frequency: Frequency, financialYear: number, index: number): Period {
  checkFinancialYear(financialYear)
  const count = periodsPerYear(frequency)
  if (!Number.isInteger(index) || index < 1 || index > count) {
    throw new PeriodError(
      `${formatFinancialYear(financialYear)} has no ${NOUNS[frequency][0]} ${index}: ${runsFrom(frequency)}`,
    )
  }
  const size = MONTHS_IN[frequency]
  // Months counted from year 0, so a period is a run of whole months.
  const first = financialYear * 12 + 3 + (index - 1) * size
  const last = first + size - 1
  const lastYear = Math.floor(last / 12)
  const lastMonth = (last % 12) + 1
  return {
    frequency,
    start: formatDate(Math.floor(first / 12), (first % 12) + 1, 1),
    end: formatDate(lastYear, lastMonth, daysInMonth(lastYear, lastMonth)),
    label: labelFor(frequency, financialYear, index, first),
    financialYear,
    index,
  }
}

function labelFor(frequency: Frequency, financialYear: number, index: number, month: number) {
  if (frequency === 'monthly') {
    return `${monthName((month % 12) + 1).slice(0, 3)} ${Math.floor(month / 12)}`
  }
  const year = formatFinancialYear(financialYear)
  const letter = LETTERS[frequency]
  return letter === undefined ? year : `${year} ${letter}${index}`
}

// Pages work out the same few hundred periods thousands of times: each is kept, frozen, once made.
const CONTAINING = new Map<string, Period>()
const CONTAINING_LIMIT = 20_000

/** The period of a frequency that contains a date. */
export function periodContaining(date: string, frequency: Frequency): Period {
  const key = `${frequency} ${date}`
  const known = CONTAINING.get(key)
  if (known !== undefined) return known
  const { year, month } = readDate(date)
  const financialYear = month >= 4 ? year : year - 1
  const monthOfYear = (month + 8) % 12 // 0 = April
  const period = Object.freeze(
    periodAt(frequency, financialYear, Math.floor(monthOfYear / MONTHS_IN[frequency]) + 1),
  )
  if (CONTAINING.size >= CONTAINING_LIMIT) CONTAINING.clear()
  CONTAINING.set(key, period)
  return period
}

/** Reads a label such as `2024/25 Q2` or `Sep 2024`; throws PeriodError saying what is wrong. */
export function parsePeriodLabel(text: string): Period {
  const label = text.trim()
  if (FINANCIAL_YEAR.test(label)) {
    return periodAt('annual', readFinancialYear(label, text, 'a period'), 1)
  }
  const lettered = LETTERED_LABEL.exec(label)
  if (lettered !== null) {
    const [, yearText = '', letter = '', indexText = ''] = lettered
    const frequency = FREQUENCIES.find((f) => LETTERS[f] === letter.toUpperCase())
    if (frequency === undefined) throw new PeriodError(`"${text}" is not a period: ${LABEL_FORMS}`)
    const financialYear = readFinancialYear(yearText, text, 'a period')
    const index = Number(indexText)
    if (index < 1 || index > periodsPerYear(frequency)) {
      throw new PeriodError(`"${text}" is not a period: ${runsFrom(frequency)}`)
    }
    return periodAt(frequency, financialYear, index)
  }
  const monthly = MONTH_LABEL.exec(label)
  if (monthly !== null) {
    const [, name = '', yearText = ''] = monthly
    const month = monthNumber(name)
    if (month === undefined)
      throw new PeriodError(`"${text}" is not a period: "${name}" is not a month`)
    return periodContaining(formatDate(Number(yearText), month, 1), 'monthly')
  }
  throw new PeriodError(`"${text}" is not a period: ${LABEL_FORMS}`)
}

function monthNumber(name: string): number | undefined {
  const lower = name.toLowerCase()
  const found = MONTH_NAMES.findIndex(
    (month) => month.toLowerCase() === lower || month.slice(0, 3).toLowerCase() === lower,
  )
  if (found >= 0) return found + 1
  return lower === 'sept' ? 9 : undefined
}

function startDays(frequency: Frequency): string {
  if (frequency === 'monthly') return 'the first day of each month'
  const days = Array.from(
    { length: periodsPerYear(frequency) },
    (_, i) => `1 ${monthName(((3 + i * MONTHS_IN[frequency]) % 12) + 1)}`,
  )
  const lastDay = days.pop() ?? ''
  return days.length === 0 ? lastDay : `${days.join(', ')} and ${lastDay}`
}

/** Reads `{frequency, start}`; `start` must be the first day of a period of that frequency. */
export function parsePeriodStart(input: {
  readonly frequency: string
  readonly start: string
}): Period {
  const { frequency, start } = input
  if (!isFrequency(frequency)) {
    throw new PeriodError(`"${frequency}" is not a frequency: use one of ${FREQUENCIES.join(', ')}`)
  }
  const period = periodContaining(start, frequency)
  if (period.start !== start) {
    const [one, many] = NOUNS[frequency]
    throw new PeriodError(
      `"${start}" is not the start of a ${one}: ${many} start on ${startDays(frequency)} ` +
        `(${start} is in ${period.label}, which starts on ${period.start})`,
    )
  }
  return period
}

/** Reads a period as the API accepts it: a label, or the frequency and first day. */
export function parsePeriodInput(input: PeriodInput): Period {
  return typeof input === 'string' ? parsePeriodLabel(input) : parsePeriodStart(input)
}

/** The period `count` periods after this one (before it when negative). */
export function shiftPeriod(period: Period, count: number): Period {
  const perYear = periodsPerYear(period.frequency)
  const position = period.financialYear * perYear + period.index - 1 + count
  return periodAt(period.frequency, Math.floor(position / perYear), (position % perYear) + 1)
}

export function nextPeriod(period: Period): Period {
  return shiftPeriod(period, 1)
}

export function previousPeriod(period: Period): Period {
  return shiftPeriod(period, -1)
}

/** The same period of the previous financial year, for year-on-year comparison. */
export function samePeriodLastYear(period: Period): Period {
  return periodAt(period.frequency, period.financialYear - 1, period.index)
}

/** Every period of a frequency in a financial year, in order. */
export function periodsInFinancialYear(frequency: Frequency, financialYear: number): Period[] {
  return Array.from({ length: periodsPerYear(frequency) }, (_, i) =>
    periodAt(frequency, financialYear, i + 1),
  )
}

/** The periods from `first` to `last`, both included; empty when `first` comes after `last`. */
export function periodsBetween(first: Period, last: Period): Period[] {
  if (first.frequency !== last.frequency) {
    throw new PeriodError(
      `Cannot list the periods from ${first.label} to ${last.label}: one is a ${NOUNS[first.frequency][0]} and the other a ${NOUNS[last.frequency][0]}`,
    )
  }
  const perYear = periodsPerYear(first.frequency)
  const count =
    (last.financialYear - first.financialYear) * perYear + (last.index - first.index) + 1
  return Array.from({ length: Math.max(count, 0) }, (_, i) => shiftPeriod(first, i))
}

/** The periods of the same frequency from the start of the financial year up to this one. */
export function yearToDate(period: Period): Period[] {
  return periodsInFinancialYear(period.frequency, period.financialYear).slice(0, period.index)
}

/** Orders by start date, then the shorter period first (a month before its quarter). */
export function comparePeriods(a: Period, b: Period): number {
  if (a.start !== b.start) return a.start < b.start ? -1 : 1
  if (a.end !== b.end) return a.end < b.end ? -1 : 1
  return 0
}

export function isSamePeriod(a: Period, b: Period): boolean {
  return a.frequency === b.frequency && a.start === b.start
}

export function periodContains(period: Period, date: string): boolean {
  readDate(date)
  return period.start <= date && date <= period.end
}

function fitsWithin(fine: Frequency, coarse: Frequency): boolean {
  return MONTHS_IN[coarse] % MONTHS_IN[fine] === 0
}

/** The period of a coarser frequency that contains this one: a month's quarter, a quarter's year. */
export function parentPeriod(period: Period, frequency: Frequency): Period {
  if (!fitsWithin(period.frequency, frequency)) {
    throw new PeriodError(
      `${period.label} has no single ${NOUNS[frequency][0]}: ${NOUNS[period.frequency][1]} do not fit within ${NOUNS[frequency][1]}`,
    )
  }
  return periodContaining(period.start, frequency)
}

/** The periods of a finer frequency that make up this one: a quarter's three months. */
export function periodsWithin(period: Period, frequency: Frequency): Period[] {
  if (!fitsWithin(frequency, period.frequency)) {
    throw new PeriodError(
      `${period.label} cannot be split into ${NOUNS[frequency][1]}: ${NOUNS[frequency][1]} do not fit within ${NOUNS[period.frequency][1]}`,
    )
  }
  return periodsBetween(
    periodContaining(period.start, frequency),
    periodContaining(period.end, frequency),
  )
}

// ---------------------------------------------------------------------------------------------
// Working days (England and Wales). Dates outside the bank holiday table throw
// BankHolidayRangeError rather than give a due date that may be wrong.

export function isWorkingDay(date: string): boolean {
  const weekday = new Date(toDayNumber(date) * DAY_MS).getUTCDay()
  // Looked up even at weekends, so every date outside the table is refused alike.
  const holiday = isBankHoliday(date)
  return !holiday && weekday !== 0 && weekday !== 6
}

/**
 * The `count`th working day after `date`, not counting `date` itself (before it when negative);
 * `date` unchanged when `count` is 0.
 */
export function addWorkingDays(date: string, count: number): string {
  if (!Number.isInteger(count)) {
    throw new PeriodError(`${count} is not a whole number of working days`)
  }
  const step = Math.sign(count)
  let day = toDayNumber(date)
  let remaining = Math.abs(count)
  while (remaining > 0) {
    day += step
    if (isWorkingDay(fromDayNumber(day))) remaining--
  }
  return fromDayNumber(day)
}

/** The date `workingDays` working days after the period ends (day 1 is the first after it). */
export function dueDate(period: Period, workingDays: number): string {
  if (!Number.isInteger(workingDays) || workingDays < 0) {
    throw new PeriodError(
      `${workingDays} is not a number of working days: use a whole number of 0 or more`,
    )
  }
  return addWorkingDays(period.end, workingDays)
}
