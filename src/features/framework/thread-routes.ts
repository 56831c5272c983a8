import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { Forbidden } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { handleForm } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import { canShapeFramework } from './framework-policy.ts'
import { withArticle } from './framework-presenter.ts'
import { LinkInput } from './framework-schemas.ts'

const hide = { schema: { hide: true } }
const LinkParams = IdParams.extend({ linkId: z.uuid() })
const ItemParams = z.object({ itemKind: z.string().max(60), itemId: z.uuid() })
const KindQuery = z.object({ kind: z.string().max(60).catch('') })

/** The thread view, links between nodes and items, the path up from an item, alignment. */
export const threadRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const framework = services.framework

  app.get('/nodes/:id/thread', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const thread = await framework.thread(principal, id)
    const plan = await framework.getPlan(principal, thread.node.planId)
    return reply.view('framework/views/thread.njk', {
      title: `Thread: ${thread.node.title}`,
      plan,
      ...thread,
    })
  })

  async function linkFormContext(principal: Principal, nodeId: string, itemKind: string) {
    const node = await framework.getNode(principal, nodeId)
    if (!canShapeFramework(principal)) throw new Forbidden()
    const { kind, items } = await framework.linkableItems(principal, itemKind)
    const linked = new Set(
      (await framework.links(principal, nodeId))
        .filter((l) => l.itemKind === kind.kind)
        .map((l) => l.itemId),
    )
    return {
      title: `Link ${withArticle(kind.name)} to ${node.title}`,
      heading: `Link ${withArticle(kind.name)}`,
      node,
      kind,
      itemItems: (selected: unknown) => [
        { value: '', text: `Select ${withArticle(kind.name)}` },
        ...items
          .filter((i) => !linked.has(i.id))
          .map((i) => ({
            value: i.id,
            text: i.hint ? `${i.title} (${i.hint})` : i.title,
            selected: i.id === selected,
          })),
      ],
    }
  }

  app.get('/nodes/:id/links/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { itemItems, ...context } = await linkFormContext(
      principal,
      id,
      KindQuery.parse(request.query).kind,
    )
    return reply.view('framework/views/link-form.njk', {
      ...context,
      values: {},
      itemItems: itemItems(undefined),
    })
  })

  app.post('/nodes/:id/links/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const body = (request.body ?? {}) as Record<string, unknown>
    const { itemItems, ...context } = await linkFormContext(
      principal,
      id,
      typeof body.itemKind === 'string' ? body.itemKind : '',
    )
    return handleForm(
      reply,
      {
        template: 'framework/views/link-form.njk',
        context: { ...context, itemItems: itemItems(body.itemId) },
        values: body,
      },
      async () => {
        await framework.addLink(principal, id, parseInput(LinkInput, body))
        return reply.redirect(`/nodes/${id}#links`, 303)
      },
    )
  })

  app.post('/nodes/:id/links/:linkId/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, linkId } = parseParams(LinkParams, request.params)
    await framework.removeLink(principal, id, linkId)
    return reply.redirect(`/nodes/${id}#links`, 303)
  })

  app.get('/items/:itemKind/:itemId/thread', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { itemKind, itemId } = parseParams(ItemParams, request.params)
    const result = await framework.itemPaths(principal, itemKind, itemId)
    return reply.view('framework/views/item-paths.njk', {
      title: `Where ${result.item.title} fits in the golden thread`,
      ...result,
    })
  })

  app.get('/alignment', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const result = await framework.alignment(principal)
    return reply.view('framework/views/alignment.njk', {
      title: 'Alignment checks',
      ...result,
      unlinkedCount: result.unlinked.reduce((n, u) => n + u.items.length, 0),
      bareCount: result.nodesWithNothingBeneath.reduce((n, g) => n + g.nodes.length, 0),
    })
  })
}
