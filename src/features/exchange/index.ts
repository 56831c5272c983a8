// The exchange feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'
import { canImport } from './exchange-policy.ts'

export { pentanaSamples } from './pentana-samples.ts'
import { exchangeApi } from './exchange-api.ts'
import { mappedImportRoutes } from './exchange-mapped-routes.ts'
import { createMappedImportService } from './exchange-mapped-service.ts'
import { exchangeRoutes } from './exchange-routes.ts'
import { createExchangeService } from './exchange-service.ts'
import { createImportRunService } from './import-runs.ts'

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

type Deps<F extends (deps: never) => unknown> = Parameters<F>[0]

export const feature = {
  name: 'exchange',
  navigation: [{ href: '/exchange', text: 'Import and export', position: 190, visible: canImport }],
  services: {
    exchange: ({
      db,
      clock,
      computations,
      measures,
      values,
      projects,
      projectUpdates,
      risks,
      savings,
    }: Deps<typeof createExchangeService>) =>
      createExchangeService({
        db,
        clock,
        computations,
        measures,
        values,
        projects,
        projectUpdates,
        risks,
        savings,
      }),
    mappedImports: ({ db, clock, exchange }: Deps<typeof createMappedImportService>) =>
      createMappedImportService({ db, clock, exchange }),
    importRuns: ({ db, clock, exchange }: Omit<Deps<typeof createImportRunService>, 'onError'>) =>
      createImportRunService({
        db,
        clock,
        exchange,
        onError: (error) => console.error('An import failed unexpectedly', error),
      }),
  },
  routes: [exchangeRoutes, mappedImportRoutes],
  api: [exchangeApi],
  tables: ['import_runs', 'import_mappings', 'import_uploads'],
} satisfies Feature
