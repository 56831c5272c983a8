// The partnerships feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { partnershipApi } from './partnership-api.ts'
export { DEMO_TRUST_PEOPLE, buildDemoPartnership } from './partnership-demo.ts'
export { partnershipRoutes } from './partnership-routes.ts'
export { createPartnershipService } from './partnership-service.ts'

export const feature: Feature = {
  name: 'partnerships',
  navigation: [{ href: '/partnerships', text: 'Partnerships', position: 140 }],
}
