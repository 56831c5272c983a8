import type { Principal } from '../../core/principal.ts'

const organisationWide = (principal: Principal, roles: readonly string[]) =>
  principal.roles.some((g) => g.unitId === null && roles.includes(g.role))

/**
 * Sources, matches, groups and publication are the performance team's: organisation-wide
 * administrators and performance officers. Published comparisons hold no one's personal data.
 */
export function canManageBenchmarking(principal: Principal): boolean {
  return organisationWide(principal, ['administrator', 'performance_officer'])
}

/** Everyone with a role in the council reads comparisons of the measures they may see. */
export function canReadBenchmarking(principal: Principal): boolean {
  return principal.roles.length > 0
}
