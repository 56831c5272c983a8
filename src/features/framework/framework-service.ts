import type { Kysely } from 'kysely'
import { parseFinancialYear } from '../../core/periods.ts'
import type { DB } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { auditor } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import {
  type ItemKind,
  type LinkableItem,
  type LinkRegistry,
  linkRepository as linkRepo,
  rollUp,
} from '../links/index.ts'
import { organisationRepository as orgRepo } from '../organisation/index.ts'
import * as policy from './framework-policy.ts'
import {
  withArticle,
  presentNode,
  presentPlan,
  type LinkView,
  type NodeView,
  type PlacedNode,
  type PlanView,
} from './framework-presenter.ts'
import * as repo from './framework-repository.ts'
import type {
  LinkInput,
  NodeChanges,
  NodeInput,
  PlanChanges,
  PlanInput,
} from './framework-schemas.ts'
import { reorder } from './hierarchy.ts'
import { Thread } from './thread.ts'

export interface FrameworkDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly links: LinkRegistry
}

/** One step of a path up the thread, top first. */
export interface PathStep {
  readonly nodeId: string
  readonly title: string
  readonly levelName: string
  readonly planId: string
  readonly planTitle: string
  readonly status: NodeView['status']
}

export interface ThreadPath {
  readonly vision: {
    readonly planId: string
    readonly planTitle: string
    readonly text: string
  } | null
  readonly steps: readonly PathStep[]
}

export interface ThreadBranch {
  readonly node: PlacedNode
  readonly planTitle: string
  readonly links: readonly LinkView[]
  readonly children: readonly ThreadBranch[]
}

export interface PlanBranch {
  readonly node: PlacedNode
  readonly children: readonly PlanBranch[]
}

type FrameworkThread = Thread<PlanView, NodeView>

export type FrameworkService = ReturnType<typeof createFrameworkService>

