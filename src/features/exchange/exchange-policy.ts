import type { Principal } from '../auth/principal.ts'

/** Who is offered the import: those who define measures, and those who enter values. */
export function canImport(principal: Principal): boolean {
  return principal.roles.some((g) =>
    ['administrator', 'performance_officer', 'data_entry'].includes(g.role),
  )
}
