import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { PeriodError, periodAt, periodsInFinancialYear } from './periods.ts'
import {
  type Band,
  type Direction,
  type JudgedRag,
  type Polarity,
  type Rag,
  type RagInput,
  type Tolerance,
  POLARITIES,
  RAGS,
  StatusError,
  cumulativeTarget,
  direction,
  forecastYearEnd,
  judgeRag,
  movement,
  percentOnTrack,
  periodRag,
  ragCounts,
  roundTo,
  targetForPeriod,
  yearToDate,
} from './status.ts'

const percent = (value: number): Tolerance => ({ type: 'percent', value })
const absolute = (value: number): Tolerance => ({ type: 'absolute', value })
const SEVERITY: Readonly<Record<JudgedRag, number>> = { green: 0, amber: 1, red: 2, no_target: -1 }

// Values with few significant figures, as measures hold them, and the occasional long one.
const valueArb = fc.oneof(
  fc.integer({ min: -100_000, max: 100_000 }).map((n) => n / 100),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
)
const decimalsArb = fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined })
const toleranceArb = fc.option(
  fc.oneof(
    fc.integer({ min: 0, max: 50 }).map(percent),
    fc.integer({ min: 0, max: 2000 }).map((n) => absolute(n / 100)),
  ),
  { nil: null },
)
const bandArb = fc
  .tuple(valueArb, valueArb)
  .map(([a, b]): Band => ({ lower: Math.min(a, b), upper: Math.max(a, b) }))

describe('roundTo', () => {
  const table: ReadonlyArray<readonly [number, number, number]> = [
    [1.005, 2, 1.01],
    [2.675, 2, 2.68],
    [8.345, 2, 8.35],
    [1.45, 1, 1.5],
    [2.5, 0, 3],
    [-2.5, 0, -3],
    [0.5, 0, 1],
    [1234.5678, 1, 1234.6],
    [79.99999999, 2, 80],
    [79.994, 2, 79.99],
    [-0.125, 2, -0.13],
    [12, 3, 12],
    [1e20, 2, 1e20],
  ]
  for (const [value, decimals, expected] of table) {
    it(`rounds ${value} to ${decimals} places as ${expected}, half away from zero`, () => {
      assert.equal(roundTo(value, decimals), expected)
    })
  }

  it('never gives minus zero', () => {
    assert.ok(Object.is(roundTo(-0.4, 0), 0))
    assert.ok(Object.is(roundTo(-0.001, 2), 0))
  })

  it('refuses decimal places that are not 0 to 10, and values that are not numbers', () => {
    for (const decimals of [-1, 1.5, 11, Number.NaN]) {
      assert.throws(() => roundTo(1, decimals), {
        name: 'StatusError',
        message: `${decimals} is not a number of decimal places: use a whole number from 0 to 10`,
      })
    }
    assert.throws(() => roundTo(Number.NaN, 1), { message: 'The value NaN is not a number' })
    assert.throws(() => roundTo(Infinity, 1), StatusError)
  })

  it('is symmetric about zero, idempotent, close and monotonic', () => {
    fc.assert(
      fc.property(valueArb, valueArb, fc.integer({ min: 0, max: 6 }), (x, y, d) => {
        const rx = roundTo(x, d)
        assert.ok(Object.is(roundTo(-x, d), rx === 0 ? 0 : -rx))
        assert.equal(roundTo(rx, d), rx)
        assert.ok(Math.abs(rx - x) <= 0.5 * 10 ** -d + 1e-9 * Math.max(1, Math.abs(x)))
        if (x <= y) assert.ok(rx <= roundTo(y, d))
      }),
    )
  })
})

