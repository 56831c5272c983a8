import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { parseParams } from '../../web/fields.ts'
import { requirePrincipal } from '../../web/request-principal.ts'

const hide = { schema: { hide: true } }
const KeyParams = z.object({ key: z.string().regex(/^[a-z_]{1,60}$/) })

export const orgMeasureRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const orgMeasures = services.organisationalMeasures

  app.get('/organisational-measures', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    return reply.view('organisational-measures/views/org-measures.njk', {
      title: 'Organisational measures',
      items: await orgMeasures.list(principal),
      canManage: orgMeasures.canManage(principal),
      done: (request.query as { done?: string }).done,
    })
  })

  app.post('/organisational-measures/recompute', hide, async (request, reply) => {
    const results = await orgMeasures.recompute(requirePrincipal(request))
    const changed = results.reduce((n, r) => n + r.added + r.restated + r.removed + r.updated, 0)
    return reply.redirect(`/organisational-measures?done=${changed}`, 303)
  })

  app.post('/organisational-measures/:key/set-up', hide, async (request, reply) => {
    const { key } = parseParams(KeyParams, request.params)
    const measure = await orgMeasures.setUp(requirePrincipal(request), key)
    return reply.redirect(`/measures/${measure.id}`, 303)
  })
}
