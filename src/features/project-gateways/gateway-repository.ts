import type { Insertable, Kysely } from 'kysely'
import type { DB, ProjectGatewaysTable } from '../../db/schema.ts'

/** Gateway reviews of the given projects (or every one), newest review first. */
export async function listGateways(
  db: Kysely<DB>,
  organisationId: string,
  projectIds?: readonly string[],
) {
  let query = db
    .selectFrom('project_gateways')
    .selectAll()
    .where('organisation_id', '=', organisationId)
  if (projectIds) {
    if (projectIds.length === 0) return []
    query = query.where('project_id', 'in', projectIds)
  }
  return query.orderBy('review_date', 'desc').orderBy('created_at', 'desc').execute()
}

type GatewayValues = Omit<Insertable<ProjectGatewaysTable>, 'organisation_id' | 'id'>

export async function insertGateway(db: Kysely<DB>, organisationId: string, values: GatewayValues) {
  return db
    .insertInto('project_gateways')
    .values({ ...values, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export type GatewayRow = Awaited<ReturnType<typeof insertGateway>>
