// What every renderer shares: footnote numbering in document order, inline runs of a cell,
// column widths in proportion.
import type { Badge, Inline, ReportDocument, Table, TableCell } from '../report-document.ts'

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

/** Between a status symbol and its word, so that a narrow cell never parts them. */
export const SYMBOL_SPACE = '\u00a0'

/**
 * A badge as printed: its symbol held to its word, and a short label ("No data", "On track")
 * held together, so that a status reads as one thing however narrow its column.
 */
export function badgeText(badge: Badge, withSymbol = true): string {
  const label = badge.label.length <= 12 ? badge.label.replace(/ /g, SYMBOL_SPACE) : badge.label
  return withSymbol && badge.symbol ? `${badge.symbol}${SYMBOL_SPACE}${label}` : label
}

/** The width of a text in points, in the table's face (bold or regular) and size. */
export type MeasureText = (text: string, bold: boolean) => number

/** A table's columns laid out for a page: widths in points, or the parts it is split into. */
export interface TableLayout {
  /** Each part's column indexes (the first column repeats in every part) and their widths. */
  readonly parts: readonly { readonly columns: readonly number[]; readonly widths: number[] }[]
  /** The widest part needs the page turned to landscape. */
  readonly landscape: boolean
}

interface ColumnNeed {
  /** The longest word (no word is ever broken inside), padding included. */
  readonly min: number
  /** The longest cell on one line, padding included. */
  readonly max: number
}

/**
 * Column widths from the content, as a browser lays out a table: never narrower than a
 * column's longest word, and the room left over shared out in proportion to how much more
 * each column's longest cell would need to sit on one line. A table whose words do not fit
 * the portrait width goes landscape; one that does not fit landscape either is split into
 * parts of columns, each repeating the first column.
 */
export function layoutTable(
  table: Table,
  measure: MeasureText,
  page: { portrait: number; landscape: number; padding: number },
): TableLayout {
  const needs = columnNeeds(table, measure, page.padding)
  const all = table.columns.map((_, i) => i)
  const minOf = (columns: readonly number[]) =>
    columns.reduce((sum, i) => sum + (needs[i]?.min ?? 0), 0)
  if (minOf(all) <= page.portrait) {
    return { parts: [{ columns: all, widths: share(all, needs, page.portrait) }], landscape: false }
  }
  if (minOf(all) <= page.landscape) {
    return { parts: [{ columns: all, widths: share(all, needs, page.landscape) }], landscape: true }
  }
  const parts: number[][] = []
  let current = [0]
  for (const i of all.slice(1)) {
    if (current.length > 1 && minOf([...current, i]) > page.landscape) {
      parts.push(current)
      current = [0, i]
    } else current.push(i)
  }
  parts.push(current)
  return {
    parts: parts.map((columns) => ({ columns, widths: share(columns, needs, page.landscape) })),
    landscape: true,
  }
}

function columnNeeds(table: Table, measure: MeasureText, padding: number): ColumnNeed[] {
  const totals = new Set(table.totalRows ?? [])
  return table.columns.map((column, i) => {
    let min = 0
    let max = 0
    const consider = (text: string, bold: boolean) => {
      for (const word of text.split(/[ \t\n]+/)) if (word) min = Math.max(min, measure(word, bold))
      max = Math.max(max, measure(text, bold))
    }
    consider(column.label, true)
    table.rows.forEach((row, r) => {
      const runs = cellRuns(row[i] ?? '')
      // Mixed faces are measured in bold, the wider, so the cell always fits.
      const bold = totals.has(r) || runs.some((run) => typeof run !== 'string' && isBold(run))
      consider(runs.map(runText).join(''), bold)
    })
    // A point to spare: renderers round, and a word exactly as wide as its cell may wrap.
    return { min: min + 2 * padding + 1, max: max + 2 * padding + 1 }
  })
}

function isBold(run: Inline): boolean {
  if (typeof run === 'string') return false
  return run.type === 'badge' || (run.type === 'text' && run.bold === true)
}

function runText(run: Inline): string {
  if (typeof run === 'string') return run
  switch (run.type) {
    case 'badge':
      return badgeText(run)
    case 'footnote':
      return '⁹'
    default:
      return run.text
  }
}

/** The width shared out: every column its minimum, the rest towards each one's maximum. */
function share(columns: readonly number[], needs: readonly ColumnNeed[], width: number): number[] {
  const min = columns.map((i) => needs[i]?.min ?? 0)
  const max = columns.map((i, k) => Math.max(needs[i]?.max ?? 0, min[k] ?? 0))
  const sumMin = min.reduce((a, b) => a + b, 0)
  const sumMax = max.reduce((a, b) => a + b, 0)
  if (sumMax <= width) {
    // Everything fits on one line: the spare room in proportion to each column's content.
    return max.map((m) => (m / sumMax) * width)
  }
  const fraction = (width - sumMin) / (sumMax - sumMin)
  return min.map((m, k) => m + ((max[k] ?? m) - m) * fraction)
}

/** A table cut down to some of its columns, for one part of a split table. */
export function tablePart(table: Table, columns: readonly number[], part: number, parts: number) {
  if (parts === 1) return table
  return {
    ...table,
    caption: `${table.caption} (part ${part + 1} of ${parts})`,
    columns: columns.map((i) => table.columns[i] ?? { label: '' }),
    rows: table.rows.map((row) => columns.map((i) => row[i] ?? '')),
  }
}

const NUMBER = /^[−-]?\(?[£$€]?[−-]?\d[\d,]*(?:\.\d+)?\)?(?:%|k|m| days?)?$/

/** Whether a column aligns right: said so, or every cell in it is a number (or a dash). */
export function alignsRight(table: Table, column: number): boolean {
  const said = table.columns[column]?.align
  if (said) return said === 'right'
  let numbers = 0
  for (const row of table.rows) {
    const text = cellRuns(row[column] ?? '')
      .map(runText)
      .join('')
      .trim()
    if (text === '' || text === '—') continue
    if (!NUMBER.test(text)) return false
    numbers++
  }
  return numbers > 0
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
