import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { bearer } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'

interface Value {
  period: { frequency: string; start: string; label: string }
  value: number | null
  target: number | null
  status: string
  rag: string
  direction: string | null
  directionYearOnYear: string | null
  version: number
  restated: boolean
  forecast: { value: number; method: string; methodText: string } | null
}

for (const mode of testModes()) {
  describe(`measures API (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let officer: string
    let clerk: string
    let approver: string
    let viewer: string
    let outsider: string
    let officerPerson: Principal

    /**
     * The quarterly recycling measure the first case makes through the API, made through the
     * service with the targets the second case puts, so that each case stands on its own.
     */
    async function recyclingMeasure(code: string, targets = true): Promise<string> {
      const measure = await ctx.services.measures.create(officerPerson, {
        code,
        title: 'Household waste recycled',
        unit: 'percent',
        decimals: 1,
        polarity: 'higher_is_better',
        frequency: 'quarterly',
        kind: 'strategic',
        cumulative: false,
        unitId: org.units.waste,
        public: true,
        tolerance: { type: 'percent', value: 5 },
        dueWorkingDays: 10,
      })
      if (targets) {
        await ctx.services.measures.putTargets(officerPerson, measure.id, {
          targets: [
            { period: '2024/25', value: 50 },
            { period: { frequency: 'quarterly', start: '2024-07-01' }, value: 60 },
            { period: '2023/24', value: 40 },
          ],
        })
      }
      return measure.id
    }

    const call = (
      as: string,
      method: 'GET' | 'POST' | 'PATCH' | 'PUT',
      url: string,
      payload?: unknown,
    ) => bearer(app, as, method, `/api/v1${url}`, payload)

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      app = await ctx.app()
      org = await ctx.organisation()
      const other = await ctx.organisation()
      const token = async (p: Parameters<typeof ctx.services.auth.createToken>[0]) =>
        (await ctx.services.auth.createToken(p, 'tests')).token
      officerPerson = await ctx.person(org, { role: 'performance_officer' })
      officer = await token(officerPerson)
      clerk = await token(await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' }))
      approver = await token(await ctx.person(org, { role: 'approver', roleUnit: 'place' }))
      viewer = await token(await ctx.person(org, { role: 'viewer' }))
      outsider = await token(await ctx.person(other, { role: 'administrator' }))
    })
    after(() => ctx.close())

    it('creates (201), reads, lists and changes a measure in the documented shape', async () => {
      const created = await call(officer, 'POST', '/measures', {
        code: 'ws01',
        title: 'Household waste recycled',
        unit: 'percent',
        decimals: 1,
        polarity: 'higher_is_better',
        frequency: 'quarterly',
        kind: 'strategic',
        cumulative: false,
        unitId: org.units.waste,
        public: true,
        tolerance: { type: 'percent', value: 5 },
        dueWorkingDays: 10,
      })
      assert.equal(created.statusCode, 201, created.body)
      const m = created.json<Record<string, unknown>>()
      const id = String(m.id)
      for (const key of [
        'id',
        'code',
        'title',
        'definition',
        'unit',
        'decimals',
        'polarity',
        'frequency',
        'kind',
        'cumulative',
        'unitId',
        'ownerId',
        'approverId',
        'public',
        'tolerance',
        'latest',
      ]) {
        assert.ok(key in m, `measure has ${key}`)
      }
      assert.equal(m.code, 'WS01')
      assert.equal(m.latest, null)
      const list = (await call(viewer, 'GET', '/measures?frequency=quarterly&search=ws')).json<{
        items: { id: string }[]
        page: number
        pageSize: number
        total: number
      }>()
      assert.deepEqual([list.page, list.pageSize, list.total], [1, 50, 1])
      const patched = await call(officer, 'PATCH', `/measures/${id}`, {
        title: 'Waste recycled',
        version: 1,
      })
      assert.equal(patched.statusCode, 200, patched.body)
      const stale = await call(officer, 'PATCH', `/measures/${id}`, { title: 'Again', version: 1 })
      assert.equal(stale.statusCode, 409)
      assert.equal(stale.json<{ error: { id: string } }>().error.id, 'conflict')
    })

    it('puts targets (annual and per period), refusing periods that do not fit', async () => {
      const id = await recyclingMeasure('TG02', false)
      const bad = await call(officer, 'PUT', `/measures/${id}/targets`, {
        targets: [{ period: 'Sep 2024', value: 50 }],
      })
      assert.equal(bad.statusCode, 400)
      const body = bad.json<{
        error: { id: string; message: string; details: { field: string }[] }
      }>()
      assert.equal(body.error.id, 'invalid')
      assert.equal(body.error.details[0]?.field, 'targets.0.period')
      const put = await call(officer, 'PUT', `/measures/${id}/targets`, {
        targets: [
          { period: '2024/25', value: 50 },
          { period: { frequency: 'quarterly', start: '2024-07-01' }, value: 60 },
          { period: '2023/24', value: 40 },
        ],
      })
      assert.equal(put.statusCode, 200, put.body)
      const got = (await call(viewer, 'GET', `/measures/${id}/targets`)).json<{
        targets: { period: { label: string }; value: number }[]
      }>()
      assert.deepEqual(
        got.targets.map((t) => [t.period.label, t.value]),
        [
          ['2023/24', 40],
          ['2024/25', 50],
          ['2024/25 Q2', 60],
        ],
      )
    })

    it('enters values, approves, returns and restates with versions, through the API', async () => {
      const id = await recyclingMeasure('VA03')
      const post = (as: string, body: Record<string, unknown>) =>
        call(as, 'POST', `/measures/${id}/values`, body)
      const first = await post(clerk, { period: '2023/24 Q1', value: 45, submit: true })
      assert.equal(first.statusCode, 201, first.body)
      assert.equal(
        (await call(clerk, 'POST', `/measures/${id}/values/2023-04-01/approve`)).statusCode,
        403,
        'own submission',
      )
      assert.equal(
        (await call(viewer, 'POST', `/measures/${id}/values/2023-04-01/approve`)).statusCode,
        403,
      )
      const approved = await call(approver, 'POST', `/measures/${id}/values/2023-04-01/approve`)
      assert.equal(approved.statusCode, 200, approved.body)
      assert.equal(approved.json<Value>().status, 'approved')

      const q1 = await post(clerk, {
        period: { frequency: 'quarterly', start: '2024-04-01' },
        value: 48,
        commentary: 'Slightly down',
        submit: true,
      })
      const v = q1.json<Value>()
      assert.deepEqual(
        [v.target, v.rag, v.directionYearOnYear, v.status],
        [50, 'amber', 'improving', 'submitted'],
      )
      assert.equal(v.period.label, '2024/25 Q1')

      const noReason = await call(approver, 'POST', `/measures/${id}/values/2024-04-01/return`, {})
      assert.equal(noReason.statusCode, 400)
      const returned = await call(approver, 'POST', `/measures/${id}/values/2024-04-01/return`, {
        reason: 'Check it',
      })
      assert.equal(returned.json<Value & { returnReason: string }>().returnReason, 'Check it')
      const version = returned.json<Value>().version

      assert.equal(
        (
          await post(clerk, {
            period: '2024/25 Q1',
            value: 49,
            commentary: 'x',
            version: version - 1,
          })
        ).statusCode,
        409,
      )
      const changed = await post(clerk, {
        period: '2024/25 Q1',
        value: 49,
        commentary: 'Rechecked',
        version,
        submit: true,
      })
      assert.equal(changed.statusCode, 200, changed.body)
      await call(approver, 'POST', `/measures/${id}/values/2024-04-01/approve`)

      const red = await post(clerk, { period: '2024/25 Q2', value: 30 })
      assert.equal(red.statusCode, 400)
      assert.match(red.json<{ error: { message: string } }>().error.message, /commentary/)
      const bad = await post(clerk, { period: '2024/25 Q3', value: 'lots' })
      assert.equal(bad.statusCode, 400)
      const wrong = await post(clerk, { period: 'Sep 2024', value: 40 })
      assert.equal(wrong.statusCode, 400)

      const q1Now = (await call(viewer, 'GET', `/measures/${id}/values/2024-04-01`)).json<Value>()
      const restated = await call(clerk, 'PATCH', `/measures/${id}/values/2024-04-01`, {
        value: 51,
        version: q1Now.version,
        reason: 'Late data',
        submit: true,
      })
      assert.equal(restated.statusCode, 200, restated.body)
      assert.equal(restated.json<Value>().restated, true)

      const values = (await call(clerk, 'GET', `/measures/${id}/values`)).json<{
        items: Value[]
      }>()
      assert.deepEqual(
        values.items.map((x) => x.period.start),
        ['2023-04-01', '2024-04-01'],
      )
      const measure = (await call(clerk, 'GET', `/measures/${id}`)).json<{ latest: Value }>()
      assert.equal(measure.latest.period.start, '2024-04-01')
      assert.equal(measure.latest.forecast?.method, 'average')
      // The restatement waits for approval: a viewer sees the signed-off figures only.
      const seen = (await call(viewer, 'GET', `/measures/${id}/values`)).json<{ items: Value[] }>()
      assert.deepEqual(
        seen.items.map((x) => x.period.start),
        ['2023-04-01'],
      )

      const queue = (await call(approver, 'GET', '/approvals')).json<{ items: unknown[] }>()
      assert.equal(queue.items.length, 1)
      const updates = (await call(clerk, 'GET', '/my-updates')).json<{
        items: { state: string }[]
      }>()
      assert.ok(updates.items.length > 0)
    })

    it('stores benchmarks and answers 404 for another organisation’s measure', async () => {
      const id = await recyclingMeasure('BM04')
      const saved = await call(officer, 'POST', `/measures/${id}/benchmarks`, {
        period: '2024/25 Q1',
        familyAverage: 47.5,
        nationalMedian: 46,
        source: 'LG Inform',
      })
      assert.equal(saved.statusCode, 201, saved.body)
      const list = (await call(viewer, 'GET', `/measures/${id}/benchmarks`)).json<{
        items: { familyAverage: number }[]
      }>()
      assert.equal(list.items[0]?.familyAverage, 47.5)
      assert.equal((await call(outsider, 'GET', `/measures/${id}`)).statusCode, 404)
      assert.equal(
        (await call(outsider, 'POST', `/measures/${id}/values`, { period: '2024/25 Q3', value: 1 }))
          .statusCode,
        404,
      )
      const openapi = (await call(viewer, 'GET', '/openapi.json')).json<{
        paths: Record<string, unknown>
      }>()
      assert.ok('/api/v1/measures/{id}/values/{start}/approve' in openapi.paths)
    })
  })
}
