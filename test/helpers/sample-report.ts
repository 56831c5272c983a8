// Report documents for tests and benchmarks: a realistic quarterly Cabinet paper with several
// sections, a table of measures with status badges, SPC charts, footnotes and a page break.
import { improvementForPolarity, xmr } from '../../src/core/spc.ts'
import { RAG_SYMBOLS } from '../../src/features/measures/index.ts'
import { STATUS_NAMES } from '../../src/features/projects/index.ts'
import type {
  Badge,
  Block,
  Chart,
  Inline,
  ReportDocument,
  Table,
  TableCell,
  TextRun,
} from '../../src/features/reports/index.ts'
import { describeSpcChart, renderSpcChart } from '../../src/web/charts/spc-chart.ts'

export interface SampleSize {
  readonly measures: number
  readonly charts: number
  readonly projects: number
  readonly risks: number
}

/** The size the tests use: 40 measures, two charts, a few projects and risks. */
export const SAMPLE_SIZE: SampleSize = { measures: 40, charts: 2, projects: 8, risks: 6 }

/** A quarterly Cabinet report of a large council (the issue's benchmark). */
export const CABINET_SIZE: SampleSize = { measures: 200, charts: 20, projects: 50, risks: 30 }

const THEMES = [
  'Strong Performance',
  'Thriving Economy',
  'Healthy Communities',
  'Safe and Clean Neighbourhoods',
  'Children and Young People',
]

const TOPICS = [
  'Council tax collected',
  'Business rates collected',
  'Invoices paid within 30 days',
  'Calls answered within 60 seconds',
  'Complaints answered on time',
  'Working days lost to sickness per FTE',
  'Household waste recycled',
  'Fly-tipping cleared within 2 working days',
  'Potholes repaired within 28 days',
  'Planning applications decided on time',
  'Homeless households in temporary accommodation',
  'Adults supported to live at home',
  'Delayed transfers of care',
  'Children looked after per 10,000',
  'Education, health and care plans issued within 20 weeks',
  'Freedom of information requests answered within 20 days',
  'New homes completed',
  'Affordable homes delivered',
  'Visits to libraries and leisure centres',
  'Apprenticeships started',
]

const RAGS = ['green', 'green', 'green', 'amber', 'red', 'green', 'amber', 'no_data'] as const
const RAG_LABELS: Record<(typeof RAGS)[number], string> = {
  green: 'Green',
  amber: 'Amber',
  red: 'Red',
  no_data: 'No data',
}
const DIRECTIONS = [
  { value: 'improving', label: 'Improving', symbol: '▲' },
  { value: 'same', label: 'No change', symbol: '●' },
  { value: 'worsening', label: 'Worsening', symbol: '▼' },
] as const
const PROJECT_STATUSES = ['on_track', 'on_track', 'at_risk', 'off_track', 'completed'] as const

function badge(kind: Badge['kind'], value: string, label: string, symbol: string): Badge {
  return { type: 'badge', kind, value, label, symbol }
}

function num(text: string, value: number): TextRun {
  return { type: 'text', text, number: value }
}

function pounds(value: number): string {
  return `£${value.toLocaleString('en-GB')}`
}

/** A deterministic generator, so documents are the same on every run. */
function randomFrom(seed: number): () => number {
  let state = seed
  return () => (state = (state * 16807) % 2147483647) / 2147483647
}

function measureRows(count: number, random: () => number): TableCell[][] {
  const rows: TableCell[][] = []
  for (let i = 0; i < count; i++) {
    const topic = TOPICS[i % TOPICS.length] ?? 'Measure'
    const rag = RAGS[i % RAGS.length] ?? 'green'
    const direction = DIRECTIONS[i % DIRECTIONS.length] ?? DIRECTIONS[0]
    const target = 80 + (i % 15)
    const value = Math.round((target - 8 + random() * 14) * 10) / 10
    const title: TableCell =
      i === 3
        ? [topic, { type: 'footnote', text: 'Figures for March are provisional.' }]
        : i === 7
          ? `${topic} (part of the council's "Fair Deal" pledge)`
          : topic
    const theme = THEMES[i % THEMES.length] ?? ''
    rows.push([
      `${theme.slice(0, 2).toUpperCase()}${String(i + 1).padStart(3, '0')}`,
      title,
      theme,
      rag === 'no_data' ? '—' : num(`${value.toFixed(1)}%`, value),
      num(`${target.toFixed(1)}%`, target),
      badge('rag', rag, RAG_LABELS[rag], RAG_SYMBOLS[rag]),
      badge('direction', direction.value, direction.label, direction.symbol),
    ])
  }
  // Grouped by theme, as the report lists them.
  return THEMES.flatMap((theme) => rows.filter((row) => row[2] === theme))
}

