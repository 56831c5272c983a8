import { sql, type Kysely } from 'kysely'

/**
 * Importing a council's own file: the uploaded file kept between the page's steps (one person's,
 * for a few hours), and the mapping the council confirmed for a file with those headings, so
 * next month's file is mapped the same way.
 */
const statements = [
  `create table import_uploads (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    person_id uuid not null references people(id),
    file_name text not null,
    content text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
  )`,
  `create index import_uploads_owner_idx on import_uploads (organisation_id, person_id)`,
  `create table import_mappings (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    signature text not null,
    mapping jsonb not null,
    updated_by uuid,
    updated_at timestamptz not null default now(),
    unique (organisation_id, signature)
  )`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table import_mappings`.execute(db)
  await sql`drop table import_uploads`.execute(db)
}
