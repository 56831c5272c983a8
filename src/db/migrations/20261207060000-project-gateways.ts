import { sql, type Kysely } from 'kysely'

/**
 * Programme boards and gateways (seed 001): the stage a project is at, its assurance rating
 * (a delivery confidence assessment, five steps from green to red), and the gateway reviews
 * held at the end of each stage with their decision, reviewer and conditions.
 */
const statements = [
  `alter table projects
    add column stage text check (stage in ('mandate', 'business_case', 'delivery', 'closure',
      'closed')),
    add column assurance text check (assurance in ('green', 'amber_green', 'amber', 'amber_red',
      'red'))`,
  `create table project_gateways (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    project_id uuid not null,
    stage text not null check (stage in ('mandate', 'business_case', 'delivery', 'closure',
      'closed')),
    decision text not null check (decision in ('proceed', 'proceed_with_conditions', 'hold',
      'stop')),
    review_date date not null,
    reviewer text not null,
    conditions text,
    recorded_by uuid references people(id),
    created_at timestamptz not null default now(),
    unique (organisation_id, id),
    foreign key (organisation_id, project_id) references projects (organisation_id, id),
    check (decision <> 'proceed_with_conditions' or conditions is not null)
  )`,
  `create index project_gateways_project_idx on project_gateways (organisation_id, project_id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`drop table project_gateways`).execute(db)
  await sql.raw(`alter table projects drop column stage, drop column assurance`).execute(db)
}
