import { sql, type Kysely } from 'kysely'
import { improvementForPolarity, xmr } from '../../core/spc.ts'
import type { MeasurePolarity } from '../schema.ts'

/**
 * SPC settings a person records on a measure: one baseline (limits fixed from a range of
 * periods) and change points (limits worked out again from a period, with a reason). Removed
 * settings are kept, marked removed, for the measure's history. Each measure also keeps its
 * latest point's SPC variation and assurance, so lists show the icon without recomputing SPC;
 * existing measures are filled in here.
 */
const statements = [
  `alter table measures
    add column spc_variation text check (spc_variation in ('common_cause',
      'special_cause_improvement', 'special_cause_concern', 'special_cause_neutral_high',
      'special_cause_neutral_low')),
    add column spc_assurance text check (spc_assurance in ('consistent_pass', 'consistent_fail',
      'inconsistent'))`,
  `create table measure_spc_settings (
    id uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations(id),
    measure_id uuid not null,
    kind text not null check (kind in ('baseline', 'change_point')),
    period_start date not null,
    period_end date,
    reason text,
    recorded_by uuid references people(id),
    recorded_at timestamptz not null default now(),
    removed_by uuid references people(id),
    removed_at timestamptz,
    foreign key (organisation_id, measure_id) references measures (organisation_id, id),
    check ((kind = 'baseline') = (period_end is not null)),
    check (period_end is null or period_end >= period_start),
    check (kind = 'baseline' or reason is not null)
  )`,
  `create index measure_spc_settings_measure_idx on measure_spc_settings
    (organisation_id, measure_id)`,
  `create unique index measure_spc_settings_one_baseline on measure_spc_settings (measure_id)
    where kind = 'baseline' and removed_at is null`,
  `create unique index measure_spc_settings_one_change on measure_spc_settings
    (measure_id, period_start) where kind = 'change_point' and removed_at is null`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
  await backfill(db)
}

async function backfill(db: Kysely<unknown>): Promise<void> {
  const measures = await sql<{ id: string; polarity: MeasurePolarity; cumulative: boolean }>`
    select id, polarity, cumulative from measures`.execute(db)
  if (measures.rows.length === 0) return
  const values = await sql<{
    measure_id: string
    period_start: string
    value: number
    target: number | null
  }>`
    select measure_id, period_start, value, target from measure_values
    where status = 'approved' and value is not null
    order by measure_id, period_start`.execute(db)
  const byMeasure = new Map<string, { start: string; value: number; target: number | null }[]>()
  for (const v of values.rows) {
    const list = byMeasure.get(v.measure_id) ?? []
    list.push({ start: v.period_start, value: v.value, target: v.target })
    byMeasure.set(v.measure_id, list)
  }
  const updates = measures.rows.flatMap((m) => {
    const points = byMeasure.get(m.id)
    if (!points) return []
    const { variation, assurance } = latestSpc(m, points)
    return variation === null ? [] : [{ id: m.id, variation, assurance }]
  })
  for (let i = 0; i < updates.length; i += 500) {
    const rows = updates
      .slice(i, i + 500)
      .map((u) => sql`(${u.id}::uuid, ${u.variation}, ${u.assurance})`)
    await sql`update measures m set spc_variation = u.variation, spc_assurance = u.assurance
      from (values ${sql.join(rows)}) as u(id, variation, assurance)
      where m.id = u.id`.execute(db)
  }
}

/**
 * The latest point's variation and assurance, as the measures feature worked them out when this
 * migration was written (no measure had a baseline or change point yet): kept here so that the
 * migration's result does not change when the feature's code does.
 */
function latestSpc(
  measure: { polarity: MeasurePolarity; cumulative: boolean },
  points: readonly { start: string; value: number; target: number | null }[],
) {
  const target = measure.cumulative ? null : (points.at(-1)?.target ?? null)
  const result = xmr(
    points.map((p) => p.value),
    {
      improvement: improvementForPolarity(measure.polarity),
      target,
      baseline: null,
      changePoints: [],
    },
  )
  return { variation: result.variation, assurance: result.assurance }
}
