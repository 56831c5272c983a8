// The appraisals feature's public face: everything other parts of the application use of it.
import type { ServiceContext } from '../../web/feature.ts'
import type { Principal } from '../../core/principal.ts'
import type { AppraisalDeps } from './appraisal-service.ts'
import type { ComputationRegistry } from '../organisational-measures/index.ts'
import { appraisalApi } from './appraisal-api.ts'
import { APPRAISAL_MEASURES } from './appraisal-computations.ts'
import { appraisalRoutes } from './appraisal-routes.ts'
import { createAppraisalService } from './appraisal-service.ts'

export { appraisalApi } from './appraisal-api.ts'
export {
  APPRAISAL_COMPUTATIONS,
  APPRAISAL_MEASURES,
  recomputeAppraisalMeasures,
} from './appraisal-computations.ts'
export { buildDemoAppraisals } from './appraisal-demo.ts'
export * as appraisalRepository from './appraisal-repository.ts'
export { appraisalRoutes } from './appraisal-routes.ts'
export { ObjectiveInput } from './appraisal-schemas.ts'
export { createAppraisalService } from './appraisal-service.ts'
export type { AppraisalService } from './appraisal-service.ts'

export const feature = {
  name: 'appraisals',
  navigation: [
    {
      href: '/appraisals',
      text: 'Appraisals',
      position: 70,
      visible: (p: Principal) =>
        p.roles.some((g) => g.role !== 'partner' && g.role !== 'councillor'),
    },
  ],
  services: {
    appraisals: ({
      db,
      clock,
      organisation,
      framework,
      computations,
    }: ServiceContext & Pick<AppraisalDeps, 'organisation' | 'framework' | 'computations'>) =>
      createAppraisalService({ db, clock, organisation, framework, computations }),
  },
  register: {
    position: 60,
    run: ({ computations }: { computations: ComputationRegistry }) =>
      computations.register(...APPRAISAL_MEASURES),
  },
  routes: [appraisalRoutes],
  api: [appraisalApi],
  tables: ['objectives', 'appraisals', 'appraisal_cycles'],
}
