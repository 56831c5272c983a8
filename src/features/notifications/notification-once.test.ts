import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { MailMessage } from './notification-mailer.ts'
import { reminderCouncil } from './notification-fixtures.ts'
import { createNotificationService } from './notification-service.ts'

for (const mode of testModes()) {
  describe(`reminders across several instances on one database (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    const sent: MailMessage[] = []
    // A mail server that takes its time, so the instances' sending overlaps.
    const slowMailer = async (message: MailMessage) => {
      await sleep(15)
      sent.push(message)
    }
    /** Another instance of the service: its own code and state, the same database. */
    const instance = () =>
      createNotificationService({
        db: ctx.database.db,
        clock: ctx.clock.read,
        config: ctx.config,
        mailer: slowMailer,
        warn: () => undefined,
      })

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-06T06:00:00Z')
      org = await ctx.organisation()
      await reminderCouncil(ctx, org)
    })
    after(() => ctx.close())

    const runsAudited = async () =>
      (
        await ctx.database.db
          .selectFrom('audit_records')
          .select('id')
          .where('organisation_id', '=', org.id)
          .where('action', '=', 'reminders_run')
          .execute()
      ).length

    it('runs the scheduled day once and sends each e-mail once when two instances fire together', async () => {
      const [a, b] = await Promise.all([
        instance().run(org.id, '2025-06-06', { once: true }),
        instance().run(org.id, '2025-06-06', { once: true }),
      ])
      assert.equal(await runsAudited(), 1, 'one audited run for the day')
      assert.equal([a, b].filter((r) => r.alreadyRun === true).length, 1)
      const notifications = await ctx.database.db
        .selectFrom('notifications')
        .select(['id', 'emailed_at'])
        .where('organisation_id', '=', org.id)
        .execute()
      assert.ok(sent.length > 0)
      assert.equal(sent.length, a.emailed + b.emailed)
      assert.equal(
        sent.length,
        new Set(sent.map((m) => `${m.to} ${m.subject}`)).size,
        'nobody gets the same e-mail twice',
      )
      assert.equal(sent.length, notifications.filter((n) => n.emailed_at !== null).length)
      // A later tick of either instance the same day does nothing.
      const again = await instance().run(org.id, '2025-06-06', { once: true })
      assert.equal(again.alreadyRun, true)
      assert.equal(await runsAudited(), 1)
    })

    it('sends each e-mail once when manual runs overlap', async () => {
      sent.length = 0
      ctx.clock.now = new Date('2025-06-10T06:00:00Z')
      await ctx.database.db
        .updateTable('notifications')
        .set({ emailed_at: null, email_claimed_at: null, read_at: null })
        .where('organisation_id', '=', org.id)
        .execute()
      const waiting = (
        await ctx.database.db
          .selectFrom('notifications')
          .select('id')
          .where('organisation_id', '=', org.id)
          .execute()
      ).length
      const results = await Promise.all([
        instance().run(org.id, '2025-06-10'),
        instance().run(org.id, '2025-06-10'),
        instance().run(org.id, '2025-06-10'),
      ])
      const newlyMade = results.reduce(
        (n, r) => n + Object.values(r.created).reduce((x, y) => x + y, 0),
        0,
      )
      assert.equal(
        sent.length,
        results.reduce((n, r) => n + r.emailed, 0),
      )
      assert.ok(sent.length >= waiting && sent.length <= waiting + newlyMade)
      assert.equal(sent.length, new Set(sent.map((m) => `${m.to} ${m.subject}`)).size)
    })
  })
}
