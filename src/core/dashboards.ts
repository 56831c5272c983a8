/**
 * Pure rules behind dashboards and the computed organisational measures: tile order, what a
 * value was as at a past period, a project's status as it stood on a date, data returned on
 * time, and what counts as an exception. Dates are ISO strings.
 */
import {
  suggestStatus,
  type Confidence,
  type MilestoneStatus,
  type ProjectStatus,
} from './project-status.ts'
import type { Rag } from './status.ts'

// ---------------------------------------------------------------------------------------------
// Tile order

export type Move = 'up' | 'down'

/** The ids in their new order after moving `id` one place; unchanged at either end. */
export function moveItem(ids: readonly string[], id: string, move: Move): string[] {
  const out = [...ids]
  const at = out.indexOf(id)
  const to = move === 'up' ? at - 1 : at + 1
  if (at < 0 || to < 0 || to >= out.length) return out
  const other = out[to] as string
  out[to] = id
  out[at] = other
  return out
}

// ---------------------------------------------------------------------------------------------
// Values as at a period

export interface HistoricValue {
  /** The period's first and last days. */
  readonly start: string
  readonly end: string
  readonly value: number | null
  readonly status: 'draft' | 'submitted' | 'approved' | 'returned'
  readonly restated: boolean
  /** The figure before the latest restatement, when there was one. */
  readonly restatedFrom: number | null
  /** When the value last changed (a restatement changes it). */
  readonly changedOn: string
}

export interface KnownValue<V extends HistoricValue> {
  readonly row: V
  readonly value: number | null
  /** The value shown has been restated: `since` says the restatement came after the date. */
  readonly restated: 'no' | 'restated' | 'restated_since'
}

/**
 * The approved values of periods that had ended by `asAtEnd`, each as it was known then: a
 * value restated after that date shows its figure from before the restatement (one level of
 * history is kept on the value itself) and is flagged. Oldest first.
 */
export function valuesAsAt<V extends HistoricValue>(
  values: readonly V[],
  asAtEnd: string | null,
): KnownValue<V>[] {
  return values
    .filter((v) => v.status === 'approved' && (asAtEnd === null || v.end <= asAtEnd))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
    .map((row) => {
      if (!row.restated) return { row, value: row.value, restated: 'no' as const }
      if (asAtEnd !== null && row.changedOn > asAtEnd && row.restatedFrom !== null) {
        return { row, value: row.restatedFrom, restated: 'restated_since' as const }
      }
      return { row, value: row.value, restated: 'restated' as const }
    })
}

// ---------------------------------------------------------------------------------------------
// Projects as they stood

export interface MilestoneHistory {
  readonly status: MilestoneStatus
  /** Null when no date is set: never overdue. */
  readonly due: string | null
  readonly rescheduled: boolean
  readonly completedDate: string | null
}

export interface ProjectHistory {
  readonly start: string | null
  readonly end: string | null
  /** A status a person set now; it counts only for the current day. */
  readonly statusOverride: ProjectStatus | null
  readonly ownConfidence: Confidence | null
  readonly milestones: readonly MilestoneHistory[]
  /** Approved monthly updates: the month's first day and its confidence. */
  readonly updates: readonly { readonly month: string; readonly confidence: Confidence }[]
}

/**
 * The status a project had on `date`, from its milestones as they stood (completed only from
 * their completion date) and the latest confidence approved for a month by then. A status set
 * by a person is a decision of today and counts only when `date` is today. When the record was
 * made is not used: items are often entered after they began.
 */
export function projectStatusOn(
  project: ProjectHistory,
  date: string,
  today: string,
): ProjectStatus {
  if (date >= today && project.statusOverride !== null) return project.statusOverride
  const milestones = project.milestones.map((m) => ({
    status:
      m.status === 'completed' && m.completedDate !== null && m.completedDate > date
        ? ('in_progress' as const)
        : m.status,
    due: m.due,
    rescheduled: m.rescheduled,
  }))
  const confidence =
    [...project.updates]
      .filter((u) => u.month <= date)
      .sort((a, b) => (a.month < b.month ? 1 : -1))[0]?.confidence ?? project.ownConfidence
  return suggestStatus({
    today: date,
    start: project.start,
    end: project.end,
    milestones,
    confidence,
  }).status
}

