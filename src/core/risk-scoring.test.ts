import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { periodAt, periodsInFinancialYear } from './periods.ts'
import {
  BANDS,
  RiskScoreError,
  addMonths,
  bandOf,
  bandTo,
  checkMatrix,
  heatMap,
  isRed,
  isTolerable,
  matrixProblems,
  mitigationSeries,
  nextReviewDate,
  possibleScores,
  redEpisodes,
  reviewState,
  riskScore,
  scoreDirection,
  scoreHistory,
  type MatrixSize,
  type RiskMatrix,
  type ScoredReview,
} from './risk-scoring.ts'

const levels = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `Level ${i + 1}`, description: '' }))

function matrix(size: MatrixSize = 5, overrides: Partial<RiskMatrix> = {}): RiskMatrix {
  const from = size === 5 ? [1, 5, 10, 15] : [1, 4, 8, 12]
  return {
    size,
    likelihood: levels(size),
    impact: levels(size),
    bands: BANDS.map((key, i) => ({ key, name: key.replace('_', ' '), from: from[i] ?? 1 })),
    appetite: size === 5 ? 9 : 6,
    ...overrides,
  }
}

const FIVE = matrix(5)
const FOUR = matrix(4)

describe('risk scores', () => {
  const table: [RiskMatrix, number, number, number, string, boolean, boolean][] = [
    // matrix, likelihood, impact, score, band, tolerable, red
    [FIVE, 1, 1, 1, 'low', true, false],
    [FIVE, 2, 2, 4, 'low', true, false],
    [FIVE, 1, 5, 5, 'medium', true, false],
    [FIVE, 3, 3, 9, 'medium', true, false],
    [FIVE, 2, 5, 10, 'high', false, false],
    [FIVE, 3, 4, 12, 'high', false, false],
    [FIVE, 3, 5, 15, 'very_high', false, true],
    [FIVE, 5, 5, 25, 'very_high', false, true],
    [FOUR, 1, 3, 3, 'low', true, false],
    [FOUR, 2, 3, 6, 'medium', true, false],
    [FOUR, 2, 4, 8, 'high', false, false],
    [FOUR, 3, 4, 12, 'very_high', false, true],
    [FOUR, 4, 4, 16, 'very_high', false, true],
  ]
  for (const [m, l, i, score, band, tolerable, red] of table) {
    it(`scores likelihood ${l} × impact ${i} on a ${m.size}×${m.size} matrix as ${score}, ${band}`, () => {
      assert.equal(riskScore(m, l, i), score)
      assert.equal(bandOf(m, score).key, band)
      assert.equal(isTolerable(m, score), tolerable)
      assert.equal(isRed(m, score), red)
    })
  }

  it('refuses levels outside the matrix, saying which and the range', () => {
    assert.throws(() => riskScore(FIVE, 6, 1), /Likelihood must be a whole number from 1 to 5/)
    assert.throws(() => riskScore(FOUR, 1, 5), /Impact must be a whole number from 1 to 4/)
    assert.throws(() => riskScore(FIVE, 0, 1), RiskScoreError)
    assert.throws(() => riskScore(FIVE, 2.5, 1), RiskScoreError)
  })

  it('lists the scores a matrix can give', () => {
    assert.deepEqual(possibleScores(4), [1, 2, 3, 4, 6, 8, 9, 12, 16])
    assert.equal(possibleScores(5).length, 14)
  })

  it('gives the top of each band', () => {
    assert.deepEqual(
      BANDS.map((b) => bandTo(FIVE, b)),
      [4, 9, 14, 25],
    )
  })

  it('gives direction of travel: a lower score is improving', () => {
    assert.equal(scoreDirection(null, 12), null)
    assert.equal(scoreDirection(16, 12), 'improving')
    assert.equal(scoreDirection(12, 12), 'same')
    assert.equal(scoreDirection(9, 12), 'worsening')
  })
})

