import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  isCount,
  isSmall,
  suppress,
  suppressDistribution,
  suppressedText,
  type Figures,
} from './small-numbers.ts'

const count = { unit: 'number', decimals: 0 } as const
const percent = { unit: 'percent', decimals: 1 } as const
const figures = (over: Partial<Figures>): Figures => ({
  value: null,
  numerator: null,
  denominator: null,
  yearToDate: null,
  ...over,
})

describe('small-number suppression', () => {
  it('withholds counts from 1 to the threshold minus 1, and shows 0 and larger counts', () => {
    const table: [number, number, boolean][] = [
      [0, 5, false],
      [1, 5, true],
      [4, 5, true],
      [5, 5, false],
      [120, 5, false],
      [3, 0, false],
      [9, 10, true],
    ]
    for (const [value, below, withheld] of table) {
      const result = suppress(count, figures({ value }), below)
      assert.equal(result.suppressed, withheld, `${value} below ${below}`)
      assert.equal(result.value, withheld ? null : value)
    }
  })

  it('applies to whole-number measures only, unless built from a numerator and denominator', () => {
    assert.equal(isCount(count), true)
    assert.equal(isCount({ unit: 'number', decimals: 1 }), false)
    assert.equal(isCount(percent), false)
    assert.equal(suppress(percent, figures({ value: 3 }), 5).suppressed, false)
    const rate = suppress(percent, figures({ value: 75, numerator: 3, denominator: 4 }), 5)
    assert.deepEqual(rate, {
      value: null,
      numerator: null,
      denominator: null,
      yearToDate: null,
      suppressed: true,
    })
    const large = suppress(percent, figures({ value: 75, numerator: 30, denominator: 40 }), 5)
    assert.equal(large.suppressed, false)
    assert.equal(large.numerator, 30)
  })

  it('withholds a small year to date of a count', () => {
    const result = suppress(count, figures({ value: 12, yearToDate: 2 }), 5)
    assert.equal(result.suppressed, true)
    assert.equal(result.value, 12)
    assert.equal(result.yearToDate, null)
  })

  it('says "fewer than N"', () => {
    assert.equal(suppressedText(5), 'fewer than 5')
  })

  it('never lets a small count through, and changes nothing it does not withhold', () => {
    const figure = fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null })
    fc.assert(
      fc.property(
        figure,
        figure,
        figure,
        figure,
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        (value, numerator, denominator, yearToDate, below, asCount) => {
          const measure = asCount ? count : percent
          const input = { value, numerator, denominator, yearToDate }
          const out = suppress(measure, input, below)
          for (const key of ['numerator', 'denominator'] as const) {
            assert.ok(!isSmall(out[key], below))
          }
          if (asCount) {
            assert.ok(!isSmall(out.value, below))
            assert.ok(!isSmall(out.yearToDate, below))
          }
          for (const key of ['value', 'numerator', 'denominator', 'yearToDate'] as const) {
            assert.ok(out[key] === null || out[key] === input[key])
          }
          assert.equal(
            out.suppressed,
            (['value', 'numerator', 'denominator', 'yearToDate'] as const).some(
              (k) => out[k] !== input[k],
            ),
          )
        },
      ),
    )
  })

  it('withholds at least as much under a higher threshold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        (value, low, extra) => {
          const a = suppress(count, figures({ value }), low)
          const b = suppress(count, figures({ value }), low + extra)
          assert.ok(!a.suppressed || b.suppressed)
        },
      ),
    )
  })

  it('withholds a second count beside a lone small one in a distribution', () => {
    const cases: [number[], number, (number | null)[], number | null][] = [
      [[0, 3, 8, 6], 5, [0, null, 8, null], 17],
      [[0, 3, 8, 2], 5, [0, null, 8, null], 13],
      [[0, 5, 8, 6], 5, [0, 5, 8, 6], 19],
      [[1, 1, 1, 1], 5, [null, null, null, null], null],
      [[0, 0, 9, 1], 5, [0, 0, null, null], 10],
      [[0, 3, 8, 6], 0, [0, 3, 8, 6], 17],
    ]
    for (const [counts, below, shown, total] of cases) {
      assert.deepEqual(
        suppressDistribution(counts, below),
        { counts: shown, total },
        counts.join(', '),
      )
    }
  })

  it('never lets a withheld count be worked out from the total and the rest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 10 }),
        (counts, below) => {
          const result = suppressDistribution(counts, below)
          const withheld = result.counts.filter((c) => c === null).length
          assert.ok(result.total === null || withheld !== 1)
          result.counts.forEach((c, i) => {
            if (isSmall(counts[i] ?? 0, below)) assert.equal(c, null)
            if (c !== null) assert.equal(c, counts[i])
          })
        },
      ),
    )
  })
})
