import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { existsFirst } from '../../web/api-guards.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { DashboardChanges, DashboardInput, ExceptionFilters } from './dashboard-schemas.ts'

const tags = ['Dashboards']
const AsAtQuery = z.object({
  asAt: z
    .string()
    .max(40)
    .optional()
    .describe('A period that has ended, as a label ("2024/25 Q2") or a quarter\'s first day'),
})

export const dashboardApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const dashboards = services.dashboards
  // Another organisation's id is 404 before the body is read.
  const exists = existsFirst((p, { id }) => dashboards.get(p, id))

  app.get(
    '/dashboards',
    {
      schema: {
        tags,
        summary:
          'Dashboards this person may see: the corporate one, their own and those shared with their unit',
        querystring: PageQuerySchema,
      },
    },
    async (request) => {
      const { page, pageSize } = request.query
      return paginate(await dashboards.list(requirePrincipal(request)), page, pageSize)
    },
  )

  app.post(
    '/dashboards',
    {
      schema: {
        tags,
        summary:
          'Create a personal dashboard (or, for the performance team, the corporate one) with its tiles in order',
        body: DashboardInput,
      },
    },
    async (request, reply) =>
      reply.code(201).send(await dashboards.create(requirePrincipal(request), request.body)),
  )

  app.get(
    '/dashboards/exceptions',
    {
      schema: {
        tags,
        summary:
          'Only what needs attention, filtered by unit, theme (nodeId) or portfolio holder, today or as at a period',
        querystring: ExceptionFilters,
      },
    },
    async (request) => dashboards.exceptions(requirePrincipal(request), request.query),
  )

  app.get(
    '/dashboards/:id',
    { schema: { tags, summary: 'A dashboard definition and its tiles', params: IdParams } },
    async (request) => dashboards.get(requirePrincipal(request), request.params.id),
  )

  app.patch(
    '/dashboards/:id',
    {
      preValidation: exists,
      schema: {
        tags,
        summary:
          'Change title, sharing or (replacing them all) the tiles; send the current version',
        params: IdParams,
        body: DashboardChanges,
      },
    },
    async (request) =>
      dashboards.update(requirePrincipal(request), request.params.id, request.body),
  )

  app.delete(
    '/dashboards/:id',
    { schema: { tags, summary: 'Delete a dashboard', params: IdParams } },
    async (request, reply) => {
      await dashboards.remove(requirePrincipal(request), request.params.id)
      return reply.code(204).send()
    },
  )

  app.get(
    '/dashboards/:id/content',
    {
      schema: {
        tags,
        summary: 'What the dashboard shows, computed for this person, today or as at a past period',
        params: IdParams,
        querystring: AsAtQuery,
      },
    },
    async (request) =>
      dashboards.dashboardContent(requirePrincipal(request), request.params.id, request.query.asAt),
  )
}