describe('judgeRag', () => {
  const table: ReadonlyArray<readonly [string, RagInput, JudgedRag]> = [
    // Higher is better: target 80, 5% tolerance is 4, so amber from 76 up to 80.
    [
      'at target',
      { value: 80, target: 80, polarity: 'higher_is_better', tolerance: percent(5) },
      'green',
    ],
    [
      'above target',
      { value: 85, target: 80, polarity: 'higher_is_better', tolerance: percent(5) },
      'green',
    ],
    [
      'just below',
      { value: 79, target: 80, polarity: 'higher_is_better', tolerance: percent(5) },
      'amber',
    ],
    [
      'at the tolerance',
      { value: 76, target: 80, polarity: 'higher_is_better', tolerance: percent(5) },
      'amber',
    ],
    [
      'past the tolerance',
      { value: 75.99, target: 80, polarity: 'higher_is_better', tolerance: percent(5) },
      'red',
    ],
    [
      'far below',
      { value: 0, target: 80, polarity: 'higher_is_better', tolerance: percent(5) },
      'red',
    ],
    [
      'below, no tolerance',
      { value: 79.99, target: 80, polarity: 'higher_is_better', tolerance: null },
      'red',
    ],
    [
      'below, zero tolerance',
      { value: 79.99, target: 80, polarity: 'higher_is_better', tolerance: absolute(0) },
      'red',
    ],
    [
      'within absolute',
      { value: 78, target: 80, polarity: 'higher_is_better', tolerance: absolute(2) },
      'amber',
    ],
    [
      'past absolute',
      { value: 77.9, target: 80, polarity: 'higher_is_better', tolerance: absolute(2) },
      'red',
    ],
    // Judged as shown at the measure's decimal places.
    [
      '79.999 shown as 80.00',
      { value: 79.999, target: 80, polarity: 'higher_is_better', tolerance: null, decimals: 2 },
      'green',
    ],
    [
      '79.995 shown as 80.00',
      { value: 79.995, target: 80, polarity: 'higher_is_better', tolerance: null, decimals: 2 },
      'green',
    ],
    [
      '79.994 shown as 79.99',
      { value: 79.994, target: 80, polarity: 'higher_is_better', tolerance: null, decimals: 2 },
      'red',
    ],
    [
      '75.5 shown as 76',
      { value: 75.5, target: 80, polarity: 'higher_is_better', tolerance: percent(5), decimals: 0 },
      'amber',
    ],
    [
      '75.4 shown as 75',
      { value: 75.4, target: 80, polarity: 'higher_is_better', tolerance: percent(5), decimals: 0 },
      'red',
    ],
    [
      'target shown rounded',
      { value: 80, target: 80.004, polarity: 'higher_is_better', tolerance: null, decimals: 2 },
      'green',
    ],
    [
      'binary noise without decimals',
      { value: 0.1 + 0.2, target: 0.3, polarity: 'lower_is_better', tolerance: null },
      'green',
    ],
    [
      'noisy shortfall at the tolerance',
      { value: 0.1, target: 0.3, polarity: 'higher_is_better', tolerance: absolute(0.2) },
      'amber',
    ],
    // Percent of a zero target is zero: no amber zone.
    [
      'zero target met',
      { value: 0, target: 0, polarity: 'lower_is_better', tolerance: percent(10) },
      'green',
    ],
    [
      'zero target missed, percent',
      { value: 1, target: 0, polarity: 'lower_is_better', tolerance: percent(10) },
      'red',
    ],
    [
      'zero target missed, absolute',
      { value: 1, target: 0, polarity: 'lower_is_better', tolerance: absolute(2) },
      'amber',
    ],
    // Percent of the size of a negative target.
    [
      'negative target, amber',
      { value: -11, target: -10, polarity: 'higher_is_better', tolerance: percent(10) },
      'amber',
    ],
    [
      'negative target, red',
      { value: -11.5, target: -10, polarity: 'higher_is_better', tolerance: percent(10) },
      'red',
    ],
    [
      'negative target, green',
      { value: -9, target: -10, polarity: 'higher_is_better', tolerance: percent(10) },
      'green',
    ],
    // Lower is better: target 10 days, 10% tolerance is 1 day.
    [
      'lower, under target',
      { value: 9, target: 10, polarity: 'lower_is_better', tolerance: percent(10) },
      'green',
    ],
    [
      'lower, at target',
      { value: 10, target: 10, polarity: 'lower_is_better', tolerance: percent(10) },
      'green',
    ],
    [
      'lower, at the tolerance',
      { value: 11, target: 10, polarity: 'lower_is_better', tolerance: percent(10) },
      'amber',
    ],
    [
      'lower, past the tolerance',
      {
        value: 11.01,
        target: 10,
        polarity: 'lower_is_better',
        tolerance: percent(10),
        decimals: 2,
      },
      'red',
    ],
    // Within a band 95–105; 5% of its middle, 100, is 5 either side.
    [
      'band, inside',
      {
        value: 100,
        polarity: 'within_band',
        band: { lower: 95, upper: 105 },
        tolerance: percent(5),
      },
      'green',
    ],
    [
      'band, lower edge',
      {
        value: 95,
        polarity: 'within_band',
        band: { lower: 95, upper: 105 },
        tolerance: percent(5),
      },
      'green',
    ],
    [
      'band, upper edge',
      {
        value: 105,
        polarity: 'within_band',
        band: { lower: 95, upper: 105 },
        tolerance: percent(5),
      },
      'green',
    ],
    [
      'band, just below',
      {
        value: 94,
        polarity: 'within_band',
        band: { lower: 95, upper: 105 },
        tolerance: percent(5),
      },
      'amber',
    ],
    [
      'band, below at tolerance',
      {
        value: 90,
        polarity: 'within_band',
        band: { lower: 95, upper: 105 },
        tolerance: percent(5),
      },
      'amber',
    ],
    [
      'band, below past tolerance',
      {
        value: 89.99,
        polarity: 'within_band',
        band: { lower: 95, upper: 105 },
        tolerance: percent(5),
      },
      'red',
    ],
    [
      'band, above at tolerance',
      {
        value: 110,
        polarity: 'within_band',
        band: { lower: 95, upper: 105 },
        tolerance: percent(5),
      },
      'amber',
    ],
    [
      'band, above past tolerance',
      {
        value: 110.01,
        polarity: 'within_band',
        band: { lower: 95, upper: 105 },
        tolerance: percent(5),
      },
      'red',
    ],
    [
      'band, no tolerance',
      { value: 94.99, polarity: 'within_band', band: { lower: 95, upper: 105 }, tolerance: null },
      'red',
    ],
    [
      'band, target only sets the tolerance',
      { value: 100, target: 50, polarity: 'within_band', band: { lower: 95, upper: 105 } },
      'green',
    ],
    [
      'band, 10% of the target 40',
      {
        value: 109,
        target: 40,
        polarity: 'within_band',
        band: { lower: 95, upper: 105 },
        tolerance: percent(10),
      },
      'amber',
    ],
    [
      'band, 10% of the target 40, past',
      {
        value: 109.1,
        target: 40,
        polarity: 'within_band',
        band: { lower: 95, upper: 105 },
        tolerance: percent(10),
      },
      'red',
    ],
    [
      'open band, 10% of its edge',
      { value: 45, polarity: 'within_band', band: { lower: 50 }, tolerance: percent(10) },
      'amber',
    ],
    [
      'open band, 10% of its edge, past',
      { value: 44.9, polarity: 'within_band', band: { lower: 50 }, tolerance: percent(10) },
      'red',
    ],
    [
      'band, edge rounded',
      { value: 94.996, polarity: 'within_band', band: { lower: 95, upper: 105 }, decimals: 2 },
      'green',
    ],
    [
      'open band, above the lower',
      { value: 1000, polarity: 'within_band', band: { lower: 50, upper: null } },
      'green',
    ],
    [
      'open band, below the lower',
      { value: 49, polarity: 'within_band', band: { lower: 50 } },
      'red',
    ],
    [
      'open band, above the upper',
      { value: 51, polarity: 'within_band', band: { upper: 50 }, tolerance: absolute(1) },
      'amber',
    ],
    [
      'band of the target alone, on it',
      { value: 3, target: 3, polarity: 'within_band', tolerance: absolute(0.5) },
      'green',
    ],
    [
      'band of the target alone, above',
      { value: 3.4, target: 3, polarity: 'within_band', tolerance: absolute(0.5) },
      'amber',
    ],
    [
      'band of the target alone, below',
      { value: 2.6, target: 3, polarity: 'within_band', tolerance: absolute(0.5) },
      'amber',
    ],
    [
      'band of the target alone, far',
      { value: 3.6, target: 3, polarity: 'within_band', tolerance: absolute(0.5) },
      'red',
    ],
    [
      'empty band and target',
      { value: 3, target: 3, polarity: 'within_band', band: { lower: null, upper: null } },
      'green',
    ],
    // Nothing to judge against.
    ['band without band or target', { value: 3, polarity: 'within_band', band: null }, 'no_target'],
    [
      'no target',
      { value: 3, target: null, polarity: 'higher_is_better', tolerance: percent(5) },
      'no_target',
    ],
    ['target absent', { value: 3, polarity: 'lower_is_better' }, 'no_target'],
    [
      'band ignored when not within_band',
      { value: 3, polarity: 'higher_is_better', band: { lower: 1, upper: 5 } },
      'no_target',
    ],
    [
      'polarity none',
      { value: 3, target: 10, polarity: 'none', tolerance: percent(5) },
      'no_target',
    ],
  ]
  for (const [name, input, expected] of table) {
    it(`is ${expected}: ${name}`, () => {
      assert.equal(judgeRag(input), expected)
    })
  }

  const invalid: ReadonlyArray<readonly [RagInput, string]> = [
    [
      { value: Number.NaN, target: 1, polarity: 'higher_is_better' },
      'The value NaN is not a number',
    ],
    [
      { value: 1, target: Infinity, polarity: 'higher_is_better' },
      'The target Infinity is not a number',
    ],
    [
      { value: 1, target: 2, polarity: 'higher_is_better', tolerance: percent(-5) },
      'The tolerance -5 is negative: use 0 or more',
    ],
    [
      { value: 1, polarity: 'within_band', band: { lower: 10, upper: 5 } },
      "The band's lower limit 10 is above its upper limit 5",
    ],
    [
      { value: 1, target: 2, polarity: 'higher_is_better', decimals: 11 },
      '11 is not a number of decimal places: use a whole number from 0 to 10',
    ],
  ]
  for (const [input, message] of invalid) {
    it(`refuses: ${message}`, () => {
      assert.throws(() => judgeRag(input), { name: 'StatusError', message })
    })
  }

  it('is green exactly at the target, whatever the tolerance and decimals', () => {
    fc.assert(
      fc.property(
        valueArb,
        fc.constantFrom<Polarity>('higher_is_better', 'lower_is_better', 'within_band'),
        toleranceArb,
        decimalsArb,
        (target, polarity, tolerance, decimals) => {
          assert.equal(judgeRag({ value: target, target, polarity, tolerance, decimals }), 'green')
        },
      ),
    )
  })

  it('is green anywhere in a band, edges included', () => {
    fc.assert(
      fc.property(
        bandArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        toleranceArb,
        (band, t, tolerance) => {
          const lower = band.lower ?? 0
          const upper = band.upper ?? 0
          for (const value of [lower, upper, Math.min(upper, lower + t * (upper - lower))]) {
            assert.equal(judgeRag({ value, polarity: 'within_band', band, tolerance }), 'green')
          }
        },
      ),
    )
  })

  it('swaps nothing when polarity flips and values are negated', () => {
    fc.assert(
      fc.property(
        valueArb,
        valueArb,
        toleranceArb,
        decimalsArb,
        (value, target, tolerance, decimals) => {
          const higher = judgeRag({
            value,
            target,
            polarity: 'higher_is_better',
            tolerance,
            decimals,
          })
          const lower = judgeRag({
            value: -value,
            target: -target,
            polarity: 'lower_is_better',
            tolerance,
            decimals,
          })
          assert.equal(lower, higher)
        },
      ),
    )
  })

  it('swaps green and red when polarity flips and the values stay', () => {
    fc.assert(
      fc.property(valueArb, valueArb, decimalsArb, (value, target, decimals) => {
        const higher = judgeRag({ value, target, polarity: 'higher_is_better', decimals })
        const lower = judgeRag({ value, target, polarity: 'lower_is_better', decimals })
        // Without tolerance only equality is green both ways.
        const shownEqual =
          decimals === undefined
            ? higher === 'green' && lower === 'green'
            : roundTo(value, decimals) === roundTo(target, decimals)
        if (shownEqual) assert.deepEqual([higher, lower], ['green', 'green'])
        else assert.deepEqual([higher, lower].sort(), ['green', 'red'])
      }),
    )
  })

  it('mirrors a band about zero', () => {
    fc.assert(
      fc.property(
        valueArb,
        bandArb,
        toleranceArb,
        decimalsArb,
        (value, band, tolerance, decimals) => {
          const mirrored = { lower: -(band.upper ?? 0), upper: -(band.lower ?? 0) }
          assert.equal(
            judgeRag({
              value: -value,
              polarity: 'within_band',
              band: mirrored,
              tolerance,
              decimals,
            }),
            judgeRag({ value, polarity: 'within_band', band, tolerance, decimals }),
          )
        },
      ),
    )
  })

  it('never gives a better value a worse status', () => {
    fc.assert(
      fc.property(
        valueArb,
        valueArb,
        valueArb,
        toleranceArb,
        decimalsArb,
        (a, b, target, tolerance, decimals) => {
          const [worse, better] = a <= b ? [a, b] : [b, a]
          const judge = (value: number, polarity: Polarity) =>
            SEVERITY[judgeRag({ value, target, polarity, tolerance, decimals })]
          assert.ok(judge(better, 'higher_is_better') <= judge(worse, 'higher_is_better'))
          assert.ok(judge(worse, 'lower_is_better') <= judge(better, 'lower_is_better'))
        },
      ),
    )
  })

  it('never gives a value nearer the band a worse status', () => {
    fc.assert(
      fc.property(valueArb, valueArb, bandArb, toleranceArb, (a, b, band, tolerance) => {
        const lower = band.lower ?? 0
        const upper = band.upper ?? 0
        const judge = (value: number) =>
          SEVERITY[judgeRag({ value, polarity: 'within_band', band, tolerance })]
        const [low, high] = a <= b ? [a, b] : [b, a]
        if (high <= lower) assert.ok(judge(high) <= judge(low))
        if (low >= upper) assert.ok(judge(low) <= judge(high))
      }),
    )
  })

  it('has no amber zone when the tolerance is zero or absent', () => {
    fc.assert(
      fc.property(
        valueArb,
        valueArb,
        fc.constantFrom(null, undefined, percent(0), absolute(0)),
        fc.constantFrom<Polarity>('higher_is_better', 'lower_is_better', 'within_band'),
        decimalsArb,
        (value, target, tolerance, polarity, decimals) => {
          assert.notEqual(judgeRag({ value, target, polarity, tolerance, decimals }), 'amber')
        },
      ),
    )
  })

  it('never gives a wider tolerance a worse status', () => {
    fc.assert(
      fc.property(
        valueArb,
        valueArb,
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.constantFrom<Polarity>('higher_is_better', 'lower_is_better', 'within_band'),
        (value, target, x, y, polarity) => {
          const [narrow, wide] = x <= y ? [x, y] : [y, x]
          const judge = (t: number) =>
            SEVERITY[judgeRag({ value, target, polarity, tolerance: percent(t) })]
          assert.ok(judge(wide) <= judge(narrow))
        },
      ),
    )
  })

  it('judges a value as it is shown at the decimal places', () => {
    fc.assert(
      fc.property(
        valueArb,
        valueArb,
        fc.constantFrom(...POLARITIES),
        toleranceArb,
        fc.integer({ min: 0, max: 4 }),
        (value, target, polarity, tolerance, decimals) => {
          const shown = roundTo(value, decimals)
          assert.equal(
            judgeRag({ value, target, polarity, tolerance, decimals }),
            judgeRag({ value: shown, target, polarity, tolerance, decimals }),
          )
        },
      ),
    )
  })

  it('has no target for polarity none, whatever else is given', () => {
    fc.assert(
      fc.property(valueArb, fc.option(valueArb), toleranceArb, (value, target, tolerance) => {
        assert.equal(judgeRag({ value, target, polarity: 'none', tolerance }), 'no_target')
      }),
    )
  })
})

