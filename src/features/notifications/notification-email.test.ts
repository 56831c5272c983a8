import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { SMTPServer } from 'smtp-server'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { MAY_2025, reminderCouncil, type ReminderCouncil } from './notification-fixtures.ts'

interface Received {
  readonly to: string
  readonly subject: string
  readonly body: string
}

/** A real SMTP server on a free local port, keeping what it receives; it can refuse mail. */
async function mailServer() {
  const received: Received[] = []
  const state = { refuse: false }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(state.refuse ? new Error('Mailbox unavailable') : null)
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        // Quoted-printable soft line breaks and escapes, so links can be matched whole.
        const text = raw
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
        received.push({
          to: /^To: (.*)$/m.exec(text)?.[1]?.trim() ?? '',
          subject: /^Subject: (.*)$/m.exec(text)?.[1]?.trim() ?? '',
          body: text,
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    port,
    received,
    state,
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  }
}

for (const mode of testModes()) {
  describe(`e-mailed reminders (${mode})`, () => {
    let smtp: Awaited<ReturnType<typeof mailServer>>
    let ctx: TestContext
    let org: TestOrganisation
    let council: ReminderCouncil

    before(async () => {
      smtp = await mailServer()
      ctx = await createTestContext(mode, {
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        MAIL_FROM: 'Golden Thread <performance@example.gov.uk>',
        PUBLIC_URL: 'https://performance.example.gov.uk/',
      })
      ctx.clock.now = new Date('2025-06-06T06:00:00Z')
      org = await ctx.organisation()
      council = await reminderCouncil(ctx, org)
      // The project manager has turned e-mailed reminders off.
      await ctx.services.notifications.setEmailPreference(council.projectManager, false)
    })
    after(async () => {
      await ctx.close()
      await smtp.close()
    })

    const emailedAt = async (person: ReminderCouncil['enterer']) =>
      (
        await ctx.database.db
          .selectFrom('notifications')
          .select(['kind', 'emailed_at'])
          .where('person_id', '=', person.personId)
          .orderBy('kind')
          .execute()
      ).map((r) => [r.kind, r.emailed_at !== null])

    it('e-mails each new notification to its person, with an absolute link to the item', async () => {
      const counts = await ctx.services.notifications.run(org.id, '2025-06-06')
      assert.equal(counts.emailed, 3)
      assert.equal(counts.emailFailed, 0)
      const risk = smtp.received.find((m) => m.to === council.riskOwner.email)
      assert.ok(risk, 'the risk owner got an e-mail')
      assert.equal(risk.subject, 'Risk CR01 was due for review on 1 June 2025')
      assert.ok(
        risk.body.includes(`https://performance.example.gov.uk/risks/${council.riskId}`),
        risk.body,
      )
      assert.ok(
        risk.body.includes(`href="https://performance.example.gov.uk/risks/${council.riskId}"`),
      )
      const approval = smtp.received.find((m) => m.to === council.approver.email)
      assert.equal(approval?.subject, 'WM2 May 2025 is waiting for your approval')
      assert.deepEqual(await emailedAt(council.riskOwner), [['risk_review_overdue', true]])
    })

    it('does not e-mail a person who turned e-mail off; their notification stays in-app', async () => {
      assert.ok(!smtp.received.some((m) => m.to === council.projectManager.email))
      assert.deepEqual(await emailedAt(council.projectManager), [['milestone_overdue', false]])
    })

    it('sends nothing on a second run', async () => {
      const before = smtp.received.length
      const counts = await ctx.services.notifications.run(org.id, '2025-06-06')
      assert.equal(counts.emailed, 0)
      assert.equal(smtp.received.length, before)
    })

    it('keeps the notification when the mail server refuses it, and sends it on the next run', async () => {
      smtp.state.refuse = true
      const before = smtp.received.length
      const failed = await ctx.services.notifications.run(org.id, '2025-06-16')
      assert.equal(failed.created.value_overdue, 1)
      assert.equal(failed.emailed, 0)
      assert.equal(failed.emailFailed, 1)
      assert.deepEqual(await emailedAt(council.enterer), [
        ['value_due', true],
        ['value_overdue', false],
      ])
      smtp.state.refuse = false
      const retried = await ctx.services.notifications.run(org.id, '2025-06-16')
      assert.equal(retried.emailed, 1)
      assert.equal(smtp.received.length, before + 1)
      assert.equal(smtp.received.at(-1)?.subject, 'WM1 May 2025 is overdue')
      assert.deepEqual(await emailedAt(council.enterer), [
        ['value_due', true],
        ['value_overdue', true],
      ])
    })

    it('e-mails the approver at once when a value is submitted, without waiting for the run', async () => {
      const before = smtp.received.length
      await ctx.services.values.save(council.enterer, council.measureId, {
        period: 'May 2025',
        value: 9,
        submit: true,
      })
      assert.deepEqual(
        smtp.received.slice(before).map((m) => [m.to, m.subject]),
        [[council.approver.email, 'WM1 May 2025 is waiting for your approval']],
      )
    })

    it('gathers the notifications of one who chose a daily digest into one e-mail a day', async () => {
      await ctx.services.notifications.setEmailMode(council.enterer, 'digest')
      const before = smtp.received.length
      await ctx.services.values.return(council.approver, council.measureId, MAY_2025, {
        reason: 'Recount the crews',
      })
      await ctx.services.values.approve(council.approver, council.submittedId, MAY_2025)
      assert.equal(smtp.received.length, before, 'nothing sent at once')
      await ctx.services.notifications.run(org.id, '2025-06-16')
      const digests = smtp.received.slice(before).filter((m) => m.to === council.enterer.email)
      assert.equal(digests.length, 1)
      const [digest] = digests
      assert.ok(digest)
      assert.match(digest.subject, /2 notifications today/)
      assert.ok(digest.body.includes('WM1 May 2025 was returned to you'), digest.body)
      assert.ok(digest.body.includes('Recount the crews'))
      assert.ok(digest.body.includes('WM2 May 2025 was approved'))
      const again = smtp.received.length
      await ctx.services.notifications.run(org.id, '2025-06-16')
      assert.equal(smtp.received.length, again, 'each notification is in one digest only')
    })
  })
}
