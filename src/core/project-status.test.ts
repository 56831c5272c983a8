import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { periodAt, periodContaining } from './periods.ts'
import {
  CONFIDENCES,
  MILESTONE_STATUSES,
  quarterHeading,
  quarterRange,
  SEVERITY,
  suggestStatus,
  type Confidence,
  type MilestoneFacts,
  type StatusInput,
} from './project-status.ts'

const TODAY = '2025-05-15'
const m = (status: MilestoneFacts['status'], due: string, rescheduled = false): MilestoneFacts => ({
  status,
  due,
  rescheduled,
})
const input = (overrides: Partial<StatusInput>): StatusInput => ({
  today: TODAY,
  start: '2025-04-01',
  end: '2026-03-31',
  milestones: [],
  confidence: null,
  ...overrides,
})

describe('suggested project status', () => {
  const table: [string, Partial<StatusInput>, string][] = [
    ['nothing known yet', {}, 'on_track'],
    ['every milestone completed', { milestones: [m('completed', '2025-04-30')] }, 'completed'],
    [
      'start still to come, nothing moving',
      { start: '2025-06-01', milestones: [m('not_started', '2025-09-30')] },
      'not_started',
    ],
    [
      'start still to come but work has begun',
      { start: '2025-06-01', milestones: [m('in_progress', '2025-09-30')] },
      'on_track',
    ],
    ['milestones ahead, on track', { milestones: [m('on_track', '2025-06-30')] }, 'on_track'],
    ['one milestone overdue', { milestones: [m('in_progress', '2025-04-30')] }, 'at_risk'],
    [
      'two milestones overdue',
      { milestones: [m('in_progress', '2025-04-30'), m('not_started', '2025-05-01')] },
      'off_track',
    ],
    [
      'one overdue with low confidence',
      { milestones: [m('in_progress', '2025-04-30')], confidence: 'low' },
      'off_track',
    ],
    ['a rescheduled milestone', { milestones: [m('on_track', '2025-09-30', true)] }, 'at_risk'],
    ['a delayed milestone', { milestones: [m('delayed', '2025-09-30')] }, 'at_risk'],
    ['low confidence alone', { confidence: 'low' }, 'at_risk'],
    ['medium confidence alone', { confidence: 'medium' }, 'on_track'],
    [
      'past its end date',
      { end: '2025-05-01', milestones: [m('on_track', '2025-09-30')] },
      'off_track',
    ],
    ['due today is not overdue', { milestones: [m('in_progress', TODAY)] }, 'on_track'],
    [
      'a completed milestone that was late does not count',
      { milestones: [m('completed', '2025-04-01'), m('on_track', '2025-06-30')] },
      'on_track',
    ],
  ]
  for (const [name, overrides, expected] of table) {
    it(`${name}: ${expected}`, () => {
      assert.equal(suggestStatus(input(overrides)).status, expected)
    })
  }

  it('says why', () => {
    const s = suggestStatus(
      input({ milestones: [m('in_progress', '2025-04-30'), m('rescheduled', '2025-08-01', true)] }),
    )
    assert.deepEqual(s.reasons, ['1 milestone is overdue', '1 milestone has been rescheduled'])
  })

  const day = fc
    .integer({ min: 0, max: 730 })
    .map((n) => new Date(Date.UTC(2024, 3, 1) + n * 86_400_000).toISOString().slice(0, 10))
  const milestone = fc.record({
    status: fc.constantFrom(...MILESTONE_STATUSES),
    due: day,
    rescheduled: fc.boolean(),
  })
  const anyInput = fc.record({
    today: day,
    start: fc.option(day, { nil: null }),
    end: fc.option(day, { nil: null }),
    milestones: fc.array(milestone, { maxLength: 6 }),
    confidence: fc.option(fc.constantFrom<Confidence>(...CONFIDENCES), { nil: null }),
  })

  it('never suggests closed or on hold', () => {
    fc.assert(
      fc.property(anyInput, (i) => !['closed', 'on_hold'].includes(suggestStatus(i).status)),
    )
  })

  it('never gets better when an overdue milestone is added', () => {
    fc.assert(
      fc.property(anyInput, (i) => {
        const before = suggestStatus(i).status
        if (before === 'completed' || before === 'not_started') return true
        const after = suggestStatus({
          ...i,
          milestones: [...i.milestones, m('in_progress', '0001-01-01')],
        }).status
        return SEVERITY[after] >= SEVERITY[before]
      }),
    )
  })

  it('never says on track with low confidence', () => {
    fc.assert(
      fc.property(
        anyInput,
        (i) => suggestStatus({ ...i, confidence: 'low' }).status !== 'on_track',
      ),
    )
  })

  it('gives a reason whenever it is not on track', () => {
    fc.assert(
      fc.property(anyInput, (i) => {
        const s = suggestStatus(i)
        return s.status === 'on_track' || s.reasons.length > 0
      }),
    )
  })
})

describe('quarter headings and strips', () => {
  it('heads quarters as the Birmingham report does', () => {
    assert.equal(quarterHeading(periodAt('quarterly', 2024, 4)), 'Q4: January – March 2025')
    assert.equal(quarterHeading(periodAt('quarterly', 2025, 1)), 'Q1: April – June 2025')
    assert.equal(quarterHeading(periodAt('quarterly', 2025, 3)), 'Q3: October – December 2025')
  })

  it('runs from the earliest quarter to the latest', () => {
    const labels = quarterRange(['2025-08-01', '2025-02-10', '2025-12-31']).map((q) => q.label)
    assert.deepEqual(labels, ['2024/25 Q4', '2025/26 Q1', '2025/26 Q2', '2025/26 Q3'])
    assert.deepEqual(quarterRange([]), [])
  })

  it('keeps the latest quarters when there are too many', () => {
    const range = quarterRange(['2020-04-01', '2025-04-01'], 3)
    assert.equal(range.length, 3)
    assert.equal(range.at(-1)?.label, periodContaining('2025-04-01', 'quarterly').label)
  })
})
