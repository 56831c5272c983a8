// The savings feature's public face: everything other parts of the application use of it.
import type { HistoryItem, ServiceContext } from '../../web/feature.ts'
import type { SavingsService } from './savings-service.ts'
import type { Services } from '../../services.ts'
import type { Principal } from '../../core/principal.ts'
import type { LinkRegistry } from '../links/index.ts'
import type { ComputationRegistry } from '../organisational-measures/index.ts'
import { savingsApi } from './savings-api.ts'
import { savingsDelivered, savingsDeliveredPounds } from './savings-dashboard.ts'
import { savingLinkKind } from './savings-link-kinds.ts'
import { savingsRoutes } from './savings-routes.ts'
import { createSavingsService } from './savings-service.ts'

export { savingsApi } from './savings-api.ts'
export { savingsDelivered, savingsDeliveredPounds } from './savings-dashboard.ts'
export { buildDemoSavings } from './savings-demo.ts'
export { savingLinkKind } from './savings-link-kinds.ts'
export { presentMoney } from './savings-presenter.ts'
export * as savingsRepository from './savings-repository.ts'
export { savingsRoutes, yearOf } from './savings-routes.ts'
export {
  DURABILITIES,
  DURABILITY_NAMES,
  LineChanges,
  LineInput,
  SAVING_STATUSES,
  SAVING_STATUS_NAMES,
  SAVING_TYPES,
  SAVING_TYPE_NAMES,
  financialYear,
  money,
  monthField,
} from './savings-schemas.ts'
export { createSavingsService } from './savings-service.ts'
export type { SavingsService } from './savings-service.ts'

export const feature = {
  name: 'savings',
  navigation: [{ href: '/savings', text: 'Savings', position: 160 }],
  services: {
    savings: ({ db, clock }: ServiceContext) => createSavingsService({ db, clock }),
  },
  register: {
    position: 50,
    run: ({
      links,
      computations,
      savings,
    }: {
      links: LinkRegistry
      computations: ComputationRegistry
      savings: SavingsService
    }) => {
      links.register(savingLinkKind(savings))
      computations.register(savingsDelivered, savingsDeliveredPounds)
    },
  },
  routes: [savingsRoutes],
  api: [savingsApi],
  tables: ['saving_months', 'saving_years', 'savings_targets', 'saving_lines'],
  historyItems: {
    saving_line: async (
      services: Services,
      principal: Principal,
      id: string,
    ): Promise<HistoryItem> => {
      const line = await services.savings.getLine(principal, id)
      return { title: `${line.reference} ${line.title}`, href: `/savings/${id}` }
    },
  },
}
