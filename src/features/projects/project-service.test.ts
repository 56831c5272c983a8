import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'

const count = async (
  ctx: TestContext,
  table: 'projects' | 'project_milestones' | 'audit_records',
) =>
  Number(
    (
      await ctx.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

for (const mode of testModes()) {
  describe(`projects service (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let lead: Principal
    let sro: Principal
    let approver: Principal
    let viewer: Principal
    let partner: Principal

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-05-15T12:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      lead = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' })
      sro = await ctx.person(org, { role: 'viewer' })
      approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      viewer = await ctx.person(org, { role: 'viewer' })
      partner = await ctx.person(org, { role: 'partner', roleUnit: 'care' })
    })
    after(() => ctx.close())

    const programme = () =>
      ctx.services.projects.create(officer, {
        level: 'programme',
        title: 'Waste transformation',
        sroId: sro.personId,
        leadUnitId: org.units.waste,
        startDate: '2025-04-01',
        endDate: '2026-03-31',
      })

    it('builds programme → project → action and refuses a project under an action', async () => {
      const p = await programme()
      const project = await ctx.services.projects.create(officer, {
        level: 'project',
        parentId: p.id,
        title: 'Food waste',
        startDate: '2025-04-01',
        endDate: '2026-03-31',
      })
      assert.equal(project.leadUnitId, org.units.waste, 'inherits the lead unit')
      const action = await ctx.services.projects.create(officer, {
        level: 'action',
        parentId: project.id,
        title: 'Caddies',
        managerId: lead.personId,
      })
      const before = await count(ctx, 'projects')
      await assert.rejects(
        ctx.services.projects.create(officer, {
          level: 'project',
          parentId: action.id,
          title: 'X',
        }),
        (e: unknown) => e instanceof Invalid && /cannot sit under an action/.test(e.message),
      )
      await assert.rejects(
        ctx.services.projects.update(officer, p.id, { parentId: action.id }),
        Invalid,
      )
      await assert.rejects(
        ctx.services.projects.create(officer, {
          level: 'programme',
          title: 'Backwards',
          startDate: '2025-05-01',
          endDate: '2025-04-01',
        }),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'endDate',
      )
      assert.equal(await count(ctx, 'projects'), before, 'nothing written')
      const list = await ctx.services.projects.list(viewer)
      assert.deepEqual(
        list.filter((x) => [p.id, project.id, action.id].includes(x.id)).map((x) => x.depth),
        [0, 1, 2],
      )
    })

    it('lets only managers create, and the SRO of what it sits under', async () => {
      await assert.rejects(
        ctx.services.projects.create(viewer, { level: 'programme', title: 'No' }),
        Forbidden,
      )
      const p = await programme()
      const child = await ctx.services.projects.create(sro, {
        level: 'action',
        parentId: p.id,
        title: 'By the SRO',
      })
      assert.equal(child.parentId, p.id)
    })

    it('suggests a status from milestones, and keeps a person’s override with its reason beside it', async () => {
      const p = await programme()
      const m = await ctx.services.projects.addMilestone(officer, p.id, {
        title: 'Business case',
        due: '2025-04-30',
        status: 'in_progress',
      })
      assert.equal(m.overdue, true)
      let view = await ctx.services.projects.get(viewer, p.id)
      assert.equal(view.status, 'at_risk')
      assert.deepEqual(view.suggestedStatus.reasons, ['1 milestone is overdue'])
      await assert.rejects(
        ctx.services.projects.update(officer, p.id, { status: 'on_track' }),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'statusReason',
      )
      view = await ctx.services.projects.update(officer, p.id, {
        status: 'on_track',
        statusReason: 'Signed off at board; paperwork follows',
      })
      assert.equal(view.status, 'on_track')
      assert.equal(view.suggestedStatus.status, 'at_risk')
      assert.equal(view.statusOverride?.reason, 'Signed off at board; paperwork follows')
      view = await ctx.services.projects.update(officer, p.id, { status: null })
      assert.equal(view.status, 'at_risk')
      await assert.rejects(
        ctx.services.projects.update(officer, p.id, { title: 'Stale', version: 1 }),
        Conflict,
      )
    })

    it('refuses a milestone outside the project, and keeps the first date when rescheduled', async () => {
      const p = await programme()
      const before = await count(ctx, 'project_milestones')
      await assert.rejects(
        ctx.services.projects.addMilestone(officer, p.id, {
          title: 'Too late',
          due: '2026-06-30',
          status: 'not_started',
        }),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'due',
      )
      await assert.rejects(
        ctx.services.projects.addMilestone(officer, p.id, {
          title: 'Nonsense',
          due: 'soon',
          status: 'not_started',
        }),
        Invalid,
      )
      assert.equal(await count(ctx, 'project_milestones'), before)
      const m = await ctx.services.projects.addMilestone(officer, p.id, {
        title: 'Launch',
        due: '2025/26 Q2',
        status: 'on_track',
      })
      assert.deepEqual(m.due, { date: '2025-09-30', precision: 'quarter', label: '2025/26 Q2' })
      await assert.rejects(
        ctx.services.projects.updateMilestone(officer, p.id, m.id, { due: '2025/26 Q3' }),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'rescheduleReason',
      )
      const moved = await ctx.services.projects.updateMilestone(officer, p.id, m.id, {
        due: '2025/26 Q3',
        rescheduleReason: 'Vehicles late',
      })
      assert.equal(moved.status, 'rescheduled')
      assert.equal(moved.originalDue?.label, '2025/26 Q2')
      assert.equal(moved.due.label, '2025/26 Q3')
      const again = await ctx.services.projects.updateMilestone(officer, p.id, m.id, {
        due: '2025/26 Q4',
        rescheduleReason: 'Again',
      })
      assert.equal(again.originalDue?.label, '2025/26 Q2', 'the first date is kept')
      await assert.rejects(
        ctx.services.projects.updateMilestone(officer, p.id, m.id, { title: 'x', version: 1 }),
        Conflict,
      )
      await assert.rejects(
        ctx.services.projects.update(officer, p.id, { endDate: '2025-12-31' }),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'endDate',
      )
    })

    it('takes a milestone with no date set: never overdue, dated later without a rescheduling, never undated again', async () => {
      const p = await programme()
      const m = await ctx.services.projects.addMilestone(officer, p.id, {
        title: 'Date to be agreed',
        due: null,
        status: 'not_started',
      })
      assert.deepEqual(m.due, { date: null, precision: 'day', label: 'No date set' })
      assert.equal(m.quarter, null)
      assert.equal(m.overdue, false)
      // Years on, it is still not overdue, and says nothing against the project's status.
      ctx.clock.now = new Date('2027-01-01T12:00:00Z')
      try {
        const shown = await ctx.services.projects.milestones(officer, p.id)
        assert.equal(shown.find((x) => x.id === m.id)?.overdue, false)
      } finally {
        ctx.clock.now = new Date('2025-05-15T12:00:00Z')
      }
      const dated = await ctx.services.projects.updateMilestone(officer, p.id, m.id, {
        due: '2025-12-31',
      })
      assert.equal(dated.due.label, '31 December 2025')
      assert.equal(dated.originalDue, null, 'giving a date is not a rescheduling')
      assert.equal(dated.status, 'not_started')
      await assert.rejects(
        ctx.services.projects.updateMilestone(officer, p.id, m.id, { due: null }),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'due',
      )
    })

    it('refuses a dependency on itself or in a circle, and shows it on both items', async () => {
      const a = await programme()
      const b = await programme()
      const c = await programme()
      await assert.rejects(
        ctx.services.projects.addDependency(officer, a.id, { dependsOnId: a.id }),
        /itself/,
      )
      await ctx.services.projects.addDependency(officer, a.id, { dependsOnId: b.id })
      await ctx.services.projects.addDependency(officer, b.id, { dependsOnId: c.id })
      await assert.rejects(
        ctx.services.projects.addDependency(officer, c.id, { dependsOnId: a.id }),
        /circle/,
      )
      const onB = await ctx.services.projects.dependencies(viewer, b.id)
      assert.deepEqual(
        onB.dependsOn.map((d) => d.dependsOnId),
        [c.id],
      )
      assert.deepEqual(
        onB.dependedOnBy.map((d) => d.projectId),
        [a.id],
      )
    })

    it('records benefits planned against realised per financial year', async () => {
      const p = await programme()
      const b = await ctx.services.projects.addBenefit(officer, p.id, {
        kind: 'financial',
        title: 'Landfill tax',
        financialYear: '2024/25',
        planned: 180000,
        realised: 45000,
      })
      assert.equal(b.financialYear, '2024/25')
      assert.equal(b.measureUnit, '£')
      assert.equal(b.savingLineId, null)
      const changed = await ctx.services.projects.updateBenefit(officer, p.id, b.id, {
        realised: 90000,
      })
      assert.equal(changed.realised, 90000)
      await assert.rejects(
        ctx.services.projects.addBenefit(viewer, p.id, {
          kind: 'non_financial',
          title: 'x',
          financialYear: '2024/25',
        }),
        Forbidden,
      )
    })

    it('shows partners only what they are named on or what units they work with lead', async () => {
      const hidden = await programme()
      const named = await ctx.services.projects.create(officer, {
        level: 'programme',
        title: 'Joint care',
        partnerUnitIds: [org.units.care ?? ''],
      })
      const ids = (await ctx.services.projects.list(partner)).map((p) => p.id)
      assert.ok(ids.includes(named.id))
      assert.ok(!ids.includes(hidden.id))
      await assert.rejects(ctx.services.projects.get(partner, hidden.id), NotFound)
    })

    it('runs the monthly update workflow: submit, never approve your own, approve, lock, restate', async () => {
      const p = await programme()
      const action = await ctx.services.projects.create(officer, {
        level: 'action',
        parentId: p.id,
        title: 'Caddies',
        managerId: lead.personId,
      })
      const updates = ctx.services.projectUpdates
      await assert.rejects(
        updates.create(viewer, action.id, {
          month: '2025-04',
          highlights: 'x',
          confidence: 'high',
        }),
        Forbidden,
      )
      const draft = await updates.create(lead, action.id, {
        month: '2025-04',
        highlights: 'Contract awarded',
        confidence: 'high',
      })
      assert.equal(draft.status, 'draft')
      await assert.rejects(
        updates.create(lead, action.id, { month: 'Apr 2025', highlights: 'x', confidence: 'low' }),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'month',
      )
      await assert.rejects(
        updates.create(lead, action.id, { month: '2025-07', highlights: 'x', confidence: 'low' }),
        /not started/,
      )
      const submitted = await updates.submit(lead, action.id, draft.id, draft.version)
      assert.equal(submitted.status, 'submitted')
      await assert.rejects(
        updates.change(lead, action.id, draft.id, { version: submitted.version, highlights: 'y' }),
        Conflict,
      )
      const returned = await updates.returnUpdate(approver, action.id, draft.id, 'Add numbers')
      assert.equal(returned.returnedReason, 'Add numbers')
      const fixed = await updates.change(lead, action.id, draft.id, {
        version: returned.version,
        highlights: '21,000 caddies delivered',
      })
      await assert.rejects(
        updates.change(lead, action.id, draft.id, { version: returned.version, highlights: 'z' }),
        Conflict,
      )
      await updates.submit(lead, action.id, draft.id, fixed.version)
      // The SRO submits one of their own: they may not approve it.
      const own = await updates.create(sro, p.id, {
        month: '2025-04',
        highlights: 'Programme going well',
        confidence: 'medium',
        submit: true,
      })
      await assert.rejects(updates.approve(sro, p.id, own.id), Forbidden)
      await assert.rejects(updates.approve(viewer, action.id, draft.id), Forbidden)
      const approved = await updates.approve(sro, action.id, draft.id)
      assert.equal(approved.status, 'approved')
      assert.equal(approved.approvedBy, sro.personId)
      await assert.rejects(
        updates.change(officer, action.id, draft.id, {
          version: approved.version,
          highlights: 'Restated',
        }),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'reason',
      )
      await assert.rejects(
        updates.change(lead, action.id, draft.id, {
          version: approved.version,
          highlights: 'Restated',
          reason: 'x',
        }),
        Forbidden,
      )
      const restated = await updates.change(approver, action.id, draft.id, {
        version: approved.version,
        highlights: '20,500 caddies delivered',
        reason: 'Supplier count corrected',
      })
      assert.equal(restated.restated, true)
      assert.equal(restated.status, 'approved')
      const found = await updates.get(viewer, action.id, draft.id)
      assert.equal(found.restatements.length, 1)
      assert.equal(found.restatements[0]?.reason, 'Supplier count corrected')
      const history = await ctx.services.audit.history(officer, 'project_update', draft.id)
      assert.deepEqual(
        history.map((h) => h.action).sort(),
        [
          'update_approved',
          'update_changed',
          'update_drafted',
          'update_restated',
          'update_returned',
          'update_submitted',
          'update_submitted',
        ].sort(),
      )
      // The approved confidence feeds the suggestion, and the highlight report shows it.
      const report = await updates.highlightReport(viewer, p.id, '2025-05')
      assert.equal(report.sections[0]?.actions[0]?.update?.highlights, '20,500 caddies delivered')
      assert.equal(report.risks.length, 0)
    })

    it('does not find another organisation’s projects', async () => {
      const other = await ctx.organisation()
      const outsider = await ctx.person(other, { role: 'administrator' })
      const p = await programme()
      await assert.rejects(ctx.services.projects.get(outsider, p.id), NotFound)
      await assert.rejects(ctx.services.projectUpdates.list(outsider, p.id), NotFound)
      assert.equal((await ctx.services.projects.list(outsider)).length, 0)
    })
  })
}
