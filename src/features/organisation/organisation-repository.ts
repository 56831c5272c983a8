import { sql, type Kysely } from 'kysely'
import type { DB, Role, UnitKind } from '../../db/schema.ts'

export async function insertOrganisation(db: Kysely<DB>, input: { name: string; slug: string }) {
  return db.insertInto('organisations').values(input).returningAll().executeTakeFirstOrThrow()
}

export async function findOrganisationBySlug(db: Kysely<DB>, slug: string) {
  return db.selectFrom('organisations').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export async function listOrganisations(db: Kysely<DB>) {
  return db.selectFrom('organisations').selectAll().orderBy('name').execute()
}

export async function listUnits(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('units')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('position')
    .orderBy('name')
    .execute()
}

export async function findUnit(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('units')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function insertUnit(
  db: Kysely<DB>,
  unit: {
    organisationId: string
    parentId: string | null
    name: string
    kind: UnitKind
    code: string | null
    position: number
  },
) {
  return db
    .insertInto('units')
    .values({
      organisation_id: unit.organisationId,
      parent_id: unit.parentId,
      name: unit.name,
      kind: unit.kind,
      code: unit.code,
      position: unit.position,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateUnit(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  changes: Partial<{
    parent_id: string | null
    name: string
    kind: UnitKind
    code: string | null
    active: boolean
    position: number
  }>,
  at: Date,
) {
  return db
    .updateTable('units')
    .set({ ...changes, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function nextUnitPosition(
  db: Kysely<DB>,
  organisationId: string,
  parentId: string | null,
): Promise<number> {
  const row = await db
    .selectFrom('units')
    .select((eb) => eb.fn.max<number | null>('position').as('max'))
    .where('organisation_id', '=', organisationId)
    .where('parent_id', parentId === null ? 'is' : '=', parentId)
    .executeTakeFirst()
  return (row?.max ?? -1) + 1
}

const personColumns = [
  'id',
  'organisation_id',
  'email',
  'name',
  'job_title',
  'unit_id',
  'line_manager_id',
  'active',
  'last_sign_in_at',
  'created_at',
  'updated_at',
] as const

/**
 * Every unit (as `listUnits` orders them) and every person's name (as `listPeople` orders
 * them), in one statement: the option lists of a page's filters.
 */
export async function unitsAndNames(db: Kysely<DB>, organisationId: string) {
  const row = await db
    .selectNoFrom([
      sql<UnitJson[] | string>`(select coalesce(json_agg(json_build_object(
        'id', u.id, 'organisation_id', u.organisation_id, 'parent_id', u.parent_id,
        'name', u.name, 'kind', u.kind, 'code', u.code, 'active', u.active,
        'position', u.position, 'created_at', u.created_at, 'updated_at', u.updated_at)
        order by u.position, u.name), '[]'::json)
        from units u where u.organisation_id = ${organisationId})`.as('units'),
      sql<NameJson[] | string>`(select coalesce(json_agg(json_build_object(
        'id', p.id, 'name', p.name, 'active', p.active, 'unit_id', p.unit_id)
        order by p.name, p.id), '[]'::json)
        from people p where p.organisation_id = ${organisationId})`.as('people'),
    ])
    .executeTakeFirstOrThrow()
  const parse = <T>(v: T[] | string): T[] => (typeof v === 'string' ? (JSON.parse(v) as T[]) : v)
  return {
    units: parse(row.units).map((u) => ({
      ...u,
      created_at: new Date(u.created_at),
      updated_at: new Date(u.updated_at),
    })),
    people: parse(row.people),
  }
}

interface UnitJson {
  id: string
  organisation_id: string
  parent_id: string | null
  name: string
  kind: UnitKind
  code: string | null
  active: boolean
  position: number
  created_at: string
  updated_at: string
}

interface NameJson {
  id: string
  name: string
  active: boolean
  unit_id: string | null
}

export async function listPeople(
  db: Kysely<DB>,
  organisationId: string,
  options: {
    search?: string | undefined
    unitIds?: readonly string[] | undefined
    offset: number
    limit: number
  },
) {
  let query = db.selectFrom('people').where('organisation_id', '=', organisationId)
  if (options.search) {
    const pattern = `%${options.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`
    query = query.where((eb) =>
      eb.or([eb('name', 'ilike', pattern), eb('email', 'ilike', pattern)]),
    )
  }
  if (options.unitIds) {
    if (options.unitIds.length === 0) return { rows: [], total: 0 }
    query = query.where('unit_id', 'in', options.unitIds)
  }
  const rows = await query
    .select(personColumns)
    .orderBy('name')
    .orderBy('id')
    .offset(options.offset)
    .limit(options.limit)
    .execute()
  const count = await query
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return { rows, total: count.n }
}

export async function findPerson(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('people')
    .select(personColumns)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Who manages whom, for the whole organisation: a few thousand rows at most. */
export async function lineManagers(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('people')
    .select(['id', 'line_manager_id as managerId'])
    .where('organisation_id', '=', organisationId)
    .execute()
}

/** Within one organisation: another council's people are none of this one's business. */
export async function emailTaken(
  db: Kysely<DB>,
  organisationId: string,
  email: string,
  exceptId?: string,
) {
  let query = db
    .selectFrom('people')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('email', '=', email)
  if (exceptId) query = query.where('id', '!=', exceptId)
  return (await query.executeTakeFirst()) !== undefined
}

export async function insertPerson(
  db: Kysely<DB>,
  person: {
    organisationId: string
    email: string
    name: string
    jobTitle: string | null
    unitId: string | null
    passwordHash: string | null
    lineManagerId?: string | null
  },
) {
  return db
    .insertInto('people')
    .values({
      organisation_id: person.organisationId,
      email: person.email,
      name: person.name,
      job_title: person.jobTitle,
      unit_id: person.unitId,
      password_hash: person.passwordHash,
      line_manager_id: person.lineManagerId ?? null,
    })
    .returning(personColumns)
    .executeTakeFirstOrThrow()
}

export async function updatePerson(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  changes: Partial<{
    email: string
    name: string
    job_title: string | null
    unit_id: string | null
    line_manager_id: string | null
    active: boolean
  }>,
  at: Date,
) {
  return db
    .updateTable('people')
    .set({ ...changes, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returning(personColumns)
    .executeTakeFirstOrThrow()
}

export async function rolesOf(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return []
  return db
    .selectFrom('role_assignments')
    .select(['id', 'person_id', 'role', 'unit_id'])
    .where('person_id', 'in', personIds)
    .orderBy('created_at')
    .execute()
}

export async function insertRole(
  db: Kysely<DB>,
  grant: { organisationId: string; personId: string; role: Role; unitId: string | null },
) {
  return db
    .insertInto('role_assignments')
    .values({
      organisation_id: grant.organisationId,
      person_id: grant.personId,
      role: grant.role,
      unit_id: grant.unitId,
    })
    .returning(['id', 'person_id', 'role', 'unit_id'])
    .executeTakeFirstOrThrow()
}

export async function findRole(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('role_assignments')
    .select(['id', 'person_id', 'role', 'unit_id'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function deleteRole(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('id', '=', id).execute()
}

/**
 * The tables holding an organisation's data (those with organisation_id), children before
 * parents, read from the database's own catalogue: a feature's new tables are removed with the
 * rest without anyone listing them. References of a table to itself are left to the caller.
 */
export async function organisationTablesChildrenFirst(db: Kysely<DB>): Promise<string[]> {
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_attribute a join pg_class c on c.oid = a.attrelid
    where a.attname = 'organisation_id' and not a.attisdropped and c.relkind = 'r'
      and c.relnamespace = current_schema()::regnamespace`.execute(db)
  const references = await sql<{ child: string; parent: string }>`
    select child.relname as child, parent.relname as parent from pg_constraint k
    join pg_class child on child.oid = k.conrelid join pg_class parent on parent.oid = k.confrelid
    where k.contype = 'f' and child.relnamespace = current_schema()::regnamespace`.execute(db)
  const left = new Set(tables.rows.map((t) => t.name).sort())
  const ordered: string[] = []
  while (left.size > 0) {
    // A table goes once no table left refers to it.
    const free = [...left].filter(
      (table) =>
        !references.rows.some((r) => r.parent === table && r.child !== table && left.has(r.child)),
    )
    if (free.length === 0) throw new Error(`Tables refer to each other: ${[...left].join(', ')}`)
    for (const table of free) {
      ordered.push(table)
      left.delete(table)
    }
  }
  return ordered
}

export async function deleteOrganisationData(db: Kysely<DB>, organisationId: string) {
  await db
    .updateTable('units')
    .set({ parent_id: null })
    .where('organisation_id', '=', organisationId)
    .execute()
  await db
    .updateTable('people')
    .set({ unit_id: null, line_manager_id: null })
    .where('organisation_id', '=', organisationId)
    .execute()
  for (const table of await organisationTablesChildrenFirst(db)) {
    await sql`delete from ${sql.table(table)} where organisation_id = ${organisationId}`.execute(db)
  }
  await db.deleteFrom('organisations').where('id', '=', organisationId).execute()
}
