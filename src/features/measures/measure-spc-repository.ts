import { sql, type Kysely } from 'kysely'
import type { DB, MeasureSpcSettingRow, SpcAssurance, SpcVariation } from '../../db/schema.ts'

/** The baseline and change points of measures, oldest period first; removed ones too if asked. */
export async function listSettings(
  db: Kysely<DB>,
  organisationId: string,
  measureIds: readonly string[],
  options: { includeRemoved?: boolean } = {},
): Promise<MeasureSpcSettingRow[]> {
  if (measureIds.length === 0) return []
  let query = db
    .selectFrom('measure_spc_settings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('measure_id', 'in', measureIds)
  if (!options.includeRemoved) query = query.where('removed_at', 'is', null)
  return query.orderBy('period_start').orderBy('recorded_at').execute()
}

export async function findSetting(
  db: Kysely<DB>,
  organisationId: string,
  measureId: string,
  id: string,
): Promise<MeasureSpcSettingRow | undefined> {
  return db
    .selectFrom('measure_spc_settings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('measure_id', '=', measureId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/**
 * Locks a measure's row until the transaction ends, so that changes to its SPC settings take
 * turns. NO KEY UPDATE rather than UPDATE, so that rows referring to the measure (its values)
 * can still be inserted meanwhile.
 */
export async function lockMeasure(
  trx: Kysely<DB>,
  organisationId: string,
  measureId: string,
): Promise<void> {
  await trx
    .selectFrom('measures')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', measureId)
    .forNoKeyUpdate()
    .execute()
}

export async function insertSetting(
  db: Kysely<DB>,
  organisationId: string,
  row: {
    measure_id: string
    kind: 'baseline' | 'change_point'
    period_start: string
    period_end: string | null
    reason: string | null
    recorded_by: string
    recorded_at: Date
  },
): Promise<MeasureSpcSettingRow> {
  return db
    .insertInto('measure_spc_settings')
    .values({ ...row, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Marks a setting removed; it stays for the history. False when it was already removed. */
export async function removeSetting(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  by: string,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('measure_spc_settings')
    .set({ removed_by: by, removed_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('removed_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Stores a measure's latest SPC variation and assurance, for lists. */
export async function setSpcSummary(
  db: Kysely<DB>,
  organisationId: string,
  measureId: string,
  summary: { variation: SpcVariation | null; assurance: SpcAssurance | null },
): Promise<void> {
  await db
    .updateTable('measures')
    .set({ spc_variation: summary.variation, spc_assurance: summary.assurance })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', measureId)
    .execute()
}

/** The same for many measures at once, 500 to a statement. */
export async function setSpcSummaries(
  db: Kysely<DB>,
  organisationId: string,
  rows: readonly {
    measureId: string
    variation: SpcVariation | null
    assurance: SpcAssurance | null
  }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows
      .slice(i, i + 500)
      .map((r) => sql`(${r.measureId}::uuid, ${r.variation}, ${r.assurance})`)
    await sql`update measures m set spc_variation = u.variation, spc_assurance = u.assurance
      from (values ${sql.join(values)}) as u(id, variation, assurance)
      where m.organisation_id = ${organisationId} and m.id = u.id`.execute(db)
  }
}
