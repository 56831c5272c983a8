import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { reminderRunDue } from './notification-schedule.ts'

describe('daily reminder timer', () => {
  it('runs once a UK day, at or after the time set, in UK time', () => {
    // 24 June 2025 is in British Summer Time: 06:59 UTC is 07:59 in London.
    assert.equal(reminderRunDue(new Date('2025-06-24T05:59:00Z'), '07:00', null), false)
    assert.equal(reminderRunDue(new Date('2025-06-24T06:00:00Z'), '07:00', null), true)
    assert.equal(reminderRunDue(new Date('2025-06-24T09:00:00Z'), '07:00', '2025-06-24'), false)
    assert.equal(reminderRunDue(new Date('2025-06-25T06:00:00Z'), '07:00', '2025-06-24'), true)
    // In winter London is on GMT.
    assert.equal(reminderRunDue(new Date('2025-12-01T06:59:00Z'), '07:00', null), false)
    assert.equal(reminderRunDue(new Date('2025-12-01T07:00:00Z'), '07:00', null), true)
  })
})
