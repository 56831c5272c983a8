import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { z } from 'zod'
import type { Config } from '../../config.ts'
import { Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseParams } from '../../web/fields.ts'
import { formErrors } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { setFlash } from '../auth/index.ts'

const hide = { schema: { hide: true } }
const ValueParams = IdParams.extend({ start: z.iso.date() })
const UpdateParams = IdParams.extend({ updateId: z.uuid() })
const bodyOf = (body: unknown) => {
  const text = (body as { body?: unknown } | undefined)?.body
  return typeof text === 'string' ? text : undefined
}

/** Critical-friend queries: raise on a value or an update, answer, close; a page per thread. */
export const queryRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const { queries } = services

  async function threadPage(
    reply: FastifyReply,
    view: Awaited<ReturnType<typeof queries.get>>,
    extra = {},
  ) {
    return reply.view('queries/views/query.njk', {
      title: `Query on ${view.itemTitle}`,
      query: view,
      ...extra,
    })
  }

  app.get('/queries/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    return threadPage(reply, await queries.get(principal, id))
  })

  app.post('/queries/:id/reply', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const text = bodyOf(request.body)
    try {
      await queries.reply(principal, id, text)
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      reply.code(400)
      return await threadPage(reply, await queries.get(principal, id), {
        values: { body: text },
        ...formErrors(error),
      })
    }
    setFlash(reply, 'Your reply was added to the query', config)
    return reply.redirect(`/queries/${id}`, 303)
  })

  app.post('/queries/:id/close', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    await queries.close(principal, id)
    setFlash(reply, 'The query is closed', config)
    return reply.redirect(`/queries/${id}`, 303)
  })

  function raiseForm(reply: FastifyReply, context: Record<string, unknown>) {
    return reply.view('queries/views/raise.njk', context)
  }

  app.get('/measures/:id/values/:start/query', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, start } = parseParams(ValueParams, request.params)
    const value = await services.values.get(principal, id, start)
    return raiseForm(reply, {
      title: `Query the value for ${value.period.label}`,
      what: `the value for ${value.period.label}`,
      back: `/measures/${id}`,
    })
  })

  app.post('/measures/:id/values/:start/query', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, start } = parseParams(ValueParams, request.params)
    const text = bodyOf(request.body)
    try {
      const raised = await queries.raiseOnValue(principal, id, start, text)
      setFlash(reply, 'Your query was sent to the officer and the approver', config)
      return await reply.redirect(raised ? `/queries/${raised.id}` : `/measures/${id}`, 303)
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      const value = await services.values.get(principal, id, start)
      reply.code(400)
      return await raiseForm(reply, {
        title: `Query the value for ${value.period.label}`,
        what: `the value for ${value.period.label}`,
        back: `/measures/${id}`,
        values: { body: text },
        ...formErrors(error),
      })
    }
  })

  app.get('/projects/:id/updates/:updateId/query', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, updateId } = parseParams(UpdateParams, request.params)
    const { update } = await services.projectUpdates.get(principal, id, updateId)
    return raiseForm(reply, {
      title: `Query the ${update.monthLabel} update`,
      what: `the ${update.monthLabel} update`,
      back: `/projects/${id}/updates/${updateId}`,
    })
  })

  app.post('/projects/:id/updates/:updateId/query', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, updateId } = parseParams(UpdateParams, request.params)
    const text = bodyOf(request.body)
    try {
      const raised = await queries.raiseOnUpdate(principal, id, updateId, text)
      setFlash(reply, 'Your query was sent to the project lead and the approver', config)
      return await reply.redirect(
        raised ? `/queries/${raised.id}` : `/projects/${id}/updates/${updateId}`,
        303,
      )
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      const { update } = await services.projectUpdates.get(principal, id, updateId)
      reply.code(400)
      return await raiseForm(reply, {
        title: `Query the ${update.monthLabel} update`,
        what: `the ${update.monthLabel} update`,
        back: `/projects/${id}/updates/${updateId}`,
        values: { body: text },
        ...formErrors(error),
      })
    }
  })
}
