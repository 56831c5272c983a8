import type { FastifyPluginAsync } from 'fastify'
import { Forbidden } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { formPages, type LoadContext } from '../../web/form-page.ts'
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

type Body = Record<string, unknown>

const stageItems = (selected: unknown) => [
  ...STAGES.map((s) => ({ value: s, text: STAGE_NAMES[s], checked: s === selected })),
]

/** The stage and assurance form, and the form to record a gateway review. */
export const gatewayRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const projects = services.projects
  const formPage = formPages(app)

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

  const managedProject = ({ principal, params }: LoadContext<{ id: string }>) =>
    managed(principal, params.id)

  formPage({
    path: '/projects/:id/stage',
    params: IdParams,
    load: managedProject,
    template: 'project-gateways/views/stage-form.njk',
    values: ({ model: project }) => ({
      stage: project.stage ?? 'none',
      assurance: project.assurance ?? 'none',
    }),
    view: ({ model: project }, values) => ({
      title: `Stage and assurance of ${project.title}`,
      ...stageContext(project, values),
    }),
    schema: StageInput,
    save: ({ principal, params: { id } }, input) =>
      projects.update(principal, id, {
        stage: input.stage === 'none' ? null : input.stage,
        assurance: input.assurance === 'none' ? null : input.assurance,
        ...(input.version !== undefined && { version: input.version }),
      }),
    redirect: ({ params: { id } }) => `/projects/${id}#governance`,
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

  formPage({
    path: '/projects/:id/gateways/new',
    params: IdParams,
    load: managedProject,
    template: 'project-gateways/views/gateway-form.njk',
    values: ({ model: project }) => ({ stage: project.stage ?? undefined }),
    view: ({ model: project }, values) => ({
      title: 'Record a gateway review',
      ...gatewayContext(project, values),
    }),
    schema: GatewayInput,
    save: ({ principal, params: { id } }, input) =>
      services.projectGateways.add(principal, id, input),
    redirect: ({ params: { id } }) => `/projects/${id}#governance`,
  })
}
