// The spc feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'
import { variationBadge } from './spc-status.ts'

export { spcApi } from './spc-api.ts'
export { REDESIGN, WORSENING, approvedMonthlyMeasure } from './spc-fixtures.ts'
export { spcRoutes } from './spc-routes.ts'
export { createSpcService } from './spc-service.ts'
export { variationBadge } from './spc-status.ts'

export const feature: Feature = {
  name: 'spc',
  templateGlobals: { spcVariationBadge: variationBadge },
}
