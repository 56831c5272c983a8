import type { Frequency } from '../../core/periods.ts'

export const REPORT_KINDS = [
  'quarterly-performance',
  'scrutiny',
  'executive',
  'highlight',
  'report-card',
  'year-end',
] as const
export type ReportKind = (typeof REPORT_KINDS)[number]

/** What a report is about beyond its period: a programme, a directorate or a theme. */
export type ScopeType = 'none' | 'programme' | 'unit_or_node' | 'theme'

export interface KindInfo {
  readonly name: string
  /** The title's lead words, e.g. "Quarterly performance report". */
  readonly title: string
  readonly frequency: Frequency
  readonly scope: ScopeType
  readonly scopeRequired: boolean
  readonly description: string
}

export const KINDS: Readonly<Record<ReportKind, KindInfo>> = {
  'quarterly-performance': {
    name: 'Quarterly performance report (Cabinet)',
    title: 'Quarterly performance report',
    frequency: 'quarterly',
    scope: 'none',
    scopeRequired: false,
    description:
      'Per cent on track by theme, exceptions with commentary, every corporate measure, programmes and projects, the financial summary, corporate risks and health and safety.',
  },
  scrutiny: {
    name: 'Quarterly Overview and Scrutiny report',
    title: 'Overview and Scrutiny performance report',
    frequency: 'quarterly',
    scope: 'theme',
    scopeRequired: false,
    description:
      'The quarter’s corporate measures, exceptions, programmes and risks, for the whole council or one portfolio (theme).',
  },
  executive: {
    name: 'Bi-monthly Executive report',
    title: 'Executive performance report',
    frequency: 'bimonthly',
    scope: 'none',
    scopeRequired: false,
    description:
      'The focus areas the management team chose, then the standard organisational measures.',
  },
  highlight: {
    name: 'Monthly highlight report (programme)',
    title: 'Highlight report',
    frequency: 'monthly',
    scope: 'programme',
    scopeRequired: true,
    description:
      'A programme’s quarterly milestone strips, actions with highlights, next steps, who and confidence, and its risks with mitigating actions.',
  },
  'report-card': {
    name: 'Report card (directorate or priority board)',
    title: 'Report card',
    frequency: 'quarterly',
    scope: 'unit_or_node',
    scopeRequired: true,
    description:
      'One directorate’s or priority’s measures, programmes and projects, and risks on a page or two.',
  },
  'year-end': {
    name: 'Year-end performance report',
    title: 'Year-end performance report',
    frequency: 'annual',
    scope: 'none',
    scopeRequired: false,
    description:
      'The financial year’s outturn for every corporate measure by theme, against last year, with programmes and risks.',
  },
}

export function isReportKind(value: string): value is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(value)
}
