// Builders: from the data for a period to one ReportDocument per report kind. Pure: the same
// data always gives the same document, which is what lets a published report be compared with
// today's data.
import type { Rag } from '../../../core/status.ts'
import { formatDate, formatPercent } from '../../../core/format.ts'
import { periodInShortWords, periodInWords } from '../../../core/periods.ts'
import { formatValue } from '../../measures/index.ts'
import {
  assuranceBadge,
  directionBadge,
  projectBadge,
  ragBadge,
  riskBadge,
  variationBadge,
} from './report-badges.ts'
import type { MeasureLine, ProjectLine, ReportData, Theme } from './report-data.ts'
import type { Block, ReportDocument, TableCell } from '../report-document.ts'
import { reportedConfidence, reportedText } from '../../project-updates/index.ts'
import { benchmarkBlocks } from './benchmark-section.ts'
import { financialSummaryBlocks } from './financial-summary.ts'
import { spcChartBlock } from './spc-charts.ts'
import {
  measuresSentence,
  overallSentence,
  projectsSentence,
  risksSentence,
  type NamedStatus,
} from './report-narrative.ts'

/** What every document carries besides its data. */
export interface DocumentHeader {
  readonly title: string
  readonly subtitle?: string
  readonly meta: readonly { readonly label: string; readonly value: string }[]
}

/** A group of items a section is about: a focus area, a portfolio, a directorate. */
export interface ItemGroup {
  readonly id: string
  readonly title: string
  readonly measureIds: ReadonlySet<string>
  readonly projectIds: ReadonlySet<string>
  readonly riskIds: ReadonlySet<string>
}

const h = (level: 1 | 2 | 3, text: string): Block => ({ type: 'heading', level, text })
const p = (text: string, editableKey?: string): Block => ({
  type: 'paragraph',
  content: [text],
  ...(editableKey && { editableKey }),
})

const nameOf = (m: MeasureLine) => `${m.code} ${m.title}`
const ragOf = (m: MeasureLine): Rag => m.value?.rag ?? 'no_data'
const named = (lines: readonly MeasureLine[]): NamedStatus[] =>
  lines.map((m) => ({ name: nameOf(m), rag: ragOf(m) }))
const corporate = (lines: readonly MeasureLine[]) => lines.filter((m) => m.kind === 'strategic')
const corporateRisks = (risks: ReportData['risks']) =>
  risks.filter((r) => r.registerLevel === 'corporate')
const isException = (m: MeasureLine) =>
  ragOf(m) === 'red' || ragOf(m) === 'amber' || m.variation === 'special_cause_concern'

/** The figure a measure shows (core/measure-figure), saying when it is a year to date. */
function figureText(m: MeasureLine, view: MeasureLine['value'], which: 'value' | 'target') {
  const n = which === 'value' ? view?.displayed.value : view?.target
  const text = formatValue(n, { unit: m.unit, decimals: m.decimals })
  return view?.displayed.basis === 'year_to_date' && n !== null && n !== undefined
    ? `${text} year to date`
    : text
}

function measureRow(m: MeasureLine, options: { lastYear?: boolean } = {}): TableCell[] {
  return [
    nameOf(m),
    m.value ? periodInShortWords(m.value.period) : '—',
    figureText(m, m.value, 'value'),
    figureText(m, m.value, 'target'),
    ragBadge(ragOf(m)),
    options.lastYear
      ? figureText(m, m.lastYear, 'value')
      : directionBadge(m.value?.direction ?? null),
    options.lastYear
      ? directionBadge(m.value?.directionYearOnYear ?? null)
      : variationBadge(m.variation, m.improvement),
    assuranceBadge(m.assurance, m.value?.target !== null && m.value?.target !== undefined),
  ]
}

export function measuresTable(
  caption: string,
  lines: readonly MeasureLine[],
  options: { lastYear?: boolean } = {},
): Block {
  return {
    type: 'table',
    caption,
    columns: [
      { label: 'Measure', width: 4 },
      { label: 'Period', width: 1.4 },
      { label: 'Value', align: 'right', width: 1.2 },
      { label: 'Target', align: 'right', width: 1.2 },
      { label: 'Status', width: 1.4 },
      ...(options.lastYear
        ? [
            { label: 'Last year', align: 'right' as const, width: 1.2 },
            { label: 'Year on year', width: 1.6 },
          ]
        : [
            { label: 'Direction', width: 1.6 },
            { label: 'Variation (SPC)', width: 2.2 },
          ]),
      { label: 'Assurance (SPC)', width: 2.2 },
    ],
    rows: lines.map((m) => measureRow(m, options)),
  }
}

const percentText = (green: number, judged: number) =>
  judged === 0 ? '—' : formatPercent(Math.round((green * 100) / judged))

