// Period labels as councils write them in their own spreadsheets, read into the product's
// periods. Anything that could mean two periods is a question, never a guess.
import { formatFinancialYear, parsePeriodLabel, periodAt, type Period } from '../../core/periods.ts'

export type Recognised =
  | { readonly period: Period }
  /** The label could mean more than one period: the person must say which. */
  | { readonly ambiguous: string }
  | { readonly unknown: string }

const MONTHS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
] as const

function monthOf(name: string): number | undefined {
  const lower = name.toLowerCase().slice(0, 3)
  const index = MONTHS.indexOf(lower as (typeof MONTHS)[number])
  if (index < 0) return undefined
  // "Sept", "June", "April": any spelling that starts with the month's three letters and is
  // a prefix of its full name.
  const full = [
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ][index]
  const word = name.toLowerCase()
  return full?.startsWith(word) === true || word === 'sept' ? index + 1 : undefined
}

/** A two- or four-digit year: "24" is 2024 (a council's records start this century). */
function yearOf(text: string): number {
  const n = Number(text)
  return text.length === 2 ? 2000 + n : n
}

/** "2024/25", "2024-25", "2024/2025", "2024-2025": the financial year from April 2024. */
const FY = String.raw`(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})`

function financialYear(first: string, second: string): number | null {
  const start = Number(first)
  const end = Number(second)
  const expected = second.length === 2 ? (start + 1) % 100 : start + 1
  return end === expected ? start : null
}

function label(period: Period): Recognised {
  return { period }
}

/**
 * Reads a period label in any of the common UK forms: "2024/25 Q1", "Q1 2024/25",
 * "2014-15 Q1 (published 2014-09-02)", "2018-19;Q1", "Apr-24", "April 2024", "2024-04",
 * "2023/24" (a financial year), and the product's own labels. "2024" or "Q1 2024" could be a
 * calendar or a financial year, so they are asked about.
 */
export function recognisePeriod(text: string): Recognised {
  // Notes in brackets ("(published …)", "(provisional)") are not part of the period.
  const raw = text.replace(/\([^)]*\)/g, ' ').trim()
  const t = raw.replace(/\s+/g, ' ')
  if (t === '') return { unknown: text }
  let m = new RegExp(String.raw`^${FY}\s*[;,:\s]\s*Q([1-4])$`, 'i').exec(t)
  m ??= new RegExp(String.raw`^Q([1-4])\s*[;,:\s]?\s*${FY}$`, 'i').exec(t)
  if (m) {
    const [, a = '', b = '', c = ''] = m
    const quarterFirst = /^Q/i.test(t)
    const [q, y1, y2] = quarterFirst ? [a, b, c] : [c, a, b]
    const fy = financialYear(y1, y2)
    if (fy === null) return { unknown: text }
    return label(periodAt('quarterly', fy, Number(q)))
  }
  m = new RegExp(String.raw`^(?:FY\s*)?${FY}$`, 'i').exec(t)
  if (m) {
    const fy = financialYear(m[1] ?? '', m[2] ?? '')
    if (fy !== null) return label(periodAt('annual', fy, 1))
  }
  // "2024-04" or "2024/04": a month (a financial year "2024-25" was read above).
  m = /^(\d{4})[-/](\d{1,2})$/.exec(t)
  if (m) {
    const month = Number(m[2])
    if (month < 1 || month > 12) return { unknown: text }
    return monthly(Number(m[1]), month)
  }
  // "Apr-24", "Apr 24", "April 2024", "Sept-2024".
  m = /^([A-Za-z]{3,9})\.?[\s\-/']*(\d{2}|\d{4})$/.exec(t)
  if (m) {
    const month = monthOf(m[1] ?? '')
    if (month !== undefined) return monthly(yearOf(m[2] ?? ''), month)
    return { unknown: text }
  }
  if (/^\d{4}$/.test(t)) {
    const year = Number(t)
    return {
      ambiguous: `"${text}" could be the calendar year ${year} or the financial year ${formatFinancialYear(year)} (or ${formatFinancialYear(year - 1)}): say which`,
    }
  }
  if (/^Q[1-4]\s*\d{4}$/i.test(t)) {
    return {
      ambiguous: `"${text}" could be a calendar quarter or a quarter of the financial year: write it like "2024/25 Q1"`,
    }
  }
  try {
    return label(parsePeriodLabel(t))
  } catch {
    return { unknown: text }
  }
}

function monthly(year: number, month: number): Recognised {
  const fy = month >= 4 ? year : year - 1
  return label(periodAt('monthly', fy, ((month + 8) % 12) + 1))
}
