import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import {
  PersonChanges,
  PersonInput,
  RoleGrantInput,
  UnitChanges,
  UnitInput,
} from './organisation-schemas.ts'

export const organisationApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const org = services.organisation

  app.get(
    '/units',
    {
      schema: {
        tags: ['Units'],
        summary: 'Units (directorates, services, teams, localities), in hierarchy order',
        querystring: PageQuerySchema.extend({ active: z.enum(['true', 'false']).optional() }),
      },
    },
    async (request) => {
      const { page, pageSize, active } = request.query
      const units = await org.listUnits(requirePrincipal(request))
      const filtered =
        active === undefined ? units : units.filter((u) => String(u.active) === active)
      return paginate(filtered, page, pageSize)
    },
  )

  app.post(
    '/units',
    { schema: { tags: ['Units'], summary: 'Create a unit', body: UnitInput } },
    async (request, reply) =>
      reply.code(201).send(await org.createUnit(requirePrincipal(request), request.body)),
  )

  app.get(
    '/units/:id',
    { schema: { tags: ['Units'], summary: 'A unit', params: IdParams } },
    async (request) => org.getUnit(requirePrincipal(request), request.params.id),
  )

  app.patch(
    '/units/:id',
    {
      schema: {
        tags: ['Units'],
        summary: 'Edit, move (parentId), reorder (position) or deactivate (active: false) a unit',
        params: IdParams,
        body: UnitChanges,
      },
    },
    async (request) => org.updateUnit(requirePrincipal(request), request.params.id, request.body),
  )

  app.get(
    '/people',
    {
      schema: {
        tags: ['People'],
        summary: 'People in the organisation, with their roles',
        querystring: PageQuerySchema.extend({
          search: z.string().max(200).optional(),
          unitId: z.uuid().optional(),
        }),
      },
    },
    async (request) => {
      const { page, pageSize, search, unitId } = request.query
      const result = await org.listPeople(requirePrincipal(request), {
        page,
        pageSize,
        search,
        unitId,
      })
      return { items: result.items, page, pageSize, total: result.total }
    },
  )

  app.post(
    '/people',
    {
      schema: {
        tags: ['People'],
        summary: 'Add a person, optionally with roles and a password',
        body: PersonInput,
      },
    },
    async (request, reply) =>
      reply.code(201).send(await org.createPerson(requirePrincipal(request), request.body)),
  )

  app.get(
    '/people/:id',
    { schema: { tags: ['People'], summary: 'A person', params: IdParams } },
    async (request) => org.getPerson(requirePrincipal(request), request.params.id),
  )

  app.patch(
    '/people/:id',
    {
      schema: {
        tags: ['People'],
        summary: 'Edit a person, move them to another unit, or deactivate them (active: false)',
        params: IdParams,
        body: PersonChanges,
      },
    },
    async (request) => org.updatePerson(requirePrincipal(request), request.params.id, request.body),
  )

  app.post(
    '/people/:id/roles',
    {
      schema: { tags: ['People'], summary: 'Grant a role', params: IdParams, body: RoleGrantInput },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await org.grantRole(requirePrincipal(request), request.params.id, request.body)),
  )

  app.delete(
    '/people/:id/roles/:roleId',
    {
      schema: {
        tags: ['People'],
        summary: 'Remove a role',
        params: IdParams.extend({ roleId: z.uuid({ error: 'Not a valid id' }) }),
      },
    },
    async (request) =>
      org.revokeRole(requirePrincipal(request), request.params.id, request.params.roleId),
  )
}
