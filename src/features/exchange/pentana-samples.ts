// Sample files in Pentana (Covalent)'s standard export layouts, written for this project (no
// Pentana data): docs/samples holds them, written by `node scripts/samples.ts`, and a test
// checks the committed files are what this module writes and imports them.
import { csvText } from '../../core/csv.ts'

/**
 * Pentana's PI export: one row per PI and period. Every row has a note, so that a first try on
 * the demo council is clean whichever polarity is answered (a red figure needs commentary).
 */
export const PENTANA_PI_HEADINGS = [
  'PI Code',
  'PI Title',
  'Period',
  'Actual',
  'Target',
  'Status',
  'Note',
] as const

const WASTE = 'Household waste sent for reuse recycling and composting (%)'
const RELET = 'Average days to relet council homes'

export const PENTANA_PI_ROWS: readonly (readonly (string | number | null)[])[] = [
  [
    'ENV-001',
    WASTE,
    'Q1 2024/25',
    44.2,
    45,
    'Amber',
    'Garden waste collections paused for two weeks in April',
  ],
  ['ENV-001', WASTE, 'Q2 2024/25', 47.9, 45, 'Green', 'Garden waste collections back to normal'],
  [
    'ENV-001',
    WASTE,
    'Q3 2024/25',
    '41.0',
    45,
    'Red',
    'Seasonal drop after the end of garden waste collections',
  ],
  ['HOU-014', RELET, 'Q1 2024/25', 31, 28, 'Red', 'Void repairs contractor changed in May'],
  ['HOU-014', RELET, 'Q2 2024/25', 27, 28, 'Green', 'New contractor settling in'],
  ['HOU-014', RELET, 'Q3 2024/25', 26, 28, 'Green', 'Steady since the contractor change'],
]

/**
 * Pentana's action export: one row per action, dates as UK dates, people by name: people of the
 * demo council (Example City), so that a first try of the sample there imports cleanly.
 */
export const PENTANA_ACTION_HEADINGS = [
  'Action Code',
  'Action Title',
  'Progress %',
  'Status',
  'Due Date',
  'Assigned To',
] as const

export const PENTANA_ACTION_ROWS: readonly (readonly (string | number | null)[])[] = [
  [
    'ENV-A01',
    'Introduce weekly food waste collections',
    100,
    'Completed',
    '31/03/2025',
    'Priya Shah',
  ],
  ['ENV-A02', 'Review garden waste charging', 60, 'In Progress', '30/09/2025', 'Priya Shah'],
  ['HOU-A07', 'Procure a new void repairs contractor', 35, 'Overdue', '30/06/2025', 'Gareth Evans'],
  ['HOU-A08', 'Publish the tenancy strategy', 0, 'Not Started', '31/01/2026', 'Gareth Evans'],
]

/** The sample files by name, as docs/samples holds them. */
export function pentanaSamples(): Record<string, string> {
  return {
    'pentana-pi-export.csv': csvText(PENTANA_PI_HEADINGS, PENTANA_PI_ROWS),
    'pentana-action-export.csv': csvText(PENTANA_ACTION_HEADINGS, PENTANA_ACTION_ROWS),
  }
}
