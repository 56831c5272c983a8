import { Hierarchy } from './hierarchy.ts'

/** What the thread needs to know of a plan. */
export interface ThreadPlan {
  readonly id: string
  readonly parentPlanId: string | null
  readonly title: string
  readonly levels: readonly string[]
  readonly vision: string | null
}

/** What the thread needs to know of a node. */
export interface ThreadNode {
  readonly id: string
  readonly planId: string
  readonly parentId: string | null
  /** For a top-level node: the node of a plan above this one that it sits under. */
  readonly contributesToId: string | null
  readonly position: number
  readonly title: string
}

interface Up<T> {
  readonly id: string
  readonly parentId: string | null
  readonly value: T
}

/**
 * The golden thread of one organisation: plans under plans, and nodes under nodes, where a
 * top-level node of one plan may sit under a node of a plan above it. Every node therefore has
 * at most one node above it, and the whole framework is one forest.
 */
export class Thread<P extends ThreadPlan, N extends ThreadNode> {
  readonly plans: Hierarchy<Up<P>>
  readonly nodes: Hierarchy<Up<N>>
  readonly #planOrder: Map<string, number>
  readonly #nodeList: readonly N[]

  constructor(plans: readonly P[], nodes: readonly N[]) {
    this.#nodeList = nodes
    this.plans = new Hierarchy(
      plans.map((p) => ({ id: p.id, parentId: p.parentPlanId, value: p })),
      (a, b) => a.value.title.localeCompare(b.value.title),
    )
    this.#planOrder = new Map(this.#plansInOrder().map((p, index) => [p.id, index]))
    this.nodes = new Hierarchy(
      nodes.map((n) => ({ id: n.id, parentId: n.parentId ?? n.contributesToId, value: n })),
      (a, b) => this.#compareSiblings(a.value, b.value),
    )
  }

  #plansInOrder(): P[] {
    const out: P[] = []
    for (const root of this.plans.roots()) {
      out.push(...this.plans.descendantsOf(root.id).map((p) => p.value))
    }
    return out
  }

  // Beneath a node: first its own plan's children, then nodes of lower plans sitting under it.
  #compareSiblings(a: N, b: N): number {
    const aOwn = a.parentId !== null ? 0 : 1
    const bOwn = b.parentId !== null ? 0 : 1
    if (aOwn !== bOwn) return aOwn - bOwn
    const byPlan = (this.#planOrder.get(a.planId) ?? 0) - (this.#planOrder.get(b.planId) ?? 0)
    if (byPlan !== 0) return byPlan
    return a.position - b.position || a.title.localeCompare(b.title)
  }

  plan(id: string): P | undefined {
    return this.plans.get(id)?.value
  }

  node(id: string): N | undefined {
    return this.nodes.get(id)?.value
  }

  /** Plans in hierarchy order: each plan followed by the plans beneath it. */
  planList(): P[] {
    return this.#plansInOrder()
  }

  /** The plan's own top-level nodes, in order. */
  topOf(planId: string): N[] {
    return this.#nodeList
      .filter((n) => n.planId === planId && n.parentId === null)
      .sort((a, b) => a.position - b.position || a.title.localeCompare(b.title))
  }

  /** Every node of the plan, each followed by those beneath it in the plan. */
  planNodes(planId: string): N[] {
    const out: N[] = []
    const walk = (nodes: readonly N[]) => {
      for (const node of nodes) {
        out.push(node)
        walk(this.childrenInPlan(node.id))
      }
    }
    walk(this.topOf(planId))
    return out
  }

  /** Everything directly beneath a node: its children in the plan, then nodes sitting under it. */
  beneath(id: string): N[] {
    return this.nodes.childrenOf(id).map((n) => n.value)
  }

  /** Children within the node's own plan only. */
  childrenInPlan(id: string): N[] {
    return this.beneath(id).filter((n) => n.parentId === id)
  }

  /** The node and everything beneath it, across plans, depth first. */
  subtree(id: string): N[] {
    return this.nodes.descendantsOf(id).map((n) => n.value)
  }

  /** The node and every node above it, across plans, nearest first. */
  pathUp(id: string): N[] {
    return this.nodes.ancestorsOf(id).map((n) => n.value)
  }

  /** 0 for a top-level node of its plan. */
  depthInPlan(id: string): number {
    const node = this.node(id)
    if (!node) return 0
    return this.pathUp(id).filter((n) => n.planId === node.planId).length - 1
  }

  /** The name the node's plan gives to its level, like "Theme" or "Priority". */
  levelName(id: string): string {
    const node = this.node(id)
    const plan = node ? this.plan(node.planId) : undefined
    const depth = this.depthInPlan(id)
    return plan?.levels[depth] ?? plan?.levels.at(-1) ?? 'Item'
  }

  /** The vision at the top of the node's thread: that of the topmost plan that states one. */
  visionAbove(id: string): { plan: P; vision: string } | null {
    const top = this.pathUp(id).at(-1)
    if (!top) return null
    for (const plan of this.plans.ancestorsOf(top.planId)) {
      if (plan.value.vision) return { plan: plan.value, vision: plan.value.vision }
    }
    return null
  }

  /** Plans strictly above `planId`, nearest first. */
  plansAbove(planId: string): P[] {
    return this.plans
      .ancestorsOf(planId)
      .slice(1)
      .map((p) => p.value)
  }

  /**
   * A top-level node of `planId` may sit under a node of any plan above that plan. Holding to
   * this keeps the thread a forest, since plans themselves cannot loop.
   */
  canSitUnder(planId: string, targetId: string): boolean {
    const target = this.node(targetId)
    return target !== undefined && this.plansAbove(planId).some((p) => p.id === target.planId)
  }

  /**
   * Plans that would stop being above `planId` (or the plans beneath it) if it moved under
   * `newParentPlanId`, yet hold nodes that its nodes sit under: the move would tear the thread.
   */
  threadsTornByMove(planId: string, newParentPlanId: string | null): N[] {
    const moving = new Set(this.plans.descendantsOf(planId).map((p) => p.id))
    const above = new Set(
      newParentPlanId === null ? [] : this.plans.ancestorsOf(newParentPlanId).map((p) => p.id),
    )
    return this.#nodeList
      .filter((n) => moving.has(n.planId) && n.contributesToId !== null)
      .filter((n) => {
        const target = this.node(n.contributesToId ?? '')
        return target !== undefined && !moving.has(target.planId) && !above.has(target.planId)
      })
  }
}
