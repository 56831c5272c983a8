import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  formatDate,
  formatDateTime,
  formatMeasureValue,
  formatNumber,
  formatPercent,
  formatPounds,
  formatQuantity,
  formatThousands,
  formatThousandsFigure,
  plural,
  thousandsAddingUp,
} from './format.ts'
import { parseMoney } from './money.ts'

const ungroup = (text: string) => text.replaceAll(',', '').replace('−', '-')
/** Thousands separators every three digits of the whole part, and nowhere else. */
const WELL_GROUPED = /^−?\d{1,3}(,\d{3})*(\.\d+)?$/

describe('numbers', () => {
  const table: [number, number, string][] = [
    [0, 0, '0'],
    [999, 0, '999'],
    [1000, 0, '1,000'],
    [1234567.891, 2, '1,234,567.89'],
    [-1234.5, 1, '−1,234.5'],
    [1.005, 2, '1.01'],
    [2.5, 0, '3'],
    [-2.5, 0, '−3'],
    [-0.04, 1, '0.0'],
    [0.1 + 0.2, 1, '0.3'],
    [1e21, 0, '1,000,000,000,000,000,000,000'],
    [5, 3, '5.000'],
  ]
  for (const [value, decimals, text] of table) {
    it(`writes ${value} to ${decimals} places as ${text}`, () => {
      assert.equal(formatNumber(value, decimals), text)
    })
  }

  it('groups every number in threes and keeps its value to the places asked', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e12, max: 1e12, noNaN: true }),
        fc.integer({ min: 0, max: 4 }),
        (value, decimals) => {
          const text = formatNumber(value, decimals)
          assert.match(text, WELL_GROUPED)
          assert.equal(text.split('.')[1]?.length ?? 0, decimals)
          // Half a unit in the last place asked, plus the spacing of doubles this large: past about
          // 1e11, four places are finer than a double can hold, so reading the text back may land
          // one double away.
          const spacing = Math.abs(value) * Number.EPSILON * 2
          assert.ok(
            Math.abs(Number(ungroup(text)) - value) <= 0.5 / 10 ** decimals + 1e-6 + spacing,
          )
          if (/^−/.test(text)) assert.ok(value < 0)
        },
      ),
    )
  })

  it('reads back as the same number at its own places', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 3 }), (n, d) => {
        const value = n / 10 ** d
        assert.equal(Number(ungroup(formatNumber(value, d))), value)
      }),
    )
  })

  it('writes percentages with no space before the sign', () => {
    assert.equal(formatPercent(50), '50%')
    assert.equal(formatPercent(27.46, 1), '27.5%')
    assert.equal(formatPercent(1250), '1,250%')
  })
})

describe('measure values', () => {
  const table: [number | null, string, number, string][] = [
    [61.24, 'percent', 1, '61.2%'],
    [50, 'percent', 0, '50%'],
    [1250, 'currency', 0, '£1,250'],
    [-1250.5, 'currency', 2, '−£1,250.50'],
    [4.5, 'days', 1, '4.5 days'],
    [1, 'days', 0, '1 day'],
    [12000, 'number', 0, '12,000'],
    [1.25, 'ratio', 2, '1.25'],
    [1, 'yes_no', 0, 'Yes'],
    [0, 'yes_no', 0, 'No'],
    [null, 'percent', 1, '—'],
  ]
  for (const [value, unit, decimals, text] of table) {
    it(`writes ${String(value)} (${unit}, ${decimals} places) as ${text}`, () => {
      assert.equal(formatMeasureValue(value, unit, decimals), text)
    })
  }
})

describe('money', () => {
  it('writes whole pounds without pence and other amounts with them', () => {
    assert.equal(formatPounds(90_000_000), '£900,000')
    assert.equal(formatPounds(76_500_002), '£765,000.02')
    assert.equal(formatPounds(-8_500_000), '−£85,000')
    assert.equal(formatPounds(5), '£0.05')
  })

  it('never writes ".00" and reads back as the same pence', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (pence) => {
        const text = formatPounds(pence)
        assert.ok(!text.endsWith('.00'))
        assert.match(text.replace('£', ''), WELL_GROUPED)
        assert.equal(parseMoney(text.replace('−', '-'), { allowNegative: true }), pence)
      }),
    )
  })

  it('writes pounds as a number of pounds the same way', () => {
    assert.equal(formatQuantity(900000, '£'), '£900,000')
    assert.equal(formatQuantity(12500.5, '£'), '£12,500.50')
  })
})

