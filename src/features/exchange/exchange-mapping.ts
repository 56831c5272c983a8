// A council's own spreadsheet read through a column mapping: which column holds the code, the
// title, the period, the value and so on, or (a wide file) which columns are periods. The
// mapping turns the file into the product's own Measures, Targets and Values sheets, which
// the import then checks and applies exactly as it does the template. See docs/exchange.md.
import ExcelJS from 'exceljs'
import { z } from 'zod'
import type { Frequency } from '../../core/periods.ts'
import { POLARITIES } from '../../core/status.ts'
import { MEASURE_UNITS } from '../measures/index.ts'
import { COLUMNS, headingMatches } from './exchange-columns.ts'
import { recognisePeriod } from './exchange-periods.ts'
import {
  decodeCsv,
  isWorkbook,
  parseCsvText,
  type Cell,
  type ParsedSheet,
  type RowError,
  type SheetRow,
} from './exchange-reader.ts'

export const ROLES = [
  'code',
  'title',
  'period',
  'value',
  'target',
  'unit',
  'polarity',
  'commentary',
  'numerator',
  'denominator',
  'ignore',
] as const
export type Role = (typeof ROLES)[number]

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  code: 'Measure code',
  title: 'Title',
  period: 'Period',
  value: 'Value',
  target: 'Target',
  unit: 'Unit',
  polarity: 'Polarity',
  commentary: 'Commentary',
  numerator: 'Numerator',
  denominator: 'Denominator',
  ignore: 'Not imported',
}

/** The product's sheets a council's own file may be mapped onto, besides measures and figures. */
export const OTHER_SHEETS = ['Projects', 'Milestones', 'Plan items'] as const
export type OtherSheet = (typeof OTHER_SHEETS)[number]

export const Mapping = z.object({
  /** Each heading of the file and what its column holds. */
  columns: z.record(z.string(), z.enum(ROLES)),
  /** Wide: the headings that are periods hold each period's value. Long: a Period column. */
  layout: z.enum(['long', 'wide']),
  /** Only the rows whose `column` holds `value` (a file of many councils, like LGBF). */
  only: z.object({ column: z.string(), value: z.string() }).optional(),
  /** For measures the file creates: the unit and polarity when no column gives them. */
  unit: z.enum(MEASURE_UNITS).optional(),
  polarity: z.enum(POLARITIES).optional(),
  /** A fraction (0.98) in a percentage measure's column is read as 98%. */
  fractionsArePercentages: z.boolean().optional(),
  /**
   * A file of projects, milestones or plan items instead of measures: `fields` says which of
   * that sheet's columns (by field) each heading holds, or 'ignore'; `columns` is then unused.
   */
  sheet: z.enum(OTHER_SHEETS).optional(),
  fields: z.record(z.string(), z.string().max(100)).optional(),
})
export type Mapping = z.output<typeof Mapping>

/** A sheet of a council's own file: its headings and rows of plain cells. */
export interface Table {
  readonly headings: readonly string[]
  readonly rows: readonly { readonly row: number; readonly cells: readonly Cell[] }[]
}

export interface Analysis {
  readonly headings: readonly string[]
  /** The first rows, to show beside the mapping. */
  readonly sample: readonly (readonly Cell[])[]
  readonly suggested: Mapping
  /** What the person must answer before the file can be imported: never guessed. */
  readonly questions: readonly string[]
  /** A fingerprint of the headings, under which a confirmed mapping is remembered. */
  readonly signature: string
}

/** Reads the first sheet of a workbook, or a CSV file (UTF-8 or Windows-1252). */
export async function readTable(file: Uint8Array): Promise<Table> {
  if (!isWorkbook(file)) {
    const records = await parseCsvText(decodeCsv(file).text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
    })
    const [header = [], ...rest] = records
    return {
      headings: header.map((h) => h.trim()),
      rows: rest
        .map((cells, i) => ({ row: i + 2, cells: cells.map((c) => (c === '' ? null : c)) }))
        .filter((r) => r.cells.some((c) => c !== null && c.trim() !== '')),
    }
  }
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(file as unknown as ArrayBuffer)
  const sheet = workbook.worksheets[0]
  if (!sheet) return { headings: [], rows: [] }
  const text = (v: ExcelJS.CellValue): Cell => {
    if (v === null || v === undefined) return null
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v
    if (v instanceof Date) return v.toISOString().slice(0, 10)
    if ('result' in v) return (v.result as Cell | undefined) ?? null
    if ('richText' in v) return v.richText.map((r) => r.text).join('')
    return null
  }
  const headings: string[] = []
  for (let c = 1; c <= sheet.columnCount; c++) {
    headings.push(String(text(sheet.getRow(1).getCell(c).value) ?? '').trim())
  }
  const rows: { row: number; cells: Cell[] }[] = []
  for (let r = 2; r <= sheet.rowCount; r++) {
    const cells = headings.map((_, c) => text(sheet.getRow(r).getCell(c + 1).value))
    if (cells.some((c) => c !== null && String(c).trim() !== '')) rows.push({ row: r, cells })
  }
  return { headings, rows }
}

