import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { formatFinancialYear } from '../../core/periods.ts'
import { CONFIDENCES, MILESTONE_STATUSES, PROJECT_STATUSES } from '../../core/project-status.ts'
import { Forbidden } from '../../errors.ts'
import type { Config } from '../../config.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseParams } from '../../web/fields.ts'
import { formPages } from '../../web/form-page.ts'
import { radioItems } from '../../web/govuk-items.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import { everyone, unitNames, unitSelectItems } from '../organisation/index.ts'
import type { ProjectView } from './project-presenter.ts'
import {
  BENEFIT_KIND_NAMES,
  BENEFIT_KINDS,
  BenefitInput,
  CONFIDENCE_NAMES,
  DependencyInput,
  LEVEL_NAMES,
  LEVELS,
  MILESTONE_STATUS_NAMES,
  MilestoneChanges,
  MilestoneInput,
  ProjectInput,
  STATUS_NAMES,
  StatusInput,
} from './project-schemas.ts'

const hide = { schema: { hide: true } }
const uuid = z.uuid()
const MilestoneParams = IdParams.extend({ milestoneId: uuid })
const BenefitParams = IdParams.extend({ benefitId: uuid })
const DependencyParams = IdParams.extend({ dependencyId: uuid })
const NewQuery = z.object({
  parentId: uuid.optional().catch(undefined),
  level: z.enum(LEVELS).optional().catch(undefined),
})

type Body = Record<string, unknown>

export const names = {
  levelNames: LEVEL_NAMES,
  statusNames: STATUS_NAMES,
  milestoneStatusNames: MILESTONE_STATUS_NAMES,
  confidenceNames: CONFIDENCE_NAMES,
  benefitKindNames: BENEFIT_KIND_NAMES,
}