describe('periodRag', () => {
  const table: ReadonlyArray<
    readonly [string, boolean, string | null, string, JudgedRag | undefined, Rag]
  > = [
    ['no value before the due date', false, '2024-10-21', '2024-10-20', undefined, 'no_data'],
    ['no value on the due date', false, '2024-10-21', '2024-10-21', undefined, 'no_data'],
    ['no value the day after', false, '2024-10-21', '2024-10-22', undefined, 'overdue'],
    ['no value a year after', false, '2024-10-21', '2025-10-22', 'green', 'overdue'],
    ['no value and no due date', false, null, '2030-01-01', undefined, 'no_data'],
    ['a value before the due date', true, '2024-10-21', '2024-10-01', 'amber', 'amber'],
    ['a value after the due date', true, '2024-10-21', '2024-12-01', 'red', 'red'],
    ['a value with no target', true, '2024-10-21', '2024-12-01', 'no_target', 'no_target'],
  ]
  for (const [name, hasValue, due, today, judged, expected] of table) {
    it(`is ${expected} for ${name}`, () => {
      assert.equal(periodRag({ hasValue, due, today, judged }), expected)
    })
  }

  it('needs the judged status when there is a value', () => {
    assert.throws(() => periodRag({ hasValue: true, due: '2024-10-21', today: '2024-10-21' }), {
      name: 'StatusError',
      message: 'A period with a value needs its judged status',
    })
  })

  it('refuses dates that are not dates', () => {
    assert.throws(() => periodRag({ hasValue: false, due: '2024-10-32', today: '2024-10-21' }), {
      message: 'The due date "2024-10-32" is not a date (YYYY-MM-DD)',
    })
    assert.throws(() => periodRag({ hasValue: false, due: null, today: '21/10/2024' }), {
      message: 'The date today "21/10/2024" is not a date (YYYY-MM-DD)',
    })
  })
})

