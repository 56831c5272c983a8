import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent, bearer } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { parseInput } from '../../web/fields.ts'
import type { Principal } from '../../core/principal.ts'
import { DeliveryInput, LineInput } from './savings-schemas.ts'

const line = (unitId: string | undefined, overrides: Record<string, unknown>) =>
  parseInput(LineInput, {
    title: 'Route optimisation',
    unitId,
    savingType: 'cashable',
    durability: 'ongoing',
    years: [
      { financialYear: '2025/26', amount: '1200' },
      { financialYear: '2026/27', amount: '1200' },
      { financialYear: '2027/28', amount: '1200' },
    ],
    ...overrides,
  })

for (const mode of testModes()) {
  describe(`savings lines on the project page (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let officer: Agent
    let viewer: Agent
    let token: string
    let projectId: string
    let lineId: string
    let strangerLineId: string
    let officerPrincipal: Principal

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-09-15T12:00:00Z')
      app = await ctx.app()
      const org = await ctx.organisation()
      const other = await ctx.organisation()
      const officerPerson = await ctx.person(org, { role: 'performance_officer' })
      officerPrincipal = officerPerson
      officer = await Agent.signedIn(app, officerPerson.email)
      viewer = await Agent.signedIn(app, (await ctx.person(org, { role: 'viewer' })).email)
      token = (await ctx.services.auth.createToken(officerPerson, 'tests')).token
      const project = await ctx.services.projects.create(officerPerson, {
        level: 'project',
        title: 'Waste rounds',
        leadUnitId: org.units.waste,
        startDate: '2025-04-01',
        endDate: '2026-03-31',
      })
      projectId = project.id
      const savings = ctx.services.savings
      lineId = (
        await savings.createLine(
          officerPerson,
          line(org.units.waste, { reference: 'WSS-01', projectId }),
        )
      ).id
      await savings.createLine(
        officerPerson,
        line(org.units.waste, {
          reference: 'WSS-02',
          title: 'Later saving',
          projectId,
          years: [{ financialYear: '2026/27', amount: '500' }],
        }),
      )
      // Five months gone and £100 delivered against £500 profiled.
      await savings.recordDelivery(
        officerPerson,
        lineId,
        parseInput(DeliveryInput, {
          financialYear: '2025/26',
          months: [{ month: 'Apr 2025', actual: '100' }],
        }),
      )
      const outsider = await ctx.person(other, { role: 'administrator' })
      strangerLineId = (
        await savings.createLine(outsider, line(other.units.waste, { reference: 'X-01' }))
      ).id
    })
    after(() => ctx.close())

    it('shows the project’s lines with this year’s amount and delivery as word and symbol', async () => {
      const page = await viewer.get(`/projects/${projectId}`)
      assert.equal(page.statusCode, 200)
      const section = page.body.slice(page.body.indexOf('id="savings"'))
      assert.match(section, /WSS-01/)
      assert.match(section, new RegExp(`href="/savings/${lineId}">Route optimisation`))
      assert.match(section, /£1,200/)
      assert.match(section, /<span aria-hidden="true">✖ <\/span>At risk/)
      assert.match(section, /WSS-02[\s\S]*No saving this year/)
    })

    it('links a benefit to a savings line with the form, and shows the link', async () => {
      await officer.get(`/projects/${projectId}/benefits/new`)
      const stranger = await officer.post(`/projects/${projectId}/benefits/new`, {
        kind: 'financial',
        title: 'Fewer rounds',
        financialYear: '2025/26',
        planned: '1200',
        savingLineId: strangerLineId,
      })
      assert.equal(stranger.statusCode, 400)
      assert.match(stranger.body, /href="#savingLineId">Select the savings line from the list/)
      assert.equal((await ctx.services.projects.benefits(officerPrincipal, projectId)).length, 0)
      const form = await officer.get(`/projects/${projectId}/benefits/new`)
      assert.match(form.body, new RegExp(`<option value="${lineId}">WSS-01: Route optimisation`))
      const good = await officer.post(`/projects/${projectId}/benefits/new`, {
        kind: 'financial',
        title: 'Fewer rounds',
        financialYear: '2025/26',
        planned: '1200',
        savingLineId: lineId,
      })
      assert.equal(good.statusCode, 303, good.body.slice(0, 600))
      const page = await viewer.get(`/projects/${projectId}`)
      assert.match(page.body, new RegExp(`<a class="govuk-link" href="/savings/${lineId}">WSS-01`))
    })

    it('refuses another council’s line for a benefit in the API, and clears a link', async () => {
      const path = `/api/v1/projects/${projectId}/benefits`
      const refused = await bearer(app, token, 'POST', path, {
        kind: 'financial',
        title: 'Other',
        financialYear: '2025/26',
        savingLineId: strangerLineId,
      })
      assert.equal(refused.statusCode, 400)
      assert.match(refused.body, /savingLineId/)
      const list = await bearer(app, token, 'GET', path)
      const benefit = list.json<{ items: { id: string; savingLineId: string | null }[] }>().items[0]
      assert.equal(benefit?.savingLineId, lineId)
      const cleared = await bearer(app, token, 'PATCH', `${path}/${benefit.id}`, {
        savingLineId: null,
      })
      assert.equal(cleared.statusCode, 200, cleared.body)
      assert.equal(cleared.json<{ savingLineId: string | null }>().savingLineId, null)
    })
  })
}
