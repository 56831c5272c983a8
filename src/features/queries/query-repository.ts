import type { Insertable, Kysely } from 'kysely'
import type { DB, ItemQueriesTable } from '../../db/schema.ts'

export async function insertQuery(
  db: Kysely<DB>,
  values: Omit<Insertable<ItemQueriesTable>, 'id'>,
) {
  return db.insertInto('item_queries').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function insertMessage(
  db: Kysely<DB>,
  values: {
    organisation_id: string
    query_id: string
    author_id: string | null
    author_name: string
    body: string
    created_at: Date
  },
) {
  return db
    .insertInto('item_query_messages')
    .values(values)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findQuery(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('item_queries')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export type QueryRow = NonNullable<Awaited<ReturnType<typeof findQuery>>>

/** Queries on one measure's values (any period), or on one project update. */
export async function queriesOn(
  db: Kysely<DB>,
  organisationId: string,
  on: { measureId: string } | { updateId: string },
) {
  let query = db
    .selectFrom('item_queries')
    .selectAll()
    .where('organisation_id', '=', organisationId)
  query =
    'measureId' in on
      ? query.where('measure_id', '=', on.measureId)
      : query.where('update_id', '=', on.updateId)
  return query.orderBy('created_at', 'desc').execute()
}

export async function openQueries(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('item_queries')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'open')
    .orderBy('created_at')
    .execute()
}

export async function messagesOf(
  db: Kysely<DB>,
  organisationId: string,
  queryIds: readonly string[],
) {
  if (queryIds.length === 0) return []
  return db
    .selectFrom('item_query_messages')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('query_id', 'in', queryIds)
    .orderBy('seq')
    .execute()
}

export async function closeQuery(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  by: string,
  at: Date,
) {
  return db
    .updateTable('item_queries')
    .set({ status: 'closed', closed_by: by, closed_at: at, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst()
}

export async function touchQuery(db: Kysely<DB>, organisationId: string, id: string, at: Date) {
  await db
    .updateTable('item_queries')
    .set({ updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}
