// The links feature's public face: everything other parts of the application use of it.
import { createLinkRegistry } from './link-registry.ts'

export { createLinkRegistry } from './link-registry.ts'
export type { ItemKind, LinkRegistry, LinkableItem, LinkableVariation } from './link-registry.ts'
export * as linkRepository from './link-repository.ts'
export { rollUp } from './roll-up.ts'
export { threadLinkRoutes } from './thread-link-routes.ts'

export const feature = {
  name: 'links',
  services: {
    // Kinds of item the golden thread links to nodes; features register their own.
    links: () => createLinkRegistry(),
  },
  tables: ['node_links'],
}
