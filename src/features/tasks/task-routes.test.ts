import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent, bearer } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { measureRepository as measureRepo } from '../measures/index.ts'
import { MAY_2025, reminderCouncil, type ReminderCouncil } from '../notifications/index.ts'

for (const mode of testModes()) {
  describe(`task pages, bulk approval and the API (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let council: ReminderCouncil
    let approver: Agent
    let enterer: Agent
    let careKey: string

    const statusOf = async (measureId: string) =>
      (await measureRepo.findValue(ctx.database.db, org.id, measureId, MAY_2025))?.status
    const approvedCount = async () =>
      (
        await ctx.database.db
          .selectFrom('audit_records')
          .select('id')
          .where('organisation_id', '=', org.id)
          .where('action', '=', 'value_approved')
          .execute()
      ).length

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-16T09:00:00Z')
      org = await ctx.organisation()
      council = await reminderCouncil(ctx, org)
      // A submitted value of a unit the approver does not approve for.
      const care = await ctx.services.measures.create(council.officer, {
        code: 'AC1',
        title: 'Care reviews',
        unit: 'number',
        decimals: 0,
        polarity: 'higher_is_better',
        frequency: 'monthly',
        kind: 'operational',
        unitId: org.units.care ?? null,
      })
      await measureRepo.insertValues(ctx.database.db, org.id, [
        {
          measure_id: care.id,
          period_start: MAY_2025,
          value: 3,
          status: 'submitted',
          submitted_by: council.officer.personId,
          target: null,
          rag: null,
          year_to_date: null,
        },
      ])
      careKey = `value:${care.id}:${MAY_2025}:1`
      app = await ctx.app()
      approver = await Agent.signedIn(app, council.approver.email)
      enterer = await Agent.signedIn(app, council.enterer.email)
    })
    after(() => ctx.close())

    it('shows the officer’s tasks first on the home page, and counts them in the header', async () => {
      const home = await enterer.get('/')
      assert.equal(home.statusCode, 200)
      assert.match(home.body, /Your tasks \(\d+\)<\/h2>/)
      assert.match(home.body, /Values to enter \(1\)/)
      assert.match(home.body, /WM1: Missed bins WM1, May 2025/)
      assert.match(home.body, /Your data entry/)
      assert.match(home.body, />\s*Your tasks \(1\)\s*</)
    })

    it('gives the named data-entry officer and approver of a measure its tasks without the role', async () => {
      // A viewer named on a measure of a unit where they hold no role.
      const named = council.riskOwner
      const measure = await ctx.services.measures.create(council.officer, {
        code: 'AC2',
        title: 'Care visits',
        unit: 'number',
        decimals: 0,
        polarity: 'higher_is_better',
        frequency: 'monthly',
        kind: 'operational',
        unitId: org.units.care ?? null,
        dataEntryOfficerId: named.personId,
        approverId: named.personId,
        dueWorkingDays: 10,
      })
      await measureRepo.insertValues(ctx.database.db, org.id, [
        {
          measure_id: measure.id,
          period_start: MAY_2025,
          value: 4,
          status: 'submitted',
          submitted_by: council.officer.personId,
          target: null,
          rag: null,
          year_to_date: null,
        },
      ])
      const titles = (await ctx.services.tasks.list(named)).map((t) => `${t.kind} ${t.title}`)
      assert.ok(titles.includes('value_to_approve AC2: Care visits, May 2025'), titles.join('; '))
      assert.ok(titles.some((t) => t.startsWith('value_to_enter AC2: Care visits')))
      assert.ok(!titles.some((t) => t.includes('WM1') || t.includes('AC1')))
      // The enterer over waste and the approver over place are not given it.
      for (const other of [council.enterer, council.approver]) {
        const theirs = (await ctx.services.tasks.list(other)).map((t) => t.title)
        assert.ok(!theirs.some((t) => t.startsWith('AC2')), theirs.join('; '))
      }
      await ctx.database.db
        .deleteFrom('measure_values')
        .where('measure_id', '=', measure.id)
        .execute()
    })

    it('lists what waits for the approver, with a checkbox for each to approve', async () => {
      const page = await approver.get('/tasks')
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Values waiting for your sign-off \(1\)/)
      assert.match(page.body, /name="items" type="checkbox" value="value:[^"]+"/)
      const home = await approver.get('/')
      assert.match(home.body, /Waiting for your sign-off/)
    })

    it('asks to select something, and confirms exactly what will be approved before approving', async () => {
      const none = await approver.post('/tasks/approve')
      assert.equal(none.statusCode, 400)
      assert.match(none.body, /There is a problem/)
      assert.match(none.body, /Select at least one item to approve/)
      const [task] = (await ctx.services.tasks.list(council.approver)).filter((t) => t.approvalKey)
      assert.ok(task?.approvalKey)
      const confirm = await approver.post('/tasks/approve', { items: task.approvalKey })
      assert.equal(confirm.statusCode, 200)
      assert.match(confirm.body, /Approve 1 item/)
      assert.match(confirm.body, /WM2 May 2025/)
      assert.equal(await statusOf(council.submittedId), 'submitted', 'nothing approved yet')
    })

    it('refuses an item the person may not approve, writing nothing', async () => {
      const before = await approvedCount()
      const page = await approver.post('/tasks/approve/confirm', { items: careKey })
      assert.equal(page.statusCode, 403)
      const token = await ctx.services.auth.createToken(council.approver, 'Test')
      const keys = (await ctx.services.tasks.list(council.approver)).flatMap((t) =>
        t.approvalKey ? [t.approvalKey] : [],
      )
      const api = await bearer(app, token.token, 'POST', '/api/v1/tasks/approve', {
        items: [...keys, careKey],
      })
      assert.equal(api.statusCode, 403)
      assert.match(api.json<{ error: { message: string } }>().error.message, /Nothing was approved/)
      assert.equal(await statusOf(council.submittedId), 'submitted')
      assert.equal(await approvedCount(), before)
    })

    it('approves the selection in one go and lists tasks in the API', async () => {
      const token = await ctx.services.auth.createToken(council.approver, 'Test 2')
      const list = await bearer(app, token.token, 'GET', '/api/v1/tasks')
      assert.equal(list.statusCode, 200)
      const body = list.json<{ items: { kind: string; approvalKey: string | null }[] }>()
      const key = body.items.find((t) => t.kind === 'value_to_approve')?.approvalKey
      assert.ok(key)
      const done = await approver.post('/tasks/approve/confirm', { items: key })
      assert.equal(done.statusCode, 303)
      assert.equal(await statusOf(council.submittedId), 'approved')
      const page = await approver.get('/tasks')
      assert.match(page.body, /Approved 1 item: WM2 May 2025/)
      const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json<{
        paths: Record<string, unknown>
      }>()
      assert.ok('/api/v1/tasks' in doc.paths)
      assert.ok('/api/v1/tasks/approve' in doc.paths)
    })

    it('saves the choice of a daily digest instead of e-mail at once', async () => {
      const saved = await enterer.post('/notifications/email', { email: 'digest' })
      assert.equal(saved.statusCode, 303)
      assert.equal(await ctx.services.notifications.emailMode(council.enterer), 'digest')
      const page = await enterer.get('/notifications')
      assert.match(page.body, /value="digest" checked/)
    })
  })
}