describe('£000s tables', () => {
  const amounts = fc.array(fc.integer({ min: -1e11, max: 1e11 }), { minLength: 1, maxLength: 30 })

  it('never shows pence: every figure is whole thousands', () => {
    fc.assert(
      fc.property(amounts, (pence) => {
        const { rows, total } = thousandsAddingUp(pence)
        for (const figure of [...rows, total]) {
          assert.ok(Number.isInteger(figure))
          assert.match(formatThousandsFigure(figure), /^\(?\d{1,3}(,\d{3})*\)?$/)
        }
        for (const p of pence) assert.match(formatThousands(p), /^\(?\d{1,3}(,\d{3})*\)?$/)
      }),
    )
  })

  it('makes the rows add up to the total shown, each within a thousand of its amount', () => {
    fc.assert(
      fc.property(amounts, (pence) => {
        const { rows, total } = thousandsAddingUp(pence)
        const sum = pence.reduce((a, b) => a + b, 0)
        assert.equal(
          rows.reduce((a, b) => a + b, 0),
          total,
        )
        assert.ok(Math.abs(total * 100_000 - sum) <= 50_000)
        rows.forEach((row, i) => {
          const exact = (pence[i] ?? 0) / 100_000
          assert.ok(row === Math.floor(exact) || row === Math.ceil(exact), `${row} for ${exact}`)
        })
      }),
    )
  })

  it('leaves an exact number of thousands alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { maxLength: 20 }), (ks) => {
        const pence = [...ks.map((k) => k * 100_000), 49_999, 49_999, 49_999]
        const { rows } = thousandsAddingUp(pence)
        assert.deepEqual(rows.slice(0, ks.length), ks)
      }),
    )
  })

  it('gives the odd thousand to the largest remainder', () => {
    // £74.5k + £860.4k + £155.4k = £1,090.3k: shown as 75 + 860 + 155 = 1,090.
    assert.deepEqual(thousandsAddingUp([7_450_000, 86_040_000, 15_540_000]), {
      rows: [75, 860, 155],
      total: 1090,
    })
    // £1k in three near-equal parts: the thousand goes to the largest part.
    assert.deepEqual(thousandsAddingUp([33_333, 33_333, 33_334]).rows, [0, 0, 1])
    assert.equal(formatThousandsFigure(-500), '(500)')
    assert.equal(formatThousandsFigure(1250), '1,250')
  })
})

describe('counts', () => {
  it('says 1 person and 2 people', () => {
    assert.equal(plural(1, 'person', 'people'), '1 person')
    assert.equal(plural(2, 'person', 'people'), '2 people')
    assert.equal(plural(0, 'person', 'people'), '0 people')
    assert.equal(plural(1250, 'measure', 'measures'), '1,250 measures')
  })
})

describe('dates', () => {
  it('writes UK dates in full', () => {
    assert.equal(formatDate('2026-12-07'), '7 December 2026')
    assert.equal(formatDate('2026-01-31'), '31 January 2026')
    // Midnight in London in summer is still the day before in UTC.
    assert.equal(formatDate(new Date('2026-06-30T23:30:00Z')), '1 July 2026')
    assert.equal(formatDate(null), '')
    assert.equal(formatDateTime(new Date('2026-12-07T14:05:00Z')), '7 December 2026 at 2:05pm')
  })

  it('writes every calendar date as day, month name and year', () => {
    const utc = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    })
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2100-12-31') }), (d) => {
        if (Number.isNaN(d.getTime())) return
        const text = formatDate(d.toISOString().slice(0, 10))
        assert.match(text, /^\d{1,2} [A-Z][a-z]+ \d{4}$/)
        assert.equal(text, utc.format(d))
      }),
    )
  })
})
