import type { Principal } from '../../core/principal.ts'
import { holdsRoleAnywhere } from '../../core/roles.ts'

/** Who is offered the import: those who define measures, and those who enter values. */
export function canImport(principal: Principal): boolean {
  return principal.roles.some((g) =>
    ['administrator', 'performance_officer', 'data_entry'].includes(g.role),
  )
}

/**
 * Whether an upload is read at all, decided before a byte of it is: a role that may write some
 * sheet somewhere (approvers manage risks and savings), or being named on an item as the one
 * who enters its figures or owns it. Everyone else (viewers, councillors, partners named on
 * nothing) is refused without the file being read; each row is still checked on its own.
 */
export function mayUpload(principal: Principal, namedOnAnItem: boolean): boolean {
  return (
    holdsRoleAnywhere(principal, [
      'administrator',
      'performance_officer',
      'approver',
      'data_entry',
    ]) || namedOnAnItem
  )
}
