// The queries feature's public face: everything other parts of the application use of it.
import type { ServiceContext } from '../../web/feature.ts'
import type { QueryDeps } from './query-service.ts'
import { queryRoutes } from './query-routes.ts'
import { createQueryService } from './query-service.ts'

export { queryRoutes } from './query-routes.ts'
export { createQueryService } from './query-service.ts'
export type { QueryService } from './query-service.ts'

export const feature = {
  name: 'queries',
  services: {
    queries: ({
      db,
      clock,
      measures,
      projects,
    }: ServiceContext & Pick<QueryDeps, 'measures' | 'projects'>) =>
      createQueryService({ db, clock, measures, projects }),
  },
  routes: [queryRoutes],
  tables: ['item_query_messages', 'item_queries'],
}
