// Every table of a report as CSV: each table's caption on a line of its own, then its header
// and rows, a blank line between tables; RFC 4180 quoting, CRLF, UTF-8 with a byte order mark
// so Excel reads the symbols and pound signs. The writer and its formula rule are core/csv.ts.
import { csvRecords } from '../../../core/csv.ts'
import type { ReportDocument, Table } from '../report-document.ts'
import { Footnotes, plainText, reportTables } from './render-helpers.ts'

export function reportCsv(doc: ReportDocument): string {
  const footnotes = new Footnotes()
  const sections = reportTables(doc).map((table) => tableRecords(table, footnotes))
  if (footnotes.notes.length > 0) {
    const notes = footnotes.notes.map((text, i) => [`[${i + 1}]`, text])
    sections.push([['Notes'], ['Note', 'Text'], ...notes])
  }
  // An empty record between tables: a blank line.
  return csvRecords(
    sections.flatMap((records, i) => (i === 0 ? records : [[], ...records])),
    { bom: true },
  )
}

function tableRecords(table: Table, footnotes: Footnotes): string[][] {
  return [
    [table.caption],
    table.columns.map((c) => c.label),
    ...table.rows.map((row) => row.map((cell) => plainText(cell, footnotes))),
  ]
}

/** One field, defused and quoted where RFC 4180 needs it. */
export function csvField(value: string): string {
  return csvRecords([[value]]).slice(0, -2)
}

export { defuseFormula } from '../../../core/csv.ts'
