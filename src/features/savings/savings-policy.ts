import type { Principal } from '../../core/principal.ts'
import { COUNCIL_ROLES, holdsRole } from '../../core/roles.ts'
import type { UnitTree } from '../../core/unit-tree.ts'

/** What the policies need to know of a savings line. */
export interface LineScope {
  readonly unitId: string
  readonly ownerId: string | null
}

const MANAGERS = ['administrator', 'performance_officer', 'approver'] as const

/** Everyone in the council reads the register; partners only the lines of units they work with. */
export function canViewLine(principal: Principal, line: LineScope, tree: UnitTree): boolean {
  if (principal.roles.some((g) => (COUNCIL_ROLES as readonly string[]).includes(g.role))) {
    return true
  }
  return holdsRole(principal, ['partner'], line.unitId, tree)
}

/** The organisation's savings target is set by the organisation-wide performance team. */
export function canSetSavingsTarget(principal: Principal): boolean {
  return principal.roles.some(
    (g) => (g.role === 'administrator' || g.role === 'performance_officer') && g.unitId === null,
  )
}

/**
 * Adding and editing lines, their years and profiles: an administrator, performance officer or
 * approver over the line's unit (for a new line, the unit it is to be in).
 */
export function canManageLine(principal: Principal, unitId: string, tree: UnitTree): boolean {
  return holdsRole(principal, MANAGERS, unitId, tree)
}

/** Monthly actuals and forecasts: the line's owner, data entry over its unit, or a manager. */
export function canRecordDelivery(principal: Principal, line: LineScope, tree: UnitTree): boolean {
  return (
    line.ownerId === principal.personId ||
    holdsRole(principal, ['data_entry'], line.unitId, tree) ||
    canManageLine(principal, line.unitId, tree)
  )
}
