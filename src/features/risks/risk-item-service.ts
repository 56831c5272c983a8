import type { Kysely } from 'kysely'
import { nextReviewDate, scoreHistory } from '../../core/risk-scoring.ts'
import type { DB } from '../../db/schema.ts'
import { Forbidden, Invalid } from '../../errors.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import * as policy from './risk-policy.ts'
import { presentAction, presentReview, presentScore, type RiskView } from './risk-presenter.ts'
import * as repo from './risk-repository.ts'
import { REGISTER_RANK, type RiskChanges, type RiskInput } from './risk-schemas.ts'
import type { RiskCore } from './risk-core.ts'
import type { RiskLinkService } from './risk-link-service.ts'

/** Risks themselves: their detail, raising and editing them. */
export function riskItemService(core: RiskCore, linked: Pick<RiskLinkService, 'relatedItems'>) {
  const {
    db,
    clock,
    load,
    checkSignedIn,
    requireRiskIn,
    canManage,
    canRecord,
    score,
    checkPerson,
    audit,
    reload,
  } = core
  const service = {
    /** A risk with its score history, actions, escalations and what the person may do. */
    async riskDetail(principal: Principal, id: string) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, id)
      const org = principal.organisationId
      const [reviews, actions, related] = await Promise.all([
        repo.listReviews(db, org, [id]),
        repo.listActions(db, org, [id]),
        linked.relatedItems(principal, id),
      ])
      const history = scoreHistory(
        loaded.matrix,
        reviews.map((r) => ({
          ...presentReview(r),
          date: r.reviewed_on,
        })),
      ).map((p) => ({
        ...p.review,
        score: presentScore(loaded.matrix, p.review.likelihood, p.review.impact),
        direction: p.direction,
      }))
      const register = loaded.registerById.get(risk.registerId) ?? null
      const escalationTargets =
        register === null
          ? []
          : loaded.registers.filter((r) => REGISTER_RANK[r.level] > REGISTER_RANK[register.level])
      return {
        risk,
        register,
        matrix: loaded.matrix,
        history,
        actions: actions.map((a) => presentAction(a, loaded.now)),
        escalations: loaded.escalations.filter((e) => e.riskId === id),
        related,
        escalationTargets,
        canManage: canManage(principal, loaded, risk),
        canRecord: canRecord(principal, loaded, risk),
      }
    },

    async createRisk(principal: Principal, input: RiskInput): Promise<RiskView> {
      const id = await db
        .transaction()
        .execute((trx) => service.createRiskIn(trx, principal, input))
      return reload(principal, id)
    },

    /** Raises a risk inside `trx`, with its first review and its audit record. */
    async createRiskIn(trx: Kysely<DB>, principal: Principal, input: RiskInput): Promise<string> {
      checkSignedIn(principal)
      const loaded = await load(principal, trx)
      const register = loaded.registerById.get(input.registerId)
      if (!register || !loaded.canSeeRegister(register.id)) {
        throw Invalid.field('registerId', 'Select the register from the list')
      }
      if (!policy.canManageRisks(principal, register, loaded.tree)) throw new Forbidden()
      const m = loaded.matrix
      score(
        m,
        ['inherentLikelihood', 'inherentImpact'],
        input.inherentLikelihood,
        input.inherentImpact,
      )
      score(m, ['currentLikelihood', 'currentImpact'], input.currentLikelihood, input.currentImpact)
      score(m, ['targetLikelihood', 'targetImpact'], input.targetLikelihood, input.targetImpact)
      await checkPerson(principal, 'ownerId', input.ownerId, trx)
      if (await repo.referenceTaken(trx, principal.organisationId, input.reference)) {
        throw Invalid.field(
          'reference',
          `${input.reference} is already the reference of another risk`,
        )
      }
      const now = loaded.now
      const row = await repo.insertRisk(trx, principal.organisationId, {
        register_id: register.id,
        reference: input.reference,
        title: input.title,
        cause: input.cause ?? null,
        event: input.event ?? null,
        effect: input.effect ?? null,
        category: input.category,
        owner_id: input.ownerId ?? null,
        review_frequency: input.reviewFrequency,
        next_review_date: input.nextReviewDate ?? nextReviewDate(now, input.reviewFrequency),
        inherent_likelihood: input.inherentLikelihood,
        inherent_impact: input.inherentImpact,
        current_likelihood: input.currentLikelihood,
        current_impact: input.currentImpact,
        target_likelihood: input.targetLikelihood,
        target_impact: input.targetImpact,
      })
      // The first assessment starts the score history.
      await repo.insertReview(trx, principal.organisationId, {
        risk_id: row.id,
        reviewed_on: now,
        reviewer_id: recordedPersonId(principal),
        likelihood: input.currentLikelihood,
        impact: input.currentImpact,
        note: 'Assessed when the risk was raised',
      })
      await audit(trx, principal, {
        action: 'risk_created',
        itemType: 'risk',
        itemId: row.id,
        summary: `Risk ${row.reference} "${row.title}" raised in "${register.name}"`,
        after: row,
      })
      return row.id
    },

    /** Edits, closes or reopens (status) a risk. */
    async updateRisk(principal: Principal, id: string, changes: RiskChanges): Promise<RiskView> {
      await db.transaction().execute((trx) => service.updateRiskIn(trx, principal, id, changes))
      return reload(principal, id)
    },

    /** Edits, closes or reopens a risk inside `trx`, with its audit record. */
    async updateRiskIn(
      trx: Kysely<DB>,
      principal: Principal,
      id: string,
      changes: RiskChanges,
    ): Promise<void> {
      checkSignedIn(principal)
      const loaded = await load(principal, trx)
      const before = requireRiskIn(loaded, id)
      if (!canManage(principal, loaded, before)) throw new Forbidden()
      const m = loaded.matrix
      score(
        m,
        ['inherentLikelihood', 'inherentImpact'],
        changes.inherentLikelihood ?? before.inherent.likelihood,
        changes.inherentImpact ?? before.inherent.impact,
      )
      score(
        m,
        ['targetLikelihood', 'targetImpact'],
        changes.targetLikelihood ?? before.target.likelihood,
        changes.targetImpact ?? before.target.impact,
      )
      if (changes.ownerId !== undefined)
        await checkPerson(principal, 'ownerId', changes.ownerId, trx)
      if (
        changes.reference !== undefined &&
        (await repo.referenceTaken(trx, principal.organisationId, changes.reference, id))
      ) {
        throw Invalid.field(
          'reference',
          `${changes.reference} is already the reference of another risk`,
        )
      }
      const closing = changes.status === 'closed' && before.status === 'open'
      const reopening = changes.status === 'open' && before.status === 'closed'
      const row = await repo.updateRisk(
        trx,
        principal.organisationId,
        id,
        {
          ...(changes.reference !== undefined && { reference: changes.reference }),
          ...(changes.title !== undefined && { title: changes.title }),
          ...(changes.cause !== undefined && { cause: changes.cause ?? null }),
          ...(changes.event !== undefined && { event: changes.event ?? null }),
          ...(changes.effect !== undefined && { effect: changes.effect ?? null }),
          ...(changes.category !== undefined && { category: changes.category }),
          ...(changes.ownerId !== undefined && { owner_id: changes.ownerId ?? null }),
          ...(changes.reviewFrequency !== undefined && {
            review_frequency: changes.reviewFrequency,
          }),
          ...(changes.nextReviewDate !== undefined && {
            next_review_date: changes.nextReviewDate ?? null,
          }),
          ...(changes.inherentLikelihood !== undefined && {
            inherent_likelihood: changes.inherentLikelihood,
          }),
          ...(changes.inherentImpact !== undefined && {
            inherent_impact: changes.inherentImpact,
          }),
          ...(changes.targetLikelihood !== undefined && {
            target_likelihood: changes.targetLikelihood,
          }),
          ...(changes.targetImpact !== undefined && { target_impact: changes.targetImpact }),
          ...(changes.status !== undefined && { status: changes.status }),
          ...(closing && { closed_on: loaded.now, closed_reason: changes.closedReason ?? null }),
          ...(reopening && { closed_on: null, closed_reason: null }),
        },
        clock(),
      )
      const action = closing ? 'risk_closed' : reopening ? 'risk_reopened' : 'risk_updated'
      await audit(trx, principal, {
        action,
        itemType: 'risk',
        itemId: id,
        summary:
          closing && changes.closedReason
            ? `Risk ${row.reference} closed: ${changes.closedReason}`
            : `Risk ${row.reference} ${action.replace('risk_', '')}`,
        before,
        after: row,
      })
    },
  }
  return service
}
