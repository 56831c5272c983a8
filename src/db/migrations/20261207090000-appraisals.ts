import { sql, type Kysely } from 'kysely'

/**
 * People in the thread: a line manager on each person, team plans as a kind of plan, and the
 * appraisal (PDR) cycle: a cycle per financial year with its windows, one appraisal per person
 * per cycle, and the person's objectives, each linked to a node of the thread. Composite keys
 * make the database refuse an objective in one organisation linked to another's node.
 */
const statements = [
  `alter table people add column line_manager_id uuid references people(id) on delete set null`,
  `create index people_line_manager_idx on people (organisation_id, line_manager_id)`,
  `alter table plans drop constraint plans_kind_check`,
  `alter table plans add constraint plans_kind_check check (kind in ('city', 'corporate',
    'business', 'delivery', 'improvement', 'service', 'team'))`,
  `create table appraisal_cycles (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    year integer not null,
    objectives_opens date not null,
    objectives_closes date not null,
    mid_year_opens date not null,
    mid_year_closes date not null,
    year_end_opens date not null,
    year_end_closes date not null,
    opened_by uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organisation_id, id),
    unique (organisation_id, year),
    check (objectives_opens <= objectives_closes and objectives_closes <= mid_year_opens
      and mid_year_opens <= mid_year_closes and mid_year_closes <= year_end_opens
      and year_end_opens <= year_end_closes)
  )`,
  `create table appraisals (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    cycle_id uuid not null,
    person_id uuid not null references people(id),
    objectives_agreed_at timestamptz,
    objectives_agreed_by uuid,
    mid_year_self_rating integer check (mid_year_self_rating between 1 and 4),
    mid_year_self_comment text,
    mid_year_self_at timestamptz,
    mid_year_manager_rating integer check (mid_year_manager_rating between 1 and 4),
    mid_year_manager_comment text,
    mid_year_manager_at timestamptz,
    mid_year_manager_id uuid,
    year_end_self_rating integer check (year_end_self_rating between 1 and 4),
    year_end_self_comment text,
    year_end_self_at timestamptz,
    year_end_manager_rating integer check (year_end_manager_rating between 1 and 4),
    year_end_manager_comment text,
    year_end_manager_at timestamptz,
    year_end_manager_id uuid,
    signed_off_at timestamptz,
    signed_off_by uuid,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organisation_id, id),
    unique (cycle_id, person_id),
    foreign key (organisation_id, cycle_id) references appraisal_cycles (organisation_id, id),
    check (signed_off_by is null or signed_off_by <> person_id)
  )`,
  `create index appraisals_person_idx on appraisals (organisation_id, person_id)`,
  `create table objectives (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    appraisal_id uuid not null,
    title text not null,
    success_measure text not null,
    due_date date not null,
    node_id uuid not null,
    measure_id uuid references measures(id) on delete set null,
    project_id uuid references projects(id) on delete set null,
    position integer not null default 0,
    created_by uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    foreign key (organisation_id, appraisal_id) references appraisals (organisation_id, id)
      on delete cascade,
    foreign key (organisation_id, node_id) references plan_nodes (organisation_id, id)
  )`,
  `create index objectives_appraisal_idx on objectives (organisation_id, appraisal_id)`,
  `create index objectives_node_idx on objectives (organisation_id, node_id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}
