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
  describe(`savings pages and API (${mode})`, () => {
    let ctx: TestContext
    let app: App

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-09-15T12:00:00Z')
      app = await ctx.app()
    })
    after(() => ctx.close())

    /** A council of its own for each case: an officer, a viewer and the officer's API token. */
    async function council() {
      const org = await ctx.organisation()
      const officerPerson = await ctx.person(org, { role: 'performance_officer' })
      const viewerPerson = await ctx.person(org, { role: 'viewer' })
      return {
        unitId: org.units.care ?? '',
        officer: await Agent.signedIn(app, officerPerson.email),
        viewer: await Agent.signedIn(app, viewerPerson.email),
        token: (await ctx.services.auth.createToken(officerPerson, 'tests')).token,
      }
    }
    type Council = Awaited<ReturnType<typeof council>>

    const LINE = {
      reference: 'ASC-01',
      title: 'Reablement',
      savingType: 'cashable',
      durability: 'ongoing',
      'years-0-financialYear': '2025/26',
      'years-0-amount': '1,200',
      'years-1-financialYear': '2026/27',
      'years-1-amount': '1200',
    }

    /** A line of £1,200 a year for 2025/26 and 2026/27, added with the form; its id. */
    async function addLine({ officer, unitId }: Council): Promise<string> {
      await officer.get('/savings/new')
      const added = await officer.post('/savings/new', { ...LINE, unitId })
      assert.equal(added.statusCode, 303, added.body.slice(0, 800))
      return String(added.headers.location).split('/').at(-1) ?? ''
    }

    /** £340 delivered by August 2025 against £500 profiled, with the forecast for March. */
    async function recordActuals({ officer }: Council, lineId: string) {
      await officer.get(`/savings/${lineId}/months?year=2025/26`)
      const body: Record<string, string> = { financialYear: '2025/26' }
      for (let i = 0; i < 5; i++) body[`months-${i}-actual`] = i < 3 ? '100' : '20'
      body['months-11-forecast'] = '460'
      return officer.post(`/savings/${lineId}/months`, body)
    }

    it('adds a line with the form, and re-shows it with errors for bad money', async () => {
      const { officer, viewer, unitId } = await council()
      await officer.get('/savings/new')
      const bad = await officer.post('/savings/new', {
        reference: 'ASC-01',
        title: 'Reablement',
        unitId,
        savingType: 'cashable',
        durability: 'ongoing',
        'years-0-financialYear': '2025/26',
        'years-0-amount': '12.345',
      })
      assertPage(bad, 400)
      assert.match(bad.body, /href="#years-0-amount"/)
      assert.match(bad.body, /no more than two decimal places/)
      const good = await officer.post('/savings/new', { ...LINE, unitId })
      assert.equal(good.statusCode, 303, good.body.slice(0, 800))
      const lineId = String(good.headers.location).split('/').at(-1) ?? ''
      const page = assertPage(await viewer.get(`/savings/${lineId}`))
      assert.match(page, /Fails – Ongoing: no saving recorded for 2027\/28/)
      assert.match(page, /<svg class="gt-chart"/)
    })

    it('refuses a custom profile that does not add up, on the page', async () => {
      const here = await council()
      const { officer } = here
      const lineId = await addLine(here)
      await officer.get(`/savings/${lineId}/profile?year=2025/26`)
      const body: Record<string, string> = { financialYear: '2025/26', profile: 'custom' }
      for (let i = 0; i < 12; i++) body[`months-${i}`] = '10'
      const response = await officer.post(`/savings/${lineId}/profile`, body)
      assertPage(response, 400)
      assert.match(response.body, /adds up to £120, not the year’s £1,200/)
    })

    it('records actuals and shows the line slipping in the register with the reason', async () => {
      const here = await council()
      const { viewer } = here
      const response = await recordActuals(here, await addLine(here))
      assert.equal(response.statusCode, 303, response.body.slice(0, 800))
      const register = assertPage(await viewer.get('/savings?year=2025%2F26'))
      assert.match(register, /Slipping/)
      assert.match(register, /£340 delivered to date against £500 profiled: £160 behind/)
      assertPage(await viewer.get('/savings/totals?groupBy=programme'))
    })

    it('serves the register, totals and delivery measures in the API, for its own council only', async () => {
      const here = await council()
      const { token, unitId } = here
      const lineId = await addLine(here)
      assert.equal((await recordActuals(here, lineId)).statusCode, 303)
      const outsider = await ctx.person(await ctx.organisation(), { role: 'administrator' })
      const outsiderToken = (await ctx.services.auth.createToken(outsider, 'tests')).token
      const list = await bearer(app, token, 'GET', '/api/v1/savings?financialYear=2025/26')
      assert.equal(list.statusCode, 200)
      const body = list.json<{ total: number; items: { delivery: { rag: string } }[] }>()
      assert.equal(body.total, 1)
      assert.equal(body.items[0]?.delivery.rag, 'amber')
      const delivery = await bearer(
        app,
        token,
        'GET',
        '/api/v1/savings/delivery?frequency=quarterly&financialYear=2025/26',
      )
      assert.equal(
        delivery.json<{ delivered: { pounds: string } }[]>()[0]?.delivered.pounds,
        '300.00',
      )
      const negative = await bearer(app, token, 'POST', '/api/v1/savings', {
        reference: 'N1',
        title: 'Negative',
        unitId,
        savingType: 'cashable',
        durability: 'ongoing',
        years: [{ financialYear: '2025/26', amount: '-5' }],
      })
      assert.equal(negative.statusCode, 400)
      assert.match(negative.body, /cannot be negative/)
      const stranger = await bearer(app, outsiderToken, 'GET', `/api/v1/savings/${lineId}`)
      assert.equal(stranger.statusCode, 404)
      const spec = await bearer(app, token, 'GET', '/api/v1/openapi.json')
      assert.match(spec.body, /\/api\/v1\/savings\/\{id\}\/profile/)
    })
  })
}
