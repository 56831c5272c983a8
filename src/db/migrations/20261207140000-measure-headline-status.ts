import { sql, type Kysely } from 'kysely'

/**
 * Lists present a measure from its row (docs/decisions.md, "Lists from what is stored"): beside
 * its headline columns, the ledger keeps the direction of travel and forecast shown beside the
 * headline values. Null until the measure is next settled; until then lists work it out.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table measures add column headline_status jsonb`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table measures drop column headline_status`.execute(db)
}
