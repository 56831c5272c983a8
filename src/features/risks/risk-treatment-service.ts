import { nextReviewDate } from '../../core/risk-scoring.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { type Principal } from '../../core/principal.ts'
import { presentAction, presentReview, type ActionView, type RiskView } from './risk-presenter.ts'
import * as repo from './risk-repository.ts'
import {
  REGISTER_RANK,
  type ActionChanges,
  type ActionInput,
  type DeEscalationInput,
  type EscalationInput,
  type ReviewInput,
} from './risk-schemas.ts'
import type { RiskCore } from './risk-core.ts'

/** What is done about a risk: its reviews, actions and escalations. */
export function riskTreatmentService(core: RiskCore) {
  const {
    db,
    clock,
    today,
    load,
    checkSignedIn,
    requireRiskIn,
    canManage,
    canRecord,
    score,
    checkPerson,
    audit,
    reload,
    getRisk,
  } = core
  const service = {
    async listReviews(principal: Principal, riskId: string) {
      await getRisk(principal, riskId)
      return (await repo.listReviews(db, principal.organisationId, [riskId])).map(presentReview)
    },

    /** A review moves the current score when it is the latest, and sets the next review date. */
    async recordReview(principal: Principal, riskId: string, input: ReviewInput) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      if (!canRecord(principal, loaded, risk)) throw new Forbidden()
      if (risk.status === 'closed') {
        throw new Conflict(`${risk.reference} is closed. Reopen it before recording a review.`)
      }
      const scored = score(loaded.matrix, ['likelihood', 'impact'], input.likelihood, input.impact)
      if (input.reviewedOn > loaded.now) {
        throw Invalid.field('reviewedOn', 'The date of the review must be today or in the past')
      }
      const org = principal.organisationId
      const existing = await repo.listReviews(db, org, [riskId])
      const latest = existing.at(-1)?.reviewed_on ?? ''
      const isLatest = input.reviewedOn >= latest
      const review = await db.transaction().execute(async (trx) => {
        const row = await repo.insertReview(trx, org, {
          risk_id: riskId,
          reviewed_on: input.reviewedOn,
          reviewer_id: principal.personId,
          likelihood: input.likelihood,
          impact: input.impact,
          note: input.note,
        })
        if (isLatest) {
          await repo.updateRisk(
            trx,
            org,
            riskId,
            {
              current_likelihood: input.likelihood,
              current_impact: input.impact,
              next_review_date: nextReviewDate(input.reviewedOn, risk.reviewFrequency),
            },
            clock(),
          )
        }
        await audit(trx, principal, {
          action: 'risk_reviewed',
          itemType: 'risk',
          itemId: riskId,
          summary: `Risk ${risk.reference} reviewed on ${input.reviewedOn}: score ${risk.current.score} → ${scored}`,
          after: presentReview(row),
        })
        return presentReview(row)
      })
      return { review, risk: await reload(principal, riskId) }
    },

    async listActions(principal: Principal, riskId: string): Promise<ActionView[]> {
      await getRisk(principal, riskId)
      return (await repo.listActions(db, principal.organisationId, [riskId])).map((a) =>
        presentAction(a, today()),
      )
    },

    async getAction(principal: Principal, riskId: string, actionId: string): Promise<ActionView> {
      await getRisk(principal, riskId)
      const row = await repo.findAction(db, principal.organisationId, actionId)
      if (row?.risk_id !== riskId) throw new NotFound('Action not found')
      return presentAction(row, today())
    },

    async addAction(principal: Principal, riskId: string, input: ActionInput): Promise<ActionView> {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      if (!canRecord(principal, loaded, risk)) throw new Forbidden()
      await checkPerson(principal, 'ownerId', input.ownerId)
      return db.transaction().execute(async (trx) => {
        const action = presentAction(
          await repo.insertAction(trx, principal.organisationId, riskId, {
            description: input.description,
            owner_id: input.ownerId ?? null,
            due_date: input.dueDate ?? null,
            status: input.status,
          }),
          loaded.now,
        )
        await audit(trx, principal, {
          action: 'risk_action_added',
          itemType: 'risk',
          itemId: riskId,
          summary: `Mitigating action added to ${risk.reference}: ${action.description}`,
          after: action,
        })
        return action
      })
    },

    async updateAction(
      principal: Principal,
      riskId: string,
      actionId: string,
      changes: ActionChanges,
    ): Promise<ActionView> {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      const row = await repo.findAction(db, principal.organisationId, actionId)
      if (row?.risk_id !== riskId) throw new NotFound('Action not found')
      if (!canRecord(principal, loaded, risk)) throw new Forbidden()
      if (changes.ownerId !== undefined) await checkPerson(principal, 'ownerId', changes.ownerId)
      const before = presentAction(row, loaded.now)
      return db.transaction().execute(async (trx) => {
        const after = presentAction(
          await repo.updateAction(
            trx,
            principal.organisationId,
            actionId,
            {
              ...(changes.description !== undefined && { description: changes.description }),
              ...(changes.ownerId !== undefined && { owner_id: changes.ownerId ?? null }),
              ...(changes.dueDate !== undefined && { due_date: changes.dueDate ?? null }),
              ...(changes.status !== undefined && { status: changes.status }),
            },
            clock(),
          ),
          loaded.now,
        )
        await audit(trx, principal, {
          action: 'risk_action_updated',
          itemType: 'risk',
          itemId: riskId,
          summary: `Mitigating action of ${risk.reference} updated: ${after.description}`,
          before,
          after,
        })
        return after
      })
    },

    async escalate(
      principal: Principal,
      riskId: string,
      input: EscalationInput,
    ): Promise<RiskView> {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      const from = loaded.registerById.get(risk.registerId)
      if (!from) throw new NotFound('Register not found')
      if (!canManage(principal, loaded, risk)) throw new Forbidden()
      if (risk.status === 'closed') {
        throw new Conflict(`${risk.reference} is closed. Reopen it before escalating it.`)
      }
      if (from.level === 'corporate') {
        throw Invalid.field(
          'toRegisterId',
          `${risk.reference} is on the corporate register, the highest: it cannot be escalated further`,
        )
      }
      const to = loaded.registerById.get(input.toRegisterId)
      if (!to) throw Invalid.field('toRegisterId', 'Select the register to escalate to')
      if (REGISTER_RANK[to.level] <= REGISTER_RANK[from.level]) {
        throw Invalid.field(
          'toRegisterId',
          `Escalate to a register above "${from.name}": a ${to.level} register is not higher`,
        )
      }
      await db.transaction().execute(async (trx) => {
        const org = principal.organisationId
        const escalation = await repo.insertEscalation(trx, org, {
          risk_id: riskId,
          from_register_id: from.id,
          to_register_id: to.id,
          reason: input.reason,
          escalated_on: loaded.now,
          escalated_by_id: principal.personId,
        })
        await repo.updateRisk(trx, org, riskId, { register_id: to.id }, clock())
        await audit(trx, principal, {
          action: 'risk_escalated',
          itemType: 'risk',
          itemId: riskId,
          summary: `Risk ${risk.reference} escalated from "${from.name}" to "${to.name}": ${input.reason}`,
          after: escalation,
        })
      })
      return reload(principal, riskId)
    },

    /** Back to the register it was escalated from; the higher register's managers decide. */
    async deEscalate(principal: Principal, riskId: string, input: DeEscalationInput) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      if (!canManage(principal, loaded, risk)) throw new Forbidden()
      const arrival = loaded.escalations.find(
        (e) => e.riskId === riskId && e.open && e.toRegisterId === risk.registerId,
      )
      if (!arrival)
        throw new Conflict(
          `${risk.reference} was raised in this register: it has nowhere to go back to.`,
        )
      await db.transaction().execute(async (trx) => {
        const org = principal.organisationId
        const closed = await repo.closeEscalation(trx, org, arrival.id, {
          de_escalated_on: loaded.now,
          de_escalated_by_id: principal.personId,
          de_escalation_reason: input.reason,
        })
        await repo.updateRisk(trx, org, riskId, { register_id: arrival.fromRegisterId }, clock())
        await audit(trx, principal, {
          action: 'risk_de_escalated',
          itemType: 'risk',
          itemId: riskId,
          summary: `Risk ${risk.reference} returned from "${arrival.toRegisterName}" to "${arrival.fromRegisterName}": ${input.reason}`,
          before: arrival,
          after: closed,
        })
      })
      return reload(principal, riskId)
    },
  }
  return service
}
