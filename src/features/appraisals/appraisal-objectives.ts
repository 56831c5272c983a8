// Individual objectives and the stages of the year: written by the person or their line manager,
// agreed, reviewed at mid-year and year end, signed off; each write one transaction with its audit
// record and the appraisal measures recomputed.
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { STAGE_NAMES } from '../../core/appraisal-stages.ts'
import { formatDate } from '../../core/format.ts'
import { formatFinancialYear } from '../../core/periods.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { actorOf } from '../audit/index.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import * as policy from './appraisal-policy.ts'
import { windowsOf } from './appraisal-presenter.ts'
import * as repo from './appraisal-repository.ts'
import type { ObjectiveChanges, ObjectiveInput, ReviewInput } from './appraisal-schemas.ts'
import type { AppraisalCore } from './appraisal-core.ts'

/** The writes of an appraisal; part of the appraisal service (appraisal-service.ts). */
export function objectiveOperations(core: AppraisalCore) {
  const {
    db,
    clock,
    today,
    audit,
    recompute,
    requireAppraisal,
    objectiveViews,
    checkReferences,
    checkWritable,
  } = core

  /**
   * The person changing objectives their manager has agreed sends them back to be agreed again;
   * says whether it did.
   */
  async function reopenIfAgreed(
    trx: Kysely<DB>,
    principal: Principal,
    row: { id: string; objectives_agreed_at: unknown },
    seat: string,
  ) {
    if (seat !== 'self' || row.objectives_agreed_at === null) return false
    await repo.updateAppraisal(
      trx,
      principal.organisationId,
      row.id,
      { objectives_agreed_at: null, objectives_agreed_by: null },
      clock(),
    )
    return true
  }

  return {
    /** Plan items, measures and projects an objective may link to, for the form. */
    async linkOptions(principal: Principal) {
      if (principal.roles.length === 0) throw new Forbidden()
      const [nodes, measures, projects] = await Promise.all([
        repo.linkableNodes(db, principal.organisationId),
        repo.activeMeasures(db, principal.organisationId),
        repo.openProjects(db, principal.organisationId),
      ])
      const order = (kind: string) => (kind === 'team' ? 0 : kind === 'service' ? 1 : 2)
      return {
        nodes: [...nodes]
          .sort((a, b) => order(a.plan_kind) - order(b.plan_kind))
          .map((n) => ({ id: n.id, title: n.title, planTitle: n.plan_title })),
        measures: measures.map((m) => ({ id: m.id, title: `${m.code}: ${m.title}` })),
        projects: projects.map((p) => ({
          id: p.id,
          title: p.code ? `${p.code}: ${p.title}` : p.title,
        })),
      }
    },

    async objective(principal: Principal, appraisalId: string, objectiveId: string) {
      const { seat } = await requireAppraisal(principal, appraisalId)
      if (!policy.canWriteObjectives(seat)) throw new Forbidden()
      const found = (await objectiveViews(principal.organisationId, [appraisalId])).find(
        (o) => o.id === objectiveId,
      )
      if (!found) throw new NotFound('Objective not found')
      return found
    },

    async addObjective(principal: Principal, appraisalId: string, input: ObjectiveInput) {
      const { row, seat, person } = await requireAppraisal(principal, appraisalId)
      if (!policy.canWriteObjectives(seat)) {
        throw new Forbidden('Only the person and their line manager write their objectives')
      }
      checkWritable(row)
      await checkReferences(principal.organisationId, input)
      const existing = await repo.listObjectives(db, principal.organisationId, [row.id])
      return db.transaction().execute(async (trx) => {
        const created = await repo.insertObjective(trx, {
          organisation_id: principal.organisationId,
          appraisal_id: row.id,
          title: input.title,
          success_measure: input.successMeasure,
          due_date: input.dueDate,
          node_id: input.nodeId,
          measure_id: input.measureId ?? null,
          project_id: input.projectId ?? null,
          position: existing.length,
          created_by: recordedPersonId(principal),
          created_at: clock(),
          updated_at: clock(),
        })
        const reopened = await reopenIfAgreed(trx, principal, row, seat)
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'objective_added',
          itemId: row.id,
          summary: `Objective "${created.title}" added to ${person.name}’s appraisal${reopened ? '; the objectives go back to the manager to agree' : ''}`,
          after: created,
        })
        await recompute(trx, principal.organisationId, actorOf(principal))
        return created
      })
    },

    async updateObjective(
      principal: Principal,
      appraisalId: string,
      objectiveId: string,
      changes: ObjectiveChanges,
    ) {
      const { row, seat, person } = await requireAppraisal(principal, appraisalId)
      if (!policy.canWriteObjectives(seat)) {
        throw new Forbidden('Only the person and their line manager write their objectives')
      }
      checkWritable(row)
      const before = (await repo.listObjectives(db, principal.organisationId, [row.id])).find(
        (o) => o.id === objectiveId,
      )
      if (!before) throw new NotFound('Objective not found')
      await checkReferences(principal.organisationId, changes)
      return db.transaction().execute(async (trx) => {
        const after = await repo.updateObjective(
          trx,
          principal.organisationId,
          objectiveId,
          {
            ...(changes.title !== undefined && { title: changes.title }),
            ...(changes.successMeasure !== undefined && {
              success_measure: changes.successMeasure,
            }),
            ...(changes.dueDate !== undefined && { due_date: changes.dueDate }),
            ...(changes.nodeId !== undefined && { node_id: changes.nodeId }),
            ...(changes.measureId !== undefined && { measure_id: changes.measureId }),
            ...(changes.projectId !== undefined && { project_id: changes.projectId }),
          },
          clock(),
        )
        const reopened = await reopenIfAgreed(trx, principal, row, seat)
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'objective_updated',
          itemId: row.id,
          summary: `Objective "${after.title}" of ${person.name} changed${reopened ? '; the objectives go back to the manager to agree' : ''}`,
          before,
          after,
        })
        await recompute(trx, principal.organisationId, actorOf(principal))
        return after
      })
    },

    async removeObjective(principal: Principal, appraisalId: string, objectiveId: string) {
      const { row, seat, person } = await requireAppraisal(principal, appraisalId)
      if (!policy.canWriteObjectives(seat)) throw new Forbidden()
      checkWritable(row)
      const before = (await repo.listObjectives(db, principal.organisationId, [row.id])).find(
        (o) => o.id === objectiveId,
      )
      if (!before) throw new NotFound('Objective not found')
      await db.transaction().execute(async (trx) => {
        await repo.deleteObjective(trx, principal.organisationId, objectiveId)
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'objective_removed',
          itemId: row.id,
          summary: `Objective "${before.title}" removed from ${person.name}’s appraisal`,
          before,
        })
        await recompute(trx, principal.organisationId, actorOf(principal))
      })
    },

    /** The line manager agrees the objectives: the objective-setting stage is done. */
    async agree(principal: Principal, appraisalId: string) {
      const { row, seat, person, cycle } = await requireAppraisal(principal, appraisalId)
      if (seat !== 'line_manager') {
        throw new Forbidden(`Only ${person.name}’s line manager can agree their objectives`)
      }
      checkWritable(row)
      if (today() < cycle.objectives_opens) {
        throw new Conflict(`Objective setting opens on ${formatDate(cycle.objectives_opens)}`)
      }
      if (row.objectives_agreed_at) throw new Conflict('The objectives are already agreed')
      const count = (await repo.listObjectives(db, principal.organisationId, [row.id])).length
      if (count === 0) {
        throw Invalid.field('objectives', 'Add at least one objective before agreeing them')
      }
      return db.transaction().execute(async (trx) => {
        const after = await repo.updateAppraisal(
          trx,
          principal.organisationId,
          row.id,
          { objectives_agreed_at: clock(), objectives_agreed_by: recordedPersonId(principal) },
          clock(),
        )
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'objectives_agreed',
          itemId: row.id,
          summary: `${count} objectives of ${person.name} for ${formatFinancialYear(cycle.year)} agreed`,
        })
        await recompute(trx, principal.organisationId, actorOf(principal))
        return after
      })
    },

    /**
     * A mid-year or year-end review: the person writes their own, the line manager theirs; each
     * a rating on the scale and a comment. Writing it again replaces it until sign-off.
     */
    async review(
      principal: Principal,
      appraisalId: string,
      stage: 'mid_year' | 'year_end',
      input: ReviewInput,
    ) {
      const { row, seat, person, cycle } = await requireAppraisal(principal, appraisalId)
      if (seat !== 'self' && seat !== 'line_manager') {
        throw new Forbidden('Only the person and their line manager write reviews')
      }
      checkWritable(row)
      const window = windowsOf(cycle)[stage]
      if (today() < window.opens) {
        throw new Conflict(
          `The ${STAGE_NAMES[stage].toLowerCase()} opens on ${formatDate(window.opens)}`,
        )
      }
      if (seat === 'line_manager' && !row.objectives_agreed_at) {
        throw new Conflict('Agree the objectives before reviewing them')
      }
      const side = seat === 'self' ? 'self' : 'manager'
      const at = clock()
      const changes =
        stage === 'mid_year'
          ? side === 'self'
            ? {
                mid_year_self_rating: input.rating,
                mid_year_self_comment: input.comment,
                mid_year_self_at: at,
              }
            : {
                mid_year_manager_rating: input.rating,
                mid_year_manager_comment: input.comment,
                mid_year_manager_at: at,
                mid_year_manager_id: principal.personId,
              }
          : side === 'self'
            ? {
                year_end_self_rating: input.rating,
                year_end_self_comment: input.comment,
                year_end_self_at: at,
              }
            : {
                year_end_manager_rating: input.rating,
                year_end_manager_comment: input.comment,
                year_end_manager_at: at,
                year_end_manager_id: principal.personId,
              }
      return db.transaction().execute(async (trx) => {
        const after = await repo.updateAppraisal(trx, principal.organisationId, row.id, changes, at)
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: `${stage}_review_${side === 'self' ? 'written' : 'recorded'}`,
          itemId: row.id,
          summary: `${STAGE_NAMES[stage]} of ${person.name} for ${formatFinancialYear(cycle.year)}: ${side === 'self' ? 'their own' : 'the manager’s'} review written`,
          after: changes,
        })
        await recompute(trx, principal.organisationId, actorOf(principal))
        return after
      })
    },

    /** The line manager signs off the year: the appraisal is complete and closed. */
    async signOff(principal: Principal, appraisalId: string) {
      const { row, seat, person, cycle } = await requireAppraisal(principal, appraisalId)
      if (seat === 'self') throw new Forbidden('You cannot sign off your own appraisal')
      if (seat !== 'line_manager') {
        throw new Forbidden(`Only ${person.name}’s line manager can sign off their appraisal`)
      }
      checkWritable(row)
      if (!row.year_end_manager_at) {
        throw new Conflict('Record your year-end review before signing off')
      }
      return db.transaction().execute(async (trx) => {
        const after = await repo.updateAppraisal(
          trx,
          principal.organisationId,
          row.id,
          { signed_off_at: clock(), signed_off_by: principal.personId },
          clock(),
        )
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'appraisal_signed_off',
          itemId: row.id,
          summary: `${person.name}’s ${formatFinancialYear(cycle.year)} appraisal signed off`,
        })
        await recompute(trx, principal.organisationId, actorOf(principal))
        return after
      })
    },
  }
}
