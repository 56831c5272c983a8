import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { parseParams } from '../../web/fields.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { RouteOptions } from '../../web/feature.ts'

const PAGE_SIZE = 50
const HistoryParams = z.object({ itemType: z.string().regex(/^[a-z_]+$/), itemId: z.uuid() })

/**
 * The audit log, and the history of one item. Each feature says, for the audit item types it
 * owns, how to find one for this person (so history is only shown for items they may see) and
 * where it lives: its descriptor's `historyItems`, gathered here by app.ts.
 */
export const auditRoutes: FastifyPluginAsync<
  Pick<RouteOptions<Services>, 'services' | 'historyItems'>
> = async (app, { services, historyItems }) => {
  const hide = { schema: { hide: true } }

  app.get('/audit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const page = z.coerce
      .number()
      .int()
      .min(1)
      .catch(1)
      .parse((request.query as { page?: unknown }).page)
    const { items, total } = await services.audit.recent(principal, page, PAGE_SIZE)
    return reply.view('audit/views/audit.njk', {
      title: 'Audit log',
      records: items,
      historyTypes: Object.keys(historyItems),
      page,
      lastPage: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      total,
    })
  })

  app.get('/history/:itemType/:itemId', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { itemType, itemId } = parseParams(HistoryParams, request.params)
    const resolve = Object.hasOwn(historyItems, itemType) ? historyItems[itemType] : undefined
    if (!resolve) return reply.callNotFound()
    const item = await resolve(services, principal, itemId)
    const records = await services.audit.history(principal, itemType, itemId)
    return reply.view('audit/views/history.njk', { title: `History: ${item.title}`, item, records })
  })
}