describe('direction', () => {
  type Row = readonly [
    string,
    number | null | undefined,
    number | null | undefined,
    Polarity,
    Direction | null,
    { decimals?: number; band?: Band; target?: number }?,
  ]
  const table: readonly Row[] = [
    ['higher, up', 5, 4, 'higher_is_better', 'improving'],
    ['higher, down', 4, 5, 'higher_is_better', 'worsening'],
    ['higher, level', 5, 5, 'higher_is_better', 'same'],
    ['lower, down', 3, 4, 'lower_is_better', 'improving'],
    ['lower, up', 4, 3, 'lower_is_better', 'worsening'],
    ['no current value', null, 4, 'higher_is_better', null],
    ['no previous value', 4, undefined, 'lower_is_better', null],
    ['equal as shown', 4.04, 4.01, 'higher_is_better', 'same', { decimals: 1 }],
    ['different as shown', 4.05, 4.0, 'higher_is_better', 'improving', { decimals: 1 }],
    ['noise only', 0.1 + 0.2, 0.3, 'higher_is_better', 'same'],
    ['polarity none', 5, 4, 'none', null],
    [
      'band, nearer from below',
      94,
      90,
      'within_band',
      'improving',
      { band: { lower: 95, upper: 105 } },
    ],
    ['band, into it', 100, 110, 'within_band', 'improving', { band: { lower: 95, upper: 105 } }],
    ['band, moving inside', 104, 100, 'within_band', 'same', { band: { lower: 95, upper: 105 } }],
    ['band, out of it', 106, 100, 'within_band', 'worsening', { band: { lower: 95, upper: 105 } }],
    [
      'band, across at equal distance',
      90,
      110,
      'within_band',
      'same',
      { band: { lower: 95, upper: 105 } },
    ],
    [
      'band, further above',
      112,
      110,
      'within_band',
      'worsening',
      { band: { lower: 95, upper: 105 } },
    ],
    ['band of the target', 51, 48, 'within_band', 'improving', { target: 50 }],
    ['band with nothing to judge by', 51, 48, 'within_band', null],
  ]
  for (const [name, current, previous, polarity, expected, extra] of table) {
    it(`is ${expected} for ${name}`, () => {
      assert.equal(direction({ current, previous, polarity, ...extra }), expected)
    })
  }

  it('says up, down or same for measures with no better or worse', () => {
    assert.equal(movement({ current: 5, previous: 4 }), 'up')
    assert.equal(movement({ current: 4, previous: 5 }), 'down')
    assert.equal(movement({ current: 4.04, previous: 4, decimals: 1 }), 'same')
    assert.equal(movement({ current: null, previous: 5 }), null)
  })

  const directionArb = fc.record({
    a: valueArb,
    b: valueArb,
    polarity: fc.constantFrom(...POLARITIES),
    decimals: decimalsArb,
    band: bandArb,
  })

  it('is improving one way exactly when it is worsening the other', () => {
    fc.assert(
      fc.property(directionArb, ({ a, b, polarity, decimals, band }) => {
        const forward = direction({ current: a, previous: b, polarity, decimals, band })
        const back = direction({ current: b, previous: a, polarity, decimals, band })
        const opposite = { improving: 'worsening', worsening: 'improving', same: 'same' } as const
        assert.equal(back, forward === null ? null : opposite[forward])
      }),
    )
  })

  it('is the same for values equal at the decimal places', () => {
    fc.assert(
      fc.property(directionArb, ({ a, polarity, decimals, band }) => {
        const d = decimals ?? 2
        const nudged = a + 0.4 * 10 ** -d
        fc.pre(roundTo(nudged, d) === roundTo(a, d))
        const result = direction({ current: nudged, previous: a, polarity, decimals: d, band })
        assert.equal(result, polarity === 'none' ? null : 'same')
      }),
    )
  })

  it('agrees with the RAG: a value that improves never gets a worse status', () => {
    fc.assert(
      fc.property(directionArb, valueArb, toleranceArb, (input, target, tolerance) => {
        const { a, b, polarity, decimals, band } = input
        const result = direction({ current: a, previous: b, polarity, decimals, band, target })
        const rag = (value: number) =>
          SEVERITY[judgeRag({ value, target, polarity, tolerance, decimals, band })]
        if (result === 'improving') assert.ok(rag(a) <= rag(b))
        if (result === 'worsening') assert.ok(rag(a) >= rag(b))
      }),
    )
  })
})

