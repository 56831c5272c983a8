import { sql, type Insertable, type Kysely } from 'kysely'
import type { DashboardTilesTable, DB, StoredRag, TileKind } from '../../db/schema.ts'

export async function listDashboards(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('dashboards')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('kind')
    .orderBy('title')
    .execute()
}
export type DashboardRow = Awaited<ReturnType<typeof listDashboards>>[number]

export async function findDashboard(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('dashboards')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function findCorporate(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('dashboards')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'corporate')
    .executeTakeFirst()
}

export async function insertDashboard(
  db: Kysely<DB>,
  organisationId: string,
  values: {
    kind: 'corporate' | 'personal'
    title: string
    description: string | null
    owner_id: string | null
    shared_unit_id: string | null
  },
) {
  return db
    .insertInto('dashboards')
    .values({ ...values, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Updates only when `version` is current; undefined when someone changed it first. */
export async function updateDashboard(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  version: number,
  changes: { title?: string; description?: string | null; shared_unit_id?: string | null },
  at: Date,
) {
  return db
    .updateTable('dashboards')
    .set({ ...changes, version: version + 1, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()
}

export async function deleteDashboard(db: Kysely<DB>, organisationId: string, id: string) {
  await db
    .deleteFrom('dashboard_tiles')
    .where('organisation_id', '=', organisationId)
    .where('dashboard_id', '=', id)
    .execute()
  await db
    .deleteFrom('dashboards')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

export async function listTiles(db: Kysely<DB>, organisationId: string, dashboardIds: string[]) {
  if (dashboardIds.length === 0) return []
  return db
    .selectFrom('dashboard_tiles')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('dashboard_id', 'in', dashboardIds)
    .orderBy('dashboard_id')
    .orderBy('position')
    .execute()
}
export type TileRow = Awaited<ReturnType<typeof listTiles>>[number]

export interface NewTile {
  /** Kept when a tile is moved, so its address stays the same. */
  readonly id?: string
  readonly item_kind: TileKind
  readonly item_id: string | null
  readonly list_kind: string | null
  readonly section: string | null
}

/** Replaces a dashboard's tiles with these, in this order. */
export async function replaceTiles(
  db: Kysely<DB>,
  organisationId: string,
  dashboardId: string,
  tiles: readonly NewTile[],
) {
  await db
    .deleteFrom('dashboard_tiles')
    .where('organisation_id', '=', organisationId)
    .where('dashboard_id', '=', dashboardId)
    .execute()
  if (tiles.length === 0) return
  const rows: Insertable<DashboardTilesTable>[] = tiles.map((t, position) => ({
    ...t,
    organisation_id: organisationId,
    dashboard_id: dashboardId,
    position,
  }))
  await db.insertInto('dashboard_tiles').values(rows).execute()
}

export async function personUnit(db: Kysely<DB>, organisationId: string, personId: string) {
  const row = await db
    .selectFrom('people')
    .select('unit_id')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', personId)
    .executeTakeFirst()
  return row?.unit_id ?? null
}

/** Nodes of active plans, for theme dashboards and the thread. */
export async function activeNodes(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('plan_nodes as n')
    .innerJoin('plans as p', 'p.id', 'n.plan_id')
    .select([
      'n.id',
      'n.title',
      'n.parent_id',
      'n.contributes_to_id',
      'n.owner_id',
      'n.position',
      'n.plan_id',
      'p.title as plan_title',
      'p.first_year',
    ])
    .where('n.organisation_id', '=', organisationId)
    .where('n.status', '=', 'active')
    .where('p.status', '=', 'active')
    .orderBy('p.first_year')
    .orderBy('p.title')
    .orderBy('n.position')
    .execute()
}
export type NodeRow = Awaited<ReturnType<typeof activeNodes>>[number]

export async function nodeLinks(db: Kysely<DB>, organisationId: string, nodeIds: string[]) {
  if (nodeIds.length === 0) return []
  return db
    .selectFrom('node_links')
    .select(['node_id', 'item_kind', 'item_id'])
    .where('organisation_id', '=', organisationId)
    .where('node_id', 'in', nodeIds)
    .execute()
}

/** People who hold the councillor role and own a node of an active plan: portfolio holders. */
export async function portfolioHolders(db: Kysely<DB>, organisationId: string) {
  const result = await sql<{ id: string; name: string; job_title: string | null }>`
    select distinct pe.id, pe.name, pe.job_title
    from people pe
    join role_assignments r on r.person_id = pe.id and r.role = 'councillor'
    join plan_nodes n on n.owner_id = pe.id and n.status = 'active'
    join plans p on p.id = n.plan_id and p.status = 'active'
    where pe.organisation_id = ${organisationId} and pe.active
    order by pe.name`.execute(db)
  return result.rows
}

/** An approved value as the exception view works out status and SPC as at a past period. */
export interface SeriesPoint {
  readonly period_start: string
  readonly value: number | null
  readonly target: number | null
  readonly rag: StoredRag | null
}

/**
 * Approved values of the given measures from `from` to `to`, oldest first, by measure: one row a
 * measure (its points as JSON), a fraction of the rows and parsing of a row a value.
 */
export async function approvedSeries(
  db: Kysely<DB>,
  organisationId: string,
  measureIds: readonly string[],
  from: string,
  to: string,
): Promise<Map<string, SeriesPoint[]>> {
  if (measureIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('measure_values')
    .select([
      'measure_id',
      sql`json_agg(json_build_array(period_start, value, target, rag) order by period_start)`.as(
        'points',
      ),
    ])
    .where('organisation_id', '=', organisationId)
    .where('measure_id', 'in', measureIds)
    .where('status', '=', 'approved')
    .where('period_start', '>=', from)
    .where('period_start', '<=', to)
    .groupBy('measure_id')
    .execute()
  return new Map(
    rows.map((r) => {
      // pg parses JSON; PGlite may give it as text.
      const points = (typeof r.points === 'string' ? JSON.parse(r.points) : r.points) as [
        string,
        number | null,
        number | null,
        StoredRag | null,
      ][]
      return [
        r.measure_id,
        points.map(([period_start, value, target, rag]) => ({ period_start, value, target, rag })),
      ]
    }),
  )
}

/** Current review facts of risks, for their score as at a date. */
export async function riskReviews(db: Kysely<DB>, organisationId: string, riskIds: string[]) {
  if (riskIds.length === 0) return []
  return db
    .selectFrom('risk_reviews')
    .select(['risk_id', 'reviewed_on', 'likelihood', 'impact'])
    .where('organisation_id', '=', organisationId)
    .where('risk_id', 'in', riskIds)
    .orderBy('reviewed_on')
    .execute()
}

/** The latest approved update of each project, for the exceptions list. */
export async function latestApprovedUpdates(
  db: Kysely<DB>,
  organisationId: string,
  projectIds: readonly string[],
  upTo: string,
) {
  if (projectIds.length === 0) return new Map<string, { month: string; highlights: string }>()
  const rows = await db
    .selectFrom('project_updates')
    .select(['project_id', 'month', 'highlights'])
    .where('organisation_id', '=', organisationId)
    .where('project_id', 'in', projectIds)
    .where('status', '=', 'approved')
    .where('month', '<=', upTo)
    .orderBy('month')
    .execute()
  return new Map(rows.map((r) => [r.project_id, { month: r.month, highlights: r.highlights }]))
}

/** The council's SPC settings, removed ones too, ordered as `listSettings` orders them. */
export async function spcSettingsOf(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('measure_spc_settings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('period_start')
    .orderBy('recorded_at')
    .execute()
}

/** Every milestone of the council's projects: the columns project status is worked out from. */
export async function milestonesOfOrganisation(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('project_milestones')
    .select(['project_id', 'status', 'due_date', 'original_due_date', 'completed_date'])
    .where('organisation_id', '=', organisationId)
    .execute()
}