describe('matrix rules', () => {
  it('accepts sound 4×4 and 5×5 matrices', () => {
    assert.deepEqual(matrixProblems(FIVE), [])
    assert.deepEqual(matrixProblems(FOUR), [])
  })

  const bad: [string, RiskMatrix, string][] = [
    ['a 3×3 matrix', { ...FIVE, size: 3 as MatrixSize }, 'size'],
    ['too few likelihood levels', matrix(5, { likelihood: levels(4) }), 'likelihood'],
    [
      'bands out of order',
      matrix(5, { bands: FIVE.bands.map((b) => (b.key === 'high' ? { ...b, from: 4 } : b)) }),
      'bands.high',
    ],
    [
      'a band beyond the top score',
      matrix(4, { bands: FOUR.bands.map((b) => (b.key === 'very_high' ? { ...b, from: 17 } : b)) }),
      'bands.very_high',
    ],
    ['an appetite inside the red band', matrix(5, { appetite: 15 }), 'appetite'],
    ['an appetite of nothing', matrix(5, { appetite: 0 }), 'appetite'],
    ['missing bands', matrix(5, { bands: FIVE.bands.slice(0, 3) }), 'bands'],
  ]
  for (const [what, m, field] of bad) {
    it(`refuses ${what}`, () => {
      assert.equal(matrixProblems(m)[0]?.field, field)
      assert.throws(() => checkMatrix(m), RiskScoreError)
    })
  }
})

describe('score history and heat map', () => {
  it('orders reviews by date and gives each its direction', () => {
    const history = scoreHistory(FIVE, [
      { date: '2024-07-01', likelihood: 3, impact: 4 },
      { date: '2024-04-01', likelihood: 4, impact: 5 },
      { date: '2024-10-01', likelihood: 3, impact: 4 },
      { date: '2025-01-01', likelihood: 4, impact: 4 },
    ])
    assert.deepEqual(
      history.map((h) => [h.review.date, h.score, h.band.key, h.direction]),
      [
        ['2024-04-01', 20, 'very_high', null],
        ['2024-07-01', 12, 'high', 'improving'],
        ['2024-10-01', 12, 'high', 'same'],
        ['2025-01-01', 16, 'very_high', 'worsening'],
      ],
    )
  })

  it('places each risk in its cell, most likely row first', () => {
    const map = heatMap(FOUR, [
      { id: 'a', reference: 'CR10', likelihood: 4, impact: 4 },
      { id: 'b', reference: 'CR2', likelihood: 4, impact: 4 },
      { id: 'c', reference: 'CR3', likelihood: 1, impact: 2 },
    ])
    assert.equal(map.total, 3)
    assert.deepEqual(
      map.rows.map((r) => r.likelihood),
      [4, 3, 2, 1],
    )
    const top = map.rows[0]?.cells[3]
    assert.deepEqual(
      top?.items.map((i) => i.reference),
      ['CR2', 'CR10'],
    )
    assert.equal(map.rows[0]?.cells[3]?.band.key, 'very_high')
    assert.equal(map.rows[3]?.cells[1]?.items[0]?.id, 'c')
  })
})

describe('dates', () => {
  const table: [string, number, string][] = [
    ['2024-01-31', 1, '2024-02-29'],
    ['2024-11-30', 3, '2025-02-28'],
    ['2024-04-15', 3, '2024-07-15'],
    ['2024-12-01', 1, '2025-01-01'],
    ['2025-03-31', -1, '2025-02-28'],
  ]
  for (const [date, months, expected] of table) {
    it(`adds ${months} month(s) to ${date}`, () => assert.equal(addMonths(date, months), expected))
  }

  it('schedules the next review at the frequency', () => {
    assert.equal(nextReviewDate('2024-05-10', 'quarterly'), '2024-08-10')
    assert.equal(nextReviewDate('2024-05-10', 'monthly'), '2024-06-10')
    assert.equal(nextReviewDate('2024-05-10', 'annual'), '2025-05-10')
  })

  it('says when a review is overdue or due soon', () => {
    assert.equal(reviewState(null, '2024-05-10'), 'none')
    assert.equal(reviewState('2024-05-09', '2024-05-10'), 'overdue')
    assert.equal(reviewState('2024-05-10', '2024-05-10'), 'due_soon')
    assert.equal(reviewState('2024-05-24', '2024-05-10'), 'due_soon')
    assert.equal(reviewState('2024-05-25', '2024-05-10'), 'scheduled')
  })
})

