import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { measureGuard } from '../measures/index.ts'
import { BaselineInput, ChangePointInput, SettingParams } from './spc-schemas.ts'

const tags = ['Measures']

/** A measure's SPC baseline and change points. */
export const spcApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const spc = services.spc
  const guard = measureGuard(services)

  app.get(
    '/measures/:id/spc/settings',
    {
      schema: {
        tags,
        summary:
          'The SPC baseline and change points in force, and every one recorded (history, with ' +
          'those removed and who removed them)',
        params: IdParams,
      },
    },
    async (request) => {
      const settings = await spc.settings(requirePrincipal(request), request.params.id)
      return {
        baseline: settings.baseline,
        changePoints: settings.changePoints,
        history: settings.history,
      }
    },
  )

  app.put(
    '/measures/:id/spc/baseline',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Fix the SPC limits from the approved values of `from` to `to` (periods with an ' +
          'approved value, at least 12 of them, not across a change point); replaces any baseline',
        params: IdParams,
        body: BaselineInput,
      },
    },
    async (request) => spc.setBaseline(requirePrincipal(request), request.params.id, request.body),
  )

  app.delete(
    '/measures/:id/spc/baseline',
    {
      preValidation: guard,
      schema: { tags, summary: 'Remove the SPC baseline (kept in the history)', params: IdParams },
    },
    async (request, reply) => {
      await spc.removeBaseline(requirePrincipal(request), request.params.id)
      return reply.code(204).send()
    },
  )

  app.post(
    '/measures/:id/spc/change-points',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Record a change in the process from `period` (a period with an approved value, not the ' +
          'first), with its reason: the SPC limits are worked out again from there',
        params: IdParams,
        body: ChangePointInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await spc.addChangePoint(requirePrincipal(request), request.params.id, request.body)),
  )

  app.delete(
    '/measures/:id/spc/change-points/:settingId',
    {
      preValidation: guard,
      schema: {
        tags,
        summary: 'Remove a change point (kept in the history)',
        params: SettingParams,
      },
    },
    async (request, reply) => {
      await spc.removeSetting(
        requirePrincipal(request),
        request.params.id,
        request.params.settingId,
        'change_point',
      )
      return reply.code(204).send()
    },
  )
}
