// The project-gateways feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { gatewayApi } from './gateway-api.ts'
export { presentGateway } from './gateway-presenter.ts'
export type { GatewayView } from './gateway-presenter.ts'
export * as gatewayRepository from './gateway-repository.ts'
export { gatewayRoutes } from './gateway-routes.ts'
export { createGatewayService } from './gateway-service.ts'

export const feature: Feature = {
  name: 'project-gateways',
}
