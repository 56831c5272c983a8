// Reading an uploaded file (an .xlsx workbook or one .csv sheet) into rows of cells keyed by the
// field each column fills. Problems with the file's shape come back as row errors of row 1.
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import {
  COLUMNS,
  IMPORT_SHEETS,
  sheetNamed,
  sheetOfHeadings,
  type Column,
} from './exchange-columns.ts'
import type { ImportSheet } from './exchange-columns.ts'

export type Cell = string | number | boolean | null

export interface RowError {
  readonly sheet: string
  readonly row: number
  readonly column: string
  readonly message: string
}

export interface SheetRow {
  /** The row's number as the spreadsheet shows it: the header is row 1. */
  readonly row: number
  /** Cells of the columns present, by field; a column absent from the sheet is absent here. */
  readonly cells: ReadonlyMap<string, Cell>
}

export interface ParsedSheet {
  readonly name: ImportSheet
  readonly columns: readonly Column[]
  readonly rows: readonly SheetRow[]
}

export interface ParsedFile {
  readonly sheets: readonly ParsedSheet[]
  readonly errors: readonly RowError[]
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]

export function isWorkbook(file: Uint8Array): boolean {
  return ZIP_MAGIC.every((byte, i) => file[i] === byte)
}

/** An .xlsx workbook (told by its content, not its name) or a CSV file. */
export async function readUpload(file: Uint8Array): Promise<ParsedFile> {
  if (file.length === 0) {
    return { sheets: [], errors: [fileError('The selected file is empty')] }
  }
  return isWorkbook(file) ? readWorkbook(file) : readCsv(file)
}

function fileError(message: string, sheet = 'File'): RowError {
  return { sheet, row: 1, column: '', message }
}

/** The cells of one header row and the data rows under it, as plain values. */
function sheetOf(
  name: ImportSheet,
  headings: readonly Cell[],
  dataRows: readonly { row: number; cells: readonly Cell[] }[],
): { sheet: ParsedSheet; errors: RowError[] } {
  const errors: RowError[] = []
  const known = COLUMNS[name]
  const columns: (Column | null)[] = headings.map((h, i) => {
    const text = typeof h === 'string' ? h.trim() : h === null ? '' : String(h)
    if (text === '') return null
    const column = known.find((c) => c.heading.toLowerCase() === text.toLowerCase())
    if (!column) {
      errors.push({
        sheet: name,
        row: 1,
        column: text,
        message: `There is no column "${text}" in the ${name} sheet: use the headings of the template (${known.map((c) => c.heading).join(', ')})`,
      })
      return null
    }
    if (seenBefore(headings, i, column)) {
      errors.push({ sheet: name, row: 1, column: text, message: `"${text}" is there twice` })
      return null
    }
    return column
  })
  for (const required of known.filter((c) => c.required)) {
    if (!columns.includes(required)) {
      errors.push({
        sheet: name,
        row: 1,
        column: required.heading,
        message: `The ${name} sheet needs a "${required.heading}" column`,
      })
    }
  }
  const rows: SheetRow[] = []
  for (const { row, cells } of dataRows) {
    if (cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''))) continue
    const byField = new Map<string, Cell>()
    columns.forEach((column, i) => {
      if (column && column.kind !== 'ignored') byField.set(column.field, cells[i] ?? null)
    })
    rows.push({ row, cells: byField })
  }
  return { sheet: { name, columns: columns.filter((c) => c !== null), rows }, errors }
}

function seenBefore(headings: readonly Cell[], index: number, column: Column): boolean {
  return headings
    .slice(0, index)
    .some((h) => typeof h === 'string' && h.trim().toLowerCase() === column.heading.toLowerCase())
}

function plain(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value
  }
  // A date typed into Excel: its day, which a period column reads as the period's first day.
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if ('richText' in value) return value.richText.map((r) => r.text).join('')
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: unknown }).result
    return typeof result === 'object' ? null : ((result as Cell | undefined) ?? null)
  }
  if ('text' in value) return value.text
  if ('error' in value) return null
  return null
}

async function readWorkbook(file: Uint8Array): Promise<ParsedFile> {
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(file as unknown as ArrayBuffer)
  } catch {
    return { sheets: [], errors: [fileError('The file could not be read as an Excel workbook')] }
  }
  const sheets: ParsedSheet[] = []
  const errors: RowError[] = []
  workbook.eachSheet((worksheet) => {
    const name = sheetNamed(worksheet.name)
    if (!name) return
    const headings: Cell[] = []
    const header = worksheet.getRow(1)
    for (let c = 1; c <= worksheet.columnCount; c++) headings.push(plain(header.getCell(c).value))
    const dataRows: { row: number; cells: Cell[] }[] = []
    for (let r = 2; r <= worksheet.rowCount; r++) {
      const row = worksheet.getRow(r)
      const cells: Cell[] = []
      for (let c = 1; c <= headings.length; c++) cells.push(plain(row.getCell(c).value))
      dataRows.push({ row: r, cells })
    }
    const read = sheetOf(name, headings, dataRows)
    sheets.push(read.sheet)
    errors.push(...read.errors)
  })
  if (sheets.length === 0) {
    errors.push(
      fileError(
        `The workbook has none of the sheets ${IMPORT_SHEETS.join(', ')}: use the template`,
      ),
    )
  }
  sheets.sort((a, b) => IMPORT_SHEETS.indexOf(a.name) - IMPORT_SHEETS.indexOf(b.name))
  return { sheets, errors }
}

function readCsv(file: Uint8Array): ParsedFile {
  let records: string[][]
  try {
    records = parse(Buffer.from(file), {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
    })
  } catch (error) {
    return {
      sheets: [],
      errors: [
        fileError(
          `The file is neither an Excel workbook nor readable CSV: ${(error as Error).message}`,
        ),
      ],
    }
  }
  const [header = [], ...rest] = records
  const name = sheetOfHeadings(header)
  if (!name) {
    return {
      sheets: [],
      errors: [
        fileError(
          'The CSV header row does not say which sheet it holds: Measures need "Code" and "Title", Targets "Measure code" and "Target", Values "Measure code" and "Value", Risks "Reference" and "Register", Savings "Reference" and "Financial year"',
        ),
      ],
    }
  }
  const read = sheetOf(
    name,
    header,
    rest.map((cells, i) => ({ row: i + 2, cells })),
  )
  return { sheets: [read.sheet], errors: read.errors }
}
