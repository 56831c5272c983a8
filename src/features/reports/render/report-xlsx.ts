// A report as an Excel workbook: a Summary sheet (title, meta, narrative, an index of tables,
// notes), then one sheet per table with its caption, a bold frozen header row, numbers stored
// as numbers in the format the report shows them, and columns sized to their contents.
import ExcelJS from 'exceljs'
import type { Inline, ReportDocument, Table } from '../report-document.ts'
import { cellNumber, Footnotes, plainText } from './render-helpers.ts'

const MAX_SHEET_NAME = 31
const NARRATIVE_WIDTH = 90
/** ExcelJS.PaperSize.A4: a const enum that exists only in the types, so not at run time. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
const A4 = 9 as ExcelJS.PaperSize
const HEADER_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFE5E6E7' },
}

export async function reportXlsx(doc: ReportDocument): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = doc.organisation
  workbook.lastModifiedBy = 'Golden Thread'
  workbook.title = doc.title
  workbook.subject = doc.subtitle ?? doc.title
  workbook.company = doc.organisation
  workbook.description = doc.meta.map((m) => `${m.label}: ${m.value}`).join('; ')

  const footnotes = new Footnotes()
  const summary = workbook.addWorksheet('Summary', {
    properties: { tabColor: { argb: 'FF1D70B8' } },
  })
  summary.columns = [{ width: 28 }, { width: NARRATIVE_WIDTH }]
  summary.pageSetup = printSetup('portrait')
  const title = summary.addRow([doc.title])
  title.font = { bold: true, size: 16 }
  if (doc.subtitle) summary.addRow([doc.subtitle]).font = { size: 12, color: { argb: 'FF484949' } }
  summary.addRow([doc.organisation])
  summary.addRow([])
  for (const m of doc.meta) {
    const row = summary.addRow([m.label, m.value])
    row.getCell(1).font = { bold: true }
  }

  const names = new SheetNames()
  const index: { name: string; caption: string }[] = []
  const addTable = (table: Table) => {
    const name = names.claim(table.caption)
    index.push({ name, caption: table.caption })
    tableSheet(workbook.addWorksheet(name), table, footnotes)
  }
  const text = (content: readonly Inline[]) => plainText(content, footnotes)
  const narrative = (value: string, font?: Partial<ExcelJS.Font>, label = '') => {
    const row = summary.addRow([label, value])
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' }
    if (font) row.getCell(2).font = font
    // Spreadsheets do not grow a row to its wrapped text when they open a file: give it room.
    const lines = Math.ceil(value.length / (NARRATIVE_WIDTH * 0.95))
    if (lines > 1) row.height = lines * 15
  }
  for (const block of doc.blocks) {
    switch (block.type) {
      case 'heading':
        if (block.level === 1) summary.addRow([])
        narrative(block.text, { bold: true, size: [14, 12, 11][block.level - 1] ?? 11 })
        break
      case 'paragraph':
        narrative(text(block.content))
        break
      case 'list':
        block.items.forEach((item, i) => {
          narrative(`${block.ordered ? `${i + 1}.` : '•'} ${text(item)}`)
        })
        break
      case 'table':
        narrative(`See the sheet "${names.peek(block.caption)}": ${block.caption}.`)
        addTable(block)
        break
      case 'chart':
        narrative(`Chart: ${block.caption ?? ''} ${block.alt}`.replace(/\s+/g, ' '))
        if (block.data) {
          narrative(`See the sheet "${names.peek(block.data.caption)}": ${block.data.caption}.`)
          addTable(block.data)
        }
        break
      case 'page_break':
        break
    }
  }
  summary.addRow([])
  summary.addRow(['Tables']).font = { bold: true, size: 12 }
  for (const entry of index) {
    const row = summary.addRow([entry.name, entry.caption])
    row.getCell(1).value = {
      text: entry.name,
      hyperlink: `#'${entry.name.replace(/'/g, "''")}'!A1`,
    }
    row.getCell(1).font = { color: { argb: 'FF1D70B8' }, underline: true }
  }
  if (footnotes.notes.length > 0) {
    summary.addRow([])
    summary.addRow(['Notes']).font = { bold: true, size: 12 }
    footnotes.notes.forEach((note, i) => {
      narrative(note, undefined, `[${i + 1}]`)
    })
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

function tableSheet(sheet: ExcelJS.Worksheet, table: Table, footnotes: Footnotes): void {
  const caption = sheet.addRow([table.caption])
  caption.font = { bold: true, size: 12 }
  const header = sheet.addRow(table.columns.map((c) => c.label))
  header.font = { bold: true }
  header.eachCell((cell) => {
    cell.fill = HEADER_FILL
    cell.border = { bottom: { style: 'thin', color: { argb: 'FF0B0C0C' } } }
  })
  const widths = table.columns.map((c) => c.label.length)
  const totals = new Set(table.totalRows ?? [])
  table.rows.forEach((cells, r) => {
    const row = sheet.addRow([])
    cells.forEach((value, i) => {
      const cell = row.getCell(i + 1)
      const shown = plainText(value, footnotes)
      const number = cellNumber(value)
      if (number === undefined) {
        cell.value = shown
      } else {
        cell.value = number
        cell.numFmt = numberFormat(shown)
      }
      widths[i] = Math.max(widths[i] ?? 0, shown.length)
    })
    if (totals.has(r)) row.font = { bold: true }
  })
  sheet.columns.forEach((column, i) => {
    const width = Math.min(60, Math.max(8, (widths[i] ?? 8) + 2))
    column.width = width
    const right = table.columns[i]?.align === 'right'
    column.alignment = {
      vertical: 'top',
      wrapText: width >= 60,
      horizontal: right ? 'right' : 'left',
    }
  })
  sheet.views = [{ state: 'frozen', ySplit: 2, xSplit: 0, topLeftCell: 'A3' }]
  const total = widths.reduce((a, b) => a + Math.min(60, Math.max(8, b + 2)), 0)
  sheet.pageSetup = { ...printSetup(total > 100 ? 'landscape' : 'portrait'), printTitlesRow: '1:2' }
  if (table.columns.length > 0) {
    sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: table.columns.length } }
  }
}

/** A4, as wide as one page, as many pages long as it needs. */
function printSetup(orientation: 'portrait' | 'landscape'): Partial<ExcelJS.PageSetup> {
  return {
    paperSize: A4,
    orientation,
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    margins: { left: 0.6, right: 0.6, top: 0.7, bottom: 0.7, header: 0.3, footer: 0.3 },
  }
}

