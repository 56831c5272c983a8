import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  greenShare,
  measureExceptions,
  moveItem,
  onTrackShare,
  projectExceptions,
  projectStatusOn,
  returnedOnTime,
  valuesAsAt,
  type HistoricValue,
  type ProjectHistory,
} from './dashboards.ts'

const value = (over: Partial<HistoricValue> & { start: string; end: string }): HistoricValue => ({
  value: 1,
  status: 'approved',
  restated: false,
  restatedFrom: null,
  changedOn: over.end,
  ...over,
})

describe('moveItem', () => {
  it('swaps with the neighbour and stays put at either end', () => {
    assert.deepEqual(moveItem(['a', 'b', 'c'], 'b', 'up'), ['b', 'a', 'c'])
    assert.deepEqual(moveItem(['a', 'b', 'c'], 'b', 'down'), ['a', 'c', 'b'])
    assert.deepEqual(moveItem(['a', 'b', 'c'], 'a', 'up'), ['a', 'b', 'c'])
    assert.deepEqual(moveItem(['a', 'b', 'c'], 'c', 'down'), ['a', 'b', 'c'])
    assert.deepEqual(moveItem(['a', 'b'], 'x', 'up'), ['a', 'b'])
  })

  it('always keeps the same ids, and up then down is no change', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (ids, n) => {
          const id = ids[n % ids.length] as string
          const up = moveItem(ids, id, 'up')
          assert.deepEqual([...up].sort(), [...ids].sort())
          if (ids.indexOf(id) > 0) assert.deepEqual(moveItem(up, id, 'down'), ids)
        },
      ),
    )
  })
})

describe('valuesAsAt', () => {
  const rows = [
    value({ start: '2024-04-01', end: '2024-06-30', value: 10 }),
    value({ start: '2024-07-01', end: '2024-09-30', value: 12, status: 'submitted' }),
    value({
      start: '2024-10-01',
      end: '2024-12-31',
      value: 15,
      restated: true,
      restatedFrom: 14,
      changedOn: '2025-05-01',
    }),
  ]

  it('keeps approved values of periods ended by then, as they were known', () => {
    const q3 = valuesAsAt(rows, '2024-12-31')
    assert.deepEqual(
      q3.map((k) => [k.value, k.restated]),
      [
        [10, 'no'],
        [14, 'restated_since'],
      ],
    )
    assert.deepEqual(
      valuesAsAt(rows, null).map((k) => [k.value, k.restated]),
      [
        [10, 'no'],
        [15, 'restated'],
      ],
    )
    assert.deepEqual(valuesAsAt(rows, '2024-06-29'), [])
  })

  it('never shows a value of a period that had not ended, nor one unapproved', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), (days) => {
        const asAt = new Date(Date.UTC(2024, 3, 1) + days * 86_400_000).toISOString().slice(0, 10)
        for (const k of valuesAsAt(rows, asAt)) {
          assert.ok(k.row.end <= asAt)
          assert.equal(k.row.status, 'approved')
        }
      }),
    )
  })
})

describe('projectStatusOn', () => {
  const project: ProjectHistory = {
    start: '2024-04-01',
    end: '2026-03-31',
    statusOverride: 'off_track',
    ownConfidence: 'high',
    milestones: [
      { status: 'completed', due: '2024-09-30', rescheduled: false, completedDate: '2024-11-15' },
      { status: 'not_started', due: '2025-06-30', rescheduled: false, completedDate: null },
    ],
    updates: [
      { month: '2024-06-01', confidence: 'high' },
      { month: '2025-01-01', confidence: 'low' },
    ],
  }

  it('judges milestones as they stood: completed only from their completion date', () => {
    assert.equal(projectStatusOn(project, '2024-08-31', '2025-06-20'), 'on_track')
    assert.equal(projectStatusOn(project, '2024-10-31', '2025-06-20'), 'at_risk')
    assert.equal(projectStatusOn(project, '2024-12-31', '2025-06-20'), 'on_track')
  })

  it('uses the confidence approved by then, and a status set by hand only today', () => {
    assert.equal(projectStatusOn(project, '2025-02-28', '2025-06-20'), 'at_risk')
    assert.equal(projectStatusOn(project, '2025-06-20', '2025-06-20'), 'off_track')
  })
})

describe('shares', () => {
  it('counts only what is judged', () => {
    assert.deepEqual(greenShare(['green', 'amber', 'red', 'no_target', null, 'green']), {
      value: 50,
      numerator: 2,
      denominator: 4,
    })
    assert.deepEqual(onTrackShare(['on_track', 'completed', 'at_risk', 'not_started', null]), {
      value: 50,
      numerator: 1,
      denominator: 2,
    })
    assert.equal(greenShare([]).value, null)
  })

  it('counts returns due in the period and known by today, a missing one as late', () => {
    const returns = [
      { due: '2024-07-15', returnedOn: '2024-07-10' },
      { due: '2024-07-20', returnedOn: '2024-07-25' },
      { due: '2024-08-01', returnedOn: null },
      { due: '2024-10-15', returnedOn: '2024-10-01' },
      { due: '2025-07-01', returnedOn: null },
    ]
    assert.deepEqual(returnedOnTime(returns, '2024-07-01', '2024-09-30', '2025-06-20'), {
      value: 33.3,
      numerator: 1,
      denominator: 3,
    })
    assert.equal(returnedOnTime(returns, '2025-07-01', '2025-09-30', '2025-06-20').value, null)
  })

  it('is always between 0 and 100, and null exactly when nothing counts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('green', 'amber', 'red', 'no_target', 'no_data', 'overdue', null)),
        (rags) => {
          const s = greenShare(rags as never)
          assert.equal(s.value === null, s.denominator === 0)
          if (s.value !== null) assert.ok(s.value >= 0 && s.value <= 100)
          assert.ok(s.numerator <= s.denominator)
        },
      ),
    )
  })
})

describe('exceptions', () => {
  it('names red, amber, overdue and special cause concern, and nothing for green', () => {
    assert.deepEqual(measureExceptions('red', 'special_cause_concern'), [
      'red',
      'special_cause_concern',
    ])
    assert.deepEqual(measureExceptions('green', 'common_cause'), [])
    assert.deepEqual(measureExceptions('overdue', null), ['overdue'])
    assert.deepEqual(measureExceptions('no_target', 'special_cause_improvement'), [])
  })

  it('flags projects off track and milestones slipping, not completed ones', () => {
    const late = [
      {
        status: 'in_progress' as const,
        due: '2025-01-31',
        rescheduled: false,
        completedDate: null,
      },
    ]
    assert.deepEqual(projectExceptions('off_track', late, '2025-06-20'), [
      'off_track',
      'milestones_slipping',
    ])
    assert.deepEqual(projectExceptions('on_track', [], '2025-06-20'), [])
    assert.deepEqual(projectExceptions('completed', late, '2025-06-20'), [])
  })
})
