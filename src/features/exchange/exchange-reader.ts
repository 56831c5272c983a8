// Reading an uploaded file (an .xlsx workbook or one .csv sheet) into rows of cells keyed by the
// field each column fills. Problems with the file's shape come back as row errors of row 1.
import { promisify } from 'node:util'
import { inflateRaw } from 'node:zlib'
import { parse as parseStream, type Options as CsvOptions } from 'csv-parse'
import ExcelJS from 'exceljs'
import { cooperate } from '../../core/cooperate.ts'
import { AppError } from '../../errors.ts'
import {
  COLUMNS,
  headingMatches,
  IMPORT_SHEETS,
  sheetNamed,
  sheetOfHeadings,
  type Column,
  type ImportSheet,
} from './exchange-columns.ts'

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

/**
 * How much work one upload may make, whoever sends it: a file is refused before its values
 * are read when it would go past any of these. See docs/exchange.md.
 */
export interface ImportLimits {
  /** Data rows across every sheet of the file. */
  readonly maxRows: number
  /** Cells across every sheet (and strings in a workbook's shared string table). */
  readonly maxCells: number
  /** Columns of a CSV row. */
  readonly maxColumns: number
  /** A workbook's parts once unzipped, all together. */
  readonly maxUnpackedBytes: number
  /** Checking and applying the rows, once the file is read. */
  readonly timeBudgetMs: number
}

export const IMPORT_LIMITS: ImportLimits = Object.freeze({
  maxRows: 200_000,
  maxCells: 1_000_000,
  maxColumns: 100,
  maxUnpackedBytes: 50 * 1024 * 1024,
  timeBudgetMs: 120_000,
})

/** A file too big to import in one go (413): nothing is read further and nothing is written. */
export class ImportTooLarge extends AppError {
  readonly id = 'import_too_large'
  readonly status = 413
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]

export function isWorkbook(file: Uint8Array): boolean {
  return ZIP_MAGIC.every((byte, i) => file[i] === byte)
}

/** An .xlsx workbook (told by its content, not its name) or a CSV file, within `limits`. */
export async function readUpload(
  file: Uint8Array,
  limits: ImportLimits = IMPORT_LIMITS,
): Promise<ParsedFile> {
  if (file.length === 0) {
    return { sheets: [], errors: [fileError('The selected file is empty')] }
  }
  if (!isWorkbook(file)) return readCsv(file, limits)
  const measured = await measureWorkbook(
    Buffer.from(file.buffer, file.byteOffset, file.length),
    limits,
  )
  if (measured !== 'ok') return { sheets: [], errors: [fileError(measured)] }
  return readWorkbook(file)
}

const count = (n: number) => n.toLocaleString('en-GB')

function tooManyRows(limits: ImportLimits): ImportTooLarge {
  return new ImportTooLarge(
    `The file has more than ${count(limits.maxRows)} rows: split it into smaller files and import each`,
  )
}

function tooManyCells(limits: ImportLimits): ImportTooLarge {
  return new ImportTooLarge(
    `The file has more than ${count(limits.maxCells)} cells: split it into smaller files and import each`,
  )
}

const inflate = promisify(inflateRaw)

/**
 * Unzips every part of a workbook with a hard cap on the bytes it may make (a zip's own
 * sizes can lie), and counts the rows and cells of its sheets from their XML, so a workbook
 * over the limits is refused before ExcelJS builds anything from it. Answers 'ok', or a
 * problem with the file; throws ImportTooLarge for a file over the limits.
 */