/**
 * The Excel number format that shows a number as the report's text does: its prefix and
 * suffix (`£`, `%`, ` days`), thousands separators and decimal places.
 */
export function numberFormat(text: string): string {
  // Accounts' negatives in brackets, "(1,250)": the same format with brackets for negatives.
  const bracketed = /^\((.*)\)$/.exec(text)
  if (bracketed) {
    const positive = numberFormat(bracketed[1] ?? '').split(';')[0] ?? 'General'
    return positive === 'General' ? positive : `${positive};(${positive})`
  }
  const match = /^([^\d]*?)([−-]?)([^\d−-]*)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(.*)$/.exec(text)
  if (!match) return 'General'
  const [, before = '', minus = '', prefix = '', whole = '', decimals = '', suffix = ''] = match
  const digits = `${whole.includes(',') ? '#,##0' : '0'}${decimals ? `.${'0'.repeat(decimals.length)}` : ''}`
  const lead = `${before}${prefix}`
  const positive = `${literal(lead)}${digits}${literal(suffix)}`
  const negativeSign = minus === '−' ? '"−"' : '-'
  return `${positive};${negativeSign}${positive}`
}

function literal(text: string): string {
  return text === '' ? '' : `"${text.replace(/"/g, '')}"`
}

/** At most `length` characters, cut at a word boundary when one is near the end. */
function truncate(text: string, length: number): string {
  if (text.length <= length) return text
  const cut = text.slice(0, length)
  const space = cut.lastIndexOf(' ')
  return (space >= length - 12 ? cut.slice(0, space) : cut).replace(/[\s,;.–-]+$/, '')
}

/** Excel's rules: at most 31 characters, none of : \ / ? * [ ], unique ignoring case. */
class SheetNames {
  private readonly taken = new Set<string>(['summary', 'history'])

  /** The name the next table with this caption will get. */
  peek(caption: string): string {
    return this.next(caption)
  }

  claim(caption: string): string {
    const name = this.next(caption)
    this.taken.add(name.toLowerCase())
    return name
  }

  private next(caption: string): string {
    const base =
      caption
        .replace(/[:\\/?*[\]]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
        .replace(/^'+|'+$/g, '') || 'Table'
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? '' : ` (${n})`
      const name = `${truncate(base, MAX_SHEET_NAME - suffix.length)}${suffix}`
      if (!this.taken.has(name.toLowerCase())) return name
    }
  }
}
