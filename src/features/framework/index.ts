// The framework feature's public face: everything other parts of the application use of it.
import type { HistoryItem, ServiceContext } from '../../web/feature.ts'
import type { Services } from '../../services.ts'
import type { Principal } from '../../core/principal.ts'
import type { LinkRegistry } from '../links/index.ts'
import { frameworkApi } from './framework-api.ts'
import { frameworkRoutes } from './framework-routes.ts'
import { createFrameworkService } from './framework-service.ts'
import { threadRoutes } from './thread-routes.ts'

export { frameworkApi } from './framework-api.ts'
export { buildDemoFramework } from './framework-demo.ts'
export { canSeePlan, canShapeFramework } from './framework-policy.ts'
export * as frameworkRepository from './framework-repository.ts'
export { frameworkRoutes } from './framework-routes.ts'
export {
  MAX_LEVELS,
  NodeInput,
  PLAN_KIND_NAMES,
  PLAN_STATUS_NAMES,
  PlanInput,
} from './framework-schemas.ts'
export { createFrameworkService } from './framework-service.ts'
export type { FrameworkService } from './framework-service.ts'
export { threadRoutes } from './thread-routes.ts'

export const feature = {
  name: 'framework',
  navigation: [
    { href: '/plans', text: 'Plans', position: 60 },
    { href: '/alignment', text: 'Alignment', position: 80 },
  ],
  services: {
    framework: ({ db, clock, links }: ServiceContext & { links: LinkRegistry }) =>
      createFrameworkService({ db, clock, links }),
  },
  routes: [frameworkRoutes, threadRoutes],
  api: [frameworkApi],
  tables: ['plan_nodes', 'plans'],
  historyItems: {
    plan: async (services: Services, principal: Principal, id: string): Promise<HistoryItem> => {
      const plan = await services.framework.getPlan(principal, id)
      return { title: plan.title, href: `/plans/${id}` }
    },
    node: async (services: Services, principal: Principal, id: string): Promise<HistoryItem> => {
      const node = await services.framework.getNode(principal, id)
      return { title: node.title, href: `/nodes/${id}` }
    },
  },
}