function measuresTable(rows: TableCell[][]): Table {
  return {
    type: 'table',
    caption: 'Corporate measures by theme, 2025/26 Q4',
    columns: [
      { label: 'Code', width: 0.9 },
      { label: 'Measure', width: 3.3 },
      { label: 'Theme', width: 2.3 },
      { label: 'Value', align: 'right', width: 1 },
      { label: 'Target', align: 'right', width: 1 },
      { label: 'Status', width: 1.4 },
      { label: 'Direction', width: 1.8 },
    ],
    rows,
  }
}

function spcChart(index: number, random: () => number): Chart {
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ]
  // Eighteen months, April 2024 to September 2025.
  const labels = Array.from({ length: 18 }, (_, i) => {
    const month = i + 3
    return `${months[month % 12] ?? ''} ${2024 + Math.floor(month / 12)}`
  })
  const values = labels.map((_, i) => Math.round((70 + random() * 12 + (i > 12 ? 6 : 0)) * 10) / 10)
  const topic = TOPICS[index % TOPICS.length] ?? 'Measure'
  const result = xmr(values, {
    improvement: improvementForPolarity('higher_is_better'),
    target: 80,
  })
  const input = {
    title: topic,
    result,
    labels,
    target: 80,
    unit: 'percent' as const,
    decimals: 1,
    frequency: 'monthly' as const,
    id: `chart-${index}`,
  }
  return {
    type: 'chart',
    svg: renderSpcChart(input),
    alt: describeSpcChart(input),
    width: 720,
    height: 340,
    caption: `${topic}: monthly values with the mean and process limits`,
    data: {
      type: 'table',
      caption: `${topic}: the chart's data`,
      columns: [{ label: 'Month' }, { label: 'Value', align: 'right' }, { label: 'Variation' }],
      rows: result.points.map((p, i) => [
        labels[i] ?? '',
        num(`${p.value.toFixed(1)}%`, p.value),
        p.pointType === 'common_cause' ? 'Common cause' : 'Special cause',
      ]),
    },
  }
}

function projectsTable(count: number): Table {
  const rows: TableCell[][] = []
  for (let i = 0; i < count; i++) {
    const status = PROJECT_STATUSES[i % PROJECT_STATUSES.length] ?? 'on_track'
    const names = STATUS_NAMES[status]
    rows.push([
      `${['Digital Front Door', 'Leisure Centre Rebuild', 'Waste Fleet Renewal', 'Town Centre Regeneration', 'Children’s Homes Sufficiency'][i % 5] ?? ''}${i >= 5 ? ` phase ${Math.floor(i / 5) + 1}` : ''}`,
      ['Place', 'Resources', 'People', 'Children’s Services'][i % 4] ?? '',
      badge('project', status, names.text, names.symbol),
      i % 4 === 2
        ? 'Contractor has entered administration; re-procurement under way and the opening moved to spring.'
        : 'Milestones met this month.',
    ])
  }
  return {
    type: 'table',
    caption: 'Programme and project highlights',
    columns: [
      { label: 'Project', width: 3 },
      { label: 'Directorate', width: 2 },
      { label: 'Status', width: 1.5 },
      { label: 'Highlight', width: 5 },
    ],
    rows,
  }
}

function risksTable(count: number): Table {
  const rows: TableCell[][] = []
  for (let i = 0; i < count; i++) {
    const score = [20, 16, 12, 9, 6][i % 5] ?? 9
    const level = score >= 15 ? 'High' : score >= 9 ? 'Medium' : 'Low'
    const symbol = score >= 15 ? '✖' : score >= 9 ? '▲' : '✔'
    rows.push([
      `CR${String(i + 1).padStart(2, '0')}`,
      [
        'Failure to deliver a balanced budget',
        'Cyber attack disrupting services',
        'Insufficient placements for looked-after children',
        'Workforce recruitment and retention',
        'Climate change adaptation',
      ][i % 5] ?? '',
      num(String(score), score),
      badge('risk', level.toLowerCase(), level, symbol),
    ])
  }
  return {
    type: 'table',
    caption: 'Corporate risk register',
    columns: [
      { label: 'Ref', width: 1 },
      { label: 'Risk', width: 5 },
      { label: 'Score', align: 'right', width: 1 },
      { label: 'Rating', width: 1.5 },
    ],
    rows,
  }
}

