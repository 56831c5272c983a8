import { sql, type Kysely } from 'kysely'

/**
 * The public dashboard's settings on the organisation (whether it publishes already exists:
 * `publishes`), and a publication counter that every change to what is published bumps in the
 * same transaction, so caches can tell when to rebuild.
 */
const statements = [
  `alter table organisations
    add column public_suppress_below integer not null default 5
      check (public_suppress_below between 0 and 100),
    add column public_show_names boolean not null default false,
    add column publication_version integer not null default 1,
    add column published_at timestamptz not null default now()`,
  `create index measure_values_published_idx on measure_values
    (organisation_id, approved_at desc) where status = 'approved'`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}
