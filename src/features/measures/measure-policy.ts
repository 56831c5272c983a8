import type { Principal } from '../auth/principal.ts'
import { holdsRole } from '../organisation/organisation-policy.ts'
import type { UnitTree } from '../organisation/unit-tree.ts'

/** What the rules need to know of a measure: whose unit it is and who is named on it. */
export interface MeasureScope {
  readonly unitId: string | null
  readonly dataEntryOfficerId: string | null
  readonly approverId: string | null
}

/** Members of the council read every measure; partners only those of units they work with. */
export function canViewMeasure(principal: Principal, measure: MeasureScope, tree: UnitTree) {
  if (principal.roles.some((g) => g.role !== 'partner')) return true
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
