import type { Kysely, Insertable, Updateable } from 'kysely'
import type { DB, RiskActionStatus, RiskRegisterLevel, RisksTable } from '../../db/schema.ts'

export async function findMatrix(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('risk_matrices')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst()
}

export interface MatrixValues {
  size: number
  likelihood: unknown
  impact: unknown
  bands: unknown
  appetite: number
}

export async function upsertMatrix(
  db: Kysely<DB>,
  organisationId: string,
  values: MatrixValues,
  at: Date,
) {
  const row = {
    size: values.size,
    likelihood: JSON.stringify(values.likelihood),
    impact: JSON.stringify(values.impact),
    bands: JSON.stringify(values.bands),
    appetite: values.appetite,
    updated_at: at,
  }
  return db
    .insertInto('risk_matrices')
    .values({ ...row, organisation_id: organisationId })
    .onConflict((oc) => oc.column('organisation_id').doUpdateSet(row))
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function listRegisters(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('risk_registers')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('name')
    .execute()
}

export async function findRegister(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('risk_registers')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export interface RegisterValues {
  name: string
  level: RiskRegisterLevel
  unit_id: string | null
  parent_register_id: string | null
  description: string | null
}

export async function insertRegister(db: Kysely<DB>, organisationId: string, v: RegisterValues) {
  return db
    .insertInto('risk_registers')
    .values({ ...v, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateRegister(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  changes: Partial<RegisterValues>,
  at: Date,
) {
  return db
    .updateTable('risk_registers')
    .set({ ...changes, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function listRisks(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('risks')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('reference')
    .execute()
}

export async function findRisk(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('risks')
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
    .selectFrom('risks')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where((eb) => eb(eb.fn('lower', ['reference']), '=', reference.toLowerCase()))
  if (exceptId) query = query.where('id', '<>', exceptId)
  return (await query.executeTakeFirst()) !== undefined
}

export type RiskValues = Omit<Insertable<RisksTable>, 'organisation_id' | 'id' | 'created_at'>

export async function insertRisk(db: Kysely<DB>, organisationId: string, v: RiskValues) {
  return db
    .insertInto('risks')
    .values({ ...v, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateRisk(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  changes: Omit<Updateable<RisksTable>, 'organisation_id' | 'id' | 'created_at'>,
  at: Date,
) {
  return db
    .updateTable('risks')
    .set({ ...changes, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function listReviews(
  db: Kysely<DB>,
  organisationId: string,
  riskIds?: readonly string[],
) {
  if (riskIds?.length === 0) return []
  let query = db
    .selectFrom('risk_reviews')
    .selectAll()
    .where('organisation_id', '=', organisationId)
  if (riskIds) query = query.where('risk_id', 'in', riskIds)
  return query.orderBy('reviewed_on').orderBy('created_at').orderBy('id').execute()
}

export async function insertReview(
  db: Kysely<DB>,
  organisationId: string,
  v: {
    risk_id: string
    reviewed_on: string
    reviewer_id: string | null
    likelihood: number
    impact: number
    note: string | null
  },
) {
  return db
    .insertInto('risk_reviews')
    .values({ ...v, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function listActions(
  db: Kysely<DB>,
  organisationId: string,
  riskIds?: readonly string[],
) {
  if (riskIds?.length === 0) return []
  let query = db
    .selectFrom('risk_actions')
    .selectAll()
    .where('organisation_id', '=', organisationId)
  if (riskIds) query = query.where('risk_id', 'in', riskIds)
  return query.orderBy('due_date').orderBy('created_at').execute()
}

export async function findAction(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('risk_actions')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export interface ActionValues {
  description: string
  owner_id: string | null
  due_date: string | null
  status: RiskActionStatus
}

export async function insertAction(
  db: Kysely<DB>,
  organisationId: string,
  riskId: string,
  v: ActionValues,
) {
  return db
    .insertInto('risk_actions')
    .values({ ...v, risk_id: riskId, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateAction(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  changes: Partial<ActionValues>,
  at: Date,
) {
  return db
    .updateTable('risk_actions')
    .set({ ...changes, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function listEscalations(
  db: Kysely<DB>,
  organisationId: string,
  riskIds?: readonly string[],
) {
  if (riskIds?.length === 0) return []
  let query = db
    .selectFrom('risk_escalations')
    .selectAll()
    .where('organisation_id', '=', organisationId)
  if (riskIds) query = query.where('risk_id', 'in', riskIds)
  return query.orderBy('created_at').orderBy('id').execute()
}

export async function insertEscalation(
  db: Kysely<DB>,
  organisationId: string,
  v: {
    risk_id: string
    from_register_id: string
    to_register_id: string
    reason: string
    escalated_on: string
    escalated_by_id: string | null
  },
) {
  return db
    .insertInto('risk_escalations')
    .values({ ...v, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function closeEscalation(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  v: { de_escalated_on: string; de_escalated_by_id: string | null; de_escalation_reason: string },
) {
  return db
    .updateTable('risk_escalations')
    .set(v)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function listRiskLinks(db: Kysely<DB>, organisationId: string, riskId: string) {
  return db
    .selectFrom('risk_links')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('risk_id', '=', riskId)
    .orderBy('created_at')
    .execute()
}

export async function insertRiskLink(
  db: Kysely<DB>,
  organisationId: string,
  v: { risk_id: string; item_kind: string; item_id: string },
) {
  return db
    .insertInto('risk_links')
    .values({ ...v, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function deleteRiskLink(db: Kysely<DB>, organisationId: string, id: string) {
  await db
    .deleteFrom('risk_links')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

export async function linksToItem(
  db: Kysely<DB>,
  organisationId: string,
  itemKind: string,
  itemId: string,
) {
  return db
    .selectFrom('risk_links')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('item_kind', '=', itemKind)
    .where('item_id', '=', itemId)
    .execute()
}

/** Links from risks to any of several items of one kind, such as the items of a programme. */
export async function linksToItems(
  db: Kysely<DB>,
  organisationId: string,
  itemKind: string,
  itemIds: readonly string[],
) {
  if (itemIds.length === 0) return []
  return db
    .selectFrom('risk_links')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('item_kind', '=', itemKind)
    .where('item_id', 'in', itemIds)
    .orderBy('created_at')
    .execute()
}

export type MatrixRow = NonNullable<Awaited<ReturnType<typeof findMatrix>>>
export type RegisterRow = Awaited<ReturnType<typeof listRegisters>>[number]
export type RiskRow = Awaited<ReturnType<typeof listRisks>>[number]
export type ReviewRow = Awaited<ReturnType<typeof listReviews>>[number]
export type ActionRow = Awaited<ReturnType<typeof listActions>>[number]
export type EscalationRow = Awaited<ReturnType<typeof listEscalations>>[number]
export type RiskLinkRow = Awaited<ReturnType<typeof listRiskLinks>>[number]
