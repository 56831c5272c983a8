// What a measure "shows": the one rule every page, report, file and the API read
// (docs/decisions.md, "One figure everywhere"). Pure: the measures feature loads, this decides.

/** Where the figure shown for a period comes from. */
export type FigureBasis = 'period' | 'year_to_date' | 'formula'

/** How far a value has gone through sign-off, as people read it. */
export type Approval = 'approved' | 'restated' | 'awaiting_approval' | 'returned' | 'draft'

/** The approval state of a measure now: a value's, or that the expected period has none. */
export type MeasureApproval = Approval | 'missing' | 'overdue'

export type StoredValueStatus = 'draft' | 'submitted' | 'approved' | 'returned'

export interface FigureFacts {
  /** The period's own value (for a calculated measure, its formula's result). */
  readonly value: number | null
  /** The year to date up to this period, kept beside cumulative measures' values. */
  readonly yearToDate: number | null
  readonly status: StoredValueStatus
  readonly restated: boolean
  readonly cumulative: boolean
  readonly calculated: boolean
}

export interface Displayed {
  /** The figure shown: year to date for cumulative measures, else the period's value. */
  readonly value: number | null
  readonly basis: FigureBasis
  readonly approval: Approval
}

export function approvalOf(status: StoredValueStatus, restated: boolean): Approval {
  if (status === 'approved') return restated ? 'restated' : 'approved'
  return status === 'submitted' ? 'awaiting_approval' : status
}

/**
 * The figure a period shows. A cumulative measure is judged on its year to date against the
 * year-to-date target, so it shows the year to date: the month's own value beside that target
 * would read as something it is not.
 */
export function displayedFigure(facts: FigureFacts): Displayed {
  const basis: FigureBasis = facts.cumulative
    ? 'year_to_date'
    : facts.calculated
      ? 'formula'
      : 'period'
  return {
    value: facts.cumulative ? facts.yearToDate : facts.value,
    basis,
    approval: approvalOf(facts.status, facts.restated),
  }
}

export interface HeadlineCandidate {
  readonly start: string
  readonly end: string
  readonly status: StoredValueStatus
  readonly value: number | null
}

/**
 * Which of a measure's values it shows as at a date: the latest approved value of a period
 * ended by then (`shown`: the figure everyone sees, officers, councillors and the public alike),
 * and any newer value still in sign-off (`pending`: work in progress, shown only in words beside
 * it). `asAtEnd` null means today: every approved value counts.
 */
export function headlineOf<V extends HeadlineCandidate>(
  values: readonly V[],
  asAtEnd: string | null,
): { shown: V | null; pending: V | null } {
  let shown: V | null = null
  let newest: V | null = null
  for (const v of values) {
    if (asAtEnd !== null && v.end > asAtEnd) continue
    if (v.value === null) continue
    if (v.status === 'approved' && (shown === null || v.start > shown.start)) shown = v
    if (newest === null || v.start > newest.start) newest = v
  }
  const pending = newest !== null && newest.status !== 'approved' ? newest : null
  return { shown, pending }
}

export const APPROVAL_WORDS: Readonly<Record<MeasureApproval, string>> = {
  approved: 'Approved',
  restated: 'Approved (restated)',
  awaiting_approval: 'Awaiting approval',
  returned: 'Returned for correction',
  draft: 'Draft, not yet submitted',
  missing: 'Not yet entered',
  overdue: 'Overdue',
}

export const BASIS_WORDS: Readonly<Record<FigureBasis, string>> = {
  period: 'for the period',
  year_to_date: 'year to date',
  formula: 'calculated',
}

/**
 * Beside a measure's approved figure, what its sign-off state means in words; null when the
 * figure is simply approved. `period` names the period in sign-off or expected.
 */
export function headlineNote(approval: MeasureApproval, period: string | null): string | null {
  const of = period ? ` for ${period}` : ''
  switch (approval) {
    case 'approved':
    case 'restated':
      return null
    case 'awaiting_approval':
      return `A newer value${of} is awaiting approval`
    case 'returned':
      return `A newer value${of} was returned for correction`
    case 'draft':
      return `A newer value${of} is in draft, not yet submitted`
    case 'missing':
      return `No value entered yet${of}`
    case 'overdue':
      return `The value${of} is overdue`
  }
}
