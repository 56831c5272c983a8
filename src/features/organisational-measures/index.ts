// The organisational-measures feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { BUILT_IN_COMPUTATIONS, createComputationRegistry } from './computations.ts'
export type { ComputationRegistry, Figure, OrganisationalComputation } from './computations.ts'
export { recomputeCommand } from './org-measure-cli.ts'
export * as orgMeasureRepository from './org-measure-repository.ts'
export { orgMeasureRoutes } from './org-measure-routes.ts'
export {
  createOrgMeasureService,
  recomputeOrganisation,
  setUpComputedMeasure,
} from './org-measure-service.ts'

export const feature: Feature = {
  name: 'organisational-measures',
}
