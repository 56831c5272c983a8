import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { Forbidden } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { existsFirst } from '../../web/api-guards.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import { canShapeFramework } from './framework-policy.ts'
import { presentKind, type PlacedNode } from './framework-presenter.ts'
import {
  LinkInput,
  NodeChanges,
  NodeInput,
  PLAN_KINDS,
  PLAN_STATUSES,
  PlanChanges,
  PlanInput,
} from './framework-schemas.ts'
import type { PlanBranch, ThreadBranch } from './framework-service.ts'

const plansTag = ['Plans']
const nodesTag = ['Plan nodes']
const linksTag = ['Links']
const LinkParams = IdParams.extend({ linkId: z.uuid({ error: 'Not a valid id' }) })
const ItemParams = z.object({
  itemKind: z.string().max(60),
  itemId: z.uuid({ error: 'Not a valid id' }),
})
const booleanText = z.enum(['true', 'false']).default('false')

type TreeNode = PlacedNode & { children: TreeNode[] }
const treeOf = (branches: readonly PlanBranch[]): TreeNode[] =>
  branches.map((b) => ({ ...b.node, children: treeOf(b.children) }))

type ThreadJson = PlacedNode & {
  planTitle: string
  links: ThreadBranch['links']
  children: ThreadJson[]
}
const threadOf = (branch: ThreadBranch): ThreadJson => ({
  ...branch.node,
  planTitle: branch.planTitle,
  links: branch.links,
  children: branch.children.map(threadOf),
})

/**
 * Before a write's body is validated: the item named in the path must exist for this person
 * (404 otherwise, whatever the body holds) and they must be allowed to shape the framework (403).
 */
function writeGuard(find?: (principal: Principal, id: string) => Promise<unknown>) {
  const exists = find && existsFirst((principal, { id }) => find(principal, id))
  return async (request: FastifyRequest) => {
    const principal = requirePrincipal(request)
    if (exists) await exists(request)
    if (!canShapeFramework(principal)) throw new Forbidden()
  }
}

