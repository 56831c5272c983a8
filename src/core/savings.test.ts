import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  ProfileError,
  assessDelivery,
  budgetRag,
  checkProfile,
  deliveryByPeriod,
  efficiencyChecks,
  evenProfile,
  monthsElapsed,
  type DeliveryMonth,
} from './savings.ts'

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

describe('even profile', () => {
  const table: [number, number[]][] = [
    [1200, Array<number>(12).fill(100)],
    [1205, [100, 100, 100, 100, 100, 100, 100, 101, 101, 101, 101, 101]],
    [11, [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
    [0, Array<number>(12).fill(0)],
    // Whole pounds split in whole pounds: £100,000 never becomes months of £8,333.33.
    [10_000_000, [...Array<number>(8).fill(833_300), ...Array<number>(4).fill(833_400)]],
    [1300, [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 200]],
  ]
  for (const [amount, months] of table) {
    it(`splits ${amount} pence into ${months.join(', ')}`, () => {
      assert.deepEqual(evenProfile(amount), months)
    })
  }

  it('always sums exactly, never varies by more than a unit and rises only at the end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (amount) => {
        const months = evenProfile(amount)
        const unit = amount % 100 === 0 ? 100 : 1
        assert.equal(months.length, 12)
        assert.equal(sum(months), amount)
        assert.ok(Math.max(...months) - Math.min(...months) <= unit)
        for (const m of months) assert.equal(m % unit, 0)
        for (let i = 1; i < 12; i++) assert.ok((months[i] ?? 0) >= (months[i - 1] ?? 0))
      }),
    )
  })

  it('refuses a negative amount', () => {
    assert.throws(() => evenProfile(-1), ProfileError)
  })
})

describe('custom profile', () => {
  it('accepts months that add up to the amount', () => {
    checkProfile(1200, [0, 0, 0, 300, 300, 300, 300, 0, 0, 0, 0, 0], 2025)
  })
  it('says how far a profile is from the amount', () => {
    assert.throws(
      () => checkProfile(1200, [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0], 2025),
      /2025\/26 profile adds up to £11, not the year’s £12 \(£1 short\)/,
    )
    assert.throws(() => checkProfile(100, [...Array<number>(11).fill(0), 150], 2025), /£0\.50 over/)
  })
  it('refuses a negative month and names it', () => {
    assert.throws(
      () => checkProfile(0, [0, -5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2025),
      (e: unknown) => e instanceof ProfileError && e.month === 2 && /May 2025/.test(e.message),
    )
  })
  it('refuses anything but twelve months', () => {
    assert.throws(() => checkProfile(0, [0, 0], 2025), /12 months/)
  })
  it('accepts any split of an amount that sums to it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 12, maxLength: 12 }),
        (months) => {
          checkProfile(sum(months), months, 2024)
          assert.throws(() => checkProfile(sum(months) + 1, months, 2024), ProfileError)
        },
      ),
    )
  })
})

