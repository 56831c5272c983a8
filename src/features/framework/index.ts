// The framework feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

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

export const feature: Feature = {
  name: 'framework',
  navigation: [
    { href: '/plans', text: 'Plans', position: 60 },
    { href: '/alignment', text: 'Alignment', position: 80 },
  ],
}
