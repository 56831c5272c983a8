import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { Forbidden, Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { formPages } from '../../web/form-page.ts'
import type { Principal } from '../../core/principal.ts'

/** The item a form links: loaded only if the principal may change it (else it throws). */
export interface LinkedItem {
  readonly id: string
  readonly reference: string
  readonly title: string
}

export interface ThreadLinkOptions {
  /** The link kind registered in the link registry, e.g. 'risk'. */
  readonly itemKind: string
  /** Where the item's pages live, e.g. '/risks'; the form is at `{basePath}/:id/links/new`. */
  readonly basePath: string
  /** The select's label, e.g. 'Item of a plan this risk threatens'. */
  readonly label: string
  /** The button, e.g. 'Link risk'. */
  readonly button: string
  readonly loadForChange: (principal: Principal, id: string) => Promise<LinkedItem>
  /** Who may link items to plans: the framework's policy (canShapeFramework), passed in. */
  readonly canLink: (principal: Principal) => boolean
}

const NodeChoice = z.object({ nodeId: z.uuid({ error: 'Select an item of a plan' }) })

/**
 * The form that links an item (a risk, a savings line) to a node of a plan, through the
 * framework's own links: one page and one handler for every kind that has it.
 */
export function threadLinkRoutes(
  app: FastifyInstance,
  services: Services,
  options: ThreadLinkOptions,
) {
  formPages(app)({
    path: `${options.basePath}/:id/links/new`,
    params: IdParams,
    load: async ({ principal, params }) => {
      const item = await options.loadForChange(principal, params.id)
      if (!options.canLink(principal)) throw new Forbidden()
      return { item, nodeItems: await planNodeOptions(services, principal) }
    },
    template: 'links/views/thread-link-form.njk',
    view: ({ model: { item, nodeItems } }, values) => ({
      title: `Link ${item.reference} to the golden thread`,
      item,
      itemPath: `${options.basePath}/${item.id}`,
      label: options.label,
      button: options.button,
      nodeItems: nodeItems.map((n) => ({
        ...n,
        selected: n.value !== '' && n.value === values.nodeId,
      })),
    }),
    schema: NodeChoice,
    save: async ({ principal, params, model }, { nodeId }) => {
      if (!model.nodeItems.some((n) => n.value === nodeId)) {
        throw Invalid.field('nodeId', 'Select an item of a plan')
      }
      await services.framework.addLink(principal, nodeId, {
        itemKind: options.itemKind,
        itemId: params.id,
      })
    },
    redirect: ({ params }) => `${options.basePath}/${params.id}#thread`,
  })
}

/** Every node of every plan in use, as select options, indented by depth. */
async function planNodeOptions(services: Services, principal: Principal) {
  const items: { value: string; text: string }[] = [{ value: '', text: 'Select an item of a plan' }]
  const plans = await services.framework.listPlans(principal)
  for (const plan of plans.filter((p) => p.status !== 'archived')) {
    const { nodes } = await services.framework.planNodes(principal, plan.id)
    for (const n of nodes) {
      items.push({
        value: n.id,
        text: `${plan.title}: ${'— '.repeat(n.depth)}${n.levelName}: ${n.title}`,
      })
    }
  }
  return items
}
