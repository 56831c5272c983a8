import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { bearer } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'

interface ApiList<T> {
  items: T[]
  page: number
  pageSize: number
  total: number
}
interface ApiError {
  error: { id: string; message: string; details?: { field: string; message: string }[] }
}
interface ApiRisk {
  id: string
  reference: string
  registerId: string
  current: { score: number; band: string; tolerable: boolean }
  escalatedFrom: { registerId: string; reason: string } | null
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

for (const mode of testModes()) {
  describe(`risk API (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let token: string
    let viewerToken: string
    let outsiderToken: string
    let corporateId: string
    let serviceId: string
    let casesId: string

    /**
     * A risk of its own for a case, in a register of their own (so the first case's register
     * lists its one risk, whatever ran before), the first case's risk but for its reference.
     */
    async function raiseRisk(reference: string, current = 4): Promise<string> {
      const created = await call('POST', '/risks', {
        registerId: casesId,
        reference,
        title: 'Refuse fleet breakdowns',
        category: 'operational',
        reviewFrequency: 'monthly',
        inherentLikelihood: 4,
        inherentImpact: 4,
        currentLikelihood: current,
        currentImpact: current,
        targetLikelihood: 2,
        targetImpact: 3,
      })
      assert.equal(created.statusCode, 201, created.body)
      return created.json<ApiRisk>().id
    }

    const call = (
      method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
      url: string,
      payload?: unknown,
      as = token,
    ) => bearer(app, as, method, `/api/v1${url}`, payload)

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-15T12:00:00Z')
      app = await ctx.app()
      const org = await ctx.organisation()
      const other = await ctx.organisation()
      const officer = await ctx.person(org, { role: 'performance_officer' })
      const viewer = await ctx.person(org, { role: 'viewer' })
      const outsider = await ctx.person(other, { role: 'administrator' })
      token = (await ctx.services.auth.createToken(officer, 'tests')).token
      viewerToken = (await ctx.services.auth.createToken(viewer, 'tests')).token
      outsiderToken = (await ctx.services.auth.createToken(outsider, 'tests')).token
      const corporate = await call('POST', '/risk-registers', {
        name: 'Corporate Risk Register',
        level: 'corporate',
      })
      assert.equal(corporate.statusCode, 201, corporate.body)
      corporateId = corporate.json<{ id: string }>().id
      const service = await call('POST', '/risk-registers', {
        name: 'Waste service risks',
        level: 'service',
        unitId: org.units.waste,
        parentRegisterId: corporateId,
      })
      serviceId = service.json<{ id: string }>().id
      const cases = await call('POST', '/risk-registers', {
        name: 'Waste service risks for each case',
        level: 'service',
        unitId: org.units.waste,
        parentRegisterId: corporateId,
      })
      casesId = cases.json<{ id: string }>().id
    })
    after(() => ctx.close())

    it('raises a risk (201) and lists risks as a page', async () => {
      const created = await call('POST', '/risks', {
        registerId: serviceId,
        reference: 'WSS03',
        title: 'Refuse fleet breakdowns',
        category: 'operational',
        reviewFrequency: 'monthly',
        inherentLikelihood: 4,
        inherentImpact: 4,
        currentLikelihood: 4,
        currentImpact: 4,
        targetLikelihood: 2,
        targetImpact: 3,
      })
      assert.equal(created.statusCode, 201, created.body)
      const risk = created.json<ApiRisk>()
      assert.match(risk.id, UUID)
      assert.deepEqual(
        [risk.current.score, risk.current.band, risk.current.tolerable],
        [16, 'very_high', false],
      )
      const list = await call(
        'GET',
        `/risks?registerId=${serviceId}&pageSize=10`,
        undefined,
        viewerToken,
      )
      const page = list.json<ApiList<ApiRisk>>()
      assert.deepEqual([page.page, page.pageSize, page.total], [1, 10, 1])
      const above = await call('GET', '/risks?aboveAppetite=true&band=very_high')
      assert.ok(above.json<ApiList<ApiRisk>>().items.some((r) => r.id === risk.id))
    })

    it('answers bad input with 400 and the fields at fault, writing nothing', async () => {
      const riskId = await raiseRisk('BAD02')
      const outside = await call('POST', `/risks/${riskId}/reviews`, {
        reviewedOn: '2025-06-10',
        likelihood: 6,
        impact: 2,
        note: 'x',
      })
      assert.equal(outside.statusCode, 400)
      assert.equal(outside.json<ApiError>().error.details?.[0]?.field, 'likelihood')
      const future = await call('POST', `/risks/${riskId}/reviews`, {
        reviewedOn: '2025-07-01',
        likelihood: 2,
        impact: 2,
        note: 'x',
      })
      assert.equal(future.statusCode, 400)
      assert.match(future.json<ApiError>().error.message, /today or in the past/)
      const reviews = await call('GET', `/risks/${riskId}/reviews`)
      assert.equal(reviews.json<ApiList<unknown>>().total, 1)
    })

    it('records reviews and returns the score history with direction', async () => {
      const riskId = await raiseRisk('REV03')
      const review = await call('POST', `/risks/${riskId}/reviews`, {
        reviewedOn: '2025-06-15',
        likelihood: 3,
        impact: 3,
        note: 'Hire vehicles in place',
      })
      assert.equal(review.statusCode, 201, review.body)
      assert.equal(review.json<{ risk: ApiRisk }>().risk.current.score, 9)
      const history = (await call('GET', `/risks/${riskId}/reviews`)).json<
        ApiList<{ reviewedOn: string; direction: string | null; score: { score: number } }>
      >()
      assert.deepEqual(
        history.items.map((h) => [h.score.score, h.direction]),
        [
          [16, null],
          [9, 'improving'],
        ],
      )
    })

    it('adds and updates mitigating actions, flagging overdue ones', async () => {
      const riskId = await raiseRisk('ACT04')
      const added = await call('POST', `/risks/${riskId}/actions`, {
        description: 'Award the fleet contract',
        dueDate: '2025-06-01',
        status: 'in_progress',
      })
      assert.equal(added.statusCode, 201, added.body)
      const action = added.json<{ id: string; overdue: boolean }>()
      assert.equal(action.overdue, true)
      const done = await call('PATCH', `/risks/${riskId}/actions/${action.id}`, {
        status: 'completed',
      })
      assert.equal(done.json<{ overdue: boolean }>().overdue, false)
      const list = await call('GET', `/risks/${riskId}/actions`)
      assert.equal(list.json<ApiList<unknown>>().total, 1)
      const forbidden = await call(
        'POST',
        `/risks/${riskId}/actions`,
        { description: 'x' },
        viewerToken,
      )
      assert.equal(forbidden.statusCode, 403)
    })

    it('escalates to the corporate register, refuses to go further, and de-escalates', async () => {
      // At 3 × 3, where the first case's risk stood after its review.
      const riskId = await raiseRisk('ESC05', 3)
      const up = await call('POST', `/risks/${riskId}/escalate`, {
        toRegisterId: corporateId,
        reason: 'Needs capital funding',
      })
      assert.equal(up.statusCode, 200, up.body)
      assert.equal(up.json<ApiRisk>().escalatedFrom?.registerId, casesId)
      const further = await call('POST', `/risks/${riskId}/escalate`, {
        toRegisterId: serviceId,
        reason: 'Higher still',
      })
      assert.equal(further.statusCode, 400)
      assert.match(further.json<ApiError>().error.message, /cannot be escalated further/)
      const heat = await call('GET', `/risk-registers/${corporateId}/heat-map`)
      const cell = heat
        .json<{
          rows: {
            likelihood: number
            cells: { impact: number; count: number; risks: { reference: string }[] }[]
          }[]
        }>()
        .rows.find((r) => r.likelihood === 3)
        ?.cells.find((c) => c.impact === 3)
      assert.deepEqual(
        cell?.risks.map((r) => r.reference),
        ['ESC05'],
      )
      const down = await call('POST', `/risks/${riskId}/de-escalate`, { reason: 'Funded' })
      assert.equal(down.json<ApiRisk>().registerId, casesId)
    })

    it('reads and sets the matrix; refuses one that breaks the rules', async () => {
      const matrix = (await call('GET', '/risk-matrix')).json<Record<string, unknown>>()
      assert.equal(matrix.size, 5)
      const input = {
        size: matrix.size,
        likelihood: matrix.likelihood,
        impact: matrix.impact,
        bands: matrix.bands,
        appetite: matrix.appetite,
      }
      const bad = await call('PUT', '/risk-matrix', { ...input, appetite: 16 })
      assert.equal(bad.statusCode, 400)
      assert.equal(bad.json<ApiError>().error.details?.[0]?.field, 'appetite')
      const good = await call('PUT', '/risk-matrix', { ...input, appetite: 8 })
      assert.equal(good.statusCode, 200, good.body)
      const viewer = await call('PUT', '/risk-matrix', input, viewerToken)
      assert.equal(viewer.statusCode, 403)
    })

    it('returns the mitigation measure for every period', async () => {
      const response = await call(
        'GET',
        '/risk-mitigation?frequency=monthly&from=2025-04-01&to=2025-06-30',
      )
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual(response.json(), [
        {
          period: { frequency: 'monthly', start: '2025-04-01', label: 'Apr 2025' },
          value: null,
          numerator: 0,
          denominator: 0,
        },
        {
          period: { frequency: 'monthly', start: '2025-05-01', label: 'May 2025' },
          value: null,
          numerator: 0,
          denominator: 0,
        },
        {
          period: { frequency: 'monthly', start: '2025-06-01', label: 'Jun 2025' },
          value: null,
          numerator: 0,
          denominator: 0,
        },
      ])
      const bad = await call('GET', '/risk-mitigation?frequency=annual')
      assert.equal(bad.statusCode, 400)
    })

    it('answers 404 for another organisation’s risks and registers', async () => {
      const riskId = await raiseRisk('OUT06')
      for (const [method, url, body] of [
        ['GET', `/risks/${riskId}`, undefined],
        ['GET', `/risks/${riskId}/reviews`, undefined],
        [
          'POST',
          `/risks/${riskId}/reviews`,
          { reviewedOn: '2025-06-01', likelihood: 1, impact: 1, note: 'x' },
        ],
        ['POST', `/risks/${riskId}/escalate`, { toRegisterId: corporateId, reason: 'x' }],
        ['GET', `/risk-registers/${serviceId}/heat-map`, undefined],
      ] as const) {
        const response = await call(method, url, body, outsiderToken)
        assert.equal(response.statusCode, 404, `${method} ${url}`)
      }
      const list = await call('GET', '/risks', undefined, outsiderToken)
      assert.equal(list.json<ApiList<unknown>>().total, 0)
    })

    it('describes the risk endpoints in the OpenAPI document', async () => {
      const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json<{
        paths: Record<string, unknown>
      }>()
      for (const path of [
        '/api/v1/risks',
        '/api/v1/risks/{id}/actions',
        '/api/v1/risks/{id}/reviews',
        '/api/v1/risks/{id}/escalate',
        '/api/v1/risk-registers',
        '/api/v1/risk-matrix',
        '/api/v1/risk-mitigation',
      ]) {
        assert.ok(path in doc.paths, path)
      }
    })
  })
}
