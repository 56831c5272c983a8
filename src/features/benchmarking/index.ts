// The benchmarking feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { benchmarkApi } from './benchmark-api.ts'
export { buildDemoBenchmarking } from './benchmark-demo.ts'
export { benchmarkPanelSource } from './benchmark-panel.ts'
export { LGBF_FILES } from './benchmark-readers.ts'
export type { LgbfFile } from './benchmark-readers.ts'
export { benchmarkRoutes } from './benchmark-routes.ts'
export { startBenchmarkRefresh } from './benchmark-schedule.ts'
export { createBenchmarkService } from './benchmark-service.ts'
export { peerNetworkFiles } from './peer-network.ts'

export const feature: Feature = {
  name: 'benchmarking',
  navigation: [{ href: '/benchmarking', text: 'Benchmarking', position: 150 }],
}
