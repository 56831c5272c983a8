import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { xmr } from '../../core/spc.ts'
import { limitsBasisSentence } from '../../core/spc-sentence.ts'
import {
  settingsIndexes,
  spcOf,
  variationIfApproved,
  type SpcSettingsView,
} from '../measures/index.ts'

const period = (start: string) => ({ frequency: 'monthly' as const, start, label: start })
const starts = ['2024-04-01', '2024-05-01', '2024-06-01', '2024-08-01', '2024-09-01']

function settings(over: Partial<SpcSettingsView> = {}): SpcSettingsView {
  return { baseline: null, changePoints: [], ...over }
}
const change = (start: string, reason = 'Redesign') => ({
  id: start,
  period: period(start),
  reason,
  recordedBy: null,
  recordedAt: '2025-01-01T00:00:00.000Z',
})
const baseline = (from: string, to: string) => ({
  id: 'b',
  from: period(from),
  to: period(to),
  reason: null,
  recordedBy: null,
  recordedAt: '2025-01-01T00:00:00.000Z',
})

describe('where SPC settings fall among the chart’s points', () => {
  const cases: [string, SpcSettingsView, ReturnType<typeof settingsIndexes>][] = [
    ['nothing recorded', settings(), { baseline: null, changePoints: [] }],
    [
      'a change at a point',
      settings({ changePoints: [change('2024-06-01')] }),
      { baseline: null, changePoints: [{ index: 2, reason: 'Redesign' }] },
    ],
    [
      'a change in a period with no approved value starts at the next point',
      settings({ changePoints: [change('2024-07-01')] }),
      { baseline: null, changePoints: [{ index: 3, reason: 'Redesign' }] },
    ],
    [
      'a change at the first point or after the last splits nothing',
      settings({ changePoints: [change('2024-04-01'), change('2025-01-01')] }),
      { baseline: null, changePoints: [] },
    ],
    [
      'a baseline covers the points within its periods',
      settings({ baseline: baseline('2024-05-01', '2024-07-01') }),
      { baseline: { fromIndex: 1, toIndex: 2 }, changePoints: [] },
    ],
    [
      'a baseline with no point in it applies to nothing',
      settings({ baseline: baseline('2024-07-01', '2024-07-01') }),
      { baseline: null, changePoints: [] },
    ],
  ]
  for (const [name, input, expected] of cases) {
    it(name, () => assert.deepEqual(settingsIndexes(starts, input), expected))
  }

  it('gives xmr() a baseline and change points it accepts, for any settings', () => {
    const month = fc.integer({ min: 0, max: 30 }).map((m) => {
      const date = new Date(Date.UTC(2023, 3 + m, 1))
      return date.toISOString().slice(0, 10)
    })
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { maxLength: 30 }),
        fc.array(month, { maxLength: 4 }),
        fc.option(fc.tuple(month, month)),
        (values, changes, range) => {
          const points = values.map((value, i) => ({
            start: new Date(Date.UTC(2023, 3 + i, 1)).toISOString().slice(0, 10),
            value,
            target: null,
          }))
          const input = settings({
            changePoints: changes.map((c) => change(c)),
            baseline: range
              ? baseline(
                  range[0] <= range[1] ? range[0] : range[1],
                  range[0] <= range[1] ? range[1] : range[0],
                )
              : null,
          })
          const { result } = spcOf(
            { polarity: 'higher_is_better', cumulative: false },
            points,
            input,
          )
          assert.equal(result.points.length, values.length)
        },
      ),
    )
  })

  it('without settings, matches xmr() over the same values', () => {
    const points = [5, 7, 6, 8, 7, 9].map((value, i) => ({
      start: `2024-0${i + 1}-01`,
      value,
      target: 6,
    }))
    const { result } = spcOf({ polarity: 'lower_is_better', cumulative: false }, points)
    assert.deepEqual(result, xmr([5, 7, 6, 8, 7, 9], { improvement: 'decrease', target: 6 }))
  })
})

describe('the sentence on where the limits come from', () => {
  const labels = ['Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov']
  const values = [10, 12, 11, 13, 5, 6, 5, 7]
  const format = { unit: 'days' as const, decimals: 0, labels, frequency: 'monthly' as const }

  it('says nothing when the limits come from every point', () => {
    const result = xmr(values, { improvement: 'decrease' })
    assert.equal(limitsBasisSentence({ ...format, result }), null)
  })

  it('names the change and its reason, without doubling a full stop', () => {
    const result = xmr(values, { improvement: 'decrease', changePoints: [4] })
    assert.equal(
      limitsBasisSentence({ ...format, result, changeReasons: new Map([[4, 'New triage.']]) }),
      'The limits were worked out again from Aug, when the process changed: New triage.',
    )
  })

  it('names the baseline and how many periods it holds', () => {
    const result = xmr(values, { improvement: 'decrease', baseline: { fromIndex: 0, toIndex: 3 } })
    assert.equal(
      limitsBasisSentence({ ...format, result }),
      'The limits are fixed from the baseline Apr to Jul (4 months), and later values are judged against them.',
    )
  })
})

describe('the variation a value waiting for sign-off will give its measure', () => {
  const measure = { polarity: 'lower_is_better' as const, cumulative: false }
  // Steady around 20, with a last approved value far above: concerning as it stands.
  const values = [20, 21, 19, 20, 22, 19, 20, 21, 20, 19, 21, 20, 40]
  const approved = values.map((value, i) => ({
    start: new Date(Date.UTC(2023, 3 + i, 1)).toISOString().slice(0, 10),
    value,
    target: null,
  }))
  const last = approved.at(-1)?.start ?? ''

  it('judges a new value as the latest point after the approved ones', () => {
    const next = { start: '2024-05-01', value: 5, target: null }
    assert.equal(variationIfApproved(measure, approved, next), 'special_cause_improvement')
  })

  it('lets a restatement stand in for the value it restates', () => {
    assert.equal(spcOf(measure, approved).result.variation, 'special_cause_concern', 'as it stands')
    // Judged against the steady values alone: beside the 40 it replaces, 10 would be common cause.
    const restated = { start: last, value: 10, target: null }
    assert.equal(variationIfApproved(measure, approved, restated), 'special_cause_improvement')
  })

  it('has none for a value left blank', () => {
    assert.equal(
      variationIfApproved(measure, approved, { start: last, value: null, target: null }),
      null,
    )
  })
})
