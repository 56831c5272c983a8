// The public feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { DEFAULT_CACHE } from './public-cache.ts'
export type { PublicCacheOptions } from './public-cache.ts'
export { publicRoutes } from './public-routes.ts'
export { PublicSettingsInput } from './public-schemas.ts'
export { createPublicService } from './public-service.ts'

export const feature: Feature = {
  name: 'public',
}
