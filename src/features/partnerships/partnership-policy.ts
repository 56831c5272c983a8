import type { ShareAccess } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'

/** What the rules need to know of a share. */
export interface ShareScope {
  readonly ownerOrganisationId: string
  readonly access: ShareAccess
  readonly withdrawnAt: Date | null
}

const DECIDERS = ['administrator', 'performance_officer'] as const
const CONTRIBUTORS = ['data_entry', 'performance_officer', 'administrator'] as const

const organisationWide = (principal: Principal, roles: readonly string[]) =>
  principal.roles.some((g) => g.unitId === null && roles.includes(g.role))

/**
 * Everyone with a role in a member organisation reads the partnership and what is shared with
 * it; partner people of a member council included, since sharing with the partnership is
 * sharing with its partners.
 */
export function canViewPartnership(principal: Principal, memberOrganisationIds: readonly string[]) {
  return principal.roles.length > 0 && memberOrganisationIds.includes(principal.organisationId)
}

/** Setting one up, adding members and priorities: the host's organisation-wide administrators. */
export function canCreatePartnership(principal: Principal) {
  return organisationWide(principal, ['administrator'])
}

export function canManagePartnership(principal: Principal, hostOrganisationId: string) {
  return principal.organisationId === hostOrganisationId && canCreatePartnership(principal)
}

/** Priorities of the shared plan: the host's administrators and performance officers. */
export function canEditSharedPlan(principal: Principal, hostOrganisationId: string) {
  return principal.organisationId === hostOrganisationId && organisationWide(principal, DECIDERS)
}

/**
 * Sharing is a data-sharing decision of the whole organisation: its organisation-wide
 * administrators and performance officers make it, for their own organisation's items only.
 */
export function canShare(principal: Principal) {
  return organisationWide(principal, DECIDERS)
}

export function canWithdraw(principal: Principal, share: ShareScope) {
  return (
    share.withdrawnAt === null &&
    principal.organisationId === share.ownerOrganisationId &&
    canShare(principal)
  )
}

/** A live share is read by every member; a withdrawn one by no one (the owner uses its own pages). */
export function canReadShared(principal: Principal, share: ShareScope) {
  return share.withdrawnAt === null && principal.roles.length > 0
}

/**
 * Entering values or writing updates for another member's item: only a share to contribute, and
 * only people who enter data in their own organisation. The owner signs the result off.
 */
export function canContribute(principal: Principal, share: ShareScope) {
  return (
    share.withdrawnAt === null &&
    share.access === 'contribute' &&
    principal.roles.some((g) => (CONTRIBUTORS as readonly string[]).includes(g.role))
  )
}
