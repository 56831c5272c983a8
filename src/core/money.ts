/**
 * Money as whole pence in safe integers. Every sum, difference and split is integer
 * arithmetic, so nothing is lost to binary fractions; amounts are read from text (never from
 * a binary float) and written back as text.
 */

/** An amount in pence; always a safe integer. */
export type Pence = number

/** Input that is not an amount of money; the message is fit to show a user. */
export class MoneyError extends Error {
  override readonly name = 'MoneyError'
}

// Amounts up to £10 billion: far beyond any council budget line, well inside safe integers.
export const MAX_PENCE = 1_000_000_000_000

const AMOUNT = /^(-)?£?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/

/**
 * Reads "1,250.50", "£1250.5" or "1250" as pence. Refuses more than two decimal places,
 * misplaced thousands separators and, unless allowed, negative amounts. A number is read
 * through its shortest decimal text, so 0.1 + 0.2 is refused rather than rounded.
 */
export function parseMoney(
  input: string | number,
  options: { allowNegative?: boolean; what?: string } = {},
): Pence {
  const what = options.what ?? 'the amount'
  const text = (typeof input === 'number' ? String(input) : input).trim().replace(/\s+/g, '')
  if (text === '') throw new MoneyError(`Enter ${what}`)
  const match = AMOUNT.exec(text.replace(/^£-/, '-'))
  if (match === null) {
    throw new MoneyError(`Enter ${what} in pounds and pence, like 1,250.50`)
  }
  const [, minus, whole = '0', fraction = ''] = match
  if (fraction.length > 2) {
    throw new MoneyError(`Enter ${what} to no more than two decimal places (whole pence)`)
  }
  if (minus && !options.allowNegative) {
    throw new MoneyError(`Enter ${what} as zero or more: it cannot be negative`)
  }
  const pounds = whole.replaceAll(',', '')
  if (pounds.length > 11) throw new MoneyError(`Enter ${what} of no more than £10,000,000,000`)
  const pence = Number(pounds) * 100 + Number(fraction.padEnd(2, '0'))
  if (pence > MAX_PENCE) throw new MoneyError(`Enter ${what} of no more than £10,000,000,000`)
  return minus && pence !== 0 ? -pence : pence
}

function checkPence(pence: Pence): void {
  if (!Number.isSafeInteger(pence)) throw new RangeError(`${pence} is not a whole number of pence`)
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** "1250.50", "-0.05": the exact decimal text the API writes. */
export function penceToDecimal(pence: Pence): string {
  checkPence(pence)
  const sign = pence < 0 ? '-' : ''
  const abs = Math.abs(pence)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/**
 * "£1,250", "£1,250.50", "−£20": pence only when the amount has them, so a council that works
 * in whole pounds never sees ".00". `pence: true` keeps them, for a column where some amounts
 * have pence.
 */
export function formatPounds(pence: Pence, options: { pence?: boolean } = {}): string {
  checkPence(pence)
  const abs = Math.abs(pence)
  const whole = `£${group(String(Math.floor(abs / 100)))}`
  const text =
    abs % 100 === 0 && !options.pence ? whole : `${whole}.${String(abs % 100).padStart(2, '0')}`
  return pence < 0 ? `−${text}` : text
}

/** Whether any of the amounts has pence: a column then shows pence on every row. */
export function hasPence(amounts: readonly Pence[]): boolean {
  return amounts.some((a) => a % 100 !== 0)
}

/** Whole pounds for form fields: "1250.5" comes back as "1250.50", 1250 as "1250.00". */
export const formatInput = penceToDecimal

/** Rounds to whole thousands of pounds, halves away from zero. */
export function toThousands(pence: Pence): number {
  checkPence(pence)
  const abs = Math.abs(pence)
  const thousands = Math.floor((abs + 50_000) / 100_000)
  return pence < 0 && thousands !== 0 ? -thousands : thousands
}

/** £000s as council tables print them: "1,250", negatives in brackets "(500)", zero "0". */
export function formatThousands(pence: Pence): string {
  const thousands = toThousands(pence)
  const text = group(String(Math.abs(thousands)))
  return thousands < 0 ? `(${text})` : text
}

export function sumPence(amounts: readonly Pence[]): Pence {
  let total = 0
  for (const amount of amounts) {
    checkPence(amount)
    total += amount
  }
  checkPence(total)
  return total
}

/**
 * `part` as a percentage of `whole`, rounded half up to `decimals` places, computed in integers;
 * null when the whole is zero.
 */
export function percentOf(part: Pence, whole: Pence, decimals = 1): number | null {
  checkPence(part)
  checkPence(whole)
  if (whole === 0) return null
  const scale = 10n ** BigInt(decimals)
  const numerator = BigInt(part) * 100n * scale
  const denominator = BigInt(whole)
  const negative = numerator < 0n !== denominator < 0n
  const n = numerator < 0n ? -numerator : numerator
  const d = denominator < 0n ? -denominator : denominator
  const rounded = (2n * n + d) / (2n * d)
  return Number(negative ? -rounded : rounded) / Number(scale)
}

/** `percent` % of an amount, rounded down to whole pence (tolerances never round up). */
export function percentage(pence: Pence, percent: number): Pence {
  checkPence(pence)
  if (!Number.isInteger(percent * 100)) throw new RangeError('Give percentages to 2 places')
  return Number((BigInt(pence) * BigInt(Math.round(percent * 100))) / 10_000n)
}
