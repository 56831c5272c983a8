import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { existsFirst } from '../../web/api-guards.ts'
import { IdParams, PageQuerySchema } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import {
  DeliveryInput,
  financialYear,
  GROUPINGS,
  LineChanges,
  LineInput,
  ProfileInput,
  SAVING_STATUSES,
  SAVING_TYPES,
  TargetInput,
} from './savings-schemas.ts'

const savingsTag = ['Savings']

export const savingsApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const savings = services.savings
  // Another organisation's line in the path is 404 whatever the body holds.
  const line = existsFirst((p, { id }) => savings.getLine(p, id))

  app.get(
    '/savings',
    {
      schema: {
        tags: savingsTag,
        summary:
          'The savings register for a financial year (default: this one), each line with its delivery against profile',
        querystring: PageQuerySchema.extend({
          financialYear: financialYear.optional(),
          unitId: z.uuid().optional(),
          programme: z.string().optional(),
          priorityBoard: z.string().optional(),
          savingType: z.enum(SAVING_TYPES).optional(),
          status: z.enum(SAVING_STATUSES).optional(),
          rag: z.enum(['green', 'amber', 'red', 'delivered', 'not_started']).optional(),
        }),
      },
    },
    async (request) => {
      const { page, pageSize, financialYear: year, ...filters } = request.query
      return savings.registerPage(
        requirePrincipal(request),
        year ?? savings.currentYear(),
        filters,
        page,
        pageSize,
      )
    },
  )

  app.post(
    '/savings',
    { schema: { tags: savingsTag, summary: 'Add a savings line', body: LineInput } },
    async (request, reply) =>
      reply.code(201).send(await savings.createLine(requirePrincipal(request), request.body)),
  )

  app.get(
    '/savings/totals',
    {
      schema: {
        tags: savingsTag,
        summary:
          'Totals by year (pence) grouped by unit, programme, priority board or type, net efficiency and target',
        querystring: z.object({ groupBy: z.enum(GROUPINGS).default('unit') }),
      },
    },
    async (request) => savings.totals(requirePrincipal(request), request.query.groupBy),
  )

  app.get(
    '/savings/delivery',
    {
      schema: {
        tags: savingsTag,
        summary:
          'Planned and delivered savings per period: "% of planned savings delivered" and "£ savings delivered"',
        querystring: z.object({
          frequency: z.enum(['monthly', 'quarterly', 'half_yearly', 'annual']).default('quarterly'),
          financialYear: financialYear.optional(),
          unitId: z.uuid().optional(),
        }),
      },
    },
    async (request) =>
      savings.deliveryByPeriod(requirePrincipal(request), {
        frequency: request.query.frequency,
        financialYear: request.query.financialYear ?? savings.currentYear(),
        unitId: request.query.unitId,
      }),
  )

  app.get(
    '/savings/targets',
    { schema: { tags: savingsTag, summary: 'The organisation’s savings target per year' } },
    async (request) => savings.targets(requirePrincipal(request)),
  )

  app.put(
    '/savings/targets',
    {
      schema: { tags: savingsTag, summary: 'Set the savings target for a year', body: TargetInput },
    },
    async (request) => savings.setTarget(requirePrincipal(request), request.body),
  )

  app.get(
    '/savings/:id',
    {
      schema: {
        tags: savingsTag,
        summary: 'A savings line with each year’s monthly profile, actuals, forecasts and RAG',
        params: IdParams,
      },
    },
    async (request) => savings.lineDetail(requirePrincipal(request), request.params.id),
  )

  app.patch(
    '/savings/:id',
    {
      preValidation: line,
      schema: {
        tags: savingsTag,
        summary: 'Edit a savings line',
        params: IdParams,
        body: LineChanges,
      },
    },
    async (request) =>
      savings.updateLine(requirePrincipal(request), request.params.id, request.body),
  )

  app.put(
    '/savings/:id/profile',
    {
      preValidation: line,
      schema: {
        tags: savingsTag,
        summary: 'Profile a year evenly, or by 12 months (April to March) adding up to its amount',
        params: IdParams,
        body: ProfileInput,
      },
    },
    async (request) =>
      savings.setProfile(requirePrincipal(request), request.params.id, request.body),
  )

  app.put(
    '/savings/:id/months',
    {
      preValidation: line,
      schema: {
        tags: savingsTag,
        summary: 'Record actual (months ended) and forecast savings per month of a year',
        params: IdParams,
        body: DeliveryInput,
      },
    },
    async (request) =>
      savings.recordDelivery(requirePrincipal(request), request.params.id, request.body),
  )
}
