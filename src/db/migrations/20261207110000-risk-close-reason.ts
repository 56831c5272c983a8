import { sql, type Kysely } from 'kysely'

/** Why a risk was closed: closing one takes it off every register and report, so it is said. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table risks add column closed_reason text`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table risks drop column closed_reason`.execute(db)
}
