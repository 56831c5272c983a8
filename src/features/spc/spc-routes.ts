import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { Forbidden } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { handleForm } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import { measureNames } from '../measures/index.ts'
import { unitSelectItems } from '../organisation/index.ts'
import { BaselineInput, ChangePointInput, SettingParams } from './spc-schemas.ts'
import { MIN_BASELINE_POINTS } from './spc-service.ts'

const hide = { schema: { hide: true } }

const ExceptionsQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).catch(1),
  unitId: z.uuid().optional().catch(undefined),
})

type Body = Record<string, unknown>

/** Pages for a measure's SPC baseline and change points, and the exceptions list. */
export const spcRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const spc = services.spc

  async function manageable(principal: Principal, id: string) {
    const settings = await spc.settings(principal, id)
    if (!settings.canManage) throw new Forbidden()
    return settings
  }

  function periodItems(
    periods: readonly { label: string }[],
    selected: unknown,
    empty: string,
    skipFirst = false,
  ) {
    return [
      { value: '', text: empty },
      ...periods
        .slice(skipFirst ? 1 : 0)
        .map((p) => ({ value: p.label, text: p.label, selected: p.label === selected })),
    ]
  }

  app.get('/measures/exceptions', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const query = ExceptionsQuery.parse(request.query ?? {})
    const result = await spc.exceptions(principal, query)
    const units = await services.organisation.listUnits(principal)
    return reply.view('spc/views/exceptions.njk', {
      title: 'Exceptions: measures showing a real deterioration',
      ...measureNames,
      result,
      query,
      lastPage: Math.max(1, Math.ceil(result.total / 50)),
      unitFilterItems: unitSelectItems(units, { selected: query.unitId, emptyText: 'Any unit' }),
      unitQuery: query.unitId ? `&unitId=${query.unitId}` : '',
    })
  })

  app.get('/measures/:id/spc', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const settings = await spc.settings(principal, id)
    return reply.view('spc/views/settings.njk', {
      title: `Baseline and changes for ${settings.measure.code}`,
      ...settings,
      minBaseline: MIN_BASELINE_POINTS,
    })
  })

  app.get('/measures/:id/spc/baseline', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const settings = await manageable(principal, id)
    const values = {
      from: settings.baseline?.from.label ?? settings.periods[0]?.label,
      to: settings.baseline?.to.label ?? settings.periods[MIN_BASELINE_POINTS - 1]?.label,
      reason: settings.baseline?.reason ?? '',
    }
    return reply.view('spc/views/baseline-form.njk', baselineContext(settings, values))
  })

  function baselineContext(settings: Awaited<ReturnType<typeof manageable>>, values: Body) {
    return {
      title: `Set a baseline for ${settings.measure.code}`,
      ...settings,
      values,
      minBaseline: MIN_BASELINE_POINTS,
      fromItems: periodItems(settings.periods, values.from, 'Select the first period'),
      toItems: periodItems(settings.periods, values.to, 'Select the last period'),
    }
  }

  app.post('/measures/:id/spc/baseline', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const settings = await manageable(principal, id)
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'spc/views/baseline-form.njk',
        context: baselineContext(settings, body),
        values: body,
      },
      async () => {
        await spc.setBaseline(principal, id, parseInput(BaselineInput, body))
        return reply.redirect(`/measures/${id}/spc`, 303)
      },
    )
  })

  function changeContext(settings: Awaited<ReturnType<typeof manageable>>, values: Body) {
    return {
      title: `Record a change in the process for ${settings.measure.code}`,
      ...settings,
      values,
      periodItems: periodItems(settings.periods, values.period, 'Select the period', true),
    }
  }

  app.get('/measures/:id/spc/change-points/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const settings = await manageable(principal, id)
    return reply.view('spc/views/change-point-form.njk', changeContext(settings, {}))
  })

  app.post('/measures/:id/spc/change-points/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const settings = await manageable(principal, id)
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'spc/views/change-point-form.njk',
        context: changeContext(settings, body),
        values: body,
      },
      async () => {
        await spc.addChangePoint(principal, id, parseInput(ChangePointInput, body))
        return reply.redirect(`/measures/${id}/spc`, 303)
      },
    )
  })

  app.get('/measures/:id/spc/settings/:settingId/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, settingId } = parseParams(SettingParams, request.params)
    const setting = await spc.setting(principal, id, settingId)
    return reply.view('spc/views/remove-form.njk', {
      title:
        setting.kind === 'baseline'
          ? `Remove the baseline of ${setting.measure.code}?`
          : `Remove the change recorded from ${setting.period}?`,
      setting,
      settingId,
    })
  })

  app.post('/measures/:id/spc/settings/:settingId/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, settingId } = parseParams(SettingParams, request.params)
    await spc.removeSetting(principal, id, settingId)
    return reply.redirect(`/measures/${id}/spc`, 303)
  })
}
