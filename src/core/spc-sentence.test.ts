import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { FREQUENCIES, type Frequency } from './periods.ts'
import {
  assuranceSentence,
  formatSpcValue,
  periodNoun,
  trialLimitsSentence,
  variationLead,
  variationSentence,
  type SpcSentenceInput,
  type ValueUnit,
} from './spc-sentence.ts'
import {
  xmr,
  type ImprovementDirection,
  type PointType,
  type SpecialCauseRule,
  type XmrOptions,
} from './spc.ts'

const steady = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 50 : 52))
const labelsFor = (count: number) => Array.from({ length: count }, (_, i) => `M${i + 1}`)

function input(
  values: readonly number[],
  options: Partial<XmrOptions> & { unit?: ValueUnit; decimals?: number } = {},
  frequency: Frequency | null = 'monthly',
): SpcSentenceInput {
  const result = xmr(values, { improvement: 'increase', ...options })
  return {
    result,
    labels: labelsFor(values.length),
    unit: options.unit ?? 'percent',
    decimals: options.decimals ?? 1,
    frequency,
    target: options.target ?? null,
  }
}

describe('variationSentence', () => {
  const cases: {
    name: string
    values: number[]
    improvement: ImprovementDirection
    pointType: PointType | null
    rule: SpecialCauseRule | null
    sentence: string
  }[] = [
    {
      name: 'common cause',
      values: steady,
      improvement: 'increase',
      pointType: 'common_cause',
      rule: null,
      sentence:
        'Common cause – no significant change: the latest value of 52.0% is within the expected range of 45.7% to 56.3%.',
    },
    {
      name: 'a point above the upper limit, improving',
      values: [...steady, 70],
      improvement: 'increase',
      pointType: 'special_cause_improvement',
      rule: 'outside_limits',
      sentence: 'Special cause – improving: M17 (70.0%) is above the upper limit of 60.1%.',
    },
    {
      name: 'a point below the lower limit, concerning',
      values: [...steady, 30],
      improvement: 'increase',
      pointType: 'special_cause_concern',
      rule: 'outside_limits',
      sentence: 'Special cause – concerning: M17 (30.0%) is below the lower limit of 41.1%.',
    },
    {
      name: 'a point below the lower limit where lower is better',
      values: [...steady, 30],
      improvement: 'decrease',
      pointType: 'special_cause_improvement',
      rule: 'outside_limits',
      sentence: 'Special cause – improving: M17 (30.0%) is below the lower limit of 41.1%.',
    },
    {
      name: 'a run on one side of the mean, counting the whole run',
      values: [...steady, 53, 52.5, 54, 53, 52.5, 54, 53, 52.5],
      improvement: 'increase',
      pointType: 'special_cause_improvement',
      rule: 'shift',
      sentence: 'Special cause – improving: the last 9 months are all above the average of 51.7%.',
    },
    {
      name: 'a run below the mean with a neutral direction',
      values: [...steady, 49, 49.5, 48, 49, 49.5, 48, 49],
      improvement: 'neutral',
      pointType: 'special_cause_neutral_low',
      rule: 'shift',
      sentence:
        'Special cause – unusually low: the last 7 months are all below the average of 50.3%.',
    },
    {
      name: 'a rising trend',
      values: [...steady, 47, 48, 49, 50, 51, 52, 53],
      improvement: 'increase',
      pointType: 'special_cause_improvement',
      rule: 'trend',
      sentence:
        'Special cause – improving: the last 7 months form a rising trend, to 53.0% in M23.',
    },
    {
      name: 'a falling trend where higher is better',
      values: [...steady, 55, 54, 53, 52, 51, 50, 49, 48],
      improvement: 'increase',
      pointType: 'special_cause_concern',
      rule: 'trend',
      sentence:
        'Special cause – concerning: the last 8 months form a falling trend, to 48.0% in M24.',
    },
    {
      name: 'three of three near the upper limit, lower is better',
      values: [...steady, 51, 55, 55.2, 55.1],
      improvement: 'decrease',
      pointType: 'special_cause_concern',
      rule: 'two_of_three',
      sentence:
        'Special cause – concerning: the last 3 months are all close to the upper limit of 56.6%, with M20 at 55.1%.',
    },
    {
      name: 'two of three near the lower limit, lower is better',
      values: [...steady, 51, 47, 47.2, 46.9],
      improvement: 'decrease',
      pointType: 'special_cause_improvement',
      rule: 'two_of_three',
      sentence:
        'Special cause – improving: 2 of the last 3 months are close to the lower limit of 45.4%, with M20 at 46.9%.',
    },
    {
      name: 'an unusually high point with a neutral direction',
      values: [...steady, 70],
      improvement: 'neutral',
      pointType: 'special_cause_neutral_high',
      rule: 'outside_limits',
      sentence: 'Special cause – unusually high: M17 (70.0%) is above the upper limit of 60.1%.',
    },
  ]
  for (const c of cases) {
    it(`describes ${c.name}`, () => {
      const sentenceInput = input(c.values, { improvement: c.improvement })
      const latest = sentenceInput.result.points.at(-1)
      assert.equal(latest?.pointType, c.pointType, 'the series makes the intended point type')
      assert.equal(latest.rule, c.rule, 'the series breaks the intended rule')
      assert.equal(variationSentence(sentenceInput), c.sentence)
    })
  }

  it('says how many points the limits still need', () => {
    assert.equal(
      variationSentence(input([])),
      'No data yet: process limits need at least 2 months.',
    )
    assert.equal(
      variationSentence(input([58])),
      'Not enough data for process limits: 1 of the 2 months needed.',
    )
    assert.equal(
      variationSentence(input([...steady, 40], { changePoints: [16] }, 'quarterly')),
      'Not enough data for process limits since the change in M17: 1 of the 2 quarters needed.',
    )
  })

  it('uses the segment after a change point', () => {
    const sentence = variationSentence(input([...steady, 70, 72, 71, 73], { changePoints: [16] }))
    assert.match(sentence, /^Common cause – no significant change: the latest value of 73\.0%/)
  })

  it('names points it has no label for by their position', () => {
    const sentenceInput = { ...input([...steady, 70]), labels: [] }
    assert.match(variationSentence(sentenceInput), /point 17 \(70\.0%\)/)
  })

  it('always gives one sentence that names the variation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 40 }),
        fc.constantFrom<ImprovementDirection>('increase', 'decrease', 'neutral'),
        (values, improvement) => {
          const sentenceInput = input(values, { improvement })
          const sentence = variationSentence(sentenceInput)
          assert.match(sentence, /^[A-Z][^\n]*\.$/)
          assert.doesNotMatch(sentence, /NaN|undefined|null|Infinity/)
          if (sentenceInput.result.variation !== null) {
            assert.ok(sentence.startsWith(variationLead(sentenceInput.result.variation)))
          }
        },
      ),
    )
  })
})

