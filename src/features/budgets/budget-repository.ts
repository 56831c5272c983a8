import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'

const columns = [
  'id',
  'unit_id',
  'month_start',
  'budget_pence',
  'forecast_outturn_pence',
  'commentary',
  'updated_at',
] as const

/** Entries from `from` (inclusive) to `to` (exclusive). */
export async function listEntries(
  db: Kysely<DB>,
  organisationId: string,
  range: { from: string; to: string },
) {
  return db
    .selectFrom('budget_months')
    .select(columns)
    .where('organisation_id', '=', organisationId)
    .where('month_start', '>=', range.from)
    .where('month_start', '<', range.to)
    .orderBy('month_start')
    .execute()
}

export async function findEntry(
  db: Kysely<DB>,
  organisationId: string,
  unitId: string,
  monthStart: string,
) {
  return db
    .selectFrom('budget_months')
    .select(columns)
    .where('organisation_id', '=', organisationId)
    .where('unit_id', '=', unitId)
    .where('month_start', '=', monthStart)
    .executeTakeFirst()
}

export async function upsertEntry(
  db: Kysely<DB>,
  organisationId: string,
  entry: {
    unit_id: string
    month_start: string
    budget_pence: number
    forecast_outturn_pence: number
    commentary: string | null
  },
  at: Date,
) {
  const values = {
    budget_pence: entry.budget_pence,
    forecast_outturn_pence: entry.forecast_outturn_pence,
    commentary: entry.commentary,
    updated_at: at,
  }
  return db
    .insertInto('budget_months')
    .values({ ...entry, organisation_id: organisationId, updated_at: at })
    .onConflict((oc) =>
      oc.columns(['organisation_id', 'unit_id', 'month_start']).doUpdateSet(values),
    )
    .returning(columns)
    .executeTakeFirstOrThrow()
}

export type EntryRow = Awaited<ReturnType<typeof listEntries>>[number]
