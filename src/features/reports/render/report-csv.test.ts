import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { sampleReport } from '../../../../test/helpers/sample-report.ts'
import { csvField, defuseFormula } from './report-csv.ts'
import { renderReport } from './index.ts'

const doc = sampleReport()

async function csv(): Promise<string> {
  const rendered = await renderReport(doc, 'csv')
  assert.equal(rendered.contentType, 'text/csv; charset=utf-8')
  assert.equal(rendered.extension, 'csv')
  return rendered.body.toString('utf8')
}

/** The records of CSV text, rows of any length. */
function rowsOf(text: string): string[][] {
  const rows: unknown = parse(text, { relaxColumnCount: true })
  assert.ok(Array.isArray(rows))
  return rows as string[][]
}

describe('report as CSV', () => {
  it('starts with a byte order mark and ends every line with CRLF', async () => {
    const text = await csv()
    assert.equal(text.charCodeAt(0), 0xfeff)
    assert.ok(text.endsWith('\r\n'))
    assert.doesNotMatch(text.replace(/\r\n/g, ''), /\n/)
  })

  it('lists every table after its caption line, with its header and rows', async () => {
    const rows = rowsOf((await csv()).slice(1))
    const captions = rows.filter((r) => r.length === 1 && r[0] !== '').map((r) => r[0])
    assert.deepEqual(captions, [
      'Corporate measures by theme, 2025/26 Q4',
      "Council tax collected: the chart's data",
      "Business rates collected: the chart's data",
      'Programme and project highlights',
      'Financial summary by directorate: revenue budget and forecast outturn',
      'Corporate risk register',
      'Notes',
    ])
    const start = rows.findIndex((r) => r[0] === 'Corporate measures by theme, 2025/26 Q4')
    assert.deepEqual(rows[start + 1], [
      'Code',
      'Measure',
      'Theme',
      'Value',
      'Target',
      'Status',
      'Direction',
    ])
    assert.deepEqual(rows[start + 2], [
      'ST001',
      'Council tax collected',
      'Strong Performance',
      '72.0%',
      '80.0%',
      '✔ Green',
      '▲ Improving',
    ])
    const measureRows = rows.filter((r) => r.length === 7 && r[0] !== 'Code')
    assert.equal(measureRows.length, 40)
  })

  it('keeps commas, quotes and symbols intact through a CSV parser', async () => {
    const rows = rowsOf((await csv()).slice(1))
    assert.ok(
      rows.some(
        (r) =>
          r[1] ===
          `Fly-tipping cleared within 2 working days (part of the council's "Fair Deal" pledge)`,
      ),
    )
    assert.ok(rows.some((r) => r[0] === 'Total' && r[1] === '£310,575,000'))
    assert.ok(rows.some((r) => r[1] === 'Calls answered within 60 seconds[1]'))
  })

  it('numbers the notes of its tables and lists them at the end', async () => {
    const text = await csv()
    assert.ok(text.endsWith('Notes\r\nNote,Text\r\n[1],Figures for March are provisional.\r\n'))
  })

  it('defuses text a spreadsheet would run as a formula', () => {
    assert.equal(defuseFormula('=HYPERLINK("http://evil")'), `'=HYPERLINK("http://evil")`)
    assert.equal(defuseFormula('+44 20'), "'+44 20")
    assert.equal(defuseFormula('@SUM(A1)'), "'@SUM(A1)")
    assert.equal(defuseFormula('-2+3'), "'-2+3")
    assert.equal(defuseFormula('\tcmd'), "'\tcmd")
    assert.equal(defuseFormula('-12.5'), '-12.5')
    assert.equal(defuseFormula('Red'), 'Red')
  })

  it('reads back every field exactly as defused, whatever it holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 5 }),
        (fields) => {
          const line = fields.map(csvField).join(',') + '\r\n'
          const parsed = rowsOf(line)[0] ?? []
          assert.deepEqual(parsed, fields.map(defuseFormula))
          for (const field of parsed) assert.doesNotMatch(field, /^[=+@\t\r]/)
        },
      ),
    )
  })
})
