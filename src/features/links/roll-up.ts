import type { ItemKind, LinkableItem } from './link-registry.ts'

export interface RollUp {
  readonly kind: string
  readonly name: string
  readonly pluralName: string
  readonly relation: string
  /** Distinct items, each counted once however many nodes beneath link it. */
  readonly total: number
  readonly byStatus: readonly { value: string; text: string; count: number }[]
  /** Items with no status yet (kinds without statuses count all their items here). */
  readonly withoutStatus: number
}

/** Counts by kind and status of the items linked beneath a node; kinds with none are left out. */
export function rollUp(
  kinds: readonly ItemKind[],
  items: ReadonlyMap<string, readonly LinkableItem[]>,
): RollUp[] {
  return kinds
    .map((kind) => {
      const unique = [...new Map((items.get(kind.kind) ?? []).map((i) => [i.id, i])).values()]
      const known = new Set(kind.statuses.map((s) => s.value))
      return {
        kind: kind.kind,
        name: kind.name,
        pluralName: kind.pluralName,
        relation: kind.relation,
        total: unique.length,
        byStatus: kind.statuses.map((s) => ({
          value: s.value,
          text: s.text,
          count: unique.filter((i) => i.status === s.value).length,
        })),
        withoutStatus: unique.filter((i) => i.status === null || !known.has(i.status)).length,
      }
    })
    .filter((r) => r.total > 0)
}
