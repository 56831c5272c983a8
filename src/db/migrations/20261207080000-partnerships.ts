import { sql, type Kysely } from 'kysely'

/**
 * Partnerships across organisations (Health and Wellbeing Board, Community Safety Partnership).
 * A partnership belongs to its host organisation; each member organisation joins it; members
 * share their own measures, projects and risks with it, explicitly and revocably. A share is
 * never deleted: withdrawal stamps it, so both sides keep the record of what was shared when.
 */
const statements = [
  `create table partnerships (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    name text not null,
    purpose text,
    created_by uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create table partnership_members (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    organisation_id uuid not null references organisations(id),
    role text not null check (role in ('host', 'member')),
    joined_at timestamptz not null default now(),
    added_by uuid,
    unique (partnership_id, organisation_id)
  )`,
  `create index partnership_members_organisation_idx on partnership_members (organisation_id)`,
  `create table partnership_priorities (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    organisation_id uuid not null references organisations(id),
    title text not null,
    description text,
    position integer not null default 0,
    created_at timestamptz not null default now()
  )`,
  `create table partnership_shares (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    organisation_id uuid not null references organisations(id),
    item_kind text not null check (item_kind in ('measure', 'project', 'risk')),
    item_id uuid not null,
    priority_id uuid references partnership_priorities(id) on delete set null,
    access text not null check (access in ('read', 'contribute')),
    basis text not null check (length(trim(basis)) > 0),
    shared_by uuid,
    shared_by_name text not null,
    shared_at timestamptz not null default now(),
    withdrawn_by uuid,
    withdrawn_by_name text,
    withdrawn_at timestamptz,
    withdrawal_reason text
  )`,
  // One live share of an item with a partnership; withdrawn ones stay as the record.
  `create unique index partnership_shares_live_idx on partnership_shares
    (partnership_id, item_kind, item_id) where withdrawn_at is null`,
  `create index partnership_shares_owner_idx on partnership_shares (organisation_id, item_kind, item_id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'partnership_shares',
    'partnership_priorities',
    'partnership_members',
    'partnerships',
  ]) {
    await sql.raw(`drop table ${table}`).execute(db)
  }
}