describe('yearToDate', () => {
  const months = periodsInFinancialYear('monthly', 2024)
  const values = months.map((p, i) => ({ periodStart: p.start, value: (i + 1) * 10 }))
  const upTo = (start: string) => ({ frequency: 'monthly' as const, start })

  it('sums the year from April up to and including the period', () => {
    assert.equal(yearToDate(values, upTo('2024-04-01')), 10)
    assert.equal(yearToDate(values, upTo('2024-06-01')), 60)
    assert.equal(yearToDate(values, upTo('2025-03-01')), 780)
  })

  it('ignores other years and later periods, in any order', () => {
    const lastYear = periodsInFinancialYear('monthly', 2023).map((p) => ({
      periodStart: p.start,
      value: 1000,
    }))
    assert.equal(yearToDate([...values].reverse().concat(lastYear), upTo('2024-05-01')), 30)
  })

  it('is null when a period so far has no value, since the total would be too low', () => {
    const gap = values.map((v, i) => (i === 1 ? { ...v, value: null } : v))
    assert.equal(yearToDate(gap, upTo('2024-06-01')), null)
    assert.equal(yearToDate(gap, upTo('2024-04-01')), 10)
    assert.equal(yearToDate(values.slice(0, 2), upTo('2024-06-01')), null)
  })

  it('removes binary noise from the sum', () => {
    const quarters = periodsInFinancialYear('quarterly', 2024)
    const small = [0.1, 0.2].map((value, i) => ({ periodStart: quarters[i]?.start ?? '', value }))
    assert.equal(yearToDate(small, { frequency: 'quarterly', start: '2024-07-01' }), 0.3)
  })

  it('refuses a date that does not start a period', () => {
    assert.throws(() => yearToDate(values, upTo('2024-06-02')), PeriodError)
  })

  it('adds each period to the total before it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 2, max: 4 }),
        (amounts, index) => {
          const quarters = periodsInFinancialYear('quarterly', 2030)
          const entries = quarters.map((p, i) => ({ periodStart: p.start, value: amounts[i] ?? 0 }))
          const at = (n: number) => yearToDate(entries, periodAt('quarterly', 2030, n))
          assert.equal(at(index), (at(index - 1) ?? Number.NaN) + (amounts[index - 1] ?? 0))
        },
      ),
    )
  })
})

