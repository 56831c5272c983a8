import type { Principal } from '../../core/principal.ts'
import { canShapeFramework } from '../framework/index.ts'
import type { UnitTree } from '../../core/unit-tree.ts'

export interface DashboardScope {
  readonly kind: 'corporate' | 'personal'
  readonly ownerId: string | null
  readonly sharedUnitId: string | null
}

/**
 * The corporate dashboard is the whole council's; a personal one is its owner's, and readable by
 * the people of the unit it is shared with (by their own unit or a role over it).
 */
export function canViewDashboard(
  principal: Principal,
  dashboard: DashboardScope,
  personUnitId: string | null,
  tree: UnitTree,
): boolean {
  if (principal.roles.length === 0) return false
  if (dashboard.kind === 'corporate' || dashboard.ownerId === principal.personId) return true
  const shared = dashboard.sharedUnitId
  if (shared === null || !tree.has(shared)) return false
  if (personUnitId !== null && tree.isWithin(personUnitId, shared)) return true
  return principal.roles.some((g) => g.unitId !== null && tree.isWithin(g.unitId, shared))
}

/** The performance team shapes the corporate dashboard; only its owner changes a personal one. */
export function canEditDashboard(principal: Principal, dashboard: DashboardScope): boolean {
  if (dashboard.kind === 'corporate') return canShapeFramework(principal)
  return principal.roles.length > 0 && dashboard.ownerId === principal.personId
}

/** Anyone with a role may keep dashboards of their own. */
export function canCreateDashboard(principal: Principal, kind: 'corporate' | 'personal'): boolean {
  return kind === 'corporate' ? canShapeFramework(principal) : principal.roles.length > 0
}
