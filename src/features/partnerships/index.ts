// The partnerships feature's public face: everything other parts of the application use of it.
import type { ServiceContext } from '../../web/feature.ts'
import { renderReport } from '../reports/index.ts'
import type { PartnershipDeps } from './partnership-service.ts'
import { partnershipApi } from './partnership-api.ts'
import { partnershipRoutes } from './partnership-routes.ts'
import { createPartnershipService } from './partnership-service.ts'

export { partnershipApi } from './partnership-api.ts'
export { DEMO_TRUST_PEOPLE, buildDemoPartnership } from './partnership-demo.ts'
export { partnershipRoutes } from './partnership-routes.ts'
export { createPartnershipService } from './partnership-service.ts'

export const feature = {
  name: 'partnerships',
  navigation: [{ href: '/partnerships', text: 'Partnerships', position: 140 }],
  services: {
    partnerships: ({
      db,
      clock,
      measures,
      values,
      projects,
      projectUpdates,
      risks,
    }: ServiceContext &
      Pick<PartnershipDeps, 'measures' | 'values' | 'projects' | 'projectUpdates' | 'risks'>) =>
      createPartnershipService({
        db,
        clock,
        measures,
        values,
        projects,
        projectUpdates,
        risks,
        render: renderReport,
      }),
  },
  routes: [partnershipRoutes],
  api: [partnershipApi],
  tables: ['partnership_shares', 'partnership_members', 'partnership_priorities', 'partnerships'],
}