async function measureWorkbook(file: Buffer, limits: ImportLimits): Promise<string> {
  const unreadable = 'The file could not be read as an Excel workbook'
  const entries = zipEntries(file)
  if (entries === null) return unreadable
  let budget = limits.maxUnpackedBytes
  let rows = 0
  let cells = 0
  for (const entry of entries) {
    const local = entry.localHeader
    if (local + 30 > file.length || file.readUInt32LE(local) !== 0x04034b50) return unreadable
    const start = local + 30 + file.readUInt16LE(local + 26) + file.readUInt16LE(local + 28)
    const data = file.subarray(start, start + entry.compressedSize)
    let xml: Buffer
    if (entry.method === 0) {
      xml = data
    } else if (entry.method === 8) {
      try {
        xml = await inflate(data, { maxOutputLength: Math.max(1, budget) })
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
          throw unpackedTooLarge(limits)
        return unreadable
      }
    } else {
      return unreadable
    }
    budget -= xml.length
    if (budget < 0) throw unpackedTooLarge(limits)
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(entry.name)) {
      const text = xml.toString('latin1')
      // Rows and cells that ExcelJS would build, counted without building them.
      rows += Math.max(0, (text.match(/<(?:\w+:)?row[\s>/]/g)?.length ?? 0) - 1)
      cells += text.match(/<(?:\w+:)?c[\s>/]/g)?.length ?? 0
    } else if (entry.name === 'xl/sharedStrings.xml') {
      cells += xml.toString('latin1').match(/<(?:\w+:)?si[\s>/]/g)?.length ?? 0
    }
    if (rows > limits.maxRows) throw tooManyRows(limits)
    if (cells > limits.maxCells) throw tooManyCells(limits)
  }
  return 'ok'
}

function unpackedTooLarge(limits: ImportLimits): ImportTooLarge {
  return new ImportTooLarge(
    `The workbook is larger than ${count(limits.maxUnpackedBytes / 1024 / 1024)} MB once unzipped: split it into smaller files and import each`,
  )
}

interface ZipEntry {
  readonly name: string
  readonly method: number
  readonly compressedSize: number
  readonly localHeader: number
}

/** The entries a zip's central directory lists, or null when there is no readable one. */
function zipEntries(file: Buffer): ZipEntry[] | null {
  // The end-of-central-directory record sits in the last 22 bytes plus any comment (< 64 KiB).
  let end = -1
  for (let i = file.length - 22; i >= Math.max(0, file.length - 22 - 0xffff); i--) {
    if (file.readUInt32LE(i) === 0x06054b50) {
      end = i
      break
    }
  }
  if (end < 0) return null
  const total = file.readUInt16LE(end + 10)
  let at = file.readUInt32LE(end + 16)
  const entries: ZipEntry[] = []
  for (let n = 0; n < total; n++) {
    if (at + 46 > file.length || file.readUInt32LE(at) !== 0x02014b50) return null
    const nameLength = file.readUInt16LE(at + 28)
    entries.push({
      method: file.readUInt16LE(at + 10),
      compressedSize: file.readUInt32LE(at + 20),
      localHeader: file.readUInt32LE(at + 42),
      name: file.toString('utf8', at + 46, at + 46 + nameLength),
    })
    at += 46 + nameLength + file.readUInt16LE(at + 30) + file.readUInt16LE(at + 32)
  }
  return entries
}

function fileError(message: string, sheet = 'File'): RowError {
  return { sheet, row: 1, column: '', message }
}

