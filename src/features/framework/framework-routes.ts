import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { z } from 'zod'
import { Forbidden, Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseParams } from '../../web/fields.ts'
import { formPages, type LoadContext } from '../../web/form-page.ts'
import { radioItems } from '../../web/govuk-items.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import { everyone, unitNames, unitSelectItems } from '../organisation/index.ts'
import { canShapeFramework } from './framework-policy.ts'
import { withArticle, type PlacedNode, type PlanView } from './framework-presenter.ts'
import {
  NodeInput,
  PLAN_KIND_NAMES,
  PLAN_KINDS,
  PLAN_STATUS_NAMES,
  PLAN_STATUSES,
  PlanInput,
} from './framework-schemas.ts'
import { Hierarchy } from './hierarchy.ts'

const hide = { schema: { hide: true } }
const NewNodeQuery = z.object({ parentId: z.uuid().optional().catch(undefined) })
const FromBody = z.object({ from: z.enum(['plan', 'node']).catch('node') })

const frameworkNames = {
  kindNames: PLAN_KIND_NAMES,
  statusNames: PLAN_STATUS_NAMES,
}

/** The plan form's levels come one a line. */
function planFromForm(body: Record<string, unknown>) {
  const levels =
    typeof body.levels === 'string'
      ? body.levels
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter((line) => line !== '')
      : []
  return { ...body, levels }
}

/** An error on any one of the levels belongs to the box. */
function levelsBox(invalid: Invalid): Invalid {
  return new Invalid(
    invalid.fields.map((f) => (f.field.startsWith('levels.') ? { ...f, field: 'levels' } : f)),
  )
}

function requireShaper(principal: Principal): void {
  if (!canShapeFramework(principal)) throw new Forbidden()
}

function nodeSelectItems(
  nodes: readonly PlacedNode[],
  options: { selected?: unknown; emptyText: string; prefix?: string },
) {
  return [
    { value: '', text: options.emptyText },
    ...nodes.map((n) => ({
      value: n.id,
      text: `${options.prefix ?? ''}${'— '.repeat(n.depth)}${n.levelName}: ${n.title}`,
      selected: n.id === options.selected,
    })),
  ]
}

