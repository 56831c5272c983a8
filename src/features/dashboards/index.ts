// The dashboards feature's public face: everything other parts of the application use of it.
import { dashboardApi } from './dashboard-api.ts'
import { dashboardRoutes } from './dashboard-routes.ts'
import { createDashboardService, type DashboardDeps } from './dashboard-service.ts'

export { dashboardApi } from './dashboard-api.ts'
export { buildDemoDashboards } from './dashboard-demo.ts'
export { dashboardRoutes } from './dashboard-routes.ts'
export { createDashboardService } from './dashboard-service.ts'
export type { DashboardService } from './dashboard-service.ts'
export type {
  DashboardPanel,
  DashboardPanelSource,
  PanelException,
  PanelRow,
  PanelScope,
} from './dashboard-sources.ts'

export const feature = {
  name: 'dashboards',
  navigation: [{ href: '/dashboards', text: 'Dashboards', position: 30 }],
  services: {
    dashboards: ({ db, clock, measures, projects, risks }: DashboardDeps) =>
      createDashboardService({ db, clock, measures, projects, risks }),
  },
  routes: [dashboardRoutes],
  api: [dashboardApi],
  tables: ['dashboard_tiles', 'dashboards'],
}
