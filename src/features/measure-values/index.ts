// The measure-values feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { valueApi } from './value-api.ts'
export { valueRoutes } from './value-routes.ts'
export { ValueInput } from './value-schemas.ts'
export {
  createValueService,
  entersFor,
  handsOn,
  outstandingFrom,
  outstandingPeriods,
} from './value-service.ts'
export type { ImportedOutcome, ImportedValue, ValueService } from './value-service.ts'
export type { ValueEvent, ValueNotifier } from './value-notifier.ts'

export const feature: Feature = {
  name: 'measure-values',
  navigation: [
    {
      href: '/my-updates',
      text: 'My updates',
      position: 100,
      visible: (p) => p.roles.some((g) => g.role === 'data_entry'),
    },
    {
      href: '/approvals',
      text: 'Approvals',
      position: 110,
      visible: (p) => p.roles.some((g) => g.role === 'approver'),
    },
  ],
}
