import type { ProjectStatus } from '../../core/project-status.ts'
import type { Direction, Rag } from '../../core/status.ts'
import type { MeasureFrequency, MeasurePolarity, MeasureUnit } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'
import type { MemberRow, PartnershipRow, ShareRow } from './partnership-repository.ts'
import * as policy from './partnership-policy.ts'

export function presentMember(row: MemberRow) {
  return {
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    organisationSlug: row.organisation_slug,
    role: row.role,
    joinedAt: row.joined_at.toISOString(),
  }
}
export type MemberView = ReturnType<typeof presentMember>

export function presentPartnership(row: PartnershipRow, members: readonly MemberRow[]) {
  const host = members.find((m) => m.role === 'host')
  return {
    id: row.id,
    name: row.name,
    purpose: row.purpose,
    hostOrganisationId: row.organisation_id,
    hostOrganisationName: host?.organisation_name ?? '',
    members: members.map((m) => m.organisation_name),
    createdAt: row.created_at.toISOString(),
  }
}
export type PartnershipView = ReturnType<typeof presentPartnership>

export function presentShare(row: ShareRow, principal: Principal) {
  const scope = {
    ownerOrganisationId: row.organisation_id,
    access: row.access,
    withdrawnAt: row.withdrawn_at,
  }
  return {
    id: row.id,
    partnershipId: row.partnership_id,
    itemKind: row.item_kind,
    itemId: row.item_id,
    ownerOrganisationId: row.organisation_id,
    ownerOrganisationName: row.organisation_name,
    priorityId: row.priority_id,
    access: row.access,
    accessText: row.access === 'read' ? 'Read' : 'Read and contribute',
    basis: row.basis,
    sharedByName: row.shared_by_name,
    sharedAt: row.shared_at.toISOString(),
    withdrawnByName: row.withdrawn_by_name,
    withdrawnAt: row.withdrawn_at?.toISOString() ?? null,
    withdrawalReason: row.withdrawal_reason,
    live: row.withdrawn_at === null,
    mine: row.organisation_id === principal.organisationId,
    canWithdraw: policy.canWithdraw(principal, scope),
  }
}
export type ShareView = ReturnType<typeof presentShare>

interface Period {
  readonly label: string
  readonly start: string
}

export type SharedItem =
  | {
      kind: 'measure'
      id: string
      label: string
      measure: {
        code: string
        title: string
        definition: string | null
        unit: MeasureUnit
        decimals: number
        polarity: MeasurePolarity
        frequency: MeasureFrequency
        /** On the public dashboard: the owner's public flag, and the owner publishes. */
        public: boolean
      }
      latest: {
        period: Period
        value: number | null
        valueText: string
        target: number | null
        targetText: string
        rag: Rag
        direction: Direction | null
        commentary: string | null
      } | null
      history: {
        period: Period
        value: number | null
        valueText: string
        targetText: string
        rag: Rag
      }[]
    }
  | {
      kind: 'project'
      id: string
      label: string
      project: {
        title: string
        level: string
        status: ProjectStatus
        statusText: string
        statusSymbol: string
        startDate: string | null
        endDate: string | null
      }
      updates: { monthLabel: string; highlights: string; confidenceText: string }[]
    }
  | {
      kind: 'risk'
      id: string
      label: string
      risk: {
        reference: string
        title: string
        status: string
        current: { score: number; band: string; bandName: string }
        aboveAppetite: boolean
      }
    }

/** The one line that says how many items are left out and why; null when none are. */
export function hiddenText(count: number): string | null {
  if (count === 0) return null
  return count === 1
    ? '1 shared item is hidden because its owner no longer has it.'
    : `${count} shared items are hidden because their owners no longer have them.`
}
