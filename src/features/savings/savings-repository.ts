import { sql, type Insertable, type Kysely, type Updateable } from 'kysely'
import type { DB, SavingLinesTable } from '../../db/schema.ts'

export async function listLines(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('saving_lines')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('reference')
    .execute()
}

export async function findLine(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('saving_lines')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function referenceTaken(
  db: Kysely<DB>,
  organisationId: string,
  reference: string,
  exceptId?: string,
) {
  let query = db
    .selectFrom('saving_lines')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('reference', '=', reference)
  if (exceptId) query = query.where('id', '<>', exceptId)
  return (await query.executeTakeFirst()) !== undefined
}

export type LineValues = Omit<Insertable<SavingLinesTable>, 'organisation_id' | 'id'>

export async function insertLine(db: Kysely<DB>, organisationId: string, values: LineValues) {
  return db
    .insertInto('saving_lines')
    .values({ ...values, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateLine(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  values: Updateable<SavingLinesTable>,
  at: Date,
) {
  return db
    .updateTable('saving_lines')
    .set({ ...values, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Years of every line, or of the lines given. */
export async function listYears(
  db: Kysely<DB>,
  organisationId: string,
  lineIds?: readonly string[],
) {
  if (lineIds?.length === 0) return []
  let query = db
    .selectFrom('saving_years')
    .selectAll()
    .where('organisation_id', '=', organisationId)
  if (lineIds) query = query.where('line_id', 'in', lineIds)
  return query.orderBy('financial_year').execute()
}

/** Only what a line's years are presented with: the register reads thousands of these. */
export async function listYearFigures(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('saving_years')
    .select(['line_id', 'financial_year', 'amount_pence', 'cost_pence', 'profile'])
    .where('organisation_id', '=', organisationId)
    .orderBy('financial_year')
    .execute()
}

/** Months from `from` (inclusive) to `to` (exclusive), of every line or of the lines given. */
export async function listMonths(
  db: Kysely<DB>,
  organisationId: string,
  range: { from?: string; to?: string; lineIds?: readonly string[] } = {},
) {
  if (range.lineIds?.length === 0) return []
  let query = db
    .selectFrom('saving_months')
    .select(['line_id', 'month_start', 'planned_pence', 'actual_pence', 'forecast_pence', 'note'])
    .where('organisation_id', '=', organisationId)
  if (range.from) query = query.where('month_start', '>=', range.from)
  if (range.to) query = query.where('month_start', '<', range.to)
  if (range.lineIds) query = query.where('line_id', 'in', range.lineIds)
  return query.orderBy('month_start').execute()
}

/** A month's figures as the delivery assessment wants them. */
export interface DeliveryRow {
  readonly month_start: string
  readonly planned_pence: number
  readonly actual_pence: number | null
  readonly forecast_pence: number | null
}

/**
 * The months of a range, one row per line with its months in order: a register of 2,000
 * lines carries 2,000 rows rather than 24,000, which is most of its cost on PGlite.
 */
export async function listMonthsByLine(
  db: Kysely<DB>,
  organisationId: string,
  range: { from: string; to: string; lineIds?: readonly string[] },
): Promise<Map<string, DeliveryRow[]>> {
  if (range.lineIds?.length === 0) return new Map()
  let query = db
    .selectFrom('saving_months')
    .select([
      'line_id',
      sql<
        [string, number | string, number | string | null, number | string | null][]
      >`json_agg(json_build_array(month_start, planned_pence, actual_pence, forecast_pence) order by month_start)`.as(
        'months',
      ),
    ])
    .where('organisation_id', '=', organisationId)
    .where('month_start', '>=', range.from)
    .where('month_start', '<', range.to)
  if (range.lineIds) query = query.where('line_id', 'in', range.lineIds)
  const rows = await query.groupBy('line_id').execute()
  const pence = (v: number | string | null) => (v === null ? null : Number(v))
  return new Map(
    rows.map((row) => [
      row.line_id,
      row.months.map(([month, planned, actual, forecast]) => ({
        month_start: month,
        planned_pence: Number(planned),
        actual_pence: pence(actual),
        forecast_pence: pence(forecast),
      })),
    ]),
  )
}

export async function upsertYear(
  db: Kysely<DB>,
  organisationId: string,
  row: {
    line_id: string
    financial_year: number
    amount_pence: number
    cost_pence: number
    profile: 'even' | 'custom'
  },
) {
  await db
    .insertInto('saving_years')
    .values({ ...row, organisation_id: organisationId })
    .onConflict((oc) =>
      oc.columns(['line_id', 'financial_year']).doUpdateSet({
        amount_pence: row.amount_pence,
        cost_pence: row.cost_pence,
        profile: row.profile,
      }),
    )
    .execute()
}

export async function deleteYear(
  db: Kysely<DB>,
  organisationId: string,
  lineId: string,
  financialYear: number,
  range: { from: string; to: string },
) {
  await db
    .deleteFrom('saving_months')
    .where('organisation_id', '=', organisationId)
    .where('line_id', '=', lineId)
    .where('month_start', '>=', range.from)
    .where('month_start', '<', range.to)
    .execute()
  await db
    .deleteFrom('saving_years')
    .where('organisation_id', '=', organisationId)
    .where('line_id', '=', lineId)
    .where('financial_year', '=', financialYear)
    .execute()
}

/** Sets the planned amounts of months, keeping their actuals and forecasts. */
export async function setPlanned(
  db: Kysely<DB>,
  organisationId: string,
  lineId: string,
  months: readonly { month_start: string; planned_pence: number }[],
  at: Date,
) {
  if (months.length === 0) return
  await db
    .insertInto('saving_months')
    .values(months.map((m) => ({ ...m, organisation_id: organisationId, line_id: lineId })))
    .onConflict((oc) =>
      oc.columns(['line_id', 'month_start']).doUpdateSet((eb) => ({
        planned_pence: eb.ref('excluded.planned_pence'),
        updated_at: at,
      })),
    )
    .execute()
}

export async function setDelivery(
  db: Kysely<DB>,
  organisationId: string,
  lineId: string,
  month: {
    month_start: string
    actual_pence: number | null
    forecast_pence: number | null
    note: string | null
  },
  at: Date,
) {
  await db
    .updateTable('saving_months')
    .set({
      actual_pence: month.actual_pence,
      forecast_pence: month.forecast_pence,
      note: month.note,
      updated_at: at,
    })
    .where('organisation_id', '=', organisationId)
    .where('line_id', '=', lineId)
    .where('month_start', '=', month.month_start)
    .execute()
}

export async function listTargets(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('savings_targets')
    .select(['financial_year', 'amount_pence'])
    .where('organisation_id', '=', organisationId)
    .orderBy('financial_year')
    .execute()
}

export async function upsertTarget(
  db: Kysely<DB>,
  organisationId: string,
  financialYear: number,
  amountPence: number,
  at: Date,
) {
  await db
    .insertInto('savings_targets')
    .values({
      organisation_id: organisationId,
      financial_year: financialYear,
      amount_pence: amountPence,
      updated_at: at,
    })
    .onConflict((oc) =>
      oc
        .columns(['organisation_id', 'financial_year'])
        .doUpdateSet({ amount_pence: amountPence, updated_at: at }),
    )
    .execute()
}

export async function listProjects(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('projects')
    .select(['id', 'code', 'title'])
    .where('organisation_id', '=', organisationId)
    .orderBy('code')
    .execute()
}

export type LineRow = Awaited<ReturnType<typeof listLines>>[number]
export type YearRow = Awaited<ReturnType<typeof listYearFigures>>[number]
export type MonthRow = Awaited<ReturnType<typeof listMonths>>[number]
