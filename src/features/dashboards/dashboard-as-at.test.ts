import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'
import { approvedMonthlyMeasure, WORSENING } from '../spc/index.ts'
import type { MeasureTile } from './dashboard-content.ts'

// WORSENING runs April 2023 to March 2025: 2024/25 Q4 holds its last point.
const AS_AT = '2024/25 Q4'

for (const mode of testModes()) {
  describe(`dashboards as at a past period, with SPC settings (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let measureId: string
    let dashboardId: string

    const db = () => ctx.database.db
    async function variationAsAt() {
      const content = await ctx.services.dashboards.dashboardContent(officer, dashboardId, AS_AT)
      const tile = content.sections[0]?.tiles[0] as MeasureTile
      const exceptions = await ctx.services.dashboards.exceptions(officer, { asAt: AS_AT })
      const listed = exceptions.items.find((i) => i.id === measureId)
      return { tile: tile.variation.pointType, listed: listed?.reasons.map((r) => r.key) ?? [] }
    }
    async function storedToday() {
      const row = await db()
        .selectFrom('measures')
        .select('spc_variation')
        .where('id', '=', measureId)
        .executeTakeFirstOrThrow()
      return row.spc_variation
    }

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      measureId = await approvedMonthlyMeasure(ctx, org, officer, 'WO01', WORSENING)
      const dashboard = await ctx.services.dashboards.create(officer, {
        title: 'Processing times',
        kind: 'personal',
        tiles: [{ kind: 'measure', itemId: measureId, section: 'Processing' }],
      } as never)
      dashboardId = dashboard.id
    })
    after(() => ctx.close())

    it('uses the change points known at the end of the period, not those recorded since', async () => {
      const without = await variationAsAt()
      // Before the new process is recorded, the jump to 28 days reads as a concern.
      assert.equal(without.tile, 'special_cause_concern')
      assert.ok(without.listed.includes('special_cause_concern'))
      assert.equal(await storedToday(), 'special_cause_concern')

      await ctx.services.spc.addChangePoint(officer, measureId, {
        period: 'Aug 2024',
        reason: 'Checks added to every claim',
      })
      const today = await storedToday()
      assert.notEqual(today, 'special_cause_concern', 'the change point changes today’s view')
      // Recorded in June 2025: not known at the end of March 2025.
      assert.deepEqual(await variationAsAt(), without)

      // Recorded in March 2025: known then, so the view as at Q4 matches today's.
      await db()
        .updateTable('measure_spc_settings')
        .set({ recorded_at: new Date('2025-03-10T09:00:00Z') })
        .where('measure_id', '=', measureId)
        .execute()
      const known = await variationAsAt()
      assert.equal(known.tile, today)
      assert.ok(!known.listed.includes('special_cause_concern'), 'not an SPC exception then')

      // Removed before the end of Q4: no longer in force then.
      await db()
        .updateTable('measure_spc_settings')
        .set({ removed_at: new Date('2025-03-20T09:00:00Z') })
        .where('measure_id', '=', measureId)
        .execute()
      assert.deepEqual(await variationAsAt(), without)

      // Removed after Q4: still in force then.
      await db()
        .updateTable('measure_spc_settings')
        .set({ removed_at: new Date('2025-05-01T09:00:00Z') })
        .where('measure_id', '=', measureId)
        .execute()
      assert.equal((await variationAsAt()).tile, today)
    })
  })
}
