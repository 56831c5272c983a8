import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Role } from '../../db/schema.ts'
import { Forbidden } from '../../errors.ts'
import { authRepository as authRepo } from '../auth/index.ts'
import type { Principal } from '../../core/principal.ts'
import { organisationRepository as orgRepo } from '../organisation/index.ts'

for (const mode of testModes()) {
  describe(`four eyes on figures and updates (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let clerk: Principal
    /** An approver over Place who may also enter figures there. */
    let handsOn: Principal
    /** An approver over Place who has touched nothing. */
    let independent: Principal

    /** A person holding more than one role, as the permission rules load them. */
    async function personWith(roles: readonly Role[]): Promise<Principal> {
      const [first, ...rest] = roles
      const person = await ctx.person(org, { role: first ?? null, roleUnit: 'place' })
      for (const role of rest) {
        await orgRepo.insertRole(ctx.database.db, {
          organisationId: org.id,
          personId: person.personId,
          role,
          unitId: org.units.place ?? null,
        })
      }
      const loaded = await authRepo.loadPrincipal(ctx.database.db, person.personId)
      assert.ok(loaded)
      return loaded
    }

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      clerk = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' })
      handsOn = await personWith(['approver', 'data_entry'])
      independent = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
    })
    after(() => ctx.close())

    let codes = 0
    const measure = () =>
      ctx.services.measures.create(officer, {
        code: `FE${++codes}`,
        title: 'Household waste recycled',
        unit: 'percent',
        decimals: 1,
        polarity: 'higher_is_better',
        frequency: 'quarterly',
        kind: 'strategic',
        unitId: org.units.waste,
        dueWorkingDays: 10,
      })

    it('refuses the approver who entered the value first, though someone else changed and submitted it', async () => {
      const m = await measure()
      const first = await ctx.services.values.save(handsOn, m.id, {
        period: '2024/25 Q3',
        value: 60,
      })
      await ctx.services.values.save(clerk, m.id, {
        period: '2024/25 Q3',
        value: 61,
        version: first.value.version,
        submit: true,
      })
      await assert.rejects(
        ctx.services.values.approve(handsOn, m.id, '2024-10-01'),
        (e: unknown) => e instanceof Forbidden && /entered, changed or submitted/.test(e.message),
      )
      await assert.rejects(
        ctx.services.values.return(handsOn, m.id, '2024-10-01', { reason: 'Check it' }),
        Forbidden,
      )
      const queue = await ctx.services.values.approvalQueue(handsOn)
      assert.equal(queue.find((q) => q.measure.id === m.id)?.ownSubmission, true)
      const approved = await ctx.services.values.approve(independent, m.id, '2024-10-01')
      assert.equal(approved.status, 'approved')
    })

    it('refuses the approver who last changed the value, though someone else entered and submitted it', async () => {
      const m = await measure()
      const first = await ctx.services.values.save(clerk, m.id, { period: '2024/25 Q3', value: 60 })
      const changed = await ctx.services.values.save(handsOn, m.id, {
        period: '2024/25 Q3',
        value: 62,
        version: first.value.version,
      })
      await ctx.services.values.submit(clerk, m.id, '2024-10-01', changed.value.version)
      await assert.rejects(ctx.services.values.approve(handsOn, m.id, '2024-10-01'), Forbidden)
      assert.equal((await ctx.services.values.approve(independent, m.id, '2024-10-01')).value, 62)
    })

    it('never asks a person who had a hand in the value to approve it', async () => {
      const m = await ctx.services.measures.create(officer, {
        code: `FE${++codes}`,
        title: 'Fly-tips cleared',
        unit: 'number',
        decimals: 0,
        polarity: 'higher_is_better',
        frequency: 'quarterly',
        kind: 'operational',
        unitId: org.units.waste,
        approverId: handsOn.personId,
        dueWorkingDays: 10,
      })
      const first = await ctx.services.values.save(handsOn, m.id, {
        period: '2024/25 Q4',
        value: 9,
      })
      await ctx.services.values.submit(clerk, m.id, '2025-01-01', first.value.version)
      await ctx.services.notifications.run(org.id, '2025-06-20')
      const asked = await ctx.database.db
        .selectFrom('notifications')
        .select(['person_id', 'dedupe_key'])
        .where('organisation_id', '=', org.id)
        .where('kind', '=', 'approval_requested')
        .where('dedupe_key', 'like', `approval_requested:${m.id}:%`)
        .execute()
      assert.ok(!asked.some((a) => a.person_id === handsOn.personId))
    })

    describe('project updates', () => {
      let lead: Principal
      let projectId = ''

      before(async () => {
        lead = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' })
        const project = await ctx.services.projects.create(officer, {
          level: 'project',
          title: 'Food waste collection',
          managerId: lead.personId,
          leadUnitId: org.units.waste,
          startDate: '2025-04-01',
          endDate: '2026-03-31',
        })
        projectId = project.id
      })

      it('refuses the approver who last changed an update the lead submitted', async () => {
        const updates = ctx.services.projectUpdates
        const draft = await updates.create(lead, projectId, {
          month: '2025-04',
          highlights: 'Vehicles ordered',
          confidence: 'high',
        })
        const changed = await updates.change(handsOn, projectId, draft.id, {
          version: draft.version,
          highlights: 'Vehicles ordered and crews recruited',
        })
        await updates.submit(lead, projectId, draft.id, changed.version)
        await assert.rejects(
          updates.approve(handsOn, projectId, draft.id),
          (e: unknown) => e instanceof Forbidden && /wrote, changed or submitted/.test(e.message),
        )
        await assert.rejects(updates.returnUpdate(handsOn, projectId, draft.id, 'No'), Forbidden)
        const waiting = await updates.awaitingMe(handsOn)
        assert.ok(!waiting.some((w) => w.update.id === draft.id))
        const view = await updates.get(handsOn, projectId, draft.id)
        assert.equal(view.canApprove, false)
        assert.equal(view.ownSubmission, true)
        assert.equal((await updates.approve(independent, projectId, draft.id)).status, 'approved')
      })

      it('refuses the approver who wrote an update someone else submitted', async () => {
        const updates = ctx.services.projectUpdates
        const draft = await updates.create(handsOn, projectId, {
          month: '2025-05',
          highlights: 'Routes planned',
          confidence: 'medium',
        })
        await updates.submit(lead, projectId, draft.id, draft.version)
        await assert.rejects(updates.approve(handsOn, projectId, draft.id), Forbidden)
        assert.equal((await updates.approve(independent, projectId, draft.id)).status, 'approved')
      })
    })
  })
}
