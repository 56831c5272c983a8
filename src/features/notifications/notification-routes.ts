import { plural } from '../../core/format.ts'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Config } from '../../config.ts'
import type { Services } from '../../services.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { setFlash } from '../auth/index.ts'
import { parseParams } from '../../web/fields.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { EmailPreferenceInput } from './notification-schemas.ts'

const PAGE_SIZE = 50

/** Puts the signed-in person's unread count into every page's header. */
export function setUpNotificationCount(app: FastifyInstance, services: Services): void {
  app.addHook('preHandler', async (request, reply) => {
    if (!request.principal || request.url.startsWith('/api/')) return
    if (!reply.locals || !('navigation' in reply.locals)) return
    reply.locals = {
      ...reply.locals,
      unreadNotifications: await services.notifications.unreadCount(request.principal),
    }
  })
}

export const notificationRoutes: FastifyPluginAsync<{
  services: Services
  config: Config
}> = async (app, { services, config }) => {
  const hide = { schema: { hide: true } }
  const notifications = services.notifications

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    status = 200,
    errors: { text: string; href: string }[] = [],
  ) {
    const principal = requirePrincipal(request)
    const pageNumber = z.coerce
      .number()
      .int()
      .min(1)
      .catch(1)
      .parse((request.query as { page?: unknown } | undefined)?.page)
    const list = await notifications.list(principal, pageNumber, PAGE_SIZE)
    return reply.code(status).view('notifications/views/notifications.njk', {
      title: 'Notifications',
      notifications: list.items,
      unread: list.items.some((n) => n.readAt === null),
      page: pageNumber,
      lastPage: Math.max(1, Math.ceil(list.total / PAGE_SIZE)),
      total: list.total,
      emailEnabled: notifications.emailEnabled(),
      emailMode: await notifications.emailMode(principal),
      errors,
    })
  }

  app.get('/notifications', hide, async (request, reply) => page(request, reply))

  app.post('/notifications/:id/read', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    await notifications.markRead(principal, id)
    return reply.redirect('/notifications', 303)
  })

  app.post('/notifications/read', hide, async (request, reply) => {
    const marked = await notifications.markAllRead(requirePrincipal(request))
    setFlash(reply, `${plural(marked, 'notification', 'notifications')} marked as read`, config)
    return reply.redirect('/notifications', 303)
  })

  app.post('/notifications/email', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const parsed = EmailPreferenceInput.safeParse(request.body)
    if (!parsed.success) {
      return page(request, reply, 400, [
        { text: 'Select how to get notifications by e-mail', href: '#email' },
      ])
    }
    const choice = parsed.data.email
    const mode =
      choice === 'yes' || choice === 'immediate' ? 'immediate' : choice === 'no' ? 'off' : 'digest'
    await notifications.setEmailMode(principal, mode)
    setFlash(
      reply,
      mode === 'immediate'
        ? 'You will get each notification by e-mail as it happens'
        : mode === 'digest'
          ? 'You will get one e-mail a day listing your new notifications'
          : 'You will not get notifications by e-mail',
      config,
    )
    return reply.redirect('/notifications', 303)
  })
}
