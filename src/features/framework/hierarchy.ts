/**
 * A parent-pointer hierarchy held in memory, for plans under plans and for the golden thread of
 * nodes. A council's framework has hundreds of nodes, not millions, so each request builds one.
 */
export interface Linked {
  readonly id: string
  readonly parentId: string | null
}

export class Hierarchy<T extends Linked> {
  readonly #items = new Map<string, T>()
  readonly #children = new Map<string | null, T[]>()

  /** `order` sorts siblings; without it they keep the order they were given in. */
  constructor(items: readonly T[], order?: (a: T, b: T) => number) {
    for (const item of items) this.#items.set(item.id, item)
    for (const item of items) {
      // A parent outside the set (archived away, or another plan) makes the item a root here.
      const parent = item.parentId !== null && this.#items.has(item.parentId) ? item.parentId : null
      const siblings = this.#children.get(parent) ?? []
      siblings.push(item)
      this.#children.set(parent, siblings)
    }
    if (order) for (const siblings of this.#children.values()) siblings.sort(order)
  }

  has(id: string): boolean {
    return this.#items.has(id)
  }

  get(id: string): T | undefined {
    return this.#items.get(id)
  }

  get size(): number {
    return this.#items.size
  }

  roots(): T[] {
    return [...(this.#children.get(null) ?? [])]
  }

  childrenOf(id: string): T[] {
    return [...(this.#children.get(id) ?? [])]
  }

  /** The item itself and every item above it, nearest first. Stops at a loop rather than spin. */
  ancestorsOf(id: string): T[] {
    const path: T[] = []
    const seen = new Set<string>()
    let current = this.#items.get(id)
    while (current && !seen.has(current.id)) {
      seen.add(current.id)
      path.push(current)
      current = current.parentId === null ? undefined : this.#items.get(current.parentId)
    }
    return path
  }

  /** The item itself and everything beneath it, depth first in sibling order. */
  descendantsOf(id: string): T[] {
    const start = this.#items.get(id)
    if (!start) return []
    const out: T[] = []
    const seen = new Set<string>()
    const stack: T[] = [start]
    while (stack.length > 0) {
      const next = stack.pop()
      if (!next || seen.has(next.id)) continue
      seen.add(next.id)
      out.push(next)
      stack.push(...this.childrenOf(next.id).reverse())
    }
    return out
  }

  /** How many steps below a root: 0 for a root. */
  depthOf(id: string): number {
    return Math.max(0, this.ancestorsOf(id).length - 1)
  }

  isWithin(id: string, scopeId: string): boolean {
    return this.ancestorsOf(id).some((item) => item.id === scopeId)
  }

  /** Hanging `id` from `newParentId` would make it its own ancestor. */
  wouldCycle(id: string, newParentId: string | null): boolean {
    return newParentId !== null && (newParentId === id || this.isWithin(newParentId, id))
  }
}

export interface Branch<T> {
  readonly item: T
  readonly children: Branch<T>[]
}

/** The hierarchy beneath `id` (or every root) as nested branches. */
export function branches<T extends Linked>(hierarchy: Hierarchy<T>, id?: string): Branch<T>[] {
  const seen = new Set<string>()
  const grow = (item: T): Branch<T> => {
    seen.add(item.id)
    return {
      item,
      children: hierarchy
        .childrenOf(item.id)
        .filter((child) => !seen.has(child.id))
        .map(grow),
    }
  }
  if (id === undefined) return hierarchy.roots().map(grow)
  const start = hierarchy.get(id)
  return start ? [grow(start)] : []
}

/**
 * Positions 0..n-1 for siblings after moving `id` to `index` among them (clamped to the ends);
 * only those whose position changes are returned.
 */
export function reorder(
  siblings: readonly { readonly id: string; readonly position: number }[],
  id: string,
  index: number,
): { id: string; position: number }[] {
  const rest = siblings.filter((s) => s.id !== id)
  const moving = siblings.find((s) => s.id === id)
  if (!moving) return []
  const at = Math.max(0, Math.min(rest.length, Math.trunc(index)))
  const ordered = [...rest.slice(0, at), moving, ...rest.slice(at)]
  return ordered
    .map((s, position) => ({ id: s.id, position, before: s.position }))
    .filter((s) => s.position !== s.before)
    .map(({ id: sid, position }) => ({ id: sid, position }))
}
