import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Forbidden } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { measureRepository as measureRepo } from '../measures/index.ts'
import { MAY_2025, reminderCouncil, type ReminderCouncil } from '../notifications/index.ts'

for (const mode of testModes()) {
  describe(`tasks, workflow notifications and queries (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let council: ReminderCouncil
    let sro: Principal

    const kinds = async (p: Principal) =>
      (await ctx.services.notifications.list(p, 1, 100)).items.map((n) => n.kind).sort()
    const taskKinds = async (p: Principal) =>
      (await ctx.services.tasks.list(p)).map((t) => t.kind).sort()
    const statusOf = async (measureId: string) =>
      (await measureRepo.findValue(ctx.database.db, org.id, measureId, MAY_2025))?.status
    const audits = async (action: string) =>
      ctx.database.db
        .selectFrom('audit_records')
        .select('summary')
        .where('organisation_id', '=', org.id)
        .where('action', '=', action)
        .execute()

    before(async () => {
      ctx = await createTestContext(mode)
      // May 2025 was due on 13 June: on the 16th it is overdue.
      ctx.clock.now = new Date('2025-06-16T09:00:00Z')
      org = await ctx.organisation()
      council = await reminderCouncil(ctx, org)
      sro = await ctx.person(org, { role: 'viewer', name: 'Sue Sponsor' })
    })
    after(() => ctx.close())

    it('gathers each person’s tasks: values to enter, to approve, reviews and late milestones', async () => {
      const enterer = await ctx.services.tasks.list(council.enterer)
      const wm1 = enterer.find((t) => t.kind === 'value_to_enter' && t.title.startsWith('WM1'))
      assert.ok(wm1)
      assert.equal(wm1.overdue, true)
      assert.match(wm1.detail, /^Overdue\. Due 13 June 2025/)
      const approver = await ctx.services.tasks.list(council.approver)
      const waiting = approver.filter((t) => t.kind === 'value_to_approve')
      assert.deepEqual(
        waiting.map((t) => t.title),
        ['WM2: Missed bins WM2, May 2025'],
      )
      assert.match(waiting[0]?.approvalKey ?? '', /^value:/)
      assert.deepEqual(await taskKinds(council.riskOwner), ['risk_review'])
      assert.deepEqual(await taskKinds(council.projectManager), ['milestone_overdue'])
      // The one who submitted WM2 is not asked to approve it.
      assert.ok(!(await taskKinds(council.enterer)).includes('value_to_approve'))
    })

    it('tells the approver at once when a value is submitted, and resolves the overdue notice', async () => {
      await ctx.services.notifications.run(org.id, '2025-06-16')
      assert.ok((await kinds(council.enterer)).includes('value_overdue'))
      await ctx.services.values.save(council.enterer, council.measureId, {
        period: 'May 2025',
        value: 9,
        submit: true,
      })
      const approverNotices = (await ctx.services.notifications.list(council.approver, 1, 100))
        .items
      assert.ok(
        approverNotices.some(
          (n) => n.kind === 'approval_requested' && n.subject.startsWith('WM1 May 2025'),
        ),
      )
      // The value is in: the reminder to enter it has gone.
      assert.ok(!(await kinds(council.enterer)).includes('value_overdue'))
      assert.ok(!(await taskKinds(council.enterer)).includes('value_to_enter'))
    })

    it('returns with the reason: the officer is told at once and the request to approve resolves', async () => {
      await ctx.services.values.return(council.approver, council.measureId, MAY_2025, {
        reason: 'Check the May figure against the crew sheets',
      })
      const [returned] = (await ctx.services.notifications.list(council.enterer, 1, 100)).items
      assert.ok(returned)
      assert.equal(returned.kind, 'value_returned')
      assert.match(returned.body, /Check the May figure against the crew sheets/)
      const toApprove = (await ctx.services.notifications.list(council.approver, 1, 100)).items
      assert.ok(!toApprove.some((n) => n.subject.startsWith('WM1 May 2025 is waiting')))
      const task = (await ctx.services.tasks.list(council.enterer)).find(
        (t) => t.kind === 'value_to_enter',
      )
      assert.match(task?.detail ?? '', /Returned to you: "Check the May figure/)
      await ctx.services.values.submit(council.enterer, council.measureId, MAY_2025)
      assert.ok(!(await kinds(council.enterer)).includes('value_returned'))
    })

    it('refuses a bulk approval that holds an item the person may not approve, writing nothing', async () => {
      const own = await ctx.services.tasks.list(council.approver)
      const keys = own.flatMap((t) => (t.approvalKey ? [t.approvalKey] : []))
      assert.equal(keys.length, 2)
      // A value of a unit outside the approver's, submitted in another's name.
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
      const before = (await audits('value_approved')).length
      await assert.rejects(
        ctx.services.tasks.approveMany(council.approver, [
          ...keys,
          `value:${care.id}:${MAY_2025}:1`,
        ]),
        (error) => error instanceof Forbidden && /Nothing was approved/.test(error.message),
      )
      assert.equal(await statusOf(council.measureId), 'submitted')
      assert.equal(await statusOf(council.submittedId), 'submitted')
      assert.equal((await audits('value_approved')).length, before)
    })

    it('approves many at once in one transaction, each audited, and the officer is told', async () => {
      const keys = (await ctx.services.tasks.list(council.approver)).flatMap((t) =>
        t.approvalKey ? [t.approvalKey] : [],
      )
      const labels = await ctx.services.tasks.confirmApproval(council.approver, keys)
      assert.deepEqual(labels.sort(), ['WM1 May 2025', 'WM2 May 2025'])
      const approved = await ctx.services.tasks.approveMany(council.approver, keys)
      assert.equal(approved.length, 2)
      assert.equal(await statusOf(council.measureId), 'approved')
      assert.equal(await statusOf(council.submittedId), 'approved')
      const summaries = (await audits('value_approved')).map((r) => r.summary)
      assert.ok(summaries.some((s) => s.startsWith('WM1 May 2025')))
      assert.ok(summaries.some((s) => s.startsWith('WM2 May 2025')))
      assert.ok((await kinds(council.enterer)).includes('value_approved'))
      assert.deepEqual(
        (await ctx.services.tasks.list(council.approver)).filter((t) => t.approvalKey),
        [],
      )
      assert.ok(!(await kinds(council.approver)).includes('approval_requested'))
    })

    it('brings a project update waiting for sign-off to its sponsor at once, and into the daily run', async () => {
      const project = await ctx.services.projects.create(council.officer, {
        level: 'project',
        title: 'Food waste collection',
        managerId: council.projectManager.personId,
        sroId: sro.personId,
      })
      await ctx.services.projectUpdates.create(council.projectManager, project.id, {
        month: '2025-05',
        highlights: 'Vehicles ordered',
        confidence: 'medium',
        submit: true,
      })
      assert.deepEqual(await kinds(sro), ['update_approval_requested'])
      const [task] = await ctx.services.tasks.list(sro)
      assert.ok(task?.approvalKey)
      assert.equal(task.kind, 'update_to_approve')
      // The daily run asks for the same approval, once.
      const counts = await ctx.services.notifications.run(org.id, '2025-06-16')
      assert.equal(counts.created.update_approval_requested, 0)
      await ctx.services.tasks.approveMany(sro, [task.approvalKey])
      assert.deepEqual(await kinds(sro), [])
      assert.ok((await kinds(council.projectManager)).includes('update_approved'))
    })

    it('lets the performance team query a value without returning it; officer and approver answer', async () => {
      const raised = await ctx.services.queries.raiseOnValue(
        council.officer,
        council.submittedId,
        MAY_2025,
        'Why did missed bins rise in May?',
      )
      assert.ok(raised)
      assert.equal(await statusOf(council.submittedId), 'approved')
      for (const person of [council.enterer, council.approver]) {
        assert.ok((await taskKinds(person)).includes('query_to_answer'), person.name)
        assert.ok((await kinds(person)).includes('query_raised'), person.name)
      }
      await ctx.services.queries.reply(
        council.enterer,
        raised.id,
        'Two crews were off sick for a week',
      )
      // Answered: no longer waiting on the officer, and the raiser sees the answer.
      assert.ok(!(await taskKinds(council.enterer)).includes('query_to_answer'))
      assert.ok((await taskKinds(council.officer)).includes('query_to_answer'))
      const thread = await ctx.services.queries.on(council.approver, {
        measureId: council.submittedId,
      })
      assert.deepEqual(
        thread.threads[0]?.messages.map((m) => m.body),
        ['Why did missed bins rise in May?', 'Two crews were off sick for a week'],
      )
      assert.equal(thread.mayRaise, false)
      assert.equal((await audits('query_raised')).length, 1)
      assert.equal((await audits('query_answered')).length, 1)
      await ctx.services.queries.close(council.officer, raised.id)
      for (const person of [council.enterer, council.approver, council.officer]) {
        assert.ok(!(await taskKinds(person)).includes('query_to_answer'), person.name)
        assert.ok(!(await kinds(person)).some((k) => k.startsWith('query_')), person.name)
      }
    })

    it('lets nobody but the performance team raise a query, and only those on it answer', async () => {
      await assert.rejects(
        ctx.services.queries.raiseOnValue(council.approver, council.submittedId, MAY_2025, 'Hm'),
        Forbidden,
      )
      const raised = await ctx.services.queries.raiseOnValue(
        council.officer,
        council.submittedId,
        MAY_2025,
        'Is the target right?',
      )
      assert.ok(raised)
      await assert.rejects(
        ctx.services.queries.reply(council.riskOwner, raised.id, 'Me'),
        Forbidden,
      )
      await assert.rejects(
        ctx.services.queries.raiseOnValue(council.officer, council.submittedId, MAY_2025, '  '),
        /Enter your comment/,
      )
    })
  })
}