/**
 * Per cent on track by theme: green among green, amber and red. Measures under none of the
 * themes have a row of their own, so that the total counts every measure the summary sentence
 * does; a measure under two themes is in both rows and once in the total.
 */
export function themeSummaryTable(
  caption: string,
  groups: readonly { title: string; lines: readonly MeasureLine[] }[],
  lines: readonly MeasureLine[],
): Block {
  const row = (title: string, lines: readonly MeasureLine[]): TableCell[] => {
    const n = (rag: Rag) => lines.filter((m) => ragOf(m) === rag).length
    const judged = n('green') + n('amber') + n('red')
    return [
      title,
      String(lines.length),
      String(n('green')),
      String(n('amber')),
      String(n('red')),
      String(lines.length - judged),
      percentText(n('green'), judged),
    ]
  }
  const grouped = new Set(groups.flatMap((g) => g.lines.map((m) => m.id)))
  const rest = lines.filter((m) => !grouped.has(m.id))
  const rows = [
    ...groups.map((g) => row(g.title, g.lines)),
    ...(rest.length > 0 ? [row('Not linked to a theme', rest)] : []),
  ]
  return {
    type: 'table',
    caption,
    columns: [
      { label: 'Theme', width: 4 },
      { label: 'Measures', align: 'right' },
      { label: 'Green', align: 'right' },
      { label: 'Amber', align: 'right' },
      { label: 'Red', align: 'right' },
      { label: 'No result', align: 'right' },
      { label: 'On track', align: 'right' },
    ],
    rows: [...rows, row('All corporate measures', lines)],
    totalRows: [rows.length],
  }
}

export function exceptionsBlocks(
  lines: readonly MeasureLine[],
  key = 'exceptions',
  options: { charts?: boolean } = {},
): Block[] {
  const exceptions = lines.filter(isException)
  if (exceptions.length === 0) {
    return [p('No corporate measure is red or amber, or shows a special cause of concern.', key)]
  }
  return [
    p(
      `${String(exceptions.length)} corporate ${exceptions.length === 1 ? 'measure needs' : 'measures need'} attention: red or amber against target, or a special cause of concern in its SPC chart. The officer’s commentary for each follows.`,
      key,
    ),
    {
      type: 'table',
      caption: 'Exceptions: corporate measures red, amber or of concern',
      columns: [
        { label: 'Measure', width: 3 },
        { label: 'Value', align: 'right', width: 1.2 },
        { label: 'Target', align: 'right', width: 1.2 },
        { label: 'Status', width: 1.4 },
        { label: 'Variation (SPC)', width: 2 },
        { label: 'Commentary', width: 5 },
      ],
      rows: exceptions.map((m) => {
        return [
          nameOf(m),
          figureText(m, m.value, 'value'),
          figureText(m, m.value, 'target'),
          ragBadge(ragOf(m)),
          variationBadge(m.variation, m.improvement),
          m.value?.commentary?.trim() || 'No commentary given.',
        ]
      }),
    },
    ...(options.charts ? exceptionCharts(exceptions) : []),
  ]
}

/**
 * The SPC chart, under its own heading as on the measure's page, of each exception whose latest
 * point is a special cause of concern (the exceptions page's rule); red or amber on noise alone
 * is in the table. Charting every exception put the large council's Word report at 30 s.
 */
function exceptionCharts(exceptions: readonly MeasureLine[]): Block[] {
  return exceptions
    .filter((m) => m.variation === 'special_cause_concern')
    .flatMap((m) => {
      const chart = spcChartBlock(m)
      return chart ? [h(2, `${nameOf(m)}: SPC chart`), chart] : []
    })
}

/** Corporate measures grouped by theme, each with its summary sentence; unlinked ones last. */
export function themeSections(
  themes: readonly Theme[],
  lines: readonly MeasureLine[],
  options: { lastYear?: boolean; level?: 2 | 3 } = {},
): Block[] {
  const blocks: Block[] = []
  const level = options.level ?? 2
  for (const theme of themes) {
    const own = lines.filter((m) => m.themeIds.includes(theme.id))
    if (own.length === 0) continue
    blocks.push(
      h(level, theme.title),
      p(measuresSentence('', named(own)), `theme-${theme.id}`),
      measuresTable(`Corporate measures: ${theme.title}`, own, options),
    )
  }
  const unlinked = lines.filter((m) => m.themeIds.length === 0)
  if (unlinked.length > 0) {
    blocks.push(
      h(level, 'Measures not linked to a theme'),
      p(measuresSentence('', named(unlinked)), 'theme-unlinked'),
      measuresTable('Corporate measures not linked to a theme', unlinked, options),
    )
  }
  return blocks
}