export const projectRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const projects = services.projects
  const org = services.organisation
  const formPage = formPages(app, config)

  async function people(principal: Principal) {
    return (await everyone(org, principal)).filter((p) => p.active)
  }

  async function personItems(principal: Principal, selected: unknown, emptyText: string) {
    return [
      { value: '', text: emptyText },
      ...(await people(principal)).map((p) => ({
        value: p.id,
        text: p.jobTitle ? `${p.name}, ${p.jobTitle}` : p.name,
        selected: p.id === selected,
      })),
    ]
  }

  async function projectFormContext(principal: Principal, values: Body, editing?: string) {
    const all = await projects.list(principal)
    const units = await org.listUnits(principal)
    const partners = [values.partnerUnitIds].flat().filter((v) => typeof v === 'string')
    return {
      levelItems: radioItems(LEVELS, LEVEL_NAMES, values.level),
      parentItems: [
        { value: '', text: 'Nothing: it stands on its own' },
        ...all
          .filter((p) => p.id !== editing)
          .map((p) => ({
            value: p.id,
            text: `${'— '.repeat(p.depth)}${LEVEL_NAMES[p.level]}: ${p.code ? `${p.code} ` : ''}${p.title}`,
            selected: p.id === values.parentId,
          })),
      ],
      sroItems: await personItems(principal, values.sroId, 'No Senior Responsible Officer'),
      managerItems: await personItems(principal, values.managerId, 'No project manager or lead'),
      unitItems: unitSelectItems(units, {
        selected: values.leadUnitId as string | undefined,
        emptyText: 'The same as what it sits under',
      }),
      partnerItems: units
        .filter((u) => u.kind === 'partner' && u.active)
        .map((u) => ({ value: u.id, text: u.name, checked: partners.includes(u.id) })),
      confidenceItems: [
        { value: '', text: 'Not stated' },
        ...CONFIDENCES.map((c) => ({
          value: c,
          text: CONFIDENCE_NAMES[c],
          selected: c === values.confidence,
        })),
      ],
    }
  }

  app.get('/projects', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const all = await projects.list(principal)
    const units = await org.listUnits(principal)
    return reply.view('projects/views/projects.njk', {
      title: 'Programmes, projects and actions',
      projects: all,
      unitNames: unitNames(units),
      canCreate: principal.roles.some(
        (g) => g.role === 'administrator' || g.role === 'performance_officer',
      ),
      ...names,
    })
  })

  formPage({
    path: '/projects/new',
    template: 'projects/views/project-form.njk',
    values: ({ request }) => {
      const query = NewQuery.parse(request.query)
      return {
        level: query.level ?? (query.parentId ? 'action' : 'programme'),
        parentId: query.parentId,
      }
    },
    view: async ({ principal }, values) => ({
      title: 'Add a programme, project or action',
      action: '/projects/new',
      ...(await projectFormContext(principal, values)),
    }),
    schema: ProjectInput,
    save: ({ principal }, input) => projects.create(principal, input),
    redirect: (_, project) => `/projects/${project.id}`,
  })

  app.get('/projects/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await projects.detail(principal, id)
    const updates = await services.projectUpdates.list(principal, id)
    const units = await org.listUnits(principal)
    const everybody = await everyone(org, principal)
    const paths = await services.framework.itemPaths(principal, 'project', id)
    const risks = (await services.risks.risksLinkedTo(principal, 'project', id)).sort(
      (a, b) =>
        (a.status === 'open' ? 0 : 1) - (b.status === 'open' ? 0 : 1) ||
        b.current.score - a.current.score ||
        a.reference.localeCompare(b.reference),
    )
    const gateways = await services.projectGateways.list(principal, id)
    const savingLines = await services.savings.linesOfProject(principal, id)
    const linked = new Set(detail.benefits.flatMap((b) => b.savingLineId ?? []))
    const benefitLines =
      linked.size === 0
        ? []
        : (await services.savings.choices(principal)).filter((l) => linked.has(l.id))
    return reply.view('projects/views/project.njk', {
      title: detail.project.title,
      ...detail,
      updates,
      gateways,
      risks,
      savingLines,
      benefitLines: Object.fromEntries(benefitLines.map((l) => [l.id, l])),
      savingsYear: formatFinancialYear(services.savings.currentYear()),
      paths: paths.paths,
      unitNames: unitNames(units),
      personNames: Object.fromEntries(everybody.map((p) => [p.id, p.name])),
      ...names,
    })
  })

  async function managed(principal: Principal, id: string) {
    const detail = await projects.detail(principal, id)
    if (!detail.canManage) throw new Forbidden()
    return detail.project
  }

  const projectValues = (p: ProjectView) => ({
    ...p,
    budget: p.budget ?? '',
    confidence: p.ownConfidence,
  })

  formPage({
    path: '/projects/:id/edit',
    params: IdParams,
    load: ({ principal, params }) => managed(principal, params.id),
    template: 'projects/views/project-form.njk',
    values: ({ model }) => projectValues(model),
    view: async ({ principal, params: { id }, model: project }, values) => ({
      title: `Edit ${project.title}`,
      action: `/projects/${id}/edit`,
      project,
      ...(await projectFormContext(principal, values, id)),
    }),
    schema: ProjectInput,
    save: ({ principal, params: { id } }, input, body) =>
      projects.update(principal, id, {
        level: input.level,
        parentId: input.parentId ?? null,
        code: input.code ?? null,
        title: input.title,
        description: input.description ?? null,
        sroId: input.sroId ?? null,
        managerId: input.managerId ?? null,
        leadUnitId: input.leadUnitId ?? null,
        partnerUnitIds: input.partnerUnitIds ?? [],
        startDate: input.startDate ?? null,
        endDate: input.endDate ?? null,
        budget: input.budget ?? null,
        confidence: input.confidence ?? null,
        ...(typeof body.version === 'string' && { version: Number(body.version) }),
      }),
    redirect: ({ params: { id } }) => `/projects/${id}`,
  })

  function statusContext(project: ProjectView, values: Body) {
    return {
      project,
      statusItems: [
        {
          value: 'suggested',
          text: `Use the suggested status: ${STATUS_NAMES[project.suggestedStatus.status].text}`,
          checked: values.status === 'suggested',
        },
        ...PROJECT_STATUSES.map((s) => ({
          value: s,
          text: STATUS_NAMES[s].text,
          checked: s === values.status,
        })),
      ],
      ...names,
    }
  }

  formPage({
    path: '/projects/:id/status',
    params: IdParams,
    load: ({ principal, params }) => managed(principal, params.id),
    template: 'projects/views/status-form.njk',
    values: ({ model: project }) => ({
      status: project.statusOverride?.status ?? 'suggested',
      statusReason: project.statusOverride?.reason,
      version: project.version,
    }),
    view: ({ model: project }, values) => ({
      title: `Set the status of ${project.title}`,
      ...statusContext(project, values),
    }),
    schema: StatusInput,
    save: ({ principal, params: { id } }, input) =>
      projects.update(principal, id, {
        status: input.status === 'suggested' ? null : input.status,
        statusReason: input.statusReason ?? null,
        ...(input.version !== undefined && { version: input.version }),
      }),
    flash: (_, updated) => `Status of ${updated.title} saved: ${updated.statusText}`,
    redirect: ({ params: { id } }) => `/projects/${id}`,
  })

  // Milestones

  async function milestoneContext(principal: Principal, project: ProjectView, values: Body) {
    return {
      project,
      ownerItems: await personItems(principal, values.ownerId, 'No owner'),
      statusItems: radioItems(
        MILESTONE_STATUSES,
        (s) => MILESTONE_STATUS_NAMES[s].text,
        values.status ?? 'not_started',
      ),
    }
  }

  formPage({
    path: '/projects/:id/milestones/new',
    params: IdParams,
    load: ({ principal, params }) => managed(principal, params.id),
    template: 'projects/views/milestone-form.njk',
    values: () => ({ status: 'not_started' }),
    view: async ({ principal, params: { id }, model: project }, values) => ({
      title: 'Add a milestone',
      action: `/projects/${id}/milestones/new`,
      ...(await milestoneContext(principal, project, values)),
    }),
    schema: MilestoneInput,
    save: ({ principal, params: { id } }, input) => projects.addMilestone(principal, id, input),
    redirect: ({ params: { id } }) => `/projects/${id}#milestones`,
  })

  formPage({
    path: '/projects/:id/milestones/:milestoneId/edit',
    params: MilestoneParams,
    load: async ({ principal, params: { id, milestoneId } }) => ({
      project: await managed(principal, id),
      milestone: await projects.getMilestone(principal, id, milestoneId),
    }),
    template: 'projects/views/milestone-form.njk',
    values: ({ model: { milestone } }) => ({
      ...milestone,
      due: milestone.due.precision === 'quarter' ? milestone.quarter : milestone.due.date,
    }),
    view: async ({ principal, params, model: { project, milestone } }, values) => ({
      title: `Edit ${milestone.title}`,
      action: `/projects/${params.id}/milestones/${params.milestoneId}/edit`,
      milestone,
      ...(await milestoneContext(principal, project, values)),
    }),
    schema: MilestoneChanges.required({ title: true, due: true }),
    save: ({ principal, params: { id, milestoneId } }, input) =>
      projects.updateMilestone(principal, id, milestoneId, {
        ...input,
        ownerId: input.ownerId ?? null,
        completedDate: input.completedDate ?? null,
      }),
    redirect: ({ params: { id } }) => `/projects/${id}#milestones`,
  })

  // Benefits

  async function benefitContext(principal: Principal, project: ProjectView, values: Body) {
    const lines = await services.savings.choices(principal)
    return {
      project,
      kindItems: radioItems(BENEFIT_KINDS, BENEFIT_KIND_NAMES, values.kind),
      savingLineItems: [
        { value: '', text: 'Not linked to a savings line' },
        ...lines.map((l) => ({
          value: l.id,
          text: `${l.reference}: ${l.title}`,
          selected: l.id === values.savingLineId,
        })),
      ],
    }
  }

  formPage({
    path: '/projects/:id/benefits/new',
    params: IdParams,
    load: ({ principal, params }) => managed(principal, params.id),
    template: 'projects/views/benefit-form.njk',
    view: async ({ principal, params: { id }, model: project }, values) => ({
      title: 'Add a benefit',
      action: `/projects/${id}/benefits/new`,
      ...(await benefitContext(principal, project, values)),
    }),
    schema: BenefitInput,
    save: ({ principal, params: { id } }, input) => projects.addBenefit(principal, id, input),
    redirect: ({ params: { id } }) => `/projects/${id}#benefits`,
  })

  formPage({
    path: '/projects/:id/benefits/:benefitId/edit',
    params: BenefitParams,
    load: async ({ principal, params: { id, benefitId } }) => ({
      project: await managed(principal, id),
      benefit: await projects.getBenefit(principal, id, benefitId),
    }),
    template: 'projects/views/benefit-form.njk',
    values: ({ model: { benefit } }) => benefit,
    view: async ({ principal, params, model: { project, benefit } }, values) => ({
      title: `Edit ${benefit.title}`,
      action: `/projects/${params.id}/benefits/${params.benefitId}/edit`,
      benefit,
      ...(await benefitContext(principal, project, values)),
    }),
    schema: BenefitInput,
    save: ({ principal, params: { id, benefitId } }, input) =>
      projects.updateBenefit(principal, id, benefitId, {
        ...input,
        description: input.description ?? null,
        measureUnit: input.measureUnit ?? null,
        planned: input.planned ?? null,
        realised: input.realised ?? null,
        savingLineId: input.savingLineId ?? null,
      }),
    redirect: ({ params: { id } }) => `/projects/${id}#benefits`,
  })

  app.post('/projects/:id/benefits/:benefitId/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, benefitId } = parseParams(BenefitParams, request.params)
    await projects.removeBenefit(principal, id, benefitId)
    return reply.redirect(`/projects/${id}#benefits`, 303)
  })

  // Dependencies

  async function dependencyContext(principal: Principal, project: ProjectView, values: Body) {
    const all = await projects.list(principal)
    return {
      project,
      otherItems: [
        { value: '', text: 'Select an item' },
        ...all
          .filter((p) => p.id !== project.id)
          .map((p) => ({
            value: p.id,
            text: `${'— '.repeat(p.depth)}${LEVEL_NAMES[p.level]}: ${p.code ? `${p.code} ` : ''}${p.title}`,
            selected: p.id === values.dependsOnId,
          })),
      ],
    }
  }

  formPage({
    path: '/projects/:id/dependencies/new',
    params: IdParams,
    load: ({ principal, params }) => managed(principal, params.id),
    template: 'projects/views/dependency-form.njk',
    view: async ({ principal, model: project }, values) => ({
      title: `Add a dependency of ${project.title}`,
      ...(await dependencyContext(principal, project, values)),
    }),
    schema: DependencyInput,
    save: ({ principal, params: { id } }, input) => projects.addDependency(principal, id, input),
    redirect: ({ params: { id } }) => `/projects/${id}#dependencies`,
  })

  app.post('/projects/:id/dependencies/:dependencyId/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, dependencyId } = parseParams(DependencyParams, request.params)
    await projects.removeDependency(principal, id, dependencyId)
    return reply.redirect(`/projects/${id}#dependencies`, 303)
  })
}
