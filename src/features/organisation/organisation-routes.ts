import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { formPages } from '../../web/form-page.ts'
import { handleForm } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { ROLE_NAMES, ROLES } from '../../core/principal.ts'
import { canGrant, canManagePerson, canManageUnit } from './organisation-policy.ts'
import { isOrganisationAdministrator } from '../../core/roles.ts'
import {
  PersonChanges,
  PersonInput,
  RoleGrantInput,
  UNIT_KIND_NAMES,
  UNIT_KINDS,
  UnitInput,
} from './organisation-schemas.ts'
import { unitForest, unitNames, unitSelectItems } from './unit-options.ts'

const hide = { schema: { hide: true } }
const RoleParams = IdParams.extend({ roleId: z.uuid() })
const PeopleQuery = z.object({
  search: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(100000).catch(1),
})
const PAGE_SIZE = 50

const kindItems = (selected?: unknown) =>
  UNIT_KINDS.map((kind) => ({
    value: kind,
    text: UNIT_KIND_NAMES[kind],
    checked: kind === selected,
  }))

const roleItems = (selected?: unknown) => [
  { value: '', text: 'Select a role' },
  ...ROLES.map((role) => ({ value: role, text: ROLE_NAMES[role], selected: role === selected })),
]

/** The person form gathers one role; the API takes a list. */
function personFormInput(body: Record<string, unknown>) {
  const role = typeof body.role === 'string' && body.role !== '' ? body.role : undefined
  return {
    ...body,
    roles: role ? [{ role, unitId: body.roleUnitId }] : [],
  }
}

