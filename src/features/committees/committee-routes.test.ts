import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Agent, bearer } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { App } from '../../app.ts'
import type { Principal } from '../../core/principal.ts'

type Response = Awaited<ReturnType<Agent['get']>>

function assertPage(response: Response, status = 200): string {
  assert.equal(response.statusCode, status, response.body.slice(0, 800))
  assert.equal((response.body.match(/<h1[\s>]/g) ?? []).length, 1, 'one h1')
  return response.body
}

for (const mode of testModes()) {
  describe(`committee change pages and API (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let officer: Agent
    let viewer: Agent
    let officerPerson: Principal
    let token: string
    let viewerToken: string
    let outsiderToken: string
    let orgId: string

    /** Committees, meetings and audit records of the organisation, to show a refusal wrote nothing. */
    async function state() {
      const db = ctx.database.db
      const rows = await Promise.all(
        (['committees', 'committee_meetings', 'audit_records'] as const).map((table) =>
          db.selectFrom(table).selectAll().where('organisation_id', '=', orgId).execute(),
        ),
      )
      return JSON.stringify(rows)
    }

    async function committee(name: string) {
      return ctx.services.committees.create(officerPerson, { name, reportKinds: ['scrutiny'] })
    }

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2026-03-02T10:00:00Z')
      app = await ctx.app()
      const org = await ctx.organisation()
      orgId = org.id
      const other = await ctx.organisation()
      officerPerson = await ctx.person(org, { role: 'performance_officer' })
      const viewerPerson = await ctx.person(org, { role: 'viewer' })
      const outsider = await ctx.person(other, { role: 'administrator' })
      officer = await Agent.signedIn(app, officerPerson.email)
      viewer = await Agent.signedIn(app, viewerPerson.email)
      token = (await ctx.services.auth.createToken(officerPerson, 'tests')).token
      viewerToken = (await ctx.services.auth.createToken(viewerPerson, 'tests')).token
      outsiderToken = (await ctx.services.auth.createToken(outsider, 'tests')).token
    })
    after(() => ctx.close())

    it('changes a committee with the form, and re-shows it with the error summary for bad input', async () => {
      const { id } = await committee('Health Scrutiny Panel')
      await committee('Audit Committee')
      const page = assertPage(await officer.get(`/committees/${id}`))
      assert.match(page, new RegExp(`href="/committees/${id}/edit"`))
      const form = assertPage(await officer.get(`/committees/${id}/edit`))
      assert.match(form, /value="Health Scrutiny Panel"/)
      assert.match(form, /name="version" value="1"/)
      assert.match(form, /value="scrutiny" checked/)

      const before = await state()
      const empty = assertPage(
        await officer.post(`/committees/${id}/edit`, { name: '', version: '1' }),
        400,
      )
      assert.match(empty, /govuk-error-summary/)
      assert.match(empty, /href="#name"/)
      assert.match(empty, /Enter the committee’s name/)
      const taken = assertPage(
        await officer.post(`/committees/${id}/edit`, { name: 'audit committee', version: '1' }),
        400,
      )
      assert.match(taken, /There is already a committee called audit committee/)
      assert.equal(await state(), before)

      const saved = await officer.post(`/committees/${id}/edit`, {
        name: 'Health and Wellbeing Scrutiny Panel',
        description: 'Reviews health services',
        reportKinds: 'report-card',
        version: '1',
      })
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 800))
      assert.equal(saved.headers.location, `/committees/${id}`)
      const changed = assertPage(await viewer.get(`/committees/${id}`))
      assert.match(changed, /Health and Wellbeing Scrutiny Panel/)
      assert.match(changed, /Reviews health services/)
      assert.doesNotMatch(changed, /href="[^"]*\/edit"/, 'a viewer is offered no change')

      // No box ticked: the committee has no reports due any more.
      await officer.get(`/committees/${id}/edit`)
      const cleared = await officer.post(`/committees/${id}/edit`, {
        name: 'Health and Wellbeing Scrutiny Panel',
        version: '2',
      })
      assert.equal(cleared.statusCode, 303)
      assert.deepEqual(
        (await ctx.services.committees.requireCommittee(officerPerson, id)).reportKinds,
        [],
      )
      // The form of version 2 sent again is stale.
      assert.equal(
        (await officer.post(`/committees/${id}/edit`, { name: 'Again', version: '2' })).statusCode,
        409,
      )
    })

    it('refuses a viewer the change pages, writing nothing', async () => {
      const { id } = await committee('Licensing Committee')
      const meeting = await ctx.services.committees.addMeeting(officerPerson, id, {
        meetingDate: '2026-05-07',
      })
      const before = await state()
      assert.equal((await viewer.get(`/committees/${id}/edit`)).statusCode, 403)
      assert.equal(
        (await viewer.post(`/committees/${id}/edit`, { name: 'Viewer’s', version: '1' }))
          .statusCode,
        403,
      )
      const base = `/committees/${id}/meetings/${meeting.id}`
      assert.equal((await viewer.get(`${base}/edit`)).statusCode, 403)
      assert.equal(
        (await viewer.post(`${base}/edit`, { meetingDate: '2026-05-14', version: '1' })).statusCode,
        403,
      )
      assert.equal((await viewer.get(`${base}/cancel`)).statusCode, 403)
      assert.equal((await viewer.post(`${base}/cancel`, { version: '1' })).statusCode, 403)
      assert.equal(await state(), before)
    })

    it('moves and cancels a meeting on the pages; a cancelled one stays listed as cancelled', async () => {
      const { id } = await committee('Planning Committee')
      const meeting = await ctx.services.committees.addMeeting(officerPerson, id, {
        meetingDate: '2026-04-09',
      })
      const base = `/committees/${id}/meetings/${meeting.id}`
      const page = assertPage(await officer.get(`/committees/${id}`))
      assert.match(page, new RegExp(`href="${base}/edit"`))
      assert.match(page, new RegExp(`href="${base}/cancel"`))

      const form = assertPage(await officer.get(`${base}/edit`))
      assert.match(form, /value="2026-04-09"/)
      const before = await state()
      const bad = assertPage(
        await officer.post(`${base}/edit`, { meetingDate: '2026-02-30', version: '1' }),
        400,
      )
      assert.match(bad, /href="#meetingDate"/)
      assert.match(bad, /Enter a real date/)
      assert.equal(await state(), before)
      const moved = await officer.post(`${base}/edit`, { meetingDate: '2026-04-16', version: '1' })
      assert.equal(moved.statusCode, 303, moved.body.slice(0, 800))
      assert.match(assertPage(await viewer.get(`/committees/${id}`)), /16 April 2026/)

      assertPage(await officer.get(`${base}/cancel`))
      // Cancelling is destructive: it needs its reason.
      const noReason = await officer.post(`${base}/cancel`, { reason: ' ', version: '2' })
      assert.equal(noReason.statusCode, 400)
      assert.match(noReason.body, /Enter why the meeting is cancelled/)
      const cancelled = await officer.post(`${base}/cancel`, {
        reason: 'Not quorate',
        version: '2',
      })
      assert.equal(cancelled.statusCode, 303, cancelled.body.slice(0, 800))
      // It says what was cancelled (the flash shows on the next page).
      assert.match(
        assertPage(await officer.get(`/committees/${id}`)),
        /meeting of 16 April 2026 cancelled, with your reason/,
      )
      for (const url of [`/committees/${id}`, '/committees']) {
        const listed = assertPage(await officer.get(url))
        const row =
          listed
            .split('<tr')
            .slice(1)
            .find((r) => r.includes('16 April 2026')) ?? ''
        assert.match(row, />Cancelled</, url)
        assert.match(row, /Not quorate/, url)
        assert.match(row, /None: the meeting is cancelled/, url)
        assert.doesNotMatch(row, /create a report|Change date/, url)
      }
      // A cancelled meeting has nothing left to change.
      assert.equal((await officer.get(`${base}/edit`)).statusCode, 409)
      assert.equal(
        (await officer.post(`${base}/cancel`, { version: '3', reason: 'Twice' })).statusCode,
        409,
      )
    })

    it('changes committees and meetings in the API with their versions', async () => {
      const created = await bearer(app, token, 'POST', '/api/v1/committees', {
        name: 'Corporate Parenting Panel',
        reportKinds: ['scrutiny'],
      })
      assert.equal(created.statusCode, 201, created.body)
      const { id, version } = created.json<{ id: string; version: number }>()
      assert.equal(version, 1)

      const before = await state()
      const bad = await bearer(app, token, 'PATCH', `/api/v1/committees/${id}`, {
        version: 1,
        reportKinds: ['minutes'],
      })
      assert.equal(bad.statusCode, 400)
      assert.equal(bad.json<{ error: { id: string } }>().error.id, 'invalid')
      const unversioned = await bearer(app, token, 'PATCH', `/api/v1/committees/${id}`, {
        name: 'No version',
      })
      assert.equal(unversioned.statusCode, 400)
      const forbidden = await bearer(app, viewerToken, 'PATCH', `/api/v1/committees/${id}`, {
        version: 1,
        name: 'Viewer',
      })
      assert.equal(forbidden.statusCode, 403)
      assert.equal(forbidden.json<{ error: { id: string } }>().error.id, 'forbidden')
      const foreign = await bearer(app, outsiderToken, 'PATCH', `/api/v1/committees/${id}`, {
        version: 1,
        name: 'Outsider',
      })
      assert.equal(foreign.statusCode, 404)
      assert.equal(await state(), before)

      const patched = await bearer(app, token, 'PATCH', `/api/v1/committees/${id}`, {
        version: 1,
        reportKinds: ['scrutiny', 'report-card'],
      })
      assert.equal(patched.statusCode, 200, patched.body)
      assert.deepEqual(patched.json(), {
        id,
        name: 'Corporate Parenting Panel',
        description: null,
        reportKinds: ['scrutiny', 'report-card'],
        reportKindNames: [
          'Quarterly Overview and Scrutiny report',
          'Report card (directorate or priority board)',
        ],
        version: 2,
      })
      const stale = await bearer(app, token, 'PATCH', `/api/v1/committees/${id}`, {
        version: 1,
        name: 'Stale',
      })
      assert.equal(stale.statusCode, 409)
      assert.equal(stale.json<{ error: { id: string } }>().error.id, 'conflict')

      const meeting = await bearer(app, token, 'POST', `/api/v1/committees/${id}/meetings`, {
        meetingDate: '2026-09-10',
      })
      assert.equal(meeting.statusCode, 201)
      const meetingId = meeting.json<{ id: string }>().id
      assert.deepEqual(meeting.json(), {
        id: meetingId,
        committeeId: id,
        date: '2026-09-10',
        status: 'scheduled',
        cancellationReason: null,
        version: 1,
      })
      const url = `/api/v1/committees/${id}/meetings/${meetingId}`
      const beforeMeeting = await state()
      assert.equal(
        (await bearer(app, token, 'PATCH', url, { version: 1, meetingDate: '10/09/2026' }))
          .statusCode,
        400,
      )
      assert.equal(
        (await bearer(app, viewerToken, 'PATCH', url, { version: 1, meetingDate: '2026-09-17' }))
          .statusCode,
        403,
      )
      assert.equal(
        (await bearer(app, outsiderToken, 'POST', `${url}/cancel`, { version: 1 })).statusCode,
        404,
      )
      assert.equal(await state(), beforeMeeting)

      const moved = await bearer(app, token, 'PATCH', url, {
        version: 1,
        meetingDate: '2026-09-17',
      })
      assert.equal(moved.statusCode, 200, moved.body)
      assert.equal(moved.json<{ date: string }>().date, '2026-09-17')
      const cancelled = await bearer(app, token, 'POST', `${url}/cancel`, {
        version: 2,
        reason: 'Chair unavailable',
      })
      assert.equal(cancelled.statusCode, 200, cancelled.body)
      assert.equal(cancelled.json<{ status: string }>().status, 'cancelled')
      const detail = await bearer(app, token, 'GET', `/api/v1/committees/${id}`)
      assert.deepEqual(
        detail
          .json<{ meetings: { date: string; status: string; due: unknown[] }[] }>()
          .meetings.map((m) => [m.date, m.status, m.due.length]),
        [['2026-09-17', 'cancelled', 0]],
      )
      assert.equal(
        (await bearer(app, token, 'POST', `${url}/cancel`, { version: 3, reason: 'Twice' }))
          .statusCode,
        409,
      )
    })

    it('describes the new committee routes in OpenAPI', async () => {
      const spec = await bearer(app, token, 'GET', '/api/v1/openapi.json')
      const paths = spec.json<{ paths: Record<string, Record<string, unknown>> }>().paths
      assert.ok(paths['/api/v1/committees/{id}']?.patch)
      assert.ok(paths['/api/v1/committees/{id}/meetings/{meetingId}']?.patch)
      assert.ok(paths['/api/v1/committees/{id}/meetings/{meetingId}/cancel']?.post)
    })
  })
}
