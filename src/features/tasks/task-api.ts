import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { requirePrincipal } from '../../web/request-principal.ts'

const tags = ['Tasks']

export const taskApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/tasks',
    {
      schema: {
        tags,
        summary:
          'Your tasks: values to enter, items waiting for your sign-off, queries to answer, risk reviews, late milestones and report narratives',
      },
    },
    async (request) => {
      const items = await services.tasks.list(requirePrincipal(request))
      return { items, total: items.length }
    },
  )

  app.post(
    '/tasks/approve',
    {
      schema: {
        tags,
        summary:
          'Approve many items at once (the approvalKey of each task); all or nothing, in one transaction',
        body: z.object({ items: z.array(z.string().max(200)).min(1).max(500) }),
      },
    },
    async (request) => {
      const approved = await services.tasks.approveMany(
        requirePrincipal(request),
        request.body.items,
      )
      return { approved }
    },
  )
}
