import { sql, type Kysely } from 'kysely'

/**
 * What a measure shows (docs/decisions.md, "One figure everywhere"): the latest columns now
 * hold the latest approved value, and beside them the newest value still in sign-off, so lists
 * show the approved figure and say in words what awaits approval.
 */
const statements = [
  `alter table measures
    add column latest_restated boolean not null default false,
    add column pending_period_start date,
    add column pending_status text
      check (pending_status in ('draft', 'submitted', 'returned'))`,
  `update measures m set
    latest_period_start = a.period_start,
    latest_rag = a.rag,
    latest_restated = coalesce(a.restated, false),
    pending_period_start = case when e.status <> 'approved' then e.period_start end,
    pending_status = case when e.status <> 'approved' then e.status end
  from measures m2
  left join lateral (
    select v.period_start, v.rag, v.restated from measure_values v
    where v.organisation_id = m2.organisation_id and v.measure_id = m2.id
      and v.status = 'approved' and v.value is not null
    order by v.period_start desc limit 1
  ) a on true
  left join lateral (
    select v.period_start, v.status from measure_values v
    where v.organisation_id = m2.organisation_id and v.measure_id = m2.id
      and v.value is not null
    order by v.period_start desc limit 1
  ) e on true
  where m2.id = m.id`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `alter table measures drop column latest_restated, drop column pending_period_start,
        drop column pending_status`,
    )
    .execute(db)
}
