import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  LIMIT_FACTOR,
  MIN_POINTS_FOR_LIMITS,
  TRIAL_LIMITS_BELOW,
  improvementForPolarity,
  xmr,
  type ImprovementDirection,
  type PointType,
  type XmrOptions,
  type XmrResult,
} from './spc.ts'

const alternating = (length: number, a: number, b: number): number[] =>
  Array.from({ length }, (_, i) => (i % 2 === 0 ? a : b))

const indexesWhere = (result: XmrResult, rule: string): number[] =>
  result.points.flatMap((p, i) => (p.rule === rule ? [i] : []))

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

function assertClose(actual: number | null, expected: number, message?: string): void {
  assert.ok(actual !== null, message ?? `expected ${expected}, got null`)
  const scale = Math.max(1, Math.abs(expected))
  assert.ok(Math.abs(actual - expected) <= 1e-9 * scale, message ?? `${actual} ≠ ${expected}`)
}

describe('xmr limits', () => {
  it('puts the natural process limits at the mean ± 2.66 × the mean moving range', () => {
    const result = xmr([2, 4, 6, 4], { improvement: 'increase' })
    assert.equal(result.mean, 4)
    assert.equal(result.segments[0]?.movingRangeMean, 2)
    assertClose(result.lowerLimit, 4 - 5.32)
    assertClose(result.upperLimit, 4 + 5.32)
    assertClose(result.segments[0].upperRangeLimit ?? null, 3.267 * 2)
    assert.deepEqual(
      result.points.map((p) => p.movingRange),
      [null, 2, 2, 2],
    )
  })

  it('claims no mean, limits or icons below the minimum number of points', () => {
    assert.equal(MIN_POINTS_FOR_LIMITS, 2)
    const none = xmr([], { improvement: 'increase', target: 3 })
    assert.deepEqual(none, {
      mean: null,
      lowerLimit: null,
      upperLimit: null,
      points: [],
      segments: [],
      variation: null,
      assurance: null,
    })
    const one = xmr([5], { improvement: 'increase', target: 3 })
    assert.equal(one.mean, null)
    assert.equal(one.lowerLimit, null)
    assert.equal(one.variation, null)
    assert.equal(one.assurance, null)
    assert.deepEqual(
      one.points.map((p) => [p.pointType, p.rule, p.mean]),
      [['common_cause', null, null]],
    )
  })

  it('computes limits from two points', () => {
    const result = xmr([5, 7], { improvement: 'increase', target: 100 })
    assert.equal(result.mean, 6)
    assertClose(result.upperLimit, 6 + 2 * LIMIT_FACTOR)
    assert.equal(result.variation, 'common_cause')
    assert.equal(result.assurance, 'consistent_fail')
  })

  it('marks limits from fewer than twelve points as trial limits', () => {
    assert.equal(TRIAL_LIMITS_BELOW, 12)
    assert.equal(xmr(alternating(11, 1, 2), { improvement: 'neutral' }).segments[0]?.trial, true)
    assert.equal(xmr(alternating(12, 1, 2), { improvement: 'neutral' }).segments[0]?.trial, false)
    const shortBaseline = xmr(alternating(30, 1, 2), {
      improvement: 'neutral',
      baseline: { fromIndex: 0, toIndex: 5 },
    })
    assert.equal(shortBaseline.segments[0]?.trial, true)
  })

  it('leaves out large moving ranges when asked to screen outliers', () => {
    const values = [...alternating(20, 9, 11), 30, 10]
    const plain = xmr(values, { improvement: 'increase' })
    const screened = xmr(values, { improvement: 'increase', screenOutliers: true })
    assertClose(plain.segments[0]?.movingRangeMean ?? null, (19 * 2 + 19 + 20) / 21)
    assert.equal(screened.segments[0]?.movingRangeMean, 2)
    assert.equal(screened.mean, plain.mean)
  })
})

