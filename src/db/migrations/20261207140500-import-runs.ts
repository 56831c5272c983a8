import { sql, type Kysely } from 'kysely'

/**
 * Imports run in the background: each upload is kept as a run, with who sent it, when, the
 * file's name and SHA-256, how far it got, and its result (what changed, or the rows' problems),
 * so the result stays available afterwards as the council's import history. The file itself is
 * kept only while it may still be needed (queued, or a dry run that can be confirmed).
 */
const statements = [
  `create table import_runs (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    person_id uuid references people(id),
    person_name text not null,
    file_name text not null,
    sha256 text not null,
    size_bytes integer not null,
    dry_run boolean not null,
    history_reason text,
    status text not null check (status in ('queued', 'running', 'succeeded', 'failed')),
    content text,
    rows_read integer not null default 0,
    rows_checked integer not null default 0,
    rows_written integer not null default 0,
    result jsonb,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz
  )`,
  `create index import_runs_history_idx on import_runs (organisation_id, created_at desc)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table import_runs`.execute(db)
}
