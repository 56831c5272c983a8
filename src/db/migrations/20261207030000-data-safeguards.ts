import { sql, type Kysely } from 'kysely'

/**
 * Four eyes needs to know everyone who put a figure in, not only who pressed Submit: the first
 * person to enter a value (`entered_by` follows whoever saved it last) and the last person to
 * change a project update. Reminders run once a day per organisation however many instances
 * are serving (a run row claimed per day), and each e-mail is claimed before it is sent.
 */
const statements = [
  `alter table measure_values add column first_entered_by uuid references people(id)`,
  `update measure_values set first_entered_by = entered_by`,
  `alter table project_updates add column changed_by uuid references people(id)`,
  `alter table notifications add column email_claimed_at timestamptz`,
  `create table reminder_runs (
    organisation_id uuid not null references organisations(id),
    day date not null,
    started_at timestamptz not null,
    primary key (organisation_id, day)
  )`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`drop table reminder_runs`).execute(db)
  await sql.raw(`alter table notifications drop column email_claimed_at`).execute(db)
  await sql.raw(`alter table project_updates drop column changed_by`).execute(db)
  await sql.raw(`alter table measure_values drop column first_entered_by`).execute(db)
}