describe('efficiency definition', () => {
  const years = (...amounts: [number, number, number][]) =>
    amounts.map(([financialYear, amount, cost]) => ({ financialYear, amount, cost }))
  const table: {
    name: string
    line: Parameters<typeof efficiencyChecks>[0]
    fails: string[]
    reason?: RegExp
  }[] = [
    {
      name: 'an ongoing cashable net saving over three years counts',
      line: {
        type: 'cashable',
        durability: 'ongoing',
        years: years([2024, 100, 10], [2025, 100, 0], [2026, 100, 0]),
      },
      fails: [],
    },
    {
      name: 'a one-off saving fails ongoing',
      line: {
        type: 'cashable',
        durability: 'one_off',
        years: years([2024, 100, 0], [2025, 100, 0], [2026, 100, 0]),
      },
      fails: ['ongoing'],
      reason: /one-off/,
    },
    {
      name: 'an ongoing saving with no later years fails ongoing and names them',
      line: {
        type: 'cashable',
        durability: 'ongoing',
        years: years([2024, 100, 0], [2025, 100, 0]),
      },
      fails: ['ongoing'],
      reason: /no saving recorded for 2026\/27/,
    },
    {
      name: 'a saving that stops in the second year fails ongoing',
      line: {
        type: 'cashable',
        durability: 'ongoing',
        years: years([2024, 100, 0], [2025, 0, 0], [2026, 100, 0]),
      },
      fails: ['ongoing'],
      reason: /2025\/26/,
    },
    {
      name: 'a saving first accruing later is judged from its first year',
      line: {
        type: 'cashable',
        durability: 'ongoing',
        years: years([2023, 0, 5], [2024, 50, 0], [2025, 50, 0], [2026, 50, 0]),
      },
      fails: [],
    },
    {
      name: 'a non-cashable saving fails cash-releasing',
      line: {
        type: 'non_cashable',
        durability: 'ongoing',
        years: years([2024, 100, 0], [2025, 100, 0], [2026, 100, 0]),
      },
      fails: ['cash_releasing'],
      reason: /non-cashable/,
    },
    {
      name: 'costs that use up the saving fail net',
      line: {
        type: 'cashable',
        durability: 'ongoing',
        years: years([2024, 100, 200], [2025, 100, 0], [2026, 0, 0]),
      },
      fails: ['net', 'ongoing'],
      reason: /costs of £2 use up the £2 saved/,
    },
    {
      name: 'a line with nothing entered fails every test',
      line: { type: 'non_cashable', durability: 'ongoing', years: [] },
      fails: ['net', 'ongoing', 'cash_releasing'],
    },
  ]
  for (const row of table) {
    it(row.name, () => {
      const result = efficiencyChecks(row.line)
      assert.deepEqual(
        result.tests.filter((t) => !t.passes).map((t) => t.test),
        row.fails,
      )
      assert.equal(result.counts, row.fails.length === 0)
      assert.equal(result.netPence, result.grossPence - result.costPence)
      if (row.reason) {
        assert.ok(
          result.tests.some((t) => !t.passes && row.reason?.test(t.reason)),
          JSON.stringify(result.tests),
        )
      }
    })
  }
})

describe('delivery against profile', () => {
  const profile = (
    planned: number[],
    actual: (number | null)[] = [],
    forecast: (number | null)[] = [],
  ): DeliveryMonth[] =>
    planned.map((p, i) => ({
      month: i + 1,
      planned: p,
      actual: actual[i] ?? null,
      forecast: forecast[i] ?? null,
    }))
  const even = Array<number>(12).fill(1000)

  it('is on track when delivered to profile', () => {
    const a = assessDelivery(2025, profile(even, [1000, 1000, 1000]), 3, 5)
    assert.equal(a.rag, 'green')
    assert.equal(a.forecastPence, 12000)
    assert.equal(a.percentDelivered, 100)
    assert.deepEqual(a.reasons, [])
  })
  it('tolerates a shortfall within the tolerance', () => {
    assert.equal(assessDelivery(2025, profile(even, [1000, 1000, 900]), 3, 5).rag, 'green')
  })
  it('is slipping when behind profile but the forecast still makes the year', () => {
    const a = assessDelivery(2025, profile(even, [1000, 500, 500], [null, null, null, 2000]), 3, 5)
    assert.equal(a.rag, 'amber')
    assert.equal(a.varianceToDatePence, -1000)
    assert.equal(a.forecastPence, 12000)
    assert.match(a.reasons.join(' '), /£20 delivered to date against £30 profiled: £10 behind/)
  })
  it('is at risk when the year-end forecast falls short, and says where', () => {
    const a = assessDelivery(
      2025,
      profile(even, [1000, 1000, 1000], [null, null, null, 0, 0]),
      3,
      5,
    )
    assert.equal(a.rag, 'red')
    assert.equal(a.forecastPence, 10000)
    assert.match(a.reasons.join(' '), /Year-end forecast £100 against £120 planned: £20 short/)
    assert.match(a.reasons.join(' '), /Forecast below profile in Jul 2025, Aug 2025/)
  })
  it('counts a month gone without an actual as nothing delivered, and names it', () => {
    const a = assessDelivery(2025, profile(even, [1000, null, 1000]), 3, 5)
    assert.equal(a.deliveredToDatePence, 2000)
    assert.match(a.reasons.join(' '), /No actual recorded for May 2025/)
  })
  it('is not yet due before anything is profiled', () => {
    assert.equal(assessDelivery(2025, profile(even), 0, 5).rag, 'not_started')
  })
  it('is delivered once the year is over and delivered in full', () => {
    assert.equal(assessDelivery(2024, profile(even, even), 12, 5).rag, 'delivered')
  })
  it('forecast is always actuals to date plus the rest of the year', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e8 }), { minLength: 12, maxLength: 12 }),
        fc.array(fc.option(fc.integer({ min: 0, max: 1e8 })), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: 0, max: 12 }),
        (planned, actual, elapsed) => {
          const a = assessDelivery(2025, profile(planned, actual), elapsed, 5)
          assert.equal(a.annualPence, sum(planned))
          assert.equal(
            a.forecastPence,
            sum(actual.slice(0, elapsed).map((x) => x ?? 0)) + sum(planned.slice(elapsed)),
          )
          assert.equal(a.varianceToDatePence, a.deliveredToDatePence - a.plannedToDatePence)
          if (a.rag === 'green') assert.deepEqual(a.reasons, [])
          if (a.rag === 'red' || a.rag === 'amber') assert.ok(a.reasons.length > 0)
        },
      ),
    )
  })
})

