// Test data for reminders: a council with one of each thing a reminder is about, as of June 2025.
import type { TestContext, TestOrganisation } from '../../../test/helpers/context.ts'
import { periodAt, periodsBetween } from '../../core/periods.ts'
import type { Principal } from '../../core/principal.ts'
import { measureRepository as measureRepo } from '../measures/index.ts'
import type { RiskInput } from '../risks/index.ts'

/** May 2025's value is due 10 working days after 31 May: Friday 13 June 2025. */
export const MAY_2025 = '2025-05-01'
export const MAY_DUE = '2025-06-13'

export interface ReminderCouncil {
  readonly officer: Principal
  readonly enterer: Principal
  readonly approver: Principal
  readonly riskOwner: Principal
  readonly partner: Principal
  readonly projectManager: Principal
  /** Monthly, due 10 working days after the month; entered by `enterer`, approved by `approver`. */
  readonly measureId: string
  /** May 2025 submitted by `enterer`, waiting for `approver`. */
  readonly submittedId: string
  readonly riskId: string
  readonly partnerRiskId: string
  readonly projectId: string
}

/**
 * People, measures with every month up to April 2025 approved (so only May is outstanding), a
 * risk whose review date (1 June 2025) has passed, one owned by a partner who cannot see its
 * register, and a project with an overdue milestone and a completed one.
 */
export async function reminderCouncil(
  ctx: TestContext,
  org: TestOrganisation,
): Promise<ReminderCouncil> {
  const officer = await ctx.person(org, { role: 'performance_officer', name: 'Olive Officer' })
  const enterer = await ctx.person(org, {
    role: 'data_entry',
    roleUnit: 'waste',
    name: 'Ed Enterer',
  })
  const approver = await ctx.person(org, {
    role: 'approver',
    roleUnit: 'place',
    name: 'Alma Approver',
  })
  const riskOwner = await ctx.person(org, { role: 'viewer', name: 'Rita Owner' })
  const partner = await ctx.person(org, { role: 'partner', roleUnit: 'care', name: 'Pat Partner' })
  const projectManager = await ctx.person(org, { role: 'viewer', name: 'Priya Manager' })

  const monthly = async (code: string) => {
    const created = await ctx.services.measures.create(officer, {
      code,
      title: `Missed bins ${code}`,
      unit: 'number',
      decimals: 0,
      polarity: 'lower_is_better',
      frequency: 'monthly',
      kind: 'operational',
      unitId: org.units.waste ?? null,
      dataEntryOfficerId: enterer.personId,
      approverId: approver.personId,
      dueWorkingDays: 10,
    })
    const months = periodsBetween(periodAt('monthly', 2024, 1), periodAt('monthly', 2025, 12))
    await measureRepo.insertValues(
      ctx.database.db,
      org.id,
      months
        .filter((p) => p.start < MAY_2025)
        .map((p) => ({
          measure_id: created.id,
          period_start: p.start,
          value: 10,
          status: 'approved' as const,
          target: null,
          rag: null,
          year_to_date: null,
        })),
    )
    return created.id
  }
  const measureId = await monthly('WM1')
  const submittedId = await monthly('WM2')
  await measureRepo.insertValues(ctx.database.db, org.id, [
    {
      measure_id: submittedId,
      period_start: MAY_2025,
      value: 12,
      status: 'submitted',
      submitted_by: enterer.personId,
      submitted_at: new Date('2025-06-02T09:00:00Z'),
      target: null,
      rag: null,
      year_to_date: null,
    },
  ])

  const risks = ctx.services.risks
  const corporate = await risks.createRegister(officer, { name: 'Corporate', level: 'corporate' })
  const risk = (reference: string, ownerId: string) =>
    risks.createRisk(officer, overdueRisk(corporate.id, reference, ownerId))
  const riskId = (await risk('CR01', riskOwner.personId)).id
  const partnerRiskId = (await risk('CR02', partner.personId)).id

  const projects = ctx.services.projects
  const project = await projects.create(officer, {
    level: 'project',
    title: 'New depot',
    managerId: projectManager.personId,
  })
  await projects.addMilestone(officer, project.id, {
    title: 'Planning permission',
    due: '2025-06-01',
    status: 'in_progress',
  })
  await projects.addMilestone(officer, project.id, {
    title: 'Site bought',
    due: '2025-05-01',
    status: 'completed',
    completedDate: '2025-05-01',
  })
  return {
    officer,
    enterer,
    approver,
    riskOwner,
    partner,
    projectManager,
    measureId,
    submittedId,
    riskId,
    partnerRiskId,
    projectId: project.id,
  }
}

/** A risk whose next review (1 June 2025) has passed by June 2025's runs. */
export function overdueRisk(registerId: string, reference: string, ownerId: string): RiskInput {
  return {
    registerId,
    reference,
    title: `Risk ${reference}`,
    cause: null,
    event: null,
    effect: null,
    category: 'financial',
    ownerId,
    reviewFrequency: 'quarterly',
    nextReviewDate: '2025-06-01',
    inherentLikelihood: 4,
    inherentImpact: 4,
    currentLikelihood: 3,
    currentImpact: 3,
    targetLikelihood: 2,
    targetImpact: 2,
  }
}

/** The kinds of notification a person has, sorted, for compact assertions. */
export async function kindsOf(ctx: TestContext, person: Principal): Promise<string[]> {
  const rows = await ctx.database.db
    .selectFrom('notifications')
    .select('kind')
    .where('person_id', '=', person.personId)
    .execute()
  return rows.map((r) => r.kind).sort()
}
