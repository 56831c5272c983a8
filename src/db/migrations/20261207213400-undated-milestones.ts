import { sql, type Kysely } from 'kysely'

/**
 * A milestone may have no due date yet (docs/decisions.md, "Milestones with no date"): a
 * council's service plan lists milestones whose dates are still to be set, and they come in as
 * they are, shown as "No date set" and never counted as overdue.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table project_milestones alter column due_date drop not null`.execute(db)
}

/** Refused while any milestone has no date: set their dates first. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table project_milestones alter column due_date set not null`.execute(db)
}
