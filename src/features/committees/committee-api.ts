import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { existsFirst } from '../../web/api-guards.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import {
  CommitteeChanges,
  CommitteeInput,
  MeetingCancellation,
  MeetingChanges,
  MeetingInput,
} from './committee-schemas.ts'

const tags = ['Committees']
const MeetingParams = IdParams.extend({ meetingId: z.uuid({ error: 'Not a valid id' }) })

export const committeeApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const committees = services.committees
  // Another organisation's ids are 404 before the body is read.
  const committee = existsFirst((p, { id }) => committees.requireCommittee(p, id))
  const meeting = existsFirst(
    (p, { id, meetingId }) => committees.requireMeeting(p, id, meetingId),
    MeetingParams,
  )

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

  app.patch(
    '/committees/:id',
    {
      preValidation: committee,
      schema: {
        tags,
        summary:
          'Change a committee’s name, description or report kinds due; send the current version',
        params: IdParams,
        body: CommitteeChanges,
      },
    },
    async (request) =>
      committees.update(requirePrincipal(request), request.params.id, request.body),
  )

  app.post(
    '/committees/:id/meetings',
    {
      preValidation: committee,
      schema: { tags, summary: 'Add a meeting date', params: IdParams, body: MeetingInput },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await committees.addMeeting(requirePrincipal(request), request.params.id, request.body),
        ),
  )

  app.patch(
    '/committees/:id/meetings/:meetingId',
    {
      preValidation: meeting,
      schema: {
        tags,
        summary: 'Move a meeting to another date; send the current version',
        params: MeetingParams,
        body: MeetingChanges,
      },
    },
    async (request) =>
      committees.changeMeeting(
        requirePrincipal(request),
        request.params.id,
        request.params.meetingId,
        request.body,
      ),
  )

  app.post(
    '/committees/:id/meetings/:meetingId/cancel',
    {
      preValidation: meeting,
      schema: {
        tags,
        summary:
          'Cancel a meeting: it stays on the calendar as cancelled, with nothing due; send the current version',
        params: MeetingParams,
        body: MeetingCancellation,
      },
    },
    async (request) =>
      committees.cancelMeeting(
        requirePrincipal(request),
        request.params.id,
        request.params.meetingId,
        request.body,
      ),
  )
}
