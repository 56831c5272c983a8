// The dashboards feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

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

export const feature: Feature = {
  name: 'dashboards',
  navigation: [{ href: '/dashboards', text: 'Dashboards', position: 30 }],
}
