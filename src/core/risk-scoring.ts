/**
 * Risk scoring: a likelihood × impact matrix (4×4 or 5×5) configured per organisation, bands
 * that turn a score into a status, the tolerable threshold (risk appetite), direction of travel,
 * the heat map and the measure "% of red risks mitigated to tolerable within 3 months".
 * Dates are ISO strings ('YYYY-MM-DD').
 */
import { addDays, comparePeriods, type Period } from './periods.ts'

export const MATRIX_SIZES = [4, 5] as const
export type MatrixSize = (typeof MATRIX_SIZES)[number]

/** Bands from least to most severe; the keys are fixed, their names and thresholds are not. */
export const BANDS = ['low', 'medium', 'high', 'very_high'] as const
export type BandKey = (typeof BANDS)[number]

/** The band whose risks are "red" in reports and in the mitigation measure. */
export const RED_BAND: BandKey = 'very_high'

export interface MatrixLevel {
  readonly name: string
  readonly description: string
}

export interface MatrixBand {
  readonly key: BandKey
  readonly name: string
  /** The lowest score in the band; the band runs up to the next band's `from` less one. */
  readonly from: number
}

export interface RiskMatrix {
  readonly size: MatrixSize
  /** Level 1 first. */
  readonly likelihood: readonly MatrixLevel[]
  readonly impact: readonly MatrixLevel[]
  /** In BANDS order, `low` from 1. */
  readonly bands: readonly MatrixBand[]
  /** The tolerable threshold: a score at or below it is within the organisation's appetite. */
  readonly appetite: number
}

export type ScoreDirection = 'improving' | 'same' | 'worsening'

/** Input that breaks a scoring rule; `field` names what to correct, the message is for people. */
export class RiskScoreError extends Error {
  override readonly name = 'RiskScoreError'
  readonly field: string
  constructor(field: string, message: string) {
    super(message)
    this.field = field
  }
}

export interface MatrixProblem {
  readonly field: string
  readonly message: string
}

/** Every rule a matrix breaks, empty when it is sound. */
export function matrixProblems(matrix: RiskMatrix): MatrixProblem[] {
  const problems: MatrixProblem[] = []
  const { size } = matrix
  if (!MATRIX_SIZES.includes(size)) {
    return [{ field: 'size', message: 'Choose a 4 by 4 or a 5 by 5 matrix' }]
  }
  for (const axis of ['likelihood', 'impact'] as const) {
    if (matrix[axis].length !== size) {
      problems.push({ field: axis, message: `Describe each of the ${size} levels of ${axis}` })
    }
  }
  const max = size * size
  const keys = matrix.bands.map((b) => b.key)
  if (keys.join() !== BANDS.join()) {
    problems.push({ field: 'bands', message: 'Give the four bands: low, medium, high, very high' })
    return problems
  }
  if (matrix.bands[0]?.from !== 1) {
    problems.push({ field: 'bands.low', message: 'The low band starts at a score of 1' })
  }
  for (let i = 1; i < matrix.bands.length; i++) {
    const band = matrix.bands[i]
    const below = matrix.bands[i - 1]
    if (!band || !below) continue
    if (!Number.isInteger(band.from) || band.from <= below.from || band.from > max) {
      problems.push({
        field: `bands.${band.key}`,
        message: `The ${band.name.toLowerCase() || band.key} band must start at a whole score above where the ${below.name.toLowerCase() || below.key} band starts, and no higher than ${max}`,
      })
    }
  }
  const red = matrix.bands.find((b) => b.key === RED_BAND)
  if (
    !Number.isInteger(matrix.appetite) ||
    matrix.appetite < 1 ||
    (red !== undefined && matrix.appetite >= red.from)
  ) {
    problems.push({
      field: 'appetite',
      message: `The tolerable threshold must be a whole score from 1 to ${(red?.from ?? max) - 1}, below the ${red?.name.toLowerCase() ?? 'very high'} band`,
    })
  }
  return problems
}

/** Throws the first problem of a matrix. */
export function checkMatrix(matrix: RiskMatrix): void {
  const [first] = matrixProblems(matrix)
  if (first) throw new RiskScoreError(first.field, first.message)
}

