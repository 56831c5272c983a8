import type { Role } from '../../db/schema.ts'

export interface RoleGrant {
  readonly role: Role
  /** null: the whole organisation; otherwise this unit and everything beneath it. */
  readonly unitId: string | null
}

/** The signed-in person, as every service sees them. */
export interface Principal {
  readonly personId: string
  readonly organisationId: string
  readonly organisationName: string
  readonly organisationSlug: string
  readonly name: string
  readonly email: string
  readonly roles: readonly RoleGrant[]
}

export const ROLES: readonly Role[] = [
  'administrator',
  'performance_officer',
  'approver',
  'data_entry',
  'viewer',
  'councillor',
  'partner',
]

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  administrator: 'Administrator',
  performance_officer: 'Performance officer',
  approver: 'Approver',
  data_entry: 'Data entry',
  viewer: 'Viewer',
  councillor: 'Councillor',
  partner: 'Partner',
}
