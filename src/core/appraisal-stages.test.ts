import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { onTimeShare, stageState, windowProblem } from './appraisal-stages.ts'

const window = { opens: '2026-04-01', closes: '2026-05-31' }

describe('appraisal stages', () => {
  it('says where a stage stands on a day', () => {
    const cases: [string | null, string, string][] = [
      [null, '2026-03-31', 'not_open'],
      [null, '2026-04-01', 'open'],
      [null, '2026-05-31', 'open'],
      [null, '2026-06-01', 'overdue'],
      ['2026-05-31', '2026-09-01', 'done_on_time'],
      ['2026-06-01', '2026-09-01', 'done_late'],
    ]
    for (const [done, today, expected] of cases) {
      assert.equal(stageState(window, done, today), expected, `${done} ${today}`)
    }
  })

  it('refuses windows out of order', () => {
    const ok = {
      objectives: window,
      mid_year: { opens: '2026-10-01', closes: '2026-11-30' },
      year_end: { opens: '2027-04-01', closes: '2027-05-31' },
    }
    assert.equal(windowProblem(ok), null)
    assert.equal(
      windowProblem({ ...ok, mid_year: { opens: '2026-11-30', closes: '2026-10-01' } })?.stage,
      'mid_year',
    )
    assert.equal(
      windowProblem({ ...ok, mid_year: { opens: '2026-05-01', closes: '2026-11-30' } })?.stage,
      'mid_year',
    )
  })

  it('counts reviews completed by the close of windows that closed in the period', () => {
    const reviews = [
      { closes: '2026-05-31', completedOn: '2026-05-30' },
      { closes: '2026-05-31', completedOn: '2026-06-02' },
      { closes: '2026-05-31', completedOn: null },
      { closes: '2026-11-30', completedOn: '2026-11-01' },
    ]
    assert.deepEqual(onTimeShare(reviews, '2026-03-31', '2026-06-30'), {
      numerator: 1,
      denominator: 3,
      value: (1 / 3) * 100,
    })
    assert.equal(onTimeShare(reviews, '2026-06-30', '2026-09-30').value, null)
  })
})
