import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { NotFound } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../auth/authentication.ts'
import { CommitteeInput, MeetingInput } from './committee-schemas.ts'

const tags = ['Committees']

export const committeeApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const committees = services.committees

  app.get(
    '/committees',
    {
      schema: {
        tags,
        summary: 'Committees and the report kinds due at their meetings',
        querystring: PageQuerySchema,
      },
    },
    async (request) => {
      const { page, pageSize } = request.query
      return paginate(await committees.list(requirePrincipal(request)), page, pageSize)
    },
  )

  app.post(
    '/committees',
    { schema: { tags, summary: 'Add a committee', body: CommitteeInput } },
    async (request, reply) =>
      reply.code(201).send(await committees.create(requirePrincipal(request), request.body)),
  )

  app.get(
    '/committees/:id',
    {
      schema: {
        tags,
        summary: 'A committee with its meetings, reports due and reports made',
        params: IdParams,
      },
    },
    async (request) => committees.detail(requirePrincipal(request), request.params.id),
  )

  app.post(
    '/committees/:id/meetings',
    {
      preValidation: async (request) => {
        const { id } = request.params as { id?: string }
        const parsed = IdParams.safeParse({ id })
        if (!parsed.success) throw new NotFound()
        await committees.requireCommittee(requirePrincipal(request), parsed.data.id)
      },
      schema: { tags, summary: 'Add a meeting date', params: IdParams, body: MeetingInput },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await committees.addMeeting(requirePrincipal(request), request.params.id, request.body),
        ),
  )
}
