import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent, bearer } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'
import { approvedMonthlyMeasure, REDESIGN, WORSENING } from './spc-fixtures.ts'

type Response = Awaited<ReturnType<Agent['get']>>

function assertPage(response: Response, status = 200): string {
  assert.equal(response.statusCode, status, response.body.slice(0, 800))
  assert.equal((response.body.match(/<h1[\s>]/g) ?? []).length, 1, 'one h1')
  return response.body
}

function assertErrorSummary(response: Response, fields: string[], message: RegExp): void {
  assertPage(response, 400)
  assert.match(response.body, /govuk-error-summary/)
  for (const field of fields) assert.match(response.body, new RegExp(`href="#${field}"`))
  assert.match(response.body, message)
}

for (const mode of testModes()) {
  describe(`SPC pages and API (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let officer: Principal & { email: string }
    let viewer: Principal & { email: string }
    let officerAgent: Agent
    let viewerAgent: Agent
    let redesign: string
    let worsening: string

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      app = await ctx.app()
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      viewer = await ctx.person(org, { role: 'viewer' })
      officerAgent = await Agent.signedIn(app, officer.email)
      viewerAgent = await Agent.signedIn(app, viewer.email)
      redesign = await approvedMonthlyMeasure(ctx, org, officer, 'RD01', REDESIGN)
      worsening = await approvedMonthlyMeasure(ctx, org, officer, 'WO01', WORSENING)
    })
    after(() => ctx.close())

    async function settingsCount(): Promise<number> {
      const row = await ctx.database.db
        .selectFrom('measure_spc_settings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      return row.n
    }

    it('records a change with the form, with an error summary when it is sent empty', async () => {
      const page = assertPage(await officerAgent.get(`/measures/${redesign}/spc`))
      assert.match(page, /Record a change/)
      assertPage(await officerAgent.get(`/measures/${redesign}/spc/change-points/new`))
      const count = await settingsCount()
      assertErrorSummary(
        await officerAgent.post(`/measures/${redesign}/spc/change-points/new`, {}),
        ['period', 'reason'],
        /Enter the reason for the change/,
      )
      assertErrorSummary(
        await officerAgent.post(`/measures/${redesign}/spc/change-points/new`, {
          period: 'Apr 2023',
          reason: 'Too early',
        }),
        ['period'],
        /first value on the chart/,
      )
      assert.equal(await settingsCount(), count, 'nothing written')

      const saved = await officerAgent.post(`/measures/${redesign}/spc/change-points/new`, {
        period: 'Jun 2024',
        reason: 'System redesign after the check–plan–do trial',
      })
      assert.equal(saved.statusCode, 303)
      assert.equal(saved.headers.location, `/measures/${redesign}/spc`)
      const measurePage = assertPage(await viewerAgent.get(`/measures/${redesign}`))
      assert.match(
        measurePage,
        /The limits were worked out again from Jun 2024, when the process changed: System redesign after the check–plan–do trial\./,
      )
      assert.match(measurePage, /Process changed: System redesign/, 'in the data table')
      assert.match(measurePage, /Change: limits recalculated/, 'on the chart')
    })

    it('sets a baseline with the form, refusing one too short', async () => {
      assertPage(await officerAgent.get(`/measures/${worsening}/spc/baseline`))
      assertErrorSummary(
        await officerAgent.post(`/measures/${worsening}/spc/baseline`, {
          from: 'Apr 2023',
          to: 'Jun 2023',
        }),
        ['to'],
        /at least 12 approved values/,
      )
      const saved = await officerAgent.post(`/measures/${worsening}/spc/baseline`, {
        from: 'Apr 2023',
        to: 'Mar 2024',
        reason: 'Before the new rota',
      })
      assert.equal(saved.statusCode, 303)
      const page = assertPage(await viewerAgent.get(`/measures/${worsening}`))
      assert.match(page, /fixed from the baseline Apr 2023 to Mar 2024 \(12 months\)/)
      assert.match(page, /In the baseline/)
    })

    it('removes a setting after asking, and shows it as removed', async () => {
      const settings = await ctx.services.spc.settings(officer, worsening)
      const id = settings.baseline?.id ?? ''
      const ask = assertPage(
        await officerAgent.get(`/measures/${worsening}/spc/settings/${id}/remove`),
      )
      assert.match(ask, /Remove the baseline of WO01\?/)
      const removed = await officerAgent.post(`/measures/${worsening}/spc/settings/${id}/remove`)
      assert.equal(removed.statusCode, 303)
      const page = assertPage(await viewerAgent.get(`/measures/${worsening}/spc`))
      assert.match(page, /Baseline Apr 2023 to Mar 2024/)
      assert.match(page, /No baseline/)
    })

    it('shows viewers the settings but not the forms', async () => {
      const page = assertPage(await viewerAgent.get(`/measures/${redesign}/spc`))
      assert.doesNotMatch(page, /Record a change/)
      assert.equal((await viewerAgent.get(`/measures/${redesign}/spc/baseline`)).statusCode, 403)
      assert.equal(
        (await viewerAgent.get(`/measures/${redesign}/spc/change-points/new`)).statusCode,
        403,
      )
      const count = await settingsCount()
      const refused = await viewerAgent.post(`/measures/${redesign}/spc/change-points/new`, {
        period: 'Jul 2024',
        reason: 'Not mine',
      })
      assert.equal(refused.statusCode, 403)
      assert.equal(await settingsCount(), count)
    })

    it('shows the variation beside the RAG in the list, and the exceptions page', async () => {
      const list = assertPage(await viewerAgent.get('/measures?search=WO01'))
      assert.match(list, /Special cause – concerning/)
      assert.match(list, /href="\/measures\/exceptions"/)
      const filtered = assertPage(
        await viewerAgent.get('/measures?variation=special_cause_concern'),
      )
      assert.match(filtered, /WO01/)
      assert.doesNotMatch(filtered, /RD01/)
      const exceptions = assertPage(await viewerAgent.get('/measures/exceptions'))
      assert.match(exceptions, /WO01/)
      assert.doesNotMatch(exceptions, /RD01/)
      assert.match(exceptions, /is above the upper limit/)
      const none = assertPage(
        await viewerAgent.get(`/measures/exceptions?unitId=${org.units.care ?? ''}`),
      )
      assert.match(none, /No measure you can see shows a special cause of concern/)
    })

    it('shows on the approvals page the variation each value will give its measure once approved', async () => {
      // Stored: special cause – concerning. A value well below the lower limit improves it; April
      // 2025 has no target set.
      const id = await approvedMonthlyMeasure(ctx, org, officer, 'AP01', WORSENING)
      await ctx.services.values.save(officer, id, { period: 'Apr 2025', value: 10, submit: true })
      const approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      const agent = await Agent.signedIn(app, approver.email)
      const page = assertPage(await agent.get('/approvals'))
      const card = page.slice(page.indexOf('AP01:'))
      assert.match(
        card,
        /Status once approved<\/dt><dd class="govuk-summary-list__value"><strong class="govuk-tag[^"]*">.*No target<\/strong><br><span class="gt-spc-status"><svg[^>]*aria-hidden="true"[\s\S]*?<\/svg><span[^>]*>Special cause – improving<\/span>/,
      )
      assert.doesNotMatch(card, /Special cause – concerning/)
    })

    it('answers the SPC API with the baseline and change points, and manages them', async () => {
      const token = (await ctx.services.auth.createToken(officer, 'spc')).token
      const spc = await bearer(app, token, 'GET', `/api/v1/measures/${redesign}/spc`)
      const body = spc.json<{
        mean: number
        baseline: unknown
        changePoints: { period: { label: string }; reason: string }[]
        points: { changeReason: string | null }[]
      }>()
      assert.equal(body.baseline, null)
      assert.deepEqual(
        body.changePoints.map((c) => [c.period.label, c.reason]),
        [['Jun 2024', 'System redesign after the check–plan–do trial']],
      )
      assert.equal(body.points.filter((p) => p.changeReason !== null).length, 1)

      const put = await bearer(app, token, 'PUT', `/api/v1/measures/${redesign}/spc/baseline`, {
        from: { frequency: 'monthly', start: '2023-04-01' },
        to: 'Mar 2024',
      })
      assert.equal(put.statusCode, 200, put.body)
      const short = await bearer(app, token, 'PUT', `/api/v1/measures/${redesign}/spc/baseline`, {
        from: 'Apr 2023',
        to: 'May 2023',
      })
      assert.equal(short.statusCode, 400)
      assert.match(short.json<{ error: { id: string } }>().error.id, /invalid/)
      const settings = await bearer(app, token, 'GET', `/api/v1/measures/${redesign}/spc/settings`)
      const current = settings.json<{
        baseline: { from: { label: string } }
        changePoints: { id: string }[]
        history: unknown[]
      }>()
      assert.equal(current.baseline.from.label, 'Apr 2023')
      const changeId = current.changePoints[0]?.id ?? ''
      const added = await bearer(
        app,
        token,
        'POST',
        `/api/v1/measures/${redesign}/spc/change-points`,
        {
          period: 'Jan 2025',
          reason: 'Second redesign',
        },
      )
      assert.equal(added.statusCode, 201)
      const deleted = await bearer(
        app,
        token,
        'DELETE',
        `/api/v1/measures/${redesign}/spc/change-points/${changeId}`,
      )
      assert.equal(deleted.statusCode, 204)
      const again = await bearer(
        app,
        token,
        'DELETE',
        `/api/v1/measures/${redesign}/spc/change-points/${changeId}`,
      )
      assert.equal(again.statusCode, 404)
      const noBaseline = await bearer(
        app,
        token,
        'DELETE',
        `/api/v1/measures/${redesign}/spc/baseline`,
      )
      assert.equal(noBaseline.statusCode, 204)
      const viewerToken = (await ctx.services.auth.createToken(viewer, 'spc')).token
      const forbidden = await bearer(
        app,
        viewerToken,
        'POST',
        `/api/v1/measures/${redesign}/spc/change-points`,
        { period: 'Feb 2025', reason: 'Not allowed' },
      )
      assert.equal(forbidden.statusCode, 403)
    })
  })
}
