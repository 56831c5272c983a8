import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent, bearer } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { reminderCouncil, type ReminderCouncil } from './notification-fixtures.ts'

for (const mode of testModes()) {
  describe(`notification pages and API (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let council: ReminderCouncil
    let approver: Agent
    let riskOwner: Agent

    const unreadIds = async (person: ReminderCouncil['approver']) =>
      (await ctx.services.notifications.list(person, 1, 50)).items
        .filter((n) => n.readAt === null)
        .map((n) => n.id)

    before(async () => {
      ctx = await createTestContext(mode)
      const org = await ctx.organisation()
      council = await reminderCouncil(ctx, org)
      // Two runs, so the approver's notifications have an order: approval, then escalation.
      await ctx.services.notifications.run(org.id, '2025-06-06')
      ctx.clock.advance(60_000)
      await ctx.services.notifications.run(org.id, '2025-06-23')
      app = await ctx.app()
      approver = await Agent.signedIn(app, council.approver.email)
      riskOwner = await Agent.signedIn(app, council.riskOwner.email)
    })
    after(() => ctx.close())

    it('lists a person’s notifications newest first, with links, and counts the unread in the header', async () => {
      const page = await approver.get('/notifications')
      assert.equal(page.statusCode, 200)
      assert.match(
        page.body,
        /Notifications \(2<span class="govuk-visually-hidden"> unread<\/span>\)/,
      )
      const escalated = page.body.indexOf('is overdue by more than 5 working days')
      const approval = page.body.indexOf('is waiting for your approval')
      assert.ok(escalated > 0 && approval > escalated, 'newest first')
      assert.match(page.body, new RegExp(`href="/measures/${council.measureId}"`))
      assert.match(page.body, /href="\/approvals"/)
      // Another person's notifications are not on the page.
      assert.doesNotMatch(page.body, /Risk CR01/)
    })

    it('marks one as read with a CSRF-protected form', async () => {
      const [first] = await unreadIds(council.approver)
      assert.ok(first)
      const forged = await approver.post(`/notifications/${first}/read`, {}, { csrf: false })
      assert.equal(forged.statusCode, 403)
      assert.equal((await unreadIds(council.approver)).length, 2)
      const done = await approver.post(`/notifications/${first}/read`)
      assert.equal(done.statusCode, 303)
      assert.equal((await unreadIds(council.approver)).length, 1)
      const page = await approver.get('/notifications')
      assert.match(page.body, /Notifications \(1<span/)
    })

    it('does not let a person mark another’s notification as read', async () => {
      const [theirs] = await unreadIds(council.approver)
      assert.ok(theirs)
      const response = await riskOwner.post(`/notifications/${theirs}/read`)
      assert.equal(response.statusCode, 404)
      assert.deepEqual(await unreadIds(council.approver), [theirs])
    })

    it('marks all as read', async () => {
      const response = await approver.post('/notifications/read')
      assert.equal(response.statusCode, 303)
      assert.deepEqual(await unreadIds(council.approver), [])
      const page = await approver.get('/notifications')
      assert.match(page.body, /Notifications \(0<span/)
      assert.match(page.body, /1 notification marked as read/)
    })

    it('saves the e-mail setting, and says what is wrong when none is chosen', async () => {
      const bad = await riskOwner.post('/notifications/email', {})
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /There is a problem/)
      assert.match(bad.body, /Select how to get notifications by e-mail/)
      const off = await riskOwner.post('/notifications/email', { email: 'no' })
      assert.equal(off.statusCode, 303)
      assert.equal(await ctx.services.notifications.emailPreference(council.riskOwner), false)
      const page = await riskOwner.get('/notifications')
      assert.match(page.body, /This service does not send e-mail/)
      assert.match(page.body, /value="no" checked/)
    })

    it('lists notifications in the API, paginated, and marks one read', async () => {
      const token = await ctx.services.auth.createToken(council.riskOwner, 'Test')
      const list = await bearer(app, token.token, 'GET', '/api/v1/notifications?pageSize=1')
      assert.equal(list.statusCode, 200)
      const body = list.json<{
        items: { id: string; kind: string; readAt: string | null }[]
        total: number
        page: number
        pageSize: number
      }>()
      assert.equal(body.total, 1)
      assert.equal(body.pageSize, 1)
      const [first] = body.items
      assert.ok(first)
      assert.equal(first.kind, 'risk_review_overdue')
      const id = first.id
      const [approverOwn] = (await ctx.services.notifications.list(council.approver, 1, 1)).items
      assert.ok(approverOwn)
      const other = await bearer(
        app,
        token.token,
        'POST',
        `/api/v1/notifications/${approverOwn.id}/read`,
      )
      assert.equal(other.statusCode, 404)
      const read = await bearer(app, token.token, 'POST', `/api/v1/notifications/${id}/read`)
      assert.equal(read.statusCode, 204)
      const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json<{
        paths: Record<string, unknown>
      }>()
      assert.ok('/api/v1/notifications' in doc.paths)
      assert.ok('/api/v1/notifications/{id}/read' in doc.paths)
      const after = await bearer(app, token.token, 'GET', '/api/v1/notifications')
      assert.notEqual(after.json<{ items: { readAt: string | null }[] }>().items[0]?.readAt, null)
    })
  })
}
