import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Agent, bearer } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { App } from '../../app.ts'
import type { Role } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'
import { buildDemoCouncil, DEMO_PASSWORD } from '../demo/index.ts'

interface ApiReport {
  id: string
  status: string
  title: string
  document?: { title: string; blocks: unknown[] }
  editable?: { key: string; text: string }[]
  changes?: unknown[] | null
}
interface ApiList<T> {
  items: T[]
  total: number
}

/** What each format's first bytes must be: a real file of that type. */
const SIGNATURES: Record<string, { type: RegExp; starts: string }> = {
  html: { type: /^text\/html/, starts: '<!DOCTYPE html>' },
  csv: { type: /^text\/csv/, starts: '' },
  docx: { type: /wordprocessingml/, starts: 'PK' },
  xlsx: { type: /spreadsheetml/, starts: 'PK' },
  pdf: { type: /^application\/pdf/, starts: '%PDF-' },
}

for (const mode of testModes()) {
  describe(`reports API and pages (${mode})`, () => {
    let ctx: TestContext
    let app: App
    const tokens = new Map<Role, string>()
    let outsider: string

    const call = (
      method: 'GET' | 'POST' | 'PUT',
      url: string,
      payload?: unknown,
      role: string = 'performance_officer',
    ) => bearer(app, tokens.get(role as Role) ?? role, method, `/api/v1${url}`, payload)

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-11-20T12:00:00Z')
      app = await ctx.app()
      const org = await buildDemoCouncil(ctx.database.db, ctx.clock.read)
      const rows = await ctx.database.db
        .selectFrom('people as p')
        .innerJoin('role_assignments as r', 'r.person_id', 'p.id')
        .select(['p.id', 'p.name', 'p.email', 'r.role', 'r.unit_id'])
        .where('p.organisation_id', '=', org.id)
        .execute()
      for (const row of rows) {
        const principal: Principal = {
          personId: row.id,
          organisationId: org.id,
          organisationName: org.name,
          organisationSlug: org.slug,
          name: row.name,
          email: row.email,
          roles: [{ role: row.role, unitId: row.unit_id }],
        }
        tokens.set(row.role, (await ctx.services.auth.createToken(principal, 'tests')).token)
      }
      const other = await ctx.organisation()
      const admin = await ctx.person(other, { role: 'administrator' })
      outsider = (await ctx.services.auth.createToken(admin, 'tests')).token
    })
    after(() => ctx.close())

    it('refuses a bad kind or period with 400 and the field', async () => {
      const kind = await call('POST', '/reports', { kind: 'monthly-gossip', period: '2025/26 Q2' })
      assert.equal(kind.statusCode, 400)
      const period = await call('POST', '/reports', { kind: 'scrutiny', period: 'Sep 2025' })
      assert.equal(period.statusCode, 400)
      assert.equal(
        period.json<{ error: { details: { field: string }[] } }>().error.details[0]?.field,
        'period',
      )
      const viewer = await call(
        'POST',
        '/reports',
        { kind: 'scrutiny', period: '2025/26 Q2' },
        'viewer',
      )
      assert.equal(viewer.statusCode, 403)
    })

    it('creates, edits, publishes and downloads a report in every format', async () => {
      const created = await call('POST', '/reports', {
        kind: 'scrutiny',
        period: { frequency: 'quarterly', start: '2025-07-01' },
      })
      assert.equal(created.statusCode, 201, created.body)
      const reportId = created.json<ApiReport>().id
      const got = await call('GET', `/reports/${reportId}`)
      assert.equal(got.statusCode, 200)
      const draft = got.json<ApiReport>()
      assert.equal(draft.status, 'draft')
      assert.ok(draft.document && draft.document.blocks.length > 0)
      assert.ok(draft.editable?.some((p) => p.key === 'summary'))

      const edited = await call('PUT', `/reports/${reportId}/narrative`, {
        edits: { summary: 'Scrutiny is asked to look at housing.' },
      })
      assert.equal(edited.statusCode, 200, edited.body)
      const drafts = await call('GET', '/reports?status=draft')
      assert.ok(drafts.json<ApiList<ApiReport>>().items.some((r) => r.id === reportId))
      const councillorBefore = await call('GET', `/reports/${reportId}`, undefined, 'councillor')
      assert.equal(councillorBefore.statusCode, 404)

      const published = await call('POST', `/reports/${reportId}/publish`)
      assert.equal(published.statusCode, 200, published.body)
      assert.equal(published.json<ApiReport>().status, 'published')
      assert.equal((await call('POST', `/reports/${reportId}/publish`)).statusCode, 409)

      for (const [format, signature] of Object.entries(SIGNATURES)) {
        const file = await call(
          'GET',
          `/reports/${reportId}/download?format=${format}`,
          undefined,
          'councillor',
        )
        assert.equal(file.statusCode, 200, `${format}: ${file.body.slice(0, 200)}`)
        assert.match(file.headers['content-type'] ?? '', signature.type)
        assert.match(String(file.headers['content-disposition']), new RegExp(`\\.${format}"$`))
        assert.ok(
          file.rawPayload.subarray(0, signature.starts.length).toString('latin1') ===
            signature.starts,
          format,
        )
        assert.ok(file.rawPayload.length > 500, `${format} has content`)
      }
      const html = await call('GET', `/reports/${reportId}/download?format=html`)
      assert.match(html.body, /Scrutiny is asked to look at housing\./)
      assert.equal((await call('GET', `/reports/${reportId}/download?format=doc`)).statusCode, 400)
    })

    it('lists published reports for councillors, none for partners, and hides them from other councils', async () => {
      const created = await call('POST', '/reports', { kind: 'scrutiny', period: '2025/26 Q1' })
      assert.equal(created.statusCode, 201, created.body)
      const reportId = created.json<ApiReport>().id
      const published = await call('POST', `/reports/${reportId}/publish`)
      assert.equal(published.statusCode, 200, published.body)
      const list = await call('GET', '/reports', undefined, 'councillor')
      assert.equal(list.statusCode, 200)
      const items = list.json<ApiList<ApiReport>>().items
      assert.ok(items.length > 0 && items.every((r) => r.status === 'published'))
      assert.equal((await call('GET', '/reports', undefined, 'partner')).statusCode, 403)
      assert.equal((await call('GET', `/reports/${reportId}`, undefined, outsider)).statusCode, 404)
      assert.equal(
        (await call('GET', `/reports/${reportId}/download?format=pdf`, undefined, outsider))
          .statusCode,
        404,
      )
      assert.equal(
        (await call('POST', `/reports/${reportId}/publish`, undefined, outsider)).statusCode,
        404,
      )
      assert.equal(
        (await call('GET', '/reports', undefined, outsider)).json<ApiList<ApiReport>>().total,
        0,
      )
    })

    it('keeps the calendar: committees, meetings and the reports for them', async () => {
      const committee = await call('POST', '/committees', {
        name: 'Health Scrutiny Panel',
        reportKinds: ['scrutiny'],
      })
      assert.equal(committee.statusCode, 201, committee.body)
      const id = committee.json<{ id: string }>().id
      const meeting = await call('POST', `/committees/${id}/meetings`, {
        meetingDate: '2026-01-15',
      })
      assert.equal(meeting.statusCode, 201, meeting.body)
      const again = await call('POST', `/committees/${id}/meetings`, { meetingDate: '2026-01-15' })
      assert.equal(again.statusCode, 400)
      const report = await call('POST', '/reports', {
        kind: 'scrutiny',
        period: '2025/26 Q2',
        meetingId: meeting.json<{ id: string }>().id,
      })
      assert.equal(report.statusCode, 201)
      const detail = await call('GET', `/committees/${id}`)
      const meetings = detail.json<{
        meetings: { due: { kind: string; made: boolean }[]; reports: { id: string }[] }[]
      }>().meetings
      assert.deepEqual(meetings[0]?.due, [
        { kind: 'scrutiny', name: 'Quarterly Overview and Scrutiny report', made: true },
      ])
      assert.equal(meetings.at(0)?.reports.at(0)?.id, report.json<{ id: string }>().id)
      assert.equal((await call('GET', `/committees/${id}`, undefined, outsider)).statusCode, 404)
    })

    it('describes the reports API in OpenAPI', async () => {
      const spec = await call('GET', '/openapi.json')
      const paths = Object.keys(spec.json<{ paths: Record<string, unknown> }>().paths)
      for (const path of [
        '/api/v1/reports',
        '/api/v1/reports/{id}',
        '/api/v1/reports/{id}/publish',
        '/api/v1/reports/{id}/download',
      ]) {
        assert.ok(paths.includes(path), path)
      }
    })

    it('lets the performance team create, edit and publish on the pages', async () => {
      const agent = await Agent.signedIn(app, 'performance@example-city.gov.uk', DEMO_PASSWORD)
      assert.equal((await agent.get('/reports')).statusCode, 200)
      assert.equal((await agent.get('/reports/new')).statusCode, 200)
      const bad = await agent.post('/reports/new', { kind: 'year-end', period: '2025/26 Q1' })
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /govuk-error-summary/)
      assert.match(bad.body, /covers a financial year/)
      const made = await agent.post('/reports/new', { kind: 'year-end', period: '2024/25' })
      assert.equal(made.statusCode, 303, made.body)
      const url = String(made.headers.location)
      const page = await agent.get(url)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Year-end performance report, 2024\/25/)
      const form = await agent.get(`${url}/narrative`)
      assert.equal(form.statusCode, 200)
      const field = /name="(edit-0)"/.exec(form.body)?.[1] ?? ''
      assert.equal(
        (await agent.post(`${url}/narrative`, { [field]: 'A strong year.' })).statusCode,
        303,
      )
      assert.match((await agent.get(url)).body, /A strong year\./)
      assert.equal((await agent.get(`${url}/publish`)).statusCode, 200)
      assert.equal((await agent.post(`${url}/publish`)).statusCode, 303)
      assert.match((await agent.get(url)).body, /Published<\/strong> on/)
      assert.equal((await agent.get('/committees')).statusCode, 200)

      const councillor = await Agent.signedIn(app, 'councillor@example-city.gov.uk', DEMO_PASSWORD)
      assert.equal((await councillor.get(url)).statusCode, 200)
      assert.equal((await councillor.get('/reports/new')).statusCode, 403)
    })
  })
}
