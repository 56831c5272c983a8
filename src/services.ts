import type { Config } from './config.ts'
import type { Database } from './db/database.ts'
import { createAuditService } from './features/audit/audit-service.ts'
import { createAuthService } from './features/auth/auth-service.ts'
import { createOidcClient } from './features/auth/oidc-client.ts'
import { createCommitteeService } from './features/committees/committee-service.ts'
import { createExchangeService } from './features/exchange/exchange-service.ts'
import { createMappedImportService } from './features/exchange/exchange-mapped-service.ts'
import { createFrameworkService } from './features/framework/framework-service.ts'
import { createLinkRegistry } from './features/links/link-registry.ts'
import { createValueService } from './features/measure-values/value-service.ts'
import { measureLinkKind } from './features/measures/measure-link-kinds.ts'
import { createMeasureService } from './features/measures/measure-service.ts'
import { organisationLinkKinds } from './features/organisation/organisation-link-kinds.ts'
import { createOrganisationService } from './features/organisation/organisation-service.ts'
import { createPartnershipService } from './features/partnerships/partnership-service.ts'
import { createGatewayService } from './features/project-gateways/gateway-service.ts'
import { createUpdateService } from './features/project-updates/update-service.ts'
import { projectLinkKinds } from './features/projects/project-link-kinds.ts'
import { createProjectService } from './features/projects/project-service.ts'
import { createPublicService } from './features/public/public-service.ts'
import { riskLinkKind } from './features/risks/risk-link-kinds.ts'
import { createRiskService } from './features/risks/risk-service.ts'
import { createSpcService } from './features/spc/spc-service.ts'
import { createBenchmarkService } from './features/benchmarking/benchmark-service.ts'
import { benchmarkPanelSource } from './features/benchmarking/benchmark-panel.ts'
import { createBudgetService } from './features/budgets/budget-service.ts'
import { savingLinkKind } from './features/savings/savings-link-kinds.ts'
import { createSavingsService } from './features/savings/savings-service.ts'
import {
  savingsDelivered,
  savingsDeliveredPounds,
  savingsPanelSource,
} from './features/savings/savings-dashboard.ts'
import { createDashboardService } from './features/dashboards/dashboard-service.ts'
import {
  BUILT_IN_COMPUTATIONS,
  createComputationRegistry,
} from './features/organisational-measures/computations.ts'
import { createOrgMeasureService } from './features/organisational-measures/org-measure-service.ts'
import { renderReport } from './features/reports/render/index.ts'
import { createReportService } from './features/reports/report-service.ts'
import { smtpMailer } from './features/notifications/notification-mailer.ts'
import { createNotificationService } from './features/notifications/notification-service.ts'
import { createQueryService } from './features/queries/query-service.ts'
import { createTaskService } from './features/tasks/task-service.ts'
import { createHomeService } from './features/home/home-service.ts'
import { APPRAISAL_MEASURES } from './features/appraisals/appraisal-computations.ts'
import { createAppraisalService } from './features/appraisals/appraisal-service.ts'

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