describe('xmr special cause rules', () => {
  it('flags a point outside the limits as improvement or concern by the improvement direction', () => {
    const values = [...alternating(40, 9, 11), 30]
    const cases: [ImprovementDirection, PointType][] = [
      ['increase', 'special_cause_improvement'],
      ['decrease', 'special_cause_concern'],
      ['neutral', 'special_cause_neutral_high'],
    ]
    for (const [improvement, expected] of cases) {
      const result = xmr(values, { improvement })
      assert.deepEqual(indexesWhere(result, 'outside_limits'), [40])
      assert.equal(result.points.filter((p) => p.pointType !== 'common_cause').length, 1)
      assert.equal(result.variation, expected)
    }
    const low = xmr([...alternating(40, 9, 11), -10], { improvement: 'neutral' })
    assert.equal(low.variation, 'special_cause_neutral_low')
  })

  it('flags a shift of seven points on one side of the mean, but not six', () => {
    const base = [2, 0, 2, 0, 2, 0, 2, 0]
    const seven = xmr([...base, 1.6, 1.4, 1.6, 1.4, 1.6, 1.4, 1.6], { improvement: 'decrease' })
    assert.deepEqual(indexesWhere(seven, 'shift'), range(8, 14))
    assert.ok(seven.points.slice(8).every((p) => p.pointType === 'special_cause_concern'))
    const six = xmr([...base, 1.6, 1.4, 1.6, 1.4, 1.6, 1.4], { improvement: 'decrease' })
    assert.deepEqual(indexesWhere(six, 'shift'), [])
  })

  it('breaks a shift at a point exactly on the mean', () => {
    const onMean = xmr([0, 1, 0, 1, 0, 1, 5, 1, 3, 3, 3, 2, 3, 3, 3, 3], {
      improvement: 'increase',
    })
    assert.equal(onMean.mean, 2)
    assert.deepEqual(indexesWhere(onMean, 'shift'), [])
    const offMean = xmr([0, 1, 0, 1, 0, 1, 5, 1, 3, 3, 3, 3, 3, 3, 3, 3], {
      improvement: 'increase',
    })
    assert.deepEqual(indexesWhere(offMean, 'shift'), range(8, 15))
  })

  it('flags a trend of seven rising points, counting the first, coloured by its direction', () => {
    const values = [4, 6, 4, 6, 4, 6, 1, 2, 3, 4, 5, 6, 7, 4, 6, 4, 6]
    const rising = xmr(values, { improvement: 'increase' })
    assert.deepEqual(indexesWhere(rising, 'trend'), range(6, 12))
    // The first points of the trend lie below the mean but are still improvement.
    assert.ok((rising.points[6]?.value ?? 0) < (rising.mean ?? 0))
    assert.ok(rising.points.slice(6, 13).every((p) => p.pointType === 'special_cause_improvement'))
    const concern = xmr(values, { improvement: 'decrease' })
    assert.ok(concern.points.slice(6, 13).every((p) => p.pointType === 'special_cause_concern'))
    const neutral = xmr(values, { improvement: 'neutral' })
    assert.ok(
      neutral.points.slice(6, 13).every((p) => p.pointType === 'special_cause_neutral_high'),
    )
  })

  it('does not flag six rising points, or seven with a tie among them', () => {
    const six = xmr([4, 6, 4, 6, 4, 6, 1, 2, 3, 4, 5, 6, 4, 6, 4, 6], { improvement: 'increase' })
    assert.deepEqual(indexesWhere(six, 'trend'), [])
    const tie = [...alternating(10, 0, 8), 1, 2, 3, 3, 4, 5, 6, ...alternating(6, 0, 8)]
    assert.deepEqual(indexesWhere(xmr(tie, { improvement: 'increase' }), 'trend'), [])
  })

  it('gives the turning point of a rise and a fall the direction of the fall', () => {
    const values = [...alternating(10, 0, 8), 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    const result = xmr([...values, ...alternating(6, 0, 8)], { improvement: 'increase' })
    assert.deepEqual(indexesWhere(result, 'trend'), range(10, 23))
    assert.equal(result.points[15]?.pointType, 'special_cause_improvement')
    assert.equal(result.points[16]?.pointType, 'special_cause_concern')
  })

  it('colours the end of a trend by that trend when an equal value starts the next', () => {
    // Deliberate difference (docs/spc.md): NHSRplotthedots calls point 16 decreasing here.
    const values = [...alternating(10, 0, 14), 1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 13]
    const result = xmr([...values, ...alternating(6, 0, 14)], { improvement: 'increase' })
    assert.deepEqual(indexesWhere(result, 'trend'), range(10, 23))
    assert.ok(result.points.slice(10, 24).every((p) => p.pointType === 'special_cause_improvement'))
  })

  it('flags the points beyond two sigma when two of three lie there on the same side', () => {
    const high = xmr([...alternating(20, 9, 11), 15, 11, 15, 9], { improvement: 'increase' })
    assert.deepEqual(indexesWhere(high, 'two_of_three'), [20, 22])
    assert.equal(high.points[22]?.pointType, 'special_cause_improvement')
    const low = xmr([...alternating(20, 9, 11), 5, 9, 5, 11], { improvement: 'increase' })
    assert.deepEqual(indexesWhere(low, 'two_of_three'), [20, 22])
    assert.equal(low.points[22]?.pointType, 'special_cause_concern')
    const three = xmr([...alternating(20, 9, 11), 14.5, 14.5, 14.5, 9], { improvement: 'increase' })
    assert.deepEqual(indexesWhere(three, 'two_of_three'), [20, 21, 22])
  })

  it('does not flag two of three when the middle point crosses the mean', () => {
    const result = xmr([...alternating(20, 9, 11), 15, 9, 15, 11], { improvement: 'increase' })
    assert.ok((result.points[21]?.value ?? 0) < (result.mean ?? 0))
    assert.deepEqual(indexesWhere(result, 'two_of_three'), [])
  })

  it('names one rule per point: outside limits, then trend, then two of three, then shift', () => {
    const outsideInTrend = xmr([...alternating(20, 9, 11), 8, 9, 10, 11, 12, 13, 30], {
      improvement: 'increase',
    })
    assert.deepEqual(indexesWhere(outsideInTrend, 'trend'), range(20, 25))
    assert.deepEqual(indexesWhere(outsideInTrend, 'outside_limits'), [26])
    const trendInShift = xmr([...alternating(20, 0, 20), 12, 13, 14, 15, 16, 17, 18], {
      improvement: 'increase',
    })
    assert.deepEqual(indexesWhere(trendInShift, 'trend'), range(20, 26))
    assert.deepEqual(indexesWhere(trendInShift, 'shift'), [19])
  })

  it('takes variation from the latest point', () => {
    const values = [...alternating(40, 9, 11), 30]
    assert.equal(xmr(values, { improvement: 'increase' }).variation, 'special_cause_improvement')
    assert.equal(xmr([...values, 10], { improvement: 'increase' }).variation, 'common_cause')
  })
})

describe('xmr assurance', () => {
  // Limits of [2, 4, 6, 4]: -1.32 to 9.32.
  const values = [2, 4, 6, 4]
  const cases: [ImprovementDirection, number | null | undefined, string | null][] = [
    ['increase', 10, 'consistent_fail'],
    ['increase', -2, 'consistent_pass'],
    ['increase', 5, 'inconsistent'],
    ['decrease', 10, 'consistent_pass'],
    ['decrease', -2, 'consistent_fail'],
    ['decrease', 5, 'inconsistent'],
    ['neutral', 10, null],
    ['increase', null, null],
    ['increase', undefined, null],
  ]
  for (const [improvement, target, expected] of cases) {
    it(`is ${expected} for ${improvement} with target ${target}`, () => {
      assert.equal(xmr(values, { improvement, target }).assurance, expected)
    })
  }

  it('counts a target exactly on a limit as inconsistent', () => {
    const result = xmr(values, { improvement: 'increase' })
    const onLimit = xmr(values, { improvement: 'increase', target: result.upperLimit })
    assert.equal(onLimit.assurance, 'inconsistent')
  })

  it('judges the target against the latest segment', () => {
    const result = xmr([...alternating(12, 9, 11), ...alternating(12, 29, 31)], {
      improvement: 'increase',
      target: 20,
      changePoints: [12],
    })
    assert.equal(result.mean, 30)
    assert.equal(result.assurance, 'consistent_pass')
  })
})

describe('xmr baseline and change points', () => {
  it('fixes the limits from a baseline and applies them to every later point', () => {
    const values = [...alternating(12, 9, 11), 10, 16, 10]
    const result = xmr(values, { improvement: 'increase', baseline: { fromIndex: 0, toIndex: 11 } })
    assert.deepEqual(result.segments[0]?.limitsFrom, { fromIndex: 0, toIndex: 11 })
    assert.ok(result.points.every((p) => p.mean === 10))
    assertClose(result.upperLimit, 10 + 2 * LIMIT_FACTOR)
    assert.deepEqual(indexesWhere(result, 'outside_limits'), [13])
    assert.deepEqual(indexesWhere(xmr(values, { improvement: 'increase' }), 'outside_limits'), [])
  })

  it('recalculates the mean and limits from each change point, a step per segment', () => {
    const values = [...alternating(10, 9, 11), ...alternating(10, 19, 21)]
    const result = xmr(values, { improvement: 'increase', changePoints: [10] })
    assert.deepEqual(
      result.segments.map((s) => [s.fromIndex, s.toIndex, s.mean, s.movingRangeMean]),
      [
        [0, 9, 10, 2],
        [10, 19, 20, 2],
      ],
    )
    assert.deepEqual(
      result.points.map((p) => p.mean),
      [...Array<number>(10).fill(10), ...Array<number>(10).fill(20)],
    )
    assert.equal(result.points[10]?.movingRange, null)
    assert.equal(result.points[10].segment, 1)
    assert.equal(result.mean, 20)
  })

  it('evaluates rules within a segment only', () => {
    const values = [10, 0, 10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 10, 0, 10]
    assert.deepEqual(indexesWhere(xmr(values, { improvement: 'increase' }), 'trend'), range(3, 11))
    const split = xmr(values, { improvement: 'increase', changePoints: [7] })
    assert.deepEqual(indexesWhere(split, 'trend'), [])
  })

  it('ends a baseline at the next change point', () => {
    const values = alternating(24, 1, 3)
    const result = xmr(values, {
      improvement: 'increase',
      baseline: { fromIndex: 2, toIndex: 20 },
      changePoints: [12],
    })
    assert.deepEqual(
      result.segments.map((s) => s.limitsFrom),
      [
        { fromIndex: 2, toIndex: 11 },
        { fromIndex: 12, toIndex: 23 },
      ],
    )
  })

  it('applies a baseline to the segment it starts in', () => {
    const result = xmr(alternating(24, 1, 3), {
      improvement: 'increase',
      baseline: { fromIndex: 14, toIndex: 19 },
      changePoints: [12],
    })
    assert.deepEqual(
      result.segments.map((s) => s.limitsFrom),
      [
        { fromIndex: 0, toIndex: 11 },
        { fromIndex: 14, toIndex: 19 },
      ],
    )
  })

  it('claims no variation while the latest segment is too short for limits', () => {
    const result = xmr([...alternating(12, 9, 11), 30], {
      improvement: 'increase',
      target: 5,
      changePoints: [12],
    })
    assert.equal(result.segments[0]?.mean, 10)
    assert.equal(result.mean, null)
    assert.equal(result.variation, null)
    assert.equal(result.assurance, null)
    assert.equal(result.points[12]?.rule, null)
  })

  it('ignores change points that split nothing, and repeated ones', () => {
    const values = alternating(10, 1, 3)
    const result = xmr(values, { improvement: 'increase', changePoints: [0, 10, 99, 4, 4] })
    assert.deepEqual(
      result.segments.map((s) => [s.fromIndex, s.toIndex]),
      [
        [0, 3],
        [4, 9],
      ],
    )
  })
})

describe('improvementForPolarity', () => {
  it('maps each polarity to an improvement direction', () => {
    assert.equal(improvementForPolarity('higher_is_better'), 'increase')
    assert.equal(improvementForPolarity('lower_is_better'), 'decrease')
    assert.equal(improvementForPolarity('within_band'), 'neutral')
    assert.equal(improvementForPolarity('none'), 'neutral')
  })
})

describe('xmr input checks', () => {
  const bad: [string, readonly number[], XmrOptions][] = [
    ['a value that is not a number', [1, Number.NaN], { improvement: 'increase' }],
    ['an infinite value', [1, Infinity], { improvement: 'increase' }],
    ['an infinite target', [1, 2], { improvement: 'increase', target: Infinity }],
    ['a change point between points', [1, 2, 3], { improvement: 'increase', changePoints: [1.5] }],
    [
      'a baseline that ends before it starts',
      [1, 2, 3],
      { improvement: 'increase', baseline: { fromIndex: 2, toIndex: 1 } },
    ],
    [
      'a baseline starting after the last point',
      [1, 2, 3],
      { improvement: 'increase', baseline: { fromIndex: 3, toIndex: 4 } },
    ],
    ['a one-point shift', [1, 2, 3], { improvement: 'increase', shiftPoints: 1 }],
    ['a fractional trend', [1, 2, 3], { improvement: 'increase', trendPoints: 6.5 }],
  ]
  for (const [name, values, options] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => xmr(values, options), RangeError)
    })
  }
})

