import type { Role } from '../db/schema.ts'
import type { Principal } from './principal.ts'
import type { UnitTree } from './unit-tree.ts'

/** Every role but partner: the council's own staff and members. */
export const COUNCIL_ROLES = [
  'administrator',
  'performance_officer',
  'approver',
  'data_entry',
  'viewer',
  'councillor',
] as const satisfies readonly Role[]

/**
 * Does the person hold one of `roles` over `unitId`? A grant for a unit covers that unit and
 * everything beneath it; an organisation-wide grant covers everything. With `unitId` null, only
 * an organisation-wide grant will do.
 */
export function holdsRole(
  principal: Principal,
  roles: readonly Role[],
  unitId: string | null,
  tree: UnitTree,
): boolean {
  return principal.roles.some(
    (grant) =>
      roles.includes(grant.role) &&
      (grant.unitId === null || (unitId !== null && tree.isWithin(unitId, grant.unitId))),
  )
}

export function holdsRoleAnywhere(principal: Principal, roles: readonly Role[]): boolean {
  return principal.roles.some((grant) => roles.includes(grant.role))
}

export function isOrganisationAdministrator(principal: Principal): boolean {
  return principal.roles.some((g) => g.role === 'administrator' && g.unitId === null)
}
