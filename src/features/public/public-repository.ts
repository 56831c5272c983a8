// Read-only queries for the public dashboard. Every query here selects only what may be
// published: organisations that publish, measures marked public (not drafts), approved values.
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'

export async function publishingOrganisations(db: Kysely<DB>) {
  return db
    .selectFrom('organisations')
    .select(['name', 'slug', 'published_at'])
    .where('publishes', '=', true)
    .orderBy('name')
    .execute()
}

/** The organisation behind a public address, if it publishes, with its publication stamp. */
export async function publishingOrganisation(db: Kysely<DB>, slug: string) {
  const row = await db
    .selectFrom('organisations')
    .select([
      'id',
      'name',
      'slug',
      'public_suppress_below',
      'public_show_names',
      'publication_version',
      'published_at',
    ])
    .where('slug', '=', slug)
    .where('publishes', '=', true)
    .executeTakeFirst()
  return row ?? null
}
export type PublishingOrganisation = NonNullable<Awaited<ReturnType<typeof publishingOrganisation>>>

/** Public measures, with the name of the unit that owns each; one measure when `code` is given. */
export async function publicMeasures(db: Kysely<DB>, organisationId: string, code?: string) {
  let query = db
    .selectFrom('measures as m')
    .leftJoin('units as u', (join) =>
      join.onRef('u.id', '=', 'm.unit_id').onRef('u.organisation_id', '=', 'm.organisation_id'),
    )
    .selectAll('m')
    .select('u.name as unit_name')
    .where('m.organisation_id', '=', organisationId)
    .where('m.public', '=', true)
    .where('m.status', '!=', 'draft')
  if (code !== undefined) query = query.where('m.code', '=', code)
  return query.orderBy('m.code').execute()
}
export type PublicMeasureRow = Awaited<ReturnType<typeof publicMeasures>>[number]

/** Approved values only, oldest first; the measures must be public ones. */
export async function approvedValues(
  db: Kysely<DB>,
  organisationId: string,
  measureIds: readonly string[],
) {
  if (measureIds.length === 0) return []
  return db
    .selectFrom('measure_values')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('measure_id', 'in', measureIds)
    .where('status', '=', 'approved')
    .orderBy('measure_id')
    .orderBy('period_start')
    .execute()
}

export async function targets(
  db: Kysely<DB>,
  organisationId: string,
  measureIds: readonly string[],
) {
  if (measureIds.length === 0) return []
  return db
    .selectFrom('measure_targets')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('measure_id', 'in', measureIds)
    .orderBy('period_start')
    .orderBy('frequency')
    .execute()
}

/**
 * The themes (top-level nodes of active plans) each measure serves: from every node it is
 * linked to, up through its parents to the top of its plan.
 */
export async function measureThemes(
  db: Kysely<DB>,
  organisationId: string,
  measureIds: readonly string[],
) {
  if (measureIds.length === 0) return []
  const result = await sql<{
    measure_id: string
    id: string
    title: string
    plan_title: string
    first_year: number
    position: number
  }>`
    with recursive up(measure_id, node_id, parent_id) as (
      select l.item_id, n.id, n.parent_id from node_links l
        join plan_nodes n on n.id = l.node_id and n.organisation_id = l.organisation_id
      where l.organisation_id = ${organisationId} and l.item_kind = 'measure'
        and l.item_id in (${sql.join(measureIds)}) and n.status = 'active'
      union
      select up.measure_id, n.id, n.parent_id from plan_nodes n join up on n.id = up.parent_id
      where n.organisation_id = ${organisationId}
    )
    select distinct up.measure_id, n.id, n.title, p.title as plan_title, p.first_year, n.position
    from up join plan_nodes n on n.id = up.node_id join plans p on p.id = n.plan_id
    where up.parent_id is null and n.status = 'active' and p.status = 'active'
    order by p.first_year, p.title, n.position`.execute(db)
  return result.rows
}

/** Names of measures' owners; read only when the organisation publishes names. */
export async function ownerNames(db: Kysely<DB>, organisationId: string, ids: readonly string[]) {
  const wanted = [...new Set(ids)]
  if (wanted.length === 0) return new Map<string, string>()
  const rows = await db
    .selectFrom('people')
    .select(['id', 'name'])
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', wanted)
    .execute()
  return new Map(rows.map((r) => [r.id, r.name]))
}

/**
 * What else the published pages show besides measures and values (unit names, themes and the
 * plans above them, links of measures to them, owners' names when shown), as one short text
 * that changes whenever any of it does: part of the publication stamp, so a renamed theme
 * reaches the public pages without a publication and nothing needs to expire on a timer.
 */
export async function contextFingerprint(
  db: Kysely<DB>,
  organisationId: string,
  withPeople: boolean,
): Promise<string> {
  const people = withPeople
    ? sql`(select max(updated_at) from people where organisation_id = ${organisationId})`
    : sql`null`
  const result = await sql<{ fingerprint: string | null }>`
    select concat_ws('/',
      (select max(updated_at) from units where organisation_id = ${organisationId}),
      (select max(updated_at) from plans where organisation_id = ${organisationId}),
      (select max(updated_at) from plan_nodes where organisation_id = ${organisationId}),
      (select count(*) || ':' || coalesce(max(created_at)::text, '') from node_links
        where organisation_id = ${organisationId} and item_kind = 'measure'),
      (select updated_at from organisations where id = ${organisationId}),
      ${people}) as fingerprint`.execute(db)
  return result.rows[0]?.fingerprint ?? ''
}
