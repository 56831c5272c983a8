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

for (const mode of testModes()) {
  describe(`units and people (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let admin: Agent
    let viewer: Agent

    before(async () => {
      ctx = await createTestContext(mode)
      app = await ctx.app()
      org = await ctx.organisation('Testshire')
      admin = await Agent.signedIn(app, (await ctx.person(org, { role: 'administrator' })).email)
      viewer = await Agent.signedIn(app, (await ctx.person(org, { role: 'viewer' })).email)
    })
    after(() => ctx.close())

    it('creates a unit from the form and shows it', async () => {
      await admin.get('/units/new')
      const created = await admin.post('/units/new', {
        name: 'Highways Team',
        kind: 'team',
        code: 'HW',
        parentId: org.units.place ?? '',
      })
      assert.equal(created.statusCode, 303)
      const page = await admin.get(String(created.headers.location))
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Highways Team/)
      assert.match(page.body, /Testshire place/)
    })

    it('re-renders an invalid unit form with 400, an error summary and the values entered', async () => {
      await admin.get('/units/new')
      const response = await admin.post('/units/new', { name: '', kind: 'castle', code: 'KEEP' })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /There is a problem/)
      assert.match(response.body, /href="#name">Enter a name for the unit/)
      assert.match(response.body, /href="#kind">Select the kind of unit/)
      assert.match(response.body, /value="KEEP"/)
      assert.match(response.body, /<title>Error: /)
    })

    it('refuses to move a unit under itself or beneath it, and changes nothing', async () => {
      const people = org.units.people ?? ''
      await admin.get(`/units/${people}/edit`)
      const response = await admin.post(`/units/${people}/edit`, {
        name: 'Testshire people',
        kind: 'directorate',
        parentId: org.units.reablement ?? '',
      })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /cannot sit under itself or a unit beneath it/)
      const unit = await ctx.database.db
        .selectFrom('units')
        .select('parent_id')
        .where('id', '=', people)
        .executeTakeFirstOrThrow()
      assert.equal(unit.parent_id, null)
    })

    it('moves and deactivates a unit, keeping history', async () => {
      const waste = org.units.waste ?? ''
      await admin.get(`/units/${waste}/edit`)
      const moved = await admin.post(`/units/${waste}/edit`, {
        name: 'Testshire waste',
        kind: 'service',
        parentId: org.units.people ?? '',
      })
      assert.equal(moved.statusCode, 303)
      await admin.get(`/units/${waste}`)
      assert.equal((await admin.post(`/units/${waste}/deactivate`)).statusCode, 303)
      const page = await admin.get(`/units/${waste}`)
      assert.match(page.body, /Inactive/)
      const history = await admin.get(`/history/unit/${waste}`)
      assert.match(history.body, /moved/)
      assert.match(history.body, /deactivated/)
    })

    it('does not let a viewer change units', async () => {
      await viewer.get('/units')
      const response = await viewer.post('/units/new', { name: 'Sneaky', kind: 'team' })
      assert.equal(response.statusCode, 403)
    })

    it('answers 404 for unknown ids and for ids that are not ids', async () => {
      assert.equal((await admin.get('/units/00000000-0000-4000-8000-000000000000')).statusCode, 404)
      assert.equal((await admin.get('/people/not-an-id')).statusCode, 404)
      const api = await admin.api('GET', '/api/v1/people/00000000-0000-4000-8000-000000000000')
      assert.equal(api.statusCode, 404)
      assert.deepEqual(Object.keys(api.json<{ error: object }>().error).sort(), ['id', 'message'])
    })

    it('adds a person with a role, and they can sign in', async () => {
      await admin.get('/people/new')
      const response = await admin.post('/people/new', {
        name: 'Nadia Patel',
        email: 'Nadia.Patel@Testshire.example',
        jobTitle: 'Data Officer',
        unitId: org.units.care ?? '',
        role: 'data_entry',
        roleUnitId: org.units.care ?? '',
        password: 'a long enough passphrase',
      })
      assert.equal(response.statusCode, 303)
      const page = await admin.get(String(response.headers.location))
      assert.match(page.body, /nadia.patel@testshire.example/)
      assert.match(page.body, /Data entry/)
      const nadia = await Agent.signedIn(
        app,
        'nadia.patel@testshire.example',
        'a long enough passphrase',
      )
      assert.equal((await nadia.get('/')).statusCode, 200)
    })

    it('refuses a person with a bad email, a short password or a duplicate email', async () => {
      await admin.get('/people/new')
      const bad = await admin.post('/people/new', {
        name: 'X',
        email: 'not-an-email',
        password: 'short',
      })
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /Enter an email address in the correct format/)
      const duplicate = await admin.post('/people/new', {
        name: 'Y',
        email: 'nadia.patel@testshire.example',
      })
      assert.equal(duplicate.statusCode, 400)
      assert.match(duplicate.body, /already uses this email address/)
      const weak = await admin.post('/people/new', {
        name: 'Z',
        email: 'z@testshire.example',
        password: 'short',
      })
      assert.match(weak.body, /12 characters or more/)
    })

    it('does not reveal that another council uses an e-mail address', async () => {
      const elsewhere = await ctx.organisation('Otherford')
      const theirs = await ctx.person(elsewhere, {
        role: 'viewer',
        email: 'jo.bloggs@shared-services.example',
      })
      await admin.get('/people/new')
      const created = await admin.post('/people/new', {
        name: 'Jo Bloggs',
        email: 'jo.bloggs@shared-services.example',
        role: 'viewer',
        roleUnitId: '',
        password: 'a different long passphrase',
      })
      assert.equal(created.statusCode, 303, created.body.slice(0, 2000))
      // Each account signs in to its own organisation with its own password.
      const ours = await Agent.signedIn(
        app,
        'jo.bloggs@shared-services.example',
        'a different long passphrase',
      )
      const me = (await ours.api('GET', '/api/v1/me')).json<{ organisation: { id: string } }>()
      assert.equal(me.organisation.id, org.id)
      const other = await Agent.signedIn(app, theirs.email)
      const them = (await other.api('GET', '/api/v1/me')).json<{ organisation: { id: string } }>()
      assert.equal(them.organisation.id, elsewhere.id)
      // Within one organisation an address is still used once.
      const again = await admin.post('/people/new', {
        name: 'Jo Again',
        email: 'jo.bloggs@shared-services.example',
      })
      assert.equal(again.statusCode, 400)
      assert.match(again.body, /already uses this email address/)
    })

    it('deactivating a person ends their sessions and revokes their tokens', async () => {
      const person = await ctx.person(org, { role: 'viewer', unit: 'care' })
      const session = await Agent.signedIn(app, person.email)
      const token = await ctx.services.auth.createToken(person, 'Reporting')
      assert.equal((await bearer(app, token.token, 'GET', '/api/v1/me')).statusCode, 200)
      await admin.get(`/people/${person.personId}`)
      assert.equal((await admin.post(`/people/${person.personId}/deactivate`)).statusCode, 303)
      assert.equal((await session.get('/')).statusCode, 303)
      assert.equal((await bearer(app, token.token, 'GET', '/api/v1/me')).statusCode, 401)
    })

    it('does not let a unit administrator manage anyone holding a role beyond their scope', async () => {
      // As in the demo: the organisation-wide administrator's home unit lies under a directorate
      // that has an administrator of its own.
      const chief = await ctx.person(org, { role: 'administrator', unit: 'care' })
      const unitAdmin = await ctx.person(org, {
        role: 'administrator',
        unit: 'people',
        roleUnit: 'people',
      })
      const officer = await ctx.person(org, {
        role: 'data_entry',
        unit: 'reablement',
        roleUnit: 'care',
      })
      const web = await Agent.signedIn(app, unitAdmin.email)
      const { token } = await ctx.services.auth.createToken(unitAdmin, 'Scope test')
      const before = await ctx.database.db
        .selectFrom('people')
        .select(['email', 'password_hash', 'active'])
        .where('id', '=', chief.personId)
        .executeTakeFirstOrThrow()
      await web.get(`/people/${chief.personId}`)
      const attempts = [
        await web.post(`/people/${chief.personId}/password`, { password: 'a takeover passphrase' }),
        await web.post(`/people/${chief.personId}/edit`, {
          name: chief.name,
          email: 'attacker@example.org',
          unitId: org.units.care ?? '',
        }),
        await web.post(`/people/${chief.personId}/deactivate`),
        await web.post(`/people/${chief.personId}/roles`, {
          role: 'viewer',
          unitId: org.units.care ?? '',
        }),
        await bearer(app, token, 'PATCH', `/api/v1/people/${chief.personId}`, {
          email: 'attacker@example.org',
        }),
        await bearer(app, token, 'PATCH', `/api/v1/people/${chief.personId}`, { active: false }),
        // Nor may anyone raise themselves above their own scope.
        await bearer(app, token, 'POST', `/api/v1/people/${unitAdmin.personId}/roles`, {
          role: 'administrator',
        }),
      ]
      assert.deepEqual(
        attempts.map((r) => r.statusCode),
        attempts.map(() => 403),
      )
      const after = await ctx.database.db
        .selectFrom('people')
        .select(['email', 'password_hash', 'active'])
        .where('id', '=', chief.personId)
        .executeTakeFirstOrThrow()
      assert.deepEqual(after, before)
      const page = await web.get(`/people/${chief.personId}`)
      assert.doesNotMatch(page.body, /Set a password/)
      // Within their scope they still manage people.
      const allowed = await bearer(app, token, 'PATCH', `/api/v1/people/${officer.personId}`, {
        jobTitle: 'Reablement Officer',
      })
      assert.equal(allowed.statusCode, 200)
    })

    it('grants and removes roles', async () => {
      const person = await ctx.person(org, { role: null })
      await admin.get(`/people/${person.personId}`)
      const granted = await admin.post(`/people/${person.personId}/roles`, {
        role: 'approver',
        unitId: org.units.place ?? '',
      })
      assert.equal(granted.statusCode, 303)
      const roles = await ctx.database.db
        .selectFrom('role_assignments')
        .selectAll()
        .where('person_id', '=', person.personId)
        .execute()
      assert.equal(roles.length, 1)
      const again = await admin.post(`/people/${person.personId}/roles`, {
        role: 'approver',
        unitId: org.units.place ?? '',
      })
      assert.equal(again.statusCode, 400)
      const removed = await admin.post(
        `/people/${person.personId}/roles/${roles[0]?.id ?? ''}/remove`,
      )
      assert.equal(removed.statusCode, 303)
      assert.equal(
        (
          await ctx.database.db
            .selectFrom('role_assignments')
            .selectAll()
            .where('person_id', '=', person.personId)
            .execute()
        ).length,
        0,
      )
    })

    it('offers the same through the API with a token, paginated', async () => {
      const me = await ctx.person(org, { role: 'administrator' })
      const { token } = await ctx.services.auth.createToken(me, 'API test')
      const created = await bearer(app, token, 'POST', '/api/v1/units', {
        name: 'Parks Team',
        kind: 'team',
        parentId: org.units.place,
      })
      assert.equal(created.statusCode, 201)
      const unit = created.json<{ id: string; parentId: string }>()
      assert.equal(unit.parentId, org.units.place)
      const patched = await bearer(app, token, 'PATCH', `/api/v1/units/${unit.id}`, {
        name: 'Parks and Open Spaces',
      })
      assert.equal(patched.json<{ name: string }>().name, 'Parks and Open Spaces')
      const list = await bearer(app, token, 'GET', '/api/v1/units?page=1&pageSize=2')
      const body = list.json<{ items: unknown[]; page: number; pageSize: number; total: number }>()
      assert.equal(body.items.length, 2)
      assert.equal(body.pageSize, 2)
      assert.ok(body.total >= 6)
      const invalid = await bearer(app, token, 'POST', '/api/v1/units', { name: '', kind: 'moat' })
      assert.equal(invalid.statusCode, 400)
      const error = invalid.json<{ error: { id: string; details: { field: string }[] } }>().error
      assert.equal(error.id, 'invalid')
      assert.deepEqual(error.details.map((d) => d.field).sort(), ['kind', 'name'])
      const person = await bearer(app, token, 'POST', '/api/v1/people', {
        email: 'api.person@testshire.example',
        name: 'Api Person',
        roles: [{ role: 'viewer' }],
      })
      assert.equal(person.statusCode, 201)
      const people = await bearer(app, token, 'GET', '/api/v1/people?search=api.person')
      assert.equal(people.json<{ total: number }>().total, 1)
    })

    it('requires the CSRF header for API writes made with a browser session', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/units',
        headers: { cookie: `gt_session=${admin.cookies.get('gt_session') ?? ''}` },
        payload: { name: 'No token', kind: 'team' },
      })
      assert.equal(response.statusCode, 403)
      const ok = await admin.api('POST', '/api/v1/units', { name: 'With token', kind: 'team' })
      assert.equal(ok.statusCode, 201)
    })

    it('describes the API in OpenAPI', async () => {
      const response = await app.inject({ url: '/api/v1/openapi.json' })
      const doc = response.json<{ paths: Record<string, unknown> }>()
      for (const path of [
        '/api/v1/units',
        '/api/v1/units/{id}',
        '/api/v1/people',
        '/api/v1/people/{id}',
        '/api/v1/tokens',
      ]) {
        assert.ok(path in doc.paths, `${path} is not described`)
      }
    })

    it('answers the health endpoints before sign-in, naming the database', async () => {
      const health = await app.inject({ url: '/health' })
      assert.equal(health.json<{ database: string }>().database, mode)
      assert.equal((await app.inject({ url: '/ping' })).body, 'pong')
      assert.match((await app.inject({ url: '/info' })).body, /"version"/)
    })

    it('sends security headers and a request id', async () => {
      const response = await app.inject({ url: '/sign-in' })
      assert.match(String(response.headers['content-security-policy']), /default-src 'self'/)
      assert.equal(response.headers['x-content-type-options'], 'nosniff')
      assert.ok(response.headers['x-request-id'])
    })

    it('lets no browser or proxy keep signed-in pages or API answers', async () => {
      for (const url of ['/', '/people', '/account']) {
        assert.equal((await admin.get(url)).headers['cache-control'], 'no-store', url)
      }
      assert.equal((await admin.api('GET', '/api/v1/me')).headers['cache-control'], 'no-store')
      const anonymousApi = await app.inject({ url: '/api/v1/me' })
      assert.equal(anonymousApi.headers['cache-control'], 'no-store')
      for (const url of ['/static/application.css', '/public']) {
        const response = await admin.get(url)
        assert.notEqual(response.headers['cache-control'], 'no-store', url)
      }
    })
  })
}
