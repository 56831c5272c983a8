// The one CSV writer: csv-stringify (the same author as the csv-parse that reads our imports)
// with RFC 4180 quoting and one rule for spreadsheet formulas, for every CSV the product writes.
import { stringify } from 'csv-stringify/sync'

/** A value a CSV cell can hold. */
export type CsvCell = string | number | boolean | null

const FORMULA_START = /^[=+\-@\t\r]/
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a
 * formula, so such text gets a leading apostrophe, which Excel and LibreOffice hide. A plain
 * number such as `-12.5` is left as it is: it cannot be a formula, and it should stay a number.
 * Numbers written as numbers are never touched.
 */
export function defuseFormula(value: string): string {
  if (PLAIN_NUMBER.test(value)) return value
  return FORMULA_START.test(value) ? `'${value}` : value
}

export interface CsvOptions {
  /** A byte order mark first, so Excel reads UTF-8 (`£`, symbols) as UTF-8. */
  readonly bom?: boolean
  /** CRLF, as RFC 4180 says, unless a format we imitate uses LF. */
  readonly lineEnd?: '\r\n' | '\n'
}

/**
 * Records as CSV text, each ended by the line end (an empty record is a blank line). A field is
 * quoted only when it holds a comma, a quote or a line break, quotes doubled; null is empty,
 * true and false are words.
 */
export function csvRecords(
  records: readonly (readonly CsvCell[])[],
  options: CsvOptions = {},
): string {
  return stringify(
    records.map((record) => [...record]),
    {
      bom: options.bom ?? false,
      record_delimiter: options.lineEnd === '\n' ? 'unix' : 'windows',
      quoted_match: /[\r\n]/,
      cast: { string: defuseFormula, boolean: (value) => String(value) },
    },
  )
}

/** Rows as CSV text with CRLF line ends, the header first. */
export function csvText(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return csvRecords([header, ...rows])
}