describe('cumulative targets', () => {
  const table: ReadonlyArray<
    readonly [string, number | null, (number | null)[], number, number | null]
  > = [
    ['even profile, Q1', 1000, [], 1, 250],
    ['even profile, Q2', 1000, [], 2, 500],
    ['even profile, Q4', 1000, [], 4, 1000],
    ['own Q1, rest shared', 1000, [100], 1, 100],
    ['own Q1, rest shared, Q2', 1000, [100], 2, 400],
    ['own Q1, rest shared, Q4', 1000, [100, null, null, null], 4, 1000],
    ['own Q3 only, Q2', 1000, [null, null, 400], 2, 400],
    ['own Q3 only, Q3', 1000, [null, null, 400], 3, 800],
    ['every period its own', 2000, [100, 200, 300, 400], 4, 1000],
    ['own targets without annual', null, [100, 200], 2, 300],
    ['a period without either', null, [100, null], 2, null],
    ['nothing', null, [], 1, null],
  ]
  for (const [name, annual, periodTargets, index, expected] of table) {
    it(`is ${expected} for ${name}`, () => {
      assert.equal(
        cumulativeTarget({ frequency: 'quarterly', annual, periodTargets, index }),
        expected,
      )
    })
  }

  it('profiles monthly targets evenly without noise', () => {
    assert.equal(cumulativeTarget({ frequency: 'monthly', annual: 100, index: 3 }), 25)
    assert.equal(cumulativeTarget({ frequency: 'monthly', annual: 0.3, index: 12 }), 0.3)
  })

  it('reaches the annual target at year end unless every period has its own', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000, max: 10_000 }),
        fc.array(fc.option(fc.integer({ min: -1000, max: 1000 })), { maxLength: 12 }),
        (annual, own) => {
          fc.pre(own.length < 12 || own.some((t) => t === null))
          const end = cumulativeTarget({
            frequency: 'monthly',
            annual,
            periodTargets: own,
            index: 12,
          })
          assert.ok(Math.abs((end ?? Number.NaN) - annual) < 1e-6)
        },
      ),
    )
  })

  it('picks the target a period is judged against', () => {
    const base = { frequency: 'quarterly' as const, annual: 100, periodTargets: [null, 40] }
    assert.equal(targetForPeriod({ ...base, cumulative: false, index: 1 }), 100)
    assert.equal(targetForPeriod({ ...base, cumulative: false, index: 2 }), 40)
    assert.equal(targetForPeriod({ ...base, cumulative: true, index: 1 }), 20)
    assert.equal(targetForPeriod({ ...base, cumulative: true, index: 2 }), 60)
    assert.equal(targetForPeriod({ ...base, annual: null, cumulative: false, index: 1 }), null)
  })

  it('refuses a period that is not in the year', () => {
    for (const cumulative of [true, false]) {
      assert.throws(
        () => targetForPeriod({ frequency: 'quarterly', annual: 1, index: 5, cumulative }),
        {
          name: 'StatusError',
          message: '5 is not a period of the year: quarterly periods run 1 to 4',
        },
      )
    }
  })
})

