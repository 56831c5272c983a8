// The queries feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { queryRoutes } from './query-routes.ts'
export { createQueryService } from './query-service.ts'
export type { QueryService } from './query-service.ts'

export const feature: Feature = {
  name: 'queries',
}
