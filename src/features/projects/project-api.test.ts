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

interface Json {
  [key: string]: unknown
}

for (const mode of testModes()) {
  describe(`projects API (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let officerToken: string
    let leadToken: string
    let approverToken: string
    let leadId: string

    const call = (
      token: string,
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: unknown,
    ) => bearer(app, token, method, `/api/v1${url}`, payload)
    const json = (response: { body: string }) => JSON.parse(response.body) as Json

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-05-15T12:00:00Z')
      app = await ctx.app()
      org = await ctx.organisation()
      const officer = await ctx.person(org, { role: 'performance_officer' })
      const lead = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' })
      const approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      leadId = lead.personId
      officerToken = (await ctx.services.auth.createToken(officer, 't')).token
      leadToken = (await ctx.services.auth.createToken(lead, 't')).token
      approverToken = (await ctx.services.auth.createToken(approver, 't')).token
    })
    after(() => ctx.close())

    it('creates, lists with filters, gets and patches projects', async () => {
      const created = await call(officerToken, 'POST', '/projects', {
        level: 'programme',
        code: 'WST',
        title: 'Waste transformation',
        leadUnitId: org.units.waste,
        startDate: '2025-04-01',
        endDate: '2026-03-31',
        budget: 1250000,
      })
      assert.equal(created.statusCode, 201, created.body)
      const programme = json(created)
      assert.equal(programme.status, 'on_track')
      assert.deepEqual(programme.suggestedStatus, { status: 'on_track', reasons: [] })
      const action = json(
        await call(officerToken, 'POST', '/projects', {
          level: 'action',
          parentId: programme.id,
          title: 'Caddies',
          managerId: leadId,
        }),
      )
      const list = json(await call(leadToken, 'GET', '/projects?level=action&pageSize=10'))
      assert.equal(list.total, 1)
      assert.equal((list.items as Json[])[0]?.id, action.id)
      const top = json(await call(leadToken, 'GET', '/projects?parentId=none'))
      assert.deepEqual(
        (top.items as Json[]).map((p) => p.id),
        [programme.id],
      )
      const got = json(await call(leadToken, 'GET', `/projects/${String(programme.id)}`))
      assert.equal((got.children as Json[]).length, 1)
      const patched = await call(officerToken, 'PATCH', `/projects/${String(programme.id)}`, {
        status: 'at_risk',
        statusReason: 'Budget pressure',
        version: programme.version,
      })
      assert.equal(patched.statusCode, 200, patched.body)
      assert.equal(json(patched).status, 'at_risk')
      const stale = await call(officerToken, 'PATCH', `/projects/${String(programme.id)}`, {
        title: 'Stale',
        version: programme.version,
      })
      assert.equal(stale.statusCode, 409)
      assert.equal((json(stale).error as Json).id, 'conflict')
    })

    it('answers bad input with 400 and details, and writes nothing', async () => {
      const bad = await call(officerToken, 'POST', '/projects', {
        level: 'programme',
        title: 'Backwards',
        startDate: '2025-05-01',
        endDate: '2025-04-01',
      })
      assert.equal(bad.statusCode, 400)
      const error = json(bad).error as Json
      assert.equal(error.id, 'invalid')
      assert.deepEqual((error.details as Json[])[0]?.field, 'endDate')
      const empty = await call(officerToken, 'POST', '/projects', {})
      assert.equal(empty.statusCode, 400)
      const list = json(await call(officerToken, 'GET', '/projects?q=Backwards'))
      assert.equal(list.total, 0)
      const forbidden = await call(leadToken, 'POST', '/projects', {
        level: 'programme',
        title: 'x',
      })
      assert.equal(forbidden.statusCode, 403)
    })

    it('runs milestones, dependencies, benefits and the update workflow', async () => {
      const p = json(
        await call(officerToken, 'POST', '/projects', {
          level: 'project',
          title: 'Food waste',
          leadUnitId: org.units.waste,
          managerId: leadId,
          startDate: '2025-04-01',
          endDate: '2026-03-31',
        }),
      )
      const id = String(p.id)
      const m = await call(officerToken, 'POST', `/projects/${id}/milestones`, {
        title: 'Vehicles',
        due: '2025/26 Q2',
      })
      assert.equal(m.statusCode, 201, m.body)
      const moved = await call(
        officerToken,
        'PATCH',
        `/projects/${id}/milestones/${String(json(m).id)}`,
        {
          due: '2025-12-15',
          rescheduleReason: 'Manufacturer delay',
        },
      )
      assert.equal(json(moved).status, 'rescheduled')
      const outside = await call(officerToken, 'POST', `/projects/${id}/milestones`, {
        title: 'Too late',
        due: '2027-01-01',
      })
      assert.equal(outside.statusCode, 400)
      const self = await call(officerToken, 'POST', `/projects/${id}/dependencies`, {
        dependsOnId: id,
      })
      assert.equal(self.statusCode, 400)
      const benefit = await call(officerToken, 'POST', `/projects/${id}/benefits`, {
        kind: 'non_financial',
        title: 'Recycling rate',
        financialYear: '2025/26',
        measureUnit: '%',
        planned: 50,
      })
      assert.equal(benefit.statusCode, 201, benefit.body)
      const update = await call(leadToken, 'POST', `/projects/${id}/updates`, {
        month: '2025-04',
        highlights: 'Vehicles ordered',
        confidence: 'medium',
        submit: true,
      })
      assert.equal(update.statusCode, 201, update.body)
      const u = json(update)
      const own = await call(
        leadToken,
        'POST',
        `/projects/${id}/updates/${String(u.id)}/approve`,
        {},
      )
      assert.equal(own.statusCode, 403)
      const ret = await call(
        approverToken,
        'POST',
        `/projects/${id}/updates/${String(u.id)}/return`,
        {},
      )
      assert.equal(ret.statusCode, 400)
      const approved = await call(
        approverToken,
        'POST',
        `/projects/${id}/updates/${String(u.id)}/approve`,
        {
          version: u.version,
        },
      )
      assert.equal(approved.statusCode, 200, approved.body)
      const restate = await call(
        approverToken,
        'PATCH',
        `/projects/${id}/updates/${String(u.id)}`,
        {
          version: u.version,
          highlights: 'x',
          reason: 'y',
        },
      )
      assert.equal(restate.statusCode, 409, 'the version moved on when it was approved')
      const list = json(await call(leadToken, 'GET', `/projects/${id}/updates`))
      assert.equal((list.items as Json[])[0]?.status, 'approved')
      const report = await call(leadToken, 'GET', `/projects/${id}/highlight-report?month=2025-05`)
      assert.equal(report.statusCode, 200)
      assert.equal(((json(report).sections as Json[])[0]?.actions as Json[]).length, 1)
    })

    it('describes the endpoints in OpenAPI', async () => {
      const spec = json(await app.inject({ method: 'GET', url: '/api/v1/openapi.json' }))
      const paths = Object.keys(spec.paths as Json)
      for (const path of [
        '/api/v1/projects',
        '/api/v1/projects/{id}',
        '/api/v1/projects/{id}/milestones',
        '/api/v1/projects/{id}/updates',
        '/api/v1/projects/{id}/updates/{updateId}/approve',
        '/api/v1/projects/{id}/dependencies',
        '/api/v1/projects/{id}/benefits',
      ]) {
        assert.ok(paths.includes(path), `${path} is documented`)
      }
    })
  })
}