describe('forecastYearEnd', () => {
  const lastYear = [50, 150, 200, 100]
  type Row = readonly [string, Parameters<typeof forecastYearEnd>[0], number, string, string]
  const table: readonly Row[] = [
    [
      'cumulative, run rate',
      { frequency: 'monthly', cumulative: true, values: [10, 20, 30, 40, 50] },
      360,
      'run_rate',
      'Projected from the average of the 5 months so far',
    ],
    [
      'cumulative, run rate over a gap',
      { frequency: 'monthly', cumulative: true, values: [10, null, 30] },
      240,
      'run_rate',
      'Projected from the average of the 2 months with a value, of 3 so far',
    ],
    [
      'cumulative, one quarter',
      { frequency: 'quarterly', cumulative: true, values: [100] },
      400,
      'run_rate',
      'Projected from the one quarter so far',
    ],
    [
      'cumulative, year complete',
      { frequency: 'quarterly', cumulative: true, values: [1, 2, 3, 4] },
      10,
      'actual',
      "The year's actual total",
    ],
    [
      "cumulative, last year's profile",
      { frequency: 'quarterly', cumulative: true, values: [100, 300], previousYears: [lastYear] },
      1000,
      'same_as_last_year_profile',
      'Projected from the 2 quarters so far, following the pattern of last year',
    ],
    [
      'cumulative, two earlier years',
      {
        frequency: 'quarterly',
        cumulative: true,
        values: [100, 300],
        previousYears: [lastYear, [100, 100, 100, 100]],
      },
      900,
      'same_as_last_year_profile',
      'Projected from the 2 quarters so far, following the pattern of 2 earlier years',
    ],
    [
      'cumulative, last year incomplete',
      {
        frequency: 'quarterly',
        cumulative: true,
        values: [100, 300],
        previousYears: [[50, null, 200, 100], lastYear],
      },
      1000,
      'same_as_last_year_profile',
      'Projected from the 2 quarters so far, following the pattern of an earlier year',
    ],
    [
      'cumulative, no usable profile',
      {
        frequency: 'quarterly',
        cumulative: true,
        values: [100, 300],
        previousYears: [
          [0, 0, 10, 10],
          [1, 2, 3],
        ],
      },
      800,
      'run_rate',
      'Projected from the average of the 2 quarters so far',
    ],
    [
      'cumulative, a gap this year',
      {
        frequency: 'quarterly',
        cumulative: true,
        values: [null, 300],
        previousYears: [lastYear],
      },
      1200,
      'run_rate',
      'Projected from the average of the 1 quarter with a value, of 2 so far',
    ],
    [
      'cumulative, negative values',
      { frequency: 'quarterly', cumulative: true, values: [-10, 30], previousYears: [lastYear] },
      40,
      'run_rate',
      'Projected from the average of the 2 quarters so far',
    ],
    [
      'discrete, average',
      { frequency: 'monthly', cumulative: false, values: [80, 90, 85] },
      85,
      'average',
      'Projected from the average of the 3 months so far',
    ],
    [
      'discrete, average, one value',
      { frequency: 'bimonthly', cumulative: false, values: [80] },
      80,
      'average',
      'Projected from the one two-month period so far',
    ],
    [
      'discrete, latest value',
      {
        frequency: 'monthly',
        cumulative: false,
        values: [80, 90, null],
        discreteMethod: 'last_value',
      },
      90,
      'last_value',
      'Projected to stay at the latest value, from month 2 of 12',
    ],
    [
      'discrete, year complete, average',
      { frequency: 'quarterly', cumulative: false, values: [1, 2, 3, 4] },
      2.5,
      'average',
      'The average of the 4 quarters of the year',
    ],
    [
      'discrete, year complete, latest value',
      { frequency: 'half_yearly', cumulative: false, values: [1, 4], discreteMethod: 'last_value' },
      4,
      'last_value',
      'The value for the last half-year of the year',
    ],
    [
      'discrete, annual',
      { frequency: 'annual', cumulative: false, values: [7] },
      7,
      'average',
      'The value for the year',
    ],
    [
      'cumulative, annual',
      { frequency: 'annual', cumulative: true, values: [7] },
      7,
      'actual',
      "The year's actual total",
    ],
    [
      'discrete, no noise',
      { frequency: 'quarterly', cumulative: false, values: [0.1, 0.2] },
      0.15,
      'average',
      'Projected from the average of the 2 quarters so far',
    ],
  ]
  for (const [name, input, value, method, methodText] of table) {
    it(`forecasts ${name}`, () => {
      assert.deepEqual(forecastYearEnd(input), { value, method, methodText })
    })
  }

  it('has no forecast without a value this year', () => {
    assert.equal(forecastYearEnd({ frequency: 'monthly', cumulative: true, values: [] }), null)
    assert.equal(
      forecastYearEnd({ frequency: 'quarterly', cumulative: false, values: [null, null] }),
      null,
    )
  })

  it('refuses more values than the year has periods', () => {
    assert.throws(
      () => forecastYearEnd({ frequency: 'half_yearly', cumulative: true, values: [1, 2, 3] }),
      { name: 'StatusError', message: 'A year has 2 half-years, not 3' },
    )
    assert.throws(
      () => forecastYearEnd({ frequency: 'quarterly', cumulative: true, values: [Number.NaN] }),
      StatusError,
    )
  })

  const seriesArb = fc
    .integer({ min: 1, max: 12 })
    .chain((length) =>
      fc.tuple(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: length, maxLength: length }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 12, maxLength: 12 }),
      ),
    )

  it('projects a steady cumulative measure to its rate times the year', () => {
    fc.assert(
      fc.property(fc.integer({ min: -500, max: 500 }), fc.integer({ min: 1, max: 11 }), (c, k) => {
        const values = Array.from({ length: k }, () => c)
        assert.equal(
          forecastYearEnd({ frequency: 'monthly', cumulative: true, values })?.value,
          c * 12,
        )
      }),
    )
  })

  it("gives last year's total when this year follows last year exactly", () => {
    fc.assert(
      fc.property(seriesArb, ([, last]) => {
        const total = last.reduce((a, b) => a + b, 0)
        for (let k = 1; k < 12; k++) {
          const soFar = last.slice(0, k)
          fc.pre(soFar.some((v) => v > 0))
          const forecast = forecastYearEnd({
            frequency: 'monthly',
            cumulative: true,
            values: soFar,
            previousYears: [last],
          })
          assert.ok(forecast !== null)
          assert.equal(forecast.method, 'same_as_last_year_profile')
          assert.ok(Math.abs(forecast.value - total) < 1e-6)
        }
      }),
    )
  })

  it('keeps a discrete average between the lowest and highest value so far', () => {
    fc.assert(
      fc.property(seriesArb, ([values]) => {
        const forecast = forecastYearEnd({ frequency: 'monthly', cumulative: false, values })
        assert.ok(forecast !== null)
        assert.ok(forecast.value >= Math.min(...values) && forecast.value <= Math.max(...values))
      }),
    )
  })

  it('never forecasts less than the total so far for counts that only add up', () => {
    fc.assert(
      fc.property(seriesArb, ([values, last]) => {
        const forecast = forecastYearEnd({
          frequency: 'monthly',
          cumulative: true,
          values,
          previousYears: [last],
        })
        assert.ok((forecast?.value ?? -1) >= values.reduce((a, b) => a + b, 0) - 1e-6)
      }),
    )
  })
})

