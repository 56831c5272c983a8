// The benchmarking feature's public face: everything other parts of the application use of it.
import type { ServiceContext } from '../../web/feature.ts'
import type { DashboardService } from '../dashboards/index.ts'
import type { MeasureService } from '../measures/index.ts'
import { benchmarkApi } from './benchmark-api.ts'
import { benchmarkPanelSource } from './benchmark-panel.ts'
import { benchmarkRoutes } from './benchmark-routes.ts'
import { createBenchmarkService } from './benchmark-service.ts'

export { benchmarkApi } from './benchmark-api.ts'
export { buildDemoBenchmarking } from './benchmark-demo.ts'
export { benchmarkPanelSource } from './benchmark-panel.ts'
export { LGBF_FILES } from './benchmark-readers.ts'
export type { LgbfFile } from './benchmark-readers.ts'
export { benchmarkRoutes } from './benchmark-routes.ts'
export { startBenchmarkRefresh } from './benchmark-schedule.ts'
export { createBenchmarkService } from './benchmark-service.ts'
export { peerNetworkFiles } from './peer-network.ts'

export const feature = {
  name: 'benchmarking',
  navigation: [{ href: '/benchmarking', text: 'Benchmarking', position: 150 }],
  services: {
    benchmarking: ({ db, clock, measures }: ServiceContext & { measures: MeasureService }) =>
      createBenchmarkService({ db, clock, measures }),
  },
  register: {
    position: 80,
    run: ({
      dashboards,
      benchmarking,
    }: {
      dashboards: DashboardService
      benchmarking: ReturnType<typeof createBenchmarkService>
    }) => dashboards.registerPanelSource(benchmarkPanelSource(benchmarking)),
  },
  routes: [benchmarkRoutes],
  api: [benchmarkApi],
  tables: [
    'benchmark_publications',
    'benchmark_matches',
    'benchmark_groups',
    'benchmark_averages',
    'benchmark_families',
    'benchmark_figures',
    'benchmark_indicators',
    'benchmark_sources',
  ],
}
