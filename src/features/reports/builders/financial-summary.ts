// The financial summary section of committee reports: budget monitoring and the savings register
// by directorate, read through `FinancialSource` (connected in services.ts to
// `services.budgets.financialSummary`). Money is shown in £000s as council tables print it
// (seed 001): thousands separators, negatives in brackets, and each column's rows adding up to
// its total as printed; Excel keeps the exact amount.
import {
  formatPercent,
  formatThousands,
  formatThousandsFigure,
  thousandsAddingUp,
  toThousands,
} from '../../../core/format.ts'
import { percentOf, type Pence } from '../../../core/money.ts'
import { periodInWords, type Period } from '../../../core/periods.ts'
import { BUDGET_RAG_NAMES, type BudgetRag } from '../../../core/savings.ts'
import type { Principal } from '../../../core/principal.ts'
import type { FinancialSummary as BudgetSummary } from '../../budgets/index.ts'
import { RAG_SYMBOLS } from '../../measures/index.ts'
import type { Badge, Block, TableCell, TextRun } from '../report-document.ts'

export type FinancialSummary = BudgetSummary

/** Where budget and savings figures come from; null when budget monitoring is not set up. */
export interface FinancialSource {
  /** Read as `principal`: the report's builder, who reads the whole organisation. */
  summary(principal: Principal, period: Period): Promise<FinancialSummary | null>
}

interface Money {
  readonly pence: Pence
}

/** An amount in £000s; the cell carries the exact amount in thousands for spreadsheets. */
export function thousands(money: Money, shown = formatThousands(money.pence)): TextRun {
  return { type: 'text', text: shown, number: money.pence / 100_000 }
}

/**
 * A column's texts, rows then total. Where the total is the sum of the rows, the rows are
 * rounded so they add up to it as printed (largest remainder); otherwise each on its own.
 */
function columnTexts(rows: readonly (Pence | null)[], total: Pence | null): string[] {
  const present = rows.flatMap((r) => (r === null ? [] : [r]))
  if (total === null || present.reduce((a, b) => a + b, 0) !== total) {
    return [...rows, total].map((p) => (p === null ? '—' : formatThousands(p)))
  }
  const shown = thousandsAddingUp(present)
  let next = 0
  return [
    ...rows.map((r) => (r === null ? '—' : formatThousandsFigure(shown.rows[next++] ?? 0))),
    formatThousandsFigure(shown.total),
  ]
}

/** Each row's column figures as printed, by column; the last entry of each is the total. */
function printedColumns<T>(
  items: readonly (T | null)[],
  total: T | null,
  columns: readonly ((t: T) => Pence)[],
): string[][] {
  return columns.map((pick) =>
    columnTexts(
      items.map((i) => (i === null ? null : pick(i))),
      total === null ? null : pick(total),
    ),
  )
}

const thousandsValue = (text: string) =>
  text === '—' ? 0 : (text.startsWith('(') ? -1 : 1) * Number(text.replace(/[(),]/g, ''))

export function budgetBadge(rag: BudgetRag): Badge {
  return {
    type: 'badge',
    kind: 'rag',
    value: rag,
    label: BUDGET_RAG_NAMES[rag],
    symbol: RAG_SYMBOLS[rag],
  }
}

const NOT_REPORTED: Badge = {
  type: 'badge',
  kind: 'rag',
  value: 'no_data',
  label: 'Not reported',
  symbol: RAG_SYMBOLS.no_data,
}

const strong = (text: string): TextRun => ({ type: 'text', text, bold: true })

const percentText = (part: Pence, whole: Pence) => {
  const percent = percentOf(part, whole, 0)
  return percent === null ? '—' : formatPercent(percent)
}

/** "£1,250k" in sentences: whole thousands of pounds. */
const inWords = (pence: Pence) => {
  const text = formatThousands(Math.abs(pence))
  return `£${text}k`
}

