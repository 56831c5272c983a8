import type { Role } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'
import { holdsRole, holdsRoleAnywhere } from '../../core/roles.ts'
import type { UnitTree } from '../../core/unit-tree.ts'

/** What the rules need to know of a measure: whose unit it is and who is named on it. */
export interface MeasureScope {
  readonly unitId: string | null
  readonly dataEntryOfficerId: string | null
  readonly approverId: string | null
}

/** The roles that do the work, and so see it while it is in progress. */
const WORK_IN_PROGRESS: readonly Role[] = [
  'administrator',
  'performance_officer',
  'approver',
  'data_entry',
]

/**
 * Who sees work in progress: draft, submitted and returned figures with their commentary,
 * project updates not yet approved, draft plans. Officers and approvers do (marked with its
 * state wherever it shows); councillors, viewers and partners see signed-off data only.
 * Every surface that reads values, updates or plans asks this (or the item's own rule below).
 */
export function canSeeUnapproved(principal: Principal): boolean {
  return holdsRoleAnywhere(principal, WORK_IN_PROGRESS)
}

/** A measure's unapproved values: as above, and its named data-entry officer and approver. */
export function canSeeUnapprovedValues(principal: Principal, measure: MeasureScope): boolean {
  return (
    canSeeUnapproved(principal) ||
    measure.dataEntryOfficerId === principal.personId ||
    measure.approverId === principal.personId
  )
}

/** The values of a measure this person may see: all of them, or the approved ones only. */
export function visibleValues<V extends { readonly status: string }>(
  principal: Principal,
  measure: MeasureScope,
  values: readonly V[],
): V[] {
  return canSeeUnapprovedValues(principal, measure)
    ? [...values]
    : values.filter((v) => v.status === 'approved')
}

/** Members of the council (any role but partner) read every measure of their organisation. */
export function seesEveryMeasure(principal: Principal): boolean {
  return principal.roles.some((g) => g.role !== 'partner')
}

/** Members of the council read every measure; partners only those of units they work with. */
export function canViewMeasure(principal: Principal, measure: MeasureScope, tree: UnitTree) {
  if (seesEveryMeasure(principal)) return true
  if (measure.dataEntryOfficerId === principal.personId) return true
  if (measure.approverId === principal.personId) return true
  return measure.unitId !== null && holdsRole(principal, ['partner'], measure.unitId, tree)
}

/** Definitions and targets: administrators and performance officers over the owning unit. */
export function canDefineMeasure(principal: Principal, unitId: string | null, tree: UnitTree) {
  return holdsRole(principal, ['administrator', 'performance_officer'], unitId, tree)
}

/** May define measures somewhere (to offer "Add a measure"). */
export function canDefineAnyMeasure(principal: Principal) {
  return principal.roles.some((g) => g.role === 'administrator' || g.role === 'performance_officer')
}

/**
 * Values: the measure's named data-entry officer, data entry over its unit, and the performance
 * team (who chase late returns and may enter on an officer's behalf).
 */
export function canEnterValues(principal: Principal, measure: MeasureScope, tree: UnitTree) {
  if (measure.dataEntryOfficerId === principal.personId) return true
  return holdsRole(
    principal,
    ['data_entry', 'performance_officer', 'administrator'],
    measure.unitId,
    tree,
  )
}

/** Sign-off: the named approver or an approver over the unit, whoever submitted the value. */
export function isApproverOf(principal: Principal, measure: MeasureScope, tree: UnitTree) {
  if (measure.approverId === principal.personId) return true
  return holdsRole(principal, ['approver'], measure.unitId, tree)
}

/** Everyone who put the figure in: who entered it first, who changed it last, who submitted it. */
export interface ValueHands {
  readonly submittedBy: string | null
  readonly enteredBy?: string | null
  readonly firstEnteredBy?: string | null
}

/** Did this person enter, change or submit the value? Then someone else must sign it off. */
export function hadAHandIn(principal: Principal, value: ValueHands): boolean {
  return [value.submittedBy, value.enteredBy, value.firstEnteredBy].includes(principal.personId)
}

/**
 * Four eyes: an approver may never sign off (or return) a value they entered, last changed or
 * submitted themselves.
 */
export function canApproveValue(
  principal: Principal,
  measure: MeasureScope,
  value: ValueHands,
  tree: UnitTree,
) {
  return isApproverOf(principal, measure, tree) && !hadAHandIn(principal, value)
}
