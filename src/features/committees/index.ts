// The committees feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { buildDemoCalendar } from './calendar-demo.ts'
export { committeeApi } from './committee-api.ts'
export { committeeRoutes } from './committee-routes.ts'
export { createCommitteeService } from './committee-service.ts'

export const feature: Feature = {
  name: 'committees',
}
