import type { FastifyPluginAsync } from 'fastify'
import { Forbidden } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { handleForm } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import {
  type ProjectView,
  ASSURANCE_NAMES,
  ASSURANCE_RATINGS,
  DECISION_NAMES,
  GATEWAY_DECISIONS,
  STAGE_NAMES,
  STAGES,
  StageInput,
} from '../projects/index.ts'
import { GatewayInput } from './gateway-schemas.ts'

const hide = { schema: { hide: true } }
type Body = Record<string, unknown>
const bodyOf = (body: unknown): Body => (body ?? {}) as Body

const stageItems = (selected: unknown) => [
  ...STAGES.map((s) => ({ value: s, text: STAGE_NAMES[s], checked: s === selected })),
]

/** The stage and assurance form, and the form to record a gateway review. */
export const gatewayRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const projects = services.projects

  async function managed(principal: Principal, id: string): Promise<ProjectView> {
    const detail = await projects.detail(principal, id)
    if (!detail.canManage) throw new Forbidden()
    return detail.project
  }

  function stageContext(project: ProjectView, values: Body) {
    return {
      project,
      stageItems: [
        ...stageItems(values.stage),
        { divider: 'or' },
        { value: 'none', text: 'Not set', checked: values.stage === 'none' },
      ],
      assuranceItems: [
        ...ASSURANCE_RATINGS.map((a) => ({
          value: a,
          text: ASSURANCE_NAMES[a].text,
          hint: { text: ASSURANCE_NAMES[a].hint },
          checked: a === values.assurance,
        })),
        { divider: 'or' },
        { value: 'none', text: 'Not assessed', checked: values.assurance === 'none' },
      ],
    }
  }

  app.get('/projects/:id/stage', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const values = { stage: project.stage ?? 'none', assurance: project.assurance ?? 'none' }
    return reply.view('project-gateways/views/stage-form.njk', {
      title: `Stage and assurance of ${project.title}`,
      values,
      ...stageContext(project, values),
    })
  })

  app.post('/projects/:id/stage', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const body = bodyOf(request.body)
    return handleForm(
      reply,
      {
        template: 'project-gateways/views/stage-form.njk',
        context: {
          title: `Stage and assurance of ${project.title}`,
          ...stageContext(project, body),
        },
        values: body,
      },
      async () => {
        const input = parseInput(StageInput, body)
        await projects.update(principal, id, {
          stage: input.stage === 'none' ? null : input.stage,
          assurance: input.assurance === 'none' ? null : input.assurance,
          ...(input.version !== undefined && { version: input.version }),
        })
        return reply.redirect(`/projects/${id}#governance`, 303)
      },
    )
  })

  function gatewayContext(project: ProjectView, values: Body) {
    return {
      project,
      action: `/projects/${project.id}/gateways/new`,
      stageItems: stageItems(values.stage),
      decisionItems: GATEWAY_DECISIONS.map((d) => ({
        value: d,
        text: DECISION_NAMES[d],
        checked: d === values.decision,
      })),
    }
  }

  app.get('/projects/:id/gateways/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const values = { stage: project.stage ?? undefined }
    return reply.view('project-gateways/views/gateway-form.njk', {
      title: 'Record a gateway review',
      values,
      ...gatewayContext(project, values),
    })
  })

  app.post('/projects/:id/gateways/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const body = bodyOf(request.body)
    return handleForm(
      reply,
      {
        template: 'project-gateways/views/gateway-form.njk',
        context: { title: 'Record a gateway review', ...gatewayContext(project, body) },
        values: body,
      },
      async () => {
        await services.projectGateways.add(principal, id, parseInput(GatewayInput, body))
        return reply.redirect(`/projects/${id}#governance`, 303)
      },
    )
  })
}
