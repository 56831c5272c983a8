import { sql, type Kysely } from 'kysely'

/**
 * Risk management: one scoring matrix per organisation, registers at service, project,
 * programme, directorate and corporate level, risks with their reviews (the score history),
 * mitigating actions, escalations between registers, and links from risks to items of other
 * features (projects, once they exist). Composite keys keep every row inside its organisation.
 */
const statements = [
  `create table risk_matrices (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null unique references organisations(id),
    size integer not null check (size in (4, 5)),
    likelihood jsonb not null,
    impact jsonb not null,
    bands jsonb not null,
    appetite integer not null check (appetite >= 1),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create table risk_registers (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    name text not null,
    level text not null check (level in ('service', 'project', 'programme', 'directorate',
      'corporate')),
    unit_id uuid references units(id),
    parent_register_id uuid,
    description text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organisation_id, id),
    foreign key (organisation_id, parent_register_id) references risk_registers (organisation_id, id)
  )`,
  `create table risks (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    register_id uuid not null,
    reference text not null,
    title text not null,
    cause text,
    event text,
    effect text,
    category text not null,
    owner_id uuid references people(id),
    status text not null default 'open' check (status in ('open', 'closed')),
    review_frequency text not null check (review_frequency in ('monthly', 'bimonthly',
      'quarterly', 'half_yearly', 'annual')),
    next_review_date date,
    inherent_likelihood integer not null check (inherent_likelihood between 1 and 5),
    inherent_impact integer not null check (inherent_impact between 1 and 5),
    current_likelihood integer not null check (current_likelihood between 1 and 5),
    current_impact integer not null check (current_impact between 1 and 5),
    target_likelihood integer not null check (target_likelihood between 1 and 5),
    target_impact integer not null check (target_impact between 1 and 5),
    closed_on date,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organisation_id, id),
    unique (organisation_id, reference),
    foreign key (organisation_id, register_id) references risk_registers (organisation_id, id)
  )`,
  `create index risks_register_idx on risks (organisation_id, register_id)`,
  `create table risk_reviews (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    risk_id uuid not null,
    reviewed_on date not null,
    reviewer_id uuid references people(id),
    likelihood integer not null check (likelihood between 1 and 5),
    impact integer not null check (impact between 1 and 5),
    note text,
    created_at timestamptz not null default now(),
    foreign key (organisation_id, risk_id) references risks (organisation_id, id)
  )`,
  `create index risk_reviews_risk_idx on risk_reviews (organisation_id, risk_id, reviewed_on)`,
  `create table risk_actions (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    risk_id uuid not null,
    description text not null,
    owner_id uuid references people(id),
    due_date date,
    status text not null default 'not_started' check (status in ('not_started', 'in_progress',
      'completed', 'cancelled')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    foreign key (organisation_id, risk_id) references risks (organisation_id, id)
  )`,
  `create index risk_actions_risk_idx on risk_actions (organisation_id, risk_id)`,
  `create table risk_escalations (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    risk_id uuid not null,
    from_register_id uuid not null,
    to_register_id uuid not null,
    reason text not null,
    escalated_on date not null,
    escalated_by_id uuid references people(id),
    de_escalated_on date,
    de_escalated_by_id uuid references people(id),
    de_escalation_reason text,
    created_at timestamptz not null default now(),
    foreign key (organisation_id, risk_id) references risks (organisation_id, id),
    foreign key (organisation_id, from_register_id) references risk_registers (organisation_id, id),
    foreign key (organisation_id, to_register_id) references risk_registers (organisation_id, id)
  )`,
  `create index risk_escalations_risk_idx on risk_escalations (organisation_id, risk_id)`,
  `create table risk_links (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    risk_id uuid not null,
    item_kind text not null,
    item_id uuid not null,
    created_at timestamptz not null default now(),
    foreign key (organisation_id, risk_id) references risks (organisation_id, id),
    unique (risk_id, item_kind, item_id)
  )`,
  `create index risk_links_item_idx on risk_links (organisation_id, item_kind, item_id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}
