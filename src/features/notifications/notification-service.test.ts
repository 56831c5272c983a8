import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { NotFound } from '../../errors.ts'
import { kindsOf, reminderCouncil, type ReminderCouncil } from './notification-fixtures.ts'

for (const mode of testModes()) {
  describe(`notification service (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let other: TestOrganisation
    let council: ReminderCouncil
    let otherCouncil: ReminderCouncil

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-05T06:00:00Z')
      org = await ctx.organisation()
      other = await ctx.organisation()
      council = await reminderCouncil(ctx, org)
      otherCouncil = await reminderCouncil(ctx, other)
    })
    after(() => ctx.close())

    const run = (date: string) => ctx.services.notifications.run(org.id, date)

    it('does not remind before the due window opens', async () => {
      const counts = await run('2025-06-05')
      assert.equal(counts.created.value_due, 0)
      assert.deepEqual(await kindsOf(ctx, council.enterer), [])
    })

    it('reminds the data-entry officer five working days before the due date', async () => {
      const counts = await run('2025-06-06')
      assert.equal(counts.created.value_due, 1)
      const [n] = (await ctx.services.notifications.list(council.enterer, 1, 10)).items
      assert.ok(n)
      assert.equal(n.kind, 'value_due')
      assert.match(n.subject, /WM1 May 2025 is due on 13 June 2025/)
      assert.equal(n.link, `/measures/${council.measureId}`)
    })

    it('asks the approver to approve a submitted value, never the person who submitted it', async () => {
      assert.deepEqual(await kindsOf(ctx, council.approver), ['approval_requested'])
      assert.ok(!(await kindsOf(ctx, council.enterer)).includes('approval_requested'))
    })

    it('tells a risk owner their review date has passed, and a project manager of a late milestone', async () => {
      assert.deepEqual(await kindsOf(ctx, council.riskOwner), ['risk_review_overdue'])
      // One overdue milestone: the completed one, earlier still, is not a reminder.
      assert.deepEqual(await kindsOf(ctx, council.projectManager), ['milestone_overdue'])
    })

    it('never tells a person about an item they cannot see', async () => {
      // The partner owns a risk in the corporate register, which partners cannot read.
      assert.deepEqual(await kindsOf(ctx, council.partner), [])
    })

    it('creates nothing new when run again', async () => {
      const counts = await run('2025-06-06')
      assert.ok(Object.values(counts.created).every((n) => n === 0))
    })

    it('writes one audit record per run with its counts', async () => {
      const records = await ctx.database.db
        .selectFrom('audit_records')
        .select(['summary', 'actor_name'])
        .where('organisation_id', '=', org.id)
        .where('action', '=', 'reminders_run')
        .orderBy('seq')
        .execute()
      assert.equal(records.length, 3)
      // The first run found the approval, risk review and milestone; the second the value due.
      assert.match(
        records[0]?.summary ?? '',
        /: 3 notifications \(0 value due, .*1 approval requested/,
      )
      assert.match(records[1]?.summary ?? '', /: 1 notification \(1 value due/)
      assert.match(records[2]?.summary ?? '', /: 0 notifications/)
      assert.equal(records[0]?.actor_name, 'Daily reminders')
    })

    it('tells the officer when the value is overdue, and the approver only after five more working days', async () => {
      await run('2025-06-16')
      assert.deepEqual(await kindsOf(ctx, council.enterer), ['value_due', 'value_overdue'])
      await run('2025-06-20')
      assert.deepEqual(await kindsOf(ctx, council.approver), ['approval_requested'])
      const counts = await run('2025-06-23')
      assert.equal(counts.created.value_escalated, 1)
      assert.deepEqual(await kindsOf(ctx, council.approver), [
        'approval_requested',
        'value_escalated',
      ])
      assert.deepEqual(await kindsOf(ctx, council.enterer), ['value_due', 'value_overdue'])
    })

    it('never notifies anyone about another organisation', async () => {
      // The other council has the same items but its run has not been made.
      const { enterer, approver, riskOwner, projectManager } = otherCouncil
      for (const person of [enterer, approver, riskOwner, projectManager]) {
        assert.deepEqual(await kindsOf(ctx, person), [], person.name)
      }
      await ctx.services.notifications.run(other.id, '2025-06-06')
      const theirs = await ctx.database.db
        .selectFrom('notifications')
        .innerJoin('people', 'people.id', 'notifications.person_id')
        .select(['people.organisation_id', 'notifications.organisation_id as n_org'])
        .where('notifications.organisation_id', '=', other.id)
        .execute()
      assert.ok(theirs.length > 0)
      assert.ok(theirs.every((r) => r.organisation_id === other.id))
    })

    it('marks a person’s own notification read, and refuses another person’s', async () => {
      const service = ctx.services.notifications
      const [mine] = (await service.list(council.enterer, 1, 10)).items
      assert.ok(mine)
      await assert.rejects(service.markRead(council.approver, mine.id), NotFound)
      await assert.rejects(service.markRead(otherCouncil.enterer, mine.id), NotFound)
      const before = await service.unreadCount(council.enterer)
      await service.markRead(council.enterer, mine.id)
      assert.equal(await service.unreadCount(council.enterer), before - 1)
      assert.equal(await service.markAllRead(council.enterer), before - 1)
      assert.equal(await service.unreadCount(council.enterer), 0)
    })
  })
}