export const organisationRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const org = services.organisation
  const formPage = formPages(app)

  // Units

  app.get('/units', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const units = await org.listUnits(principal)
    const { tree } = await org.unitTree(principal.organisationId)
    return reply.view('organisation/views/units.njk', {
      title: 'Units',
      forest: unitForest(units),
      canCreate:
        canManageUnit(principal, null, tree) ||
        principal.roles.some((g) => g.role === 'administrator'),
    })
  })

  const unitFormContext = async (
    principal: ReturnType<typeof requirePrincipal>,
    editing?: string,
  ) => {
    const units = await org.listUnits(principal)
    const { tree } = await org.unitTree(principal.organisationId)
    return {
      units,
      exclude: editing ? tree.descendantsOf(editing) : [],
    }
  }

  formPage({
    path: '/units/new',
    load: ({ principal }) => unitFormContext(principal),
    template: 'organisation/views/unit-form.njk',
    values: ({ request }) => ({ parentId: (request.query as { parentId?: string }).parentId }),
    view: ({ model: { units } }, values) => ({
      title: 'Add a unit',
      action: '/units/new',
      kindItems: kindItems(values.kind),
      parentItems: unitSelectItems(units, {
        selected: values.parentId as string,
        emptyText: 'None (a top-level unit)',
      }),
    }),
    schema: UnitInput,
    save: ({ principal }, input) => org.createUnit(principal, input),
    redirect: (_, unit) => `/units/${unit.id}`,
  })

  app.get('/units/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const unit = await org.getUnit(principal, id)
    const units = await org.listUnits(principal)
    const { tree } = await org.unitTree(principal.organisationId)
    const people = await org.listPeople(principal, { unitId: id, page: 1, pageSize: 200 })
    return reply.view('organisation/views/unit.njk', {
      title: unit.name,
      unit,
      names: unitNames(units),
      path: tree
        .ancestorsOf(id)
        .reverse()
        .map((u) => ({ id: u, name: unitNames(units)[u] })),
      children: units.filter((u) => u.parentId === id),
      people: people.items.filter((p) => p.unitId === id),
      peopleBeneath: people.total,
      canManage: canManageUnit(principal, id, tree),
    })
  })

  formPage({
    path: '/units/:id/edit',
    params: IdParams,
    load: async ({ principal, params: { id } }) => ({
      unit: await org.getUnit(principal, id),
      ...(await unitFormContext(principal, id)),
    }),
    template: 'organisation/views/unit-form.njk',
    values: ({ model: { unit } }) => unit,
    view: ({ params: { id }, model: { unit, units, exclude } }, values) => ({
      title: `Edit ${unit.name}`,
      action: `/units/${id}/edit`,
      unit,
      kindItems: kindItems(values.kind),
      parentItems: unitSelectItems(units, {
        selected: values.parentId as string,
        exclude,
        emptyText: 'None (a top-level unit)',
      }),
    }),
    schema: UnitInput,
    save: ({ principal, params: { id } }, input) =>
      org.updateUnit(principal, id, { ...input, parentId: input.parentId ?? null }),
    redirect: ({ params: { id } }) => `/units/${id}`,
  })

  for (const [path, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    app.post(`/units/:id/${path}`, hide, async (request, reply) => {
      const principal = requirePrincipal(request)
      const { id } = parseParams(IdParams, request.params)
      await org.updateUnit(principal, id, { active })
      return reply.redirect(`/units/${id}`, 303)
    })
  }

  // People

  app.get('/people', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const query = PeopleQuery.parse(request.query)
    const result = await org.listPeople(principal, {
      search: query.search,
      page: query.page,
      pageSize: PAGE_SIZE,
    })
    const units = await org.listUnits(principal)
    const lastPage = Math.max(1, Math.ceil(result.total / PAGE_SIZE))
    return reply.view('organisation/views/people.njk', {
      title: 'People',
      people: result.items,
      total: result.total,
      search: query.search ?? '',
      names: unitNames(units),
      page: query.page,
      lastPage,
      canCreate: principal.roles.some((g) => g.role === 'administrator'),
    })
  })

  const personFormContext = async (
    principal: ReturnType<typeof requirePrincipal>,
    values: Record<string, unknown>,
  ) => {
    const units = await org.listUnits(principal)
    const people = await org.listPeople(principal, { page: 1, pageSize: 5000 })
    return {
      unitItems: unitSelectItems(units, {
        selected: values.unitId as string,
        emptyText: 'No unit',
      }),
      managerItems: [
        { value: '', text: 'No line manager' },
        ...people.items
          .filter((p) => p.active && p.id !== values.id)
          .map((p) => ({
            value: p.id,
            text: p.jobTitle ? `${p.name}, ${p.jobTitle}` : p.name,
            selected: p.id === values.lineManagerId,
          })),
      ],
      roleItems: roleItems(values.role),
      roleUnitItems: unitSelectItems(units, {
        selected: values.roleUnitId as string,
        emptyText: 'The whole organisation',
      }),
    }
  }

  formPage({
    path: '/people/new',
    template: 'organisation/views/person-form.njk',
    view: async ({ principal }, values) => ({
      title: 'Add a person',
      action: '/people/new',
      creating: true,
      ...(await personFormContext(principal, values)),
    }),
    schema: PersonInput,
    input: personFormInput,
    again: (body) => ({ ...body, password: '' }),
    save: ({ principal }, input) => org.createPerson(principal, input),
    redirect: (_, person) => `/people/${person.id}`,
  })

  app.get('/people/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const person = await org.getPerson(principal, id)
    const units = await org.listUnits(principal)
    const { tree } = await org.unitTree(principal.organisationId)
    const lineManager = person.lineManagerId
      ? await org.getPerson(principal, person.lineManagerId).catch(() => null)
      : null
    return reply.view('organisation/views/person.njk', {
      title: person.name,
      person,
      lineManagerName: lineManager?.name ?? 'Someone you cannot see',
      names: unitNames(units),
      canManage: canManagePerson(principal, person, tree),
      canGrantAny: principal.roles.some((g) => g.role === 'administrator'),
      canRevoke: Object.fromEntries(
        person.roles.map((r) => [r.id, canGrant(principal, r.unitId, tree)]),
      ),
      isSelf: person.id === principal.personId,
      values: {},
      roleItems: roleItems(),
      roleUnitItems: unitSelectItems(units, { emptyText: 'The whole organisation' }),
    })
  })

  formPage({
    path: '/people/:id/edit',
    params: IdParams,
    load: ({ principal, params: { id } }) => org.getPerson(principal, id),
    template: 'organisation/views/person-form.njk',
    values: ({ model: person }) => person,
    view: async ({ params: { id }, principal, model: person }, values) => ({
      title: `Edit ${person.name}`,
      action: `/people/${id}/edit`,
      person,
      // The id leaves the person out of their own line managers.
      ...(await personFormContext(principal, { ...values, id })),
    }),
    schema: PersonChanges.required({ email: true, name: true }),
    save: ({ principal, params: { id } }, input) =>
      org.updatePerson(principal, id, {
        ...input,
        jobTitle: input.jobTitle ?? null,
        unitId: input.unitId ?? null,
        lineManagerId: input.lineManagerId ?? null,
      }),
    redirect: ({ params: { id } }) => `/people/${id}`,
  })

  for (const [path, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    app.post(`/people/:id/${path}`, hide, async (request, reply) => {
      const principal = requirePrincipal(request)
      const { id } = parseParams(IdParams, request.params)
      await org.updatePerson(principal, id, { active })
      return reply.redirect(`/people/${id}`, 303)
    })
  }

  app.post('/people/:id/roles', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const body = (request.body ?? {}) as Record<string, unknown>
    const person = await org.getPerson(principal, id)
    const units = await org.listUnits(principal)
    const { tree } = await org.unitTree(principal.organisationId)
    return handleForm(
      reply,
      {
        template: 'organisation/views/person.njk',
        context: {
          title: person.name,
          person,
          names: unitNames(units),
          canManage: canManagePerson(principal, person, tree),
          canGrantAny: true,
          canRevoke: Object.fromEntries(
            person.roles.map((r) => [r.id, canGrant(principal, r.unitId, tree)]),
          ),
          roleItems: roleItems(body.role),
          roleUnitItems: unitSelectItems(units, {
            selected: body.unitId as string,
            emptyText: 'The whole organisation',
          }),
        },
        values: body,
      },
      async () => {
        await org.grantRole(principal, id, parseInput(RoleGrantInput, body))
        return reply.redirect(`/people/${id}#roles`, 303)
      },
    )
  })

  app.post('/people/:id/roles/:roleId/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, roleId } = parseParams(RoleParams, request.params)
    await org.revokeRole(principal, id, roleId)
    return reply.redirect(`/people/${id}#roles`, 303)
  })

  app.get('/people/:id/password', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const person = await org.getPerson(principal, id)
    return reply.view('organisation/views/person-password.njk', {
      title: `Set a password for ${person.name}`,
      person,
      values: {},
    })
  })

  app.post('/people/:id/password', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const person = await org.getPerson(principal, id)
    const body = (request.body ?? {}) as Record<string, unknown>
    return handleForm(
      reply,
      {
        template: 'organisation/views/person-password.njk',
        context: { title: `Set a password for ${person.name}`, person },
        values: {},
      },
      async () => {
        const password = typeof body.password === 'string' ? body.password : ''
        if (password === '') throw Invalid.field('password', 'Enter a password')
        await org.setPassword(principal, id, password)
        return reply.redirect(`/people/${id}`, 303)
      },
    )
  })

  app.get('/organisation', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    return reply.redirect(isOrganisationAdministrator(principal) ? '/units' : '/', 303)
  })
}
