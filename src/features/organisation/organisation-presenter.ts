import type { Role, UnitKind } from '../../db/schema.ts'

interface UnitRow {
  id: string
  parent_id: string | null
  name: string
  kind: UnitKind
  code: string | null
  active: boolean
  position: number
  created_at: Date
  updated_at: Date
}

export function presentUnit(unit: UnitRow) {
  return {
    id: unit.id,
    name: unit.name,
    kind: unit.kind,
    code: unit.code,
    parentId: unit.parent_id,
    active: unit.active,
    position: unit.position,
    createdAt: unit.created_at.toISOString(),
    updatedAt: unit.updated_at.toISOString(),
  }
}
export type UnitView = ReturnType<typeof presentUnit>

interface PersonRow {
  id: string
  email: string
  name: string
  job_title: string | null
  unit_id: string | null
  line_manager_id: string | null
  active: boolean
  last_sign_in_at: Date | null
  created_at: Date
  updated_at: Date
}

export interface RoleView {
  readonly id: string
  readonly role: Role
  readonly unitId: string | null
}

export function presentPerson(person: PersonRow, roles: readonly RoleView[]) {
  return {
    id: person.id,
    email: person.email,
    name: person.name,
    jobTitle: person.job_title,
    unitId: person.unit_id,
    lineManagerId: person.line_manager_id,
    active: person.active,
    roles: roles.map((r) => ({ id: r.id, role: r.role, unitId: r.unitId })),
    lastSignInAt: person.last_sign_in_at?.toISOString() ?? null,
    createdAt: person.created_at.toISOString(),
    updatedAt: person.updated_at.toISOString(),
  }
}
export type PersonView = ReturnType<typeof presentPerson>
