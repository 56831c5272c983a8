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
import { Forbidden, Invalid } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'

interface Json {
  [key: string]: unknown
}

const count = async (ctx: TestContext, table: 'project_gateways' | 'audit_records') =>
  Number(
    (
      await ctx.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

for (const mode of testModes()) {
  describe(`project stages and gateway reviews (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let officer: Principal & { email: string }
    let viewer: Principal & { email: string }
    let officerAgent: Agent
    let viewerAgent: Agent
    let officerToken: string
    let viewerToken: string
    let projectId: string

    const json = (response: { body: string }) => JSON.parse(response.body) as Json

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-11-20T12:00:00Z')
      app = await ctx.app()
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      viewer = await ctx.person(org, { role: 'viewer' })
      officerAgent = await Agent.signedIn(app, officer.email)
      viewerAgent = await Agent.signedIn(app, viewer.email)
      officerToken = (await ctx.services.auth.createToken(officer, 't')).token
      viewerToken = (await ctx.services.auth.createToken(viewer, 't')).token
      const project = await ctx.services.projects.create(officer, {
        level: 'project',
        code: 'WST1',
        title: 'Food waste collections',
        leadUnitId: org.units.waste,
      })
      projectId = project.id
    })
    after(() => ctx.close())

    it('records a gateway review with its audit record, and refuses bad input with nothing written', async () => {
      const gateways = ctx.services.projectGateways
      const before = await count(ctx, 'project_gateways')
      const audits = await count(ctx, 'audit_records')
      await assert.rejects(
        gateways.add(officer, projectId, {
          stage: 'business_case',
          decision: 'proceed_with_conditions',
          reviewDate: '2025-11-01',
          reviewer: 'Programme board',
        }),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'conditions',
      )
      await assert.rejects(
        gateways.add(officer, projectId, {
          stage: 'business_case',
          decision: 'proceed',
          reviewDate: '2025-12-01',
          reviewer: 'Programme board',
        }),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'reviewDate',
      )
      await assert.rejects(
        gateways.add(viewer, projectId, {
          stage: 'business_case',
          decision: 'proceed',
          reviewDate: '2025-11-01',
          reviewer: 'Programme board',
        }),
        Forbidden,
      )
      assert.equal(await count(ctx, 'project_gateways'), before, 'nothing written')
      assert.equal(await count(ctx, 'audit_records'), audits, 'nothing audited')
      const recorded = await gateways.add(officer, projectId, {
        stage: 'business_case',
        decision: 'proceed_with_conditions',
        reviewDate: '2025-11-01',
        reviewer: 'Waste programme board',
        conditions: 'Lease the vehicles',
      })
      assert.equal(recorded.decisionText, 'Proceed with conditions')
      assert.equal(recorded.reviewDateText, '1 November 2025')
      assert.equal(await count(ctx, 'audit_records'), audits + 1)
      const listed = await gateways.list(viewer, projectId)
      assert.deepEqual(
        listed.map((g) => [g.stage, g.decision, g.reviewer, g.conditions]),
        [
          [
            'business_case',
            'proceed_with_conditions',
            'Waste programme board',
            'Lease the vehicles',
          ],
        ],
      )
    })

    it('shows the stage, assurance and reviews on the project page, with forms for its managers only', async () => {
      const path = `/projects/${projectId}`
      await officerAgent.get(`${path}/stage`)
      const bad = await officerAgent.post(`${path}/stage`, { stage: 'nowhere', assurance: 'none' })
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /govuk-error-summary/)
      assert.match(bad.body, /href="#stage"/)
      const saved = await officerAgent.post(`${path}/stage`, {
        stage: 'delivery',
        assurance: 'amber_green',
      })
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 500))
      const project = await ctx.services.projects.get(viewer, projectId)
      assert.deepEqual([project.stage, project.assurance], ['delivery', 'amber_green'])

      await officerAgent.get(`${path}/gateways/new`)
      const before = await count(ctx, 'project_gateways')
      const invalid = await officerAgent.post(`${path}/gateways/new`, {
        stage: 'delivery',
        decision: 'proceed',
        reviewDate: 'soon',
        reviewer: '',
      })
      assert.equal(invalid.statusCode, 400)
      assert.match(invalid.body, /href="#reviewDate"/)
      assert.match(invalid.body, /href="#reviewer"/)
      assert.equal(await count(ctx, 'project_gateways'), before, 'nothing written')
      const ok = await officerAgent.post(`${path}/gateways/new`, {
        stage: 'delivery',
        decision: 'hold',
        reviewDate: '2025-11-15',
        reviewer: 'Waste programme board',
      })
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 500))

      const page = await viewerAgent.get(path)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Stage, assurance and gateway reviews/)
      assert.match(page.body, /Amber\/green/)
      assert.match(page.body, /15 November 2025/)
      assert.doesNotMatch(page.body, /Record a gateway review/, 'no form link for a viewer')
      assert.equal((await viewerAgent.get(`${path}/gateways/new`)).statusCode, 403)
      await viewerAgent.get(path)
      const refused = await viewerAgent.post(`${path}/gateways/new`, {
        stage: 'delivery',
        decision: 'stop',
        reviewDate: '2025-11-16',
        reviewer: 'Me',
      })
      assert.equal(refused.statusCode, 403)
      assert.equal(await count(ctx, 'project_gateways'), before + 1)
    })

    it('serves gateways, stage and assurance through the API and OpenAPI', async () => {
      const url = `/api/v1/projects/${projectId}/gateways`
      const before = await count(ctx, 'project_gateways')
      const bad = await bearer(app, officerToken, 'POST', url, {
        stage: 'delivery',
        decision: 'maybe',
        reviewDate: '2025-11-18',
        reviewer: 'Board',
      })
      assert.equal(bad.statusCode, 400, bad.body)
      const forbidden = await bearer(app, viewerToken, 'POST', url, {
        stage: 'delivery',
        decision: 'proceed',
        reviewDate: '2025-11-18',
        reviewer: 'Board',
      })
      assert.equal(forbidden.statusCode, 403, forbidden.body)
      assert.equal(await count(ctx, 'project_gateways'), before, 'nothing written')
      const created = await bearer(app, officerToken, 'POST', url, {
        stage: 'delivery',
        decision: 'proceed',
        reviewDate: '2025-11-18',
        reviewer: 'Board',
      })
      assert.equal(created.statusCode, 201, created.body)
      const list = json(await bearer(app, viewerToken, 'GET', url))
      assert.equal((list.items as Json[])[0]?.decision, 'proceed')
      const patched = await bearer(app, officerToken, 'PATCH', `/api/v1/projects/${projectId}`, {
        stage: 'closure',
        assurance: 'red',
      })
      assert.equal(patched.statusCode, 200, patched.body)
      const project = json(await bearer(app, viewerToken, 'GET', `/api/v1/projects/${projectId}`))
      assert.deepEqual([project.stage, project.assurance], ['closure', 'red'])
      const spec = json(await app.inject({ method: 'GET', url: '/api/v1/openapi.json' }))
      assert.ok(Object.keys(spec.paths as Json).includes('/api/v1/projects/{id}/gateways'))
    })
  })
}
