import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { RATING_NAMES, RATINGS } from '../../core/appraisal-stages.ts'
import type { Config } from '../../config.ts'
import { Forbidden } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { handleForm } from '../../web/forms.ts'
import { formPages } from '../../web/form-page.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { setFlash } from '../auth/index.ts'
import type { Principal } from '../../core/principal.ts'
import { CycleInput, ObjectiveInput, ReviewInput } from './appraisal-schemas.ts'

const hide = { schema: { hide: true } }
type Body = Record<string, unknown>
const bodyOf = (body: unknown): Body => (body ?? {}) as Body
const ObjectiveParams = z.object({ id: z.uuid(), objectiveId: z.uuid() })
const CycleQuery = z.object({ cycle: z.uuid().optional() })

const options = (
  items: readonly { id: string; title: string; planTitle?: string }[],
  selected: unknown,
  empty: string,
) => [
  { value: '', text: empty },
  ...items.map((i) => ({
    value: i.id,
    text: i.planTitle ? `${i.title} (${i.planTitle})` : i.title,
    selected: i.id === selected,
  })),
]

/** Appraisals (PDR): your own, your team's, and the yearly cycles the performance team runs. */
export const appraisalRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const appraisals = services.appraisals

  app.get('/appraisals', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const [mine, cycles] = await Promise.all([
      appraisals.mine(principal),
      appraisals.listCycles(principal),
    ])
    const team = cycles.length > 0 ? await appraisals.team(principal) : null
    return reply.view('appraisals/views/index.njk', {
      title: 'Appraisals',
      mine,
      team,
      cycles,
      canRunCycles: appraisals.canRunCycles(principal),
    })
  })

  app.get('/appraisals/team', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const query = parseParams(CycleQuery, request.query)
    const team = await appraisals.team(principal, query.cycle)
    return reply.view('appraisals/views/team.njk', {
      title: `Your team’s objectives, ${team.cycle.label}`,
      team,
      cycleItems: team.cycles.map((c) => ({
        value: c.id,
        text: c.label,
        selected: c.id === team.cycle.id,
      })),
    })
  })

  app.get('/appraisals/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await appraisals.detail(principal, id)
    return reply.view('appraisals/views/appraisal.njk', {
      title: `${detail.standing === 'self' ? 'Your' : `${detail.appraisal.person.name}’s`} appraisal, ${detail.appraisal.yearLabel}`,
      ...detail,
    })
  })

  async function objectiveContext(principal: Principal, appraisalId: string, values: Body) {
    const links = await appraisals.linkOptions(principal)
    return {
      appraisalId,
      nodeItems: options(links.nodes, values.nodeId, 'Select the plan item'),
      measureItems: options(links.measures, values.measureId, 'None'),
      projectItems: options(links.projects, values.projectId, 'None'),
    }
  }

  app.get('/appraisals/:id/objectives/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await appraisals.detail(principal, id)
    return reply.view('appraisals/views/objective-form.njk', {
      title: 'Add an objective',
      caption: `${detail.appraisal.person.name}, ${detail.appraisal.yearLabel}`,
      action: `/appraisals/${id}/objectives/new`,
      values: {},
      ...(await objectiveContext(principal, id, {})),
    })
  })

  app.post('/appraisals/:id/objectives/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    await appraisals.check(principal, id)
    const body = bodyOf(request.body)
    return handleForm(
      reply,
      {
        template: 'appraisals/views/objective-form.njk',
        context: {
          title: 'Add an objective',
          action: `/appraisals/${id}/objectives/new`,
          ...(await objectiveContext(principal, id, body)),
        },
        values: body,
      },
      async () => {
        await appraisals.addObjective(principal, id, parseInput(ObjectiveInput, body))
        return reply.redirect(`/appraisals/${id}#objectives`, 303)
      },
    )
  })

  const formPage = formPages(app, config)

  formPage({
    path: '/appraisals/:id/objectives/:objectiveId',
    params: ObjectiveParams,
    load: ({ principal, params }) => appraisals.objective(principal, params.id, params.objectiveId),
    template: 'appraisals/views/objective-form.njk',
    view: async ({ principal, params, model: objective }, values) => ({
      title: 'Change an objective',
      action: `/appraisals/${params.id}/objectives/${params.objectiveId}`,
      objective,
      ...(await objectiveContext(principal, params.id, values)),
    }),
    values: ({ model: objective }) => objective,
    schema: ObjectiveInput,
    save: ({ principal, params }, input) =>
      appraisals.updateObjective(principal, params.id, params.objectiveId, input),
    redirect: ({ params }) => `/appraisals/${params.id}#objectives`,
  })

  app.post('/appraisals/:id/objectives/:objectiveId/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, objectiveId } = parseParams(ObjectiveParams, request.params)
    await appraisals.removeObjective(principal, id, objectiveId)
    setFlash(reply, 'Objective removed', config)
    return reply.redirect(`/appraisals/${id}#objectives`, 303)
  })

  app.post('/appraisals/:id/agree', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    await appraisals.agree(principal, id)
    setFlash(reply, 'Objectives agreed', config)
    return reply.redirect(`/appraisals/${id}`, 303)
  })

  app.post('/appraisals/:id/sign-off', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    await appraisals.signOff(principal, id)
    setFlash(reply, 'Appraisal signed off', config)
    return reply.redirect(`/appraisals/${id}`, 303)
  })

  for (const [path, stage, name] of [
    ['mid-year', 'mid_year', 'Mid-year review'],
    ['year-end', 'year_end', 'Year-end review'],
  ] as const) {
    const reviewContext = (values: Body) => ({
      stageName: name,
      ratingItems: RATINGS.map((r) => ({
        value: String(r),
        text: `${r}: ${RATING_NAMES[r]}`,
        checked: r === Number(values.rating),
      })),
    })

    app.get(`/appraisals/:id/${path}`, hide, async (request, reply) => {
      const principal = requirePrincipal(request)
      const { id } = parseParams(IdParams, request.params)
      const detail = await appraisals.detail(principal, id)
      const side = detail.standing === 'self' ? 'self' : 'manager'
      const current = (stage === 'mid_year' ? detail.appraisal.midYear : detail.appraisal.yearEnd)[
        side
      ]
      const values = { rating: current?.rating ?? undefined, comment: current?.comment ?? '' }
      return reply.view('appraisals/views/review-form.njk', {
        title: `${name}: ${detail.standing === 'self' ? 'your own view' : `your view of ${detail.appraisal.person.name}`}`,
        caption: `${detail.appraisal.person.name}, ${detail.appraisal.yearLabel}`,
        appraisalId: id,
        values,
        ...reviewContext(values),
      })
    })

    app.post(`/appraisals/:id/${path}`, hide, async (request, reply) => {
      const principal = requirePrincipal(request)
      const { id } = parseParams(IdParams, request.params)
      await appraisals.check(principal, id)
      const body = bodyOf(request.body)
      return handleForm(
        reply,
        {
          template: 'appraisals/views/review-form.njk',
          context: { title: name, appraisalId: id, ...reviewContext(body) },
          values: body,
        },
        async () => {
          await appraisals.review(principal, id, stage, parseInput(ReviewInput, body))
          setFlash(reply, `${name} saved`, config)
          return reply.redirect(`/appraisals/${id}#reviews`, 303)
        },
      )
    })
  }

  app.get('/appraisal-cycles', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    return reply.view('appraisals/views/cycles.njk', {
      title: 'Appraisal cycles',
      cycles: await appraisals.listCycles(principal),
      canRunCycles: appraisals.canRunCycles(principal),
      canReadFigures: appraisals.canReadCycleFigures(principal),
    })
  })

  formPage({
    path: '/appraisal-cycles/new',
    load: async ({ principal }) => {
      if (!appraisals.canRunCycles(principal)) {
        throw new Forbidden('Only the performance team or HR can open an appraisal cycle')
      }
    },
    template: 'appraisals/views/cycle-form.njk',
    view: () => ({ title: 'Open an appraisal cycle' }),
    values: () => appraisals.suggestedCycle(),
    schema: CycleInput,
    save: ({ principal }, input) => appraisals.openCycle(principal, input),
    flash: (_ctx, cycle) => `Appraisal cycle ${cycle.label} opened`,
    redirect: (_ctx, cycle) => `/appraisal-cycles/${cycle.id}`,
  })

  app.get('/appraisal-cycles/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const summary = await appraisals.cycleSummary(principal, id)
    return reply.view('appraisals/views/cycle.njk', {
      title: `Appraisal cycle ${summary.cycle.label}`,
      summary,
      canRunCycles: appraisals.canRunCycles(principal),
      canExport: appraisals.canExportAppraisals(principal),
    })
  })

  app.get('/appraisal-cycles/:id/export.csv', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const file = await appraisals.exportCycle(principal, id)
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .send(file.csv)
  })

  app.post('/appraisal-cycles/:id/joiners', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const added = await appraisals.addJoiners(principal, id)
    setFlash(
      reply,
      added === 0 ? 'Everyone is already in the cycle' : `${added} new members of staff brought in`,
      config,
    )
    return reply.redirect(`/appraisal-cycles/${id}`, 303)
  })
}
