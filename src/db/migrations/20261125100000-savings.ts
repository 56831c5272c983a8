import { sql, type Kysely } from 'kysely'

/**
 * The savings register and budget monitoring. Money is whole pence in bigint columns. A line
 * has an amount per financial year, each profiled month by month, with actual and forecast
 * delivery per month; budget monitoring holds each unit's budget and forecast outturn per month.
 */
const statements = [
  `create table savings_targets (
    organisation_id uuid not null references organisations(id),
    financial_year integer not null,
    amount_pence bigint not null check (amount_pence >= 0),
    updated_at timestamptz not null default now(),
    primary key (organisation_id, financial_year)
  )`,
  `create table saving_lines (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    reference text not null,
    title text not null,
    description text,
    unit_id uuid not null references units(id),
    programme text,
    priority_board text,
    project_id uuid,
    saving_type text not null check (saving_type in ('cashable', 'non_cashable')),
    durability text not null check (durability in ('ongoing', 'one_off')),
    owner_id uuid references people(id),
    status text not null default 'planned' check (status in ('proposed', 'planned',
      'in_delivery', 'delivered', 'withdrawn')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organisation_id, id),
    unique (organisation_id, reference),
    foreign key (organisation_id, project_id) references projects (organisation_id, id)
  )`,
  `create index saving_lines_unit_idx on saving_lines (organisation_id, unit_id)`,
  `create table saving_years (
    organisation_id uuid not null references organisations(id),
    line_id uuid not null,
    financial_year integer not null,
    amount_pence bigint not null check (amount_pence >= 0),
    cost_pence bigint not null default 0 check (cost_pence >= 0),
    profile text not null default 'even' check (profile in ('even', 'custom')),
    primary key (line_id, financial_year),
    foreign key (organisation_id, line_id) references saving_lines (organisation_id, id)
      on delete cascade
  )`,
  `create index saving_years_org_idx on saving_years (organisation_id, financial_year)`,
  `create table saving_months (
    organisation_id uuid not null references organisations(id),
    line_id uuid not null,
    month_start date not null check (extract(day from month_start) = 1),
    planned_pence bigint not null check (planned_pence >= 0),
    actual_pence bigint check (actual_pence >= 0),
    forecast_pence bigint check (forecast_pence >= 0),
    note text,
    updated_at timestamptz not null default now(),
    primary key (line_id, month_start),
    foreign key (organisation_id, line_id) references saving_lines (organisation_id, id)
      on delete cascade
  )`,
  `create index saving_months_org_idx on saving_months (organisation_id, month_start)`,
  `create table budget_months (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    unit_id uuid not null references units(id),
    month_start date not null check (extract(day from month_start) = 1),
    budget_pence bigint not null,
    forecast_outturn_pence bigint not null,
    commentary text,
    updated_at timestamptz not null default now(),
    unique (organisation_id, unit_id, month_start)
  )`,
  `create index budget_months_month_idx on budget_months (organisation_id, month_start)`,
  // Project benefits were given a column for the line that books them; now it has somewhere to point.
  `alter table project_benefits add foreign key (organisation_id, saving_line_id)
    references saving_lines (organisation_id, id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}
