// What every renderer shares: footnote numbering in document order, inline runs of a cell,
// column widths in proportion.
import type { Inline, ReportDocument, Table, TableCell } from '../report-document.ts'

/** Numbers footnotes in the order a renderer meets them: 1, 2, 3 across the whole document. */
export class Footnotes {
  readonly notes: string[] = []

  add(text: string): number {
    this.notes.push(text)
    return this.notes.length
  }
}

/** A cell as a list of runs, whichever of its three shapes it has. */
export function cellRuns(cell: TableCell): readonly Inline[] {
  return isInlineArray(cell) ? cell : [cell]
}

function isInlineArray(cell: TableCell): cell is readonly Inline[] {
  return Array.isArray(cell)
}

/** Each column's share of the width, summing to 1; columns without a width count as 1. */
export function columnShares(table: Table): number[] {
  const widths = table.columns.map((c) => (c.width !== undefined && c.width > 0 ? c.width : 1))
  const total = widths.reduce((a, b) => a + b, 0)
  return widths.map((w) => w / total)
}

/** A cell's text for spreadsheets and CSV: badges as symbol and word, footnotes as `[n]`. */
export function plainText(cell: TableCell, footnotes: Footnotes): string {
  return cellRuns(cell)
    .map((run) => {
      if (typeof run === 'string') return run
      switch (run.type) {
        case 'badge':
          return run.symbol ? `${run.symbol} ${run.label}` : run.label
        case 'footnote':
          return `[${footnotes.add(run.text)}]`
        default:
          return run.text
      }
    })
    .join('')
}

/** The number a cell holds, when it is a single run that says so. */
export function cellNumber(cell: TableCell): number | undefined {
  const runs = cellRuns(cell)
  const [run] = runs
  if (runs.length !== 1 || typeof run !== 'object' || run.type !== 'text') return undefined
  return run.number !== undefined && Number.isFinite(run.number) ? run.number : undefined
}

/** Every table in document order, a chart's data table included: CSV and Excel show them all. */
export function reportTables(doc: ReportDocument): Table[] {
  const tables: Table[] = []
  for (const block of doc.blocks) {
    if (block.type === 'table') tables.push(block)
    if (block.type === 'chart' && block.data) tables.push(block.data)
  }
  return tables
}
