import type { Principal } from '../../core/principal.ts'
import { canSeeUnapproved } from '../measures/index.ts'
import { holdsRole } from '../../core/roles.ts'
import type { UnitTree } from '../../core/unit-tree.ts'

/** What the rules need to know about a programme, project or action. */
export interface ProjectScope {
  readonly leadUnitId: string | null
  readonly partnerUnitIds: readonly string[]
  /** Its project manager or lead ("who"). */
  readonly leadId: string | null
  /** Senior Responsible Officers of it and of everything it sits under. */
  readonly sroIds: readonly string[]
  /** Managers of it and of everything it sits under. */
  readonly managerIds: readonly string[]
}

const MANAGERS = ['administrator', 'performance_officer'] as const

/**
 * Everyone in the council reads projects. Partners see those they are named partners on, those
 * led by a unit they work with, and those they run.
 */
export function canViewProject(principal: Principal, scope: ProjectScope, tree: UnitTree) {
  if (principal.roles.some((g) => g.role !== 'partner')) return principal.roles.length > 0
  const me = principal.personId
  if (scope.sroIds.includes(me) || scope.managerIds.includes(me)) return true
  return [scope.leadUnitId, ...scope.partnerUnitIds].some(
    (unitId) => unitId !== null && holdsRole(principal, ['partner'], unitId, tree),
  )
}

/** Performance officers and administrators over the lead unit, and its SROs and managers. */
export function canManageProject(principal: Principal, scope: ProjectScope, tree: UnitTree) {
  const me = principal.personId
  return (
    holdsRole(principal, MANAGERS, scope.leadUnitId, tree) ||
    scope.sroIds.includes(me) ||
    scope.managerIds.includes(me)
  )
}

/** A new item: managers over its lead unit, or whoever manages what it will sit under. */
export function canCreateProject(
  principal: Principal,
  parent: ProjectScope | null,
  leadUnitId: string | null,
  tree: UnitTree,
) {
  return (
    holdsRole(principal, MANAGERS, leadUnitId, tree) ||
    (parent !== null && canManageProject(principal, parent, tree))
  )
}

/** Monthly updates are written and submitted by the lead, or data entry over the lead unit. */
export function canWriteUpdate(principal: Principal, scope: ProjectScope, tree: UnitTree) {
  return (
    scope.leadId === principal.personId ||
    holdsRole(principal, ['data_entry'], scope.leadUnitId, tree) ||
    canManageProject(principal, scope, tree)
  )
}

/** Who wrote the update, last changed it and submitted it: four eyes keeps each from approving. */
export interface UpdateHands {
  readonly submittedBy: string | null
  readonly authorId?: string | null
  readonly changedBy?: string | null
}

export function hadAHandInUpdate(principal: Principal, update: UpdateHands): boolean {
  return [update.submittedBy, update.authorId, update.changedBy].includes(principal.personId)
}

/**
 * The SRO, or an approver over the lead unit, approves or returns; never an update they wrote,
 * last changed or submitted.
 */
export function canApproveUpdate(
  principal: Principal,
  scope: ProjectScope,
  update: UpdateHands,
  tree: UnitTree,
) {
  if (hadAHandInUpdate(principal, update)) return false
  return (
    scope.sroIds.includes(principal.personId) ||
    holdsRole(principal, ['approver'], scope.leadUnitId, tree)
  )
}

/**
 * Changing an approved month is a restatement: for those who could approve it, and performance
 * officers and administrators over the lead unit; not the lead, whose month it is.
 */
export function canRestateUpdate(principal: Principal, scope: ProjectScope, tree: UnitTree) {
  return (
    canApproveUpdate(principal, scope, { submittedBy: null }, tree) ||
    holdsRole(principal, MANAGERS, scope.leadUnitId, tree)
  )
}

/**
 * Updates not yet approved (draft, submitted, returned): for those who see work in progress
 * (measure-policy's canSeeUnapproved), and for whoever writes or approves this project's
 * updates. Councillors, viewers and partners otherwise see approved updates only.
 */
export function canSeeUnapprovedUpdates(
  principal: Principal,
  scope: ProjectScope,
  tree: UnitTree,
): boolean {
  return (
    canSeeUnapproved(principal) ||
    canWriteUpdate(principal, scope, tree) ||
    scope.sroIds.includes(principal.personId)
  )
}
