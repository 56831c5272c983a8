// The layout of the exchange workbook: one list of columns per sheet, read by the import, the
// template and the export alike, so a file exported can be edited and imported again.
import { FREQUENCIES } from '../../core/periods.ts'
import { LINE_MANAGER_COLUMNS, OBJECTIVE_COLUMNS } from './appraisal-columns.ts'
import { MILESTONE_COLUMNS, PROJECT_COLUMNS, UPDATE_COLUMNS } from './project-columns.ts'
import { LINK_COLUMNS, PLAN_COLUMNS, PLAN_ITEM_COLUMNS } from './plan-columns.ts'
import { POLARITIES } from '../../core/status.ts'
import {
  FREQUENCY_NAMES,
  KIND_NAMES,
  MEASURE_KINDS,
  MEASURE_STATUS_NAMES,
  MEASURE_STATUSES,
  MEASURE_UNITS,
  POLARITY_NAMES,
  UNIT_NAMES,
} from '../measures/index.ts'
import {
  REVIEW_FREQUENCIES,
  REVIEW_FREQUENCY_NAMES,
  RISK_CATEGORIES,
  RISK_CATEGORY_NAMES,
  RISK_STATUS_NAMES,
  RISK_STATUSES,
} from '../risks/index.ts'
import {
  DURABILITIES,
  DURABILITY_NAMES,
  SAVING_STATUS_NAMES,
  SAVING_STATUSES,
  SAVING_TYPE_NAMES,
  SAVING_TYPES,
} from '../savings/index.ts'

export const IMPORT_SHEETS = [
  'Measures',
  'Targets',
  'Values',
  'Risks',
  'Savings',
  'Projects',
  'Milestones',
  'Updates',
  'Plans',
  'Plan items',
  'Links',
  'Line managers',
  'Objectives',
] as const
export type ImportSheet = (typeof IMPORT_SHEETS)[number]

/** How a cell is read: text, a number, yes/no, one of a list, or a unit or person to look up. */
export type ColumnKind =
  'text' | 'number' | 'yes_no' | 'choice' | 'unit' | 'person' | 'register' | 'ignored'

export interface Column {
  readonly heading: string
  /** The field of the app's own input schema the column fills. */
  readonly field: string
  readonly kind: ColumnKind
  readonly required?: boolean
  /** For choices: the stored value and the name the app shows for it. */
  readonly choices?: Readonly<Record<string, string>>
  readonly example: string | number
  readonly notes: string
  /** Other headings read as this column (another system's export, like Pentana's). */
  readonly aliases?: readonly string[]
}

/** Whether a heading names the column: its own heading or an alias, case aside. */
export function headingMatches(column: Column, heading: string): boolean {
  const h = heading.trim().toLowerCase()
  return (
    column.heading.toLowerCase() === h || (column.aliases ?? []).some((a) => a.toLowerCase() === h)
  )
}

const names = <K extends string>(keys: readonly K[], labels: Readonly<Record<K, string>>) =>
  Object.fromEntries(keys.map((k) => [k, labels[k]])) as Readonly<Record<string, string>>

