import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Services } from '../../services.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { projectGuard } from '../projects/index.ts'
import { GatewayInput } from './gateway-schemas.ts'

const tags = ['Project gateways']

export const gatewayApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const gateways = services.projectGateways
  const guard = projectGuard(services)

  app.get(
    '/projects/:id/gateways',
    {
      schema: {
        tags,
        summary: 'Gateway reviews of a programme or project, newest first',
        params: IdParams,
        querystring: PageQuerySchema,
      },
    },
    async (request) => {
      const { page, pageSize } = request.query
      return paginate(
        await gateways.list(requirePrincipal(request), request.params.id),
        page,
        pageSize,
      )
    },
  )

  app.post(
    '/projects/:id/gateways',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Record a gateway review: the stage it closed (mandate, business_case, delivery, ' +
          'closure, closed), the decision (proceed, proceed_with_conditions, hold, stop), ' +
          'reviewDate, reviewer, and conditions (needed with proceed_with_conditions)',
        params: IdParams,
        body: GatewayInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await gateways.add(requirePrincipal(request), request.params.id, request.body)),
  )
}
