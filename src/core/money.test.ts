import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  MoneyError,
  formatPounds,
  formatThousands,
  parseMoney,
  penceToDecimal,
  percentOf,
  percentage,
  toThousands,
} from './money.ts'

describe('parseMoney', () => {
  const valid: [string | number, number][] = [
    ['1,250.50', 125050],
    ['1250.5', 125050],
    ['£1,250', 125000],
    ['0', 0],
    ['0.05', 5],
    [' 12 ', 1200],
    ['1,000,000.99', 100000099],
    [1250.5, 125050],
    [42, 4200],
    ['.5', NaN],
  ]
  for (const [input, pence] of valid) {
    if (Number.isNaN(pence)) continue
    it(`reads ${JSON.stringify(input)} as ${pence} pence`, () => {
      assert.equal(parseMoney(input), pence)
    })
  }

  const invalid: [string | number, RegExp][] = [
    ['12.345', /two decimal places/],
    ['-5', /cannot be negative/],
    ['1,25.00', /pounds and pence/],
    ['12,3456', /pounds and pence/],
    ['abc', /pounds and pence/],
    ['', /Enter the amount/],
    ['.5', /pounds and pence/],
    [0.1 + 0.2, /two decimal places/],
    ['99999999999', /no more than/],
  ]
  for (const [input, message] of invalid) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseMoney(input),
        (e: unknown) => e instanceof MoneyError && message.test(e.message),
      )
    })
  }

  it('reads negatives where allowed', () => {
    assert.equal(parseMoney('-1,000.10', { allowNegative: true }), -100010)
    assert.equal(parseMoney('£-3', { allowNegative: true }), -300)
  })

  it('round-trips every amount through its decimal text', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (pence) => {
        assert.equal(parseMoney(penceToDecimal(pence), { allowNegative: true }), pence)
        assert.equal(
          parseMoney(formatPounds(pence).replace('−', '-'), { allowNegative: true }),
          pence,
        )
      }),
    )
  })
})

describe('formatting', () => {
  const table: [number, string, string, string][] = [
    [125050, '1250.50', '£1,250.50', '1'],
    [5, '0.05', '£0.05', '0'],
    [-2000, '-20.00', '−£20', '0'],
    [123_456_789, '1234567.89', '£1,234,567.89', '1,235'],
    [-50_000_000, '-500000.00', '−£500,000', '(500)'],
    [49_999, '499.99', '£499.99', '0'],
    [50_000, '500.00', '£500', '1'],
    [76_500_002, '765000.02', '£765,000.02', '765'],
  ]
  for (const [pence, decimal, pounds, thousands] of table) {
    it(`writes ${pence} pence as ${pounds} and ${thousands} in £000s`, () => {
      assert.equal(penceToDecimal(pence), decimal)
      assert.equal(formatPounds(pence), pounds)
      assert.equal(formatThousands(pence), thousands)
    })
  }

  it('keeps pence on whole pounds when asked, for a column where some amounts have pence', () => {
    assert.equal(formatPounds(2000, { pence: true }), '£20.00')
    assert.equal(formatPounds(-2000, { pence: true }), '−£20.00')
  })

  it('rounds to thousands symmetrically', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (pence) => {
        assert.equal(toThousands(-pence), 0 - toThousands(pence) || 0)
        assert.ok(Math.abs(toThousands(pence) * 100_000 - pence) <= 50_000)
      }),
    )
  })
})

describe('percentages', () => {
  it('rounds half up in integers', () => {
    assert.equal(percentOf(1, 3), 33.3)
    assert.equal(percentOf(2, 3), 66.7)
    assert.equal(percentOf(1, 8, 2), 12.5)
    assert.equal(percentOf(5, 0), null)
    assert.equal(percentOf(150, 100), 150)
  })
  it('takes a percentage of an amount rounding down', () => {
    assert.equal(percentage(1000, 5), 50)
    assert.equal(percentage(999, 5), 49)
    assert.equal(percentage(0, 5), 0)
  })
})
