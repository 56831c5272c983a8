import { sql, type Kysely } from 'kysely'

/**
 * The golden thread: plans, the ordered tree of nodes under each plan, and links from any node
 * to items of other features. Composite keys on (organisation_id, id) make the database refuse
 * a node in one organisation's plan that hangs from another organisation's.
 */
const statements = [
  `create table plans (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    parent_plan_id uuid,
    title text not null,
    kind text not null check (kind in ('city', 'corporate', 'business', 'delivery',
      'improvement', 'service')),
    first_year integer not null,
    last_year integer not null,
    status text not null default 'draft' check (status in ('draft', 'active', 'archived')),
    owner_unit_id uuid references units(id),
    vision text,
    mission text,
    levels jsonb not null default '[]',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organisation_id, id),
    foreign key (organisation_id, parent_plan_id) references plans (organisation_id, id),
    check (last_year >= first_year),
    check (parent_plan_id is null or parent_plan_id <> id)
  )`,
  `create index plans_organisation_idx on plans (organisation_id, parent_plan_id)`,
  `create table plan_nodes (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    plan_id uuid not null,
    parent_id uuid,
    contributes_to_id uuid,
    title text not null,
    description text,
    success text,
    owner_id uuid references people(id),
    lead_unit_id uuid references units(id),
    position integer not null default 0,
    status text not null default 'active' check (status in ('active', 'archived')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organisation_id, id),
    foreign key (organisation_id, plan_id) references plans (organisation_id, id),
    foreign key (organisation_id, parent_id) references plan_nodes (organisation_id, id),
    foreign key (organisation_id, contributes_to_id) references plan_nodes (organisation_id, id),
    check (parent_id is null or contributes_to_id is null)
  )`,
  `create index plan_nodes_plan_idx on plan_nodes (organisation_id, plan_id, parent_id)`,
  `create index plan_nodes_contributes_idx on plan_nodes (organisation_id, contributes_to_id)`,
  `create table node_links (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    node_id uuid not null,
    item_kind text not null,
    item_id uuid not null,
    created_at timestamptz not null default now(),
    foreign key (organisation_id, node_id) references plan_nodes (organisation_id, id),
    unique (node_id, item_kind, item_id)
  )`,
  `create index node_links_item_idx on node_links (organisation_id, item_kind, item_id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}
