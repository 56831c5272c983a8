import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { Forbidden } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseParams } from '../../web/fields.ts'
import { formPages, type FormContext, type LoadContext } from '../../web/form-page.ts'
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

  const formPage = formPages(app)
  type Settings = Awaited<ReturnType<typeof manageable>>
  const load = ({ principal, params }: LoadContext<{ id: string }>) =>
    manageable(principal, params.id)

  formPage({
    path: '/measures/:id/spc/baseline',
    params: IdParams,
    load,
    template: 'spc/views/baseline-form.njk',
    view: ({ model: settings }: FormContext<{ id: string }, Settings>, values) => ({
      title: `Set a baseline for ${settings.measure.code}`,
      ...settings,
      minBaseline: MIN_BASELINE_POINTS,
      fromItems: periodItems(settings.periods, values.from, 'Select the first period'),
      toItems: periodItems(settings.periods, values.to, 'Select the last period'),
    }),
    values: ({ model: settings }) => ({
      from: settings.baseline?.from.label ?? settings.periods[0]?.label,
      to: settings.baseline?.to.label ?? settings.periods[MIN_BASELINE_POINTS - 1]?.label,
      reason: settings.baseline?.reason ?? '',
    }),
    schema: BaselineInput,
    save: ({ principal, params }, input) => spc.setBaseline(principal, params.id, input),
    redirect: ({ params }) => `/measures/${params.id}/spc`,
  })

  formPage({
    path: '/measures/:id/spc/change-points/new',
    params: IdParams,
    load,
    template: 'spc/views/change-point-form.njk',
    view: ({ model: settings }: FormContext<{ id: string }, Settings>, values) => ({
      title: `Record a change in the process for ${settings.measure.code}`,
      ...settings,
      periodItems: periodItems(settings.periods, values.period, 'Select the period', true),
    }),
    schema: ChangePointInput,
    save: ({ principal, params }, input) => spc.addChangePoint(principal, params.id, input),
    redirect: ({ params }) => `/measures/${params.id}/spc`,
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
