// The appraisals feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { appraisalApi } from './appraisal-api.ts'
export { APPRAISAL_MEASURES } from './appraisal-computations.ts'
export { buildDemoAppraisals } from './appraisal-demo.ts'
export * as appraisalRepository from './appraisal-repository.ts'
export { appraisalRoutes } from './appraisal-routes.ts'
export { ObjectiveInput } from './appraisal-schemas.ts'
export { APPRAISAL_COMPUTATIONS, createAppraisalService } from './appraisal-service.ts'
export type { AppraisalService } from './appraisal-service.ts'

export const feature: Feature = {
  name: 'appraisals',
  navigation: [
    {
      href: '/appraisals',
      text: 'Appraisals',
      position: 70,
      visible: (p) => p.roles.some((g) => g.role !== 'partner' && g.role !== 'councillor'),
    },
  ],
}
