import { sql, type Kysely } from 'kysely'
import { insertJsonRows, type ColumnType } from '../../db/bulk.ts'
import type { AuditRecordRow, DB, NewAuditRecord } from '../../db/schema.ts'

async function lockChain(db: Kysely<DB>, organisationId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${'audit:' + organisationId}))`.execute(db)
}

/**
 * The head of the organisation's chain, locked until the transaction ends, so records are added
 * one at a time: the head's row lock (one statement), or, before the organisation's first
 * record, when there is no row to lock, an advisory lock and a fresh read.
 */
export async function lockHead(db: Kysely<DB>, organisationId: string) {
  const head = await db
    .selectFrom('audit_heads')
    .select(['seq', 'hash'])
    .where('organisation_id', '=', organisationId)
    .forUpdate()
    .executeTakeFirst()
  if (head) return head
  await lockChain(db, organisationId)
  return findHead(db, organisationId)
}

export async function findHead(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('audit_heads')
    .select(['seq', 'hash'])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst()
}

/** Adds the record and moves the head to it, in one statement. */
export async function insertRecord(db: Kysely<DB>, record: NewAuditRecord): Promise<void> {
  await db
    .with('record', (q) => q.insertInto('audit_records').values(record))
    .insertInto('audit_heads')
    .values({ organisation_id: record.organisation_id, seq: record.seq, hash: record.hash })
    .onConflict((oc) =>
      oc.column('organisation_id').doUpdateSet({ seq: record.seq, hash: record.hash }),
    )
    .execute()
}

/** The columns of a new record, with their types, for inserting many in one statement. */
const RECORD_COLUMNS = {
  organisation_id: 'uuid',
  seq: 'bigint',
  at: 'timestamptz',
  actor_id: 'uuid',
  actor_name: 'text',
  action: 'text',
  item_type: 'text',
  item_id: 'text',
  summary: 'text',
  before: 'jsonb',
  after: 'jsonb',
  prev_hash: 'text',
  hash: 'text',
} as const satisfies Partial<Record<keyof NewAuditRecord, ColumnType>>

/** Many records of one chain, in order, and the chain's head moved to the last of them. */
export async function insertRecords(
  db: Kysely<DB>,
  records: readonly NewAuditRecord[],
  between: () => Promise<void> = async () => {},
): Promise<void> {
  const last = records.at(-1)
  if (!last) return
  for (let i = 0; i < records.length; i += 1000) {
    await between()
    await insertJsonRows('audit_records', RECORD_COLUMNS, records.slice(i, i + 1000)).execute(db)
  }
  await db
    .insertInto('audit_heads')
    .values({ organisation_id: last.organisation_id, seq: last.seq, hash: last.hash })
    .onConflict((oc) =>
      oc.column('organisation_id').doUpdateSet({ seq: last.seq, hash: last.hash }),
    )
    .execute()
}

export async function listChains(db: Kysely<DB>): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_records')
    .select('organisation_id')
    .union(db.selectFrom('audit_heads').select('organisation_id'))
    .execute()
  return rows.map((r) => r.organisation_id).sort()
}

export async function recordsAfter(
  db: Kysely<DB>,
  organisationId: string,
  afterSeq: number,
  limit: number,
): Promise<AuditRecordRow[]> {
  return db
    .selectFrom('audit_records')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute()
}

export async function recordsForItem(
  db: Kysely<DB>,
  organisationId: string,
  itemType: string,
  itemId: string,
): Promise<AuditRecordRow[]> {
  return db
    .selectFrom('audit_records')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('item_type', '=', itemType)
    .where('item_id', '=', itemId)
    .orderBy('seq', 'desc')
    .execute()
}

export async function recentRecords(
  db: Kysely<DB>,
  organisationId: string,
  offset: number,
  limit: number,
): Promise<{ rows: AuditRecordRow[]; total: number }> {
  const rows = await db
    .selectFrom('audit_records')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('seq', 'desc')
    .offset(offset)
    .limit(limit)
    .execute()
  const count = await db
    .selectFrom('audit_records')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow()
  return { rows, total: count.n }
}
