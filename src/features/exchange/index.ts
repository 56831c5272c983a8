// The exchange feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'
import { canImport } from './exchange-policy.ts'

export { pentanaSamples } from './pentana-samples.ts'
export { exchangeApi } from './exchange-api.ts'
export { importCommand } from './exchange-cli.ts'
export { buildDemoMappings } from './exchange-demo.ts'
export { mappedImportRoutes } from './exchange-mapped-routes.ts'
export { createMappedImportService } from './exchange-mapped-service.ts'
export { canImport } from './exchange-policy.ts'
export { exchangeRoutes } from './exchange-routes.ts'
export { createExchangeService } from './exchange-service.ts'
export { createImportRunService } from './import-runs.ts'
export { csvFile } from './exchange-test-files.ts'

export const feature: Feature = {
  name: 'exchange',
  navigation: [{ href: '/exchange', text: 'Import and export', position: 190, visible: canImport }],
}
