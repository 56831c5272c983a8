import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { xmr } from '../../core/spc.ts'
import { Forbidden, Invalid, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { measureSpc } from '../measures/index.ts'
import { approvedMonthlyMeasure, REDESIGN, WORSENING } from './spc-fixtures.ts'

for (const mode of testModes()) {
  describe(`SPC baselines, change points and exceptions (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let careOfficer: Principal
    let viewer: Principal
    let partner: Principal
    let approver: Principal

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      careOfficer = await ctx.person(org, { role: 'performance_officer', roleUnit: 'care' })
      viewer = await ctx.person(org, { role: 'viewer' })
      partner = await ctx.person(org, { role: 'partner', roleUnit: 'care' })
      approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
    })
    after(() => ctx.close())

    const measure = (code: string, values: readonly number[], unit = 'waste') =>
      approvedMonthlyMeasure(ctx, org, officer, code, values, unit)

    async function writes() {
      const db = ctx.database.db
      const settings = await db
        .selectFrom('measure_spc_settings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      const audits = await db
        .selectFrom('audit_records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      return `${settings.n}/${audits.n}`
    }

    async function spcOfMeasure(principal: Principal, id: string) {
      const detail = await ctx.services.measures.detail(principal, id)
      return measureSpc(detail.measure, detail.values, detail.spcSettings)
    }

    it('records a change with its reason: limits are worked out again from it, with an audit record', async () => {
      const id = await measure('BEN1', REDESIGN)
      const before = await spcOfMeasure(viewer, id)
      assert.equal(before.changePoints.length, 0)
      const change = await ctx.services.spc.addChangePoint(officer, id, {
        period: 'Jun 2024',
        reason: 'System redesign after the check–plan–do trial',
      })
      assert.equal(change.period.label, 'Jun 2024')
      assert.equal(change.recordedBy, officer.personId)

      const spc = await spcOfMeasure(viewer, id)
      assert.deepEqual(
        spc.changePoints.map((c) => c.reason),
        ['System redesign after the check–plan–do trial'],
      )
      const expected = xmr(REDESIGN, { improvement: 'decrease', target: 20, changePoints: [14] })
      assert.equal(spc.mean, expected.mean)
      assert.equal(spc.upperLimit, expected.upperLimit)
      const [last, first] = [spc.points[13], spc.points[14]]
      assert.equal(first?.changeReason, 'System redesign after the check–plan–do trial')
      assert.notEqual(last?.mean, first.mean, 'a step at the change')
      // Two arguments still work, and ignore the settings.
      const detail = await ctx.services.measures.detail(viewer, id)
      assert.equal(
        measureSpc(detail.measure, detail.values).mean,
        xmr(REDESIGN, { improvement: 'decrease' }).mean,
      )

      const history = await ctx.services.audit.history(officer, 'measure', id)
      assert.ok(history.some((r) => r.action === 'spc_change_recorded'))
    })

    it('refuses a change without a reason, outside the chart, at its first point or twice, writing nothing', async () => {
      const id = await measure('BEN2', REDESIGN)
      await ctx.services.spc.addChangePoint(officer, id, { period: 'Jun 2024', reason: 'Redesign' })
      const token = (await ctx.services.auth.createToken(officer, 'spc')).token
      const written = await writes()
      const refused = async (input: { period: string; reason: string }, message: RegExp) => {
        await assert.rejects(ctx.services.spc.addChangePoint(officer, id, input), (error) => {
          assert.ok(error instanceof Invalid)
          assert.match(error.fields.map((f) => f.message).join(' '), message)
          return true
        })
      }
      await refused({ period: 'Jun 2026', reason: 'Later' }, /no approved value/)
      await refused({ period: '2024/25 Q1', reason: 'Quarter' }, /does not fit/)
      await refused({ period: 'Apr 2023', reason: 'Start' }, /first value on the chart/)
      await refused({ period: 'Jun 2024', reason: 'Again' }, /already recorded/)
      const app = await ctx.app()
      const noReason = await app.inject({
        method: 'POST',
        url: `/api/v1/measures/${id}/spc/change-points`,
        headers: { authorization: `Bearer ${token}` },
        payload: { period: 'Jul 2024' },
      })
      assert.equal(noReason.statusCode, 400)
      assert.match(noReason.body, /reason/)
      assert.equal(await writes(), written, 'nothing written')
    })

    it('lets only those who may define the measure record or remove settings', async () => {
      const id = await measure('BEN3', REDESIGN)
      const written = await writes()
      for (const who of [viewer, careOfficer, approver]) {
        await assert.rejects(
          ctx.services.spc.addChangePoint(who, id, { period: 'Jun 2024', reason: 'No' }),
          Forbidden,
        )
        await assert.rejects(
          ctx.services.spc.setBaseline(who, id, { from: 'Apr 2023', to: 'Mar 2024' }),
          Forbidden,
        )
      }
      await assert.rejects(ctx.services.spc.settings(partner, id), NotFound)
      assert.equal(await writes(), written)
      const settings = await ctx.services.spc.settings(viewer, id)
      assert.equal(settings.canManage, false)
      assert.equal(settings.periods.length, REDESIGN.length)
    })

    it('fixes limits from a baseline of enough points and refuses one too short, reversed or across a change', async () => {
      const id = await measure('BEN4', WORSENING)
      const written = await writes()
      const refused = async (from: string, to: string, message: RegExp) => {
        await assert.rejects(ctx.services.spc.setBaseline(officer, id, { from, to }), (error) => {
          assert.ok(error instanceof Invalid)
          assert.match(error.fields.map((f) => f.message).join(' '), message)
          return true
        })
      }
      await refused('Apr 2023', 'Dec 2023', /at least 12 approved values.*has 9/)
      await refused('Mar 2024', 'Apr 2023', /must end in or after Mar 2024/)
      await refused('Apr 2022', 'Mar 2024', /Apr 2022 has no approved value/)
      assert.equal(await writes(), written, 'nothing written')

      const baseline = await ctx.services.spc.setBaseline(officer, id, {
        from: 'Apr 2023',
        to: 'Mar 2024',
        reason: 'Before the new rota',
      })
      assert.deepEqual([baseline.from.label, baseline.to.label], ['Apr 2023', 'Mar 2024'])
      const spc = await spcOfMeasure(viewer, id)
      const expected = xmr(WORSENING, {
        improvement: 'decrease',
        target: 20,
        baseline: { fromIndex: 0, toIndex: 11 },
      })
      assert.equal(spc.mean, expected.mean)
      assert.equal(spc.lowerLimit, expected.lowerLimit)
      assert.equal(spc.variation, 'special_cause_concern')
      assert.equal(spc.points.filter((p) => p.inBaseline).length, 12)

      await assert.rejects(
        ctx.services.spc.addChangePoint(officer, id, { period: 'Jun 2023', reason: 'Inside' }),
        /falls inside the baseline/,
      )
      await ctx.services.spc.addChangePoint(officer, id, { period: 'Aug 2024', reason: 'Rota' })
      await refused('Apr 2023', 'Dec 2024', /crosses the change recorded from Aug 2024/)
    })

    it('replaces a baseline and removes settings, keeping them in the history', async () => {
      const id = await measure('BEN5', REDESIGN)
      const first = await ctx.services.spc.setBaseline(officer, id, {
        from: 'Apr 2023',
        to: 'Mar 2024',
      })
      await ctx.services.spc.setBaseline(officer, id, { from: 'May 2023', to: 'Apr 2024' })
      const change = await ctx.services.spc.addChangePoint(officer, id, {
        period: 'Jan 2025',
        reason: 'New system',
      })
      await ctx.services.spc.removeSetting(officer, id, change.id)
      await assert.rejects(ctx.services.spc.removeSetting(officer, id, change.id), NotFound)
      const settings = await ctx.services.spc.settings(viewer, id)
      assert.equal(settings.baseline?.from.label, 'May 2023')
      assert.equal(settings.changePoints.length, 0)
      assert.deepEqual(
        settings.removed.map((r) => [r.id, r.removedBy]),
        [
          [first.id, officer.personId],
          [change.id, officer.personId],
        ],
      )
      await ctx.services.spc.removeBaseline(officer, id)
      assert.equal((await ctx.services.spc.settings(viewer, id)).baseline, null)
      await assert.rejects(ctx.services.spc.removeBaseline(officer, id), NotFound)
      const actions = (await ctx.services.audit.history(officer, 'measure', id)).map(
        (r) => r.action,
      )
      for (const action of ['spc_baseline_set', 'spc_change_removed', 'spc_baseline_removed']) {
        assert.ok(actions.includes(action), action)
      }
    })

    it('takes two baselines sent at once one after the other: the second replaces the first, as if sent later', async () => {
      const id = await measure('BEN7', REDESIGN)
      const ranges = [
        { from: 'Apr 2023', to: 'Mar 2024' },
        { from: 'May 2023', to: 'Apr 2024' },
      ]
      const stored = await Promise.all(
        ranges.map((r) => ctx.services.spc.setBaseline(officer, id, r)),
      )
      const settings = await ctx.services.spc.settings(viewer, id)
      const [replaced, ...more] = settings.removed
      assert.equal(more.length, 0, 'one baseline replaced')
      assert.deepEqual(
        [settings.baseline?.id, replaced?.id].sort(),
        stored.map((b) => b.id).sort(),
        'one in force, the other replaced',
      )
      const sets = (await ctx.services.audit.history(officer, 'measure', id))
        .filter((r) => r.action === 'spc_baseline_set')
        .sort((a, b) => a.seq - b.seq)
      assert.equal(sets.length, 2)
      // The later record names the baseline it replaced, which it read under the lock.
      assert.deepEqual(
        sets.map((r) => r.before),
        [
          null,
          {
            baseline: { from: replaced?.period.label, to: replaced?.to?.label, reason: null },
          },
        ],
      )
    })

    it('refuses the second of two identical changes sent at once, or a baseline and a change that cross, as if sent later', async () => {
      const id = await measure('BEN8', REDESIGN)
      const change = { period: 'Jun 2024', reason: 'Redesign' }
      const twice = await Promise.allSettled([
        ctx.services.spc.addChangePoint(officer, id, change),
        ctx.services.spc.addChangePoint(officer, id, change),
      ])
      assert.deepEqual(twice.map((r) => r.status).sort(), ['fulfilled', 'rejected'])
      const refusal = twice.find((r) => r.status === 'rejected')?.reason as unknown
      assert.ok(refusal instanceof Invalid)
      assert.match(refusal.message, /A change is already recorded from Jun 2024/)
      assert.equal((await ctx.services.spc.settings(viewer, id)).changePoints.length, 1)

      // No unique index stops these two; only reading the settings again under the lock does.
      const crossing = await Promise.allSettled([
        ctx.services.spc.addChangePoint(officer, id, { period: 'Oct 2023', reason: 'Rota' }),
        ctx.services.spc.setBaseline(officer, id, { from: 'Apr 2023', to: 'Mar 2024' }),
      ])
      assert.deepEqual(crossing.map((r) => r.status).sort(), ['fulfilled', 'rejected'])
      const crossed = crossing.find((r) => r.status === 'rejected')?.reason as unknown
      assert.ok(crossed instanceof Invalid)
      assert.match(
        crossed.message,
        /falls inside the baseline|crosses the change recorded from Oct 2023/,
      )
      const settings = await ctx.services.spc.settings(viewer, id)
      assert.equal(
        settings.changePoints.length + (settings.baseline ? 1 : 0),
        2,
        'the first change and one of the two',
      )
    })

    it('keeps each measure’s latest variation for the list, refreshed when a value is approved and when settings change', async () => {
      const id = await measure('BEN6', REDESIGN)
      const listed = async () =>
        (await ctx.services.measures.list(viewer, { page: 1, pageSize: 500, search: 'BEN6' }))
          .items[0]
      // Without the change, the redesign is a long run below the mean: improvement.
      assert.equal((await listed())?.variation, 'special_cause_improvement')
      await ctx.services.spc.addChangePoint(officer, id, { period: 'Jun 2024', reason: 'Redesign' })
      assert.equal((await listed())?.variation, 'common_cause')
      assert.equal((await listed())?.assurance, 'consistent_pass')

      await ctx.services.values.save(officer, id, { period: 'Apr 2025', value: 40, submit: true })
      assert.equal((await listed())?.variation, 'common_cause', 'not approved yet')
      await ctx.services.values.approve(approver, id, '2025-04-01')
      assert.equal((await listed())?.variation, 'special_cause_concern')
    })

    it('lists exceptions: measures whose latest point is special cause – concerning, only those the person may read', async () => {
      const waste = await measure('EXC1', WORSENING)
      const care = await measure('EXC2', WORSENING, 'care')
      await measure('EXC3', REDESIGN)
      const codes = async (principal: Principal, unitId?: string) =>
        (await ctx.services.spc.exceptions(principal, { page: 1, unitId })).items
          .map((m) => m.code)
          .filter((c) => c.startsWith('EXC'))
      assert.deepEqual(await codes(viewer), ['EXC1', 'EXC2'])
      assert.deepEqual(await codes(viewer, org.units.care), ['EXC2'])
      assert.deepEqual(await codes(partner), ['EXC2'], 'a partner sees only units they work with')
      const [item] = (await ctx.services.spc.exceptions(viewer, { page: 1 })).items.filter(
        (m) => m.id === waste,
      )
      assert.match(
        item?.sentence ?? '',
        /Special cause – concerning: Mar 2025 \(29\.0 days\) is above the upper limit/,
      )

      const app = await ctx.app()
      const token = (await ctx.services.auth.createToken(viewer, 'spc')).token
      const response = await app.inject({
        method: 'GET',
        url: '/api/v1/measures?variation=special_cause_concern&search=EXC',
        headers: { authorization: `Bearer ${token}` },
      })
      assert.equal(response.statusCode, 200)
      const body = response.json<{ items: { id: string; variation: string }[]; total: number }>()
      assert.deepEqual(body.items.map((m) => m.id).sort(), [waste, care].sort())
      assert.ok(body.items.every((m) => m.variation === 'special_cause_concern'))
    })
  })
}
