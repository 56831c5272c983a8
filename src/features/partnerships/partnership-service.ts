import type { Kysely } from 'kysely'
import type { DB, ShareItemKind } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { recordAudit, type AuditActor, actorOf } from '../audit/index.ts'
import { recordedPersonId, type Principal, type RoleGrant } from '../../core/principal.ts'
import type { ValueService, ValueInput } from '../measure-values/index.ts'
import { formatValue, type MeasureValueView, type MeasureService } from '../measures/index.ts'
import type { ReportDocument, ReportFormat, RenderedReport } from '../reports/index.ts'
import type { UpdateInput, UpdateService } from '../project-updates/index.ts'
import type { ProjectService } from '../projects/index.ts'
import type { RiskService } from '../risks/index.ts'
import * as policy from './partnership-policy.ts'
import {
  hiddenText,
  presentMember,
  presentPartnership,
  presentShare,
  type SharedItem,
} from './partnership-presenter.ts'
import { partnershipReport } from './partnership-report.ts'
import * as repo from './partnership-repository.ts'
import type {
  MemberInput,
  PartnershipInput,
  PriorityInput,
  ShareInput,
  WithdrawInput,
} from './partnership-schemas.ts'

export interface PartnershipDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly measures: MeasureService
  readonly values: ValueService
  readonly projects: ProjectService
  readonly projectUpdates: UpdateService
  readonly risks: RiskService
  readonly render: (doc: ReportDocument, format: ReportFormat) => Promise<RenderedReport>
}

const KIND_NAMES: Readonly<Record<ShareItemKind, string>> = {
  measure: 'measure',
  project: 'project',
  risk: 'risk',
}

const NOT_A_MEMBER = 'No partnership with that id has your organisation as a member'

export type PartnershipService = ReturnType<typeof createPartnershipService>