export function createFrameworkService({ db, clock, links: registry }: FrameworkDeps) {
  /**
   * The organisation's framework in memory. `live` leaves out archived nodes and the nodes of
   * archived plans: it is the thread as it stands today, which roll-ups and alignment read.
   */
  async function load(organisationId: string) {
    const plans = (await repo.listPlans(db, organisationId)).map(presentPlan)
    const nodes = (await repo.listNodes(db, organisationId)).map(presentNode)
    const archivedPlans = new Set(plans.filter((p) => p.status === 'archived').map((p) => p.id))
    const full: FrameworkThread = new Thread(plans, nodes)
    const live: FrameworkThread = new Thread(
      plans,
      nodes.filter((n) => n.status === 'active' && !archivedPlans.has(n.planId)),
    )
    return { plans, nodes, full, live }
  }

  function place(thread: FrameworkThread, node: NodeView): PlacedNode {
    return { ...node, levelName: thread.levelName(node.id), depth: thread.depthInPlan(node.id) }
  }

  function pathOf(thread: FrameworkThread, nodeId: string): ThreadPath {
    const vision = thread.visionAbove(nodeId)
    return {
      vision: vision && {
        planId: vision.plan.id,
        planTitle: vision.plan.title,
        text: vision.vision,
      },
      steps: thread
        .pathUp(nodeId)
        .reverse()
        .map((n) => ({
          nodeId: n.id,
          title: n.title,
          levelName: thread.levelName(n.id),
          planId: n.planId,
          planTitle: thread.plan(n.planId)?.title ?? '',
          status: n.status,
        })),
    }
  }

  function checkView(principal: Principal): void {
    if (!policy.canViewFramework(principal)) throw new Forbidden()
  }

  function checkShape(principal: Principal): void {
    if (!policy.canShapeFramework(principal)) throw new Forbidden()
  }

  async function requirePlan(principal: Principal, id: string) {
    checkView(principal)
    const row = await repo.findPlan(db, principal.organisationId, id)
    if (!row || !policy.canSeePlan(principal, row)) throw new NotFound('Plan not found')
    return presentPlan(row)
  }

  async function requireNode(principal: Principal, id: string) {
    checkView(principal)
    const row = await repo.findNode(db, principal.organisationId, id)
    if (!row) throw new NotFound('Node not found')
    const plan = await repo.findPlan(db, principal.organisationId, row.plan_id)
    if (!plan || !policy.canSeePlan(principal, plan)) throw new NotFound('Node not found')
    return presentNode(row)
  }

  function checkPlanWritable(plan: PlanView): void {
    if (plan.status === 'archived') {
      throw new Conflict(`"${plan.title}" is archived. Make it active or draft again to change it.`)
    }
  }

  async function checkUnit(principal: Principal, field: string, id: string | null | undefined) {
    if (id && !(await orgRepo.findUnit(db, principal.organisationId, id))) {
      throw Invalid.field(field, 'Select a unit from the list')
    }
  }

  async function checkPerson(principal: Principal, field: string, id: string | null | undefined) {
    if (id && !(await orgRepo.findPerson(db, principal.organisationId, id))) {
      throw Invalid.field(field, 'Select a person from the list')
    }
  }

  function checkPeriod(firstYear: number, lastYear: number): void {
    if (lastYear < firstYear) {
      throw Invalid.field(
        'lastYear',
        'The last financial year must be the same as or after the first financial year',
      )
    }
  }

  const audit = auditor<'plan' | 'node'>({ clock })

  /** Items for links, looked up kind by kind; an item the person may not see stays null. */
  async function resolveLinks(
    principal: Principal,
    rows: readonly linkRepo.LinkRow[],
  ): Promise<{ views: LinkView[]; items: Map<string, LinkableItem[]> }> {
    const found = new Map<string, Map<string, LinkableItem>>()
    for (const kind of registry.all()) {
      const ids = [...new Set(rows.filter((r) => r.item_kind === kind.kind).map((r) => r.item_id))]
      const items = ids.length > 0 ? await kind.find(principal, ids) : []
      found.set(kind.kind, new Map(items.map((i) => [i.id, i])))
    }
    const views = rows.map((row): LinkView => {
      const kind = registry.get(row.item_kind)
      const item = found.get(row.item_kind)?.get(row.item_id)
      return {
        id: row.id,
        nodeId: row.node_id,
        itemKind: row.item_kind,
        itemId: row.item_id,
        relation: kind?.relation ?? 'linked',
        item: item
          ? {
              title: item.title,
              href: item.href,
              hint: item.hint ?? null,
              status: item.status,
              statusText: kind?.statuses.find((s) => s.value === item.status)?.text ?? null,
              active: item.active,
              variation: item.variation ?? null,
            }
          : null,
        createdAt: row.created_at.toISOString(),
      }
    })
    const items = new Map<string, LinkableItem[]>()
    for (const [kind, byId] of found) items.set(kind, [...byId.values()])
    return { views, items }
  }

  function requireKind(itemKind: string): ItemKind {
    const kind = registry.get(itemKind)
    if (!kind) throw new NotFound('There is no such kind of item')
    return kind
  }

  /** Validates where a node hangs: its parent in the plan, or a node of a plan above. */
  function checkPlacement(
    thread: FrameworkThread,
    plan: PlanView,
    nodeId: string | null,
    parentId: string | null,
    contributesToId: string | null,
  ): void {
    if (parentId !== null) {
      const parent = thread.node(parentId)
      if (parent?.planId !== plan.id) {
        throw Invalid.field('parentId', 'Select what this sits under from the list of this plan')
      }
      if (parent.status !== 'active') {
        throw Invalid.field('parentId', `"${parent.title}" is archived: select another`)
      }
      if (nodeId !== null && thread.nodes.wouldCycle(nodeId, parentId)) {
        throw Invalid.field('parentId', 'A node cannot sit under itself or a node beneath it')
      }
    }
    if (contributesToId !== null) {
      if (parentId !== null) {
        throw Invalid.field(
          'contributesToId',
          'Only a top-level node can sit under a node of a plan above: leave one of the two empty',
        )
      }
      const target = thread.node(contributesToId)
      if (!target || !thread.canSitUnder(plan.id, contributesToId)) {
        throw Invalid.field(
          'contributesToId',
          'Select a node of a plan above this one (a plan sits under another in its details)',
        )
      }
      if (target.status !== 'active') {
        throw Invalid.field('contributesToId', `"${target.title}" is archived: select another`)
      }
      if (nodeId !== null && thread.nodes.wouldCycle(nodeId, contributesToId)) {
        throw Invalid.field(
          'contributesToId',
          'A node cannot sit under itself or a node beneath it',
        )
      }
    }
  }

  return {
    async listPlans(principal: Principal): Promise<PlanView[]> {
      checkView(principal)
      const { full } = await load(principal.organisationId)
      return full.planList().filter((p) => policy.canSeePlan(principal, p))
    },

    getPlan: requirePlan,

    async createPlan(principal: Principal, input: PlanInput): Promise<PlanView> {
      checkView(principal)
      checkShape(principal)
      const firstYear = parseFinancialYear(input.firstYear)
      const lastYear = parseFinancialYear(input.lastYear)
      checkPeriod(firstYear, lastYear)
      if (input.parentPlanId) {
        const parent = await repo.findPlan(db, principal.organisationId, input.parentPlanId)
        if (!parent)
          throw Invalid.field('parentPlanId', 'Select the plan this sits under from the list')
      }
      await checkUnit(principal, 'ownerUnitId', input.ownerUnitId)
      return db.transaction().execute(async (trx) => {
        const plan = presentPlan(
          await repo.insertPlan(trx, principal.organisationId, {
            parent_plan_id: input.parentPlanId ?? null,
            title: input.title,
            kind: input.kind,
            first_year: firstYear,
            last_year: lastYear,
            status: input.status,
            owner_unit_id: input.ownerUnitId ?? null,
            vision: input.vision ?? null,
            mission: input.mission ?? null,
            levels: input.levels,
          }),
        )
        await audit(trx, principal, {
          action: 'plan_created',
          itemType: 'plan',
          itemId: plan.id,
          summary: `Plan "${plan.title}" created`,
          after: plan,
        })
        return plan
      })
    },

    /** Edits, moves (a new parent plan), archives or restores (status) a plan. */
    async updatePlan(principal: Principal, id: string, changes: PlanChanges): Promise<PlanView> {
      const before = await requirePlan(principal, id)
      checkShape(principal)
      const firstYear = parseFinancialYear(changes.firstYear ?? before.firstYear)
      const lastYear = parseFinancialYear(changes.lastYear ?? before.lastYear)
      checkPeriod(firstYear, lastYear)
      const moving =
        changes.parentPlanId !== undefined && (changes.parentPlanId ?? null) !== before.parentPlanId
      if (moving) {
        const { full } = await load(principal.organisationId)
        const parentId = changes.parentPlanId ?? null
        if (parentId !== null && !full.plans.has(parentId)) {
          throw Invalid.field('parentPlanId', 'Select the plan this sits under from the list')
        }
        if (full.plans.wouldCycle(id, parentId)) {
          throw Invalid.field('parentPlanId', 'A plan cannot sit under itself or a plan beneath it')
        }
        const torn = full.threadsTornByMove(id, parentId)
        const first = torn[0]
        if (first) {
          const target = full.node(first.contributesToId ?? '')
          const targetPlan = target ? full.plan(target.planId) : undefined
          throw Invalid.field(
            'parentPlanId',
            `"${first.title}" sits under "${target?.title ?? ''}" in "${targetPlan?.title ?? ''}", ` +
              'which would no longer be above this plan. Change where it sits first.',
          )
        }
      }
      if (changes.ownerUnitId !== undefined && changes.ownerUnitId !== before.ownerUnitId) {
        await checkUnit(principal, 'ownerUnitId', changes.ownerUnitId)
      }
      return db.transaction().execute(async (trx) => {
        const after = presentPlan(
          await repo.updatePlan(
            trx,
            principal.organisationId,
            id,
            {
              ...(changes.title !== undefined && { title: changes.title }),
              ...(changes.kind !== undefined && { kind: changes.kind }),
              ...(changes.status !== undefined && { status: changes.status }),
              ...(changes.vision !== undefined && { vision: changes.vision ?? null }),
              ...(changes.mission !== undefined && { mission: changes.mission ?? null }),
              ...(changes.levels !== undefined && { levels: changes.levels }),
              ...(changes.ownerUnitId !== undefined && {
                owner_unit_id: changes.ownerUnitId ?? null,
              }),
              ...(moving && { parent_plan_id: changes.parentPlanId ?? null }),
              first_year: firstYear,
              last_year: lastYear,
            },
            clock(),
          ),
        )
        const action =
          after.status === 'archived' && before.status !== 'archived'
            ? 'plan_archived'
            : before.status === 'archived' && after.status !== 'archived'
              ? 'plan_restored'
              : moving
                ? 'plan_moved'
                : 'plan_updated'
        await audit(trx, principal, {
          action,
          itemType: 'plan',
          itemId: id,
          summary: `Plan "${after.title}" ${action.replace('plan_', '')}`,
          before,
          after,
        })
        return after
      })
    },

    /** The plan's nodes in order, flat (each followed by those beneath it) and as a tree. */
    async planNodes(
      principal: Principal,
      planId: string,
      options: { includeArchived?: boolean } = {},
    ): Promise<{ plan: PlanView; nodes: PlacedNode[]; tree: PlanBranch[] }> {
      const plan = await requirePlan(principal, planId)
      const { full } = await load(principal.organisationId)
      const keep = (n: NodeView) => options.includeArchived === true || n.status === 'active'
      const grow = (n: NodeView): PlanBranch => ({
        node: place(full, n),
        children: full.childrenInPlan(n.id).filter(keep).map(grow),
      })
      const tree = full.topOf(planId).filter(keep).map(grow)
      const nodes: PlacedNode[] = []
      const flatten = (branches: readonly PlanBranch[]) => {
        for (const b of branches) {
          nodes.push(b.node)
          flatten(b.children)
        }
      }
      flatten(tree)
      return { plan, nodes, tree }
    },

    /** Archived nodes of a plan whose parent is not archived too: what can be restored. */
    async archivedNodes(principal: Principal, planId: string): Promise<PlacedNode[]> {
      await requirePlan(principal, planId)
      const { full } = await load(principal.organisationId)
      return full
        .planNodes(planId)
        .filter((n) => n.status === 'archived')
        .filter((n) => n.parentId === null || full.node(n.parentId)?.status === 'active')
        .map((n) => place(full, n))
    },

    async getNode(principal: Principal, id: string): Promise<PlacedNode> {
      await requireNode(principal, id)
      const { full } = await load(principal.organisationId)
      const node = full.node(id)
      if (!node) throw new NotFound('Node not found')
      return place(full, node)
    },

    /** Everything the node's own page shows. */
    async nodeDetail(principal: Principal, id: string) {
      const node = await requireNode(principal, id)
      const { full } = await load(principal.organisationId)
      const plan = full.plan(node.planId)
      if (!plan) throw new NotFound('Plan not found')
      const rows = await linkRepo.linksOfNode(db, principal.organisationId, id)
      const { views } = await resolveLinks(principal, rows)
      const siblings = (
        node.parentId === null ? full.topOf(node.planId) : full.childrenInPlan(node.parentId)
      ).filter((n) => n.status === 'active')
      const index = siblings.findIndex((n) => n.id === id)
      const upper = node.contributesToId ? full.node(node.contributesToId) : undefined
      return {
        node: place(full, node),
        plan,
        path: pathOf(full, id),
        beneath: full
          .beneath(id)
          .filter((n) => n.status === 'active')
          .map((n) => ({ node: place(full, n), planTitle: full.plan(n.planId)?.title ?? '' })),
        archivedBeneath: full
          .beneath(id)
          .filter((n) => n.status === 'archived')
          .map((n) => place(full, n)),
        sitsUnder: upper
          ? { node: place(full, upper), planTitle: full.plan(upper.planId)?.title ?? '' }
          : null,
        links: views,
        isFirst: index <= 0,
        isLast: index === -1 || index === siblings.length - 1,
      }
    },

    /** Where a node may hang: parents in its plan, and nodes of the plans above it. */
    async placementOptions(principal: Principal, planId: string, nodeId?: string) {
      await requirePlan(principal, planId)
      const { full } = await load(principal.organisationId)
      const excluded = new Set(nodeId ? full.subtree(nodeId).map((n) => n.id) : [])
      const parents = full
        .planNodes(planId)
        .filter((n) => n.status === 'active' && !excluded.has(n.id))
        .map((n) => place(full, n))
      const above = full.plansAbove(planId).map((plan) => ({
        plan,
        nodes: full
          .planNodes(plan.id)
          .filter((n) => n.status === 'active')
          .map((n) => place(full, n)),
      }))
      return { parents, above: above.filter((a) => a.nodes.length > 0) }
    },

    async createNode(principal: Principal, planId: string, input: NodeInput): Promise<PlacedNode> {
      const plan = await requirePlan(principal, planId)
      checkShape(principal)
      checkPlanWritable(plan)
      const { full } = await load(principal.organisationId)
      const parentId = input.parentId ?? null
      const contributesToId = input.contributesToId ?? null
      checkPlacement(full, plan, null, parentId, contributesToId)
      await checkPerson(principal, 'ownerId', input.ownerId)
      await checkUnit(principal, 'leadUnitId', input.leadUnitId)
      const created = await db.transaction().execute(async (trx) => {
        const siblings = await repo.siblingNodes(trx, principal.organisationId, planId, parentId)
        const node = presentNode(
          await repo.insertNode(trx, principal.organisationId, {
            plan_id: planId,
            parent_id: parentId,
            contributes_to_id: contributesToId,
            title: input.title,
            description: input.description ?? null,
            success: input.whatSuccessLooksLike ?? null,
            owner_id: input.ownerId ?? null,
            lead_unit_id: input.leadUnitId ?? null,
            position: siblings.reduce((max, s) => Math.max(max, s.position + 1), 0),
            status: 'active',
          }),
        )
        await audit(trx, principal, {
          action: 'node_created',
          itemType: 'node',
          itemId: node.id,
          summary: `"${node.title}" added to "${plan.title}"`,
          after: node,
        })
        return node
      })
      const after = await load(principal.organisationId)
      return place(after.full, after.full.node(created.id) ?? created)
    },

    /**
     * Edits, moves (parentId or contributesToId), reorders (position among siblings), archives
     * or restores (status) a node. Archiving takes the node's part of the plan beneath it too.
     */
    async updateNode(principal: Principal, id: string, changes: NodeChanges): Promise<PlacedNode> {
      const before = await requireNode(principal, id)
      checkShape(principal)
      const { full } = await load(principal.organisationId)
      const plan = full.plan(before.planId)
      if (!plan) throw new NotFound('Plan not found')
      checkPlanWritable(plan)
      const restoring = changes.status === 'active' && before.status === 'archived'
      const archiving = changes.status === 'archived' && before.status === 'active'
      if (before.status === 'archived' && !restoring) {
        throw new Conflict(`"${before.title}" is archived. Restore it before changing it.`)
      }
      const parentId = changes.parentId !== undefined ? (changes.parentId ?? null) : before.parentId
      const contributesToId =
        changes.contributesToId !== undefined
          ? (changes.contributesToId ?? null)
          : before.contributesToId
      const moving = parentId !== before.parentId
      const placing = moving || contributesToId !== before.contributesToId
      if (placing) checkPlacement(full, plan, id, parentId, contributesToId)
      if (restoring && parentId !== null && full.node(parentId)?.status !== 'active') {
        throw new Conflict(
          `Restore "${full.node(parentId)?.title ?? ''}" first: this sits under it.`,
        )
      }
      if (changes.ownerId !== undefined && changes.ownerId !== before.ownerId) {
        await checkPerson(principal, 'ownerId', changes.ownerId)
      }
      if (changes.leadUnitId !== undefined && changes.leadUnitId !== before.leadUnitId) {
        await checkUnit(principal, 'leadUnitId', changes.leadUnitId)
      }
      const now = clock()
      const subtree = full
        .subtree(id)
        .filter((n) => n.planId === before.planId)
        .map((n) => n.id)
      await db.transaction().execute(async (trx) => {
        const org = principal.organisationId
        let position = before.position
        if (moving || restoring) {
          const siblings = await repo.siblingNodes(trx, org, before.planId, parentId)
          position = siblings
            .filter((s) => s.id !== id)
            .reduce((max, s) => Math.max(max, s.position + 1), 0)
        }
        await repo.updateNode(
          trx,
          org,
          id,
          {
            ...(changes.title !== undefined && { title: changes.title }),
            ...(changes.description !== undefined && { description: changes.description ?? null }),
            ...(changes.whatSuccessLooksLike !== undefined && {
              success: changes.whatSuccessLooksLike ?? null,
            }),
            ...(changes.ownerId !== undefined && { owner_id: changes.ownerId ?? null }),
            ...(changes.leadUnitId !== undefined && { lead_unit_id: changes.leadUnitId ?? null }),
            parent_id: parentId,
            contributes_to_id: contributesToId,
            position,
          },
          now,
        )
        if (archiving || restoring) {
          await repo.setNodeStatus(trx, org, subtree, archiving ? 'archived' : 'active', now)
        }
        if (changes.position !== undefined && !archiving) {
          const siblings = await repo.siblingNodes(trx, org, before.planId, parentId)
          await repo.setPositions(trx, org, reorder(siblings, id, changes.position), now)
        }
        const row = await repo.findNode(trx, org, id)
        if (!row) throw new NotFound('Node not found')
        const after = presentNode(row)
        const action = archiving
          ? 'node_archived'
          : restoring
            ? 'node_restored'
            : placing
              ? 'node_moved'
              : changes.position !== undefined && after.position !== before.position
                ? 'node_reordered'
                : 'node_updated'
        const beneath = subtree.length - 1
        await audit(trx, principal, {
          action,
          itemType: 'node',
          itemId: id,
          summary:
            `"${after.title}" ${action.replace('node_', '')}` +
            ((archiving || restoring) && beneath > 0
              ? `, with ${beneath} node${beneath === 1 ? '' : 's'} beneath it`
              : ''),
          before,
          after,
        })
      })
      const fresh = await load(principal.organisationId)
      const node = fresh.full.node(id)
      if (!node) throw new NotFound('Node not found')
      return place(fresh.full, node)
    },

    /** One place up or down among its siblings; at either end nothing changes. */
    async moveNode(principal: Principal, id: string, direction: 'up' | 'down') {
      const node = await requireNode(principal, id)
      checkShape(principal)
      const siblings = await repo.siblingNodes(
        db,
        principal.organisationId,
        node.planId,
        node.parentId,
      )
      const index = siblings.findIndex((s) => s.id === id)
      const target = index + (direction === 'up' ? -1 : 1)
      if (index < 0 || target < 0 || target >= siblings.length) return this.getNode(principal, id)
      return this.updateNode(principal, id, { position: target })
    },

    /** A node with everything beneath it across plans, its links and a roll-up of them. */
    /**
     * The path up to the vision of each node, for features that have already decided the reader
     * may see what links to them (an objective's path to the City Plan).
     */
    async pathsOf(organisationId: string, nodeIds: readonly string[]) {
      const { full } = await load(organisationId)
      return new Map(
        [...new Set(nodeIds)].filter((id) => full.node(id)).map((id) => [id, pathOf(full, id)]),
      )
    },

    async thread(principal: Principal, nodeId: string) {
      const node = await requireNode(principal, nodeId)
      const { full, live } = await load(principal.organisationId)
      const thread = live.node(nodeId) ? live : full
      const subtree = thread.subtree(nodeId)
      const inSubtree = new Set(subtree.map((n) => n.id))
      const rows = (await linkRepo.listLinks(db, principal.organisationId)).filter((r) =>
        inSubtree.has(r.node_id),
      )
      const { views, items } = await resolveLinks(principal, rows)
      const grow = (n: NodeView): ThreadBranch => ({
        node: place(thread, n),
        planTitle: thread.plan(n.planId)?.title ?? '',
        links: views.filter((v) => v.nodeId === n.id),
        children: thread.beneath(n.id).map(grow),
      })
      const root = thread.node(nodeId) ?? node
      return {
        node: place(thread, root),
        path: pathOf(full, nodeId),
        tree: grow(root),
        nodeCount: subtree.length,
        rollUp: rollUp(registry.all(), items),
      }
    },

    async links(principal: Principal, nodeId: string): Promise<LinkView[]> {
      await requireNode(principal, nodeId)
      const rows = await linkRepo.linksOfNode(db, principal.organisationId, nodeId)
      return (await resolveLinks(principal, rows)).views
    },

    async addLink(principal: Principal, nodeId: string, input: LinkInput): Promise<LinkView> {
      const node = await requireNode(principal, nodeId)
      checkShape(principal)
      const plan = await requirePlan(principal, node.planId)
      checkPlanWritable(plan)
      if (node.status !== 'active') {
        throw new Conflict(`"${node.title}" is archived. Restore it before linking to it.`)
      }
      const kind = registry.get(input.itemKind)
      if (!kind) throw Invalid.field('itemKind', 'Select the kind of item')
      const [item] = await kind.find(principal, [input.itemId])
      if (!item) throw Invalid.field('itemId', `Select ${withArticle(kind.name)} from the list`)
      const existing = await linkRepo.linksOfNode(db, principal.organisationId, nodeId)
      if (existing.some((l) => l.item_kind === kind.kind && l.item_id === item.id)) {
        throw Invalid.field('itemId', `${item.title} is already linked to "${node.title}"`)
      }
      const row = await db.transaction().execute(async (trx) => {
        const link = await linkRepo.insertLink(trx, {
          organisationId: principal.organisationId,
          nodeId,
          itemKind: kind.kind,
          itemId: item.id,
        })
        await audit(trx, principal, {
          action: 'item_linked',
          itemType: 'node',
          itemId: nodeId,
          summary: `${item.title} (${kind.name}) linked to "${node.title}" as ${kind.relation}`,
          after: { linkId: link.id, itemKind: kind.kind, itemId: item.id, title: item.title },
        })
        return link
      })
      const { views } = await resolveLinks(principal, [row])
      const [view] = views
      if (!view) throw new NotFound('Link not found')
      return view
    },

    async removeLink(principal: Principal, nodeId: string, linkId: string): Promise<void> {
      const node = await requireNode(principal, nodeId)
      const link = await linkRepo.findLink(db, principal.organisationId, linkId)
      if (link?.node_id !== nodeId) throw new NotFound('Link not found')
      checkShape(principal)
      checkPlanWritable(await requirePlan(principal, node.planId))
      const { views } = await resolveLinks(principal, [link])
      const title = views[0]?.item?.title ?? `${link.item_kind} ${link.item_id}`
      await db.transaction().execute(async (trx) => {
        await linkRepo.deleteLink(trx, principal.organisationId, linkId)
        await audit(trx, principal, {
          action: 'item_unlinked',
          itemType: 'node',
          itemId: nodeId,
          summary: `${title} no longer linked to "${node.title}"`,
          before: { linkId, itemKind: link.item_kind, itemId: link.item_id, title },
        })
      })
    },

    /** The kinds of item that can be linked, with the items of one kind for a picker. */
    async linkKinds(principal: Principal): Promise<ItemKind[]> {
      checkView(principal)
      return registry.all()
    },

    async linkableItems(principal: Principal, itemKind: string) {
      checkView(principal)
      const kind = requireKind(itemKind)
      return { kind, items: (await kind.list(principal)).filter((i) => i.active) }
    },

    /** From an item, every path up the thread to the vision: one per node it is linked to. */
    async itemPaths(principal: Principal, itemKind: string, itemId: string) {
      checkView(principal)
      const kind = requireKind(itemKind)
      const [item] = await kind.find(principal, [itemId])
      if (!item) throw new NotFound()
      const { full } = await load(principal.organisationId)
      const rows = await linkRepo.linksOfItem(db, principal.organisationId, kind.kind, item.id)
      const archivedPlans = new Set(
        full
          .planList()
          .filter((p) => p.status === 'archived')
          .map((p) => p.id),
      )
      return {
        kind,
        item,
        paths: rows.flatMap((row) => {
          const node = full.node(row.node_id)
          if (!node) return []
          const current =
            node.status === 'active' &&
            !full.pathUp(node.id).some((n) => n.status !== 'active' || archivedPlans.has(n.planId))
          return [{ linkId: row.id, nodeId: node.id, current, ...pathOf(full, node.id) }]
        }),
      }
    },

    /**
     * Leicester's "clear alignment of service aims to strategic priorities": items linked to no
     * current node, and current nodes with nothing linked to them or beneath them.
     */
    async alignment(principal: Principal) {
      checkView(principal)
      const { live } = await load(principal.organisationId)
      const rows = (await linkRepo.listLinks(db, principal.organisationId)).filter(
        (r) => live.node(r.node_id) !== undefined,
      )
      const linkedNodes = new Set(rows.map((r) => r.node_id))
      const unlinked = []
      for (const kind of registry.all()) {
        const linked = new Set(rows.filter((r) => r.item_kind === kind.kind).map((r) => r.item_id))
        const items = (await kind.list(principal)).filter((i) => i.active && !linked.has(i.id))
        unlinked.push({ kind, items })
      }
      const bare = live
        .planList()
        .filter((p) => p.status !== 'archived')
        .map((plan) => ({
          plan,
          nodes: live
            .planNodes(plan.id)
            .filter((n) => !live.subtree(n.id).some((d) => linkedNodes.has(d.id)))
            .map((n) => place(live, n)),
        }))
        .filter((group) => group.nodes.length > 0)
      return { unlinked, nodesWithNothingBeneath: bare }
    },
  }
}
