import type { Principal } from '../auth/principal.ts'

/** Everyone with a role in the organisation reads its framework, partners included. */
export function canViewFramework(principal: Principal): boolean {
  return principal.roles.length > 0
}

/**
 * Plans, their nodes and their links are shaped by organisation-wide administrators and
 * performance officers: the framework belongs to the whole council, not to one unit.
 */
export function canShapeFramework(principal: Principal): boolean {
  return principal.roles.some(
    (g) => (g.role === 'administrator' || g.role === 'performance_officer') && g.unitId === null,
  )
}
