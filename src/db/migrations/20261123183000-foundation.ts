import { sql, type Kysely } from 'kysely'

const statements = [
  `create table instance_settings (
    key text primary key,
    value text not null
  )`,
  `create table organisations (
    id uuid primary key default gen_random_uuid(),
    name text not null,
    slug text not null unique,
    publishes boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create table units (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    parent_id uuid references units(id),
    name text not null,
    kind text not null check (kind in ('directorate', 'service', 'team', 'locality', 'partner', 'other')),
    code text,
    active boolean not null default true,
    position integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index units_organisation_idx on units (organisation_id, parent_id)`,
  `create table people (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    email text not null unique,
    name text not null,
    job_title text,
    unit_id uuid references units(id),
    password_hash text,
    active boolean not null default true,
    last_sign_in_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index people_organisation_idx on people (organisation_id)`,
  `create table role_assignments (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    person_id uuid not null references people(id) on delete cascade,
    role text not null check (role in ('administrator', 'performance_officer', 'approver',
      'data_entry', 'viewer', 'councillor', 'partner')),
    unit_id uuid references units(id),
    created_at timestamptz not null default now()
  )`,
  `create index role_assignments_person_idx on role_assignments (person_id)`,
  `create table sessions (
    id text primary key,
    person_id uuid not null references people(id) on delete cascade,
    organisation_id uuid not null references organisations(id),
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    ip text,
    user_agent text
  )`,
  `create index sessions_person_idx on sessions (person_id)`,
  `create table api_tokens (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    person_id uuid not null references people(id) on delete cascade,
    name text not null,
    token_hash text not null unique,
    token_prefix text not null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,
  `create index api_tokens_person_idx on api_tokens (person_id)`,
  `create table sign_in_failures (
    id uuid primary key default gen_random_uuid(),
    key text not null,
    at timestamptz not null default now()
  )`,
  `create index sign_in_failures_key_idx on sign_in_failures (key, at)`,
  `create table audit_records (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null,
    seq bigint not null,
    at timestamptz not null,
    actor_id uuid,
    actor_name text not null,
    action text not null,
    item_type text not null,
    item_id text not null,
    summary text not null,
    before jsonb,
    after jsonb,
    prev_hash text not null,
    hash text not null,
    unique (organisation_id, seq)
  )`,
  `create index audit_records_item_idx on audit_records (organisation_id, item_type, item_id)`,
  `create table audit_heads (
    organisation_id uuid primary key,
    seq bigint not null,
    hash text not null
  )`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}
