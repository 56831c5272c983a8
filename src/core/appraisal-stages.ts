// The stages of a yearly appraisal (PDR) and where each stands on a given day: pure rules shared
// by the appraisal pages, the inbox, the reminders and the organisational measures.

export const STAGES = ['objectives', 'mid_year', 'year_end'] as const
export type Stage = (typeof STAGES)[number]

export const STAGE_NAMES: Readonly<Record<Stage, string>> = {
  objectives: 'Objective setting',
  mid_year: 'Mid-year review',
  year_end: 'Year-end review',
}

/** The rating scale of reviews, 1 to 4. */
export const RATINGS = [1, 2, 3, 4] as const
export const RATING_NAMES: Readonly<Record<number, string>> = {
  1: 'Not met',
  2: 'Partly met',
  3: 'Fully met',
  4: 'Exceeded',
}

export interface Window {
  readonly opens: string
  readonly closes: string
}

export type StageState = 'not_open' | 'open' | 'overdue' | 'done_on_time' | 'done_late'

export const STAGE_STATE_NAMES: Readonly<Record<StageState, string>> = {
  not_open: 'Not yet open',
  open: 'Open',
  overdue: 'Overdue',
  done_on_time: 'Completed on time',
  done_late: 'Completed late',
}

/** Where a stage stands on `today` (YYYY-MM-DD), given the day it was completed, if it was. */
export function stageState(window: Window, completedOn: string | null, today: string): StageState {
  if (completedOn !== null) return completedOn <= window.closes ? 'done_on_time' : 'done_late'
  if (today < window.opens) return 'not_open'
  return today > window.closes ? 'overdue' : 'open'
}

export function isDone(state: StageState): boolean {
  return state === 'done_on_time' || state === 'done_late'
}

/** Each window must open on or before it closes, and each stage follow the one before. */
export function windowProblem(windows: Readonly<Record<Stage, Window>>): {
  stage: Stage
  message: string
} | null {
  let previous: Window | null = null
  for (const stage of STAGES) {
    const w = windows[stage]
    if (w.closes < w.opens) {
      return {
        stage,
        message: `The ${STAGE_NAMES[stage].toLowerCase()} window must close on or after it opens`,
      }
    }
    if (previous && w.opens < previous.closes) {
      return {
        stage,
        message: `The ${STAGE_NAMES[stage].toLowerCase()} window must open on or after the one before it closes`,
      }
    }
    previous = w
  }
  return null
}

/**
 * Of `reviews` whose window closed within (from, to], the share completed by the close. A review
 * may stand for `count` alike (the same window, completed the same day).
 */
export function onTimeShare(
  reviews: readonly {
    readonly closes: string
    readonly completedOn: string | null
    readonly count?: number
  }[],
  from: string,
  to: string,
): { numerator: number; denominator: number; value: number | null } {
  let due = 0
  let onTime = 0
  for (const r of reviews) {
    if (r.closes <= from || r.closes > to) continue
    due += r.count ?? 1
    if (r.completedOn !== null && r.completedOn <= r.closes) onTime += r.count ?? 1
  }
  return {
    numerator: onTime,
    denominator: due,
    value: due === 0 ? null : (onTime / due) * 100,
  }
}