describe('red risks mitigated to tolerable within 3 months', () => {
  const r = (date: string, likelihood: number, impact: number): ScoredReview => ({
    date,
    likelihood,
    impact,
  })

  it('finds red episodes and whether each reached tolerable in time', () => {
    const episodes = redEpisodes(FIVE, [
      r('2024-04-10', 4, 4), // red
      r('2024-05-10', 3, 4), // high, still not tolerable
      r('2024-06-10', 4, 4), // red again: same episode
      r('2024-07-10', 3, 3), // tolerable, on the deadline
      r('2024-09-01', 5, 5), // red: a new episode
      r('2024-12-15', 2, 2), // tolerable, too late
      r('2025-01-10', 5, 4), // red, still open
    ])
    assert.deepEqual(episodes, [
      {
        start: '2024-04-10',
        deadline: '2024-07-10',
        tolerableOn: '2024-07-10',
        mitigatedInTime: true,
      },
      {
        start: '2024-09-01',
        deadline: '2024-12-01',
        tolerableOn: '2024-12-15',
        mitigatedInTime: false,
      },
      { start: '2025-01-10', deadline: '2025-04-10', tolerableOn: null, mitigatedInTime: false },
    ])
  })

  it('counts each episode in the period its three months end, once its outcome is known', () => {
    const histories = [
      [r('2024-04-10', 4, 4), r('2024-06-01', 2, 2)], // due Q2 (10 Jul), in time
      [r('2024-05-01', 5, 5), r('2024-09-01', 1, 1)], // due Q2 (1 Aug), late
      [r('2024-06-20', 4, 4)], // due Q2 (20 Sep), never
      [r('2024-12-20', 4, 4)], // due Q4 (20 Mar), after asOf
      [r('2024-04-01', 1, 1)], // never red
    ]
    const series = mitigationSeries(
      FIVE,
      histories,
      periodsInFinancialYear('quarterly', 2024),
      '2025-03-01',
    )
    assert.deepEqual(
      series.map((p) => [p.period.label, p.value, p.numerator, p.denominator]),
      [
        ['2024/25 Q1', null, 0, 0],
        ['2024/25 Q2', 33.3, 1, 3],
        ['2024/25 Q3', null, 0, 0],
        ['2024/25 Q4', null, 0, 0],
      ],
    )
    const monthly = mitigationSeries(FIVE, histories, [periodAt('monthly', 2024, 4)], '2025-03-01')
    assert.deepEqual(
      monthly.map((p) => [p.period.label, p.value]),
      [['Jul 2024', 100]],
    )
  })
})

