import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  TEST_PASSWORD,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { ACCOUNT_THROTTLE, ADDRESS_THROTTLE } from './auth-service.ts'
import { TooManyRequests } from '../../errors.ts'

for (const mode of testModes()) {
  describe(`signing in (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let email: string

    before(async () => {
      ctx = await createTestContext(mode)
      org = await ctx.organisation()
      email = (await ctx.person(org, { role: 'viewer' })).email
    })
    after(() => ctx.close())

    it('signs in with the right password and shows the home page', async () => {
      const agent = await Agent.signedIn(await ctx.app(), email)
      const home = await agent.get('/')
      assert.equal(home.statusCode, 200)
      assert.match(home.body, /Welcome, Person/)
    })

    it('offers no single sign-on when it is not configured', async () => {
      const agent = new Agent(await ctx.app())
      const page = await agent.get('/sign-in')
      assert.match(page.body, /name="password"/)
      assert.doesNotMatch(page.body, /sign-in\/oidc|council account|Administrator sign-in/)
      assert.equal((await agent.get('/sign-in/oidc')).statusCode, 404)
      assert.equal((await agent.get('/sign-in/oidc/callback?state=x&code=y')).statusCode, 404)
    })

    it('refuses a wrong password with an error summary and status 400', async () => {
      const agent = new Agent(await ctx.app())
      await agent.get('/sign-in')
      const response = await agent.post('/sign-in', { email, password: 'not the password at all' })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /govuk-error-summary/)
      assert.match(response.body, /Enter a correct email address and password/)
      assert.equal(agent.cookies.has('gt_session'), false)
    })

    it('refuses a form without its CSRF token', async () => {
      const agent = new Agent(await ctx.app())
      await agent.get('/sign-in')
      const response = await agent.post(
        '/sign-in',
        { email, password: TEST_PASSWORD },
        { csrf: false },
      )
      assert.equal(response.statusCode, 403)
      assert.equal(agent.cookies.has('gt_session'), false)
    })

    it('gives a new session id at each sign-in and ends the old one', async () => {
      const app = await ctx.app()
      const agent = await Agent.signedIn(app, email)
      const first = agent.cookies.get('gt_session')
      await agent.post('/sign-in', { email, password: TEST_PASSWORD })
      const second = agent.cookies.get('gt_session')
      assert.ok(first && second && first !== second)
      const stale = await app.inject({ url: '/', headers: { cookie: `gt_session=${first}` } })
      assert.equal(stale.statusCode, 303)
    })

    it('sets the session cookie HttpOnly and SameSite=Lax', async () => {
      const agent = new Agent(await ctx.app())
      await agent.get('/sign-in')
      const response = await agent.post('/sign-in', { email, password: TEST_PASSWORD })
      const cookie = response.cookies.find((c) => c.name === 'gt_session')
      assert.equal(cookie?.httpOnly, true)
      assert.equal(cookie.sameSite, 'Lax')
    })

    it('signs out and the session no longer works', async () => {
      const app = await ctx.app()
      const agent = await Agent.signedIn(app, email)
      const token = agent.cookies.get('gt_session')
      const response = await agent.post('/sign-out')
      assert.equal(response.statusCode, 303)
      const after = await app.inject({ url: '/', headers: { cookie: `gt_session=${token}` } })
      assert.equal(after.statusCode, 303)
      assert.match(String(after.headers.location), /^\/sign-in/)
    })

    it('ends a session after the idle timeout and after the absolute lifetime', async () => {
      const app = await ctx.app()
      const idle = await Agent.signedIn(app, email)
      ctx.clock.advance((ctx.config.session.idleMinutes + 1) * 60_000)
      assert.equal((await idle.get('/')).statusCode, 303)

      const busy = await Agent.signedIn(app, email)
      const steps =
        Math.ceil((ctx.config.session.absoluteHours * 60) / (ctx.config.session.idleMinutes - 5)) +
        1
      for (let i = 0; i < steps; i++) {
        ctx.clock.advance((ctx.config.session.idleMinutes - 5) * 60_000)
        const response = await busy.get('/')
        if (response.statusCode === 303) {
          assert.ok(i >= steps - 2, `ended too early, at step ${i} of ${steps}`)
          return
        }
      }
      assert.fail('the session outlived its absolute lifetime')
    })

    it('slows guessing at an account with growing delays, never a lock', async () => {
      const victim = (await ctx.person(org, { role: 'viewer' })).email
      const agent = new Agent(await ctx.app())
      await agent.get('/sign-in')
      for (let i = 0; i <= ACCOUNT_THROTTLE.free; i++) {
        const r = await agent.post('/sign-in', { email: victim, password: `wrong password ${i}` })
        assert.equal(r.statusCode, 400)
      }
      const blocked = await agent.post('/sign-in', { email: victim, password: TEST_PASSWORD })
      assert.equal(blocked.statusCode, 429)
      assert.match(blocked.body, /Too many failed attempts to sign in. Wait 1 second/)
      ctx.clock.advance(1_000)
      const wrong = await agent.post('/sign-in', { email: victim, password: 'wrong again, sorry' })
      assert.equal(wrong.statusCode, 400)
      const longer = await agent.post('/sign-in', { email: victim, password: TEST_PASSWORD })
      assert.match(longer.body, /Wait 2 seconds/)
      // However many failures, the owner waits at most the cap.
      ctx.clock.advance(ACCOUNT_THROTTLE.maxDelaySeconds * 1_000)
      const allowed = await agent.post('/sign-in', { email: victim, password: TEST_PASSWORD })
      assert.equal(allowed.statusCode, 303)
      // Signing in forgets the failures.
      const fresh = new Agent(await ctx.app())
      await fresh.get('/sign-in')
      const again = await fresh.post('/sign-in', { email: victim, password: 'one more mistake' })
      assert.equal(again.statusCode, 400)
    })

    it('lets no more than the free guesses through a burst of parallel attempts', async () => {
      const victim = (await ctx.person(org, { role: 'viewer' })).email
      // Each from a different address, as a botnet (or forged X-Forwarded-For) would send them.
      const results = await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) =>
          ctx.services.auth.signIn({
            email: victim,
            password: `guess number ${i}`,
            ip: `198.51.100.${i}`,
            userAgent: null,
          }),
        ),
      )
      const reasons = results.map((r): unknown => (r.status === 'rejected' ? r.reason : null))
      const checked = reasons.filter((r) => !(r instanceof TooManyRequests)).length
      assert.ok(
        checked <= ACCOUNT_THROTTLE.free + 1,
        `${checked} guesses were checked against the password`,
      )
      assert.equal(reasons.filter((r) => r instanceof TooManyRequests).length, 60 - checked)
    })

    it('does not lock an office out when many at one address get their passwords wrong', async () => {
      const office = '192.0.2.44'
      for (let i = 0; i <= ADDRESS_THROTTLE.free; i++) {
        await assert.rejects(
          ctx.services.auth.signIn({
            email: `someone.${i}@example.org`,
            password: 'a forgotten password',
            ip: office,
            userAgent: null,
          }),
          (e) => !(e instanceof TooManyRequests),
        )
      }
      const colleague = (await ctx.person(org, { role: 'viewer' })).email
      const attempt = () =>
        ctx.services.auth.signIn({
          email: colleague,
          password: TEST_PASSWORD,
          ip: office,
          userAgent: null,
        })
      await assert.rejects(attempt(), TooManyRequests)
      ctx.clock.advance(ADDRESS_THROTTLE.maxDelaySeconds * 1_000)
      assert.ok((await attempt()).token)
    })

    it('redirects only to paths on this site after signing in', async () => {
      const agent = new Agent(await ctx.app())
      await agent.get('/sign-in')
      const response = await agent.post('/sign-in', {
        email,
        password: TEST_PASSWORD,
        next: '//evil.example/',
      })
      assert.equal(response.headers.location, '/')
    })

    it('never sends a signed-in person off-site, however next is disguised', async () => {
      const agent = await Agent.signedIn(await ctx.app(), email)
      const probe = await agent.get('/sign-in?next=/%09/evil.example/')
      assert.equal(probe.headers.location, '/')
      for (const next of [
        '/\t/evil.example/',
        '/\n/evil.example/',
        '/\r\n/evil.example/',
        '/\\evil.example/',
        '\\/evil.example/',
        '/%5C/evil.example/',
        '//evil.example/',
        'https://evil.example/',
        ' //evil.example/',
        '/ok\nSet-Cookie: x=1',
      ]) {
        const response = await agent.get(`/sign-in?next=${encodeURIComponent(next)}`)
        assert.equal(response.statusCode, 303, `next=${JSON.stringify(next)}`)
        const location = String(response.headers.location)
        const resolved = new URL(location, 'https://golden-thread.example/')
        assert.equal(resolved.host, 'golden-thread.example', `next=${JSON.stringify(next)}`)
        assert.equal(response.headers['set-cookie'], undefined)
      }
      const kept = await agent.get(`/sign-in?next=${encodeURIComponent('/measures?page=2#list')}`)
      assert.equal(kept.headers.location, '/measures?page=2#list')
    })

    it('changing the password ends other sessions and keeps this one', async () => {
      const app = await ctx.app()
      const person = await ctx.person(org, { role: 'viewer' })
      const here = await Agent.signedIn(app, person.email)
      const elsewhere = await Agent.signedIn(app, person.email)
      await here.get('/account')
      const bad = await here.post('/account/password', {
        currentPassword: TEST_PASSWORD,
        newPassword: 'short',
        confirmPassword: 'short',
      })
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /12 characters or more/)
      const common = await here.post('/account/password', {
        currentPassword: TEST_PASSWORD,
        newPassword: 'passwordpassword',
        confirmPassword: 'passwordpassword',
      })
      assert.equal(common.statusCode, 400)
      assert.match(common.body, /too common/)
      for (const [newPassword, message] of [
        [' '.repeat(16), /only spaces/],
        [`${person.email.split('@')[0] ?? ''}.2026`, /based on the email address/],
        [`${person.organisationName} rocks!`, /name of the council/],
        ['golden-thread-demo', /published demo password/],
      ] as const) {
        const refused = await here.post('/account/password', {
          currentPassword: TEST_PASSWORD,
          newPassword,
          confirmPassword: newPassword,
        })
        assert.equal(refused.statusCode, 400, newPassword)
        assert.match(refused.body, message)
      }
      const ok = await here.post('/account/password', {
        currentPassword: TEST_PASSWORD,
        newPassword: 'a new and rather long passphrase',
        confirmPassword: 'a new and rather long passphrase',
      })
      assert.equal(ok.statusCode, 303)
      assert.equal((await here.get('/')).statusCode, 200)
      assert.equal((await elsewhere.get('/')).statusCode, 303)
    })
  })

  describe(`client addresses behind a proxy (${mode})`, () => {
    let ctx: TestContext
    let email: string

    before(async () => {
      ctx = await createTestContext(mode, { TRUST_PROXY: '10.0.0.7' })
      email = (await ctx.person(await ctx.organisation(), { role: 'viewer' })).email
    })
    after(() => ctx.close())

    /** Signs in from `remoteAddress` claiming `forwardedFor`; answers the address recorded. */
    async function recordedAddress(remoteAddress: string, forwardedFor: string) {
      const app = await ctx.app()
      const page = await app.inject({ url: '/sign-in', remoteAddress })
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
      const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
      const response = await app.inject({
        method: 'POST',
        url: '/sign-in',
        remoteAddress,
        headers: {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': forwardedFor,
        },
        payload: new URLSearchParams({ _csrf: csrf, email, password: TEST_PASSWORD }).toString(),
      })
      assert.equal(response.statusCode, 303)
      const session = await ctx.database.db
        .selectFrom('sessions')
        .select('ip')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow()
      ctx.clock.advance(1_000)
      return session.ip
    }

    it('believes X-Forwarded-For from the configured proxy only', async () => {
      assert.equal(await recordedAddress('10.0.0.7', '203.0.113.9'), '203.0.113.9')
      assert.equal(await recordedAddress('198.51.100.20', '203.0.113.9'), '198.51.100.20')
    })
  })
}
