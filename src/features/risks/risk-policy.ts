import type { Principal } from '../../core/principal.ts'
import { COUNCIL_ROLES, holdsRole } from '../../core/roles.ts'
import type { UnitTree } from '../../core/unit-tree.ts'

/** What the policies need to know of a register. */
export interface RegisterScope {
  readonly unitId: string | null
}

/** And of a risk: its register's unit and its owner. */
export interface RiskScope extends RegisterScope {
  readonly ownerId: string | null
}

const MANAGERS = ['administrator', 'performance_officer', 'approver'] as const

/** The matrix and the registers are set up by organisation-wide administrators and performance officers. */
export function canConfigureRisks(principal: Principal): boolean {
  return principal.roles.some(
    (g) => (g.role === 'administrator' || g.role === 'performance_officer') && g.unitId === null,
  )
}

/**
 * Everyone in the council reads every register; partners read only the registers of the units
 * they work with (their grant's unit and beneath).
 */
export function canViewRegister(principal: Principal, register: RegisterScope, tree: UnitTree) {
  if (principal.roles.some((g) => (COUNCIL_ROLES as readonly string[]).includes(g.role)))
    return true
  return register.unitId !== null && holdsRole(principal, ['partner'], register.unitId, tree)
}

/** Raising, editing, closing and escalating risks: an administrator, performance officer or approver over the register's unit. */
export function canManageRisks(principal: Principal, register: RegisterScope, tree: UnitTree) {
  return holdsRole(principal, MANAGERS, register.unitId, tree)
}

/** Reviews and mitigating actions: the risk's owner, or whoever may manage its register. */
export function canRecordOnRisk(principal: Principal, risk: RiskScope, tree: UnitTree) {
  return risk.ownerId === principal.personId || canManageRisks(principal, risk, tree)
}
