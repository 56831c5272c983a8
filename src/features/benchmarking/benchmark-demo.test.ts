import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { authRepository as authRepo } from '../auth/index.ts'
import { buildDemoCouncil, DEMO_PASSWORD } from '../demo/index.ts'
import { inlineText, type Block } from '../reports/index.ts'
import { DEMO_PEER_SOURCE } from './benchmark-demo.ts'

for (const mode of testModes()) {
  describe(`the demo council against its generated peer network (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let director: Agent
    let recyclingId: string

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-11-20T12:00:00Z')
      await buildDemoCouncil(ctx.database.db, ctx.clock.read)
      app = await ctx.app()
      director = await Agent.signedIn(app, 'director@example-city.gov.uk', DEMO_PASSWORD)
      const found = JSON.parse(
        (await director.api('GET', '/api/v1/measures?search=WS01')).body,
      ) as { items: { id: string; code: string }[] }
      recyclingId = found.items.find((m) => m.code === 'WS01')?.id ?? ''
      assert.ok(recyclingId)
    })
    after(() => ctx.close())

    it('answers on the measure page how the council compares with its family group and whether it is improving relative to it', async () => {
      const page = await director.get(`/measures/${recyclingId}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /How we compare/)
      assert.match(page.body, /Family Group 2 of Example peer network/)
      assert.match(page.body, /\d+(st|nd|rd|th) of 8/)
      assert.match(
        page.body,
        /Relative to the group it is (improving|getting worse|holding its place)/,
      )
      assert.match(page.body, /generated demonstration data/)
      // The chart has its data table, and every council of the group is listed.
      assert.match(page.body, /<svg class="gt-chart" role="img"/)
      assert.match(page.body, /WS01 against Family Group 2/)
      assert.match(page.body, /Example City \(this council\)/)
    })

    it('offers the other groups: all councils of the network and the nearest neighbours entered by hand', async () => {
      const api = JSON.parse(
        (await director.api('GET', `/api/v1/measures/${recyclingId}/comparisons`)).body,
      ) as { groups: { key: string; name: string }[] }
      const names = api.groups.map((g) => g.name)
      assert.ok(names.includes(`All councils in ${DEMO_PEER_SOURCE}`))
      assert.ok(names.includes('Nearest neighbours (entered by hand)'))
      const neighbours = api.groups.find((g) => g.name.startsWith('Nearest'))?.key ?? ''
      const page = await director.get(`/measures/${recyclingId}?compare=${neighbours}`)
      assert.match(page.body, /\d+(st|nd|rd|th) of 8 in Nearest neighbours/)
    })

    it('puts a "How we compare" panel on the corporate dashboard', async () => {
      const list = JSON.parse((await director.api('GET', '/api/v1/dashboards')).body) as {
        items: { id: string; kind: string }[]
      }
      const corporate = list.items.find((d) => d.kind === 'corporate')
      assert.ok(corporate)
      const page = await director.get(`/dashboards/${corporate.id}`)
      assert.match(page.body, /How we compare with similar councils/)
      assert.match(page.body, /WS01: Household waste sent for reuse/)
    })

    it('has a benchmarking section in the Cabinet report', async () => {
      const priya = await ctx.database.db
        .selectFrom('people')
        .select('id')
        .where('email', '=', 'performance@example-city.gov.uk')
        .executeTakeFirstOrThrow()
      const officer = await authRepo.loadPrincipal(ctx.database.db, priya.id)
      assert.ok(officer)
      const doc = await ctx.services.reports.buildNow(officer, {
        kind: 'quarterly-performance',
        period: '2025/26 Q2',
      })
      const blocks: readonly Block[] = doc.blocks
      const heading = blocks.findIndex(
        (b) => b.type === 'heading' && b.text === 'How we compare with similar councils',
      )
      assert.ok(heading > 0)
      const table = blocks.slice(heading).find((b) => b.type === 'table')
      assert.ok(table?.type === 'table')
      const recycling = table.rows.find((r) => inlineText(r[0] ?? '').startsWith('WS01'))
      assert.ok(recycling)
      assert.equal(inlineText(recycling[2] ?? ''), '2025/26 Q2')
      assert.match(inlineText(recycling[5] ?? ''), /of 8/)
    })

    it('shows the published comparison of WS01 on the public page', async () => {
      const page = await app.inject({ method: 'GET', url: '/public/example-city/measures/WS01' })
      assert.match(page.body, /How we compare/)
    })
  })
}