describe('risk scoring properties', () => {
  const sizeArb = fc.constantFrom<MatrixSize>(4, 5)
  const matrixArb = sizeArb.chain((size) => {
    const max = size * size
    return fc
      .uniqueArray(fc.integer({ min: 2, max }), { minLength: 3, maxLength: 3 })
      .map((xs) => [...xs].sort((a, b) => a - b))
      .chain(([m, h, v]) =>
        fc.integer({ min: 1, max: (v ?? 2) - 1 }).map((appetite): RiskMatrix => ({
          size,
          likelihood: levels(size),
          impact: levels(size),
          bands: BANDS.map((key, i) => ({ key, name: key, from: [1, m, h, v][i] ?? 1 })),
          appetite,
        })),
      )
  })
  const reviewArb = (size: number) =>
    fc.record({
      date: fc
        .integer({ min: 0, max: 1000 })
        .map((d) => new Date(Date.UTC(2023, 3, 1) + d * 86_400_000).toISOString().slice(0, 10)),
      likelihood: fc.integer({ min: 1, max: size }),
      impact: fc.integer({ min: 1, max: size }),
    })

  it('puts every score of a sound matrix in exactly one band, rising with the score', () => {
    fc.assert(
      fc.property(matrixArb, (m) => {
        assert.deepEqual(matrixProblems(m), [])
        const scores = possibleScores(m.size)
        const ranks = scores.map((s) => BANDS.indexOf(bandOf(m, s).key))
        for (let i = 1; i < ranks.length; i++) assert.ok((ranks[i] ?? 0) >= (ranks[i - 1] ?? 0))
        for (const s of scores)
          assert.ok(!(isRed(m, s) && isTolerable(m, s)), 'red is never tolerable')
      }),
    )
  })

  it('scores within 1 to size² and refuses anything outside the matrix', () => {
    fc.assert(
      fc.property(
        sizeArb,
        fc.integer({ min: -3, max: 8 }),
        fc.integer({ min: -3, max: 8 }),
        (size, l, i) => {
          const m = matrix(size)
          const inside = l >= 1 && l <= size && i >= 1 && i <= size
          if (inside) {
            const s = riskScore(m, l, i)
            assert.ok(s >= 1 && s <= size * size)
          } else {
            assert.throws(() => riskScore(m, l, i), RiskScoreError)
          }
        },
      ),
    )
  })

  it('places every risk in the heat map exactly once', () => {
    fc.assert(
      fc.property(
        sizeArb.chain((size) =>
          fc.tuple(fc.constant(size), fc.array(reviewArb(size), { maxLength: 30 })),
        ),
        ([size, points]) => {
          const items = points.map((p, n) => ({ ...p, id: String(n), reference: `R${n}` }))
          const map = heatMap(matrix(size), items)
          assert.equal(map.total, items.length)
          const ids = map.rows.flatMap((r) => r.cells.flatMap((c) => c.items.map((i) => i.id)))
          assert.deepEqual([...ids].sort(), items.map((i) => i.id).sort())
        },
      ),
    )
  })

  it('keeps the measure between 0 and 100 with numerator at most denominator', () => {
    fc.assert(
      fc.property(
        matrixArb.chain((m) =>
          fc.tuple(
            fc.constant(m),
            fc.array(fc.array(reviewArb(m.size), { maxLength: 12 }), { maxLength: 8 }),
          ),
        ),
        ([m, histories]) => {
          const periods = [2023, 2024, 2025].flatMap((y) => periodsInFinancialYear('quarterly', y))
          const series = mitigationSeries(m, histories, periods, '2026-03-31')
          const total = histories.flatMap((h) => redEpisodes(m, h)).length
          let counted = 0
          for (const point of series) {
            assert.ok(point.numerator <= point.denominator)
            if (point.value !== null) assert.ok(point.value >= 0 && point.value <= 100)
            else assert.equal(point.denominator, 0)
            counted += point.denominator
          }
          assert.equal(counted, total, 'every episode is counted once')
        },
      ),
    )
  })

  it('ends an episode only at a tolerable review, after it began', () => {
    fc.assert(
      fc.property(
        matrixArb.chain((m) =>
          fc.tuple(fc.constant(m), fc.array(reviewArb(m.size), { maxLength: 20 })),
        ),
        ([m, reviews]) => {
          for (const e of redEpisodes(m, reviews)) {
            assert.ok(e.deadline > e.start)
            if (e.tolerableOn !== null) assert.ok(e.tolerableOn >= e.start)
            assert.equal(e.mitigatedInTime, e.tolerableOn !== null && e.tolerableOn <= e.deadline)
          }
        },
      ),
    )
  })
})
