// The measures feature's public face: everything other parts of the application use of it.
import type { HistoryItem, ServiceContext } from '../../web/feature.ts'
import type { MeasureService } from './measure-service.ts'
import type { Services } from '../../services.ts'
import type { Principal } from '../../core/principal.ts'
import type { LinkRegistry } from '../links/index.ts'
import { measureApi } from './measure-api.ts'
import { measureLinkKind } from './measure-link-kinds.ts'
import { measureRoutes } from './measure-routes.ts'
import { createMeasureService } from './measure-service.ts'

export { measureApi, measureGuard } from './measure-api.ts'
export { measureChart } from './measure-chart.ts'
export { buildDemoMeasures } from './measure-demo.ts'
export * as measureLedger from './measure-ledger.ts'
export {
  refreshHeadlines,
  replaceTargets,
  settleAll,
  spcSettingsChanged,
  stampSignOffDates,
  writeValues,
} from './measure-ledger.ts'
export type { SignOffDates, ValueWrite } from './measure-ledger.ts'
export { measureLinkKind } from './measure-link-kinds.ts'
export * as measurePolicy from './measure-policy.ts'
export {
  canDefineAnyMeasure,
  canDefineMeasure,
  canSeeUnapproved,
  canViewMeasure,
} from './measure-policy.ts'
export type { MeasureScope } from './measure-policy.ts'
export {
  RAG_NAMES,
  RAG_SYMBOLS,
  formatValue,
  periodOf,
  presentPeriod,
  statusMeasure,
} from './measure-presenter.ts'
export type { MeasureValueView, MeasureView, PeriodView } from './measure-presenter.ts'
export * as measureRepository from './measure-repository.ts'
// The headline and the statuses stored beside it; the repository's own refreshLatest is SQL only.
export { refreshHeadlines as refreshLatest } from './measure-ledger.ts'
export type { NewValue } from './measure-repository.ts'
export { measureNames, measureRoutes } from './measure-routes.ts'
export {
  FREQUENCY_NAMES,
  KIND_NAMES,
  MEASURE_KINDS,
  MEASURE_STATUSES,
  MEASURE_STATUS_NAMES,
  MEASURE_UNITS,
  MeasureChanges,
  MeasureInput,
  POLARITY_NAMES,
  PeriodField,
  QUALITY_ASSESSMENT_NAMES,
  QUALITY_CRITERIA,
  QUALITY_NAMES,
  TargetInput,
  UNIT_NAMES,
  flag,
  optionalNumber,
} from './measure-schemas.ts'
export type { QualityAssessment } from './measure-schemas.ts'
export {
  FIRST_YEAR,
  createMeasureService,
  rangeProblem,
  readPeriod,
  scopeOf,
} from './measure-service.ts'
export type { MeasureService } from './measure-service.ts'
export { spcSection, spcSentences } from './measure-spc-view.ts'
export { presentSpcHistory, presentSpcSettings } from './measure-spc-presenter.ts'
export type { SpcHistoryEntry } from './measure-spc-presenter.ts'
export * as measureSpcRepository from './measure-spc-repository.ts'
export { listSettings } from './measure-spc-repository.ts'
export {
  measureSpc,
  settingsIndexes,
  spcOf,
  spcSummary,
  variationIfApproved,
} from './measure-spc.ts'
export type {
  SpcBaselineView,
  SpcChangePointView,
  SpcSettingsView,
  SpcValue,
} from './measure-spc.ts'
export { currentStatus, dueDateOf, headlineFacts, reportingPeriod } from './measure-status.ts'
export {
  derive,
  formulaGraphOf,
  latestViews,
  pendingVariations,
  presentValues,
  valueEntries,
} from './measure-store.ts'

export const feature = {
  name: 'measures',
  navigation: [{ href: '/measures', text: 'Measures', position: 90 }],
  services: {
    measures: ({ db, clock }: ServiceContext) => createMeasureService({ db, clock }),
  },
  register: {
    position: 20,
    run: ({ links, measures }: { links: LinkRegistry; measures: MeasureService }) =>
      links.register(measureLinkKind(measures)),
  },
  routes: [measureRoutes],
  api: [measureApi],
  tables: [
    'measure_spc_settings',
    'measure_benchmarks',
    'measure_values',
    'measure_targets',
    'measures',
  ],
  historyItems: {
    measure: async (services: Services, principal: Principal, id: string): Promise<HistoryItem> => {
      const measure = await services.measures.get(principal, id)
      return { title: `${measure.code} ${measure.title}`, href: `/measures/${id}` }
    },
  },
}
