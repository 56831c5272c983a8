/**
 * Small-number suppression for published figures. A count from 1 up to the threshold minus 1
 * could identify people, so it is withheld and shown as "fewer than N". Zero is shown: it
 * names no one. The rule covers counts (a measure in whole numbers) and any figure worked out
 * from a numerator and denominator, where a small numerator or denominator would let a reader
 * work the count back out; targets are not observations and are never withheld.
 */

export interface SuppressibleMeasure {
  readonly unit: 'percent' | 'number' | 'currency' | 'days' | 'ratio' | 'yes_no'
  readonly decimals: number
}

export interface Figures {
  readonly value: number | null
  readonly numerator: number | null
  readonly denominator: number | null
  readonly yearToDate: number | null
}

export interface Suppressed extends Figures {
  /** True when anything was withheld; the figures withheld are null. */
  readonly suppressed: boolean
}

/** Whether a measure's own values are counts: whole numbers of things or people. */
export function isCount(measure: SuppressibleMeasure): boolean {
  return measure.unit === 'number' && measure.decimals === 0
}

/** A figure the rule withholds: more than 0 and less than `below` (0 turns the rule off). */
export function isSmall(figure: number | null, below: number): boolean {
  return figure !== null && below > 0 && figure > 0 && figure < below
}

export function suppress(
  measure: SuppressibleMeasure,
  figures: Figures,
  below: number,
): Suppressed {
  const fromCounts = isSmall(figures.numerator, below) || isSmall(figures.denominator, below)
  if (fromCounts) {
    return { value: null, numerator: null, denominator: null, yearToDate: null, suppressed: true }
  }
  if (!isCount(measure)) return { ...figures, suppressed: false }
  const value = isSmall(figures.value, below) ? null : figures.value
  const yearToDate = isSmall(figures.yearToDate, below) ? null : figures.yearToDate
  return {
    value,
    numerator: figures.numerator,
    denominator: figures.denominator,
    yearToDate,
    suppressed: value !== figures.value || yearToDate !== figures.yearToDate,
  }
}

/** The words shown in place of a withheld figure. */
export function suppressedText(below: number): string {
  return `fewer than ${below}`
}

/**
 * A distribution's counts and their total with small counts withheld, and enough others beside
 * them that none can be worked back out from the total: when exactly one count is withheld, the
 * smallest other count above zero is withheld too. A small total withholds everything. Null
 * marks a withheld figure.
 */
export function suppressDistribution(
  counts: readonly number[],
  below: number,
): { counts: (number | null)[]; total: number | null } {
  const total = counts.reduce((sum, c) => sum + c, 0)
  if (isSmall(total, below)) return { counts: counts.map(() => null), total: null }
  const withheld = counts.map((c) => isSmall(c, below))
  if (withheld.filter(Boolean).length === 1) {
    let partner = -1
    counts.forEach((c, i) => {
      if (!withheld[i] && c > 0 && (partner < 0 || c < (counts[partner] ?? 0))) partner = i
    })
    withheld[partner] = true
  }
  return { counts: counts.map((c, i) => (withheld[i] ? null : c)), total }
}