export const MEASURE_COLUMNS: readonly Column[] = [
  {
    heading: 'Code',
    field: 'code',
    kind: 'text',
    required: true,
    example: 'WS01',
    notes: 'Letters, digits, "_", "-" and "."; up to 30. A code that exists updates that measure.',
  },
  {
    heading: 'Title',
    field: 'title',
    kind: 'text',
    required: true,
    example: 'Household waste recycled',
    notes: 'Up to 300 characters.',
  },
  {
    heading: 'Definition',
    field: 'definition',
    kind: 'text',
    example: 'Share of household waste sent for reuse, recycling or composting',
    notes: 'What is counted, and how.',
  },
  { heading: 'Rationale', field: 'rationale', kind: 'text', example: '', notes: 'Why it matters.' },
  {
    heading: 'Unit',
    field: 'unit',
    kind: 'choice',
    required: true,
    choices: names(MEASURE_UNITS, UNIT_NAMES),
    example: UNIT_NAMES.percent,
    notes: 'The unit of measurement.',
  },
  {
    heading: 'Decimal places',
    field: 'decimals',
    kind: 'number',
    example: 1,
    notes: 'A whole number from 0 to 6; 0 when left blank.',
  },
  {
    heading: 'Polarity',
    field: 'polarity',
    kind: 'choice',
    required: true,
    choices: names(POLARITIES, POLARITY_NAMES),
    example: POLARITY_NAMES.higher_is_better,
    notes: 'Whether higher or lower is better.',
  },
  {
    heading: 'Frequency',
    field: 'frequency',
    kind: 'choice',
    required: true,
    choices: names(FREQUENCIES, FREQUENCY_NAMES),
    example: FREQUENCY_NAMES.quarterly,
    notes: 'How often the measure is reported.',
  },
  {
    heading: 'Kind',
    field: 'kind',
    kind: 'choice',
    choices: names(MEASURE_KINDS, KIND_NAMES),
    example: KIND_NAMES.strategic,
    notes: 'Operational when left blank.',
  },
  {
    heading: 'Status',
    field: 'status',
    kind: 'choice',
    choices: names(MEASURE_STATUSES, MEASURE_STATUS_NAMES),
    example: MEASURE_STATUS_NAMES.active,
    notes: 'Active when left blank.',
  },
  {
    heading: 'Owning unit',
    field: 'unitId',
    kind: 'unit',
    example: 'WASTE',
    notes: 'The code or name of the directorate, service or team; blank for the whole council.',
  },
  {
    heading: 'Cumulative',
    field: 'cumulative',
    kind: 'yes_no',
    example: 'no',
    notes: 'yes or no: whether values add up over the year. No when left blank.',
  },
  {
    heading: 'Public',
    field: 'public',
    kind: 'yes_no',
    example: 'yes',
    notes: 'yes or no: whether approved values appear on the public dashboard.',
  },
  {
    heading: 'Numerator',
    field: 'numeratorLabel',
    kind: 'text',
    example: 'Tonnes recycled',
    notes: 'What the numerator counts (with Denominator, or neither).',
  },
  {
    heading: 'Denominator',
    field: 'denominatorLabel',
    kind: 'text',
    example: 'Tonnes collected',
    notes: 'What the denominator counts.',
  },
  {
    heading: 'Formula',
    field: 'formula',
    kind: 'text',
    example: '',
    notes: 'A calculated measure: other measures by code, like [WS02] / [WS03] * 100.',
  },
  {
    heading: 'Baseline value',
    field: 'baselineValue',
    kind: 'number',
    example: 41.2,
    notes: 'A number.',
  },
  {
    heading: 'Baseline period',
    field: 'baselinePeriod',
    kind: 'text',
    example: '2023/24',
    notes: 'A period label, like 2023/24 or 2023/24 Q4.',
  },
  {
    heading: 'Data source',
    field: 'dataSource',
    kind: 'text',
    example: 'WasteDataFlow',
    notes: 'Where the figures come from.',
  },
  {
    heading: 'Collection method',
    field: 'collectionMethod',
    kind: 'text',
    example: 'Quarterly return',
    notes: 'How they are collected.',
  },
  {
    heading: 'National indicator',
    field: 'nationalIndicatorRef',
    kind: 'text',
    example: 'NI 192',
    notes: 'A national indicator reference, if any.',
  },
  {
    heading: 'Due working days',
    field: 'dueWorkingDays',
    kind: 'number',
    example: 10,
    notes: 'Working days after the period ends that the value is due: 0 to 250.',
  },
  {
    heading: 'Owner',
    field: 'ownerId',
    kind: 'person',
    example: '',
    notes: 'The email address of the person accountable for the measure.',
  },
  {
    heading: 'Data-entry officer',
    field: 'dataEntryOfficerId',
    kind: 'person',
    example: '',
    notes: 'The email address of the person who enters its values.',
  },
  {
    heading: 'Approver',
    field: 'approverId',
    kind: 'person',
    example: '',
    notes: 'The email address of the person who approves its values.',
  },
]

const measureCode: Column = {
  heading: 'Measure code',
  field: 'code',
  kind: 'text',
  required: true,
  example: 'WS01',
  notes: 'The code of a measure in Golden Thread or in the Measures sheet.',
}

export const TARGET_COLUMNS: readonly Column[] = [
  measureCode,
  {
    heading: 'Period',
    field: 'period',
    kind: 'text',
    required: true,
    example: '2024/25 Q2',
    notes:
      'A period of the measure\u2019s frequency (like 2024/25 Q2 or Sep 2024), or a financial year (2024/25) for the whole year.',
  },
  {
    heading: 'Target',
    field: 'value',
    kind: 'number',
    example: 45,
    notes: 'A number. Targets for other periods of the measure are kept.',
  },
  {
    heading: 'Lower limit',
    field: 'lower',
    kind: 'number',
    example: '',
    notes: 'Only for a measure within a band: the lowest value on target.',
  },
  {
    heading: 'Upper limit',
    field: 'upper',
    kind: 'number',
    example: '',
    notes: 'Only for a measure within a band: the highest value on target.',
  },
]

