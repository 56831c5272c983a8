import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { CONFIDENCES } from '../../core/project-status.ts'
import { Forbidden, Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { formPages } from '../../web/form-page.ts'
import { formErrors } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import {
  type ProjectView,
  names,
  benefitAmount,
  realisedShare,
  CONFIDENCE_NAMES,
} from '../projects/index.ts'
import { formatValue } from '../measures/index.ts'
import { ActionInput, ReturnInput, UpdateChanges, UpdateInput } from './update-schemas.ts'

const hide = { schema: { hide: true } }
const UpdateParams = IdParams.extend({ updateId: z.uuid() })
const MonthQuery = z.object({ month: z.string().max(20).optional().catch(undefined) })

type Body = Record<string, unknown>
const bodyOf = (body: unknown): Body => (body ?? {}) as Body

function confidenceItems(selected: unknown) {
  return CONFIDENCES.map((c) => ({ value: c, text: CONFIDENCE_NAMES[c], checked: c === selected }))
}

export const updateRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const updates = services.projectUpdates
  const formPage = formPages(app)
  const projects = services.projects

  async function writable(principal: Principal, id: string): Promise<ProjectView> {
    const detail = await projects.detail(principal, id)
    if (!detail.canWriteUpdate) throw new Forbidden()
    return detail.project
  }

  formPage({
    path: '/projects/:id/updates/new',
    params: IdParams,
    load: ({ principal, params }) => writable(principal, params.id),
    template: 'project-updates/views/update-form.njk',
    values: () => ({ month: new Date().toISOString().slice(0, 7) }),
    view: ({ params: { id }, model: project }, values) => ({
      title: `Write the monthly update of ${project.title}`,
      action: `/projects/${id}/updates/new`,
      project,
      confidenceItems: confidenceItems(values.confidence),
      creating: true,
    }),
    schema: UpdateInput,
    save: ({ principal, params: { id } }, input) => updates.create(principal, id, input),
    redirect: ({ params: { id } }, update) => `/projects/${id}/updates/${update.id}`,
  })

  async function updatePage(principal: Principal, id: string, updateId: string) {
    const found = await updates.get(principal, id, updateId)
    const queries = await services.queries.on(principal, { updateId })
    return {
      title: `${found.update.monthLabel} update of ${found.project.title}`,
      ...found,
      ...names,
      queries: queries.threads,
      queryHref: queries.mayRaise ? `/projects/${id}/updates/${updateId}/query` : null,
    }
  }

  app.get('/projects/:id/updates/:updateId', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, updateId } = parseParams(UpdateParams, request.params)
    return reply.view('project-updates/views/update.njk', {
      ...(await updatePage(principal, id, updateId)),
      values: {},
    })
  })

  formPage({
    path: '/projects/:id/updates/:updateId/edit',
    params: UpdateParams,
    load: async ({ principal, params: { id, updateId } }) => {
      const found = await updates.get(principal, id, updateId)
      if (!found.canEdit && !found.canRestate) throw new Forbidden()
      return found
    },
    template: 'project-updates/views/update-form.njk',
    values: ({ model: found }) => found.update,
    view: ({ params: { id, updateId }, model: found }, values) => ({
      title: `${found.canRestate ? 'Restate' : 'Change'} the ${found.update.monthLabel} update`,
      action: `/projects/${id}/updates/${updateId}/edit`,
      project: found.project,
      update: found.update,
      restating: found.canRestate,
      confidenceItems: confidenceItems(values.confidence),
    }),
    schema: UpdateChanges.required({ highlights: true, confidence: true }),
    save: async ({ principal, params: { id, updateId } }, input, body) => {
      await updates.change(principal, id, updateId, {
        ...input,
        nextSteps: input.nextSteps ?? null,
        when: input.when ?? null,
        who: input.who ?? null,
      })
      if (body.submit === 'true') {
        const fresh = await updates.get(principal, id, updateId)
        await updates.submit(principal, id, updateId, fresh.update.version)
      }
    },
    redirect: ({ params: { id, updateId } }) => `/projects/${id}/updates/${updateId}`,
  })

  for (const step of ['submit', 'approve'] as const) {
    app.post(`/projects/:id/updates/:updateId/${step}`, hide, async (request, reply) => {
      const principal = requirePrincipal(request)
      const { id, updateId } = parseParams(UpdateParams, request.params)
      const { version } = parseInput(ActionInput, bodyOf(request.body))
      if (step === 'submit') await updates.submit(principal, id, updateId, version)
      else await updates.approve(principal, id, updateId, version)
      return reply.redirect(`/projects/${id}/updates/${updateId}`, 303)
    })
  }

  app.post('/projects/:id/updates/:updateId/return', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, updateId } = parseParams(UpdateParams, request.params)
    const page = await updatePage(principal, id, updateId)
    const body = bodyOf(request.body)
    try {
      const input = parseInput(ReturnInput, body)
      await updates.returnUpdate(principal, id, updateId, input.reason, input.version)
      return await reply.redirect(`/projects/${id}/updates/${updateId}`, 303)
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      return reply
        .code(400)
        .view('project-updates/views/update.njk', { ...page, values: body, ...formErrors(error) })
    }
  })

  app.get('/projects/:id/highlight', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { month } = MonthQuery.parse(request.query)
    const report = await updates.highlightReport(principal, id, month)
    const extras = await services.reports.highlightExtras(principal, id, report.month)
    return reply.view('project-updates/views/highlight.njk', {
      title: `${report.programme.title}: highlight report, ${report.monthLabel}`,
      report,
      measures: extras.impact.measures.map((m) => ({
        id: m.id,
        name: `${m.code} ${m.title}`,
        period: m.value?.period.label ?? '—',
        value: formatValue(m.value?.value, m),
        target: formatValue(m.value?.target, m),
        rag: m.value?.rag ?? 'no_data',
      })),
      benefits: extras.impact.benefits.map((b) => ({
        ...b,
        plannedText: benefitAmount(b, b.planned),
        realisedText: benefitAmount(b, b.realised),
        share: realisedShare(b),
      })),
      governance: [
        report.programme,
        ...report.sections.map((s) => s.project).filter((p) => p.id !== report.programme.id),
      ].map((p) => ({ project: p, latest: extras.gateways.find((g) => g.projectId === p.id) })),
      ...names,
    })
  })
}
