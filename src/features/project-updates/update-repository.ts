import type { Insertable, Kysely, Updateable } from 'kysely'
import type { DB, ProjectUpdatesTable } from '../../db/schema.ts'

export async function listUpdates(
  db: Kysely<DB>,
  organisationId: string,
  projectIds?: readonly string[],
) {
  let query = db
    .selectFrom('project_updates')
    .selectAll()
    .where('organisation_id', '=', organisationId)
  if (projectIds) {
    if (projectIds.length === 0) return []
    query = query.where('project_id', 'in', projectIds)
  }
  return query.orderBy('month', 'desc').execute()
}

export async function findUpdate(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('project_updates')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function findUpdateForMonth(
  db: Kysely<DB>,
  organisationId: string,
  projectId: string,
  month: string,
) {
  return db
    .selectFrom('project_updates')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('project_id', '=', projectId)
    .where('month', '=', month)
    .executeTakeFirst()
}

type UpdateValues = Omit<Insertable<ProjectUpdatesTable>, 'organisation_id' | 'id'>

export async function insertUpdate(db: Kysely<DB>, organisationId: string, values: UpdateValues) {
  return db
    .insertInto('project_updates')
    .values({ ...values, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Changes an update if its version is still `version`; undefined when it is stale. */
export async function updateUpdate(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  version: number,
  changes: Updateable<ProjectUpdatesTable>,
  at: Date,
) {
  return db
    .updateTable('project_updates')
    .set({ ...changes, version: version + 1, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()
}

export async function insertRestatement(
  db: Kysely<DB>,
  organisationId: string,
  values: {
    update_id: string
    reason: string
    before: unknown
    by_id: string
    by_name: string
    at: Date
  },
) {
  await db
    .insertInto('project_update_restatements')
    .values({ ...values, organisation_id: organisationId, before: JSON.stringify(values.before) })
    .execute()
}

export async function listRestatements(db: Kysely<DB>, organisationId: string, updateId: string) {
  return db
    .selectFrom('project_update_restatements')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('update_id', '=', updateId)
    .orderBy('at', 'desc')
    .execute()
}

export type UpdateRow = Awaited<ReturnType<typeof insertUpdate>>
export type RestatementRow = Awaited<ReturnType<typeof listRestatements>>[number]