/** The cells of one header row and the data rows under it, as plain values. */
async function sheetOf(
  name: ImportSheet,
  headings: readonly Cell[],
  dataRows: readonly { row: number; cells: readonly Cell[] }[],
): Promise<{ sheet: ParsedSheet; errors: RowError[] }> {
  const tick = cooperate()
  const errors: RowError[] = []
  const known = COLUMNS[name]
  const columns: (Column | null)[] = headings.map((h, i) => {
    const text = typeof h === 'string' ? h.trim() : h === null ? '' : String(h)
    if (text === '') return null
    const column = known.find((c) => headingMatches(c, text))
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
    await tick()
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
  return headings.slice(0, index).some((h) => typeof h === 'string' && headingMatches(column, h))
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
  const worksheets: ExcelJS.Worksheet[] = []
  workbook.eachSheet((worksheet) => worksheets.push(worksheet))
  const tick = cooperate()
  for (const worksheet of worksheets) {
    const name = sheetNamed(worksheet.name)
    if (!name) continue
    const headings: Cell[] = []
    const header = worksheet.getRow(1)
    for (let c = 1; c <= worksheet.columnCount; c++) headings.push(plain(header.getCell(c).value))
    const dataRows: { row: number; cells: Cell[] }[] = []
    for (let r = 2; r <= worksheet.rowCount; r++) {
      await tick()
      const row = worksheet.getRow(r)
      const cells: Cell[] = []
      for (let c = 1; c <= headings.length; c++) cells.push(plain(row.getCell(c).value))
      dataRows.push({ row: r, cells })
    }
    const read = await sheetOf(name, headings, dataRows)
    sheets.push(read.sheet)
    errors.push(...read.errors)
  }
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

/**
 * A CSV file's text: UTF-8 (with or without a byte order mark) when it is valid UTF-8, and
 * otherwise Windows-1252, as Excel writes "CSV" on a Windows PC in the UK.
 */
export function decodeCsv(file: Uint8Array): { text: string; encoding: 'UTF-8' | 'Windows-1252' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(file), encoding: 'UTF-8' }
  } catch {
    return { text: new TextDecoder('windows-1252').decode(file), encoding: 'Windows-1252' }
  }
}

/**
 * Parses CSV text a slice at a time, letting other requests run between slices: a large file
 * never holds the event loop for long.
 */
export function parseCsvText(
  text: string,
  options: Omit<CsvOptions, 'on_record'> & { on_record?: (record: string[]) => string[] },
): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const records: string[][] = []
    const parser = parseStream(options as CsvOptions)
    // Set by the parser's events, read by the loop feeding it.
    const state = { failed: false, ended: false }
    parser.on('readable', () => {
      let record: string[] | null
      while ((record = parser.read() as string[] | null) !== null) records.push(record)
    })
    parser.on('error', (error) => {
      state.failed = true
      reject(error)
    })
    parser.on('end', () => {
      state.ended = true
      resolve(records)
    })
    void (async () => {
      for (let i = 0; i < text.length && !state.failed && !state.ended; i += CSV_SLICE) {
        parser.write(text.slice(i, i + CSV_SLICE))
        await new Promise<void>((next) => setImmediate(next))
      }
      if (!state.failed && !state.ended) parser.end()
    })()
  })
}

/** Characters of CSV parsed between turns of the event loop. */
const CSV_SLICE = 64 * 1024

async function readCsv(file: Uint8Array, limits: ImportLimits): Promise<ParsedFile> {
  let records: string[][]
  let cells = 0
  try {
    records = await parseCsvText(decodeCsv(file).text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      // Parsing stops one row past the limit: enough to know the file is over it.
      to_line: limits.maxRows + 2,
      max_record_size: 1024 * 1024,
      on_record: (record: string[]) => {
        if (record.length > limits.maxColumns) {
          throw new ImportTooLarge(
            `A row of the file has more than ${count(limits.maxColumns)} columns: use the columns of the template`,
          )
        }
        cells += record.length
        if (cells > limits.maxCells) throw tooManyCells(limits)
        return record
      },
    })
  } catch (error) {
    if (error instanceof ImportTooLarge) throw error
    return {
      sheets: [],
      errors: [
        fileError(
          `The file is neither an Excel workbook nor readable CSV: ${(error as Error).message}`,
        ),
      ],
    }
  }
  if (records.length > limits.maxRows + 1) throw tooManyRows(limits)
  const [header = [], ...rest] = records
  const name = sheetOfHeadings(header)
  if (!name) {
    return {
      sheets: [],
      errors: [
        fileError(
          'The CSV header row does not say which sheet it holds: Measures need "Code" and "Title", Targets "Measure code" and "Target", Values "Measure code" and "Value", Risks "Reference" and "Register", Savings "Reference" and "Financial year", Projects "Code", "Title" and "Level" (or Pentana’s "Action Code"), Milestones "Project code" and "Milestone"',
        ),
      ],
    }
  }
  const read = await sheetOf(
    name,
    header,
    rest.map((cells, i) => ({ row: i + 2, cells })),
  )
  return { sheets: [read.sheet], errors: read.errors }
}
