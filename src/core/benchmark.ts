// Ranks, percentiles and quartiles of a group of councils' figures for one indicator and period.
// Ranking follows the Local Government Benchmarking Framework: rank 1 is best, tied figures share
// the best rank of their tie and the next figure skips ("1, 1, 3"), and the percentile is the
// rank over the number of councils ranked. Goldilocks indicators rank by distance from a
// mid-point. Pure: no I/O.

/** Which way is better: LGBF's Ranking_Type, in Golden Thread's polarity words. */
export type RankingPolarity = 'higher_is_better' | 'lower_is_better' | 'within_band'

export interface RankedEntry<K> {
  readonly key: K
  readonly value: number
  readonly rank: number
  /** rank ÷ number ranked, as LGBF publishes it (0.03125 for 1st of 32). */
  readonly percentile: number
  /** 1 is the best quarter of the group, 4 the worst. */
  readonly quartile: 1 | 2 | 3 | 4
}

/** A figure's distance from best, so that smaller is always better. */
function badness(value: number, polarity: RankingPolarity, midpoint: number | null): number {
  if (polarity === 'higher_is_better') return -value
  if (polarity === 'lower_is_better') return value
  return Math.abs(value - (midpoint ?? 0))
}

/** The quarter of the group a percentile falls in, 1 best (LGBF's quartile bands). */
export function quartileOf(percentile: number): 1 | 2 | 3 | 4 {
  if (percentile <= 0.25) return 1
  if (percentile <= 0.5) return 2
  if (percentile <= 0.75) return 3
  return 4
}

/**
 * Ranks every entry with a figure; ties share the best rank of their tie (standard competition
 * ranking, as LGBF and spreadsheets' RANK do). Entries keep their input order.
 */
export function rankEntries<K>(
  entries: readonly { readonly key: K; readonly value: number }[],
  polarity: RankingPolarity,
  midpoint: number | null = null,
): RankedEntry<K>[] {
  const scores = entries.map((e) => badness(e.value, polarity, midpoint))
  const sorted = [...scores].sort((a, b) => a - b)
  const n = entries.length
  return entries.map((e, i) => {
    const score = scores[i] ?? 0
    // The number strictly better, found by binary search in the sorted scores.
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((sorted[mid] ?? 0) < score) lo = mid + 1
      else hi = mid
    }
    const rank = lo + 1
    const percentile = rank / n
    return { key: e.key, value: e.value, rank, percentile, quartile: quartileOf(percentile) }
  })
}

/**
 * The value at fraction `p` of the sorted figures, interpolating between neighbours (the method
 * of spreadsheets' QUARTILE.INC and PERCENTILE.INC, and of LGBF's medians).
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * p
  const below = Math.floor(position)
  const above = Math.ceil(position)
  const low = sorted[below] ?? 0
  const high = sorted[above] ?? 0
  return low + (high - low) * (position - below)
}

export interface GroupSummary {
  readonly count: number
  readonly median: number | null
  readonly lowerQuartile: number | null
  readonly upperQuartile: number | null
  readonly mean: number | null
  readonly best: number | null
  readonly worst: number | null
}

/** The group's median, quartiles (of the figures, not of ranks), mean and best and worst. */
export function summariseGroup(
  values: readonly number[],
  polarity: RankingPolarity,
  midpoint: number | null = null,
): GroupSummary {
  if (values.length === 0) {
    return {
      count: 0,
      median: null,
      lowerQuartile: null,
      upperQuartile: null,
      mean: null,
      best: null,
      worst: null,
    }
  }
  const ordered = [...values].sort(
    (a, b) => badness(a, polarity, midpoint) - badness(b, polarity, midpoint),
  )
  return {
    count: values.length,
    median: quantile(values, 0.5),
    lowerQuartile: quantile(values, 0.25),
    upperQuartile: quantile(values, 0.75),
    mean: values.reduce((s, v) => s + v, 0) / values.length,
    best: ordered[0] ?? null,
    worst: ordered.at(-1) ?? null,
  }
}

/**
 * How a rank moved between two periods, in places up (positive) or down. Groups change size, so
 * the percentile says more than the rank when they do; callers show both.
 */
export function rankMovement(previous: number | null, current: number | null): number | null {
  if (previous === null || current === null) return null
  return previous - current
}

/** Upper case letters and digits only, without an "LGBF" prefix: how references are compared. */
export function normaliseReference(reference: string | null | undefined): string | null {
  if (!reference) return null
  const plain = reference.toUpperCase().replace(/[^A-Z0-9]/g, '')
  const bare = plain.startsWith('LGBF') ? plain.slice(4) : plain
  return bare === '' ? null : bare
}

/** Council names as sources spell them differently ("Edinburgh City", "City of Edinburgh"). */
export function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\b(council|the|of|city|county|borough|district)\b/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

/** Ordinal words for ranks: 1st, 2nd, 3rd, 11th, 22nd. */
export function ordinal(n: number): string {
  const tens = n % 100
  if (tens >= 11 && tens <= 13) return `${n}th`
  const suffix = ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'
  return `${n}${suffix}`
}

export const QUARTILE_NAMES: Readonly<Record<1 | 2 | 3 | 4, string>> = {
  1: 'top quartile',
  2: 'second quartile',
  3: 'third quartile',
  4: 'bottom quartile',
}
