import type { Insertable, Kysely, Updateable } from 'kysely'
import type {
  DB,
  ProjectBenefitsTable,
  ProjectMilestonesTable,
  ProjectsTable,
} from '../../db/schema.ts'

type ProjectValues = Omit<Insertable<ProjectsTable>, 'organisation_id' | 'id'>

export async function listProjects(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('position')
    .orderBy('code')
    .orderBy('title')
    .execute()
}

export async function findProject(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function insertProject(db: Kysely<DB>, organisationId: string, values: ProjectValues) {
  return db
    .insertInto('projects')
    .values({ ...values, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Changes a project if its version is still `version`; undefined when someone got there first. */
export async function updateProject(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  version: number,
  changes: Updateable<ProjectsTable>,
  at: Date,
) {
  return db
    .updateTable('projects')
    .set({ ...changes, version: version + 1, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()
}

export async function listMilestones(
  db: Kysely<DB>,
  organisationId: string,
  projectIds?: readonly string[],
) {
  let query = db
    .selectFrom('project_milestones')
    .selectAll()
    .where('organisation_id', '=', organisationId)
  if (projectIds) {
    if (projectIds.length === 0) return []
    query = query.where('project_id', 'in', projectIds)
  }
  return query.orderBy('due_date').orderBy('title').execute()
}

export async function findMilestone(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('project_milestones')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

type MilestoneValues = Omit<Insertable<ProjectMilestonesTable>, 'organisation_id' | 'id'>

export async function insertMilestone(
  db: Kysely<DB>,
  organisationId: string,
  values: MilestoneValues,
) {
  return db
    .insertInto('project_milestones')
    .values({ ...values, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateMilestone(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  version: number,
  changes: Updateable<ProjectMilestonesTable>,
  at: Date,
) {
  return db
    .updateTable('project_milestones')
    .set({ ...changes, version: version + 1, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()
}

export async function listBenefits(db: Kysely<DB>, organisationId: string, projectId: string) {
  return db
    .selectFrom('project_benefits')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('project_id', '=', projectId)
    .orderBy('financial_year')
    .orderBy('kind')
    .orderBy('title')
    .execute()
}

export async function findBenefit(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('project_benefits')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

type BenefitValues = Omit<Insertable<ProjectBenefitsTable>, 'organisation_id' | 'id'>

export async function insertBenefit(db: Kysely<DB>, organisationId: string, values: BenefitValues) {
  return db
    .insertInto('project_benefits')
    .values({ ...values, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateBenefit(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  changes: Updateable<ProjectBenefitsTable>,
  at: Date,
) {
  return db
    .updateTable('project_benefits')
    .set({ ...changes, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function deleteBenefit(db: Kysely<DB>, organisationId: string, id: string) {
  await db
    .deleteFrom('project_benefits')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

export async function listDependencies(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('project_dependencies')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at')
    .execute()
}

export async function insertDependency(
  db: Kysely<DB>,
  organisationId: string,
  values: { project_id: string; depends_on_id: string; description: string | null },
) {
  return db
    .insertInto('project_dependencies')
    .values({ ...values, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function deleteDependency(db: Kysely<DB>, organisationId: string, id: string) {
  await db
    .deleteFrom('project_dependencies')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

export type ProjectRow = Awaited<ReturnType<typeof listProjects>>[number]
export type MilestoneRow = Awaited<ReturnType<typeof insertMilestone>>
export type BenefitRow = Awaited<ReturnType<typeof insertBenefit>>
export type DependencyRow = Awaited<ReturnType<typeof insertDependency>>
