import type { Role } from '../db/schema.ts'

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

/** The command line acts as an administrator of the whole organisation, but is no one. */
export const COMMAND_LINE_PERSON_ID = '00000000-0000-0000-0000-000000000000'

/** The person to record as having done something: none for the command line. */
export function recordedPersonId(principal: Pick<Principal, 'personId'>): string | null {
  return principal.personId === COMMAND_LINE_PERSON_ID ? null : principal.personId
}