describe('months elapsed', () => {
  const table: [number, string, number][] = [
    [2025, '2025-04-15', 0],
    [2025, '2025-05-01', 1],
    [2025, '2026-03-31', 11],
    [2025, '2026-04-01', 12],
    [2026, '2025-12-01', 0],
    [2024, '2025-12-01', 12],
  ]
  for (const [year, today, months] of table) {
    it(`${months} months of ${year} have ended on ${today}`, () => {
      assert.equal(monthsElapsed(year, today), months)
    })
  }
})

describe('delivery by period', () => {
  const months = Array.from({ length: 12 }, (_, i) => {
    const month = ((i + 3) % 12) + 1
    const year = i < 9 ? 2025 : 2026
    return {
      monthStart: `${year}-${String(month).padStart(2, '0')}-01`,
      planned: 1000,
      actual: i < 6 ? 800 : null,
    }
  })
  it('sums quarters and counts only months that have ended', () => {
    const q = deliveryByPeriod(months, 'quarterly', 2025, '2025-11-10')
    assert.deepEqual(
      q.map((p) => [
        p.period.label,
        p.plannedPence,
        p.plannedToDatePence,
        p.deliveredPence,
        p.percentDelivered,
      ]),
      [
        ['2025/26 Q1', 3000, 3000, 2400, 80],
        ['2025/26 Q2', 3000, 3000, 2400, 80],
        ['2025/26 Q3', 3000, 1000, 0, 0],
        ['2025/26 Q4', 3000, 0, 0, null],
      ],
    )
  })
  it('adds up to the year whatever the frequency', () => {
    for (const f of ['monthly', 'quarterly', 'half_yearly', 'annual'] as const) {
      const periods = deliveryByPeriod(months, f, 2025, '2026-06-01')
      assert.equal(sum(periods.map((p) => p.plannedPence)), 12000)
      assert.equal(sum(periods.map((p) => p.deliveredPence)), 4800)
    }
  })
  it('leaves out months of other years', () => {
    assert.equal(deliveryByPeriod(months, 'annual', 2024, '2026-06-01')[0]?.plannedPence, 0)
  })
})

describe('budget RAG', () => {
  const table: [number, number, string, number][] = [
    [100_000, 90_000, 'green', -10_000],
    [100_000, 100_000, 'green', 0],
    [100_000, 102_000, 'amber', 2_000],
    [100_000, 102_001, 'red', 2_001],
  ]
  for (const [budget, outturn, rag, variance] of table) {
    it(`${outturn} against ${budget} is ${rag}`, () => {
      const r = budgetRag(budget, outturn, 2)
      assert.equal(r.rag, rag)
      assert.equal(r.variance, variance)
    })
  }
})