export const VALUE_COLUMNS: readonly Column[] = [
  measureCode,
  {
    heading: 'Period',
    field: 'period',
    kind: 'text',
    required: true,
    example: '2024/25 Q1',
    notes:
      'A period of the measure\u2019s frequency, like 2024/25 Q1 or Sep 2024; not in the future.',
  },
  {
    heading: 'Value',
    field: 'value',
    kind: 'number',
    required: true,
    example: 43.5,
    notes: 'A number. Values are sent for approval, never approved by an import.',
  },
  {
    heading: 'Commentary',
    field: 'commentary',
    kind: 'text',
    example: 'Garden waste collections resumed in May.',
    notes: 'Required when the value is red against its target.',
  },
  {
    heading: 'Status',
    field: 'status',
    kind: 'ignored',
    example: '',
    notes: 'Written by the export (draft, submitted, returned or approved); the import ignores it.',
  },
  ...(
    [
      [
        'Shown as',
        'displayed',
        'the figure every page and report shows for the period: the year to date for cumulative measures',
      ],
      ['Shown figure basis', 'basis', 'period, year_to_date or formula'],
      ['Target judged against', 'target', 'the target the shown figure is judged against'],
      ['RAG', 'rag', 'green, amber, red or no_target'],
      ['Sign-off', 'approval', 'approved, restated, awaiting_approval, returned or draft'],
    ] as const
  ).map(([heading, field, what]): Column => ({
    heading,
    field,
    kind: 'ignored',
    example: '',
    notes: `Written by the export: ${what}; the import ignores it.`,
  })),
]

const score = (field: string, heading: string, example: number): Column => ({
  heading,
  field,
  kind: 'number',
  required: true,
  example,
  notes: 'A whole number from 1 to the size of the council\u2019s risk matrix (4 or 5).',
})

export const RISK_COLUMNS: readonly Column[] = [
  {
    heading: 'Reference',
    field: 'reference',
    kind: 'text',
    required: true,
    example: 'CR01',
    notes:
      'Letters, numbers, ".", "/" and "-"; up to 20. A reference that exists updates that risk.',
  },
  {
    heading: 'Title',
    field: 'title',
    kind: 'text',
    required: true,
    example: 'Insufficient funding to meet demand for adult social care',
    notes: 'Up to 200 characters.',
  },
  {
    heading: 'Register',
    field: 'registerId',
    kind: 'register',
    required: true,
    example: 'Corporate risk register',
    notes: 'The name of a risk register. A risk moves to another register only by escalation.',
  },
  {
    heading: 'Category',
    field: 'category',
    kind: 'choice',
    required: true,
    choices: names(RISK_CATEGORIES, RISK_CATEGORY_NAMES),
    example: RISK_CATEGORY_NAMES.financial,
    notes: 'The kind of risk.',
  },
  {
    heading: 'Status',
    field: 'status',
    kind: 'choice',
    choices: names(RISK_STATUSES, RISK_STATUS_NAMES),
    example: RISK_STATUS_NAMES.open,
    notes: 'Open or Closed: a new risk is raised open.',
  },
  { heading: 'Cause', field: 'cause', kind: 'text', example: '', notes: 'Because of…' },
  { heading: 'Event', field: 'event', kind: 'text', example: '', notes: 'There is a risk that…' },
  { heading: 'Effect', field: 'effect', kind: 'text', example: '', notes: 'Which would lead to…' },
  {
    heading: 'Owner',
    field: 'ownerId',
    kind: 'person',
    example: '',
    notes: 'The email address of the person who owns the risk.',
  },
  {
    heading: 'Review frequency',
    field: 'reviewFrequency',
    kind: 'choice',
    required: true,
    choices: names(REVIEW_FREQUENCIES, REVIEW_FREQUENCY_NAMES),
    example: REVIEW_FREQUENCY_NAMES.quarterly,
    notes: 'How often the risk is reviewed.',
  },
  {
    heading: 'Next review',
    field: 'nextReviewDate',
    kind: 'text',
    example: '2025-09-30',
    notes: 'A date like 2025-09-30; from the review frequency when left blank.',
  },
  score('inherentLikelihood', 'Inherent likelihood', 4),
  score('inherentImpact', 'Inherent impact', 4),
  score('currentLikelihood', 'Current likelihood', 3),
  score('currentImpact', 'Current impact', 4),
  score('targetLikelihood', 'Target likelihood', 2),
  score('targetImpact', 'Target impact', 3),
  {
    heading: 'Current score',
    field: 'currentScore',
    kind: 'ignored',
    example: '',
    notes:
      'Written by the export; the import ignores it. The current score of a risk that exists changes only by a review, on its page.',
  },
]