export const frameworkRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const framework = services.framework
  const org = services.organisation
  const formPage = formPages(app)

  async function planFormContext(
    principal: Principal,
    values: Record<string, unknown>,
    editing?: string,
  ) {
    const plans = await framework.listPlans(principal)
    const units = await org.listUnits(principal)
    const below = editing
      ? new Set(
          new Hierarchy(plans.map((p) => ({ id: p.id, parentId: p.parentPlanId })))
            .descendantsOf(editing)
            .map((p) => p.id),
        )
      : new Set<string>()
    return {
      kindItems: radioItems(PLAN_KINDS, PLAN_KIND_NAMES, values.kind),
      statusItems: radioItems(PLAN_STATUSES, PLAN_STATUS_NAMES, values.status ?? 'draft'),
      parentItems: [
        { value: '', text: 'None: a plan of its own' },
        ...plans
          .filter((p) => !below.has(p.id))
          .map((p) => ({
            value: p.id,
            text: `${p.title} (${p.period})`,
            selected: p.id === values.parentPlanId,
          })),
      ],
      unitItems: unitSelectItems(units, {
        selected: values.ownerUnitId as string | undefined,
        emptyText: 'No unit',
      }),
    }
  }

  async function nodeFormContext(
    principal: Principal,
    plan: PlanView,
    values: Record<string, unknown>,
    editing?: string,
  ) {
    const { parents, above } = await framework.placementOptions(principal, plan.id, editing)
    const people = (await everyone(org, principal)).filter(
      (p) => p.active || p.id === values.ownerId,
    )
    const units = await org.listUnits(principal)
    return {
      plan,
      parentItems: nodeSelectItems(parents, {
        selected: values.parentId,
        emptyText: `Nothing: a top-level ${plan.levels[0] ?? 'node'}`,
      }),
      contributesItems: above.length
        ? [
            { value: '', text: 'Nothing' },
            ...above.flatMap((group) =>
              nodeSelectItems(group.nodes, {
                selected: values.contributesToId,
                emptyText: '',
                prefix: `${group.plan.title}: `,
              }).slice(1),
            ),
          ]
        : null,
      ownerItems: [
        { value: '', text: 'No owner' },
        ...people.map((p) => ({
          value: p.id,
          text: p.jobTitle ? `${p.name}, ${p.jobTitle}` : p.name,
          selected: p.id === values.ownerId,
        })),
      ],
      unitItems: unitSelectItems(units, {
        selected: values.leadUnitId as string | undefined,
        emptyText: 'No lead unit',
      }),
    }
  }

  // Plans

  app.get('/plans', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const plans = await framework.listPlans(principal)
    const titles = Object.fromEntries(plans.map((p) => [p.id, p.title]))
    return reply.view('framework/views/plans.njk', {
      title: 'Plans',
      plans,
      titles,
      canShape: canShapeFramework(principal),
      ...frameworkNames,
    })
  })

  /** The load of a plan's form: the plan visible (404), then the person allowed (403). */
  const shapedPlan = async ({ principal, params }: LoadContext<{ id: string }>) => {
    const plan = await framework.getPlan(principal, params.id)
    requireShaper(principal)
    return plan
  }

  formPage({
    path: '/plans/new',
    load: ({ principal }) => Promise.resolve(requireShaper(principal)),
    template: 'framework/views/plan-form.njk',
    values: () => ({ status: 'draft', levels: 'Theme\nPriority' }),
    view: async ({ principal }, values) => ({
      title: 'Add a plan',
      action: '/plans/new',
      ...(await planFormContext(principal, values)),
    }),
    schema: PlanInput,
    input: planFromForm,
    fields: levelsBox,
    save: ({ principal }, input) => framework.createPlan(principal, input),
    redirect: (_, plan) => `/plans/${plan.id}`,
  })

  app.get('/plans/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { plan, tree, nodes } = await framework.planNodes(principal, id)
    const plans = await framework.listPlans(principal)
    const byId = new Map(plans.map((p) => [p.id, p]))
    const above: PlanView[] = []
    for (let p = byId.get(plan.parentPlanId ?? ''); p && above.length < 20;) {
      above.unshift(p)
      p = byId.get(p.parentPlanId ?? '')
    }
    const units = await org.listUnits(principal)
    return reply.view('framework/views/plan.njk', {
      title: plan.title,
      addTop: `Add ${withArticle(plan.levels[0] ?? 'node')}`,
      plan,
      above,
      tree,
      nodeCount: nodes.length,
      beneath: plans.filter((p) => p.parentPlanId === id),
      archived: await framework.archivedNodes(principal, id),
      unitNames: unitNames(units),
      canShape: canShapeFramework(principal) && plan.status !== 'archived',
      canRestore: canShapeFramework(principal) && plan.status === 'archived',
      ...frameworkNames,
    })
  })

  formPage({
    path: '/plans/:id/edit',
    params: IdParams,
    load: shapedPlan,
    template: 'framework/views/plan-form.njk',
    values: ({ model: plan }) => ({ ...plan, levels: plan.levels.join('\n') }),
    view: async ({ principal, params: { id }, model: plan }, values) => ({
      title: `Edit ${plan.title}`,
      action: `/plans/${id}/edit`,
      plan,
      ...(await planFormContext(principal, values, id)),
    }),
    schema: PlanInput,
    input: planFromForm,
    fields: levelsBox,
    save: ({ principal, params: { id } }, input) =>
      framework.updatePlan(principal, id, {
        ...input,
        parentPlanId: input.parentPlanId ?? null,
        ownerUnitId: input.ownerUnitId ?? null,
        vision: input.vision ?? null,
        mission: input.mission ?? null,
      }),
    redirect: ({ params: { id } }) => `/plans/${id}`,
  })

  for (const [path, status] of [
    ['archive', 'archived'],
    ['restore', 'active'],
  ] as const) {
    app.post(`/plans/:id/${path}`, hide, async (request, reply) => {
      const principal = requirePrincipal(request)
      const { id } = parseParams(IdParams, request.params)
      await framework.updatePlan(principal, id, { status })
      return reply.redirect(`/plans/${id}`, 303)
    })
  }

  // Nodes

  const newNodeTitle = (plan: PlanView, parent: PlacedNode | undefined) => {
    const level = parent ? (plan.levels[parent.depth + 1] ?? plan.levels.at(-1)) : plan.levels[0]
    return `Add ${withArticle(level ?? 'node')} to ${plan.title}`
  }

  formPage({
    path: '/plans/:id/nodes/new',
    params: IdParams,
    load: shapedPlan,
    template: 'framework/views/node-form.njk',
    values: ({ request }) => ({ parentId: NewNodeQuery.parse(request.query).parentId }),
    view: async ({ principal, params: { id }, model: plan, request }, values) => {
      // The first page names the level beneath the parent asked for; shown again, the top one.
      const { parentId } = request.method === 'GET' ? NewNodeQuery.parse(request.query) : {}
      const parent = parentId ? await framework.getNode(principal, parentId) : undefined
      return {
        title: newNodeTitle(plan, parent?.planId === id ? parent : undefined),
        action: `/plans/${id}/nodes/new`,
        ...(await nodeFormContext(principal, plan, values)),
      }
    },
    schema: NodeInput,
    save: ({ principal, params: { id } }, input) => framework.createNode(principal, id, input),
    redirect: (_, node) => `/nodes/${node.id}`,
  })

  app.get('/nodes/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await framework.nodeDetail(principal, id)
    const units = await org.listUnits(principal)
    const owner = detail.node.ownerId
      ? (await everyone(org, principal)).find((p) => p.id === detail.node.ownerId)
      : undefined
    const kinds = await framework.linkKinds(principal)
    const shaping = canShapeFramework(principal) && detail.plan.status !== 'archived'
    return reply.view('framework/views/node.njk', {
      title: detail.node.title,
      ...detail,
      owner,
      unitNames: unitNames(units),
      kindLinks: kinds.map((k) => ({ kind: k.kind, text: `Link ${withArticle(k.name)}` })),
      addBeneath: `Add ${withArticle(
        detail.plan.levels[detail.node.depth + 1] ?? detail.plan.levels.at(-1) ?? 'node',
      )} beneath`,
      canShape: shaping && detail.node.status === 'active',
      canRestore: shaping && detail.node.status === 'archived',
    })
  })

  formPage({
    path: '/nodes/:id/edit',
    params: IdParams,
    load: async ({ principal, params: { id } }) => {
      const node = await framework.getNode(principal, id)
      const plan = await framework.getPlan(principal, node.planId)
      requireShaper(principal)
      return { node, plan }
    },
    template: 'framework/views/node-form.njk',
    values: ({ model: { node } }) => node,
    view: async ({ principal, params: { id }, model: { node, plan } }, values) => ({
      title: `Edit ${node.title}`,
      action: `/nodes/${id}/edit`,
      node,
      ...(await nodeFormContext(principal, plan, values, id)),
    }),
    schema: NodeInput,
    save: ({ principal, params: { id } }, input) =>
      framework.updateNode(principal, id, {
        title: input.title,
        description: input.description ?? null,
        whatSuccessLooksLike: input.whatSuccessLooksLike ?? null,
        ownerId: input.ownerId ?? null,
        leadUnitId: input.leadUnitId ?? null,
        parentId: input.parentId ?? null,
        // Absent when the plan sits under no other: nothing to change then.
        ...(input.contributesToId !== undefined && {
          contributesToId: input.contributesToId,
        }),
      }),
    redirect: ({ params: { id } }) => `/nodes/${id}`,
  })

  const backTo = (reply: FastifyReply, from: 'plan' | 'node', node: PlacedNode) =>
    reply.redirect(
      from === 'plan' ? `/plans/${node.planId}#node-${node.id}` : `/nodes/${node.id}`,
      303,
    )

  for (const direction of ['up', 'down'] as const) {
    app.post(`/nodes/:id/move-${direction}`, hide, async (request, reply) => {
      const principal = requirePrincipal(request)
      const { id } = parseParams(IdParams, request.params)
      const { from } = FromBody.parse(request.body ?? {})
      const node = await framework.moveNode(principal, id, direction)
      return backTo(reply, from, node)
    })
  }

  app.post('/nodes/:id/archive', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const node = await framework.updateNode(principal, id, { status: 'archived' })
    return reply.redirect(`/plans/${node.planId}`, 303)
  })

  app.post('/nodes/:id/restore', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    await framework.updateNode(principal, id, { status: 'active' })
    return reply.redirect(`/nodes/${id}`, 303)
  })
}
