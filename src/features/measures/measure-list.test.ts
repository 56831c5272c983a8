import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { periodAt } from '../../core/periods.ts'
import type { Principal } from '../../core/principal.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'

// Three financial years of months, so direction looks a year back and the forecast at years before.
const MONTHS = [2022, 2023, 2024].flatMap((year) =>
  Array.from({ length: 12 }, (_, i) => periodAt('monthly', year, i + 1).label),
)

for (const mode of testModes()) {
  describe(`the measure list from what is stored (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let approver: Principal
    let viewer: Principal
    let named: Principal

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-05-20T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      approver = await ctx.person(org, { role: 'approver' })
      viewer = await ctx.person(org, { role: 'viewer' })
      named = await ctx.person(org, { role: 'viewer', name: 'Named Officer' })
    })
    after(() => ctx.close())

    /** Each measure's headline as the list gives it, beside the measure page's. */
    async function compare(who: Principal, ids: readonly string[]) {
      const list = await ctx.services.measures.list(who, {
        page: 1,
        pageSize: 500,
        search: 'Listed',
      })
      for (const id of ids) {
        const item = list.items.find((m) => m.id === id)
        assert.ok(item, 'on the list')
        const page = (await ctx.services.measures.detail(who, id)).measure
        assert.deepEqual(
          { latest: item.latest, latestApproved: item.latestApproved, current: item.currentStatus },
          {
            latest: page.latest,
            latestApproved: page.latestApproved,
            current: page.currentStatus,
          },
          `${item.code} as ${who.name}`,
        )
      }
    }

    const state = fc.constantFrom('approved', 'submitted', 'returned', 'draft', 'missing')
    const spec = fc.record({
      cumulative: fc.boolean(),
      forecastMethod: fc.constantFrom('average' as const, 'last_value' as const),
      polarity: fc.constantFrom('higher_is_better' as const, 'lower_is_better' as const),
      annualTarget: fc.option(fc.integer({ min: 20, max: 80 }), { nil: null }),
      values: fc.array(fc.record({ value: fc.integer({ min: 0, max: 90 }), state }), {
        minLength: 0,
        maxLength: MONTHS.length,
      }),
      // Changed after the values: the target, the definition, or nothing.
      then: fc.constantFrom('nothing', 'target', 'polarity', 'approve-last'),
    })

    it('shows the same direction, forecast and figures as the measure page, to every audience', async () => {
      let n = 0
      await fc.assert(
        fc.asyncProperty(spec, async (s) => {
          n++
          const created = await ctx.services.measures.create(officer, {
            code: `L${n}`,
            title: `Listed ${n}`,
            unit: 'number',
            decimals: 1,
            polarity: s.polarity,
            frequency: 'monthly',
            kind: 'strategic',
            cumulative: s.cumulative,
            forecastMethod: s.forecastMethod,
            dataEntryOfficerId: named.personId,
            tolerance: { type: 'percent', value: 5 },
            dueWorkingDays: 10,
          })
          const annual = s.annualTarget
          if (annual !== null) {
            await ctx.services.measures.putTargets(officer, created.id, {
              targets: [2022, 2023, 2024].map((year) => ({
                period: `${year}/${String((year + 1) % 100)}`,
                value: s.cumulative ? annual * 12 : annual,
              })),
            })
          }
          let last: string | null = null
          for (const [k, v] of s.values.entries()) {
            if (v.state === 'missing') continue
            const saved = await ctx.services.values.save(officer, created.id, {
              period: MONTHS[(k * 7) % MONTHS.length] ?? 'Apr 2022',
              value: v.value,
              commentary: 'Generated',
              submit: v.state !== 'draft',
            })
            const start = saved.value.period.start
            if (v.state === 'returned')
              await ctx.services.values.return(approver, created.id, start, { reason: 'Check' })
            else if (v.state === 'approved')
              await ctx.services.values.approve(approver, created.id, start)
            else if (v.state === 'submitted') last = start
          }
          if (s.then === 'target')
            await ctx.services.measures.putTargets(officer, created.id, {
              targets: [{ period: '2024/25', value: s.cumulative ? 600 : 55 }],
            })
          else if (s.then === 'polarity')
            await ctx.services.measures.update(officer, created.id, {
              polarity: s.polarity === 'higher_is_better' ? 'lower_is_better' : 'higher_is_better',
            })
          else if (s.then === 'approve-last' && last !== null)
            await ctx.services.values.approve(approver, created.id, last)
          const stored = await ctx.database.db
            .selectFrom('measures')
            .select('headline_status')
            .where('id', '=', created.id)
            .executeTakeFirstOrThrow()
          // A new measure without values has nothing to store until its first one.
          if (s.values.some((v) => v.state !== 'missing'))
            assert.notEqual(stored.headline_status, null, 'the ledger stored the statuses')
          for (const who of [officer, viewer, named]) await compare(who, [created.id])
          // The same before anything was stored: the list works the figures out.
          await ctx.database.db
            .updateTable('measures')
            .set({ headline_status: null })
            .where('id', '=', created.id)
            .execute()
          for (const who of [officer, viewer]) await compare(who, [created.id])
        }),
        { numRuns: 12 },
      )
    })

    it('pages the list with the count of all that pass, a unit filter taking the units beneath', async () => {
      const listed = await ctx.services.measures.list(officer, {
        page: 2,
        pageSize: 5,
        search: 'Listed',
      })
      const every = await ctx.services.measures.list(officer, {
        page: 1,
        pageSize: 500,
        search: 'Listed',
      })
      assert.equal(listed.items.length, 5)
      assert.ok(every.items.length >= 12)
      assert.equal(listed.total, every.items.length)
      assert.deepEqual(
        listed.items.map((m) => m.id),
        every.items.slice(5, 10).map((m) => m.id),
      )
      const team = await ctx.services.measures.create(officer, {
        code: 'REA1',
        title: 'Reablement team measure',
        unit: 'number',
        decimals: 0,
        polarity: 'higher_is_better',
        frequency: 'quarterly',
        kind: 'operational',
        unitId: org.units.reablement ?? null,
      })
      const codes = async (unitId: string) =>
        (await ctx.services.measures.list(officer, { page: 1, pageSize: 50, unitId })).items.map(
          (m) => m.id,
        )
      assert.deepEqual(await codes(org.units.people ?? ''), [team.id])
      assert.deepEqual(await codes(org.units.care ?? ''), [team.id])
      assert.deepEqual(await codes(org.units.place ?? ''), [])
      // A unit of another council, or none at all, passes nothing.
      const other = await ctx.organisation()
      assert.deepEqual(await codes(other.units.care ?? ''), [])
      assert.deepEqual(await codes('00000000-0000-4000-8000-000000000000'), [])
    })
  })
}
