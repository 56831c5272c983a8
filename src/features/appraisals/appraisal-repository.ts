import { sql, type Insertable, type Kysely, type Updateable } from 'kysely'
import type { AppraisalsTable, DB, ObjectivesTable } from '../../db/schema.ts'

export async function listCycles(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('appraisal_cycles')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('year', 'desc')
    .execute()
}

export async function findCycle(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('appraisal_cycles')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function insertCycle(db: Kysely<DB>, values: Insertable<DB['appraisal_cycles']>) {
  return db.insertInto('appraisal_cycles').values(values).returningAll().executeTakeFirstOrThrow()
}

/** Active people who are staff: everyone but those who are only councillors or partners. */
export async function staff(db: Kysely<DB>, organisationId: string) {
  const people = await db
    .selectFrom('people')
    .select(['id', 'name', 'unit_id', 'line_manager_id', 'job_title'])
    .where('organisation_id', '=', organisationId)
    .where('active', '=', true)
    .orderBy('name')
    .execute()
  const roles = await db
    .selectFrom('role_assignments')
    .select(['person_id', 'role'])
    .where('organisation_id', '=', organisationId)
    .execute()
  const outside = new Set(['councillor', 'partner'])
  const held = new Map<string, string[]>()
  for (const r of roles) held.set(r.person_id, [...(held.get(r.person_id) ?? []), r.role])
  return people.filter((p) => {
    const own = held.get(p.id) ?? []
    return own.length === 0 || own.some((r) => !outside.has(r))
  })
}

/** Every person of the organisation with their unit and line manager, for chains and names. */
export async function people(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('people')
    .select(['id', 'name', 'unit_id', 'line_manager_id', 'job_title', 'active'])
    .where('organisation_id', '=', organisationId)
    .execute()
}

/** A person and their line managers up the line (a loop, refused on writing, stops the walk). */
export async function personAndManagers(db: Kysely<DB>, organisationId: string, personId: string) {
  const { rows } = await sql<{
    id: string
    name: string
    unit_id: string | null
    line_manager_id: string | null
    job_title: string | null
    active: boolean
  }>`
    with recursive line(id, depth) as (
      select id, 0 from people where organisation_id = ${organisationId} and id = ${personId}
      union all
      select p.line_manager_id, line.depth + 1
        from people p join line on p.id = line.id
       where p.organisation_id = ${organisationId}
         and p.line_manager_id is not null
         and line.depth < 100
    )
    select id, name, unit_id, line_manager_id, job_title, active
      from people
     where organisation_id = ${organisationId} and id in (select id from line)`.execute(db)
  return rows
}

/**
 * The people whose appraisal work can fall to one person: themselves, those they line-manage,
 * and their own line manager (named on their work).
 */
export async function peopleAround(db: Kysely<DB>, organisationId: string, personId: string) {
  return db
    .selectFrom('people')
    .select(['id', 'name', 'unit_id', 'line_manager_id', 'job_title', 'active'])
    .where('organisation_id', '=', organisationId)
    .where((eb) =>
      eb.or([
        eb('id', '=', personId),
        eb('line_manager_id', '=', personId),
        eb(
          'id',
          '=',
          eb
            .selectFrom('people as me')
            .select('me.line_manager_id')
            .where('me.organisation_id', '=', organisationId)
            .where('me.id', '=', personId),
        ),
      ]),
    )
    .execute()
}

export async function insertAppraisals(
  db: Kysely<DB>,
  rows: readonly Insertable<AppraisalsTable>[],
) {
  if (rows.length === 0) return []
  return db
    .insertInto('appraisals')
    .values([...rows])
    .returningAll()
    .execute()
}

export async function listAppraisals(
  db: Kysely<DB>,
  organisationId: string,
  filter: { cycleIds?: readonly string[]; personIds?: readonly string[] } = {},
) {
  let query = db.selectFrom('appraisals').selectAll().where('organisation_id', '=', organisationId)
  if (filter.cycleIds) {
    if (filter.cycleIds.length === 0) return []
    query = query.where('cycle_id', 'in', filter.cycleIds)
  }
  if (filter.personIds) {
    if (filter.personIds.length === 0) return []
    query = query.where('person_id', 'in', filter.personIds)
  }
  return query.execute()
}

export async function findAppraisal(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('appraisals')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function updateAppraisal(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  changes: Updateable<AppraisalsTable>,
  at: Date,
) {
  return db
    .updateTable('appraisals')
    .set((eb) => ({ ...changes, updated_at: at, version: eb('version', '+', 1) }))
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function listObjectives(
  db: Kysely<DB>,
  organisationId: string,
  appraisalIds: readonly string[],
) {
  if (appraisalIds.length === 0) return []
  return db
    .selectFrom('objectives')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('appraisal_id', 'in', appraisalIds)
    .orderBy('position')
    .orderBy('created_at')
    .execute()
}

export async function insertObjective(db: Kysely<DB>, values: Insertable<ObjectivesTable>) {
  return db.insertInto('objectives').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function updateObjective(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  changes: Updateable<ObjectivesTable>,
  at: Date,
) {
  return db
    .updateTable('objectives')
    .set({ ...changes, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function deleteObjective(db: Kysely<DB>, organisationId: string, id: string) {
  await db
    .deleteFrom('objectives')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

/** Titles of items of the organisation, to check references and to name them. */
export async function nodesByIds(db: Kysely<DB>, organisationId: string, ids: readonly string[]) {
  if (ids.length === 0) return []
  return db
    .selectFrom('plan_nodes')
    .innerJoin('plans', 'plans.id', 'plan_nodes.plan_id')
    .select([
      'plan_nodes.id',
      'plan_nodes.title',
      'plan_nodes.status',
      'plans.title as plan_title',
      'plans.kind as plan_kind',
    ])
    .where('plan_nodes.organisation_id', '=', organisationId)
    .where('plan_nodes.id', 'in', ids)
    .execute()
}

export async function measuresByIds(
  db: Kysely<DB>,
  organisationId: string,
  ids: readonly string[],
) {
  if (ids.length === 0) return []
  return db
    .selectFrom('measures')
    .select(['id', 'code', 'title'])
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', ids)
    .execute()
}

export async function projectsByIds(
  db: Kysely<DB>,
  organisationId: string,
  ids: readonly string[],
) {
  if (ids.length === 0) return []
  return db
    .selectFrom('projects')
    .select(['id', 'code', 'title'])
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', ids)
    .execute()
}

/** Active items of plans for objectives to link to: service and team plans first. */
export async function linkableNodes(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('plan_nodes')
    .innerJoin('plans', 'plans.id', 'plan_nodes.plan_id')
    .select([
      'plan_nodes.id',
      'plan_nodes.title',
      'plan_nodes.plan_id',
      'plan_nodes.parent_id',
      'plan_nodes.position',
      'plans.title as plan_title',
      'plans.kind as plan_kind',
      'plans.owner_unit_id',
    ])
    .where('plan_nodes.organisation_id', '=', organisationId)
    .where('plan_nodes.status', '=', 'active')
    .where('plans.status', '!=', 'archived')
    .orderBy('plans.title')
    .orderBy('plan_nodes.position')
    .execute()
}

export async function activeMeasures(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('measures')
    .select(['id', 'code', 'title'])
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'active')
    .orderBy('code')
    .execute()
}

export async function openProjects(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('projects')
    .select(['id', 'code', 'title'])
    .where('organisation_id', '=', organisationId)
    .orderBy('title')
    .execute()
}

export async function suppressBelow(db: Kysely<DB>, organisationId: string) {
  const row = await db
    .selectFrom('organisations')
    .select('public_suppress_below')
    .where('id', '=', organisationId)
    .executeTakeFirst()
  return row?.public_suppress_below ?? 5
}

export type CycleRow = Awaited<ReturnType<typeof listCycles>>[number]
export type AppraisalRecord = Awaited<ReturnType<typeof listAppraisals>>[number]
export type ObjectiveRecord = Awaited<ReturnType<typeof listObjectives>>[number]
export type PersonRecord = Awaited<ReturnType<typeof people>>[number]
