import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { formatFinancialYear } from '../../core/periods.ts'
import { CONFIDENCES, MILESTONE_STATUSES, PROJECT_STATUSES } from '../../core/project-status.ts'
import { Forbidden } from '../../errors.ts'
import type { Config } from '../../config.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { handleForm } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { setFlash } from '../auth/index.ts'
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
const bodyOf = (body: unknown): Body => (body ?? {}) as Body

function radios<T extends string>(values: readonly T[], text: (v: T) => string, selected: unknown) {
  return values.map((value) => ({ value, text: text(value), checked: value === selected }))
}

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
      levelItems: radios(LEVELS, (l) => LEVEL_NAMES[l], values.level),
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

  app.get('/projects/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const query = NewQuery.parse(request.query)
    const values = {
      level: query.level ?? (query.parentId ? 'action' : 'programme'),
      parentId: query.parentId,
    }
    return reply.view('projects/views/project-form.njk', {
      title: 'Add a programme, project or action',
      action: '/projects/new',
      values,
      ...(await projectFormContext(principal, values)),
    })
  })

  app.post('/projects/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const body = bodyOf(request.body)
    return handleForm(
      reply,
      {
        template: 'projects/views/project-form.njk',
        context: {
          title: 'Add a programme, project or action',
          action: '/projects/new',
          ...(await projectFormContext(principal, body)),
        },
        values: body,
      },
      async () => {
        const project = await projects.create(principal, parseInput(ProjectInput, body))
        return reply.redirect(`/projects/${project.id}`, 303)
      },
    )
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

  app.get('/projects/:id/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const values = projectValues(project)
    return reply.view('projects/views/project-form.njk', {
      title: `Edit ${project.title}`,
      action: `/projects/${id}/edit`,
      project,
      values,
      ...(await projectFormContext(principal, values, id)),
    })
  })

  app.post('/projects/:id/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const body = bodyOf(request.body)
    return handleForm(
      reply,
      {
        template: 'projects/views/project-form.njk',
        context: {
          title: `Edit ${project.title}`,
          action: `/projects/${id}/edit`,
          project,
          ...(await projectFormContext(principal, body, id)),
        },
        values: body,
      },
      async () => {
        const input = parseInput(ProjectInput, body)
        await projects.update(principal, id, {
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
        })
        return reply.redirect(`/projects/${id}`, 303)
      },
    )
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

  app.get('/projects/:id/status', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const values = {
      status: project.statusOverride?.status ?? 'suggested',
      statusReason: project.statusOverride?.reason,
      version: project.version,
    }
    return reply.view('projects/views/status-form.njk', {
      title: `Set the status of ${project.title}`,
      values,
      ...statusContext(project, values),
    })
  })

  app.post('/projects/:id/status', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const body = bodyOf(request.body)
    return handleForm(
      reply,
      {
        template: 'projects/views/status-form.njk',
        context: { title: `Set the status of ${project.title}`, ...statusContext(project, body) },
        values: body,
      },
      async () => {
        const input = parseInput(StatusInput, body)
        const updated = await projects.update(principal, id, {
          status: input.status === 'suggested' ? null : input.status,
          statusReason: input.statusReason ?? null,
          ...(input.version !== undefined && { version: input.version }),
        })
        setFlash(reply, `Status of ${updated.title} saved: ${updated.statusText}`, config)
        return reply.redirect(`/projects/${id}`, 303)
      },
    )
  })

  // Milestones

  async function milestoneContext(principal: Principal, project: ProjectView, values: Body) {
    return {
      project,
      ownerItems: await personItems(principal, values.ownerId, 'No owner'),
      statusItems: radios(
        MILESTONE_STATUSES,
        (s) => MILESTONE_STATUS_NAMES[s].text,
        values.status ?? 'not_started',
      ),
    }
  }

  app.get('/projects/:id/milestones/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const values = { status: 'not_started' }
    return reply.view('projects/views/milestone-form.njk', {
      title: 'Add a milestone',
      action: `/projects/${id}/milestones/new`,
      values,
      ...(await milestoneContext(principal, project, values)),
    })
  })

  app.post('/projects/:id/milestones/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const body = bodyOf(request.body)
    return handleForm(
      reply,
      {
        template: 'projects/views/milestone-form.njk',
        context: {
          title: 'Add a milestone',
          action: `/projects/${id}/milestones/new`,
          ...(await milestoneContext(principal, project, body)),
        },
        values: body,
      },
      async () => {
        await projects.addMilestone(principal, id, parseInput(MilestoneInput, body))
        return reply.redirect(`/projects/${id}#milestones`, 303)
      },
    )
  })

  app.get('/projects/:id/milestones/:milestoneId/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, milestoneId } = parseParams(MilestoneParams, request.params)
    const project = await managed(principal, id)
    const milestone = await projects.getMilestone(principal, id, milestoneId)
    const values = {
      ...milestone,
      due: milestone.due.precision === 'quarter' ? milestone.quarter : milestone.due.date,
    }
    return reply.view('projects/views/milestone-form.njk', {
      title: `Edit ${milestone.title}`,
      action: `/projects/${id}/milestones/${milestoneId}/edit`,
      milestone,
      values,
      ...(await milestoneContext(principal, project, values)),
    })
  })

  app.post('/projects/:id/milestones/:milestoneId/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, milestoneId } = parseParams(MilestoneParams, request.params)
    const project = await managed(principal, id)
    const milestone = await projects.getMilestone(principal, id, milestoneId)
    const body = bodyOf(request.body)
    return handleForm(
      reply,
      {
        template: 'projects/views/milestone-form.njk',
        context: {
          title: `Edit ${milestone.title}`,
          action: `/projects/${id}/milestones/${milestoneId}/edit`,
          milestone,
          ...(await milestoneContext(principal, project, body)),
        },
        values: body,
      },
      async () => {
        const input = parseInput(MilestoneChanges.required({ title: true, due: true }), body)
        await projects.updateMilestone(principal, id, milestoneId, {
          ...input,
          ownerId: input.ownerId ?? null,
          completedDate: input.completedDate ?? null,
        })
        return reply.redirect(`/projects/${id}#milestones`, 303)
      },
    )
  })

  // Benefits

  async function benefitContext(principal: Principal, project: ProjectView, values: Body) {
    const lines = await services.savings.choices(principal)
    return {
      project,
      kindItems: radios(BENEFIT_KINDS, (k) => BENEFIT_KIND_NAMES[k], values.kind),
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

  app.get('/projects/:id/benefits/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const values = {}
    return reply.view('projects/views/benefit-form.njk', {
      title: 'Add a benefit',
      action: `/projects/${id}/benefits/new`,
      values,
      ...(await benefitContext(principal, project, values)),
    })
  })

  app.post('/projects/:id/benefits/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const body = bodyOf(request.body)
    return handleForm(
      reply,
      {
        template: 'projects/views/benefit-form.njk',
        context: {
          title: 'Add a benefit',
          action: `/projects/${id}/benefits/new`,
          ...(await benefitContext(principal, project, body)),
        },
        values: body,
      },
      async () => {
        await projects.addBenefit(principal, id, parseInput(BenefitInput, body))
        return reply.redirect(`/projects/${id}#benefits`, 303)
      },
    )
  })

  app.get('/projects/:id/benefits/:benefitId/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, benefitId } = parseParams(BenefitParams, request.params)
    const project = await managed(principal, id)
    const benefit = await projects.getBenefit(principal, id, benefitId)
    return reply.view('projects/views/benefit-form.njk', {
      title: `Edit ${benefit.title}`,
      action: `/projects/${id}/benefits/${benefitId}/edit`,
      benefit,
      values: benefit,
      ...(await benefitContext(principal, project, benefit)),
    })
  })

  app.post('/projects/:id/benefits/:benefitId/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, benefitId } = parseParams(BenefitParams, request.params)
    const project = await managed(principal, id)
    const benefit = await projects.getBenefit(principal, id, benefitId)
    const body = bodyOf(request.body)
    return handleForm(
      reply,
      {
        template: 'projects/views/benefit-form.njk',
        context: {
          title: `Edit ${benefit.title}`,
          action: `/projects/${id}/benefits/${benefitId}/edit`,
          benefit,
          ...(await benefitContext(principal, project, body)),
        },
        values: body,
      },
      async () => {
        const input = parseInput(BenefitInput, body)
        await projects.updateBenefit(principal, id, benefitId, {
          ...input,
          description: input.description ?? null,
          measureUnit: input.measureUnit ?? null,
          planned: input.planned ?? null,
          realised: input.realised ?? null,
          savingLineId: input.savingLineId ?? null,
        })
        return reply.redirect(`/projects/${id}#benefits`, 303)
      },
    )
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

  app.get('/projects/:id/dependencies/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    return reply.view('projects/views/dependency-form.njk', {
      title: `Add a dependency of ${project.title}`,
      values: {},
      ...(await dependencyContext(principal, project, {})),
    })
  })

  app.post('/projects/:id/dependencies/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const project = await managed(principal, id)
    const body = bodyOf(request.body)
    return handleForm(
      reply,
      {
        template: 'projects/views/dependency-form.njk',
        context: {
          title: `Add a dependency of ${project.title}`,
          ...(await dependencyContext(principal, project, body)),
        },
        values: body,
      },
      async () => {
        await projects.addDependency(principal, id, parseInput(DependencyInput, body))
        return reply.redirect(`/projects/${id}#dependencies`, 303)
      },
    )
  })

  app.post('/projects/:id/dependencies/:dependencyId/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, dependencyId } = parseParams(DependencyParams, request.params)
    await projects.removeDependency(principal, id, dependencyId)
    return reply.redirect(`/projects/${id}#dependencies`, 303)
  })
}
