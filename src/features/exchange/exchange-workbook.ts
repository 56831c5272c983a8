// Writing the exchange workbook: the empty template with its Notes sheet, and the export, in
// the layout of exchange-columns.ts so an exported file can be edited and imported again.
import ExcelJS from 'exceljs'
import { COLUMNS, IMPORT_SHEETS, type ImportSheet } from './exchange-columns.ts'

export type CellOut = string | number | null

export interface ExtraSheet {
  readonly name: string
  readonly headings: readonly string[]
  readonly rows: readonly (readonly CellOut[])[]
}

const HEADER_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFE5E6E7' },
}

/** A sheet with a bold, frozen header row and columns sized to their contents. */
function addSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  headings: readonly string[],
  rows: readonly (readonly CellOut[])[],
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] })
  const header = sheet.addRow([...headings])
  header.font = { bold: true }
  header.eachCell((cell) => {
    cell.fill = HEADER_FILL
  })
  for (const row of rows) sheet.addRow([...row])
  sheet.columns.forEach((column, i) => {
    // Money stays a raw number for formulas and re-import; Excel shows it grouped, with pence
    // only where the column has any.
    if (/\(£\)$/.test(headings[i] ?? '')) {
      const pence = rows.some((r) => {
        const v = r[i]
        return typeof v === 'number' && !Number.isInteger(v)
      })
      column.numFmt = pence ? '#,##0.00' : '#,##0'
    }
    const longest = Math.max(
      headings[i]?.length ?? 0,
      ...rows.slice(0, 500).map((r) => String(r[i] ?? '').length),
    )
    column.width = Math.min(60, Math.max(10, longest + 2))
  })
  return sheet
}

function notesSheet(workbook: ExcelJS.Workbook): void {
  const rows: CellOut[][] = []
  for (const sheet of IMPORT_SHEETS) {
    for (const c of COLUMNS[sheet]) {
      rows.push([
        sheet,
        c.heading,
        c.required ? 'Yes' : 'No',
        c.choices ? Object.values(c.choices).join('; ') : c.notes,
        c.example === '' ? null : c.example,
      ])
    }
  }
  const sheet = addSheet(
    workbook,
    'Notes',
    ['Sheet', 'Column', 'Required', 'What to enter', 'Example'],
    rows,
  )
  sheet.getColumn(4).width = 80
  sheet.getColumn(4).alignment = { wrapText: true, vertical: 'top' }
}

async function bufferOf(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/** The template: the import sheets with headings only, and the Notes sheet. */
export async function templateWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Golden Thread'
  for (const sheet of IMPORT_SHEETS) {
    addSheet(
      workbook,
      sheet,
      COLUMNS[sheet].map((c) => c.heading),
      [],
    )
  }
  notesSheet(workbook)
  return bufferOf(workbook)
}

/** The export: the import sheets filled in, then read-only sheets, then the Notes sheet. */
export async function exportWorkbook(
  organisation: string,
  sheets: Readonly<Record<ImportSheet, readonly (readonly CellOut[])[]>>,
  extra: readonly ExtraSheet[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = organisation
  workbook.lastModifiedBy = 'Golden Thread'
  workbook.title = `${organisation}: Golden Thread export`
  for (const sheet of IMPORT_SHEETS) {
    addSheet(
      workbook,
      sheet,
      COLUMNS[sheet].map((c) => c.heading),
      sheets[sheet],
    )
  }
  for (const sheet of extra) addSheet(workbook, sheet.name, sheet.headings, sheet.rows)
  notesSheet(workbook)
  return bufferOf(workbook)
}
