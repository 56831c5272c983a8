import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { PROJECT_STATUSES } from '../../core/project-status.ts'
import type { Services } from '../../services.ts'
import { existsFirst } from '../../web/api-guards.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import {
  BenefitChanges,
  BenefitInput,
  DependencyInput,
  LEVELS,
  MilestoneChanges,
  MilestoneInput,
  ProjectChanges,
  ProjectInput,
} from './project-schemas.ts'

const tags = ['Projects']
const milestoneTags = ['Project milestones']
const benefitTags = ['Project benefits']
const dependencyTags = ['Project dependencies']
const uuid = z.uuid({ error: 'Not a valid id' })
const MilestoneParams = IdParams.extend({ milestoneId: uuid })
const BenefitParams = IdParams.extend({ benefitId: uuid })
const DependencyParams = IdParams.extend({ dependencyId: uuid })

/**
 * The project named in the path must exist for this person before a body is validated, so
 * another organisation's id answers 404 whatever the body holds.
 */
export function projectGuard(services: Services) {
  return existsFirst((principal, { id }) => services.projects.get(principal, id))
}

export const projectApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const projects = services.projects
  const guard = projectGuard(services)

  app.get(
    '/projects',
    {
      schema: {
        tags,
        summary:
          'Programmes, projects and actions, each followed by those beneath it; filter by level, ' +
          'status, parent (parentId, or "none" for the top level), lead unit or text (q)',
        querystring: PageQuerySchema.extend({
          level: z.enum(LEVELS).optional(),
          status: z.enum(PROJECT_STATUSES).optional(),
          parentId: z.union([uuid, z.literal('none')]).optional(),
          leadUnitId: uuid.optional(),
          q: z.string().max(200).optional(),
        }),
      },
    },
    async (request) => {
      const { page, pageSize, parentId, ...filters } = request.query
      const list = await projects.list(requirePrincipal(request), {
        ...filters,
        ...(parentId !== undefined && { parentId: parentId === 'none' ? null : parentId }),
      })
      return paginate(list, page, pageSize)
    },
  )

  app.post(
    '/projects',
    {
      schema: {
        tags,
        summary:
          'Create a programme, project or action; deeper levels sit under the same or a higher ' +
          'one (never a project under an action)',
        body: ProjectInput,
      },
    },
    async (request, reply) =>
      reply.code(201).send(await projects.create(requirePrincipal(request), request.body)),
  )

  app.get(
    '/projects/:id',
    {
      schema: {
        tags,
        summary:
          'An item with its status (set or suggested, both shown), what it sits under and ' +
          'what is beneath it',
        params: IdParams,
      },
    },
    async (request) => {
      const detail = await projects.detail(requirePrincipal(request), request.params.id)
      return {
        ...detail.project,
        ancestors: detail.ancestors.map((a) => ({ id: a.id, title: a.title, level: a.level })),
        children: detail.children,
      }
    },
  )

  app.patch(
    '/projects/:id',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Edit or move an item; set its status with a reason (status null returns to the ' +
          'suggested one); send version to refuse a stale change (409)',
        params: IdParams,
        body: ProjectChanges,
      },
    },
    async (request) => projects.update(requirePrincipal(request), request.params.id, request.body),
  )

  app.get(
    '/projects/:id/milestones',
    {
      schema: {
        tags: milestoneTags,
        summary: 'Milestones, by due date',
        params: IdParams,
        querystring: PageQuerySchema,
      },
    },
    async (request) => {
      const { page, pageSize } = request.query
      const list = await projects.milestones(requirePrincipal(request), request.params.id)
      return paginate(list, page, pageSize)
    },
  )

  app.post(
    '/projects/:id/milestones',
    {
      preValidation: guard,
      schema: {
        tags: milestoneTags,
        summary:
          'Add a milestone, due on a date (2025-06-30) or in a quarter (2025/26 Q1); due null ' +
          'or left out when no date is set yet (its due.date is then null, due.label "No date set")',
        params: IdParams,
        body: MilestoneInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await projects.addMilestone(requirePrincipal(request), request.params.id, request.body),
        ),
  )

  app.get(
    '/projects/:id/milestones/:milestoneId',
    { schema: { tags: milestoneTags, summary: 'A milestone', params: MilestoneParams } },
    async (request) =>
      projects.getMilestone(
        requirePrincipal(request),
        request.params.id,
        request.params.milestoneId,
      ),
  )

  app.patch(
    '/projects/:id/milestones/:milestoneId',
    {
      preValidation: guard,
      schema: {
        tags: milestoneTags,
        summary:
          'Change a milestone; a new due date reschedules it and needs rescheduleReason (the ' +
          'first due date is kept)',
        params: MilestoneParams,
        body: MilestoneChanges,
      },
    },
    async (request) =>
      projects.updateMilestone(
        requirePrincipal(request),
        request.params.id,
        request.params.milestoneId,
        request.body,
      ),
  )

  app.get(
    '/projects/:id/benefits',
    {
      schema: {
        tags: benefitTags,
        summary: 'Benefits, financial and non-financial, planned against realised per year',
        params: IdParams,
        querystring: PageQuerySchema,
      },
    },
    async (request) => {
      const { page, pageSize } = request.query
      return paginate(
        await projects.benefits(requirePrincipal(request), request.params.id),
        page,
        pageSize,
      )
    },
  )

  app.post(
    '/projects/:id/benefits',
    {
      preValidation: guard,
      schema: {
        tags: benefitTags,
        summary: 'Add a benefit for a financial year (2024/25)',
        params: IdParams,
        body: BenefitInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await projects.addBenefit(requirePrincipal(request), request.params.id, request.body),
        ),
  )

  app.patch(
    '/projects/:id/benefits/:benefitId',
    {
      preValidation: guard,
      schema: {
        tags: benefitTags,
        summary: 'Change a benefit, for example what was realised',
        params: BenefitParams,
        body: BenefitChanges,
      },
    },
    async (request) =>
      projects.updateBenefit(
        requirePrincipal(request),
        request.params.id,
        request.params.benefitId,
        request.body,
      ),
  )

  app.delete(
    '/projects/:id/benefits/:benefitId',
    { schema: { tags: benefitTags, summary: 'Remove a benefit', params: BenefitParams } },
    async (request, reply) => {
      await projects.removeBenefit(
        requirePrincipal(request),
        request.params.id,
        request.params.benefitId,
      )
      return reply.code(204).send()
    },
  )

  app.get(
    '/projects/:id/dependencies',
    {
      schema: {
        tags: dependencyTags,
        summary: 'What this depends on, and what depends on it',
        params: IdParams,
      },
    },
    async (request) => projects.dependencies(requirePrincipal(request), request.params.id),
  )

  app.post(
    '/projects/:id/dependencies',
    {
      preValidation: guard,
      schema: {
        tags: dependencyTags,
        summary: 'Record that this depends on another item; never on itself or in a circle',
        params: IdParams,
        body: DependencyInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await projects.addDependency(requirePrincipal(request), request.params.id, request.body),
        ),
  )

  app.delete(
    '/projects/:id/dependencies/:dependencyId',
    { schema: { tags: dependencyTags, summary: 'Remove a dependency', params: DependencyParams } },
    async (request, reply) => {
      await projects.removeDependency(
        requirePrincipal(request),
        request.params.id,
        request.params.dependencyId,
      )
      return reply.code(204).send()
    },
  )
}
