// The organisational-measures feature's public face: everything other parts of the application use of it.
import type { ServiceContext } from '../../web/feature.ts'
import type { ComputationRegistry } from './computations.ts'
import { BUILT_IN_COMPUTATIONS, createComputationRegistry } from './computations.ts'
import { orgMeasureRoutes } from './org-measure-routes.ts'
import { createOrgMeasureService } from './org-measure-service.ts'

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

export const feature = {
  name: 'organisational-measures',
  services: {
    // Organisational measures computed from the council's data; other features add their own.
    computations: () => {
      const computations = createComputationRegistry()
      computations.register(...BUILT_IN_COMPUTATIONS)
      return computations
    },
    organisationalMeasures: ({
      db,
      clock,
      computations,
    }: ServiceContext & { computations: ComputationRegistry }) =>
      createOrgMeasureService({ db, clock, computations }),
  },
  routes: [orgMeasureRoutes],
}
