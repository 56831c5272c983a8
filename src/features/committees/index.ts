// The committees feature's public face: everything other parts of the application use of it.
import type { HistoryItem, ServiceContext } from '../../web/feature.ts'
import type { Services } from '../../services.ts'
import type { Principal } from '../../core/principal.ts'
import type { ReportService } from '../reports/index.ts'
import { committeeApi } from './committee-api.ts'
import { committeeRoutes } from './committee-routes.ts'
import { createCommitteeService } from './committee-service.ts'

export { buildDemoCalendar } from './calendar-demo.ts'
export { committeeApi } from './committee-api.ts'
export { committeeRoutes } from './committee-routes.ts'
export { createCommitteeService } from './committee-service.ts'

export const feature = {
  name: 'committees',
  services: {
    committees: ({ db, clock, reports }: ServiceContext & { reports: ReportService }) =>
      createCommitteeService({ db, clock, reports }),
  },
  routes: [committeeRoutes],
  api: [committeeApi],
  tables: ['committee_meetings', 'committees'],
  historyItems: {
    committee: async (
      services: Services,
      principal: Principal,
      id: string,
    ): Promise<HistoryItem> => {
      const committee = await services.committees.requireCommittee(principal, id)
      return { title: committee.name, href: `/committees/${id}` }
    },
  },
}
