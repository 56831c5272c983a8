import type { UnitView } from './organisation-presenter.ts'

export interface UnitNode {
  readonly unit: UnitView
  readonly children: UnitNode[]
}

/** Units as a tree, siblings in their set order. */
export function unitForest(units: readonly UnitView[]): UnitNode[] {
  const nodes = new Map(units.map((u) => [u.id, { unit: u, children: [] as UnitNode[] }]))
  const roots: UnitNode[] = []
  for (const unit of units) {
    const node = nodes.get(unit.id)
    if (!node) continue
    const parent = unit.parentId ? nodes.get(unit.parentId) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  return roots
}

/** Select options, indented by depth so the hierarchy reads in a plain list. */
export function unitSelectItems(
  units: readonly UnitView[],
  options: { selected?: string | null | undefined; exclude?: readonly string[]; emptyText: string },
) {
  const items: { value: string; text: string; selected?: boolean }[] = [
    { value: '', text: options.emptyText },
  ]
  const walk = (nodes: UnitNode[], depth: number) => {
    for (const node of nodes) {
      if (options.exclude?.includes(node.unit.id)) continue
      items.push({
        value: node.unit.id,
        text: `${'— '.repeat(depth)}${node.unit.name}${node.unit.active ? '' : ' (inactive)'}`,
        selected: node.unit.id === options.selected,
      })
      walk(node.children, depth + 1)
    }
  }
  walk(unitForest(units), 0)
  return items
}

export function unitNames(units: readonly UnitView[]): Record<string, string> {
  return Object.fromEntries(units.map((u) => [u.id, u.name]))
}
