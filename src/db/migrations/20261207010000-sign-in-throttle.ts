import { sql, type Kysely } from 'kysely'

/**
 * Sign-in throttling: one row per key (an account, or an address) counting failed attempts and
 * saying when the next attempt may be made. An attempt is reserved by one upsert before the
 * password is checked, so parallel guesses cannot all read the same count. Replaces the
 * append-and-count sign_in_failures, whose check and record were two steps apart.
 */
const statements = [
  `create table sign_in_throttle (
    key text primary key,
    failures integer not null check (failures >= 0),
    last_attempt_at timestamptz not null,
    next_attempt_at timestamptz not null
  )`,
  `create index sign_in_throttle_last_idx on sign_in_throttle (last_attempt_at)`,
  `drop table sign_in_failures`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `create table sign_in_failures (
        id uuid primary key default gen_random_uuid(),
        key text not null,
        at timestamptz not null default now()
      )`,
    )
    .execute(db)
  await sql.raw(`create index sign_in_failures_key_idx on sign_in_failures (key, at)`).execute(db)
  await sql.raw(`drop table sign_in_throttle`).execute(db)
}