function financeTable(): Table {
  const directorates = ['Adults and Health', 'Children’s Services', 'Place', 'Resources']
  const budgets = [128_400_000, 96_250_000, 54_800_000, 31_125_000]
  const forecasts = [131_900_000, 99_050_000, 53_950_000, 30_870_000]
  const rows: TableCell[][] = directorates.map((d, i) => {
    const budget = budgets[i] ?? 0
    const forecast = forecasts[i] ?? 0
    const variance = forecast - budget
    return [
      d,
      num(pounds(budget), budget),
      num(pounds(forecast), forecast),
      num(variance < 0 ? `−${pounds(-variance)}` : pounds(variance), variance),
    ]
  })
  const budget = budgets.reduce((a, b) => a + b, 0)
  const forecast = forecasts.reduce((a, b) => a + b, 0)
  rows.push([
    'Total',
    num(pounds(budget), budget),
    num(pounds(forecast), forecast),
    num(pounds(forecast - budget), forecast - budget),
  ])
  return {
    type: 'table',
    caption: 'Financial summary by directorate: revenue budget and forecast outturn',
    columns: [
      { label: 'Directorate', width: 3 },
      { label: 'Budget', align: 'right', width: 2 },
      { label: 'Forecast', align: 'right', width: 2 },
      { label: 'Variance', align: 'right', width: 2 },
    ],
    rows,
    totalRows: [rows.length - 1],
  }
}

/** A quarterly performance report to Cabinet, of the given size. */
export function sampleReport(size: SampleSize = SAMPLE_SIZE): ReportDocument {
  const random = randomFrom(42)
  const rows = measureRows(size.measures, random)
  const status = (row: TableCell[]) => (row[5] as Badge).value
  const green = rows.filter((r) => status(r) === 'green').length
  const red = rows.filter((r) => status(r) === 'red').length
  const blocks: Block[] = [
    { type: 'heading', level: 1, text: 'Summary' },
    {
      type: 'paragraph',
      editableKey: 'summary',
      content: [
        `${green} of ${size.measures} corporate measures are on track; `,
        { type: 'badge', kind: 'rag', value: 'red', label: 'Red', symbol: RAG_SYMBOLS.red },
        ` for ${red}. Council tax collection recovered after the new payment portal went live`,
        { type: 'footnote', text: 'The portal went live on 3 February 2026.' },
        '.',
      ],
    },
    {
      type: 'list',
      items: [
        [
          'Recycling is ',
          { type: 'text', text: 'above target', bold: true },
          ' for the first time.',
        ],
        ['Sickness absence remains the main concern.'],
        [
          'The full dataset is on ',
          { type: 'link', text: 'the open data page', href: 'https://example.gov.uk/data' },
          '.',
        ],
      ],
    },
    { type: 'heading', level: 1, text: 'Performance by theme' },
  ]
  blocks.push(
    { type: 'heading', level: 2, text: 'Summary by theme' },
    {
      type: 'list',
      items: THEMES.map((theme): Inline[] => {
        const themeRows = rows.filter((r) => r[2] === theme)
        const onTrack = themeRows.filter((r) => status(r) === 'green').length
        return [
          { type: 'text', text: theme, bold: true },
          `: ${onTrack} of ${themeRows.length} on track.`,
        ]
      }),
    },
    { type: 'heading', level: 2, text: 'All corporate measures' },
    measuresTable(rows),
  )
  blocks.push({ type: 'heading', level: 2, text: 'Exceptions' })
  for (let c = 0; c < size.charts; c++) {
    blocks.push(
      { type: 'heading', level: 3, text: TOPICS[c % TOPICS.length] ?? '' },
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'Commentary: ', bold: true },
          { type: 'text', text: 'Demand rose in the winter months; ', italic: true },
          'recovery plan agreed by the directorate management team.',
        ],
      },
      spcChart(c, random),
    )
  }
  blocks.push(
    { type: 'page_break' },
    { type: 'heading', level: 1, text: 'Programmes and projects' },
    projectsTable(size.projects),
    { type: 'heading', level: 1, text: 'Finance' },
    {
      type: 'paragraph',
      content: [
        'Forecast overspend of ',
        { type: 'text', text: '£4.2 million', bold: true },
        ' at quarter 4',
        { type: 'footnote', text: 'Before the use of earmarked reserves.' },
        '.',
      ],
    },
    financeTable(),
    { type: 'heading', level: 1, text: 'Corporate risks' },
    risksTable(size.risks),
    { type: 'heading', level: 1, text: 'Recommendations' },
    {
      type: 'list',
      ordered: true,
      items: [
        ['Cabinet notes performance at the end of 2025/26.'],
        ['Cabinet agrees the recovery plan for sickness absence.'],
      ],
    },
  )
  return {
    title: 'Quarterly performance report: 2025/26 Q4',
    subtitle: 'Corporate performance, programmes, finance and risk',
    organisation: 'Example City Council',
    meta: [
      { label: 'Committee', value: 'Cabinet' },
      { label: 'Meeting date', value: '18 June 2026' },
      { label: 'Period', value: '2025/26 Q4 (January to March 2026)' },
      { label: 'Report author', value: 'Performance Team' },
      { label: 'Status', value: 'Draft' },
    ],
    blocks,
  }
}