function budgetSentence(summary: FinancialSummary): string {
  const total = summary.total.budget
  const savings = summary.total.savings
  const asAt = periodInWords(summary.asAt ?? summary.period)
  const parts: string[] = []
  if (total) {
    const variance = total.variance.pence
    // The difference of the two figures as printed, as the table's variance column shows it.
    const shown = Math.abs(
      toThousands(total.forecastOutturn.pence) - toThousands(total.budget.pence),
    )
    const gap = `£${formatThousandsFigure(shown)}k`
    parts.push(
      `As at ${asAt}, the directorates forecast an outturn of ${inWords(total.forecastOutturn.pence)} against a budget of ${inWords(total.budget.pence)}: ` +
        (variance > 0
          ? `an overspend of ${gap}.`
          : variance < 0
            ? `an underspend of ${gap}.`
            : 'on budget.'),
    )
    const over = summary.directorates.filter((d) => d.budget?.rag === 'red')
    if (over.length > 0) {
      parts.push(
        `${String(over.length)} ${over.length === 1 ? 'directorate forecasts' : 'directorates forecast'} an overspend beyond tolerance: ${over.map((d) => d.unitName).join(', ')}.`,
      )
    }
  } else {
    parts.push(
      `No directorate has recorded budget monitoring for ${periodInWords(summary.period)}.`,
    )
  }
  parts.push(
    `Savings of ${inWords(savings.planned.pence)} are planned for ${summary.financialYear}; ` +
      `${inWords(savings.deliveredToDate.pence)} is delivered against ${inWords(savings.plannedToDate.pence)} planned to date, ` +
      `and ${inWords(savings.forecast.pence)} is forecast for the year` +
      (savings.forecastShortfall.pence > 0
        ? `, ${inWords(savings.forecastShortfall.pence)} short of plan.`
        : '.'),
  )
  return parts.join(' ')
}

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
  type Budget = NonNullable<FinancialSummary['total']['budget']>
  type Savings = FinancialSummary['total']['savings']
  const [budgets = [], outturns = []] = printedColumns<Budget>(
    summary.directorates.map((d) => d.budget),
    summary.total.budget,
    [(b) => b.budget.pence, (b) => b.forecastOutturn.pence],
  )
  // Variance as printed is outturn less budget as printed, so each row reads true across too.
  const budgetRow = (name: string, b: Budget | null, i: number): TableCell[] => {
    if (b === null) return [name, '—', '—', '—', NOT_REPORTED]
    const budget = budgets[i] ?? formatThousands(b.budget.pence)
    const outturn = outturns[i] ?? formatThousands(b.forecastOutturn.pence)
    const variance = formatThousandsFigure(thousandsValue(outturn) - thousandsValue(budget))
    return [
      name,
      thousands(b.budget, budget),
      thousands(b.forecastOutturn, outturn),
      thousands(b.variance, variance),
      budgetBadge(b.rag),
    ]
  }
  const savingsColumns = printedColumns<Savings>(
    summary.directorates.map((d) => d.savings),
    summary.total.savings,
    [
      (s) => s.planned.pence,
      (s) => s.plannedToDate.pence,
      (s) => s.deliveredToDate.pence,
      (s) => s.forecast.pence,
      (s) => s.forecastShortfall.pence,
    ],
  )
  const savingsRow = (name: string, s: Savings, i: number): TableCell[] => [
    name,
    ...[s.planned, s.plannedToDate, s.deliveredToDate, s.forecast, s.forecastShortfall].map(
      (money, c) => thousands(money, savingsColumns[c]?.[i]),
    ),
    percentText(s.deliveredToDate.pence, s.plannedToDate.pence),
  ]
  const last = summary.directorates.length
  const commentary = summary.directorates.filter((d) => d.budget?.commentary)
  // Captions name the report's period, never the month monitoring reached, so a published
  // report's tables still match today's and changes show cell by cell.
  return [
    heading,
    {
      type: 'paragraph',
      editableKey: 'finance',
      content: [budgetSentence(summary)],
    },
    {
      type: 'paragraph',
      content: [
        `Budget figures are the latest monitoring by the end of ${periodInWords(summary.period)}` +
          (summary.asAt ? ` (${periodInWords(summary.asAt)})` : '') +
          `; savings are for ${summary.financialYear}, to the end of month ${String(summary.monthsElapsed)}. Amounts are in thousands of pounds (£000); brackets show a negative amount.`,
        {
          type: 'footnote',
          text: 'Variance is forecast outturn less budget: a positive variance is an overspend. Status: on or under budget; an overspend within tolerance; an overspend beyond it. Savings at risk is the amount by which the year’s forecast falls short of plan.',
        },
      ],
    },
    {
      type: 'table',
      caption: `Revenue budget by directorate, ${periodInWords(summary.period)}`,
      columns: [
        { label: 'Directorate', width: 3 },
        { label: 'Budget £000', align: 'right', width: 1.3 },
        { label: 'Forecast outturn £000', align: 'right', width: 1.5 },
        { label: 'Variance £000', align: 'right', width: 1.3 },
        { label: 'Status', width: 2.4 },
      ],
      rows: [
        ...summary.directorates.map((d, i) => budgetRow(d.unitName, d.budget, i)),
        budgetRow('Total', summary.total.budget, last),
      ],
      totalRows: [summary.directorates.length],
    },
    {
      type: 'table',
      caption: `Savings by directorate, ${periodInWords(summary.period)}`,
      columns: [
        { label: 'Directorate', width: 3 },
        { label: 'Planned for year £000', align: 'right', width: 1.4 },
        { label: 'Planned to date £000', align: 'right', width: 1.4 },
        { label: 'Delivered to date £000', align: 'right', width: 1.4 },
        { label: 'Forecast £000', align: 'right', width: 1.3 },
        { label: 'At risk £000', align: 'right', width: 1.2 },
        { label: 'Delivered', align: 'right', width: 1.1 },
      ],
      rows: [
        ...summary.directorates.map((d, i) => savingsRow(d.unitName, d.savings, i)),
        savingsRow('Total', summary.total.savings, last),
      ],
      totalRows: [summary.directorates.length],
    },
    ...(commentary.length === 0
      ? []
      : [
          { type: 'heading' as const, level: 2 as const, text: 'Budget commentary' },
          {
            type: 'list' as const,
            items: commentary.map((d) => [strong(`${d.unitName}: `), d.budget?.commentary ?? '']),
          },
        ]),
  ]
}
