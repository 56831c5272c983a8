import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { parsePeriodLabel } from '../../core/periods.ts'
import type { App } from '../../app.ts'
import type { Principal } from '../../core/principal.ts'
import { approvedMonthlyMeasure, WORSENING } from '../spc/index.ts'

for (const mode of testModes()) {
  describe(`dashboard variation and paging (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let officer: Principal & { email: string }
    let viewer: Principal
    let ids: string[]
    let corporateId: string

    const stored = async (id: string) =>
      (
        await ctx.database.db
          .selectFrom('measures')
          .select('spc_variation')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).spc_variation

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      app = await ctx.app()
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      viewer = await ctx.person(org, { role: 'viewer' })
      ids = []
      for (const code of ['DW01', 'DW02', 'DW03']) {
        ids.push(await approvedMonthlyMeasure(ctx, org, officer, code, WORSENING))
      }
      corporateId = (
        await ctx.services.dashboards.create(officer, {
          kind: 'corporate',
          title: 'Corporate dashboard',
          tiles: [
            ...ids.map((itemId) => ({ kind: 'measure' as const, itemId })),
            { kind: 'list' as const, list: 'exceptions' as const },
          ],
        })
      ).id
    })
    after(() => ctx.close())

    it('reads the stored variation today, the same as working it out', async () => {
      const id = ids[0] as string
      assert.equal(await stored(id), 'special_cause_concern')
      const today = await ctx.services.dashboards.content.measureTiles(viewer, [id], null)
      // As at 2024/25 Q4 every value is known: worked out from them, the same answer.
      const computed = await ctx.services.dashboards.content.measureTiles(
        viewer,
        [id],
        parsePeriodLabel('2024/25 Q4'),
      )
      assert.equal(today.get(id)?.variation.pointType, 'special_cause_concern')
      assert.equal(computed.get(id)?.variation.pointType, 'special_cause_concern')
    })

    it('works the variation out from the values known then when viewed as at a past period', async () => {
      const id = ids[1] as string
      // Stored says common cause (as if settings had changed): today shows it, as at computes.
      await ctx.database.db
        .updateTable('measures')
        .set({ spc_variation: 'common_cause' })
        .where('id', '=', id)
        .execute()
      const today = await ctx.services.dashboards.exceptions(viewer, {})
      assert.equal(
        today.items.find((i) => i.id === id),
        undefined,
        'no longer a concern today',
      )
      assert.ok(today.items.some((i) => i.id === ids[0]))
      const asAt = await ctx.services.dashboards.exceptions(viewer, { asAt: '2024/25 Q4' })
      assert.ok(
        asAt.items.find((i) => i.id === id)?.reasons.some((r) => r.key === 'special_cause_concern'),
      )
      // As at 2024/25 Q1 only the steady months were known.
      const early = await ctx.services.dashboards.content.measureTiles(
        viewer,
        [id],
        parsePeriodLabel('2024/25 Q1'),
      )
      assert.notEqual(early.get(id)?.variation.pointType, 'special_cause_concern')
      await ctx.database.db
        .updateTable('measures')
        .set({ spc_variation: 'special_cause_concern' })
        .where('id', '=', id)
        .execute()
    })

    it('pages the exception table, counting every item', async () => {
      const first = await ctx.services.dashboards.exceptions(viewer, { pageSize: 2 })
      assert.equal(first.total, 3)
      assert.equal(first.counts.measures, 3)
      assert.equal(first.items.length, 2)
      const second = await ctx.services.dashboards.exceptions(viewer, { pageSize: 2, page: 2 })
      assert.equal(second.items.length, 1)
      assert.equal(
        new Set([...first.items, ...second.items].map((i) => i.id)).size,
        3,
        'no item on two pages',
      )
      const agent = await Agent.signedIn(app, officer.email)
      const page = await agent.get(`/dashboards/exceptions?unitId=${org.units.waste}&pageSize=2`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /3 items need attention/)
      assert.match(page.body, /Page 1 of 2/)
      assert.match(
        page.body,
        new RegExp(
          `href="/dashboards/exceptions\\?unitId=${org.units.waste}&amp;pageSize=2&amp;page=2"`,
        ),
      )
      const bad = await agent.get('/dashboards/exceptions?page=0')
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /Enter a page number of 1 or more/)
      const api = await app.inject({
        method: 'GET',
        url: '/api/v1/dashboards/exceptions?pageSize=2&page=2',
        headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      })
      assert.equal(api.statusCode, 200, api.body)
      const json = api.json<{ items: unknown[]; page: number; pageSize: number; total: number }>()
      assert.deepEqual([json.items.length, json.page, json.pageSize, json.total], [1, 2, 2, 3])
    })

    it('shows counts and the worst items on the corporate dashboard exceptions tile', async () => {
      const content = await ctx.services.dashboards.dashboardContent(viewer, corporateId)
      const tile = content.sections.flatMap((s) => s.tiles).find((t) => t.kind === 'list')
      assert.ok(tile?.kind === 'list')
      assert.equal(
        tile.summary,
        '3 items need attention: 3 measures, 0 programmes and projects, 0 risks, 0 savings',
      )
      assert.equal(tile.items.length, 3)
    })
  })
}