describe('assuranceSentence', () => {
  const cases: {
    improvement: ImprovementDirection
    target: number
    sentence: string | null
  }[] = [
    {
      improvement: 'increase',
      target: 40,
      sentence:
        'The target of 40.0% lies below the lower process limit of 45.7%, so it will be met consistently unless the process changes.',
    },
    {
      improvement: 'increase',
      target: 60,
      sentence:
        'The target of 60.0% lies above the upper process limit of 56.3%, so it will be missed consistently unless the process changes.',
    },
    {
      improvement: 'decrease',
      target: 40,
      sentence:
        'The target of 40.0% lies below the lower process limit of 45.7%, so it will be missed consistently unless the process changes.',
    },
    {
      improvement: 'decrease',
      target: 60,
      sentence:
        'The target of 60.0% lies above the upper process limit of 56.3%, so it will be met consistently unless the process changes.',
    },
    {
      improvement: 'increase',
      target: 51,
      sentence:
        'The target of 51.0% lies between the process limits of 45.7% and 56.3%, so it will be hit and missed at random unless the process changes.',
    },
    { improvement: 'neutral', target: 51, sentence: null },
  ]
  for (const c of cases) {
    it(`places a target of ${c.target} against the limits (${c.improvement})`, () => {
      assert.equal(
        assuranceSentence(input(steady, { improvement: c.improvement, target: c.target })),
        c.sentence,
      )
    })
  }

  it('says nothing without a target or without limits', () => {
    assert.equal(assuranceSentence(input(steady)), null)
    assert.equal(assuranceSentence(input([50], { target: 60 })), null)
  })
})

describe('trialLimitsSentence', () => {
  it('warns that limits from fewer than 12 points are trial limits', () => {
    assert.equal(
      trialLimitsSentence(input(steady.slice(0, 8), {}, 'quarterly')),
      'The limits come from only 8 quarters, so they are trial limits and will change as data arrives.',
    )
    assert.equal(trialLimitsSentence(input(steady)), null)
    assert.equal(trialLimitsSentence(input([50])), null)
  })
})

describe('formatSpcValue', () => {
  const cases: [number, ValueUnit, number, string][] = [
    [61.234, 'percent', 1, '61.2%'],
    [65, 'percent', 0, '65%'],
    [1250, 'currency', 0, '£1,250'],
    [-1250.5, 'currency', 2, '−£1,250.50'],
    [4.5, 'days', 1, '4.5 days'],
    [1, 'days', 0, '1 day'],
    [1234567, 'number', 0, '1,234,567'],
    [0.753, 'ratio', 2, '0.75'],
    [1, 'yes_no', 0, '1'],
    [-0.004, 'percent', 1, '0.0%'],
  ]
  for (const [value, unit, decimals, expected] of cases) {
    it(`writes ${value} as ${unit} with ${decimals} decimals as ${expected}`, () => {
      assert.equal(formatSpcValue(value, { unit, decimals }), expected)
    })
  }

  it('uses the measure unit in sentences', () => {
    const money = input(
      steady.map((v) => v * 100),
      { unit: 'currency', decimals: 0 },
    )
    assert.match(variationSentence(money), /range of £4,568 to £5,632\.$/)
    const days = input(steady, { unit: 'days', decimals: 0 })
    assert.match(variationSentence(days), /latest value of 52 days/)
  })
})

describe('periodNoun', () => {
  it('names every frequency, singular and plural', () => {
    const names = FREQUENCIES.map((f) => [periodNoun(f, 1), periodNoun(f, 2)])
    assert.deepEqual(names, [
      ['month', 'months'],
      ['two-month period', 'two-month periods'],
      ['quarter', 'quarters'],
      ['half-year', 'half-years'],
      ['year', 'years'],
    ])
    assert.equal(periodNoun(null, 3), 'periods')
    assert.equal(periodNoun(undefined, 1), 'period')
  })
})