const improvements = fc.constantFrom<ImprovementDirection>('increase', 'decrease', 'neutral')
const integerSeries = fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 40 })
const realSeries = fc.array(
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  { maxLength: 40 },
)

// Multiples of 1/1024: scaling these by powers of two is exact, far from subnormal numbers.
const dyadicSeries = fc.array(
  fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 1024),
  { maxLength: 40 },
)

const shape = (result: XmrResult): [PointType, string | null][] =>
  result.points.map((p) => [p.pointType, p.rule])

// Points within rounding of a rule's line may classify either way after exact-in-theory changes.
function hasPointOnALine(values: readonly number[], result: XmrResult): boolean {
  const segment = result.segments[0]
  if (segment?.mean == null || segment.movingRangeMean == null) return false
  const { mean, movingRangeMean } = segment
  const lines = [1, -1].flatMap((s) => [
    mean + s * LIMIT_FACTOR * movingRangeMean,
    mean + s * 2 * (LIMIT_FACTOR / 3) * movingRangeMean,
  ])
  return values.some((v) => lines.some((line) => Math.abs(v - line) < 1e-6))
}

describe('xmr properties', () => {
  it('places the limits symmetrically around the mean', () => {
    fc.assert(
      fc.property(realSeries, improvements, (values, improvement) => {
        const { mean, lowerLimit, upperLimit } = xmr(values, { improvement })
        if (values.length < MIN_POINTS_FOR_LIMITS) return mean === null && upperLimit === null
        assert.ok(mean !== null && lowerLimit !== null && upperLimit !== null)
        assert.ok(lowerLimit <= mean && mean <= upperLimit)
        const tolerance = 1e-9 * Math.max(1, Math.abs(mean), upperLimit - lowerLimit)
        assert.ok(Math.abs(upperLimit - mean - (mean - lowerLimit)) <= tolerance)
        return true
      }),
    )
  })

  it('gives a constant series zero-width limits and no special causes', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: 2, max: 40 }),
        improvements,
        (value, length, improvement) => {
          const result = xmr(Array<number>(length).fill(value), { improvement })
          // === so that -0 and 0 count as the same value
          assert.ok(result.mean === value && result.lowerLimit === value)
          assert.ok(result.upperLimit === value)
          assert.ok(result.points.every((p) => p.pointType === 'common_cause' && p.rule === null))
          assert.equal(result.variation, 'common_cause')
        },
      ),
    )
  })

  it('moves the mean and limits by a constant added to every value, and nothing else', () => {
    fc.assert(
      fc.property(
        integerSeries,
        fc.integer({ min: -1e6, max: 1e6 }),
        improvements,
        (values, shift, improvement) => {
          const before = xmr(values, { improvement })
          const moved = values.map((v) => v + shift)
          const after = xmr(moved, { improvement })
          fc.pre(!hasPointOnALine(values, before) && !hasPointOnALine(moved, after))
          if (before.mean === null) return after.mean === null
          assertClose(after.mean, before.mean + shift)
          assertClose(after.lowerLimit, (before.lowerLimit ?? 0) + shift)
          assertClose(after.upperLimit, (before.upperLimit ?? 0) + shift)
          assert.deepEqual(shape(after), shape(before))
          return true
        },
      ),
    )
  })

  it('scales the limits with the values and keeps every classification', () => {
    fc.assert(
      fc.property(
        dyadicSeries,
        fc.integer({ min: -20, max: 20 }),
        improvements,
        (values, power, improvement) => {
          // Powers of two scale exactly, so nothing may change but the scale.
          const factor = 2 ** power
          const before = xmr(values, { improvement })
          const after = xmr(
            values.map((v) => v * factor),
            { improvement },
          )
          assert.equal(after.mean, before.mean === null ? null : before.mean * factor)
          assert.equal(
            after.upperLimit,
            before.upperLimit === null ? null : before.upperLimit * factor,
          )
          assert.deepEqual(shape(after), shape(before))
        },
      ),
    )
  })

  it('swaps improvement and concern when the values are negated and the direction flipped', () => {
    const mirror: Record<PointType, PointType> = {
      common_cause: 'common_cause',
      special_cause_improvement: 'special_cause_improvement',
      special_cause_concern: 'special_cause_concern',
      special_cause_neutral_high: 'special_cause_neutral_low',
      special_cause_neutral_low: 'special_cause_neutral_high',
    }
    fc.assert(
      fc.property(
        realSeries,
        fc.constantFrom<[ImprovementDirection, ImprovementDirection]>(
          ['increase', 'decrease'],
          ['decrease', 'increase'],
          ['neutral', 'neutral'],
        ),
        fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true })),
        (values, [improvement, flipped], target) => {
          const before = xmr(values, { improvement, target })
          const after = xmr(
            values.map((v) => -v),
            { improvement: flipped, target: target === null ? null : -target },
          )
          assert.deepEqual(
            after.points.map((p) => [p.pointType, p.rule]),
            before.points.map((p) => [mirror[p.pointType], p.rule]),
          )
          assert.equal(after.assurance, before.assurance)
          assert.equal(after.lowerLimit, before.upperLimit === null ? null : -before.upperLimit)
        },
      ),
    )
  })

  it('pairs every special cause with a rule and keeps outside-limit points on that rule', () => {
    fc.assert(
      fc.property(integerSeries, improvements, (values, improvement) => {
        const result = xmr(values, { improvement })
        for (const p of result.points) {
          assert.equal(p.pointType === 'common_cause', p.rule === null)
          if (p.lowerLimit === null || p.upperLimit === null) continue
          const outside = p.value > p.upperLimit || p.value < p.lowerLimit
          assert.equal(p.rule === 'outside_limits', outside)
        }
        const latest = result.points.at(-1)
        assert.equal(result.variation, latest?.mean == null ? null : latest.pointType)
      }),
    )
  })

  it('treats a baseline covering every point as no baseline', () => {
    fc.assert(
      fc.property(integerSeries, improvements, (values, improvement) => {
        fc.pre(values.length > 0)
        const baseline = { fromIndex: 0, toIndex: values.length - 1 }
        assert.deepEqual(xmr(values, { improvement, baseline }), xmr(values, { improvement }))
      }),
    )
  })

  it('computes each segment as if its points were the whole series', () => {
    fc.assert(
      fc.property(
        integerSeries.filter((v) => v.length >= 2),
        fc.nat(),
        improvements,
        (values, seed, improvement) => {
          const at = 1 + (seed % (values.length - 1))
          const split = xmr(values, { improvement, changePoints: [at] })
          const strip = (r: XmrResult) => r.points.map(({ segment: _segment, ...p }) => p)
          const first = strip(xmr(values.slice(0, at), { improvement }))
          const second = strip(xmr(values.slice(at), { improvement }))
          assert.deepEqual(strip(split), [...first, ...second])
        },
      ),
    )
  })
})
