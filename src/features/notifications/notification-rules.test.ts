import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { valueReminder } from './notification-rules.ts'

const settings = { daysBefore: 5, escalateAfter: 5 }

describe('value reminders', () => {
  // [due, today, expected]: 13 June 2025 is a Friday; weekends are not working days.
  const cases: [string, string, ReturnType<typeof valueReminder>][] = [
    ['2025-06-13', '2025-06-05', null], // 6 working days before
    ['2025-06-13', '2025-06-06', 'due'], // 5 working days before, over a weekend
    ['2025-06-13', '2025-06-13', 'due'], // on the day
    ['2025-06-13', '2025-06-14', 'overdue'], // the Saturday after
    ['2025-06-13', '2025-06-20', 'overdue'], // exactly 5 working days late
    ['2025-06-13', '2025-06-21', 'escalate'], // more than 5
    ['2025-06-13', '2025-06-23', 'escalate'],
  ]
  for (const [due, today, expected] of cases) {
    it(`due ${due}, on ${today}: ${expected ?? 'nothing'}`, () => {
      assert.equal(valueReminder(due, today, settings), expected)
    })
  }

  it('counts a bank holiday as no working day', () => {
    // Monday 26 May 2025 is the spring bank holiday.
    assert.equal(valueReminder('2025-05-29', '2025-05-21', settings), 'due')
    assert.equal(valueReminder('2025-05-30', '2025-05-21', settings), null)
    const soon = { daysBefore: 5, escalateAfter: 1 }
    assert.equal(valueReminder('2025-05-23', '2025-05-27', soon), 'overdue')
    assert.equal(valueReminder('2025-05-23', '2025-05-28', soon), 'escalate')
  })

  it('sends nothing for a measure with no due rule', () => {
    assert.equal(valueReminder(null, '2025-06-13', settings), null)
  })

  it('follows the configured number of days', () => {
    const tight = { daysBefore: 1, escalateAfter: 0 }
    assert.equal(valueReminder('2025-06-13', '2025-06-11', tight), null)
    assert.equal(valueReminder('2025-06-13', '2025-06-12', tight), 'due')
    assert.equal(valueReminder('2025-06-13', '2025-06-14', tight), 'escalate')
  })
})
