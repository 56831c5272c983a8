// The public feature's public face: everything other parts of the application use of it.
import type { ServiceContext } from '../../web/feature.ts'
import { publicRoutes } from './public-routes.ts'
import { createPublicService } from './public-service.ts'

export { DEFAULT_CACHE } from './public-cache.ts'
export type { PublicCacheOptions } from './public-cache.ts'
export { publicRoutes } from './public-routes.ts'
export { PublicSettingsInput } from './public-schemas.ts'
export { createPublicService } from './public-service.ts'

export const feature = {
  name: 'public',
  services: {
    publicDashboard: ({ db, database, clock }: ServiceContext) =>
      createPublicService({ db, read: database.read, clock }),
  },
  routes: [publicRoutes],
}