export const frameworkApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const framework = services.framework
  const planWrite = writeGuard((p, id) => framework.getPlan(p, id))
  const nodeWrite = writeGuard((p, id) => framework.getNode(p, id))

  app.get(
    '/plans',
    {
      schema: {
        tags: plansTag,
        summary: 'Plans, each followed by the plans that sit under it',
        querystring: PageQuerySchema.extend({
          status: z.enum(PLAN_STATUSES).optional(),
          kind: z.enum(PLAN_KINDS).optional(),
        }),
      },
    },
    async (request) => {
      const { page, pageSize, status, kind } = request.query
      const plans = await framework.listPlans(requirePrincipal(request))
      const filtered = plans.filter(
        (p) =>
          (status === undefined || p.status === status) && (kind === undefined || p.kind === kind),
      )
      return paginate(filtered, page, pageSize)
    },
  )

  app.post(
    '/plans',
    {
      preValidation: writeGuard(),
      schema: {
        tags: plansTag,
        summary: 'Create a plan; financial years are written 2024/25',
        body: PlanInput,
      },
    },
    async (request, reply) =>
      reply.code(201).send(await framework.createPlan(requirePrincipal(request), request.body)),
  )

  app.get(
    '/plans/:id',
    { schema: { tags: plansTag, summary: 'A plan', params: IdParams } },
    async (request) => framework.getPlan(requirePrincipal(request), request.params.id),
  )

  app.patch(
    '/plans/:id',
    {
      preValidation: planWrite,
      schema: {
        tags: plansTag,
        summary: 'Edit, move (parentPlanId) or archive (status: "archived") a plan',
        params: IdParams,
        body: PlanChanges,
      },
    },
    async (request) =>
      framework.updatePlan(requirePrincipal(request), request.params.id, request.body),
  )

  app.get(
    '/plans/:id/nodes',
    {
      schema: {
        tags: nodesTag,
        summary:
          'The plan’s nodes in order: flat (each followed by those beneath it) or as a tree; ' +
          'with shape=tree, pages count the top-level nodes',
        params: IdParams,
        querystring: PageQuerySchema.extend({
          shape: z.enum(['flat', 'tree']).default('flat'),
          includeArchived: booleanText,
        }),
      },
    },
    async (request) => {
      const { page, pageSize, shape, includeArchived } = request.query
      const { nodes, tree } = await framework.planNodes(
        requirePrincipal(request),
        request.params.id,
        { includeArchived: includeArchived === 'true' },
      )
      return shape === 'tree'
        ? paginate(treeOf(tree), page, pageSize)
        : paginate(nodes, page, pageSize)
    },
  )

  app.post(
    '/plans/:id/nodes',
    {
      preValidation: planWrite,
      schema: {
        tags: nodesTag,
        summary:
          'Add a node: top level, beneath another node of the plan (parentId), or, at the top ' +
          'level, sitting under a node of a plan above (contributesToId)',
        params: IdParams,
        body: NodeInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await framework.createNode(requirePrincipal(request), request.params.id, request.body),
        ),
  )

  app.get(
    '/nodes/:id',
    {
      schema: {
        tags: nodesTag,
        summary: 'A node, with its path up to the vision',
        params: IdParams,
      },
    },
    async (request) => {
      const principal = requirePrincipal(request)
      const detail = await framework.nodeDetail(principal, request.params.id)
      return { ...detail.node, path: detail.path }
    },
  )

  app.patch(
    '/nodes/:id',
    {
      preValidation: nodeWrite,
      schema: {
        tags: nodesTag,
        summary:
          'Edit, move (parentId, contributesToId), reorder (position among siblings, 0 first), ' +
          'archive or restore (status) a node; archiving takes the nodes beneath it too',
        params: IdParams,
        body: NodeChanges,
      },
    },
    async (request) =>
      framework.updateNode(requirePrincipal(request), request.params.id, request.body),
  )

  app.get(
    '/nodes/:id/thread',
    {
      schema: {
        tags: nodesTag,
        summary:
          'The thread view: the node with everything beneath it across plans, each with its ' +
          'links, a roll-up of the linked items by kind and status, and the path up to the vision',
        params: IdParams,
      },
    },
    async (request) => {
      const thread = await framework.thread(requirePrincipal(request), request.params.id)
      return {
        node: thread.node,
        path: thread.path,
        nodeCount: thread.nodeCount,
        rollUp: thread.rollUp,
        tree: threadOf(thread.tree),
      }
    },
  )

  app.get(
    '/nodes/:id/links',
    {
      schema: {
        tags: linksTag,
        summary: 'Items linked to a node',
        params: IdParams,
        querystring: PageQuerySchema,
      },
    },
    async (request) => {
      const { page, pageSize } = request.query
      const links = await framework.links(requirePrincipal(request), request.params.id)
      return paginate(links, page, pageSize)
    },
  )

  app.post(
    '/nodes/:id/links',
    {
      preValidation: nodeWrite,
      schema: {
        tags: linksTag,
        summary: 'Link an item (see /link-kinds for the kinds) to a node',
        params: IdParams,
        body: LinkInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await framework.addLink(requirePrincipal(request), request.params.id, request.body)),
  )

  app.delete(
    '/nodes/:id/links/:linkId',
    { schema: { tags: linksTag, summary: 'Remove a link', params: LinkParams } },
    async (request, reply) => {
      await framework.removeLink(
        requirePrincipal(request),
        request.params.id,
        request.params.linkId,
      )
      return reply.code(204).send()
    },
  )

  app.get(
    '/link-kinds',
    { schema: { tags: linksTag, summary: 'The kinds of item that can be linked to nodes' } },
    async (request) => ({
      items: (await framework.linkKinds(requirePrincipal(request))).map(presentKind),
    }),
  )

  app.get(
    '/items/:itemKind/:itemId/paths',
    {
      schema: {
        tags: linksTag,
        summary:
          'From an item, every path up the thread to the vision: one per node it is linked to',
        params: ItemParams,
      },
    },
    async (request) => {
      const { itemKind, itemId } = request.params
      const result = await framework.itemPaths(requirePrincipal(request), itemKind, itemId)
      return { kind: presentKind(result.kind), item: result.item, paths: result.paths }
    },
  )

  app.get(
    '/alignment',
    {
      schema: {
        tags: linksTag,
        summary:
          'Alignment checks: items linked to no current node, and current nodes with nothing ' +
          'linked to them or beneath them',
      },
    },
    async (request) => {
      const result = await framework.alignment(requirePrincipal(request))
      return {
        unlinkedItems: result.unlinked.map((u) => ({ ...presentKind(u.kind), items: u.items })),
        nodesWithNothingBeneath: result.nodesWithNothingBeneath.map((g) => ({
          plan: { id: g.plan.id, title: g.plan.title },
          nodes: g.nodes,
        })),
      }
    },
  )
}
