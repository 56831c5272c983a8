// The savings feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

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

export const feature: Feature = {
  name: 'savings',
  navigation: [{ href: '/savings', text: 'Savings', position: 160 }],
}
