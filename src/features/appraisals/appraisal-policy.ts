import type { Principal } from '../../core/principal.ts'
import { COUNCIL_ROLES, holdsRole, holdsRoleAnywhere } from '../../core/roles.ts'
import type { UnitTree } from '../../core/unit-tree.ts'

/** How the reader stands to the person whose appraisal it is; null: not theirs to see. */
export type Standing = 'self' | 'line_manager' | 'manager_above' | 'performance'

/** The person's line managers, nearest first, stopping at a loop should one ever exist. */
export function managerChain(
  personId: string,
  managerOf: ReadonlyMap<string, string | null>,
): string[] {
  const chain: string[] = []
  for (let at = managerOf.get(personId); at && !chain.includes(at) && at !== personId;) {
    chain.push(at)
    at = managerOf.get(at)
  }
  return chain
}

/**
 * An individual's objectives and ratings are for them, their line managers (up the line) and
 * the performance team over their unit; nobody else, whatever else they may read.
 */
export function standingOf(
  principal: Principal,
  person: { readonly id: string; readonly unitId: string | null },
  chain: readonly string[],
  tree: UnitTree,
): Standing | null {
  if (person.id === principal.personId) return 'self'
  if (chain[0] === principal.personId) return 'line_manager'
  if (chain.includes(principal.personId)) return 'manager_above'
  if (holdsRole(principal, ['performance_officer'], person.unitId, tree)) return 'performance'
  return null
}

/** Opening cycles and reading the organisation's figures: the performance team or HR. */
export function canRunCycles(principal: Principal): boolean {
  return principal.roles.some(
    (g) => (g.role === 'performance_officer' || g.role === 'administrator') && g.unitId === null,
  )
}

/** Objectives are written by the person and their line manager until the year is signed off. */
export function canWriteObjectives(standing: Standing | null): boolean {
  return standing === 'self' || standing === 'line_manager'
}

/**
 * A cycle's figures hold no one's objectives or ratings (ratings only in aggregate, small counts
 * withheld): the council's own staff and members may read them; partners may not.
 */
export function canReadCycleFigures(principal: Principal): boolean {
  return holdsRoleAnywhere(principal, COUNCIL_ROLES)
}

/** The export holds everyone's ratings: a performance officer over the whole organisation. */
export function canExportAppraisals(principal: Principal): boolean {
  return principal.roles.some((g) => g.role === 'performance_officer' && g.unitId === null)
}
