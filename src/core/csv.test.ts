import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { csvRecords, csvText, defuseFormula } from './csv.ts'

describe('the CSV writer', () => {
  it('defuses text that a spreadsheet would run as a formula, the same in every export', () => {
    for (const text of ['=1+2', '+x', '-x', '@SUM(A1)', '\tx', '\rx', '-1e5', '+3']) {
      assert.equal(defuseFormula(text), `'${text}`, text)
    }
    for (const text of ['plain', '3', '-3.2', '12.50', '', ' =x']) {
      assert.equal(defuseFormula(text), text, text)
    }
  })

  it('keeps numbers numbers, negative ones included, written as numbers or as plain text', () => {
    assert.equal(csvText(['a', 'b', 'c'], [[-3.2, '-3.2', 0]]), 'a,b,c\r\n-3.2,-3.2,0\r\n')
  })

  it('quotes only a field with a comma, a quote or a line break, and writes null and flags', () => {
    assert.equal(
      csvRecords([['a,b', 'q"q', 'l\nx', 'c\rx', null, true, false, ' x ']]),
      '"a,b","q""q","l\nx","c\rx",,true,false, x \r\n',
    )
    assert.equal(csvRecords([['a'], [], ['b']], { bom: true }), '\uFEFFa\r\n\r\nb\r\n')
    assert.equal(csvRecords([['a', 'b']], { lineEnd: '\n' }), 'a,b\n')
  })

  it('gives back every text through a CSV parser, defused where it must be', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), { minLength: 1 }),
        (rows) => {
          const parsed: unknown = parse(csvRecords(rows), { relaxColumnCount: true })
          assert.deepEqual(
            parsed,
            rows.map((row) => row.map(defuseFormula)),
          )
        },
      ),
    )
  })
})
