import { periodContaining, periodsBetween, PeriodError } from '../../core/periods.ts'
import { mitigationSeries } from '../../core/risk-scoring.ts'
import { Forbidden, Invalid, NotFound } from '../../errors.ts'
import { type Principal } from '../../core/principal.ts'
import type { LinkableItem } from '../links/index.ts'
import { presentAction, type RiskView } from './risk-presenter.ts'
import * as repo from './risk-repository.ts'
import { ACTION_STATUS_NAMES, type MitigationFrequency } from './risk-schemas.ts'
import type { RiskCore } from './risk-core.ts'
import { RELATED_KINDS } from './risk-core.ts'

/** What other features read of risks: reviews due, appetite, mitigation, links to their items. */
export function riskLinkService(core: RiskCore) {
  const {
    db,
    links,
    load,
    checkSignedIn,
    requireRiskIn,
    canManage,
    audit,
    filterRisks,
    listRisks,
  } = core
  const service = {
    /** Reviews overdue and due in the next two weeks, soonest first. */
    async reviewsDue(principal: Principal) {
      const risks = await listRisks(principal, { status: 'open' })
      const bySoonest = (a: RiskView, b: RiskView) =>
        (a.nextReviewDate ?? '').localeCompare(b.nextReviewDate ?? '')
      return {
        overdue: risks.filter((r) => r.reviewState === 'overdue').sort(bySoonest),
        dueSoon: risks.filter((r) => r.reviewState === 'due_soon').sort(bySoonest),
      }
    },

    async aboveAppetite(principal: Principal) {
      const risks = await listRisks(principal, { status: 'open', aboveAppetite: true })
      return risks.sort(
        (a, b) => b.current.score - a.current.score || a.reference.localeCompare(b.reference),
      )
    },

    /**
     * "% of corporate red risks mitigated to tolerable level within 3 months", for every monthly
     * or quarterly period from the one holding `from` to the one holding `to` (ISO dates), over
     * the risks now on corporate registers that the person may see.
     */
    async riskMitigationSeries(
      principal: Principal,
      frequency: MitigationFrequency,
      from: string,
      to: string,
    ) {
      checkSignedIn(principal)
      let periods
      try {
        periods = periodsBetween(periodContaining(from, frequency), periodContaining(to, frequency))
      } catch (error) {
        if (error instanceof PeriodError) throw Invalid.field('from', error.message)
        throw error
      }
      if (periods.length === 0) throw Invalid.field('to', 'The end must be on or after the start')
      if (periods.length > 240) throw Invalid.field('from', 'Ask for 240 periods or fewer')
      const loaded = await load(principal)
      const corporate = new Set(
        loaded.registers.filter((r) => r.level === 'corporate').map((r) => r.id),
      )
      const risks = loaded.risks.filter((r) => corporate.has(r.registerId) && loaded.canSeeRisk(r))
      const reviews = await repo.listReviews(
        db,
        principal.organisationId,
        risks.map((r) => r.id),
      )
      const histories = risks.map((risk) =>
        reviews
          .filter((r) => r.risk_id === risk.id)
          .map((r) => ({ date: r.reviewed_on, likelihood: r.likelihood, impact: r.impact })),
      )
      return mitigationSeries(loaded.matrix, histories, periods, loaded.now).map((point) => ({
        period: {
          frequency: point.period.frequency,
          start: point.period.start,
          label: point.period.label,
        },
        value: point.value,
        numerator: point.numerator,
        denominator: point.denominator,
      }))
    },

    /** Risks as the golden thread shows them, for the link registry. */
    async linkableRisks(principal: Principal, ids?: readonly string[]): Promise<LinkableItem[]> {
      if (principal.roles.length === 0) return []
      const wanted = ids ? new Set(ids) : null
      return (await listRisks(principal))
        .filter((r) => wanted === null || wanted.has(r.id))
        .map((r) => ({
          id: r.id,
          title: r.title,
          href: `/risks/${r.id}`,
          hint: `${r.reference}, ${r.registerName}`,
          status: r.current.band,
          active: r.status === 'open',
        }))
    },

    /** Items of other features linked to a risk (projects, once they register their kind). */
    async relatedItems(principal: Principal, riskId: string) {
      const rows = await repo.listRiskLinks(db, principal.organisationId, riskId)
      const out = []
      for (const kind of service.relatedKinds()) {
        const ids = rows.filter((r) => r.item_kind === kind.kind).map((r) => r.item_id)
        const items = ids.length > 0 ? await kind.find(principal, ids) : []
        for (const item of items) {
          const row = rows.find((r) => r.item_kind === kind.kind && r.item_id === item.id)
          if (row) out.push({ linkId: row.id, itemKind: kind.kind, kindName: kind.name, item })
        }
      }
      return out
    },

    relatedKinds() {
      return RELATED_KINDS.flatMap((k) => {
        const kind = links.get(k)
        return kind ? [kind] : []
      })
    },

    async linkRelated(
      principal: Principal,
      riskId: string,
      input: { itemKind: string; itemId: string },
    ) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      if (!canManage(principal, loaded, risk)) throw new Forbidden()
      const kind = service.relatedKinds().find((k) => k.kind === input.itemKind)
      if (!kind) throw Invalid.field('itemKind', 'Select the kind of item')
      const [item] = await kind.find(principal, [input.itemId])
      if (!item) throw Invalid.field('itemId', `Select a ${kind.name} from the list`)
      const existing = await repo.listRiskLinks(db, principal.organisationId, riskId)
      if (existing.some((l) => l.item_kind === kind.kind && l.item_id === item.id)) {
        throw Invalid.field('itemId', `${item.title} is already linked to ${risk.reference}`)
      }
      return db.transaction().execute(async (trx) => {
        const row = await repo.insertRiskLink(trx, principal.organisationId, {
          risk_id: riskId,
          item_kind: kind.kind,
          item_id: item.id,
        })
        await audit(trx, principal, {
          action: 'risk_item_linked',
          itemType: 'risk',
          itemId: riskId,
          summary: `${item.title} (${kind.name}) linked to risk ${risk.reference}`,
          after: { linkId: row.id, itemKind: kind.kind, itemId: item.id },
        })
        return { linkId: row.id, itemKind: kind.kind, kindName: kind.name, item }
      })
    },

    async unlinkRelated(principal: Principal, riskId: string, linkId: string) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      const link = (await repo.listRiskLinks(db, principal.organisationId, riskId)).find(
        (l) => l.id === linkId,
      )
      if (!link) throw new NotFound('Link not found')
      if (!canManage(principal, loaded, risk)) throw new Forbidden()
      await db.transaction().execute(async (trx) => {
        await repo.deleteRiskLink(trx, principal.organisationId, linkId)
        await audit(trx, principal, {
          action: 'risk_item_unlinked',
          itemType: 'risk',
          itemId: riskId,
          summary: `A ${link.item_kind} no longer linked to risk ${risk.reference}`,
          before: { linkId, itemKind: link.item_kind, itemId: link.item_id },
        })
      })
    },

    /** For other features' pages: the risks linked to one of their items (a project's risks). */
    async risksLinkedTo(principal: Principal, itemKind: string, itemId: string) {
      const rows = await repo.linksToItem(db, principal.organisationId, itemKind, itemId)
      const ids = new Set(rows.map((r) => r.risk_id))
      return (await listRisks(principal)).filter((r) => ids.has(r.id))
    },

    /**
     * For highlight reports: the open risks the person may see that are linked to any of these
     * items, highest current score first, each with the items it is linked to among them and its
     * mitigating actions.
     */
    async openRisksLinkedTo(principal: Principal, itemKind: string, itemIds: readonly string[]) {
      checkSignedIn(principal)
      const org = principal.organisationId
      const rows = await repo.linksToItems(db, org, itemKind, itemIds)
      if (rows.length === 0) return []
      const loaded = await load(principal)
      const linked = new Set(rows.map((r) => r.risk_id))
      const open = filterRisks(loaded, { status: 'open' })
        .filter((r) => linked.has(r.id))
        .sort((a, b) => b.current.score - a.current.score || a.reference.localeCompare(b.reference))
      const actions = await repo.listActions(
        db,
        org,
        open.map((r) => r.id),
      )
      return open.map((risk) => ({
        ...risk,
        linkedTo: rows.filter((r) => r.risk_id === risk.id).map((r) => r.item_id),
        actions: actions
          .filter((a) => a.risk_id === risk.id)
          .map((a) => {
            const action = presentAction(a, loaded.now)
            return { ...action, statusName: ACTION_STATUS_NAMES[action.status] }
          }),
      }))
    },
  }
  return service
}

export type RiskLinkService = ReturnType<typeof riskLinkService>
