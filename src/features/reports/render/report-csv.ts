// Every table of a report as CSV: each table's caption on a line of its own, then its header
// and rows, a blank line between tables; RFC 4180 quoting, CRLF, UTF-8 with a byte order mark
// so Excel reads the symbols and pound signs.
import type { ReportDocument, Table } from '../report-document.ts'
import { Footnotes, plainText, reportTables } from './render-helpers.ts'

const BOM = '\uFEFF'
const CRLF = '\r\n'

export function reportCsv(doc: ReportDocument): string {
  const footnotes = new Footnotes()
  const sections = reportTables(doc).map((table) => tableCsv(table, footnotes))
  if (footnotes.notes.length > 0) {
    const notes = footnotes.notes.map((text, i) => csvLine([`[${i + 1}]`, text]))
    sections.push([csvLine(['Notes']), csvLine(['Note', 'Text']), ...notes].join(''))
  }
  return BOM + sections.join(CRLF)
}

function tableCsv(table: Table, footnotes: Footnotes): string {
  const lines = [csvLine([table.caption]), csvLine(table.columns.map((c) => c.label))]
  for (const row of table.rows) lines.push(csvLine(row.map((cell) => plainText(cell, footnotes))))
  return lines.join('')
}

function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + CRLF
}

/** One field, defused and quoted where RFC 4180 needs it. */
export function csvField(value: string): string {
  const safe = defuseFormula(value)
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a
 * formula, so such text gets a leading apostrophe. A plain number such as `-12.5` is left as
 * it is: it cannot be a formula, and Excel should read it as a number.
 */
export function defuseFormula(value: string): string {
  if (/^-?\d+(?:\.\d+)?$/.test(value)) return value
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}
