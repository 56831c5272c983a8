// The project-gateways feature's public face: everything other parts of the application use of it.
import type { ServiceContext } from '../../web/feature.ts'
import type { ProjectService } from '../projects/index.ts'
import { gatewayApi } from './gateway-api.ts'
import { gatewayRoutes } from './gateway-routes.ts'
import { createGatewayService } from './gateway-service.ts'

export { gatewayApi } from './gateway-api.ts'
export { presentGateway } from './gateway-presenter.ts'
export type { GatewayView } from './gateway-presenter.ts'
export * as gatewayRepository from './gateway-repository.ts'
export { gatewayRoutes } from './gateway-routes.ts'
export { createGatewayService } from './gateway-service.ts'

export const feature = {
  name: 'project-gateways',
  services: {
    projectGateways: ({ db, clock, projects }: ServiceContext & { projects: ProjectService }) =>
      createGatewayService({ db, clock, projects }),
  },
  routes: [gatewayRoutes],
  api: [gatewayApi],
  tables: ['project_gateways'],
}
