import type { MeasurePolarity, SpcVariation } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'

/** One item of a kind, as the golden thread shows it. */
export interface LinkableItem {
  readonly id: string
  readonly title: string
  /** Where the item's own page is. */
  readonly href: string
  /** A few words shown after the title, like a measure's code or a unit's kind. */
  readonly hint?: string | null
  /** One of the kind's `statuses` values, for roll-ups; null when it has none (yet). */
  readonly status: string | null
  /** Inactive, closed or archived items are shown as such and left out of alignment checks. */
  readonly active: boolean
  /** Measures: the SPC variation of the latest value, shown as an icon beside the status. */
  readonly variation?: LinkableVariation
}

export interface LinkableVariation {
  readonly pointType: SpcVariation | null
  readonly polarity: MeasurePolarity
}

export interface ItemStatus {
  readonly value: string
  /** The word shown beside the status; status is never shown by colour alone. */
  readonly text: string
}

/**
 * A kind of item that can be linked to nodes of the golden thread. Each feature registers its
 * own (measures, projects, risks, savings lines); units and people register as "contributing".
 * The kind owns its permissions: `list` and `find` return only what the person may see.
 */
export interface ItemKind {
  /** Stored with each link; never rename one. Lower case, like 'measure' or 'saving'. */
  readonly kind: string
  /** Singular and plural, lower case: 'unit', 'units'. */
  readonly name: string
  readonly pluralName: string
  /** How items of this kind relate to the node, like 'contributing' or 'measuring progress'. */
  readonly relation: string
  /** Statuses in the order a roll-up shows them; empty for kinds with no status. */
  readonly statuses: readonly ItemStatus[]
  /** Every item the person may see, for link pickers and the alignment check. */
  list(principal: Principal): Promise<LinkableItem[]>
  /** The items among `ids` that the person may see; others are simply left out. */
  find(principal: Principal, ids: readonly string[]): Promise<LinkableItem[]>
}

export type LinkRegistry = ReturnType<typeof createLinkRegistry>

/** The kinds of item the golden thread can link to, in the order they were registered. */
export function createLinkRegistry() {
  const kinds = new Map<string, ItemKind>()
  return {
    register(...added: ItemKind[]): void {
      for (const kind of added) {
        if (!/^[a-z][a-z_]*$/.test(kind.kind)) throw new Error(`Bad item kind "${kind.kind}"`)
        if (kinds.has(kind.kind)) throw new Error(`Item kind "${kind.kind}" registered twice`)
        kinds.set(kind.kind, kind)
      }
    },
    get(kind: string): ItemKind | undefined {
      return kinds.get(kind)
    },
    all(): ItemKind[] {
      return [...kinds.values()]
    },
  }
}
