import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { parseInput } from '../../web/fields.ts'
import type { Principal } from '../../core/principal.ts'
import { LineInput } from '../savings/index.ts'

const line = (unitId: string | undefined, reference: string) =>
  parseInput(LineInput, {
    reference,
    title: 'Route optimisation',
    unitId,
    savingType: 'cashable',
    durability: 'ongoing',
    years: [{ financialYear: '2025/26', amount: '1200' }],
  })

const plan = {
  title: 'City Plan',
  kind: 'city',
  firstYear: '2024/25',
  lastYear: '2028/29',
  status: 'active',
  levels: ['Theme', 'Outcome'],
  vision: 'A good life for everyone',
} as const

for (const mode of testModes()) {
  describe(`linking an item to the golden thread with a form (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let officer: Principal
    let officerAgent: Agent
    let viewerAgent: Agent
    let lineId: string
    let nodeId: string
    let strangerNodeId: string

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-09-15T12:00:00Z')
      app = await ctx.app()
      const org = await ctx.organisation()
      const other = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      officerAgent = await Agent.signedIn(app, officer.email)
      viewerAgent = await Agent.signedIn(app, (await ctx.person(org, { role: 'viewer' })).email)
      lineId = (await ctx.services.savings.createLine(officer, line(org.units.waste, 'TL-01'))).id
      const city = await ctx.services.framework.createPlan(officer, {
        ...plan,
        levels: [...plan.levels],
      })
      nodeId = (
        await ctx.services.framework.createNode(officer, city.id, { title: 'Thriving places' })
      ).id
      const stranger = await ctx.person(other, { role: 'performance_officer' })
      const theirs = await ctx.services.framework.createPlan(stranger, {
        ...plan,
        levels: [...plan.levels],
      })
      strangerNodeId = (
        await ctx.services.framework.createNode(stranger, theirs.id, { title: 'Their theme' })
      ).id
    })
    after(() => ctx.close())

    const linkedIds = async () =>
      (await ctx.services.framework.links(officer, nodeId)).map((l) => `${l.itemKind}:${l.itemId}`)

    it('offers the nodes of every plan and links the chosen one', async () => {
      const page = await officerAgent.get(`/savings/${lineId}/links/new`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Item of a plan this saving contributes to/)
      assert.match(page.body, /City Plan: Theme: Thriving places/)
      assert.doesNotMatch(page.body, /Their theme/)
      const sent = await officerAgent.post(`/savings/${lineId}/links/new`, { nodeId })
      assert.equal(sent.statusCode, 303)
      assert.equal(sent.headers.location, `/savings/${lineId}#thread`)
      assert.deepEqual(await linkedIds(), [`saving:${lineId}`])
    })

    it('answers an empty choice, a malformed id and another council’s node with 400, linking nothing', async () => {
      const before = await linkedIds()
      for (const choice of ['', 'not-an-id', strangerNodeId]) {
        const sent = await officerAgent.post(`/savings/${lineId}/links/new`, { nodeId: choice })
        assert.equal(sent.statusCode, 400, choice)
        assert.match(sent.body, /govuk-error-summary/)
        assert.match(sent.body, /Select an item of a plan/)
      }
      assert.deepEqual(await linkedIds(), before)
    })

    it('refuses someone who may not change the item', async () => {
      assert.equal((await viewerAgent.get(`/savings/${lineId}/links/new`)).statusCode, 403)
      assert.equal(
        (await viewerAgent.post(`/savings/${lineId}/links/new`, { nodeId })).statusCode,
        403,
      )
    })
  })
}
