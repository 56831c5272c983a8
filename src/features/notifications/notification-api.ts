import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Services } from '../../services.ts'
import { IdParams, PageQuerySchema } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'

const tags = ['Notifications']

export const notificationApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  app.get(
    '/notifications',
    {
      schema: {
        tags,
        summary: 'Your notifications (reminders and approval requests), newest first',
        querystring: PageQuerySchema,
      },
    },
    async (request) => {
      const { page, pageSize } = request.query
      return services.notifications.list(requirePrincipal(request), page, pageSize)
    },
  )

  app.post(
    '/notifications/:id/read',
    { schema: { tags, summary: 'Mark one of your notifications as read', params: IdParams } },
    async (request, reply) => {
      await services.notifications.markRead(requirePrincipal(request), request.params.id)
      return reply.code(204).send()
    },
  )
}
