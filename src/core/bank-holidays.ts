/**
 * England and Wales bank holidays, 2000 to 2035: the standing rules plus every one-off change
 * proclaimed so far. A future proclamation (an extra or moved day) must be added to MOVED or
 * EXTRA below, with a test; until then the later years are only as good as the rules.
 */

export interface BankHoliday {
  readonly date: string
  readonly name: string
}

/** The years this table covers, inclusive. Due dates outside them are refused, not guessed. */
export const BANK_HOLIDAYS_COVER: { readonly from: number; readonly to: number } = {
  from: 2000,
  to: 2035,
}

export class BankHolidayRangeError extends RangeError {
  override readonly name = 'BankHolidayRangeError'
  readonly year: number

  constructor(year: number) {
    super(
      `The bank holiday table covers ${BANK_HOLIDAYS_COVER.from} to ${BANK_HOLIDAYS_COVER.to}; it does not cover ${year}`,
    )
    this.year = year
  }
}

const DAY_MS = 86_400_000
const SUNDAY = 0
const MONDAY = 1
const FRIDAY = 5
const SATURDAY = 6

// Days since 1970-01-01 keep the arithmetic in integers; Date is only a UTC calculator here.
function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7 // 1970-01-01 was a Thursday
}

function firstMonday(year: number, month: number): number {
  const first = dayNumber(year, month, 1)
  return first + ((MONDAY - weekday(first) + 7) % 7)
}

function lastMonday(year: number, month: number): number {
  const last = dayNumber(year, month + 1, 0)
  return last - ((weekday(last) - MONDAY + 7) % 7)
}

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher); any year. */
export function easterSunday(year: number): string {
  return isoDate(easterDay(year))
}

function easterDay(year: number): number {
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return dayNumber(year, month, day)
}

const SUBSTITUTE = ' (substitute day)'

// Standing holidays moved by proclamation, keyed by rule and year.
const MOVED: Readonly<Record<string, BankHoliday>> = {
  'early-may 2020': { date: '2020-05-08', name: 'Early May bank holiday (VE day)' },
  'spring 2002': { date: '2002-06-04', name: 'Spring bank holiday' },
  'spring 2012': { date: '2012-06-04', name: 'Spring bank holiday' },
  'spring 2022': { date: '2022-06-02', name: 'Spring bank holiday' },
}

const EXTRA: readonly BankHoliday[] = [
  { date: '2002-06-03', name: 'Queen’s Golden Jubilee' },
  { date: '2011-04-29', name: 'Royal wedding' },
  { date: '2012-06-05', name: 'Queen’s Diamond Jubilee' },
  { date: '2022-06-03', name: 'Platinum Jubilee bank holiday' },
  { date: '2022-09-19', name: 'Bank holiday for the State Funeral of Queen Elizabeth II' },
  { date: '2023-05-08', name: 'Bank holiday for the coronation of King Charles III' },
]

function newYear(year: number): BankHoliday {
  const day = dayNumber(year, 1, 1)
  const name = 'New Year’s Day'
  switch (weekday(day)) {
    case SATURDAY:
      return { date: isoDate(day + 2), name: name + SUBSTITUTE }
    case SUNDAY:
      return { date: isoDate(day + 1), name: name + SUBSTITUTE }
    default:
      return { date: isoDate(day), name }
  }
}

// Both days move to the next free weekdays, so a Sunday Christmas gives Boxing Day its own
// Monday and Christmas the Tuesday, as gov.uk lists them.
function christmas(year: number): BankHoliday[] {
  const day = dayNumber(year, 12, 25)
  const christmasDay = 'Christmas Day'
  const boxingDay = 'Boxing Day'
  switch (weekday(day)) {
    case FRIDAY:
      return [
        { date: isoDate(day), name: christmasDay },
        { date: isoDate(day + 3), name: boxingDay + SUBSTITUTE },
      ]
    case SATURDAY:
      return [
        { date: isoDate(day + 2), name: christmasDay + SUBSTITUTE },
        { date: isoDate(day + 3), name: boxingDay + SUBSTITUTE },
      ]
    case SUNDAY:
      return [
        { date: isoDate(day + 1), name: boxingDay },
        { date: isoDate(day + 2), name: christmasDay + SUBSTITUTE },
      ]
    default:
      return [
        { date: isoDate(day), name: christmasDay },
        { date: isoDate(day + 1), name: boxingDay },
      ]
  }
}

function computeYear(year: number): readonly BankHoliday[] {
  const easter = easterDay(year)
  const holidays = [
    newYear(year),
    { date: isoDate(easter - 2), name: 'Good Friday' },
    { date: isoDate(easter + 1), name: 'Easter Monday' },
    MOVED[`early-may ${year}`] ?? {
      date: isoDate(firstMonday(year, 5)),
      name: 'Early May bank holiday',
    },
    MOVED[`spring ${year}`] ?? { date: isoDate(lastMonday(year, 5)), name: 'Spring bank holiday' },
    { date: isoDate(lastMonday(year, 8)), name: 'Summer bank holiday' },
    ...christmas(year),
    ...EXTRA.filter((holiday) => holiday.date.startsWith(`${year}-`)),
  ]
  return Object.freeze(holidays.sort((a, b) => a.date.localeCompare(b.date)))
}

const BY_YEAR = new Map<number, readonly BankHoliday[]>()
const NAME_BY_DATE = new Map<string, string>()
for (let year = BANK_HOLIDAYS_COVER.from; year <= BANK_HOLIDAYS_COVER.to; year++) {
  const holidays = computeYear(year)
  BY_YEAR.set(year, holidays)
  for (const holiday of holidays) NAME_BY_DATE.set(holiday.date, holiday.name)
}

/** The bank holidays of a calendar year, in date order. */
export function bankHolidays(year: number): readonly BankHoliday[] {
  const holidays = BY_YEAR.get(year)
  if (holidays === undefined) throw new BankHolidayRangeError(year)
  return holidays
}

/** The holiday's name, or undefined when the date is not a bank holiday. */
export function bankHolidayName(date: string): string | undefined {
  const match = /^(\d{4})-\d{2}-\d{2}$/.exec(date)
  if (match === null) throw new RangeError(`"${date}" is not a date: write dates as YYYY-MM-DD`)
  const year = Number(match[1])
  if (!BY_YEAR.has(year)) throw new BankHolidayRangeError(year)
  return NAME_BY_DATE.get(date)
}

export function isBankHoliday(date: string): boolean {
  return bankHolidayName(date) !== undefined
}
