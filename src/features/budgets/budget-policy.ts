import type { Principal } from '../auth/principal.ts'
import { holdsRole } from '../organisation/organisation-policy.ts'
import type { UnitTree } from '../organisation/unit-tree.ts'

const COUNCIL_ROLES = [
  'administrator',
  'performance_officer',
  'approver',
  'data_entry',
  'viewer',
  'councillor',
] as const

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
