import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'

/**
 * Plans of the whole council, as against a service's or a business unit's: what "corporate"
 * means for corporate indicators and projects.
 */
export const CORPORATE_PLAN_KINDS = ['city', 'corporate', 'delivery', 'improvement'] as const

/** Ids of the items of a kind linked to any node of an active council-wide plan. */
export async function linkedToCorporatePlans(
  db: Kysely<DB>,
  organisationId: string,
  itemKind: 'measure' | 'project',
): Promise<string[]> {
  const rows = await db
    .selectFrom('node_links as l')
    .innerJoin('plan_nodes as n', 'n.id', 'l.node_id')
    .innerJoin('plans as p', 'p.id', 'n.plan_id')
    .select('l.item_id')
    .distinct()
    .where('l.organisation_id', '=', organisationId)
    .where('l.item_kind', '=', itemKind)
    .where('p.kind', 'in', CORPORATE_PLAN_KINDS)
    .where('p.status', '=', 'active')
    .where('n.status', '=', 'active')
    .execute()
  return rows.map((r) => r.item_id)
}

/** Measures whose values are judged or returned: not contextual, computed or retired. */
export async function judgedMeasures(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('measures')
    .select([
      'id',
      'code',
      'frequency',
      'cumulative',
      'polarity',
      'decimals',
      'tolerance_type',
      'tolerance_value',
      'kind',
      'due_working_days',
      'forecast_method',
      'formula',
      'created_at',
    ])
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'active')
    .where('computation', 'is', null)
    .execute()
}
export type JudgedMeasureRow = Awaited<ReturnType<typeof judgedMeasures>>[number]

/** The facts of values that status and timeliness need, for the given measures. */
export async function valueFacts(db: Kysely<DB>, organisationId: string, ids: readonly string[]) {
  if (ids.length === 0) return []
  return db
    .selectFrom('measure_values')
    .select([
      'measure_id',
      'period_start',
      'status',
      'rag',
      'submitted_at',
      'approved_at',
      'calculated',
    ])
    .where('organisation_id', '=', organisationId)
    .where('measure_id', 'in', ids)
    .orderBy('period_start')
    .execute()
}

export async function projectsByIds(db: Kysely<DB>, organisationId: string, ids: string[]) {
  if (ids.length === 0) return []
  return db
    .selectFrom('projects')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', ids)
    .where('level', 'in', ['programme', 'project'])
    .execute()
}

export async function milestonesOf(db: Kysely<DB>, organisationId: string, projectIds: string[]) {
  if (projectIds.length === 0) return []
  return db
    .selectFrom('project_milestones')
    .select([
      'project_id',
      'status',
      'due_date',
      'original_due_date',
      'completed_date',
      'created_at',
    ])
    .where('organisation_id', '=', organisationId)
    .where('project_id', 'in', projectIds)
    .execute()
}

export async function approvedUpdatesOf(
  db: Kysely<DB>,
  organisationId: string,
  projectIds: string[],
) {
  if (projectIds.length === 0) return []
  return db
    .selectFrom('project_updates')
    .select(['project_id', 'month', 'confidence'])
    .where('organisation_id', '=', organisationId)
    .where('project_id', 'in', projectIds)
    .where('status', '=', 'approved')
    .execute()
}

/** Every item beneath a project (its subtree), as parent → children pairs. */
export async function projectTree(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('projects')
    .select(['id', 'parent_id'])
    .where('organisation_id', '=', organisationId)
    .execute()
}

/** Reviews of the risks now held in corporate registers, oldest first. */
export async function corporateRiskReviews(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('risk_reviews as rv')
    .innerJoin('risks as r', 'r.id', 'rv.risk_id')
    .innerJoin('risk_registers as g', 'g.id', 'r.register_id')
    .select(['rv.risk_id', 'rv.reviewed_on', 'rv.likelihood', 'rv.impact'])
    .where('rv.organisation_id', '=', organisationId)
    .where('g.level', '=', 'corporate')
    .orderBy('rv.reviewed_on')
    .execute()
}

/** The organisation's computed measures. */
export async function computedMeasures(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('measures')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('computation', 'is not', null)
    .orderBy('code')
    .execute()
}
