// The financial summary section of committee reports. Its figures come from budget monitoring
// and the savings register through `FinancialSource`, connected in services.ts; until a council
// has budget monitoring, the section says so rather than showing any figure.
import type { Kysely } from 'kysely'
import type { Period } from '../../../core/periods.ts'
import type { DB } from '../../../db/schema.ts'
import type { Block, TableCell } from '../report-document.ts'

/** One directorate's revenue budget and savings, in pounds. */
export interface DirectorateFinance {
  readonly directorate: string
  readonly budget: number
  readonly forecast: number
  readonly savingsTarget: number
  readonly savingsDelivered: number
}

export interface FinancialSummary {
  /** What the figures are as at, e.g. "Month 3 (June 2025)". */
  readonly asAt: string
  readonly directorates: readonly DirectorateFinance[]
}

/** Where budget and savings figures come from; null when budget monitoring is not set up. */
export interface FinancialSource {
  summary(db: Kysely<DB>, organisationId: string, period: Period): Promise<FinancialSummary | null>
}

const pounds = (n: number) => {
  const thousands = Math.round(n / 1000)
  const text = Math.abs(thousands).toLocaleString('en-GB')
  return thousands < 0 ? `−£${text}k` : `£${text}k`
}

/** Over (+) or under (−) budget, as a variance column reads. */
const variance = (n: number) => (Math.round(n / 1000) > 0 ? `+${pounds(n)}` : pounds(n))

export function financialSummaryBlocks(summary: FinancialSummary | null): Block[] {
  const heading: Block = { type: 'heading', level: 1, text: 'Financial summary' }
  if (summary === null || summary.directorates.length === 0) {
    return [
      heading,
      {
        type: 'paragraph',
        content: [
          'Budget monitoring is not set up in Golden Thread yet, so this report has no financial ' +
            'summary. The budget monitoring report goes to the committee separately.',
        ],
      },
    ]
  }
  const sum = (pick: (d: DirectorateFinance) => number) =>
    summary.directorates.reduce((total, d) => total + pick(d), 0)
  const row = (name: string, d: Omit<DirectorateFinance, 'directorate'>): TableCell[] => [
    name,
    pounds(d.budget),
    pounds(d.forecast),
    variance(d.forecast - d.budget),
    pounds(d.savingsTarget),
    pounds(d.savingsDelivered),
    d.savingsTarget === 0
      ? '—'
      : `${Math.round((d.savingsDelivered / d.savingsTarget) * 100).toString()}%`,
  ]
  const total = {
    budget: sum((d) => d.budget),
    forecast: sum((d) => d.forecast),
    savingsTarget: sum((d) => d.savingsTarget),
    savingsDelivered: sum((d) => d.savingsDelivered),
  }
  const over = total.forecast - total.budget
  return [
    heading,
    {
      type: 'paragraph',
      editableKey: 'finance',
      content: [
        `As at ${summary.asAt}, the council forecasts ${pounds(total.forecast)} against a budget of ` +
          `${pounds(total.budget)}: ${over > 0 ? `an overspend of ${pounds(over)}` : over < 0 ? `an underspend of ${pounds(-over)}` : 'on budget'}. ` +
          `${pounds(total.savingsDelivered)} of ${pounds(total.savingsTarget)} planned savings are delivered.`,
      ],
    },
    {
      type: 'table',
      caption: `Revenue budget and savings by directorate, ${summary.asAt}`,
      columns: [
        { label: 'Directorate', width: 3 },
        { label: 'Budget', align: 'right' },
        { label: 'Forecast', align: 'right' },
        { label: 'Variance', align: 'right' },
        { label: 'Savings planned', align: 'right' },
        { label: 'Savings delivered', align: 'right' },
        { label: 'Delivered', align: 'right' },
      ],
      rows: [...summary.directorates.map((d) => row(d.directorate, d)), row('Total', total)],
      totalRows: [summary.directorates.length],
    },
  ]
}
