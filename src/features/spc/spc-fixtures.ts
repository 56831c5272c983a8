// Test data for SPC: monthly measures with approved values, written the way a bulk load would.
import type { TestContext, TestOrganisation } from '../../../test/helpers/context.ts'
import { periodAt, periodsBetween } from '../../core/periods.ts'
import type { Principal } from '../../core/principal.ts'
import { measureRepository as measureRepo, writeValues } from '../measures/index.ts'

/** 14 months around 24 days, then a redesign: 10 months around 15 days. */
export const REDESIGN = [
  24, 23, 25, 24.5, 22, 26, 24, 23.5, 25, 24, 22.5, 25.5, 24, 23, 15, 14, 16, 15.5, 14.5, 15, 16,
  14, 15, 15.5,
]
/** Steady, then a run of 8 months well above average: for days, a deterioration. */
export const WORSENING = [
  20, 21, 19, 20, 22, 19, 20, 21, 20, 19, 21, 20, 20, 19, 21, 20, 27, 28, 27, 29, 28, 27, 28, 29,
]

const MONTHS = periodsBetween(periodAt('monthly', 2023, 1), periodAt('monthly', 2024, 12))

/**
 * A monthly "days" measure (lower is better, target 20) in `unit`, with approved values one a
 * month from April 2023; its stored status and SPC variation are brought up to date.
 */
export async function approvedMonthlyMeasure(
  ctx: TestContext,
  org: TestOrganisation,
  officer: Principal,
  code: string,
  values: readonly number[],
  unit = 'waste',
): Promise<string> {
  const created = await ctx.services.measures.create(officer, {
    code,
    title: `Days to process ${code}`,
    unit: 'days',
    decimals: 1,
    polarity: 'lower_is_better',
    frequency: 'monthly',
    kind: 'operational',
    unitId: org.units[unit] ?? null,
  })
  await ctx.services.measures.putTargets(officer, created.id, {
    targets: [
      { period: '2023/24', value: 20 },
      { period: '2024/25', value: 20 },
    ],
  })
  const db = ctx.database.db
  const row = await measureRepo.findMeasure(db, org.id, created.id)
  if (!row) throw new Error('no measure')
  await db.transaction().execute((trx) =>
    writeValues(
      trx,
      org.id,
      [
        {
          measure: row,
          writes: values.map((value, i) => ({
            op: 'insert' as const,
            row: {
              period_start: MONTHS[i]?.start ?? '',
              value,
              status: 'approved' as const,
              target: null,
              rag: null,
              year_to_date: null,
            },
          })),
        },
      ],
      ctx.clock.read(),
    ),
  )
  return created.id
}
