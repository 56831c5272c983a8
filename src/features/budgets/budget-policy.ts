import type { Principal } from '../../core/principal.ts'
import { COUNCIL_ROLES, holdsRole } from '../../core/roles.ts'
import type { UnitTree } from '../../core/unit-tree.ts'

/** Everyone in the council reads budget monitoring; partners only that of the units they work with. */
export function canViewBudget(principal: Principal, unitId: string, tree: UnitTree): boolean {
  if (principal.roles.some((g) => (COUNCIL_ROLES as readonly string[]).includes(g.role))) {
    return true
  }
  return holdsRole(principal, ['partner'], unitId, tree)
}

/** A month's budget, forecast outturn and commentary: finance and data entry over the unit. */
export function canRecordBudget(principal: Principal, unitId: string, tree: UnitTree): boolean {
  return holdsRole(
    principal,
    ['administrator', 'performance_officer', 'approver', 'data_entry'],
    unitId,
    tree,
  )
}