function checkLevel(matrix: RiskMatrix, field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > matrix.size) {
    throw new RiskScoreError(
      field,
      `${field.charAt(0).toUpperCase()}${field.slice(1)} must be a whole number from 1 to ${matrix.size}`,
    )
  }
}

/** Likelihood × impact, checked against the matrix. */
export function riskScore(matrix: RiskMatrix, likelihood: number, impact: number): number {
  checkLevel(matrix, 'likelihood', likelihood)
  checkLevel(matrix, 'impact', impact)
  return likelihood * impact
}

/** Every score the matrix can give, in ascending order. */
export function possibleScores(size: MatrixSize): number[] {
  const scores = new Set<number>()
  for (let l = 1; l <= size; l++) for (let i = 1; i <= size; i++) scores.add(l * i)
  return [...scores].sort((a, b) => a - b)
}

export function bandOf(matrix: RiskMatrix, score: number): MatrixBand {
  let found = matrix.bands[0]
  for (const band of matrix.bands) if (score >= band.from) found = band
  if (!found) throw new RiskScoreError('bands', 'The matrix has no bands')
  return found
}

/** The highest score of a band. */
export function bandTo(matrix: RiskMatrix, key: BandKey): number {
  const index = matrix.bands.findIndex((b) => b.key === key)
  const next = matrix.bands[index + 1]
  return next ? next.from - 1 : matrix.size * matrix.size
}

export function isTolerable(matrix: RiskMatrix, score: number): boolean {
  return score <= matrix.appetite
}

export function isRed(matrix: RiskMatrix, score: number): boolean {
  return bandOf(matrix, score).key === RED_BAND
}

/** A lower score is better. */
export function scoreDirection(previous: number | null, current: number): ScoreDirection | null {
  if (previous === null) return null
  if (current < previous) return 'improving'
  if (current > previous) return 'worsening'
  return 'same'
}

export interface ScoredReview {
  readonly date: string
  readonly likelihood: number
  readonly impact: number
}

export interface HistoryPoint<R extends ScoredReview> {
  readonly review: R
  readonly score: number
  readonly band: MatrixBand
  readonly tolerable: boolean
  readonly direction: ScoreDirection | null
}

/** Reviews oldest first, stable for the same date. */
function byDate<R extends ScoredReview>(reviews: readonly R[]): R[] {
  return reviews
    .map((review, index) => ({ review, index }))
    .sort((a, b) =>
      a.review.date === b.review.date ? a.index - b.index : a.review.date < b.review.date ? -1 : 1,
    )
    .map((x) => x.review)
}

/** Score history, oldest first, each review with its direction of travel from the one before. */
export function scoreHistory<R extends ScoredReview>(
  matrix: RiskMatrix,
  reviews: readonly R[],
): HistoryPoint<R>[] {
  let previous: number | null = null
  return byDate(reviews).map((review) => {
    const score = review.likelihood * review.impact
    const point = {
      review,
      score,
      band: bandOf(matrix, score),
      tolerable: isTolerable(matrix, score),
      direction: scoreDirection(previous, score),
    }
    previous = score
    return point
  })
}

export interface HeatMapItem {
  readonly id: string
  readonly reference: string
  readonly likelihood: number
  readonly impact: number
}

export interface HeatMapCell<T extends HeatMapItem> {
  readonly likelihood: number
  readonly impact: number
  readonly score: number
  readonly band: MatrixBand
  readonly tolerable: boolean
  readonly items: readonly T[]
}

export interface HeatMap<T extends HeatMapItem> {
  /** Most likely first, as the grid is drawn; each row impact 1 first. */
  readonly rows: readonly { likelihood: number; cells: readonly HeatMapCell<T>[] }[]
  readonly total: number
}

