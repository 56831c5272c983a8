import type { Principal } from '../../core/principal.ts'
import { holdsRole } from '../../core/roles.ts'
import type { UnitTree } from '../../core/unit-tree.ts'

/** Units: a root unit needs an organisation-wide administrator; a unit beneath, one over it. */
export function canManageUnit(principal: Principal, parentId: string | null, tree: UnitTree) {
  return holdsRole(principal, ['administrator'], parentId, tree)
}

export function canViewOrganisation(principal: Principal): boolean {
  return principal.roles.length > 0
}

/** Partners see only the people of the units they work with; members of the council see all. */
export function canViewPerson(
  principal: Principal,
  person: { id: string; unitId: string | null },
  tree: UnitTree,
): boolean {
  if (person.id === principal.personId) return true
  if (principal.roles.some((g) => g.role !== 'partner')) return true
  return person.unitId !== null && holdsRole(principal, ['partner'], person.unitId, tree)
}

/**
 * People are managed (edited, deactivated, given a password, given or relieved of roles) by an
 * administrator over their home unit, and only when every role they hold lies within that
 * administrator's scope too: otherwise a unit administrator could take over someone who holds
 * wider powers, such as an organisation-wide administrator whose home unit is beneath theirs.
 */
export function canManagePerson(
  principal: Principal,
  person: { unitId: string | null; roles: readonly { unitId: string | null }[] },
  tree: UnitTree,
): boolean {
  return (
    holdsRole(principal, ['administrator'], person.unitId, tree) &&
    person.roles.every((grant) => canGrant(principal, grant.unitId, tree))
  )
}

/** Granting a role over a unit needs administrator rights over that same scope. */
export function canGrant(principal: Principal, unitId: string | null, tree: UnitTree): boolean {
  return holdsRole(principal, ['administrator'], unitId, tree)
}