describe('dashboard counts', () => {
  const rags: Rag[] = ['green', 'green', 'amber', 'red', 'no_target', 'no_data', 'overdue', 'green']

  it('counts each status', () => {
    assert.deepEqual(ragCounts(rags), {
      green: 3,
      amber: 1,
      red: 1,
      no_target: 1,
      no_data: 1,
      overdue: 1,
    })
    assert.deepEqual(ragCounts([]), {
      green: 0,
      amber: 0,
      red: 0,
      no_target: 0,
      no_data: 0,
      overdue: 0,
    })
  })

  it('counts green as on track among the measures judged red, amber or green', () => {
    assert.equal(percentOnTrack(rags), 60)
    assert.equal(percentOnTrack(rags, { amberIsOnTrack: true }), 80)
    assert.equal(percentOnTrack(['green', 'red', 'red', 'red']), 25)
  })

  it('has no percentage when nothing is judged', () => {
    assert.equal(percentOnTrack([]), null)
    assert.equal(percentOnTrack(['no_target', 'no_data', 'overdue']), null)
  })

  it('stays between 0 and 100, ignores unjudged statuses, and is no lower counting amber', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...RAGS)),
        fc.array(fc.constantFrom<Rag>('no_target', 'no_data', 'overdue')),
        (some, unjudged) => {
          const strict = percentOnTrack(some)
          const lenient = percentOnTrack(some, { amberIsOnTrack: true })
          assert.equal(percentOnTrack([...some, ...unjudged]), strict)
          if (strict === null) return assert.equal(lenient, null)
          assert.ok(strict >= 0 && strict <= 100)
          assert.ok((lenient ?? -1) >= strict && (lenient ?? 101) <= 100)
        },
      ),
    )
  })
})
