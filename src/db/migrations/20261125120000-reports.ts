import { sql, type Kysely } from 'kysely'

/**
 * Committee reports and the reporting calendar: committees with the report kinds due at their
 * meetings, meeting dates, reports (a draft is rebuilt from the data each time it is opened; a
 * published one keeps its document as JSON and its rendered files, so it opens identically
 * forever), and the author's edits to the generated narrative.
 */
const statements = [
  `create table committees (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    name text not null,
    description text,
    report_kinds jsonb not null default '[]',
    position integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organisation_id, id),
    unique (organisation_id, name)
  )`,
  `create table committee_meetings (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    committee_id uuid not null,
    meeting_date date not null,
    created_at timestamptz not null default now(),
    unique (organisation_id, id),
    unique (committee_id, meeting_date),
    foreign key (organisation_id, committee_id) references committees (organisation_id, id)
  )`,
  `create index committee_meetings_date_idx on committee_meetings (organisation_id, meeting_date)`,
  `create table reports (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    kind text not null check (kind in ('quarterly-performance', 'scrutiny', 'executive',
      'highlight', 'report-card', 'year-end')),
    title text not null,
    period_frequency text not null,
    period_start date not null,
    scope_id uuid,
    focus_node_ids jsonb not null default '[]',
    meeting_id uuid,
    status text not null default 'draft' check (status in ('draft', 'published')),
    edits jsonb not null default '{}',
    document jsonb,
    created_by uuid references people(id),
    published_by uuid references people(id),
    published_at timestamptz,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organisation_id, id),
    foreign key (organisation_id, meeting_id) references committee_meetings (organisation_id, id)
  )`,
  `create index reports_meeting_idx on reports (organisation_id, meeting_id)`,
  `create table report_files (
    organisation_id uuid not null references organisations(id),
    report_id uuid not null,
    format text not null check (format in ('html', 'docx', 'pdf', 'xlsx', 'csv')),
    content_type text not null,
    -- Base64, so that backups (JSON) carry the files as they are.
    body text not null,
    created_at timestamptz not null default now(),
    primary key (report_id, format),
    foreign key (organisation_id, report_id) references reports (organisation_id, id)
  )`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['report_files', 'reports', 'committee_meetings', 'committees']) {
    await sql.raw(`drop table ${table}`).execute(db)
  }
}