/** The likelihood × impact grid with the items in each cell, references in order. */
export function heatMap<T extends HeatMapItem>(
  matrix: RiskMatrix,
  items: readonly T[],
): HeatMap<T> {
  const rows = []
  for (let likelihood = matrix.size; likelihood >= 1; likelihood--) {
    const cells = []
    for (let impact = 1; impact <= matrix.size; impact++) {
      const score = likelihood * impact
      cells.push({
        likelihood,
        impact,
        score,
        band: bandOf(matrix, score),
        tolerable: isTolerable(matrix, score),
        items: items
          .filter((i) => i.likelihood === likelihood && i.impact === impact)
          .sort((a, b) => a.reference.localeCompare(b.reference, 'en-GB', { numeric: true })),
      })
    }
    rows.push({ likelihood, cells })
  }
  const placed = rows.reduce((n, r) => n + r.cells.reduce((m, c) => m + c.items.length, 0), 0)
  return { rows, total: placed }
}

/** The date `months` calendar months later; a day the month lacks becomes its last day. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const index = y * 12 + (m - 1) + months
  const year = Math.floor(index / 12)
  const month = (index % 12) + 1
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const day = Math.min(d, lastDay)
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

export const MITIGATION_MONTHS = 3

export interface RedEpisode {
  /** The review that first scored the risk red. */
  readonly start: string
  /** The last day by which it should be tolerable. */
  readonly deadline: string
  /** The first later review at or below the tolerable threshold; null if none yet. */
  readonly tolerableOn: string | null
  readonly mitigatedInTime: boolean
}

/**
 * Each time a risk's reviews take it into the red band it starts an episode, which ends at the
 * first review at or below the tolerable threshold. Falling out of red without reaching the
 * threshold does not end it, so a risk bouncing between high and very high is one episode.
 */
export function redEpisodes(matrix: RiskMatrix, reviews: readonly ScoredReview[]): RedEpisode[] {
  const episodes: RedEpisode[] = []
  let open: { start: string; deadline: string } | null = null
  for (const review of byDate(reviews)) {
    const score = review.likelihood * review.impact
    if (open === null) {
      if (isRed(matrix, score)) {
        open = { start: review.date, deadline: addMonths(review.date, MITIGATION_MONTHS) }
      }
    } else if (isTolerable(matrix, score)) {
      episodes.push({
        ...open,
        tolerableOn: review.date,
        mitigatedInTime: review.date <= open.deadline,
      })
      open = null
    }
  }
  if (open) episodes.push({ ...open, tolerableOn: null, mitigatedInTime: false })
  return episodes
}

export interface MitigationPoint {
  readonly period: Period
  /** Per cent, to one decimal place; null when no red episode's three months ended. */
  readonly value: number | null
  readonly numerator: number
  readonly denominator: number
}

/**
 * "% of red risks mitigated to tolerable level within 3 months" for each period: the red
 * episodes whose three months end in the period (and by `asOf`, so every outcome is known), and
 * of those, how many reached the tolerable threshold in time.
 */
export function mitigationSeries(
  matrix: RiskMatrix,
  histories: readonly (readonly ScoredReview[])[],
  periods: readonly Period[],
  asOf: string,
): MitigationPoint[] {
  const episodes = histories.flatMap((reviews) => redEpisodes(matrix, reviews))
  return [...periods].sort(comparePeriods).map((period) => {
    const due = episodes.filter(
      (e) => e.deadline >= period.start && e.deadline <= period.end && e.deadline <= asOf,
    )
    const numerator = due.filter((e) => e.mitigatedInTime).length
    const denominator = due.length
    return {
      period,
      value: denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 10,
      numerator,
      denominator,
    }
  })
}

/** When the next review falls due after one on `date`, at the risk's review frequency. */
export function nextReviewDate(
  date: string,
  frequency: 'monthly' | 'bimonthly' | 'quarterly' | 'half_yearly' | 'annual',
): string {
  const months = { monthly: 1, bimonthly: 2, quarterly: 3, half_yearly: 6, annual: 12 }[frequency]
  return addMonths(date, months)
}

/** Due: within `soonDays` from today; overdue: before today. */
export function reviewState(
  nextReview: string | null,
  today: string,
  soonDays = 14,
): 'overdue' | 'due_soon' | 'scheduled' | 'none' {
  if (nextReview === null) return 'none'
  if (nextReview < today) return 'overdue'
  if (nextReview <= addDays(today, soonDays)) return 'due_soon'
  return 'scheduled'
}
