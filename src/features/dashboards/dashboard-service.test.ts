import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { App } from '../../app.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import type { MeasureTile } from './dashboard-content.ts'

const QUARTERS = ['2024/25 Q1', '2024/25 Q2', '2024/25 Q3', '2024/25 Q4']

for (const mode of testModes()) {
  describe(`dashboards (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let officer: Principal & { email: string }
    let clerk: Principal
    let approver: Principal
    let viewer: Principal & { email: string }
    let colleague: Principal & { email: string }
    let elsewhere: Principal & { email: string }
    let outsider: Principal
    let measureId: string

    async function enter(period: string, value: number, extra: Record<string, unknown> = {}) {
      await ctx.services.values.save(clerk, measureId, {
        period,
        value,
        commentary: 'Fewer crews over the holidays',
        submit: true,
        ...extra,
      })
      const start = (await ctx.services.values.list(clerk, measureId)).find(
        (v) => v.period.label === period,
      )
      assert.ok(start)
      await ctx.services.values.approve(approver, measureId, start.period.start)
    }

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      app = await ctx.app()
      org = await ctx.organisation()
      const other = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      clerk = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' })
      approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      viewer = await ctx.person(org, { role: 'viewer', unit: 'waste' })
      colleague = await ctx.person(org, { role: 'viewer', unit: 'waste' })
      elsewhere = await ctx.person(org, { role: 'viewer', unit: 'care' })
      outsider = await ctx.person(other, { role: 'administrator' })
      const m = await ctx.services.measures.create(officer, {
        code: 'WS01',
        title: 'Household waste recycled',
        unit: 'percent',
        decimals: 1,
        polarity: 'higher_is_better',
        frequency: 'quarterly',
        kind: 'strategic',
        tolerance: { type: 'percent', value: 5 },
        dueWorkingDays: 10,
        unitId: org.units.waste,
      } as never)
      measureId = m.id
      await ctx.services.measures.putTargets(officer, measureId, {
        targets: [{ period: '2024/25', value: 50 }],
      })
      for (const [i, q] of QUARTERS.entries()) await enter(q, [52, 51, 49, 30][i] ?? 0)
    })
    after(() => ctx.close())

    it('lets the performance team set up the corporate dashboard, and no one else', async () => {
      await assert.rejects(
        ctx.services.dashboards.create(viewer, {
          title: 'Corporate',
          kind: 'corporate',
          tiles: [],
        } as never),
        Forbidden,
      )
      const corporate = await ctx.services.dashboards.create(officer, {
        title: 'Corporate dashboard',
        kind: 'corporate',
        tiles: [
          { kind: 'measure', itemId: measureId, section: 'Clean and green' },
          { kind: 'list', list: 'exceptions' },
        ],
      } as never)
      await assert.rejects(
        ctx.services.dashboards.create(officer, {
          title: 'Another',
          kind: 'corporate',
          tiles: [],
        } as never),
        Conflict,
      )
      const content = await ctx.services.dashboards.dashboardContent(viewer, corporate.id)
      const tile = content.sections[0]?.tiles[0] as MeasureTile
      assert.equal(content.sections[0]?.title, 'Clean and green')
      assert.equal(tile.period?.label, '2024/25 Q4')
      assert.equal(tile.value, 30)
      assert.equal(tile.rag, 'red')
      assert.equal(tile.direction, 'worsening')
      assert.deepEqual(
        tile.trend.map((p) => p.value),
        [52, 51, 49, 30],
      )
      const list = content.sections[1]?.tiles[0]
      assert.ok(list?.kind === 'list', 'a list tile')
      assert.ok(list.items.some((i) => i.href === `/measures/${measureId}`))
      await assert.rejects(ctx.services.dashboards.get(outsider, corporate.id), NotFound)
    })

    it('shows a dashboard as at a past period, approved values only and restatements flagged', async () => {
      const corporate = await ctx.services.dashboards.corporate(viewer)
      assert.ok(corporate)
      const asAtQ2 = await ctx.services.dashboards.dashboardContent(
        viewer,
        corporate.id,
        '2024/25 Q2',
      )
      const before = asAtQ2.sections[0]?.tiles[0] as MeasureTile
      assert.equal(before.period?.label, '2024/25 Q2')
      assert.equal(before.value, 51)
      assert.equal(before.restated, 'no')
      // Restating Q2 later: the view as at Q2 still shows what was known then, flagged.
      const q2 = (await ctx.services.values.list(clerk, measureId))[1]
      assert.ok(q2)
      await enter('2024/25 Q2', 55, {
        version: q2.version,
        reason: 'Late tonnages from the contractor',
      })
      const restated = await ctx.services.dashboards.dashboardContent(
        viewer,
        corporate.id,
        '2024/25 Q2',
      )
      const tile = restated.sections[0]?.tiles[0] as MeasureTile
      assert.equal(tile.value, 51)
      assert.equal(tile.restated, 'restated_since')
      const q3 = await ctx.services.dashboards.dashboardContent(viewer, corporate.id, '2024/25 Q3')
      assert.deepEqual(
        (q3.sections[0]?.tiles[0] as MeasureTile).trend.map((p) => p.value),
        [52, 51, 49],
        'as at Q3 the restatement of Q2 was not yet known',
      )
      const now = await ctx.services.dashboards.dashboardContent(viewer, corporate.id)
      assert.deepEqual(
        (now.sections[0]?.tiles[0] as MeasureTile).trend.map((p) => p.value),
        [52, 55, 49, 30],
      )
      await assert.rejects(
        ctx.services.dashboards.dashboardContent(viewer, corporate.id, '2025/26 Q2'),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'asAt',
      )
    })

    it('shows only what needs attention, filtered by unit', async () => {
      const all = await ctx.services.dashboards.exceptions(viewer, {})
      const item = all.items.find((i) => i.id === measureId)
      assert.ok(item)
      assert.ok(item.reasons.some((r) => r.key === 'red'))
      // The row says enough not to open the measure: figure, target, status, direction, why.
      assert.deepEqual(item.figures, {
        period: '2024/25 Q4',
        value: '30.0%',
        target: '50.0%',
        status: 'Red',
        direction: 'Worsening',
        commentary: 'Fewer crews over the holidays',
      })
      const waste = await ctx.services.dashboards.exceptions(viewer, { unitId: org.units.place })
      assert.ok(waste.items.some((i) => i.id === measureId))
      const care = await ctx.services.dashboards.exceptions(viewer, { unitId: org.units.care })
      assert.ok(!care.items.some((i) => i.id === measureId))
      const asAtQ2 = await ctx.services.dashboards.exceptions(viewer, { asAt: '2024/25 Q2' })
      assert.ok(!asAtQ2.items.some((i) => i.id === measureId), 'green as at Q2')
    })

    it('builds a personal dashboard with forms alone, and shares it with a unit', async () => {
      const agent = await Agent.signedIn(app, viewer.email)
      await agent.get('/dashboards/new')
      const blank = await agent.post('/dashboards/new', { title: '' })
      assert.equal(blank.statusCode, 400)
      assert.match(blank.body, /href="#title"/)
      const created = await agent.post('/dashboards/new', { title: 'My waste measures' })
      assert.equal(created.statusCode, 303, created.body.slice(0, 500))
      const edit = String(created.headers.location)
      const id = edit.split('/')[2] ?? ''
      await agent.get(edit)
      const missing = await agent.post(`/dashboards/${id}/tiles`, { kind: 'measure' })
      assert.equal(missing.statusCode, 400)
      assert.match(missing.body, /href="#itemId"/)
      assert.equal(
        (await agent.post(`/dashboards/${id}/tiles`, { kind: 'measure', itemId: measureId }))
          .statusCode,
        303,
      )
      await agent.get(edit)
      assert.equal(
        (await agent.post(`/dashboards/${id}/tiles`, { kind: 'list', list: 'programmes' }))
          .statusCode,
        303,
      )
      let view = await ctx.services.dashboards.get(viewer, id)
      assert.deepEqual(
        view.tiles.map((t) => t.kind),
        ['measure', 'list'],
      )
      await agent.get(edit)
      const second = view.tiles[1]?.id ?? ''
      const moved = await agent.post(`/dashboards/${id}/tiles/${second}/move`, { move: 'up' })
      assert.equal(moved.statusCode, 303, moved.body.slice(0, 2000))
      view = await ctx.services.dashboards.get(viewer, id)
      assert.deepEqual(
        view.tiles.map((t) => t.kind),
        ['list', 'measure'],
      )
      await agent.get(edit)
      assert.equal((await agent.post(`/dashboards/${id}/tiles/${second}/remove`)).statusCode, 303)
      view = await ctx.services.dashboards.get(viewer, id)
      assert.deepEqual(
        view.tiles.map((t) => t.kind),
        ['measure'],
      )

      await assert.rejects(ctx.services.dashboards.get(colleague, id), NotFound)
      await agent.get(edit)
      const shared = await agent.post(`/dashboards/${id}/settings`, {
        title: 'Waste at a glance',
        sharedUnitId: org.units.waste ?? '',
      })
      assert.equal(shared.statusCode, 303)
      assert.equal((await ctx.services.dashboards.get(colleague, id)).title, 'Waste at a glance')
      await assert.rejects(ctx.services.dashboards.get(elsewhere, id), NotFound)
      await assert.rejects(
        ctx.services.dashboards.addTile(colleague, id, {
          kind: 'list',
          list: 'programmes',
        } as never),
        Forbidden,
      )
      const page = await (await Agent.signedIn(app, colleague.email)).get(`/dashboards/${id}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /WS01: Household waste recycled/)
      assert.doesNotMatch(page.body, /Change this dashboard/)
    })

    it('serves definitions and computed content through the API', async () => {
      const agent = await Agent.signedIn(app, colleague.email)
      const created = await agent.api('POST', '/api/v1/dashboards', {
        title: 'From the API',
        tiles: [{ kind: 'measure', itemId: measureId }],
      })
      assert.equal(created.statusCode, 201, created.body)
      const body = created.json<{ id: string; version: number }>()
      const bad = await agent.api('POST', '/api/v1/dashboards', {
        title: 'x',
        tiles: [{ kind: 'risk' }],
      })
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /tiles\.0\.itemId/)
      const stale = await agent.api('PATCH', `/api/v1/dashboards/${body.id}`, {
        version: 99,
        title: 'y',
      })
      assert.equal(stale.statusCode, 409)
      const changed = await agent.api('PATCH', `/api/v1/dashboards/${body.id}`, {
        version: body.version,
        title: 'Renamed',
      })
      assert.equal(changed.statusCode, 200, changed.body)
      const list = await agent.api('GET', '/api/v1/dashboards')
      assert.ok(
        list.json<{ items: { title: string }[] }>().items.some((d) => d.title === 'Renamed'),
      )
      const content = await agent.api(
        'GET',
        `/api/v1/dashboards/${body.id}/content?asAt=2024/25%20Q3`,
      )
      assert.equal(content.statusCode, 200, content.body)
      const json = content.json<{
        asAt: { label: string }
        sections: { tiles: { value: number }[] }[]
      }>()
      assert.equal(json.asAt.label, '2024/25 Q3')
      assert.equal(json.sections[0]?.tiles[0]?.value, 49)
      const badAsAt = await agent.api('GET', `/api/v1/dashboards/${body.id}/content?asAt=banana`)
      assert.equal(badAsAt.statusCode, 400)
      const openapi = await agent.api('GET', '/api/v1/openapi.json')
      assert.match(openapi.body, /\/dashboards\/\{id\}\/content/)
      assert.equal((await agent.api('DELETE', `/api/v1/dashboards/${body.id}`)).statusCode, 204)
      assert.equal((await agent.api('GET', `/api/v1/dashboards/${body.id}`)).statusCode, 404)
    })

    it('computes organisational measures with their history, refuses typed values, and flags recomputed changes', async () => {
      await assert.rejects(
        ctx.services.organisationalMeasures.setUp(viewer, 'data_returned_on_time'),
        Forbidden,
      )
      const m = await ctx.services.organisationalMeasures.setUp(officer, 'data_returned_on_time')
      assert.equal(m.computation, 'data_returned_on_time')
      const values = await ctx.services.values.list(viewer, m.id)
      assert.ok(values.length > 0, 'history computed')
      assert.ok(values.every((v) => v.status === 'approved' && v.calculated))
      await assert.rejects(
        ctx.services.values.save(officer, m.id, { period: '2024/25 Q1', value: 50 }),
        (e: unknown) =>
          e instanceof Invalid && /computed/.test(e.message + JSON.stringify(e.fields)),
      )
      const again = await ctx.services.organisationalMeasures.recompute(officer)
      assert.deepEqual(
        again.map((r) => r.restated + r.added + r.removed),
        [0],
      )
      // A figure stored from other data is restated when recomputed, the earlier one kept.
      const first = values[0]
      assert.ok(first)
      await ctx.database.db
        .updateTable('measure_values')
        .set({ value: 12.5 })
        .where('measure_id', '=', m.id)
        .where('period_start', '=', first.period.start)
        .execute()
      const changed = await ctx.services.organisationalMeasures.recompute(officer)
      assert.equal(changed[0]?.restated, 1)
      const restated = (await ctx.services.values.list(viewer, m.id))[0]
      assert.equal(restated?.restated, true)
      assert.equal(restated.restatedFrom, 12.5)
      assert.equal(restated.value, first.value)
      const tiles = await ctx.services.dashboards.content.measureTiles(viewer, [m.id], null)
      assert.equal(tiles.get(m.id)?.computed, true)
      const page = await (await Agent.signedIn(app, officer.email)).get('/organisational-measures')
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Performance data returned on time/)
    })

    it('leads a signed-in person from home to their dashboards', async () => {
      const agent = await Agent.signedIn(app, viewer.email)
      const home = await agent.get('/')
      assert.match(home.body, /The organisation at a glance/)
      assert.match(home.body, /What needs attention in/)
      for (const url of [
        '/dashboards',
        '/dashboards/exceptions',
        `/dashboards/units/${org.units.place}`,
      ]) {
        const page = await agent.get(url)
        assert.equal(page.statusCode, 200, `${url}: ${page.body.slice(0, 300)}`)
        assert.equal((page.body.match(/<h1[\s>]/g) ?? []).length, 1)
      }
      const bad = await agent.get(`/dashboards/units/${org.units.place}?asAt=nonsense`)
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /govuk-error-message/)
    })
  })
}
