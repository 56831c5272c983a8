import { sql, type Kysely } from 'kysely'

/**
 * In-app notifications (reminders and workflow): one row per person per reminder. The dedupe key
 * is unique per person, so a rerun of the daily reminders never repeats one; emailed_at marks
 * the e-mail as sent so each is sent once. A person may turn e-mailed reminders off.
 */
const statements = [
  `create table notifications (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    person_id uuid not null references people(id),
    kind text not null,
    subject text not null,
    body text not null,
    link text not null check (link like '/%'),
    dedupe_key text not null,
    created_at timestamptz not null default now(),
    read_at timestamptz,
    emailed_at timestamptz,
    unique (person_id, dedupe_key)
  )`,
  `create index notifications_person_idx on notifications (organisation_id, person_id, created_at)`,
  `create table notification_preferences (
    person_id uuid primary key references people(id),
    organisation_id uuid not null references organisations(id),
    email boolean not null default true,
    updated_at timestamptz not null default now()
  )`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`drop table notification_preferences`).execute(db)
  await sql.raw(`drop table notifications`).execute(db)
}
