/**
 * How numbers, money, counts and dates are written for people: pages, committee reports,
 * e-mails and the words inside exports. One rule each, so a figure reads the same wherever it
 * appears. Machine-readable files keep raw numbers and never pass through here.
 */
import { formatPounds, formatThousands, toThousands, type Pence } from './money.ts'

export { formatPounds, formatThousands, toThousands }

/** The typographic minus: a hyphen reads as a dash in running text. */
export const MINUS = '−'

const MONTHS = [
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

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

// Scaled integers stay exact below this; larger numbers are rounded by Intl instead.
const EXACT_LIMIT = 1e15
const fallbackFormats = new Map<number, Intl.NumberFormat>()
function fallbackFormat(decimals: number): Intl.NumberFormat {
  let format = fallbackFormats.get(decimals)
  if (!format) {
    format = new Intl.NumberFormat('en-GB', {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    })
    fallbackFormats.set(decimals, format)
  }
  return format
}

/**
 * |value| × 10^decimals rounded half away from zero, read through the number's shortest decimal
 * text so 1.005 rounds to 1.01 as written, not down as its binary approximation would.
 */
function scaled(abs: number, decimals: number): number | null {
  const text = String(abs)
  if (text.includes('e')) return null
  const n = Math.round(Number(`${text}e${String(decimals)}`))
  return Number.isSafeInteger(n) && n < EXACT_LIMIT ? n : null
}

function clampDecimals(decimals: number): number {
  return Number.isFinite(decimals) ? Math.min(Math.max(Math.trunc(decimals), 0), 6) : 0
}

/**
 * "1,234", "1,234.5" with `decimals` places: thousands separators, halves away from zero, a
 * typographic minus, and no minus on a value that rounds to zero.
 */
export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '—'
  const places = clampDecimals(decimals)
  const n = scaled(Math.abs(value), places)
  let text: string
  if (n === null) {
    text = fallbackFormat(places).format(Math.abs(value))
  } else {
    const digits = String(n).padStart(places + 1, '0')
    const whole = digits.slice(0, digits.length - places)
    text = places === 0 ? group(whole) : `${group(whole)}.${digits.slice(-places)}`
  }
  return value < 0 && /[1-9]/.test(text) ? `${MINUS}${text}` : text
}

/** "50%", "27.5%": no space before the sign. */
export function formatPercent(value: number, decimals = 0): string {
  return `${formatNumber(value, decimals)}%`
}

/**
 * A measure's figure with its unit (`measures.unit`) at its own decimal places: "61.2%", "£1,250", "4.5 days",
 * "1 day", "Yes". A missing figure is a dash.
 */
export function formatMeasureValue(
  value: number | null | undefined,
  unit: string,
  decimals: number,
): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  switch (unit) {
    case 'yes_no':
      return value === 1 ? 'Yes' : value === 0 ? 'No' : formatNumber(value, decimals)
    case 'percent':
      return formatPercent(value, decimals)
    case 'currency': {
      const text = formatNumber(value, decimals)
      return text.startsWith(MINUS) ? `${MINUS}£${text.slice(1)}` : `£${text}`
    }
    case 'days': {
      const text = formatNumber(value, decimals)
      return `${text} ${text === '1' ? 'day' : 'days'}`
    }
    default:
      return formatNumber(value, decimals)
  }
}

/** The decimal places a number was written with (at most 6): 12.5 has 1. */
export function decimalsOf(value: number): number {
  const text = String(Math.abs(value))
  if (text.includes('e')) return 0
  return Math.min(text.split('.')[1]?.length ?? 0, 6)
}

/**
 * A number with a unit a person typed, as for a project benefit: "50%", "£900,000",
 * "1,200 households". Its own decimal places are kept; pounds show pence only when there are any.
 */
export function formatQuantity(value: number | null | undefined, unit?: string | null): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  const u = (unit ?? '').trim()
  if (u === '£') {
    const pence = Math.round(Number(`${String(value)}e2`))
    return Number.isSafeInteger(pence) ? formatPounds(pence) : `£${formatNumber(value)}`
  }
  const text = formatNumber(value, decimalsOf(value))
  if (u === '') return text
  if (u === '%') return `${text}%`
  return `${text} ${u}`
}

/** Whole pounds from pence for a heading or sentence: "£1,250", rounding half up. */
export function formatWholePounds(pence: Pence): string {
  return formatPounds(Math.round(pence / 100) * 100)
}

/**
 * Each amount in whole thousands of pounds such that the rows add up to the total as shown:
 * the total is rounded to the nearest thousand, each row down, and the thousands left over go
 * to the rows with the largest remainders (ties to the earlier row). A row that is an exact
 * number of thousands is never moved, so a zero stays zero.
 */
export function thousandsAddingUp(amounts: readonly Pence[]): { rows: number[]; total: number } {
  const UNIT = 100_000
  let sum = 0
  const floors: number[] = []
  const remainders: number[] = []
  for (const amount of amounts) {
    if (!Number.isSafeInteger(amount)) throw new RangeError(`${amount} is not whole pence`)
    sum += amount
    let q = Math.floor(amount / UNIT)
    let r = amount - q * UNIT
    // Guard the float division at the edges of a thousand.
    if (r < 0) {
      q -= 1
      r += UNIT
    } else if (r >= UNIT) {
      q += 1
      r -= UNIT
    }
    floors.push(q)
    remainders.push(r)
  }
  const total = toThousands(sum)
  let left = total - floors.reduce((a, b) => a + b, 0)
  const order = remainders
    .map((r, i) => ({ r, i }))
    .filter((x) => x.r > 0)
    .sort((a, b) => b.r - a.r || a.i - b.i)
  const rows = [...floors]
  for (const { i } of order) {
    if (left <= 0) break
    rows[i] = (rows[i] ?? 0) + 1
    left--
  }
  return { rows, total }
}

/** Thousands as council tables print them: "1,250", negatives in brackets "(500)". */
export function formatThousandsFigure(thousands: number): string {
  const text = group(String(Math.abs(Math.trunc(thousands))))
  return thousands < 0 ? `(${text})` : text
}

/** "1 person", "2 people", "1,250 measures". */
export function plural(count: number, one: string, many: string): string {
  return `${formatNumber(count)} ${count === 1 ? one : many}`
}

/** The word alone, for sentences that put the number elsewhere. */
export function pluralWord(count: number, one: string, many: string): string {
  return count === 1 ? one : many
}

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
})
const longDateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
})

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

function toDate(value: Date | string | null | undefined): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value
  if (typeof value !== 'string' || value === '') return null
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : date
}

/**
 * "7 December 2026". A calendar date ("2026-12-07") is written as it is, whatever the time
 * zone; an instant is written as the date in the UK. Nothing to show is an empty string.
 */
export function formatDate(value: Date | string | null | undefined): string {
  if (typeof value === 'string') {
    const match = ISO_DATE.exec(value)
    if (match) {
      const [, year, month, day] = match
      const name = MONTHS[Number(month) - 1]
      if (name) return `${String(Number(day))} ${name} ${year ?? ''}`
    }
  }
  const date = toDate(value)
  return date ? longDate.format(date) : ''
}

/** "7 December 2026 at 2:05pm": the time in the UK, GOV.UK style. */
export function formatDateTime(value: Date | string | null | undefined): string {
  const date = toDate(value)
  return date ? longDateTime.format(date).replace(' am', 'am').replace(' pm', 'pm') : ''
}
