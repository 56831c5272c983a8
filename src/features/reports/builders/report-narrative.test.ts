import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { RAGS, type Rag } from '../../../core/status.ts'
import {
  listOf,
  measuresSentence,
  overallSentence,
  projectsSentence,
  risksSentence,
} from './report-narrative.ts'

const m = (name: string, rag: Rag) => ({ name, rag })

describe('generated narrative', () => {
  it('says how many measures are on track and names the red and amber ones', () => {
    const cases: [string, ReturnType<typeof m>[], string][] = [
      ['Strong Performance', [], 'There are no Strong Performance measures to report.'],
      ['', [m('A', 'green')], '1 of 1 measure is on track.'],
      [
        'Strong Performance',
        [m('A', 'green'), m('B', 'red'), m('C', 'red'), m('D', 'amber'), m('E', 'no_data')],
        '1 of 5 Strong Performance measures is on track; 2 are red: B and C; 1 is amber: D; 1 has no result against a target for the period.',
      ],
      ['', [m('A', 'red')], 'None of 1 measure is on track; 1 is red: A.'],
      [
        '',
        [m('A', 'green'), m('B', 'green'), m('C', 'overdue'), m('D', 'no_target')],
        '2 of 4 measures are on track; 2 have no result against a target for the period.',
      ],
    ]
    for (const [group, items, expected] of cases) {
      assert.equal(measuresSentence(group, items), expected)
    }
  })

  it('gives the overall per cent on track among measures judged against a target, and how many there are in all', () => {
    const judged = [m('A', 'green'), m('B', 'green'), m('C', 'amber'), m('D', 'red')]
    assert.equal(
      overallSentence(judged),
      'Of 4 corporate measures with a result against a target, 2 (50%) are on track, 1 amber and 1 red.',
    )
    assert.equal(
      overallSentence([...judged, m('E', 'no_data')]),
      'Of 5 corporate measures, 4 have a result against a target: 2 (50%) are on track, 1 amber and 1 red.',
    )
    assert.equal(
      overallSentence([m('A', 'red'), m('B', 'overdue')]),
      'Of 2 corporate measures, 1 has a result against a target: 0 (0%) are on track, 0 amber and 1 red.',
    )
    assert.equal(
      overallSentence([m('A', 'no_data')]),
      'No corporate measure has a result against a target for the period.',
    )
  })

  it('counts projects by status and risks above appetite', () => {
    assert.equal(
      projectsSentence([{ text: 'On track' }, { text: 'At risk' }, { text: 'On track' }]),
      'Of 3 programmes and projects, 2 are on track and 1 is at risk.',
    )
    assert.equal(
      risksSentence([
        { name: 'CR01 Budget', aboveAppetite: true },
        { name: 'CR02 Capacity', aboveAppetite: false },
      ]),
      'There are 2 open corporate risks; 1 is above the council’s risk appetite: CR01 Budget.',
    )
    assert.equal(risksSentence([]), 'There are no open corporate risks.')
    assert.equal(listOf(['a', 'b', 'c']), 'a, b and c')
  })

  it('always accounts for every measure: on track, red, amber and no result add up', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...RAGS), { minLength: 1, maxLength: 40 }), (rags) => {
        const items = rags.map((rag, i) => m(`M${String(i)}`, rag))
        const sentence = measuresSentence('', items)
        const number = (re: RegExp) => Number(re.exec(sentence)?.[1] ?? 0)
        const green = /^None of/.test(sentence) ? 0 : number(/^(\d+) of/)
        const total =
          green +
          number(/(\d+) (?:is|are) red/) +
          number(/(\d+) (?:is|are) amber/) +
          number(/(\d+) (?:has|have) no result/)
        assert.equal(total, items.length)
        assert.equal(number(/of (\d+) /), items.length)
      }),
    )
  })
})
