// The home feature's public face: everything other parts of the application use of it.
import type { HomeDeps } from './home-service.ts'
import { homeRoutes } from './home-routes.ts'
import { createHomeService } from './home-service.ts'

export { homeRoutes } from './home-routes.ts'
export { createHomeService } from './home-service.ts'

export const feature = {
  name: 'home',
  navigation: [{ href: '/', text: 'Home', position: 10 }],
  services: {
    home: ({ tasks, dashboards, projects, queries }: HomeDeps) =>
      createHomeService({ tasks, dashboards, projects, queries }),
  },
  routes: [homeRoutes],
}
