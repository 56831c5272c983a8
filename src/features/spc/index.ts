// The spc feature's public face: everything other parts of the application use of it.
import type { ServiceContext } from '../../web/feature.ts'
import type { MeasureService } from '../measures/index.ts'
import { spcApi } from './spc-api.ts'
import { spcRoutes } from './spc-routes.ts'
import { createSpcService } from './spc-service.ts'
import { variationBadge } from './spc-status.ts'

export { spcApi } from './spc-api.ts'
export { REDESIGN, WORSENING, approvedMonthlyMeasure } from './spc-fixtures.ts'
export { spcRoutes } from './spc-routes.ts'
export { createSpcService } from './spc-service.ts'
export { variationBadge } from './spc-status.ts'

export const feature = {
  name: 'spc',
  templateGlobals: { spcVariationBadge: variationBadge },
  services: {
    spc: ({ db, clock, measures }: ServiceContext & { measures: MeasureService }) =>
      createSpcService({ db, clock, measures }),
  },
  routes: [spcRoutes],
  api: [spcApi],
}
