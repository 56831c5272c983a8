import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Agent } from '../../../test/helpers/browser-agent.ts'

for (const mode of testModes()) {
  describe(`dashboard items a reader cannot see (${mode})`, () => {
    let ctx: TestContext
    let dashboardId: string
    let partnerEmail: string

    before(async () => {
      ctx = await createTestContext(mode)
      const org = await ctx.organisation()
      const admin = await ctx.person(org, { role: 'administrator' })
      const partner = await ctx.person(org, { role: 'partner', roleUnit: 'care' })
      partnerEmail = partner.email
      const ids = []
      for (const code of ['WS1', 'WS2', 'WS3']) {
        const m = await ctx.services.measures.create(admin, {
          code,
          title: `Waste measure ${code}`,
          unit: 'number',
          polarity: 'higher_is_better',
          frequency: 'annual',
          kind: 'strategic',
          unitId: org.units.waste,
        })
        ids.push(m.id)
      }
      const care = await ctx.services.measures.create(admin, {
        code: 'CA1',
        title: 'Care measure',
        unit: 'number',
        polarity: 'higher_is_better',
        frequency: 'annual',
        kind: 'strategic',
        unitId: org.units.care,
      })
      const dashboard = await ctx.services.dashboards.create(admin, {
        title: 'Corporate',
        kind: 'corporate',
        tiles: [...ids, care.id].map((itemId) => ({ kind: 'measure' as const, itemId })),
      })
      dashboardId = dashboard.id
    })
    after(() => ctx.close())

    it('shows no box for an item the reader cannot see, and says once how many are hidden', async () => {
      const app = await ctx.app()
      const agent = await Agent.signedIn(app, partnerEmail)
      const page = await agent.get(`/dashboards/${dashboardId}`)
      assert.equal(page.statusCode, 200)
      assert.ok(!page.body.includes('Not available'), 'no box for a hidden item')
      assert.equal(
        page.body.split('3 items on this dashboard are hidden').length - 1,
        1,
        'one line says how many are hidden and why',
      )
      assert.match(page.body, /Care measure/)
      const api = await agent.api('GET', `/api/v1/dashboards/${dashboardId}/content`)
      assert.equal(api.statusCode, 200)
      assert.equal((JSON.parse(api.body) as { hidden?: number }).hidden, 3)
    })
  })
}
