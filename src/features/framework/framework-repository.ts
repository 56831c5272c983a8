import type { Kysely } from 'kysely'
import type { DB, NodeStatus, PlanKind, PlanStatus } from '../../db/schema.ts'

export async function listPlans(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('first_year', 'desc')
    .orderBy('title')
    .execute()
}

export async function findPlan(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export interface PlanValues {
  parent_plan_id: string | null
  title: string
  kind: PlanKind
  first_year: number
  last_year: number
  status: PlanStatus
  owner_unit_id: string | null
  vision: string | null
  mission: string | null
  levels: readonly string[]
}

export async function insertPlan(db: Kysely<DB>, organisationId: string, plan: PlanValues) {
  return db
    .insertInto('plans')
    .values({ ...plan, organisation_id: organisationId, levels: JSON.stringify(plan.levels) })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updatePlan(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  changes: Partial<PlanValues>,
  at: Date,
) {
  const { levels, ...rest } = changes
  return db
    .updateTable('plans')
    .set({
      ...rest,
      ...(levels !== undefined && { levels: JSON.stringify(levels) }),
      updated_at: at,
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function listNodes(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('plan_nodes')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('position')
    .orderBy('title')
    .execute()
}

export async function findNode(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('plan_nodes')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Siblings in a plan: the nodes sharing a parent (or the top level when `parentId` is null). */
export async function siblingNodes(
  db: Kysely<DB>,
  organisationId: string,
  planId: string,
  parentId: string | null,
) {
  return db
    .selectFrom('plan_nodes')
    .select(['id', 'position', 'title'])
    .where('organisation_id', '=', organisationId)
    .where('plan_id', '=', planId)
    .where('parent_id', parentId === null ? 'is' : '=', parentId)
    .where('status', '=', 'active')
    .orderBy('position')
    .orderBy('title')
    .execute()
}

export interface NodeValues {
  plan_id: string
  parent_id: string | null
  contributes_to_id: string | null
  title: string
  description: string | null
  success: string | null
  owner_id: string | null
  lead_unit_id: string | null
  position: number
  status: NodeStatus
}

export async function insertNode(db: Kysely<DB>, organisationId: string, node: NodeValues) {
  return db
    .insertInto('plan_nodes')
    .values({ ...node, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateNode(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  changes: Partial<NodeValues>,
  at: Date,
) {
  return db
    .updateTable('plan_nodes')
    .set({ ...changes, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function setPositions(
  db: Kysely<DB>,
  organisationId: string,
  positions: readonly { id: string; position: number }[],
  at: Date,
): Promise<void> {
  for (const { id, position } of positions) {
    await db
      .updateTable('plan_nodes')
      .set({ position, updated_at: at })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .execute()
  }
}

export async function setNodeStatus(
  db: Kysely<DB>,
  organisationId: string,
  ids: readonly string[],
  status: NodeStatus,
  at: Date,
): Promise<void> {
  if (ids.length === 0) return
  await db
    .updateTable('plan_nodes')
    .set({ status, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', ids)
    .execute()
}

export type PlanRow = Awaited<ReturnType<typeof listPlans>>[number]
export type NodeRow = Awaited<ReturnType<typeof listNodes>>[number]
