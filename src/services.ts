import type { Config } from './config.ts'
import type { Database } from './db/database.ts'
import { createAuditService } from './features/audit/index.ts'
import { createAuthService, createOidcClient } from './features/auth/index.ts'
import { createCommitteeService } from './features/committees/index.ts'
import {
  createExchangeService,
  createImportRunService,
  createMappedImportService,
} from './features/exchange/index.ts'
import { createFrameworkService } from './features/framework/index.ts'
import { createLinkRegistry } from './features/links/index.ts'
import { createValueService } from './features/measure-values/index.ts'
import { measureLinkKind, createMeasureService } from './features/measures/index.ts'
import { organisationLinkKinds, createOrganisationService } from './features/organisation/index.ts'
import { createPartnershipService } from './features/partnerships/index.ts'
import { createGatewayService } from './features/project-gateways/index.ts'
import { createUpdateService } from './features/project-updates/index.ts'
import { projectLinkKinds, createProjectService } from './features/projects/index.ts'
import { createPublicService } from './features/public/index.ts'
import { riskLinkKind, createRiskService } from './features/risks/index.ts'
import { createSpcService } from './features/spc/index.ts'
import { createBenchmarkService, benchmarkPanelSource } from './features/benchmarking/index.ts'
import { createBudgetService, savingsPanelSource } from './features/budgets/index.ts'
import {
  savingLinkKind,
  createSavingsService,
  savingsDelivered,
  savingsDeliveredPounds,
} from './features/savings/index.ts'
import { createDashboardService } from './features/dashboards/index.ts'
import {
  BUILT_IN_COMPUTATIONS,
  createComputationRegistry,
  createOrgMeasureService,
} from './features/organisational-measures/index.ts'
import { renderReport, createReportService } from './features/reports/index.ts'
import { smtpMailer, createNotificationService } from './features/notifications/index.ts'
import { createQueryService } from './features/queries/index.ts'
import { createTaskService } from './features/tasks/index.ts'
import { createHomeService } from './features/home/index.ts'
import { APPRAISAL_MEASURES, createAppraisalService } from './features/appraisals/index.ts'

export interface ServiceDeps {
  readonly config: Config
  readonly database: Database
  readonly clock: () => Date
}

/** Every service, built from explicit dependencies; routes, the API and the CLI share them. */
export function createServices({ config, database, clock }: ServiceDeps) {
  const db = database.db
  const organisation = createOrganisationService({ db, clock })
  // Kinds of item the golden thread links to nodes; each feature registers its own here.
  const projects = createProjectService({ db, clock, organisation })
  const links = createLinkRegistry()
  const measures = createMeasureService({ db, clock })
  links.register(
    ...organisationLinkKinds(organisation),
    measureLinkKind(measures),
    ...projectLinkKinds(projects),
  )
  const risks = createRiskService({ db, clock, links })
  links.register(riskLinkKind(risks))
  const savings = createSavingsService({ db, clock })
  links.register(savingLinkKind(savings))
  // Organisational measures computed from the council's data; savings adds its own.
  const computations = createComputationRegistry()
  computations.register(...BUILT_IN_COMPUTATIONS)
  computations.register(savingsDelivered, savingsDeliveredPounds)
  computations.register(...APPRAISAL_MEASURES)
  const framework = createFrameworkService({ db, clock, links })
  const appraisals = createAppraisalService({ db, clock, organisation, framework, computations })
  const budgets = createBudgetService({ db, clock, savings })
  const benchmarking = createBenchmarkService({ db, clock, measures })
  const reports = createReportService({
    db,
    read: database.read,
    clock,
    render: renderReport,
    // Reports are built as the whole organisation (builderPrincipal), who reads every budget.
    finance: { summary: (principal, period) => budgets.financialSummary(principal, period) },
    benchmarks: { summary: (principal, upTo) => benchmarking.summary(principal, upTo) },
  })
  const dashboards = createDashboardService({ db, clock, measures, projects, risks })
  dashboards.registerPanelSource(savingsPanelSource(savings, budgets, clock))
  dashboards.registerPanelSource(benchmarkPanelSource(benchmarking))
  const notifications = createNotificationService({
    db,
    clock,
    config,
    mailer: config.mail ? smtpMailer(config.mail) : null,
    projects,
    extraReminders: [(organisationId, today) => appraisals.reminders(organisationId, today)],
  })
  const values = createValueService({ db, clock, measures, notify: notifications.workflow })
  const projectUpdates = createUpdateService({
    db,
    clock,
    projects,
    linkedRisks: (principal, ids) => risks.openRisksLinkedTo(principal, 'project', ids),
    notify: notifications.workflow,
  })
  const queries = createQueryService({ db, clock, measures, projects })
  const tasks = createTaskService({
    db,
    clock,
    values,
    projectUpdates,
    queries,
    appraisals,
    notify: notifications.workflow,
  })
  const exchange = createExchangeService({
    db,
    clock,
    computations,
    measures,
    values,
    projects,
    projectUpdates,
    risks,
    savings,
  })
  const home = createHomeService({ tasks, dashboards, projects, queries })
  return {
    auth: createAuthService({ db, config, clock }),
    oidc: config.oidc ? createOidcClient(config.oidc) : null,
    organisation,
    audit: createAuditService({ db }),
    framework,
    appraisals,
    measures,
    values,
    exchange,
    mappedImports: createMappedImportService({ db, clock, exchange }),
    importRuns: createImportRunService({
      db,
      clock,
      exchange,
      onError: (error) => console.error('An import failed unexpectedly', error),
    }),
    spc: createSpcService({ db, clock, measures }),
    projects,
    projectUpdates,
    projectGateways: createGatewayService({ db, clock, projects }),
    risks,
    publicDashboard: createPublicService({ db, read: database.read, clock }),
    savings,
    budgets,
    benchmarking,
    organisationalMeasures: createOrgMeasureService({ db, clock, computations }),
    dashboards,
    reports,
    partnerships: createPartnershipService({
      db,
      clock,
      measures,
      values,
      projects,
      projectUpdates,
      risks,
      render: renderReport,
    }),
    committees: createCommitteeService({ db, clock, reports }),
    notifications,
    queries,
    tasks,
    home,
  }
}

export type Services = ReturnType<typeof createServices>
