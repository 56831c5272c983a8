import { sql, type Kysely } from 'kysely'

/**
 * Benchmarking: sources of peers' published figures (another Golden Thread's open data, the
 * Local Government Benchmarking Framework), the last good copy of each (indicators, figures,
 * family groups, published averages), comparison groups the council enters by hand, confirmed
 * matches of its measures to sources' indicators, and which comparisons it publishes.
 * A copy is replaced whole in one transaction, so a bad copy never half-replaces a good one.
 */
const statements = [
  `create table benchmark_sources (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    name text not null check (length(trim(name)) > 0),
    kind text not null check (kind in ('golden_thread', 'lgbf')),
    url text,
    member_name text,
    refresh_hours integer not null default 24 check (refresh_hours between 1 and 8760),
    publisher text,
    etag text,
    last_modified text,
    fetched_at timestamptz,
    checked_at timestamptz,
    last_error text,
    last_error_at timestamptz,
    refreshing_since timestamptz,
    indicator_count integer not null default 0,
    figure_count integer not null default 0,
    created_by uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1
  )`,
  `create index benchmark_sources_organisation_idx on benchmark_sources (organisation_id)`,
  `create table benchmark_indicators (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    source_id uuid not null references benchmark_sources(id) on delete cascade,
    code text not null,
    title text not null,
    reference text,
    unit text not null,
    decimals integer not null,
    polarity text not null,
    midpoint double precision,
    family_type text,
    unique (source_id, code)
  )`,
  `create index benchmark_indicators_reference_idx on benchmark_indicators (organisation_id, reference)`,
  // One row per council and indicator, its figures over time as JSON: a copy of 32 councils ×
  // 100 indicators is 3,200 rows rather than 64,000, so it is replaced in a moment.
  `create table benchmark_figures (
    organisation_id uuid not null references organisations(id),
    source_id uuid not null references benchmark_sources(id) on delete cascade,
    code text not null,
    frequency text not null,
    entity text not null,
    points jsonb not null
  )`,
  `create index benchmark_figures_lookup_idx on benchmark_figures (source_id, code, frequency)`,
  `create index benchmark_figures_organisation_idx on benchmark_figures (organisation_id)`,
  `create table benchmark_families (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    source_id uuid not null references benchmark_sources(id) on delete cascade,
    name text not null,
    type text not null,
    members jsonb not null
  )`,
  `create index benchmark_families_source_idx on benchmark_families (source_id)`,
  `create table benchmark_averages (
    organisation_id uuid not null references organisations(id),
    source_id uuid not null references benchmark_sources(id) on delete cascade,
    code text not null,
    frequency text not null,
    period_start date not null,
    mean double precision,
    median double precision,
    primary key (source_id, code, frequency, period_start)
  )`,
  `create table benchmark_groups (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    name text not null check (length(trim(name)) > 0),
    description text,
    members jsonb not null,
    created_by uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1
  )`,
  `create index benchmark_groups_organisation_idx on benchmark_groups (organisation_id)`,
  `create table benchmark_matches (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    measure_id uuid not null references measures(id),
    source_id uuid not null references benchmark_sources(id) on delete cascade,
    code text not null,
    confirmed_by uuid,
    confirmed_by_name text not null,
    confirmed_at timestamptz not null default now(),
    unique (measure_id, source_id)
  )`,
  `create index benchmark_matches_organisation_idx on benchmark_matches (organisation_id, measure_id)`,
  `create table benchmark_publications (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    measure_id uuid not null references measures(id),
    group_key text not null,
    published_by uuid,
    published_at timestamptz not null default now(),
    unique (measure_id)
  )`,
  `create index benchmark_publications_organisation_idx on benchmark_publications (organisation_id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'benchmark_publications',
    'benchmark_matches',
    'benchmark_groups',
    'benchmark_averages',
    'benchmark_families',
    'benchmark_figures',
    'benchmark_indicators',
    'benchmark_sources',
  ]) {
    await sql.raw(`drop table ${table}`).execute(db)
  }
}
