import { sql, type Kysely } from 'kysely'

/**
 * Dashboards: saved definitions (one corporate dashboard per organisation, and personal ones a
 * person may share with a unit) with their ordered tiles; and computed organisational measures,
 * marked on the measure by the name of the computation that produces their values.
 */
const statements = [
  `alter table measures add column computation text`,
  `create unique index measures_computation_idx on measures (organisation_id, computation)
    where computation is not null`,
  `create table dashboards (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    kind text not null check (kind in ('corporate', 'personal')),
    title text not null,
    description text,
    owner_id uuid references people(id),
    shared_unit_id uuid references units(id),
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organisation_id, id),
    check (kind = 'corporate' or owner_id is not null)
  )`,
  `create unique index dashboards_corporate_idx on dashboards (organisation_id)
    where kind = 'corporate'`,
  `create index dashboards_owner_idx on dashboards (organisation_id, owner_id)`,
  `create table dashboard_tiles (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    dashboard_id uuid not null,
    position integer not null,
    section text,
    item_kind text not null check (item_kind in ('measure', 'project', 'risk', 'list')),
    item_id uuid,
    list_kind text,
    created_at timestamptz not null default now(),
    foreign key (organisation_id, dashboard_id) references dashboards (organisation_id, id)
      on delete cascade,
    check ((item_kind = 'list') = (list_kind is not null and item_id is null))
  )`,
  `create index dashboard_tiles_dashboard_idx on dashboard_tiles (organisation_id, dashboard_id, position)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}
