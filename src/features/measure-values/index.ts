// The measure-values feature's public face: everything other parts of the application use of it.
import type { ServiceContext } from '../../web/feature.ts'
import type { Principal } from '../../core/principal.ts'
import type { MeasureService } from '../measures/index.ts'
import { valueApi } from './value-api.ts'
import { valueRoutes } from './value-routes.ts'
import type { ValueDeps } from './value-service.ts'
import { createValueService } from './value-service.ts'

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

export const feature = {
  name: 'measure-values',
  navigation: [
    {
      href: '/my-updates',
      text: 'My updates',
      position: 100,
      visible: (p: Principal) => p.roles.some((g) => g.role === 'data_entry'),
    },
    {
      href: '/approvals',
      text: 'Approvals',
      position: 110,
      visible: (p: Principal) => p.roles.some((g) => g.role === 'approver'),
    },
  ],
  services: {
    values: ({
      db,
      clock,
      measures,
      notifications,
    }: ServiceContext & {
      measures: MeasureService
      notifications: { workflow: NonNullable<ValueDeps['notify']> }
    }) => createValueService({ db, clock, measures, notify: notifications.workflow }),
  },
  routes: [valueRoutes],
  api: [valueApi],
}
