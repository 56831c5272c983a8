import { addWorkingDays } from '../../core/periods.ts'

export type NotificationKind =
  | 'value_due'
  | 'value_overdue'
  | 'value_escalated'
  | 'approval_requested'
  | 'update_approval_requested'
  | 'risk_review_overdue'
  | 'milestone_overdue'
  | 'appraisal_due'
  | 'appraisal_overdue'

export interface ReminderSettings {
  /** Remind this many working days before the due date (and on it). */
  readonly daysBefore: number
  /** Tell the approver too once overdue by more than this many working days. */
  readonly escalateAfter: number
}

/**
 * What a value still to be entered calls for as of `today`: nothing, a reminder that it is due
 * soon, overdue, or overdue long enough to escalate. Working days skip weekends and England and
 * Wales bank holidays, as due dates do.
 */
export function valueReminder(
  due: string | null,
  today: string,
  settings: ReminderSettings,
): 'due' | 'overdue' | 'escalate' | null {
  if (due === null) return null
  if (today > due) {
    return today > addWorkingDays(due, settings.escalateAfter) ? 'escalate' : 'overdue'
  }
  return due <= addWorkingDays(today, settings.daysBefore) ? 'due' : null
}

/** A source of reminders from another feature, for the daily run (appraisals). */
export type ReminderSource = (
  organisationId: string,
  today: string,
) => Promise<
  readonly {
    readonly personId: string
    readonly kind: NotificationKind
    readonly subject: string
    readonly body: string
    readonly link: string
    readonly dedupeKey: string
  }[]
>

/** A date that has passed: strictly before today. */
export function isPast(date: string | null, today: string): boolean {
  return date !== null && date < today
}
