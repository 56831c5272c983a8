import { sql, type Kysely } from 'kysely'

/**
 * The inbox: notifications made when things happen resolve themselves once their task is done
 * (resolved_at), e-mail may come at once or as one daily digest, and the performance team's
 * critical-friend queries on a value or a project update, each a thread kept with its item.
 */
const statements = [
  `alter table notifications add column resolved_at timestamptz`,
  `alter table notification_preferences add column email_digest boolean not null default false`,
  `create table item_queries (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    item_type text not null check (item_type in ('measure_value', 'project_update')),
    measure_id uuid,
    period_start date,
    update_id uuid,
    raised_by uuid references people(id),
    status text not null default 'open' check (status in ('open', 'closed')),
    closed_by uuid references people(id),
    closed_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organisation_id, id),
    check ((item_type = 'measure_value' and measure_id is not null and period_start is not null
      and update_id is null) or (item_type = 'project_update' and update_id is not null
      and measure_id is null and period_start is null)),
    foreign key (organisation_id, measure_id) references measures (organisation_id, id),
    foreign key (organisation_id, update_id) references project_updates (organisation_id, id)
  )`,
  `create index item_queries_measure_idx on item_queries (organisation_id, measure_id, period_start)`,
  `create index item_queries_update_idx on item_queries (organisation_id, update_id)`,
  `create table item_query_messages (
    id uuid primary key default gen_random_uuid(),
    seq bigint generated always as identity,
    organisation_id uuid not null references organisations(id),
    query_id uuid not null,
    author_id uuid references people(id),
    author_name text not null,
    body text not null,
    created_at timestamptz not null default now(),
    unique (organisation_id, id),
    foreign key (organisation_id, query_id) references item_queries (organisation_id, id)
  )`,
  `create index item_query_messages_query_idx on item_query_messages (organisation_id, query_id, seq)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`drop table item_query_messages`).execute(db)
  await sql.raw(`drop table item_queries`).execute(db)
  await sql.raw(`alter table notification_preferences drop column email_digest`).execute(db)
  await sql.raw(`alter table notifications drop column resolved_at`).execute(db)
}