export function projectsBlocks(projects: readonly ProjectLine[], key = 'projects'): Block[] {
  return [
    h(1, 'Programmes and projects'),
    p(projectsSentence(projects.map((l) => ({ text: l.project.statusText }))), key),
    ...(projects.length === 0
      ? []
      : [
          {
            type: 'table' as const,
            caption: 'Programmes and projects: status and latest highlights',
            columns: [
              { label: 'Programme or project', width: 3 },
              { label: 'Lead', width: 2 },
              { label: 'Status', width: 1.4 },
              { label: 'Confidence', width: 1.2 },
              { label: 'Highlights', width: 6 },
            ],
            rows: projects.map((l): TableCell[] => [
              `${l.project.code ? `${l.project.code} ` : ''}${l.project.title}`,
              l.leadUnit ?? '—',
              projectBadge(l.project.status),
              reportedConfidence(l.updates),
              reportedText(l.updates),
            ]),
          },
        ]),
  ]
}

export function risksBlocks(
  risks: ReportData['risks'],
  key = 'risks',
  heading = 'Corporate risks',
): Block[] {
  return [
    h(1, heading),
    p(
      risksSentence(
        risks.map((r) => ({ name: `${r.reference} ${r.title}`, aboveAppetite: r.aboveAppetite })),
      ),
      key,
    ),
    ...(risks.length === 0
      ? []
      : [
          {
            type: 'table' as const,
            caption: `${heading}: open risks, highest current score first`,
            columns: [
              { label: 'Risk', width: 4 },
              { label: 'Owner', width: 2 },
              { label: 'Current score', width: 1.6 },
              { label: 'Target score', width: 1.6 },
              { label: 'Above appetite', width: 1.2 },
              { label: 'Next review', width: 1.4 },
            ],
            rows: risks.map((r): TableCell[] => [
              `${r.reference} ${r.title}`,
              r.owner ?? '—',
              riskBadge(r.current),
              riskBadge(r.target),
              r.aboveAppetite ? 'Yes' : 'No',
              r.nextReviewDate ? formatDate(r.nextReviewDate) : '—',
            ]),
          },
        ]),
  ]
}

export function healthAndSafetyBlocks(lines: readonly MeasureLine[]): Block[] {
  const hs = lines.filter((m) => m.healthAndSafety)
  return [
    h(1, 'Health and safety'),
    hs.length === 0
      ? p(
          'No measure is linked to a health and safety priority in the golden thread. Link health and safety measures to a plan node whose title includes “health and safety” to report them here.',
        )
      : p(measuresSentence('health and safety', named(hs)), 'health-and-safety'),
    ...(hs.length === 0 ? [] : [measuresTable('Health and safety measures', hs)]),
  ]
}

const periodNote = (data: ReportData): Block => ({
  type: 'paragraph',
  content: [
    `Values are the latest approved for each measure by the end of ${periodInWords(data.period)}.`,
    {
      type: 'footnote',
      text: 'Status compares the value with its target: green on target, amber within tolerance, red outside it. Variation and assurance come from a statistical process control (XmR) chart over every approved value of the measure.',
    },
  ],
})

function document(data: ReportData, header: DocumentHeader, blocks: Block[]): ReportDocument {
  return {
    title: header.title,
    ...(header.subtitle && { subtitle: header.subtitle }),
    organisation: data.organisationName,
    meta: header.meta,
    blocks,
  }
}

const themeGroups = (themes: readonly Theme[], lines: readonly MeasureLine[]) =>
  themes
    .map((t) => ({ title: t.title, lines: lines.filter((m) => m.themeIds.includes(t.id)) }))
    .filter((g) => g.lines.length > 0)

/** The quarterly performance report to Cabinet. */
export function buildQuarterlyPerformance(data: ReportData, header: DocumentHeader) {
  const lines = corporate(data.measures)
  return document(data, header, [
    h(1, 'Summary'),
    p(overallSentence(named(lines)), 'summary'),
    periodNote(data),
    themeSummaryTable(
      `Corporate measures on track by theme, ${periodInWords(data.period)}`,
      themeGroups(data.themes, lines),
      lines,
    ),
    h(1, 'Exceptions'),
    ...exceptionsBlocks(lines, 'exceptions', { charts: true }),
    h(1, 'Corporate measures by theme'),
    ...themeSections(data.themes, lines),
    ...projectsBlocks(data.projects),
    ...financialSummaryBlocks(data.finance),
    ...risksBlocks(corporateRisks(data.risks)),
    ...healthAndSafetyBlocks(data.measures),
    ...benchmarkBlocks(data.benchmarks ?? null),
  ])
}

