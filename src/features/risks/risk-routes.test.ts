import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'

type Response = Awaited<ReturnType<Agent['get']>>

function assertPage(response: Response, status = 200): string {
  assert.equal(response.statusCode, status, response.body.slice(0, 500))
  assert.equal((response.body.match(/<h1[\s>]/g) ?? []).length, 1, 'one h1')
  return response.body
}

function assertErrorSummary(response: Response, field: string, message: RegExp): void {
  assertPage(response, 400)
  assert.match(response.body, /govuk-error-summary/)
  assert.match(response.body, new RegExp(`href="#${field}"`))
  assert.match(response.body, message)
}

const RISK_FORM = {
  reference: 'WSS03',
  title: 'Refuse fleet breakdowns',
  category: 'operational',
  reviewFrequency: 'monthly',
  inherentLikelihood: '4',
  inherentImpact: '4',
  currentLikelihood: '4',
  currentImpact: '4',
  targetLikelihood: '2',
  targetImpact: '3',
}

for (const mode of testModes()) {
  describe(`risk pages (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let officer: Principal & { email: string }
    let officerAgent: Agent
    let viewerAgent: Agent
    let corporateId: string
    let serviceId: string
    let riskId: string

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-15T12:00:00Z')
      app = await ctx.app()
      const org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      const viewer = await ctx.person(org, { role: 'viewer' })
      officerAgent = await Agent.signedIn(app, officer.email)
      viewerAgent = await Agent.signedIn(app, viewer.email)
      await officerAgent.get('/risks/registers/new')
      const corporate = await officerAgent.post('/risks/registers/new', {
        name: 'Corporate Risk Register',
        level: 'corporate',
      })
      assert.equal(corporate.statusCode, 303, corporate.body.slice(0, 800))
      corporateId = String(corporate.headers.location).split('/').at(-1) ?? ''
      const service = await officerAgent.post('/risks/registers/new', {
        name: 'Waste service risks',
        level: 'service',
        unitId: org.units.waste ?? '',
        parentRegisterId: corporateId,
      })
      serviceId = String(service.headers.location).split('/').at(-1) ?? ''
    })
    after(() => ctx.close())

    it('raises a risk with the form, and re-shows it with errors when it breaks the rules', async () => {
      await officerAgent.get(`/risks/new?registerId=${serviceId}`)
      const blank = await officerAgent.post('/risks/new', {})
      for (const field of ['registerId', 'reference', 'title', 'category', 'reviewFrequency']) {
        assert.match(blank.body, new RegExp(`href="#${field}"`), field)
      }
      assertPage(blank, 400)
      const outside = await officerAgent.post('/risks/new', {
        ...RISK_FORM,
        registerId: serviceId,
        targetImpact: '7',
      })
      assertErrorSummary(outside, 'targetImpact', /Impact must be a whole number from 1 to 5/)
      assert.match(outside.body, /value="Refuse fleet breakdowns"/)
      const created = await officerAgent.post('/risks/new', { ...RISK_FORM, registerId: serviceId })
      assert.equal(created.statusCode, 303, created.body.slice(0, 800))
      riskId = String(created.headers.location).split('/').at(-1) ?? ''
      const page = assertPage(await viewerAgent.get(`/risks/${riskId}`))
      assert.match(page, /Very high 16/)
      assert.match(page, /Above the tolerable threshold of 9/)
      assert.doesNotMatch(page, /Record a review/, 'viewers record nothing')
    })

    it('records a review and shows the score history move', async () => {
      await officerAgent.get(`/risks/${riskId}/reviews/new`)
      const future = await officerAgent.post(`/risks/${riskId}/reviews/new`, {
        reviewedOn: '2025-06-16',
        likelihood: '3',
        impact: '3',
        note: 'Too early',
      })
      assertErrorSummary(future, 'reviewedOn', /today or in the past/)
      const saved = await officerAgent.post(`/risks/${riskId}/reviews/new`, {
        reviewedOn: '2025-06-15',
        likelihood: '3',
        impact: '3',
        note: 'Hire vehicles on the road',
      })
      assert.equal(saved.statusCode, 303)
      const page = assertPage(await viewerAgent.get(`/risks/${riskId}`))
      assert.match(page, /Improving \(score down\)/)
      assert.match(page, /Hire vehicles on the road/)
      assert.match(page, /Within the tolerable threshold of 9/)
    })

    it('adds a mitigating action and flags it when overdue', async () => {
      await officerAgent.get(`/risks/${riskId}/actions/new`)
      assertErrorSummary(
        await officerAgent.post(`/risks/${riskId}/actions/new`, {}),
        'description',
        /Enter a description of the action/,
      )
      const saved = await officerAgent.post(`/risks/${riskId}/actions/new`, {
        description: 'Award the fleet contract',
        dueDate: '2025-06-01',
        status: 'in_progress',
      })
      assert.equal(saved.statusCode, 303)
      assert.match(assertPage(await viewerAgent.get(`/risks/${riskId}`)), /Overdue<\/strong>/)
    })

    it('escalates to the corporate register, which shows where it came from', async () => {
      await officerAgent.get(`/risks/${riskId}/escalation/new`)
      assertErrorSummary(
        await officerAgent.post(`/risks/${riskId}/escalation/new`, {}),
        'reason',
        /Enter why the risk is escalated/,
      )
      const saved = await officerAgent.post(`/risks/${riskId}/escalation/new`, {
        toRegisterId: corporateId,
        reason: 'Needs capital funding',
      })
      assert.equal(saved.statusCode, 303)
      const corporate = assertPage(await viewerAgent.get(`/risks/registers/${corporateId}`))
      assert.match(corporate, /Escalated from Waste service risks/)
      assert.match(corporate, /1 risk<\/strong>/, 'the heat map counts it')
      assert.match(corporate, /9 Medium, tolerable/, 'cells say their band in words')
      const service = assertPage(await viewerAgent.get(`/risks/registers/${serviceId}`))
      assert.match(service, /Escalated from this register/)
      const risk = assertPage(await viewerAgent.get(`/risks/${riskId}`))
      assert.match(risk, new RegExp(`href="/risks/registers/${serviceId}">Waste service risks`))
      assert.doesNotMatch(risk, /href="\/risks\/[^"]+\/escalation\/new"/, 'nothing above corporate')
    })

    it('closes a risk only with a reason, says so, shows the reason and reopens it', async () => {
      const form = assertPage(await officerAgent.get(`/risks/${riskId}/close`))
      assert.match(form, /Why it is closed/)
      assertErrorSummary(
        await officerAgent.post(`/risks/${riskId}/close`, {}),
        'reason',
        /Enter why the risk is closed/,
      )
      assert.doesNotMatch(assertPage(await viewerAgent.get(`/risks/${riskId}`)), /Closed<\/strong>/)
      const closed = await officerAgent.post(`/risks/${riskId}/close`, {
        reason: 'Fleet contract awarded',
      })
      assert.equal(closed.statusCode, 303)
      const page = assertPage(await officerAgent.get(`/risks/${riskId}`))
      assert.match(page, /closed, with your reason/)
      assert.match(page, /Closed<\/strong> on [^<]*: Fleet contract awarded/)
      const audit = await ctx.database.db
        .selectFrom('audit_records')
        .select('summary')
        .where('action', '=', 'risk_closed')
        .where('item_id', '=', riskId)
        .executeTakeFirst()
      assert.match(audit?.summary ?? '', /closed: Fleet contract awarded/)
      assert.equal((await officerAgent.post(`/risks/${riskId}/reopen`, {})).statusCode, 303)
      const reopened = assertPage(await officerAgent.get(`/risks/${riskId}`))
      assert.match(reopened, /reopened/)
      assert.doesNotMatch(reopened, /Fleet contract awarded/)
    })

    it('filters a register by band', async () => {
      const low = await viewerAgent.get(`/risks/registers/${corporateId}?band=low`)
      assert.match(assertPage(low), /No risks match/)
      const medium = await viewerAgent.get(`/risks/registers/${corporateId}?band=medium`)
      assert.match(assertPage(medium), /WSS03 Refuse fleet breakdowns/)
    })

    it('shows the lists, the matrix and the mitigation measure to everyone', async () => {
      for (const url of [
        '/risks',
        '/risks/reviews-due',
        '/risks/above-appetite',
        '/risks/matrix',
        '/risks/mitigation',
        '/risks/mitigation?frequency=monthly',
        `/history/risk/${riskId}`,
        `/history/risk_register/${corporateId}`,
      ]) {
        assertPage(await viewerAgent.get(url))
      }
      assert.equal((await viewerAgent.get('/risks/matrix/edit')).statusCode, 403)
      assert.equal((await viewerAgent.get('/risks/new')).statusCode, 403)
    })

    it('changes the matrix with the form, with errors for a broken one', async () => {
      const form = assertPage(await officerAgent.get('/risks/matrix/edit'))
      const values: Record<string, string> = Object.fromEntries(
        [...form.matchAll(/name="([a-z0-9-]+)"[^>]*value="([^"]*)"/g)].map(
          (m): [string, string] => [m[1] ?? '', m[2] ?? ''],
        ),
      )
      values.size = '5'
      assertErrorSummary(
        await officerAgent.post('/risks/matrix/edit', {}),
        'likelihood-0-name',
        /Enter a name for each level/,
      )
      assertErrorSummary(
        await officerAgent.post('/risks/matrix/edit', { ...values, appetite: '20' }),
        'appetite',
        /tolerable threshold must be a whole score/,
      )
      const saved = await officerAgent.post('/risks/matrix/edit', {
        ...values,
        'likelihood-4-name': 'Very likely',
      })
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 1500))
      assert.match(assertPage(await viewerAgent.get('/risks/matrix')), /Very likely/)
    })
  })
}
