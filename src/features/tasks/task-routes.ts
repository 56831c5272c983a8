import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify'
import type { Config } from '../../config.ts'
import { Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { formErrors } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { setFlash } from '../auth/index.ts'
import type { Principal } from '../../core/principal.ts'
import { TASK_GROUPS, type Task } from './task-service.ts'

const hide = { schema: { hide: true } }

/** The selected items of an approval form: one `items` field or many. */
export function selectedItems(body: unknown): string[] {
  const items = (body as { items?: unknown } | undefined)?.items
  const list = Array.isArray(items) ? items : items === undefined ? [] : [items]
  return list.filter((i): i is string => typeof i === 'string' && i.length <= 200)
}

/** Tasks grouped as the inbox shows them, empty groups left out. */
export function groupTasks(tasks: readonly Task[]) {
  return TASK_GROUPS.map((g) => ({
    ...g,
    tasks: tasks.filter((t) => t.kind === g.kind),
  })).filter((g) => g.tasks.length > 0)
}

/** Puts "Your tasks (N)" into the header navigation of every page. */
export function setUpTaskCount(app: FastifyInstance, services: Services): void {
  app.addHook('preHandler', async (request, reply) => {
    if (!request.principal || request.url.startsWith('/api/')) return
    const locals = reply.locals as { navigation?: { href: string; text: string }[] } | undefined
    if (!locals?.navigation) return
    const count = await services.tasks.count(request.principal)
    reply.locals = {
      ...reply.locals,
      taskCount: count,
      navigation: locals.navigation.map((item) =>
        item.href === '/tasks' ? { ...item, text: `Your tasks (${count})` } : item,
      ),
    }
  })
}

export const taskRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const { tasks } = services

  async function tasksPage(principal: Principal, reply: FastifyReply, extra = {}) {
    const all = await tasks.list(principal)
    return reply.view('tasks/views/tasks.njk', {
      title: 'Your tasks',
      groups: groupTasks(all),
      total: all.length,
      approvable: all.filter((t) => t.approvalKey !== null).length,
      ...extra,
    })
  }

  app.get('/tasks', hide, async (request, reply) => tasksPage(requirePrincipal(request), reply))

  // Step one of approving many: a page listing exactly what will be approved.
  app.post('/tasks/approve', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const items = selectedItems(request.body)
    try {
      const labels = await tasks.confirmApproval(principal, items)
      return await reply.view('tasks/views/confirm-approval.njk', {
        title: `Approve ${labels.length} ${labels.length === 1 ? 'item' : 'items'}`,
        labels,
        items,
      })
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      reply.code(400)
      return await tasksPage(principal, reply, formErrors(error))
    }
  })

  app.post('/tasks/approve/confirm', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const approved = await tasks.approveMany(principal, selectedItems(request.body))
    setFlash(
      reply,
      `Approved ${approved.length} ${approved.length === 1 ? 'item' : 'items'}: ${approved.join('; ')}`,
      config,
    )
    return reply.redirect('/tasks', 303)
  })
}
