// The reports feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

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

export const feature: Feature = {
  name: 'reports',
  navigation: [
    {
      href: '/reports',
      text: 'Reports',
      position: 180,
      visible: (p) => p.roles.some((g) => g.role !== 'partner'),
    },
  ],
}
