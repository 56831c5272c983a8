// What every part of the appraisal service shares: who may read an appraisal (its person, their
// line managers, the performance team over their unit), the audit of each change, the appraisal
// measures recomputed in the change's transaction, and objectives with what they link to.
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { Conflict, Invalid, NotFound } from '../../errors.ts'
import { recordAudit, type AuditActor } from '../audit/index.ts'
import { type Principal } from '../../core/principal.ts'
import type { FrameworkService } from '../framework/index.ts'
import { ukDate } from '../../core/dates.ts'
import type { ComputationRegistry } from '../organisational-measures/index.ts'
import type { OrganisationService } from '../organisation/index.ts'
import { recomputeAppraisalMeasures } from './appraisal-computations.ts'
import * as policy from './appraisal-policy.ts'
import { presentObjective, type ObjectiveView } from './appraisal-presenter.ts'
import * as repo from './appraisal-repository.ts'

export interface AppraisalDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly organisation: Pick<OrganisationService, 'unitTree'>
  readonly framework: Pick<FrameworkService, 'pathsOf'>
  readonly computations?: ComputationRegistry
}

export type AppraisalCore = ReturnType<typeof createAppraisalCore>

/** The service's shared reads, checks and writes, for its parts to build on. */
export function createAppraisalCore({
  db,
  clock,
  organisation,
  framework,
  computations,
}: AppraisalDeps) {
  const today = () => ukDate(clock())

  /**
   * People, line management and units for permissions and names: the whole organisation's, or
   * (with `personId`) only that person's and their managers' up the line, which is all that
   * deciding who may read one appraisal needs.
   */
  async function context(organisationId: string, personId?: string) {
    const [people, { tree }] = await Promise.all([
      personId
        ? repo.personAndManagers(db, organisationId, personId)
        : repo.people(db, organisationId),
      organisation.unitTree(organisationId),
    ])
    const byId = new Map(people.map((p) => [p.id, p]))
    const managerOf = new Map(people.map((p) => [p.id, p.line_manager_id]))
    return { people, byId, managerOf, tree }
  }
  type Context = Awaited<ReturnType<typeof context>>

  function standing(principal: Principal, personId: string, ctx: Context) {
    const person = ctx.byId.get(personId)
    if (!person) return null
    return policy.standingOf(
      principal,
      { id: person.id, unitId: person.unit_id },
      policy.managerChain(person.id, ctx.managerOf),
      ctx.tree,
    )
  }

  function audit(
    trx: Kysely<DB>,
    organisationId: string,
    actor: AuditActor,
    entry: { action: string; itemId: string; summary: string; before?: unknown; after?: unknown },
  ) {
    return recordAudit(trx, { organisationId, actor, itemType: 'appraisal', ...entry }, clock)
  }

  /** The appraisal measures, worked out again inside the transaction that moved them. */
  async function recompute(trx: Kysely<DB>, organisationId: string, actor: AuditActor) {
    if (!computations) return
    await recomputeAppraisalMeasures(trx, organisationId, computations, actor, clock)
  }

  async function requireCycle(organisationId: string, id: string) {
    const cycle = await repo.findCycle(db, organisationId, id)
    if (!cycle) throw new NotFound('Appraisal cycle not found')
    return cycle
  }

  /** The appraisal with the reader's standing; NotFound to anyone who may not read it. */
  async function requireAppraisal(principal: Principal, id: string) {
    const row = await repo.findAppraisal(db, principal.organisationId, id)
    if (!row) throw new NotFound('Appraisal not found')
    const ctx = await context(principal.organisationId, row.person_id)
    const seat = standing(principal, row.person_id, ctx)
    if (!seat) throw new NotFound('Appraisal not found')
    const cycle = await requireCycle(principal.organisationId, row.cycle_id)
    const person = ctx.byId.get(row.person_id)
    if (!person) throw new NotFound('Appraisal not found')
    return { row, cycle, ctx, seat, person }
  }

  async function objectiveViews(
    organisationId: string,
    appraisalIds: readonly string[],
  ): Promise<ObjectiveView[]> {
    const objectives = await repo.listObjectives(db, organisationId, appraisalIds)
    const [nodes, measures, projects] = await Promise.all([
      repo.nodesByIds(db, organisationId, [...new Set(objectives.map((o) => o.node_id))]),
      repo.measuresByIds(db, organisationId, [
        ...new Set(objectives.flatMap((o) => (o.measure_id ? [o.measure_id] : []))),
      ]),
      repo.projectsByIds(db, organisationId, [
        ...new Set(objectives.flatMap((o) => (o.project_id ? [o.project_id] : []))),
      ]),
    ])
    const node = new Map(nodes.map((n) => [n.id, { ...n, planTitle: n.plan_title }]))
    const measure = new Map(
      measures.map((m) => [m.id, { id: m.id, title: `${m.code}: ${m.title}` }]),
    )
    const project = new Map(projects.map((p) => [p.id, p]))
    return objectives.map((o) => {
      const n = node.get(o.node_id)
      const m = o.measure_id ? measure.get(o.measure_id) : undefined
      const p = o.project_id ? project.get(o.project_id) : undefined
      return presentObjective(o, {
        ...(n && { node: n }),
        ...(m && { measure: m }),
        ...(p && { project: p }),
      })
    })
  }

  /** Each reference of an objective must be an item of the person's own organisation. */
  async function checkReferences(
    organisationId: string,
    input: { nodeId?: string; measureId?: string | null; projectId?: string | null },
  ) {
    if (input.nodeId) {
      const [node] = await repo.nodesByIds(db, organisationId, [input.nodeId])
      if (!node || node.status !== 'active') {
        throw Invalid.field(
          'nodeId',
          'Select the plan item the objective contributes to from the list',
        )
      }
    }
    if (
      input.measureId &&
      (await repo.measuresByIds(db, organisationId, [input.measureId])).length === 0
    ) {
      throw Invalid.field('measureId', 'Select the measure from the list')
    }
    if (
      input.projectId &&
      (await repo.projectsByIds(db, organisationId, [input.projectId])).length === 0
    ) {
      throw Invalid.field('projectId', 'Select the project from the list')
    }
  }

  function checkWritable(row: repo.AppraisalRecord) {
    if (row.signed_off_at) {
      throw new Conflict('This appraisal has been signed off: its year is closed')
    }
  }

  return {
    db,
    clock,
    organisation,
    framework,
    today,
    context,
    audit,
    recompute,
    requireCycle,
    requireAppraisal,
    objectiveViews,
    checkReferences,
    checkWritable,
  }
}
