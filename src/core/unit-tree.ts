export interface TreeUnit {
  readonly id: string
  readonly parentId: string | null
}

/** A unit hierarchy held in memory: councils have hundreds of units, not millions. */
export class UnitTree {
  readonly #parent = new Map<string, string | null>()
  readonly #children = new Map<string, string[]>()

  constructor(units: readonly TreeUnit[]) {
    for (const unit of units) {
      this.#parent.set(unit.id, unit.parentId)
      if (unit.parentId !== null) {
        const siblings = this.#children.get(unit.parentId) ?? []
        siblings.push(unit.id)
        this.#children.set(unit.parentId, siblings)
      }
    }
  }

  has(id: string): boolean {
    return this.#parent.has(id)
  }

  /** The unit itself and every unit above it, nearest first. */
  ancestorsOf(id: string): string[] {
    const path: string[] = []
    const seen = new Set<string>()
    let current: string | null | undefined = id
    while (current != null && this.#parent.has(current) && !seen.has(current)) {
      seen.add(current)
      path.push(current)
      current = this.#parent.get(current)
    }
    return path
  }

  /** The unit itself and everything beneath it. */
  descendantsOf(id: string): string[] {
    const out: string[] = []
    const stack = [id]
    while (stack.length > 0) {
      const next = stack.pop()
      if (next === undefined || out.includes(next)) continue
      out.push(next)
      stack.push(...(this.#children.get(next) ?? []))
    }
    return out
  }

  isWithin(id: string, scopeId: string): boolean {
    return this.ancestorsOf(id).includes(scopeId)
  }

  /** Moving `id` under `newParentId` would make a unit its own ancestor. */
  wouldCycle(id: string, newParentId: string | null): boolean {
    return newParentId !== null && this.isWithin(newParentId, id)
  }
}