/** Heading words that suggest a column's role, tried in this order. */
const HINTS: readonly [Role, RegExp][] = [
  ['code', /^(kpi|pi|measure|indicator)?[\s_-]*(code|ref|reference|id)$|^code$/i],
  [
    'title',
    /^(title|description|name|indicator|measure|kpi|(pi|kpi|measure|indicator)[\s_-]*(name|title)|short name)$/i,
  ],
  ['period', /^(period|quarter|month|year|financial year|reporting period|date)$/i],
  [
    'value',
    /^(value|actual|outturn|result|this[\s_]quarter|this[\s_]period|current|performance)$/i,
  ],
  ['target', /^(target|goal|this[\s_]year'?s?[\s_]target)$/i],
  ['unit', /^(unit|units|measure type|format)$/i],
  ['polarity', /^(polarity|direction|good is|higher or lower)$/i],
  ['commentary', /^(commentary|comment|comments|notes?|narrative|explanation)$/i],
  ['numerator', /^numerator$/i],
  ['denominator', /^denominator$/i],
]

const loose = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '')

/**
 * The suggested column of `sheet` for each heading: the column whose heading or alias it is
 * (Pentana's and other systems' among them), else one whose heading it matches but for spaces
 * and punctuation; each column once; anything else is not imported.
 */
export function suggestFields(headings: readonly string[], sheet: OtherSheet) {
  const taken = new Set<string>()
  const fields: Record<string, string> = {}
  for (const heading of headings) {
    if (heading === '') continue
    const free = COLUMNS[sheet].filter((c) => !taken.has(c.field))
    const found =
      free.find((c) => headingMatches(c, heading)) ??
      free.find(
        (c) =>
          loose(c.heading) === loose(heading) ||
          (c.aliases ?? []).some((a) => loose(a) === loose(heading)),
      )
    if (found) taken.add(found.field)
    fields[heading] = found?.field ?? 'ignore'
  }
  return fields
}

/** A file mapped onto the Projects, Milestones or Plan items sheet, read as that sheet. */
function otherSheet(
  table: Table,
  mapping: Mapping & { sheet: OtherSheet },
): { sheets: ParsedSheet[]; errors: RowError[] } {
  const errors: RowError[] = []
  const fields = mapping.fields ?? {}
  const columns = COLUMNS[mapping.sheet]
  const used = new Map<string, string>()
  const mapped: { at: number; column: (typeof columns)[number] }[] = []
  table.headings.forEach((heading, at) => {
    const field = fields[heading] ?? 'ignore'
    if (heading === '' || field === 'ignore') return
    const column = columns.find((c) => c.field === field)
    if (!column) {
      errors.push({
        sheet: 'File',
        row: 1,
        column: heading,
        message: `The ${mapping.sheet} sheet has no such column`,
      })
      return
    }
    const earlier = used.get(field)
    if (earlier !== undefined) {
      errors.push({
        sheet: 'File',
        row: 1,
        column: heading,
        message: `“${earlier}” already holds the ${column.heading}: choose one column for it`,
      })
      return
    }
    used.set(field, heading)
    mapped.push({ at, column })
  })
  for (const column of columns) {
    if (column.required && !used.has(column.field)) {
      errors.push({
        sheet: 'File',
        row: 1,
        column: '',
        message: `Say which column holds the ${column.heading.toLowerCase()}`,
      })
    }
  }
  const onlyAt = mapping.only ? table.headings.indexOf(mapping.only.column) : -1
  const rows: SheetRow[] = table.rows
    .filter((r) => !mapping.only || String(r.cells[onlyAt] ?? '').trim() === mapping.only.value)
    .map((r) => ({
      row: r.row,
      cells: new Map(mapped.map(({ at, column }) => [column.field, r.cells[at] ?? null])),
    }))
  return {
    sheets:
      errors.length > 0
        ? []
        : [{ name: mapping.sheet, columns: mapped.map((m) => m.column), rows }],
    errors,
  }
}

export function signatureOf(headings: readonly string[]): string {
  return headings
    .map((h) => h.toLowerCase().replace(/\s+/g, ' ').trim())
    .filter((h) => recognisePeriodHeading(h) === null)
    .join('|')
}

function recognisePeriodHeading(heading: string) {
  const r = recognisePeriod(heading)
  return 'period' in r ? r.period : null
}

/** The columns of the file, a sample and a suggested mapping, with the questions to ask. */
export function analyse(table: Table): Analysis {
  const columns: Record<string, Role> = {}
  const periodHeadings = table.headings.filter((h) => recognisePeriodHeading(h) !== null)
  const layout = periodHeadings.length >= 2 ? 'wide' : 'long'
  const taken = new Set<Role>()
  for (const heading of table.headings) {
    if (heading === '') continue
    if (layout === 'wide' && periodHeadings.includes(heading)) {
      columns[heading] = 'value'
      continue
    }
    const hint = HINTS.find(([role, re]) => !taken.has(role) && re.test(heading.trim()))
    const role = hint?.[0] ?? 'ignore'
    if (role !== 'ignore') taken.add(role)
    columns[heading] = role
  }
  const questions: string[] = []
  const needs: Role[] = layout === 'wide' ? ['code'] : ['code', 'period', 'value']
  for (const role of needs) {
    if (!taken.has(role))
      questions.push(`Which column holds the ${ROLE_NAMES[role].toLowerCase()}?`)
  }
  if (!taken.has('polarity')) {
    questions.push(
      'For measures the file creates: is higher better or lower better? (no column says)',
    )
  }
  // A column naming many organisations (the same code and period on many rows): which is yours?
  const codeAt = table.headings.findIndex((h) => columns[h] === 'code')
  const periodAt = table.headings.findIndex((h) => columns[h] === 'period')
  if (codeAt >= 0 && periodAt >= 0) {
    const keys = new Set(
      table.rows.map((r) => `${String(r.cells[codeAt])}|${String(r.cells[periodAt])}`),
    )
    if (keys.size < table.rows.length) {
      // The column that, with the code and period, tells the rows apart, with fewest values.
      const candidate = table.headings
        .map((h, i) => ({ h, i }))
        .filter(({ h, i }) => {
          if (columns[h] !== 'ignore') return false
          const distinct = new Set(table.rows.map((r) => r.cells[i]))
          if (distinct.size < 2 || distinct.size >= table.rows.length / 2) return false
          const triples = new Set(
            table.rows.map(
              (r) =>
                `${String(r.cells[codeAt])}|${String(r.cells[periodAt])}|${String(r.cells[i])}`,
            ),
          )
          return triples.size === table.rows.length
        })
        .sort(
          (a, b) =>
            new Set(table.rows.map((r) => r.cells[a.i])).size -
            new Set(table.rows.map((r) => r.cells[b.i])).size,
        )[0]?.h
      questions.push(
        candidate
          ? `The file has the same measure and period on more than one row: which "${candidate}" is your council?`
          : 'The file has the same measure and period on more than one row: say which rows are yours',
      )
    }
  }
  return {
    headings: table.headings,
    sample: table.rows.slice(0, 5).map((r) => r.cells),
    suggested: { columns, layout },
    questions,
    signature: signatureOf(table.headings),
  }
}

const UNIT_WORDS: Readonly<Record<string, (typeof MEASURE_UNITS)[number]>> = {
  '%': 'percent',
  percent: 'percent',
  percentage: 'percent',
  '£': 'currency',
  gbp: 'currency',
  money: 'currency',
  cost: 'currency',
  currency: 'currency',
  number: 'number',
  count: 'number',
  no: 'number',
  '#': 'number',
  days: 'days',
  day: 'days',
  ratio: 'ratio',
}

/** A figure as councils type them: "95.3", "95.3%", "£1,200", "1,200"; blank or "n/a" is none. */
export function readFigure(cell: Cell): number | null | 'bad' {
  if (cell === null) return null
  if (typeof cell === 'number') return cell
  const text = String(cell).trim()
  if (text === '' || /^(n\/?a|-|–|null|none|\.\.|x|tbc|not available)$/i.test(text)) return null
  const plain = text.replace(/^£/, '').replace(/%$/, '').replace(/,/g, '').trim()
  const n = Number(plain)
  return plain !== '' && Number.isFinite(n) ? n : 'bad'
}

/** A code as the product stores it: upper case, spaces become hyphens ("CORP 09" is CORP-09). */
export function codeOf(cell: Cell): string {
  return String(cell ?? '')
    .trim()
    .toUpperCase()
    .replace(/\s+/g, '-')
}

const column = (sheet: 'Measures' | 'Targets' | 'Values', field: string) => {
  const found = COLUMNS[sheet].find((c) => c.field === field)
  if (!found) throw new Error(`no ${sheet} column ${field}`)
  return found
}

/**
 * The file as the product's own sheets, through the mapping. Problems name the file's own row
 * and column. `existing` holds the codes already in Golden Thread: only new codes get a
 * Measures row (an existing measure's definition is not changed by a council's figures file).
 */
export function mappedSheets(
  table: Table,
  mapping: Mapping,
  existing: ReadonlySet<string>,
): { sheets: ParsedSheet[]; errors: RowError[] } {
  if (mapping.sheet) return otherSheet(table, { ...mapping, sheet: mapping.sheet })
  const errors: RowError[] = []
  const sheetName = 'File'
  const at = (role: Role) => table.headings.findIndex((h) => mapping.columns[h] === role)
  const index = Object.fromEntries(ROLES.map((r) => [r, at(r)])) as Record<Role, number>
  const onlyAt = mapping.only ? table.headings.indexOf(mapping.only.column) : -1
  if (mapping.only && onlyAt < 0) {
    errors.push({
      sheet: sheetName,
      row: 1,
      column: mapping.only.column,
      message: 'There is no such column',
    })
  }
  if (index.code < 0) {
    errors.push({
      sheet: sheetName,
      row: 1,
      column: '',
      message: 'Say which column holds the measure code',
    })
  }
  const periodColumns =
    mapping.layout === 'wide'
      ? table.headings.flatMap((h, i) => {
          const p = recognisePeriodHeading(h)
          return p && mapping.columns[h] === 'value' ? [{ i, heading: h, period: p }] : []
        })
      : []
  if (mapping.layout === 'long' && (index.period < 0 || index.value < 0)) {
    errors.push({
      sheet: sheetName,
      row: 1,
      column: '',
      message: 'Say which columns hold the period and the value',
    })
  }
  if (mapping.layout === 'wide' && periodColumns.length === 0) {
    errors.push({
      sheet: sheetName,
      row: 1,
      column: '',
      message: 'No heading is a period, like "2024/25 Q1" or "Apr-24": a wide file needs them',
    })
  }
  if (errors.length > 0) return { sheets: [], errors }
  const cellAt = (cells: readonly Cell[], i: number): Cell => (i < 0 ? null : (cells[i] ?? null))
  const heading = (i: number) => table.headings[i] ?? ''
  const measures = new Map<string, SheetRow>()
  const frequencyOf = new Map<string, Frequency>()
  const values: SheetRow[] = []
  const targets: SheetRow[] = []
  const unitOfCode = new Map<string, string>()
  for (const { row, cells } of table.rows) {
    if (mapping.only && String(cellAt(cells, onlyAt) ?? '').trim() !== mapping.only.value) continue
    const code = codeOf(cellAt(cells, index.code))
    if (code === '') {
      errors.push({
        sheet: sheetName,
        row,
        column: heading(index.code),
        message: 'Enter the measure code',
      })
      continue
    }
    const unitText = String(cellAt(cells, index.unit) ?? '')
      .trim()
      .toLowerCase()
    const unit = unitText === '' ? mapping.unit : UNIT_WORDS[unitText]
    if (unitText !== '' && unit === undefined) {
      errors.push({
        sheet: sheetName,
        row,
        column: heading(index.unit),
        message: `"${unitText}" is not a unit: use %, £, number, days or ratio`,
      })
      continue
    }
    if (unit) unitOfCode.set(code, unit)
    const scale = (n: number) =>
      mapping.fractionsArePercentages === true && (unit ?? unitOfCode.get(code)) === 'percent'
        ? Math.round(n * 100 * 1e9) / 1e9
        : n
    const entries =
      mapping.layout === 'wide'
        ? periodColumns.map((p) => ({ period: p.period, cell: cells[p.i] ?? null, col: p.i }))
        : (() => {
            const r = recognisePeriod(String(cellAt(cells, index.period) ?? ''))
            if (!('period' in r)) {
              errors.push({
                sheet: sheetName,
                row,
                column: heading(index.period),
                message:
                  'ambiguous' in r
                    ? r.ambiguous
                    : `"${r.unknown}" is not a period: write it like 2024/25 Q1, Q1 2024/25, Apr-24, April 2024, 2024-04 or 2023/24`,
              })
              return []
            }
            return [{ period: r.period, cell: cellAt(cells, index.value), col: index.value }]
          })()
    for (const { period, cell, col } of entries) {
      const figure = readFigure(cell)
      if (figure === 'bad') {
        errors.push({
          sheet: sheetName,
          row,
          column: heading(col),
          message: `"${String(cell)}" is not a number`,
        })
        continue
      }
      const known = frequencyOf.get(code)
      if (known && known !== period.frequency) {
        errors.push({
          sheet: sheetName,
          row,
          column: heading(index.period >= 0 ? index.period : col),
          message: `${code} has ${known} periods on other rows and ${period.frequency} here: a measure has one frequency`,
        })
        continue
      }
      frequencyOf.set(code, period.frequency)
      if (figure !== null) {
        const commentary = cellAt(cells, index.commentary)
        values.push({
          row,
          cells: new Map<string, Cell>([
            ['code', code],
            ['period', period.label],
            ['value', scale(figure)],
            ['commentary', commentary === null ? null : String(commentary).trim() || null],
          ]),
        })
      }
      if (mapping.layout === 'long' && index.target >= 0) {
        const target = readFigure(cellAt(cells, index.target))
        if (target === 'bad') {
          errors.push({
            sheet: sheetName,
            row,
            column: heading(index.target),
            message: `"${String(cellAt(cells, index.target))}" is not a number`,
          })
        } else if (target !== null) {
          targets.push({
            row,
            cells: new Map<string, Cell>([
              ['code', code],
              ['period', period.label],
              ['value', scale(target)],
            ]),
          })
        }
      }
    }
    if (!existing.has(code) && !measures.has(code)) {
      const title = String(cellAt(cells, index.title) ?? '').trim() || code
      const polarityText = String(cellAt(cells, index.polarity) ?? '').trim()
      measures.set(code, {
        row,
        cells: new Map<string, Cell>([
          ['code', code],
          ['title', title.slice(0, 300)],
          ['unit', unit ?? null],
          ['polarity', polarityText || mapping.polarity || null],
        ]),
      })
    }
  }
  // A new measure whose published figures fall outside its unit's usual range (a negative
  // "% reduction") takes them: the file is the council's record, not a typing slip.
  const outOfRange = new Set<string>()
  for (const v of values) {
    const code = String(v.cells.get('code'))
    const n = Number(v.cells.get('value'))
    const unit = measures.get(code)?.cells.get('unit') ?? unitOfCode.get(code)
    if (
      (unit === 'percent' && (n < 0 || n > 100)) ||
      ((unit === 'days' || unit === 'ratio') && n < 0)
    )
      outOfRange.add(code)
  }
  for (const [code, row] of measures) {
    const cells = row.cells as Map<string, Cell>
    cells.set('frequency', frequencyOf.get(code) ?? null)
    cells.set('allowOutOfRange', outOfRange.has(code) ? 'yes' : 'no')
    if (cells.get('unit') === null) {
      cells.set('unit', unitOfCode.get(code) ?? null)
      if (cells.get('unit') === null) {
        errors.push({
          sheet: sheetName,
          row: row.row,
          column: index.unit >= 0 ? heading(index.unit) : '',
          message: `${code} is new: say its unit (%, £, number, days or ratio)`,
        })
      }
    }
    if (cells.get('polarity') === null) {
      errors.push({
        sheet: sheetName,
        row: row.row,
        column: index.polarity >= 0 ? heading(index.polarity) : '',
        message: `${code} is new: say whether higher or lower is better`,
      })
    }
  }
  const sheets: ParsedSheet[] = []
  if (measures.size > 0) {
    sheets.push({
      name: 'Measures',
      columns: [
        ...['code', 'title', 'unit', 'polarity', 'frequency'].map((f) => column('Measures', f)),
        {
          heading: 'Allows values out of range',
          field: 'allowOutOfRange',
          kind: 'yes_no',
          example: 'no',
          notes: 'Set by the mapping for a new measure whose figures in the file need it.',
        },
      ],
      rows: [...measures.values()],
    })
  }
  if (targets.length > 0) {
    sheets.push({
      name: 'Targets',
      columns: ['code', 'period', 'value'].map((f) => column('Targets', f)),
      rows: dedupeTargets(targets),
    })
  }
  sheets.push({
    name: 'Values',
    columns: ['code', 'period', 'value', 'commentary'].map((f) => column('Values', f)),
    rows: values,
  })
  return { sheets, errors }
}

/** A target repeated on many rows of a long file (the year's target on each quarter) once. */
function dedupeTargets(rows: readonly SheetRow[]): SheetRow[] {
  const seen = new Set<string>()
  return rows.filter((r) => {
    const key = `${String(r.cells.get('code'))}|${String(r.cells.get('period'))}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
