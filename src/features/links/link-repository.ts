import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'

const columns = ['id', 'node_id', 'item_kind', 'item_id', 'created_at'] as const

export async function listLinks(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('node_links')
    .select(columns)
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

export async function linksOfNode(db: Kysely<DB>, organisationId: string, nodeId: string) {
  return db
    .selectFrom('node_links')
    .select(columns)
    .where('organisation_id', '=', organisationId)
    .where('node_id', '=', nodeId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

export async function linksOfItem(
  db: Kysely<DB>,
  organisationId: string,
  itemKind: string,
  itemId: string,
) {
  return db
    .selectFrom('node_links')
    .select(columns)
    .where('organisation_id', '=', organisationId)
    .where('item_kind', '=', itemKind)
    .where('item_id', '=', itemId)
    .orderBy('created_at')
    .execute()
}

export async function findLink(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('node_links')
    .select(columns)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function insertLink(
  db: Kysely<DB>,
  link: { organisationId: string; nodeId: string; itemKind: string; itemId: string },
) {
  return db
    .insertInto('node_links')
    .values({
      organisation_id: link.organisationId,
      node_id: link.nodeId,
      item_kind: link.itemKind,
      item_id: link.itemId,
    })
    .returning(columns)
    .executeTakeFirstOrThrow()
}

export async function deleteLink(db: Kysely<DB>, organisationId: string, id: string) {
  await db
    .deleteFrom('node_links')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

export type LinkRow = Awaited<ReturnType<typeof listLinks>>[number]
