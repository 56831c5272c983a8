import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { recordAudit, SYSTEM_ACTOR, auditor } from '../audit/index.ts'
import { authRepository as authRepo, hashPassword, passwordProblem } from '../auth/index.ts'
import type { Principal } from '../../core/principal.ts'
import * as policy from './organisation-policy.ts'
import {
  presentPerson,
  presentUnit,
  type PersonView,
  type UnitView,
} from './organisation-presenter.ts'
import * as repo from './organisation-repository.ts'
import type {
  PersonChanges,
  PersonInput,
  RoleGrantInput,
  UnitChanges,
  UnitInput,
} from './organisation-schemas.ts'
import { UnitTree } from '../../core/unit-tree.ts'

export interface OrganisationDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
}

export type OrganisationService = ReturnType<typeof createOrganisationService>

export function createOrganisationService({ db, clock }: OrganisationDeps) {
  async function unitTree(organisationId: string): Promise<{ tree: UnitTree; units: UnitView[] }> {
    const rows = await repo.listUnits(db, organisationId)
    const units = rows.map(presentUnit)
    return { tree: new UnitTree(units), units }
  }

  async function requireUnit(principal: Principal, id: string) {
    const unit = await repo.findUnit(db, principal.organisationId, id)
    if (!unit) throw new NotFound('Unit not found')
    return unit
  }

  async function requireParent(principal: Principal, parentId: string | null | undefined) {
    if (!parentId) return null
    const parent = await repo.findUnit(db, principal.organisationId, parentId)
    if (!parent) throw Invalid.field('parentId', 'Select the unit this sits under from the list')
    return parent
  }

  async function checkUnitReference(principal: Principal, unitId: string | null | undefined) {
    if (!unitId) return
    const unit = await repo.findUnit(db, principal.organisationId, unitId)
    if (!unit) throw Invalid.field('unitId', 'Select a unit from the list')
  }

  /**
   * A line manager must be an active person of the same organisation, and not the person or
   * anyone they manage (directly or down the line): A manages B manages A is refused.
   */
  async function checkLineManager(
    principal: Principal,
    personId: string | null,
    managerId: string | null | undefined,
  ) {
    if (!managerId) return
    const manager = await repo.findPerson(db, principal.organisationId, managerId)
    if (!manager || !manager.active) {
      throw Invalid.field('lineManagerId', 'Select the line manager from the list')
    }
    if (personId === null) return
    const managers = new Map(
      (await repo.lineManagers(db, principal.organisationId)).map((p) => [p.id, p.managerId]),
    )
    const seen = new Set<string>()
    for (let at: string | null | undefined = managerId; at; at = managers.get(at)) {
      if (at === personId) {
        throw Invalid.field(
          'lineManagerId',
          managerId === personId
            ? 'A person cannot be their own line manager'
            : `${manager.name} is managed by this person, directly or down the line: choose someone else`,
        )
      }
      if (seen.has(at)) break
      seen.add(at)
    }
  }

  async function withRoles(rows: Awaited<ReturnType<typeof repo.findPerson>>[]) {
    const people = rows.filter((r) => r !== undefined)
    const roles = await repo.rolesOf(
      db,
      people.map((p) => p.id),
    )
    return people.map((p) =>
      presentPerson(
        p,
        roles
          .filter((r) => r.person_id === p.id)
          .map((r) => ({ id: r.id, role: r.role, unitId: r.unit_id })),
      ),
    )
  }

  async function requirePerson(principal: Principal, id: string, tree: UnitTree) {
    const row = await repo.findPerson(db, principal.organisationId, id)
    if (!row || !policy.canViewPerson(principal, { id: row.id, unitId: row.unit_id }, tree)) {
      throw new NotFound('Person not found')
    }
    return row
  }

  /** The person, if the principal may manage them: see policy.canManagePerson. */
  async function requireManageable(principal: Principal, id: string, tree: UnitTree) {
    const row = await requirePerson(principal, id, tree)
    const roles = (await repo.rolesOf(db, [row.id])).map((r) => ({ unitId: r.unit_id }))
    if (!policy.canManagePerson(principal, { unitId: row.unit_id, roles }, tree)) {
      throw new Forbidden('You can manage only people whose roles all lie within your own')
    }
    return { row, roles }
  }

  const audit = auditor<string>({ clock })

  return {
    unitTree,

    async listUnits(principal: Principal): Promise<UnitView[]> {
      if (!policy.canViewOrganisation(principal)) throw new Forbidden()
      return (await unitTree(principal.organisationId)).units
    },

    async getUnit(principal: Principal, id: string): Promise<UnitView> {
      if (!policy.canViewOrganisation(principal)) throw new Forbidden()
      return presentUnit(await requireUnit(principal, id))
    },

    async createUnit(principal: Principal, input: UnitInput): Promise<UnitView> {
      const { tree } = await unitTree(principal.organisationId)
      const parent = await requireParent(principal, input.parentId)
      if (!policy.canManageUnit(principal, parent?.id ?? null, tree)) throw new Forbidden()
      return db.transaction().execute(async (trx) => {
        const position = await repo.nextUnitPosition(
          trx,
          principal.organisationId,
          parent?.id ?? null,
        )
        const row = await repo.insertUnit(trx, {
          organisationId: principal.organisationId,
          parentId: parent?.id ?? null,
          name: input.name,
          kind: input.kind,
          code: input.code ?? null,
          position,
        })
        const unit = presentUnit(row)
        await audit(trx, principal, {
          action: 'unit_created',
          itemType: 'unit',
          itemId: unit.id,
          summary: `Unit "${unit.name}" created`,
          after: unit,
        })
        return unit
      })
    },

    /** Edits, moves (a new parent), reorders and deactivates or reactivates a unit. */
    async updateUnit(principal: Principal, id: string, changes: UnitChanges): Promise<UnitView> {
      const { tree } = await unitTree(principal.organisationId)
      const current = await requireUnit(principal, id)
      if (!policy.canManageUnit(principal, current.id, tree)) throw new Forbidden()
      const moving = changes.parentId !== undefined && changes.parentId !== current.parent_id
      if (moving) {
        const parent = await requireParent(principal, changes.parentId)
        if (tree.wouldCycle(id, parent?.id ?? null)) {
          throw Invalid.field('parentId', 'A unit cannot sit under itself or a unit beneath it')
        }
        if (!policy.canManageUnit(principal, parent?.id ?? null, tree)) throw new Forbidden()
      }
      const before = presentUnit(current)
      return db.transaction().execute(async (trx) => {
        const row = await repo.updateUnit(
          trx,
          principal.organisationId,
          id,
          {
            ...(changes.name !== undefined && { name: changes.name }),
            ...(changes.kind !== undefined && { kind: changes.kind }),
            ...(changes.code !== undefined && { code: changes.code }),
            ...(moving && { parent_id: changes.parentId ?? null }),
            ...(changes.active !== undefined && { active: changes.active }),
            ...(changes.position !== undefined && { position: changes.position }),
          },
          clock(),
        )
        const after = presentUnit(row)
        const action =
          changes.active === false && before.active
            ? 'unit_deactivated'
            : changes.active === true && !before.active
              ? 'unit_reactivated'
              : moving
                ? 'unit_moved'
                : 'unit_updated'
        await audit(trx, principal, {
          action,
          itemType: 'unit',
          itemId: id,
          summary: `Unit "${after.name}" ${action.replace('unit_', '')}`,
          before,
          after,
        })
        return after
      })
    },

    async listPeople(
      principal: Principal,
      options: {
        search?: string | undefined
        page: number
        pageSize: number
        unitId?: string | undefined
      },
    ): Promise<{ items: PersonView[]; total: number }> {
      if (!policy.canViewOrganisation(principal)) throw new Forbidden()
      const { tree } = await unitTree(principal.organisationId)
      let unitIds: string[] | undefined
      if (options.unitId)
        unitIds = tree.has(options.unitId) ? tree.descendantsOf(options.unitId) : []
      const partnerOnly = principal.roles.every((g) => g.role === 'partner')
      if (partnerOnly) {
        const visible = principal.roles.flatMap((g) =>
          g.unitId ? tree.descendantsOf(g.unitId) : [],
        )
        unitIds = (unitIds ?? visible).filter((u) => visible.includes(u))
      }
      const { rows, total } = await repo.listPeople(db, principal.organisationId, {
        search: options.search,
        unitIds,
        offset: (options.page - 1) * options.pageSize,
        limit: options.pageSize,
      })
      return { items: await withRoles(rows), total }
    },

    /**
     * The units and the names of the people this person may see (as `listUnits` and every
     * page of `listPeople` give them), in one statement: for filters' option lists.
     */
    async optionLists(principal: Principal) {
      if (!policy.canViewOrganisation(principal)) throw new Forbidden()
      const rows = await repo.unitsAndNames(db, principal.organisationId)
      const units = rows.units.map(presentUnit)
      let people = rows.people
      if (principal.roles.every((g) => g.role === 'partner')) {
        const tree = new UnitTree(units)
        const visible = new Set(
          principal.roles.flatMap((g) => (g.unitId ? tree.descendantsOf(g.unitId) : [])),
        )
        people = people.filter((p) => p.unit_id !== null && visible.has(p.unit_id))
      }
      return {
        units,
        people: people.map((p) => ({ id: p.id, name: p.name, active: p.active })),
      }
    },

    async getPerson(principal: Principal, id: string): Promise<PersonView> {
      const { tree } = await unitTree(principal.organisationId)
      const row = await requirePerson(principal, id, tree)
      const [person] = await withRoles([row])
      if (!person) throw new NotFound('Person not found')
      return person
    },

    async createPerson(principal: Principal, input: PersonInput): Promise<PersonView> {
      const { tree } = await unitTree(principal.organisationId)
      await checkUnitReference(principal, input.unitId)
      await checkLineManager(principal, null, input.lineManagerId)
      const grants = input.roles ?? []
      for (const [index, grant] of grants.entries()) {
        if (grant.unitId && !tree.has(grant.unitId)) {
          throw Invalid.field(`roles.${index}.unitId`, 'Select a unit from the list')
        }
      }
      const roles = grants.map((g) => ({ unitId: g.unitId ?? null }))
      if (!policy.canManagePerson(principal, { unitId: input.unitId ?? null, roles }, tree)) {
        throw new Forbidden()
      }
      if (await repo.emailTaken(db, principal.organisationId, input.email)) {
        throw Invalid.field('email', 'Someone already uses this email address')
      }
      let passwordHash: string | null = null
      if (input.password) {
        const problem = passwordProblem(input.password, { ...principal, email: input.email })
        if (problem) throw Invalid.field('password', problem)
        passwordHash = await hashPassword(input.password)
      }
      return db.transaction().execute(async (trx) => {
        const row = await repo.insertPerson(trx, {
          organisationId: principal.organisationId,
          email: input.email,
          name: input.name,
          jobTitle: input.jobTitle ?? null,
          unitId: input.unitId ?? null,
          passwordHash,
          lineManagerId: input.lineManagerId ?? null,
        })
        const roles = []
        for (const grant of grants) {
          const r = await repo.insertRole(trx, {
            organisationId: principal.organisationId,
            personId: row.id,
            role: grant.role,
            unitId: grant.unitId ?? null,
          })
          roles.push({ id: r.id, role: r.role, unitId: r.unit_id })
        }
        const person = presentPerson(row, roles)
        await audit(trx, principal, {
          action: 'person_created',
          itemType: 'person',
          itemId: person.id,
          summary: `${person.name} added`,
          after: person,
        })
        return person
      })
    },

    /** Edits and deactivates or reactivates; deactivating ends sessions and revokes tokens. */
    async updatePerson(
      principal: Principal,
      id: string,
      changes: PersonChanges,
    ): Promise<PersonView> {
      const { tree } = await unitTree(principal.organisationId)
      const { row: current, roles } = await requireManageable(principal, id, tree)
      if (changes.unitId !== undefined && changes.unitId !== current.unit_id) {
        await checkUnitReference(principal, changes.unitId)
        if (!policy.canManagePerson(principal, { unitId: changes.unitId ?? null, roles }, tree)) {
          throw new Forbidden()
        }
      }
      if (changes.lineManagerId !== undefined) {
        await checkLineManager(principal, id, changes.lineManagerId)
      }
      if (
        changes.email &&
        (await repo.emailTaken(db, principal.organisationId, changes.email, id))
      ) {
        throw Invalid.field('email', 'Someone already uses this email address')
      }
      if (changes.active === false && id === principal.personId) {
        throw new Conflict('You cannot deactivate your own account')
      }
      const [before] = await withRoles([current])
      return db.transaction().execute(async (trx) => {
        const now = clock()
        const row = await repo.updatePerson(
          trx,
          principal.organisationId,
          id,
          {
            ...(changes.email !== undefined && { email: changes.email }),
            ...(changes.name !== undefined && { name: changes.name }),
            ...(changes.jobTitle !== undefined && { job_title: changes.jobTitle }),
            ...(changes.unitId !== undefined && { unit_id: changes.unitId }),
            ...(changes.lineManagerId !== undefined && {
              line_manager_id: changes.lineManagerId,
            }),
            ...(changes.active !== undefined && { active: changes.active }),
          },
          now,
        )
        const deactivated = changes.active === false && current.active
        if (deactivated) {
          await authRepo.deleteSessionsOf(trx, id)
          await authRepo.revokeTokensOf(trx, id, now)
        }
        const [after] = await withRolesIn(trx, row)
        if (!after) throw new NotFound('Person not found')
        const action = deactivated
          ? 'person_deactivated'
          : changes.active === true && !current.active
            ? 'person_reactivated'
            : 'person_updated'
        await audit(trx, principal, {
          action,
          itemType: 'person',
          itemId: id,
          summary: `${after.name} ${action.replace('person_', '')}`,
          before,
          after,
        })
        return after
      })
    },

    async grantRole(
      principal: Principal,
      personId: string,
      grant: RoleGrantInput,
    ): Promise<PersonView> {
      const { tree } = await unitTree(principal.organisationId)
      const { row: person } = await requireManageable(principal, personId, tree)
      if (grant.unitId && !tree.has(grant.unitId)) {
        throw Invalid.field('unitId', 'Select a unit from the list')
      }
      if (!policy.canGrant(principal, grant.unitId ?? null, tree)) throw new Forbidden()
      const existing = await repo.rolesOf(db, [personId])
      if (existing.some((r) => r.role === grant.role && r.unit_id === (grant.unitId ?? null))) {
        throw Invalid.field('role', 'This person already has that role for that unit')
      }
      return db.transaction().execute(async (trx) => {
        const role = await repo.insertRole(trx, {
          organisationId: principal.organisationId,
          personId,
          role: grant.role,
          unitId: grant.unitId ?? null,
        })
        await audit(trx, principal, {
          action: 'role_granted',
          itemType: 'person',
          itemId: personId,
          summary: `${person.name} given the ${grant.role} role`,
          after: { id: role.id, role: role.role, unitId: role.unit_id },
        })
        const [view] = await withRolesIn(trx, person)
        if (!view) throw new NotFound('Person not found')
        return view
      })
    },

    async revokeRole(principal: Principal, personId: string, roleId: string): Promise<PersonView> {
      const { tree } = await unitTree(principal.organisationId)
      const { row: person } = await requireManageable(principal, personId, tree)
      const role = await repo.findRole(db, principal.organisationId, roleId)
      if (role?.person_id !== personId) throw new NotFound('Role not found')
      if (!policy.canGrant(principal, role.unit_id, tree)) throw new Forbidden()
      if (
        personId === principal.personId &&
        role.role === 'administrator' &&
        role.unit_id === null
      ) {
        throw new Conflict('You cannot remove your own organisation-wide administrator role')
      }
      return db.transaction().execute(async (trx) => {
        await repo.deleteRole(trx, roleId)
        await audit(trx, principal, {
          action: 'role_revoked',
          itemType: 'person',
          itemId: personId,
          summary: `${person.name} no longer has the ${role.role} role`,
          before: { id: role.id, role: role.role, unitId: role.unit_id },
        })
        const [view] = await withRolesIn(trx, person)
        if (!view) throw new NotFound('Person not found')
        return view
      })
    },

    /** An administrator sets a password for someone; their sessions end. */
    async setPassword(principal: Principal, personId: string, password: string): Promise<void> {
      const { tree } = await unitTree(principal.organisationId)
      const { row: person } = await requireManageable(principal, personId, tree)
      const problem = passwordProblem(password, { ...principal, email: person.email })
      if (problem) throw Invalid.field('password', problem)
      const hash = await hashPassword(password)
      await db.transaction().execute(async (trx) => {
        await authRepo.setPasswordHash(trx, personId, hash, clock())
        await authRepo.deleteSessionsOf(trx, personId)
        await audit(trx, principal, {
          action: 'password_set',
          itemType: 'person',
          itemId: personId,
          summary: `Password set for ${person.name}; their sessions were ended`,
        })
      })
    },
  }

  async function withRolesIn(
    trx: Kysely<DB>,
    row: NonNullable<Awaited<ReturnType<typeof repo.findPerson>>>,
  ) {
    const roles = await repo.rolesOf(trx, [row.id])
    return [
      presentPerson(
        row,
        roles.map((r) => ({ id: r.id, role: r.role, unitId: r.unit_id })),
      ),
    ]
  }
}

/** Used by the CLI and the demo: creating an organisation needs no signed-in person. */
export async function createOrganisation(
  db: Kysely<DB>,
  input: { name: string; slug: string },
  clock: () => Date = () => new Date(),
) {
  if (await repo.findOrganisationBySlug(db, input.slug)) {
    throw Invalid.field(
      'slug',
      `An organisation with the short name "${input.slug}" already exists`,
    )
  }
  return db.transaction().execute(async (trx) => {
    const organisation = await repo.insertOrganisation(trx, input)
    await recordAudit(
      trx,
      {
        organisationId: organisation.id,
        actor: SYSTEM_ACTOR,
        action: 'organisation_created',
        itemType: 'organisation',
        itemId: organisation.id,
        summary: `Organisation "${organisation.name}" created`,
        after: { name: organisation.name, slug: organisation.slug },
      },
      clock,
    )
    return organisation
  })
}
