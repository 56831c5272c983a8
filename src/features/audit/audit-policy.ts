import type { Principal } from '../../core/principal.ts'

/** The audit log is read by organisation-wide administrators and performance officers. */
export function canViewAudit(principal: Principal): boolean {
  return principal.roles.some(
    (g) => (g.role === 'administrator' || g.role === 'performance_officer') && g.unitId === null,
  )
}
