// The home feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { homeRoutes } from './home-routes.ts'
export { createHomeService } from './home-service.ts'

export const feature: Feature = {
  name: 'home',
  navigation: [{ href: '/', text: 'Home', position: 10 }],
}