/** One row per line and financial year: the line's own cells repeat on each of its rows. */
export const SAVINGS_COLUMNS: readonly Column[] = [
  {
    heading: 'Reference',
    field: 'reference',
    kind: 'text',
    required: true,
    example: 'ASC-01',
    notes:
      'Up to 30 characters. A reference that exists updates that line; its rows must agree on everything but the year.',
  },
  {
    heading: 'Title',
    field: 'title',
    kind: 'text',
    required: true,
    example: 'Review of home care packages',
    notes: 'Up to 300 characters.',
  },
  {
    heading: 'Unit',
    field: 'unitId',
    kind: 'unit',
    required: true,
    example: 'ASC',
    notes: 'The code or name of the directorate, service or team that delivers the saving.',
  },
  {
    heading: 'Programme',
    field: 'programme',
    kind: 'text',
    example: 'Adults transformation',
    notes: 'The programme the saving belongs to, if any.',
  },
  {
    heading: 'Priority board',
    field: 'priorityBoard',
    kind: 'text',
    example: '',
    notes: 'The priority board that oversees it, if any.',
  },
  {
    heading: 'Type',
    field: 'savingType',
    kind: 'choice',
    required: true,
    choices: names(SAVING_TYPES, SAVING_TYPE_NAMES),
    example: SAVING_TYPE_NAMES.cashable,
    notes: 'Cashable or non-cashable.',
  },
  {
    heading: 'Durability',
    field: 'durability',
    kind: 'choice',
    required: true,
    choices: names(DURABILITIES, DURABILITY_NAMES),
    example: DURABILITY_NAMES.ongoing,
    notes: 'Ongoing or one-off.',
  },
  {
    heading: 'Status',
    field: 'status',
    kind: 'choice',
    choices: names(SAVING_STATUSES, SAVING_STATUS_NAMES),
    example: SAVING_STATUS_NAMES.planned,
    notes: 'Agreed, not started when left blank for a new line.',
  },
  {
    heading: 'Owner',
    field: 'ownerId',
    kind: 'person',
    example: '',
    notes: 'The email address of the person accountable for the saving.',
  },
  {
    heading: 'Financial year',
    field: 'financialYear',
    kind: 'text',
    required: true,
    example: '2025/26',
    notes:
      'A financial year like 2025/26, once per line. Years of the line not in the file are kept; monthly profiles and actuals are entered on the line\u2019s page.',
  },
  {
    heading: 'Saving (£)',
    field: 'amount',
    kind: 'number',
    required: true,
    example: 250000,
    notes: 'The saving in the year, in pounds and pence.',
  },
  {
    heading: 'Cost (£)',
    field: 'cost',
    kind: 'number',
    example: 20000,
    notes: 'The one-off cost to achieve it in the year; 0 when left blank.',
  },
  {
    heading: 'Net (£)',
    field: 'net',
    kind: 'ignored',
    example: '',
    notes: 'Written by the export (saving less cost); the import ignores it.',
  },
]

export const COLUMNS: Readonly<Record<ImportSheet, readonly Column[]>> = {
  Measures: MEASURE_COLUMNS,
  Targets: TARGET_COLUMNS,
  Values: VALUE_COLUMNS,
  Risks: RISK_COLUMNS,
  Savings: SAVINGS_COLUMNS,
  Projects: PROJECT_COLUMNS,
  Milestones: MILESTONE_COLUMNS,
  Updates: UPDATE_COLUMNS,
  Plans: PLAN_COLUMNS,
  'Plan items': PLAN_ITEM_COLUMNS,
  Links: LINK_COLUMNS,
  'Line managers': LINE_MANAGER_COLUMNS,
  Objectives: OBJECTIVE_COLUMNS,
}

/** The sheet a CSV file holds, told by its header row. */
export function sheetOfHeadings(headings: readonly string[]): ImportSheet | null {
  const has = (h: string) => headings.some((x) => x.trim().toLowerCase() === h.toLowerCase())
  // Pentana (Covalent)'s action export is read as a Projects sheet.
  if (has('Action code') || (has('Code') && has('Title') && has('Level'))) return 'Projects'
  if (has('Project code') && has('Milestone')) return 'Milestones'
  if (has('Project code') && has('Highlights')) return 'Updates'
  if (has('Plan') && has('Levels')) return 'Plans'
  if (has('Plan') && has('Item')) return 'Plan items'
  if (has('Plan item') && has('Linked kind')) return 'Links'
  if (has('Code') && has('Title')) return 'Measures'
  if (has('Measure code') && has('Target')) return 'Targets'
  if (has('Measure code') && has('Value')) return 'Values'
  if (has('Reference') && has('Register')) return 'Risks'
  if (has('Reference') && has('Financial year')) return 'Savings'
  if (has('Person email') && has('Line manager email')) return 'Line managers'
  if (has('Person email') && has('Success measure')) return 'Objectives'
  return null
}

export function sheetNamed(name: string): ImportSheet | null {
  return IMPORT_SHEETS.find((s) => s.toLowerCase() === name.trim().toLowerCase()) ?? null
}