/** Narrows the data to one group (a portfolio, directorate or priority). */
export function scoped(data: ReportData, group: ItemGroup): ReportData {
  return {
    ...data,
    measures: data.measures.filter((m) => group.measureIds.has(m.id)),
    projects: data.projects.filter((l) => group.projectIds.has(l.project.id)),
    risks: data.risks.filter((r) => group.riskIds.has(r.id)),
    benchmarks: data.benchmarks?.filter((b) => group.measureIds.has(b.measure.id)) ?? null,
  }
}

/** The quarterly report to Overview and Scrutiny, for the council or one portfolio. */
export function buildScrutiny(
  data: ReportData,
  header: DocumentHeader,
  portfolio: ItemGroup | null,
) {
  const shown = portfolio ? scoped(data, portfolio) : data
  // A theme reports under itself; any other node (the API takes one) under every theme its
  // measures are under, or they would be left out of the sections and the table by theme.
  const own = portfolio ? data.themes.filter((t) => t.id === portfolio.id) : []
  const themes = own.length > 0 ? own : data.themes
  const lines = corporate(shown.measures)
  return document(data, header, [
    h(1, 'Summary'),
    p(
      portfolio ? measuresSentence(portfolio.title, named(lines)) : overallSentence(named(lines)),
      'summary',
    ),
    periodNote(data),
    themeSummaryTable(
      `Corporate measures on track, ${periodInWords(data.period)}`,
      themeGroups(themes, lines),
      lines,
    ),
    h(1, 'Exceptions'),
    ...exceptionsBlocks(lines, 'exceptions', { charts: true }),
    h(1, 'Corporate measures'),
    ...themeSections(themes, lines),
    ...projectsBlocks(shown.projects),
    ...risksBlocks(portfolio ? shown.risks : corporateRisks(shown.risks)),
    ...benchmarkBlocks(shown.benchmarks ?? null),
  ])
}

/** The bi-monthly Executive report: focus areas first, then the standard measures. */
export function buildExecutive(
  data: ReportData,
  header: DocumentHeader,
  focus: readonly ItemGroup[],
) {
  const lines = corporate(data.measures)
  const blocks: Block[] = [
    h(1, 'Summary'),
    p(overallSentence(named(lines)), 'summary'),
    periodNote(data),
  ]
  blocks.push(h(1, 'Focus areas'))
  if (focus.length === 0) {
    blocks.push(p('The management team chose no focus areas for this report.'))
  }
  for (const area of focus) {
    const own = scoped(data, area)
    blocks.push(
      h(2, area.title),
      p(measuresSentence('', named(own.measures)), `focus-${area.id}`),
      measuresTable(`Focus area measures: ${area.title}`, own.measures),
    )
    if (own.projects.length > 0) {
      blocks.push({
        type: 'table',
        caption: `Focus area programmes and projects: ${area.title}`,
        columns: [
          { label: 'Programme or project', width: 3 },
          { label: 'Status', width: 1.4 },
          { label: 'Highlights', width: 6 },
        ],
        rows: own.projects.map((l) => [
          l.project.title,
          projectBadge(l.project.status),
          reportedText(l.updates),
        ]),
      })
    }
  }
  blocks.push(h(1, 'Standard organisational measures'), ...themeSections(data.themes, lines))
  return document(data, header, blocks)
}

/** A report card for a directorate or a priority board. */
export function buildReportCard(data: ReportData, header: DocumentHeader, group: ItemGroup) {
  const shown = scoped(data, group)
  return document(data, header, [
    h(1, 'Summary'),
    p(measuresSentence(group.title, named(shown.measures)), 'summary'),
    periodNote(data),
    h(1, 'Measures'),
    measuresTable(`Measures: ${group.title}`, shown.measures),
    h(1, 'Exceptions'),
    ...exceptionsBlocks(shown.measures),
    ...projectsBlocks(shown.projects),
    ...risksBlocks(shown.risks, 'risks', 'Risks'),
  ])
}

/** The year-end report: each corporate measure's outturn against last year's. */
export function buildYearEnd(data: ReportData, header: DocumentHeader) {
  const lines = corporate(data.measures)
  const completed = data.projects.filter((l) => l.project.status === 'completed')
  return document(data, header, [
    h(1, 'Summary'),
    p(overallSentence(named(lines)), 'summary'),
    periodNote(data),
    themeSummaryTable(
      `Corporate measures on track by theme, ${periodInWords(data.period)}`,
      themeGroups(data.themes, lines),
      lines,
    ),
    h(1, 'Corporate measures by theme'),
    ...themeSections(data.themes, lines, { lastYear: true }),
    ...projectsBlocks(data.projects),
    ...(completed.length > 0
      ? [
          h(2, 'Completed programmes and projects'),
          {
            type: 'list' as const,
            items: completed.map((l) => [l.project.title]),
          },
        ]
      : []),
    ...financialSummaryBlocks(data.finance),
    ...risksBlocks(corporateRisks(data.risks)),
  ])
}
