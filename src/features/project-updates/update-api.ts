import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { projectGuard } from '../projects/index.ts'
import { ActionInput, ReturnInput, UpdateChanges, UpdateInput } from './update-schemas.ts'

const tags = ['Project updates']
const UpdateParams = IdParams.extend({ updateId: z.uuid({ error: 'Not a valid id' }) })

export const updateApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const updates = services.projectUpdates
  const guard = projectGuard(services)

  app.get(
    '/projects/:id/updates',
    {
      schema: {
        tags,
        summary: 'Monthly highlight updates, newest first',
        params: IdParams,
        querystring: PageQuerySchema,
      },
    },
    async (request) => {
      const { page, pageSize } = request.query
      return paginate(
        await updates.list(requirePrincipal(request), request.params.id),
        page,
        pageSize,
      )
    },
  )

  app.post(
    '/projects/:id/updates',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Write a monthly update (month "2025-04"): highlights, next steps, when, who and ' +
          'confidence; submit: true sends it for approval',
        params: IdParams,
        body: UpdateInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await updates.create(requirePrincipal(request), request.params.id, request.body)),
  )

  app.get(
    '/projects/:id/updates/:updateId',
    {
      schema: { tags, summary: 'An update with its restatements', params: UpdateParams },
    },
    async (request) => {
      const found = await updates.get(
        requirePrincipal(request),
        request.params.id,
        request.params.updateId,
      )
      return { ...found.update, restatements: found.restatements }
    },
  )

  app.patch(
    '/projects/:id/updates/:updateId',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Change a draft or returned update; an approved one is restated (reason required). ' +
          'version is required: a stale one answers 409',
        params: UpdateParams,
        body: UpdateChanges,
      },
    },
    async (request) =>
      updates.change(
        requirePrincipal(request),
        request.params.id,
        request.params.updateId,
        request.body,
      ),
  )

  for (const step of ['submit', 'approve'] as const) {
    app.post(
      `/projects/:id/updates/:updateId/${step}`,
      {
        preValidation: guard,
        schema: {
          tags,
          summary:
            step === 'submit'
              ? 'Submit for approval'
              : 'Approve: locks the month (never your own submission)',
          params: UpdateParams,
          body: ActionInput.optional(),
        },
      },
      async (request) => {
        const principal = requirePrincipal(request)
        const { id, updateId } = request.params
        const version = request.body?.version
        return step === 'submit'
          ? updates.submit(principal, id, updateId, version)
          : updates.approve(principal, id, updateId, version)
      },
    )
  }

  app.post(
    '/projects/:id/updates/:updateId/return',
    {
      preValidation: guard,
      schema: { tags, summary: 'Return with a reason', params: UpdateParams, body: ReturnInput },
    },
    async (request) =>
      updates.returnUpdate(
        requirePrincipal(request),
        request.params.id,
        request.params.updateId,
        request.body.reason,
        request.body.version,
      ),
  )

  app.get(
    '/projects/:id/highlight-report',
    {
      schema: {
        tags,
        summary:
          'The monthly highlight report of a programme (month "2025-04"; default this month): ' +
          'quarterly milestone strips, approved highlights, and the open risks linked to the ' +
          'programme and its items with their mitigating actions',
        params: IdParams,
        querystring: z.object({ month: z.string().max(20).optional() }),
      },
    },
    async (request) =>
      updates.highlightReport(requirePrincipal(request), request.params.id, request.query.month),
  )
}
