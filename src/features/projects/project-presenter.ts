import { formatPercent, formatQuantity } from '../../core/format.ts'
import { formatFinancialYear, periodContaining } from '../../core/periods.ts'
import type { Suggestion } from '../../core/project-status.ts'
import type { BenefitRow, DependencyRow, MilestoneRow, ProjectRow } from './project-repository.ts'
import {
  ASSURANCE_NAMES,
  MILESTONE_STATUS_NAMES,
  STAGE_NAMES,
  STATUS_NAMES,
} from './project-schemas.ts'

function idsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** A date or a quarter as people write them: "30 June 2025" or "2025/26 Q1". */
export function dueLabel(date: string, precision: 'day' | 'quarter'): string {
  if (precision === 'quarter') return periodContaining(date, 'quarterly').label
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`))
}

export function presentProject(row: ProjectRow, suggestion: Suggestion, confidence: string | null) {
  const status = row.status_override ?? suggestion.status
  return {
    id: row.id,
    level: row.level,
    parentId: row.parent_id,
    code: row.code,
    title: row.title,
    description: row.description,
    sroId: row.sro_id,
    managerId: row.manager_id,
    leadUnitId: row.lead_unit_id,
    partnerUnitIds: idsOf(row.partner_unit_ids),
    startDate: row.start_date,
    endDate: row.end_date,
    budget: row.budget,
    /** The status that counts: the one a person set, or else the suggested one. */
    status,
    statusText: STATUS_NAMES[status].text,
    statusSymbol: STATUS_NAMES[status].symbol,
    statusOverride: row.status_override
      ? { status: row.status_override, reason: row.status_reason ?? '' }
      : null,
    suggestedStatus: { status: suggestion.status, reasons: suggestion.reasons },
    /** The latest approved monthly confidence, or else the one set on the item. */
    confidence,
    ownConfidence: row.confidence,
    /** Where it is in its life (mandate to closed), and its assurance rating; null if unset. */
    stage: row.stage,
    stageText: row.stage ? STAGE_NAMES[row.stage] : null,
    assurance: row.assurance,
    assuranceText: row.assurance ? ASSURANCE_NAMES[row.assurance].text : null,
    assuranceSymbol: row.assurance ? ASSURANCE_NAMES[row.assurance].symbol : null,
    position: row.position,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
export type ProjectView = ReturnType<typeof presentProject>

/** What a milestone with no due date shows wherever milestones are shown. */
export const NO_DUE_DATE = 'No date set'

export function presentMilestone(row: MilestoneRow, today: string) {
  return {
    id: row.id,
    projectId: row.project_id,
    title: row.title,
    /** `date` is null when no date is set, with the label "No date set". */
    due: {
      date: row.due_date,
      precision: row.due_precision,
      label: row.due_date === null ? NO_DUE_DATE : dueLabel(row.due_date, row.due_precision),
    },
    /** The quarter it falls in; null when no date is set. */
    quarter: row.due_date === null ? null : periodContaining(row.due_date, 'quarterly').label,
    originalDue:
      row.original_due_date && row.original_due_precision
        ? {
            date: row.original_due_date,
            precision: row.original_due_precision,
            label: dueLabel(row.original_due_date, row.original_due_precision),
          }
        : null,
    rescheduleReason: row.reschedule_reason,
    ownerId: row.owner_id,
    status: row.status,
    statusText: MILESTONE_STATUS_NAMES[row.status].text,
    statusSymbol: MILESTONE_STATUS_NAMES[row.status].symbol,
    overdue: row.status !== 'completed' && row.due_date !== null && row.due_date < today,
    completedDate: row.completed_date,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
export type MilestoneView = ReturnType<typeof presentMilestone>

export function presentBenefit(row: BenefitRow) {
  return {
    id: row.id,
    projectId: row.project_id,
    kind: row.kind,
    title: row.title,
    description: row.description,
    financialYear: formatFinancialYear(row.financial_year),
    measureUnit: row.kind === 'financial' ? '£' : row.measure_unit,
    planned: row.planned,
    realised: row.realised,
    /** Filled once the savings register exists and links to it. */
    savingLineId: row.saving_line_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
export type BenefitView = ReturnType<typeof presentBenefit>

export function presentDependency(
  row: DependencyRow,
  titles: ReadonlyMap<string, { title: string; code: string | null }>,
) {
  return {
    id: row.id,
    projectId: row.project_id,
    projectTitle: titles.get(row.project_id)?.title ?? null,
    dependsOnId: row.depends_on_id,
    dependsOnTitle: titles.get(row.depends_on_id)?.title ?? null,
    description: row.description,
    createdAt: row.created_at.toISOString(),
  }
}
export type DependencyView = ReturnType<typeof presentDependency>

/** A benefit's planned or realised amount: pounds, or the number with its unit ("50%"). */
export const benefitAmount = (b: BenefitView, n: number | null) =>
  n === null ? '—' : formatQuantity(n, b.kind === 'financial' ? '£' : b.measureUnit)

/** Realised as a share of planned, or a dash where either is missing. */
export const realisedShare = (b: BenefitView) =>
  b.planned && b.realised !== null ? formatPercent(Math.round((b.realised * 100) / b.planned)) : '—'
