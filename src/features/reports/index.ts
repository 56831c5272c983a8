// The reports feature's public face: everything other parts of the application use of it.
import type { HistoryItem, ServiceContext } from '../../web/feature.ts'
import type { Services } from '../../services.ts'
import type { Principal } from '../../core/principal.ts'
import type { ReportDeps } from './report-service.ts'
import { renderReport } from './render/index.ts'
import { reportApi } from './report-api.ts'
import { reportRoutes } from './report-routes.ts'
import { createReportService } from './report-service.ts'

export { directionBadge, projectBadge, ragBadge, riskBadge } from './builders/report-badges.ts'
export { renderReport, reportHtmlDocument } from './render/index.ts'
export { cellRuns } from './render/render-helpers.ts'
export { reportApi } from './report-api.ts'
export { reportCommand } from './report-cli.ts'
export { inlineText } from './report-document.ts'
export type {
  Badge,
  Block,
  Chart,
  Inline,
  RenderedReport,
  ReportDocument,
  ReportFormat,
  Table,
  TableCell,
  TextRun,
} from './report-document.ts'
export { KINDS, REPORT_KINDS, isReportKind } from './report-kinds.ts'
export type { ReportKind } from './report-kinds.ts'
export { canManageReports, canViewCalendar } from './report-policy.ts'
export { reportRoutes } from './report-routes.ts'
export { createReportService } from './report-service.ts'
export type { ReportService } from './report-service.ts'

export const feature = {
  name: 'reports',
  navigation: [
    {
      href: '/reports',
      text: 'Reports',
      position: 180,
      visible: (p: Principal) => p.roles.some((g) => g.role !== 'partner'),
    },
  ],
  services: {
    reports: ({
      db,
      database,
      clock,
      budgets,
      benchmarking,
    }: ServiceContext & {
      budgets: { financialSummary: NonNullable<ReportDeps['finance']>['summary'] }
      benchmarking: { summary: NonNullable<ReportDeps['benchmarks']>['summary'] }
    }) =>
      createReportService({
        db,
        read: database.read,
        clock,
        render: renderReport,
        // Reports are built as the whole organisation (builderPrincipal), who reads every budget.
        finance: { summary: (principal, period) => budgets.financialSummary(principal, period) },
        benchmarks: { summary: (principal, upTo) => benchmarking.summary(principal, upTo) },
      }),
  },
  routes: [reportRoutes],
  api: [reportApi],
  tables: ['report_files', 'reports'],
  historyItems: {
    report: async (services: Services, principal: Principal, id: string): Promise<HistoryItem> => {
      const report = await services.reports.get(principal, id)
      return { title: report.title, href: `/reports/${id}` }
    },
  },
}
