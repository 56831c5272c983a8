import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent, bearer } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'

type Response = Awaited<ReturnType<Agent['get']>>

function assertPage(response: Response, status = 200): string {
  assert.equal(response.statusCode, status, response.body.slice(0, 800))
  assert.equal((response.body.match(/<h1[\s>]/g) ?? []).length, 1, 'one h1')
  return response.body
}

for (const mode of testModes()) {
  describe(`budget pages and API (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let officer: Agent
    let viewer: Agent
    let token: string
    let outsiderToken: string
    let units: Record<string, string>

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-09-15T12:00:00Z')
      app = await ctx.app()
      const org = await ctx.organisation()
      const other = await ctx.organisation()
      units = org.units
      const officerPerson = await ctx.person(org, { role: 'performance_officer' })
      const viewerPerson = await ctx.person(org, { role: 'viewer' })
      officer = await Agent.signedIn(app, officerPerson.email)
      viewer = await Agent.signedIn(app, viewerPerson.email)
      token = (await ctx.services.auth.createToken(officerPerson, 'tests')).token
      const outsider = await ctx.person(other, { role: 'administrator' })
      outsiderToken = (await ctx.services.auth.createToken(outsider, 'tests')).token
    })
    const unit = (key: string) => units[key] ?? 'no such unit'
    after(() => ctx.close())

    it('records a month with the form, and re-shows it with errors for bad money', async () => {
      await officer.get('/budgets/record')
      const bad = await officer.post('/budgets/record', {
        unitId: unit('care'),
        month: 'Aug 2025',
        budget: '1000.001',
        forecastOutturn: '',
      })
      assertPage(bad, 400)
      assert.match(bad.body, /href="#budget"/)
      assert.match(bad.body, /no more than two decimal places/)
      const good = await officer.post('/budgets/record', {
        unitId: unit('care'),
        month: 'Aug 2025',
        budget: '1,000,000',
        forecastOutturn: '1030000',
        commentary: 'Placements above budget',
      })
      assert.equal(good.statusCode, 303, good.body.slice(0, 800))
      assert.equal(good.headers.location, `/budgets/units/${unit('care')}?year=2025%2F26`)
      const page = assertPage(await viewer.get(`/budgets/units/${unit('care')}?year=2025%2F26`))
      assert.match(page, /Placements above budget/)
      assert.match(page, /✖ <\/span>Overspend/)
    })

    it('rolls the service up into its directorate on the financial summary', async () => {
      await officer.post('/budgets/record', {
        unitId: unit('reablement'),
        month: 'Aug 2025',
        budget: '500000',
        forecastOutturn: '490000',
        commentary: 'Vacancies held',
      })
      const summary = assertPage(await viewer.get('/budgets?period=2025%2F26%20Q2'))
      // People directorate: care £1,000,000 + reablement £500,000 = £1,500 thousand.
      assert.match(summary, /1,500/)
      assert.match(summary, /1,520/)
      assert.doesNotMatch(summary, /Record budget monitoring/, 'a viewer has no link to record')
      // The directorate gave no commentary, so that of each unit beneath comes on a line of its own.
      assert.match(
        summary,
        /<p class="govuk-body govuk-!-margin-bottom-1">[^<]* care: Placements above budget<\/p>/,
      )
      assert.match(
        summary,
        /<p class="govuk-body govuk-!-margin-bottom-1">[^<]* reablement: Vacancies held<\/p>/,
      )
      assertPage(await officer.get(`/budgets/units/${unit('people')}?year=2025%2F26`))
    })

    it('refuses a viewer the form, and shows nothing of another council’s unit', async () => {
      assert.equal((await viewer.get('/budgets/record')).statusCode, 403)
      const other = await ctx.organisation()
      assert.equal((await viewer.get(`/budgets/units/${other.units.care ?? ''}`)).statusCode, 404)
    })

    it('records and lists months in the API, for its own council only', async () => {
      const put = await bearer(app, token, 'PUT', '/api/v1/budgets', {
        unitId: unit('waste'),
        month: 'Aug 2025',
        budget: '1000000',
        forecastOutturn: '1010000.50',
        commentary: 'Fuel',
      })
      assert.equal(put.statusCode, 200, put.body)
      assert.equal(put.json<{ variance: { pounds: string } }>().variance.pounds, '10000.50')
      const badMonth = await bearer(app, token, 'PUT', '/api/v1/budgets', {
        unitId: unit('waste'),
        month: 'Aug 2035x',
        budget: '1',
        forecastOutturn: '1',
      })
      assert.equal(badMonth.statusCode, 400)
      const list = await bearer(
        app,
        token,
        'GET',
        `/api/v1/budgets?financialYear=2025/26&unitId=${unit('place')}`,
      )
      assert.equal(list.statusCode, 200)
      assert.equal(list.json<{ total: number }>().total, 1)
      const summary = await bearer(app, token, 'GET', '/api/v1/budgets/summary?period=2025/26 Q2')
      assert.equal(summary.statusCode, 200, summary.body)
      const stranger = await bearer(app, outsiderToken, 'PUT', '/api/v1/budgets', {
        unitId: unit('waste'),
        month: 'Aug 2025',
        budget: '1',
        forecastOutturn: '1',
      })
      assert.equal(stranger.statusCode, 400, 'another council’s unit is not in the list')
      const theirs = await bearer(
        app,
        outsiderToken,
        'GET',
        '/api/v1/budgets?financialYear=2025/26',
      )
      assert.equal(theirs.json<{ total: number }>().total, 0)
      const spec = await bearer(app, token, 'GET', '/api/v1/openapi.json')
      assert.match(spec.body, /\/api\/v1\/budgets\/summary/)
    })
  })
}
