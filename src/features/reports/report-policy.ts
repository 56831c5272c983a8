import type { Principal } from '../../core/principal.ts'
import { COUNCIL_ROLES } from '../../core/roles.ts'

/** Roles of the council's own people; partners are other organisations' staff. */

/**
 * Reports are assembled, edited and published by the performance team: administrators and
 * performance officers across the whole organisation (a report draws on every unit's data).
 */
export function canManageReports(principal: Principal): boolean {
  return principal.roles.some(
    (g) => (g.role === 'administrator' || g.role === 'performance_officer') && g.unitId === null,
  )
}

/**
 * Drafts are the performance team's working copies. A published report is a committee paper:
 * everyone in the council reads it, councillors included. Partners do not: a council-wide
 * report carries every unit's measures and risks, while partners see only the units they work
 * with (the same rule as measures and risks).
 */
export function canReadReport(principal: Principal, report: { readonly status: string }): boolean {
  if (canManageReports(principal)) return true
  if (report.status !== 'published') return false
  return principal.roles.some((g) => (COUNCIL_ROLES as readonly string[]).includes(g.role))
}

/** The reporting calendar: everyone in the council reads it; the performance team keeps it. */
export function canViewCalendar(principal: Principal): boolean {
  return principal.roles.some((g) => (COUNCIL_ROLES as readonly string[]).includes(g.role))
}