export function createPartnershipService(deps: PartnershipDeps) {
  const { db, clock } = deps

  async function requirePartnership(principal: Principal, id: string) {
    const partnership = await repo.findPartnership(db, id)
    const members = partnership ? await repo.listMembers(db, id) : []
    if (
      !partnership ||
      !policy.canViewPartnership(
        principal,
        members.map((m) => m.organisation_id),
      )
    ) {
      throw new NotFound(NOT_A_MEMBER)
    }
    return { partnership, members }
  }

  const scopeOf = (share: repo.ShareRow): policy.ShareScope => ({
    ownerOrganisationId: share.organisation_id,
    access: share.access,
    withdrawnAt: share.withdrawn_at,
  })

  /** A live share the person may read; withdrawn ones are gone for everyone at once. */
  async function requireShare(principal: Principal, id: string, shareId: string) {
    const found = await requirePartnership(principal, id)
    const share = await repo.findShare(db, id, shareId)
    if (!share) throw new NotFound('No such item is shared with this partnership')
    if (!policy.canReadShared(principal, scopeOf(share))) {
      throw new NotFound(
        `This ${KIND_NAMES[share.item_kind]} was withdrawn from ${found.partnership.name} by ` +
          `${share.organisation_name}: it is no longer shared`,
      )
    }
    return { ...found, share }
  }

  /**
   * The owner organisation's services are asked as a person of that organisation with only the
   * grants given here, for this one item: how another member reads or contributes to a shared
   * item without any of the owner's other data coming into reach. Audit records name the person
   * and their own organisation.
   */
  function onBehalf(principal: Principal, share: repo.ShareRow, roles: RoleGrant[]): Principal {
    return {
      personId: principal.personId,
      organisationId: share.organisation_id,
      organisationName: share.organisation_name,
      organisationSlug: share.organisation_slug,
      name: `${principal.name} (${principal.organisationName})`,
      email: principal.email,
      roles,
    }
  }
  const reader = (principal: Principal, share: repo.ShareRow) =>
    onBehalf(principal, share, [{ role: 'viewer', unitId: null }])

  /** One audit record in every member's own chain, so each side sees the share and its end. */
  async function auditMembers(
    trx: Kysely<DB>,
    principal: Principal,
    organisationIds: readonly string[],
    entry: { action: string; itemType: string; itemId: string; summary: string; after?: unknown },
  ) {
    for (const organisationId of new Set(organisationIds)) {
      const actor: AuditActor =
        organisationId === principal.organisationId
          ? actorOf(principal)
          : { personId: null, name: `${principal.name} (${principal.organisationName})` }
      await recordAudit(trx, { organisationId, actor, ...entry }, clock)
    }
  }

  const isNotFound = (error: unknown) => error instanceof NotFound || error instanceof Forbidden

  /** The shared item as the partnership shows it, or null when its owner no longer has it. */
  async function loadItem(principal: Principal, share: repo.ShareRow): Promise<SharedItem | null> {
    const as = reader(principal, share)
    try {
      if (share.item_kind === 'measure') {
        const measure = await deps.measures.get(as, share.item_id)
        const values = await deps.values.list(as, share.item_id)
        // Each member signs off its own data: partners see only what its owner approved.
        const approved = values.filter((v) => v.status === 'approved')
        const latest: MeasureValueView | null = approved.at(-1) ?? null
        return {
          kind: 'measure',
          id: measure.id,
          label: `${measure.code}: ${measure.title}`,
          measure: {
            code: measure.code,
            title: measure.title,
            definition: measure.definition,
            unit: measure.unit,
            decimals: measure.decimals,
            polarity: measure.polarity,
            frequency: measure.frequency,
            public: measure.public,
          },
          latest: latest && {
            period: latest.period,
            value: latest.value,
            valueText: formatValue(latest.value, measure),
            target: latest.target,
            targetText: formatValue(latest.target, measure),
            rag: latest.rag,
            direction: latest.direction,
            commentary: latest.commentary,
          },
          history: approved.slice(-12).map((v) => ({
            period: v.period,
            value: v.value,
            valueText: formatValue(v.value, measure),
            targetText: formatValue(v.target, measure),
            rag: v.rag,
          })),
        }
      }
      if (share.item_kind === 'project') {
        const project = await deps.projects.get(as, share.item_id)
        const updates = (await deps.projectUpdates.list(as, share.item_id)).filter(
          (u) => u.status === 'approved',
        )
        return {
          kind: 'project',
          id: project.id,
          label: project.code ? `${project.code}: ${project.title}` : project.title,
          project: {
            title: project.title,
            level: project.level,
            status: project.status,
            statusText: project.statusText,
            statusSymbol: project.statusSymbol,
            startDate: project.startDate,
            endDate: project.endDate,
          },
          updates: updates.slice(-6).map((u) => ({
            monthLabel: u.monthLabel,
            highlights: u.highlights,
            confidenceText: u.confidenceText,
          })),
        }
      }
      const risk = await deps.risks.getRisk(as, share.item_id)
      return {
        kind: 'risk',
        id: risk.id,
        label: `${risk.reference}: ${risk.title}`,
        risk: {
          reference: risk.reference,
          title: risk.title,
          status: risk.status,
          current: {
            score: risk.current.score,
            band: risk.current.band,
            bandName: risk.current.bandName,
          },
          aboveAppetite: risk.aboveAppetite,
        },
      }
    } catch (error) {
      if (isNotFound(error)) return null
      throw error
    }
  }

  /** Everything the partnership's dashboard, thread and report show, for this person. */
  async function overview(principal: Principal, id: string) {
    const { partnership, members } = await requirePartnership(principal, id)
    const priorities = await repo.listPriorities(db, id)
    const shares = await repo.listShares(db, id)
    const publishing = new Map(members.map((m) => [m.organisation_id, m.organisation_publishes]))
    const live = shares.filter((s) => s.withdrawn_at === null)
    const items: { share: ReturnType<typeof presentShare>; item: SharedItem }[] = []
    let hidden = 0
    for (const share of live) {
      const item = await loadItem(principal, share)
      if (!item) {
        hidden++
        continue
      }
      // Publication follows the owner's settings: its public flag and whether it publishes.
      if (item.kind === 'measure') {
        item.measure.public =
          item.measure.public && (publishing.get(share.organisation_id) ?? false)
      }
      items.push({ share: presentShare(share, principal), item })
    }
    const byPriority = (priorityId: string | null) =>
      items.filter((i) => i.share.priorityId === priorityId)
    return {
      partnership: presentPartnership(partnership, members),
      members: members.map(presentMember),
      priorities: priorities.map((p) => ({
        id: p.id,
        title: p.title,
        description: p.description,
        items: byPriority(p.id),
      })),
      unassigned: items.filter(
        (i) => i.share.priorityId === null || !priorities.some((p) => p.id === i.share.priorityId),
      ),
      items,
      hidden,
      hiddenText: hiddenText(hidden),
      /** Every share and withdrawal, newest first: the record both sides see. */
      log: shares.map((s) => presentShare(s, principal)),
      canManage: policy.canManagePartnership(principal, partnership.organisation_id),
      canEditPlan: policy.canEditSharedPlan(principal, partnership.organisation_id),
      canShare: policy.canShare(principal),
    }
  }

  return {
    requirePartnership,

    async list(principal: Principal) {
      if (principal.roles.length === 0) return []
      const rows = await repo.listForOrganisation(db, principal.organisationId)
      const result = []
      for (const row of rows) {
        const members = await repo.listMembers(db, row.id)
        const live = (await repo.listShares(db, row.id)).filter((s) => s.withdrawn_at === null)
        result.push({ ...presentPartnership(row, members), sharedItems: live.length })
      }
      return result
    },

    canCreate: (principal: Principal) => policy.canCreatePartnership(principal),

    async create(principal: Principal, input: PartnershipInput) {
      if (!policy.canCreatePartnership(principal)) {
        throw new Forbidden('Only your organisation’s administrators can set up a partnership')
      }
      const now = clock()
      const row = await db.transaction().execute(async (trx) => {
        const created = await repo.insertPartnership(trx, {
          organisationId: principal.organisationId,
          name: input.name,
          purpose: input.purpose ?? null,
          createdBy: recordedPersonId(principal),
        })
        await repo.insertMember(trx, {
          partnershipId: created.id,
          organisationId: principal.organisationId,
          role: 'host',
          addedBy: recordedPersonId(principal),
          joinedAt: now,
        })
        await auditMembers(trx, principal, [principal.organisationId], {
          action: 'partnership_created',
          itemType: 'partnership',
          itemId: created.id,
          summary: `Partnership "${created.name}" set up, hosted by ${principal.organisationName}`,
          after: { name: created.name, purpose: created.purpose },
        })
        return created
      })
      return presentPartnership(row, await repo.listMembers(db, row.id))
    },

    async get(principal: Principal, id: string) {
      const { partnership, members } = await requirePartnership(principal, id)
      return presentPartnership(partnership, members)
    },

    overview,

    /** The partnership report in a committee format, built from what this person may see. */
    async report(principal: Principal, id: string, format: ReportFormat) {
      const view = await overview(principal, id)
      const doc = partnershipReport(view, clock().toISOString().slice(0, 10))
      return { name: view.partnership.name, rendered: await deps.render(doc, format) }
    },

    async members(principal: Principal, id: string) {
      const { members } = await requirePartnership(principal, id)
      return members.map(presentMember)
    },

    async addMember(principal: Principal, id: string, input: MemberInput) {
      const { partnership, members } = await requirePartnership(principal, id)
      if (!policy.canManagePartnership(principal, partnership.organisation_id)) {
        throw new Forbidden(`Only the administrators of the host organisation add members`)
      }
      const slug = input.organisation.trim().toLowerCase()
      const organisation = await repo.findOrganisationBySlug(db, slug)
      if (!organisation) {
        throw Invalid.field(
          'organisation',
          `There is no organisation with the short name "${slug}"`,
        )
      }
      if (members.some((m) => m.organisation_id === organisation.id)) {
        throw Invalid.field('organisation', `${organisation.name} is already a member`)
      }
      await db.transaction().execute(async (trx) => {
        await repo.insertMember(trx, {
          partnershipId: id,
          organisationId: organisation.id,
          role: 'member',
          addedBy: recordedPersonId(principal),
          joinedAt: clock(),
        })
        await auditMembers(trx, principal, [principal.organisationId, organisation.id], {
          action: 'partnership_member_added',
          itemType: 'partnership',
          itemId: id,
          summary: `${organisation.name} joined the partnership "${partnership.name}"`,
          after: { organisation: organisation.slug },
        })
      })
      return (await repo.listMembers(db, id)).map(presentMember)
    },

    async priorities(principal: Principal, id: string) {
      await requirePartnership(principal, id)
      return (await repo.listPriorities(db, id)).map((p) => ({
        id: p.id,
        title: p.title,
        description: p.description,
      }))
    },

    async addPriority(principal: Principal, id: string, input: PriorityInput) {
      const { partnership } = await requirePartnership(principal, id)
      if (!policy.canEditSharedPlan(principal, partnership.organisation_id)) {
        throw new Forbidden(
          'Only the host organisation’s administrators and performance officers change the shared plan',
        )
      }
      const existing = await repo.listPriorities(db, id)
      const row = await db.transaction().execute(async (trx) => {
        const created = await repo.insertPriority(trx, {
          partnershipId: id,
          organisationId: partnership.organisation_id,
          title: input.title,
          description: input.description ?? null,
          position: existing.length,
        })
        await auditMembers(trx, principal, [principal.organisationId], {
          action: 'partnership_priority_added',
          itemType: 'partnership',
          itemId: id,
          summary: `Priority "${created.title}" added to the shared plan of "${partnership.name}"`,
        })
        return created
      })
      return { id: row.id, title: row.title, description: row.description }
    },

    /** The person's own organisation's items, to choose one to share. */
    async shareableItems(principal: Principal, id: string) {
      await requirePartnership(principal, id)
      if (!policy.canShare(principal)) throw new Forbidden()
      return repo.shareableItems(db, principal.organisationId)
    },

    async shares(principal: Principal, id: string) {
      await requirePartnership(principal, id)
      return (await repo.listShares(db, id)).map((s) => presentShare(s, principal))
    },

    async share(principal: Principal, id: string, input: ShareInput) {
      const { partnership, members } = await requirePartnership(principal, id)
      if (!policy.canShare(principal)) {
        throw new Forbidden(
          'Only your organisation’s organisation-wide administrators and performance officers share its items',
        )
      }
      const item = await repo.ownItem(db, principal.organisationId, input.itemKind, input.itemId)
      if (!item) {
        throw new NotFound(
          `Your organisation has no ${KIND_NAMES[input.itemKind]} with that id: ` +
            'you can share only your own organisation’s items',
        )
      }
      const priorityId = input.priorityId ?? null
      if (priorityId !== null) {
        const priorities = await repo.listPriorities(db, id)
        if (!priorities.some((p) => p.id === priorityId)) {
          throw Invalid.field('priorityId', 'Select a priority of this partnership’s shared plan')
        }
      }
      if (await repo.findLiveShare(db, id, input.itemKind, input.itemId)) {
        throw new Conflict(`${item.label} is already shared with ${partnership.name}`)
      }
      const now = clock()
      const row = await db.transaction().execute(async (trx) => {
        const created = await repo.insertShare(trx, {
          partnershipId: id,
          organisationId: principal.organisationId,
          itemKind: input.itemKind,
          itemId: input.itemId,
          priorityId,
          access: input.access,
          basis: input.basis,
          sharedBy: recordedPersonId(principal),
          sharedByName: principal.name,
          sharedAt: now,
        })
        await auditMembers(
          trx,
          principal,
          members.map((m) => m.organisation_id),
          {
            action: 'partnership_item_shared',
            itemType: 'partnership_share',
            itemId: created.id,
            summary:
              `${principal.organisationName} shared ${KIND_NAMES[input.itemKind]} ${item.label} ` +
              `with "${partnership.name}" to ${input.access === 'read' ? 'read' : 'contribute to'}, ` +
              `under: ${input.basis}`,
            after: {
              itemKind: input.itemKind,
              itemId: input.itemId,
              access: input.access,
              basis: input.basis,
            },
          },
        )
        return created
      })
      const share = await repo.findShare(db, id, row.id)
      if (!share) throw new NotFound()
      return presentShare(share, principal)
    },

    async withdraw(principal: Principal, id: string, shareId: string, input: WithdrawInput) {
      const { partnership, members } = await requirePartnership(principal, id)
      const share = await repo.findShare(db, id, shareId)
      if (!share) throw new NotFound('No such item is shared with this partnership')
      if (share.organisation_id !== principal.organisationId) {
        throw new Forbidden(`Only ${share.organisation_name}, which shared it, can withdraw it`)
      }
      if (share.withdrawn_at !== null) throw new Conflict('This item has already been withdrawn')
      if (!policy.canWithdraw(principal, scopeOf(share))) {
        throw new Forbidden(
          'Only your organisation’s organisation-wide administrators and performance officers withdraw its items',
        )
      }
      const item = await repo.ownItem(db, share.organisation_id, share.item_kind, share.item_id)
      const label = item?.label ?? `${KIND_NAMES[share.item_kind]} ${share.item_id}`
      await db.transaction().execute(async (trx) => {
        const done = await repo.withdrawShare(trx, shareId, {
          personId: recordedPersonId(principal),
          name: principal.name,
          at: clock(),
          reason: input.reason ?? null,
        })
        if (!done) throw new Conflict('This item has already been withdrawn')
        await auditMembers(
          trx,
          principal,
          members.map((m) => m.organisation_id),
          {
            action: 'partnership_item_withdrawn',
            itemType: 'partnership_share',
            itemId: shareId,
            summary:
              `${principal.organisationName} withdrew ${label} from "${partnership.name}"` +
              (input.reason ? `: ${input.reason}` : ''),
          },
        )
      })
      const after = await repo.findShare(db, id, shareId)
      if (!after) throw new NotFound()
      return presentShare(after, principal)
    },

    /** One shared item with its history, if the person may still read it. */
    async sharedItem(principal: Principal, id: string, shareId: string) {
      const { partnership, members, share } = await requireShare(principal, id, shareId)
      const item = await loadItem(principal, share)
      if (!item) {
        throw new NotFound(
          `${share.organisation_name} no longer has this ${KIND_NAMES[share.item_kind]}`,
        )
      }
      const owner = members.find((m) => m.organisation_id === share.organisation_id)
      // Publication follows the owner's settings: its public flag and whether it publishes.
      if (item.kind === 'measure') {
        item.measure.public = item.measure.public && (owner?.organisation_publishes ?? false)
      }
      return {
        partnership: presentPartnership(partnership, members),
        share: presentShare(share, principal),
        item,
        canContribute:
          share.organisation_id === principal.organisationId
            ? false
            : policy.canContribute(principal, scopeOf(share)),
      }
    },

    /** A value entered by a contributing partner; the owner's approvers sign it off. */
    async contributeValue(principal: Principal, id: string, shareId: string, input: ValueInput) {
      const { share } = await requireShare(principal, id, shareId)
      if (share.item_kind !== 'measure') {
        throw new NotFound('Values are entered only for a shared measure')
      }
      if (share.organisation_id === principal.organisationId) {
        return deps.values.save(principal, share.item_id, input)
      }
      const acting = await contributor(principal, share)
      return deps.values.save(acting, share.item_id, input)
    },

    /** A monthly update written by a contributing partner; the owner approves it. */
    async contributeUpdate(principal: Principal, id: string, shareId: string, input: UpdateInput) {
      const { share } = await requireShare(principal, id, shareId)
      if (share.item_kind !== 'project') {
        throw new NotFound('Updates are written only for a shared project')
      }
      if (share.organisation_id === principal.organisationId) {
        return deps.projectUpdates.create(principal, share.item_id, input)
      }
      const acting = await contributor(principal, share)
      return deps.projectUpdates.create(acting, share.item_id, input)
    },
  }

  /** Data entry for this one item, on the owner's side, for a person allowed to contribute. */
  async function contributor(principal: Principal, share: repo.ShareRow): Promise<Principal> {
    if (!policy.canContribute(principal, scopeOf(share))) {
      throw new Forbidden(
        share.access === 'read'
          ? `${share.organisation_name} shared this ${KIND_NAMES[share.item_kind]} to read only: you cannot contribute to it`
          : 'Only people who enter data or manage performance in their own organisation contribute to shared items',
      )
    }
    const as = reader(principal, share)
    const unitId =
      share.item_kind === 'measure'
        ? (await deps.measures.get(as, share.item_id)).unitId
        : (await deps.projects.get(as, share.item_id)).leadUnitId
    return onBehalf(principal, share, [{ role: 'data_entry', unitId }])
  }
}
