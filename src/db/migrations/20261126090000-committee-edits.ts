import { sql, type Kysely } from 'kysely'

/**
 * Committees and their meetings can be changed: a version on each for optimistic concurrency,
 * and a cancelled meeting keeps its row (with when and why) so the calendar shows it as
 * cancelled rather than losing it.
 */
const statements = [
  `alter table committees add column version integer not null default 1`,
  `alter table committee_meetings
    add column version integer not null default 1,
    add column cancelled_at timestamptz,
    add column cancellation_reason text,
    add column updated_at timestamptz not null default now()`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `alter table committee_meetings drop column version, drop column cancelled_at,
        drop column cancellation_reason, drop column updated_at`,
    )
    .execute(db)
  await sql.raw(`alter table committees drop column version`).execute(db)
}
