import { parsePeriodLabel, periodContaining } from '../../core/periods.ts'
import { CONFIDENCE_NAMES } from '../projects/index.ts'
import type { RestatementRow, UpdateRow } from './update-repository.ts'

export const UPDATE_STATUS_NAMES = {
  draft: 'Draft',
  submitted: 'Awaiting approval',
  approved: 'Approved',
  returned: 'Returned',
} as const

/** "2025-04", "2025-04-01" or "Apr 2025" to the first day of that month; null if none. */
export function readMonth(text: string): string | null {
  const iso = /^(\d{4})-(\d{2})(?:-01)?$/.exec(text.trim())
  try {
    if (iso) return periodContaining(`${iso[1] ?? ''}-${iso[2] ?? ''}-01`, 'monthly').start
    const period = parsePeriodLabel(text)
    return period.frequency === 'monthly' ? period.start : null
  } catch {
    return null
  }
}

export function monthLabel(month: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${month}T00:00:00Z`))
}

export function presentUpdate(row: UpdateRow) {
  return {
    id: row.id,
    projectId: row.project_id,
    month: row.month.slice(0, 7),
    monthLabel: monthLabel(row.month),
    period: periodContaining(row.month, 'monthly').label,
    highlights: row.highlights,
    nextSteps: row.next_steps,
    when: row.when_text,
    who: row.who,
    confidence: row.confidence,
    confidenceText: CONFIDENCE_NAMES[row.confidence],
    status: row.status,
    statusText: UPDATE_STATUS_NAMES[row.status],
    authorId: row.author_id,
    submittedBy: row.submitted_by,
    submittedAt: row.submitted_at?.toISOString() ?? null,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at?.toISOString() ?? null,
    returnedReason: row.returned_reason,
    restated: row.restated,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
export type UpdateView = ReturnType<typeof presentUpdate>

export function presentRestatement(row: RestatementRow) {
  return {
    id: row.id,
    reason: row.reason,
    before: row.before,
    byId: row.by_id,
    byName: row.by_name,
    at: row.at.toISOString(),
  }
}