/** Statuses that are judged for "on track": those of items under way. */
export const UNDER_WAY: readonly ProjectStatus[] = ['on_track', 'at_risk', 'off_track']

// ---------------------------------------------------------------------------------------------
// Shares

export interface Share {
  readonly value: number | null
  readonly numerator: number
  readonly denominator: number
}

/** A percentage to one decimal place; null when there is nothing to count. */
export function share(numerator: number, denominator: number): Share {
  return {
    value: denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 10,
    numerator,
    denominator,
  }
}

/** Of the statuses of items under way, the share on track. */
export function onTrackShare(statuses: Iterable<ProjectStatus | null>): Share {
  let numerator = 0
  let denominator = 0
  for (const s of statuses) {
    if (s === null || !UNDER_WAY.includes(s)) continue
    denominator++
    if (s === 'on_track') numerator++
  }
  return share(numerator, denominator)
}

/** Of the RAGs judged green, amber or red, the share green. */
export function greenShare(rags: Iterable<Rag | null>): Share {
  let numerator = 0
  let denominator = 0
  for (const r of rags) {
    if (r !== 'green' && r !== 'amber' && r !== 'red') continue
    denominator++
    if (r === 'green') numerator++
  }
  return share(numerator, denominator)
}

export interface DataReturn {
  /** The last day the value was due. */
  readonly due: string
  /** The day it was submitted (or approved, if it never went through submission); null if not yet. */
  readonly returnedOn: string | null
}

/**
 * Of the returns due within [from, to] and by `today` (so each outcome is known), the share
 * returned on or before their due date. A return still missing counts as late.
 */
export function returnedOnTime(
  returns: readonly DataReturn[],
  from: string,
  to: string,
  today: string,
): Share {
  const due = returns.filter((r) => r.due >= from && r.due <= to && r.due < today)
  return share(due.filter((r) => r.returnedOn !== null && r.returnedOn <= r.due).length, due.length)
}

// ---------------------------------------------------------------------------------------------
// Exceptions

export type ExceptionReason =
  | 'red'
  | 'amber'
  | 'overdue'
  | 'special_cause_concern'
  | 'above_appetite'
  | 'off_track'
  | 'at_risk'
  | 'milestones_slipping'
  | 'savings_at_risk'

export const EXCEPTION_TEXT: Readonly<Record<ExceptionReason, string>> = {
  red: 'Red',
  amber: 'Amber',
  overdue: 'Data overdue',
  special_cause_concern: 'Special cause: concern',
  above_appetite: 'Above risk appetite',
  off_track: 'Off track',
  at_risk: 'At risk',
  milestones_slipping: 'Milestones slipping',
  savings_at_risk: 'Savings at risk',
}

/** Why a measure needs attention, worst first; empty when it does not. */
export function measureExceptions(rag: Rag, variation: string | null): ExceptionReason[] {
  const out: ExceptionReason[] = []
  if (rag === 'red' || rag === 'amber' || rag === 'overdue') out.push(rag)
  if (variation === 'special_cause_concern') out.push('special_cause_concern')
  return out
}

/** Why a project needs attention: its status, and milestones overdue, delayed or moved. */
export function projectExceptions(
  status: ProjectStatus,
  milestones: readonly MilestoneHistory[],
  today: string,
): ExceptionReason[] {
  const out: ExceptionReason[] = []
  if (status === 'off_track' || status === 'at_risk') out.push(status)
  const slipping = milestones.some(
    (m) =>
      m.status !== 'completed' &&
      ((m.due !== null && m.due < today) ||
        m.status === 'delayed' ||
        m.status === 'rescheduled' ||
        m.rescheduled),
  )
  if (slipping && status !== 'completed' && status !== 'closed') out.push('milestones_slipping')
  return out
}
