// Building upload files for tests: a workbook from sheets of rows, or CSV text.
import ExcelJS from 'exceljs'

export type Rows = readonly (readonly (string | number | null)[])[]

export async function workbookFile(sheets: Readonly<Record<string, Rows>>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = workbook.addWorksheet(name)
    for (const row of rows) sheet.addRow([...row])
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

export function csvFile(rows: Rows): Buffer {
  const cell = (c: string | number | null) =>
    c === null ? '' : /[",\n]/.test(String(c)) ? `"${String(c).replaceAll('"', '""')}"` : String(c)
  return Buffer.from(rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n')
}

export const MEASURE_HEADINGS = [
  'Code',
  'Title',
  'Unit',
  'Decimal places',
  'Polarity',
  'Frequency',
  'Owning unit',
  'Cumulative',
  'Public',
]
