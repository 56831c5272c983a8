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

/** A cycle's appraisals counted for its figures: one group of counts per directorate. */
export interface CycleCounts {
  /** The top unit (no parent) above the person's unit; null for someone outside every unit. */
  readonly topUnitId: string | null
  readonly staff: number
  /** Objectives written and agreed. */
  readonly linked: number
  /** By stage, those due (completed, or the window closed) and those completed on time. */
  readonly due: Readonly<Record<'objectives' | 'mid_year' | 'year_end', number>>
  readonly onTime: Readonly<Record<'objectives' | 'mid_year' | 'year_end', number>>
  /** Signed off with the manager's year-end rating 1 to 4, by rating. */
  readonly ratings: readonly [number, number, number, number]
}

/**
 * The cycle's figures as of `today`, counted in the database by directorate: the same stage
 * rules as stageState (completed by the UK day the window closed is on time; a stage not
 * completed is due once its window has closed), without reading anyone's appraisal.
 */
export async function cycleCounts(
  db: Kysely<DB>,
  organisationId: string,
  cycleId: string,
  today: string,
): Promise<CycleCounts[]> {
  const { rows } = await sql<Record<string, number | string | null>>`
    with recursive tops(id, top_id) as (
      select id, id from units where organisation_id = ${organisationId} and parent_id is null
      union all
      select u.id, tops.top_id from units u join tops on u.parent_id = tops.id
       where u.organisation_id = ${organisationId}
    ),
    a as (
      select tops.top_id,
             c.objectives_opens, c.objectives_closes, c.mid_year_opens, c.mid_year_closes,
             c.year_end_opens, c.year_end_closes,
             (a.objectives_agreed_at at time zone 'Europe/London')::date as objectives,
             (a.mid_year_manager_at at time zone 'Europe/London')::date as mid_year,
             (a.signed_off_at at time zone 'Europe/London')::date as year_end,
             case when a.signed_off_at is null then null else a.year_end_manager_rating end as rating,
             a.objectives_agreed_at is not null
               and exists (select 1 from objectives o
                            where o.organisation_id = ${organisationId} and o.appraisal_id = a.id)
               as linked
        from appraisals a
        join appraisal_cycles c on c.id = a.cycle_id
        left join people p on p.id = a.person_id and p.organisation_id = ${organisationId}
        left join tops on tops.id = p.unit_id
       where a.organisation_id = ${organisationId} and a.cycle_id = ${cycleId}
    )
    select top_id,
           count(*)::int as staff,
           count(*) filter (where linked)::int as linked,
           count(*) filter (where objectives is not null
             or (${today}::date >= objectives_opens and ${today}::date > objectives_closes))::int
             as objectives_due,
           count(*) filter (where objectives <= objectives_closes)::int as objectives_on_time,
           count(*) filter (where mid_year is not null
             or (${today}::date >= mid_year_opens and ${today}::date > mid_year_closes))::int
             as mid_year_due,
           count(*) filter (where mid_year <= mid_year_closes)::int as mid_year_on_time,
           count(*) filter (where year_end is not null
             or (${today}::date >= year_end_opens and ${today}::date > year_end_closes))::int
             as year_end_due,
           count(*) filter (where year_end <= year_end_closes)::int as year_end_on_time,
           count(*) filter (where rating = 1)::int as rated_1,
           count(*) filter (where rating = 2)::int as rated_2,
           count(*) filter (where rating = 3)::int as rated_3,
           count(*) filter (where rating = 4)::int as rated_4
      from a
     group by top_id`.execute(db)
  const n = (v: number | string | null | undefined) => Number(v ?? 0)
  return rows.map((r) => ({
    topUnitId: r.top_id === null || r.top_id === undefined ? null : String(r.top_id),
    staff: n(r.staff),
    linked: n(r.linked),
    due: {
      objectives: n(r.objectives_due),
      mid_year: n(r.mid_year_due),
      year_end: n(r.year_end_due),
    },
    onTime: {
      objectives: n(r.objectives_on_time),
      mid_year: n(r.mid_year_on_time),
      year_end: n(r.year_end_on_time),
    },
    ratings: [n(r.rated_1), n(r.rated_2), n(r.rated_3), n(r.rated_4)],
  }))
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
