/**
 * The status a programme, project or action would have from its milestones, dates and
 * confidence. People may set another with a reason; both are shown. Dates are ISO strings.
 */
import { plural } from './format.ts'
import { periodContaining, type Period } from './periods.ts'

export const PROJECT_STATUSES = [
  'not_started',
  'on_track',
  'at_risk',
  'off_track',
  'completed',
  'closed',
  'on_hold',
] as const
export type ProjectStatus = (typeof PROJECT_STATUSES)[number]

/** The statuses a suggestion can give; closed and on hold are decisions, never inferred. */
export type SuggestedStatus = Exclude<ProjectStatus, 'closed' | 'on_hold'>

export const CONFIDENCES = ['high', 'medium', 'low'] as const
export type Confidence = (typeof CONFIDENCES)[number]

export const MILESTONE_STATUSES = [
  'completed',
  'on_track',
  'in_progress',
  'delayed',
  'rescheduled',
  'not_started',
] as const
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number]

export interface MilestoneFacts {
  readonly status: MilestoneStatus
  /** When it is due now; for a quarter, the quarter's last day; null when no date is set. */
  readonly due: string | null
  /** It has been moved from an earlier due date. */
  readonly rescheduled: boolean
}

export interface StatusInput {
  readonly today: string
  readonly start: string | null
  readonly end: string | null
  readonly milestones: readonly MilestoneFacts[]
  /** The latest confidence reported, if any. */
  readonly confidence: Confidence | null
}

export interface Suggestion {
  readonly status: SuggestedStatus
  /** Why, in words fit to show; empty when on track with nothing to say. */
  readonly reasons: readonly string[]
}

export function isOverdue(milestone: MilestoneFacts, today: string): boolean {
  return milestone.status !== 'completed' && milestone.due !== null && milestone.due < today
}

/**
 * Rules, first match wins:
 * 1. every milestone completed (at least one) → completed;
 * 2. the start date is still to come and no milestone has moved → not started;
 * 3. past the end date, two or more milestones overdue, or one overdue with low confidence →
 *    off track;
 * 4. one milestone overdue, any open milestone delayed or rescheduled, or low confidence →
 *    at risk;
 * 5. otherwise on track.
 */
export function suggestStatus(input: StatusInput): Suggestion {
  const { today, milestones, confidence } = input
  const open = milestones.filter((m) => m.status !== 'completed')
  if (milestones.length > 0 && open.length === 0) {
    const what =
      milestones.length === 1 ? 'Its milestone is' : `All ${milestones.length} milestones are`
    return { status: 'completed', reasons: [`${what} completed`] }
  }
  // A milestone with no date set is never overdue.
  const overdue = open.filter((m) => isOverdue(m, today))
  const end = input.end
  const late = end !== null && end < today
  if (
    input.start !== null &&
    today < input.start &&
    milestones.every((m) => m.status === 'not_started') &&
    overdue.length === 0
  ) {
    return { status: 'not_started', reasons: [`It starts on ${input.start}`] }
  }
  const reasons: string[] = []
  if (late) reasons.push(`It was due to end on ${end}`)
  if (overdue.length > 0)
    reasons.push(`${plural(overdue.length, 'milestone is', 'milestones are')} overdue`)
  const rescheduled = open.filter((m) => m.rescheduled || m.status === 'rescheduled').length
  const delayed = open.filter((m) => m.status === 'delayed').length
  if (rescheduled > 0)
    reasons.push(`${plural(rescheduled, 'milestone has', 'milestones have')} been rescheduled`)
  if (delayed > 0) reasons.push(`${plural(delayed, 'milestone is', 'milestones are')} delayed`)
  if (confidence === 'low') reasons.push('Confidence is low')
  if (late || overdue.length >= 2 || (overdue.length === 1 && confidence === 'low')) {
    return { status: 'off_track', reasons }
  }
  if (overdue.length === 1 || rescheduled > 0 || delayed > 0 || confidence === 'low') {
    return { status: 'at_risk', reasons }
  }
  return { status: 'on_track', reasons }
}

/** How bad a status is, for "never better with more bad news" checks and sorting. */
export const SEVERITY: Readonly<Record<ProjectStatus, number>> = {
  completed: 0,
  closed: 0,
  not_started: 1,
  on_hold: 1,
  on_track: 2,
  at_risk: 3,
  off_track: 4,
}

const QUARTER_MONTHS = ['April – June', 'July – September', 'October – December', 'January – March']

/** A quarter headed as in the Birmingham highlight report: "Q4: January – March 2025". */
export function quarterHeading(quarter: Period): string {
  const months = QUARTER_MONTHS[quarter.index - 1] ?? ''
  return `Q${quarter.index}: ${months} ${quarter.end.slice(0, 4)}`
}

/**
 * The run of quarters a milestone strip shows: from the quarter holding the earliest date to the
 * one holding the latest, at most `max` of them (the latest kept).
 */
export function quarterRange(dates: readonly string[], max = 8): Period[] {
  if (dates.length === 0) return []
  const sorted = [...dates].sort()
  const first = periodContaining(sorted[0] ?? '', 'quarterly')
  const last = periodContaining(sorted.at(-1) ?? '', 'quarterly')
  const out: Period[] = []
  for (let q = last; out.length < max && q.start >= first.start;) {
    out.unshift(q)
    q = periodContaining(addMonths(q.start, -1), 'quarterly')
  }
  return out
}

function addMonths(date: string, months: number): string {
  const [y = 0, m = 1] = date.split('-').map(Number)
  const index = y * 12 + (m - 1) + months
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}-01`
}
