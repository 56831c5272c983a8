import type { Principal } from '../../core/principal.ts'
import { canSeeUnapproved } from '../measures/index.ts'

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

/**
 * A draft plan is work in progress: for those who shape the framework and others who see work
 * in progress (measure-policy's canSeeUnapproved). Councillors, viewers and partners see
 * adopted plans only: active ones, and archived ones as the record of what was adopted.
 */
export function canSeeDraftPlans(principal: Principal): boolean {
  return canShapeFramework(principal) || canSeeUnapproved(principal)
}

/** A plan this person may open: any but a draft, which needs canSeeDraftPlans. */
export function canSeePlan(principal: Principal, plan: { readonly status: string }): boolean {
  return plan.status !== 'draft' || canSeeDraftPlans(principal)
}
