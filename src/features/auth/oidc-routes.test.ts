import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  TEST_PASSWORD,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import {
  startIdentityProvider,
  type TestIdentityProvider,
} from '../../../test/helpers/identity-provider.ts'

const CALLBACK = 'http://localhost/sign-in/oidc/callback'
const OTHER_SITE = 'http://gt.example.gov.uk/sign-in/oidc/callback'

function oidcSettings(idp: TestIdentityProvider, organisation: string) {
  return {
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    OIDC_ORGANISATION: organisation,
  }
}

/** Starts at our /sign-in/oidc, signs in at the provider, and returns our callback's answer. */
async function signInThroughProvider(
  agent: Agent,
  idp: TestIdentityProvider,
  accountId: string,
  start = '/sign-in/oidc',
) {
  const started = await agent.get(start)
  assert.equal(started.statusCode, 303)
  const back = await idp.signIn(String(started.headers.location), accountId)
  return { started, back, response: await agent.get(back.pathname + back.search) }
}

async function auditedSignIns(ctx: TestContext, personId: string) {
  return ctx.database.db
    .selectFrom('audit_records')
    .select(['action', 'summary', 'after'])
    .where('item_id', '=', personId)
    .where('action', '=', 'signed_in')
    .execute()
}

for (const mode of testModes()) {
  describe(`single sign-on (${mode})`, () => {
    let idp: TestIdentityProvider
    let ctx: TestContext
    let org: TestOrganisation
    let other: TestOrganisation

    /** A person in Golden Thread and an account at the provider with the given claims. */
    async function personWithAccount(claims: (email: string) => Record<string, unknown>) {
      const person = await ctx.person(org, { role: 'viewer', name: 'Priya Shah' })
      const accountId = randomBytes(6).toString('hex')
      idp.accounts.set(accountId, claims(person.email))
      return { person, accountId }
    }

    before(async () => {
      idp = await startIdentityProvider([CALLBACK, OTHER_SITE])
      const name = `SSO Council ${randomBytes(3).toString('hex')}`
      const slug = name.toLowerCase().replaceAll(' ', '-')
      ctx = await createTestContext(mode, {
        ...oidcSettings(idp, slug),
        OIDC_REDIRECT_URL: CALLBACK,
      })
      org = await ctx.organisation(name)
      other = await ctx.organisation()
    })
    after(async () => {
      await ctx.close()
      await idp.close()
    })

    it('offers the council account above the password form', async () => {
      const page = await new Agent(await ctx.app()).get('/sign-in')
      assert.equal(page.statusCode, 200)
      const button = page.body.indexOf('Sign in with your council account')
      assert.ok(button > 0)
      assert.match(page.body, /href="\/sign-in\/oidc"/)
      assert.ok(page.body.indexOf('name="password"') > button)
      const going = await new Agent(await ctx.app()).get('/sign-in?next=%2Fmeasures')
      assert.match(going.body, /href="\/sign-in\/oidc\?next=%2Fmeasures"/)
    })

    it('signs in through the identity provider, with PKCE, state and nonce', async () => {
      const { person, accountId } = await personWithAccount((email) => ({ email }))
      const agent = new Agent(await ctx.app())
      const { started, back, response } = await signInThroughProvider(agent, idp, accountId)
      const request = new URL(String(started.headers.location))
      assert.equal(request.origin, idp.issuer)
      assert.equal(request.searchParams.get('code_challenge_method'), 'S256')
      assert.ok(request.searchParams.get('state'))
      assert.ok(request.searchParams.get('nonce'))
      assert.equal(back.origin + back.pathname, CALLBACK)
      const pending = started.cookies.find((c) => c.name === 'gt_oidc')
      assert.equal(pending?.httpOnly, true)
      assert.equal(pending.path, '/sign-in/oidc')
      assert.equal(pending.maxAge, 600)

      assert.equal(response.statusCode, 303)
      assert.equal(response.headers.location, '/')
      assert.ok(agent.cookies.has('gt_session'))
      assert.equal(agent.cookies.has('gt_oidc'), false, 'the pending sign-in is used once')
      const home = await agent.get('/')
      assert.equal(home.statusCode, 200)
      assert.match(home.body, /Welcome, Priya Shah/)

      const audited = await auditedSignIns(ctx, person.personId)
      assert.equal(audited.length, 1)
      assert.deepEqual(audited[0]?.after, { method: 'oidc' })
    })

    it('matches the address whatever its case, from preferred_username when there is no email', async () => {
      const { accountId } = await personWithAccount((email) => ({
        preferred_username: email.toUpperCase(),
      }))
      const agent = new Agent(await ctx.app())
      const { response } = await signInThroughProvider(agent, idp, accountId)
      assert.equal(response.statusCode, 303)
      assert.match((await agent.get('/')).body, /Welcome, Priya Shah/)
    })

    it('returns to the page the person was going to, but only on this site', async () => {
      const { accountId } = await personWithAccount((email) => ({ email }))
      const going = await signInThroughProvider(
        new Agent(await ctx.app()),
        idp,
        accountId,
        '/sign-in/oidc?next=%2Fmeasures',
      )
      assert.equal(going.response.headers.location, '/measures')
      const away = await signInThroughProvider(
        new Agent(await ctx.app()),
        idp,
        accountId,
        '/sign-in/oidc?next=%2F%2Fevil.example%2F',
      )
      assert.equal(away.response.headers.location, '/')
    })

    it('refuses someone Golden Thread does not know, and creates nobody', async () => {
      const countPeople = async () =>
        (await ctx.database.db.selectFrom('people').select('id').execute()).length
      const before = await countPeople()
      idp.accounts.set('stranger', { email: 'stranger@council.example' })
      const agent = new Agent(await ctx.app())
      const { response } = await signInThroughProvider(agent, idp, 'stranger')
      assert.equal(response.statusCode, 403)
      assert.match(
        response.body,
        /Your account stranger@council.example is not set up in Golden Thread: ask your administrator/,
      )
      assert.equal(agent.cookies.has('gt_session'), false)
      assert.equal(await countPeople(), before)
    })

    it('refuses a person of another organisation', async () => {
      const partner = await ctx.person(other, { role: 'viewer' })
      idp.accounts.set('partner', { email: partner.email })
      const agent = new Agent(await ctx.app())
      const { response } = await signInThroughProvider(agent, idp, 'partner')
      assert.equal(response.statusCode, 403)
      assert.equal(agent.cookies.has('gt_session'), false)
    })

    it('refuses a deactivated person', async () => {
      const { person, accountId } = await personWithAccount((email) => ({ email }))
      await ctx.database.db
        .updateTable('people')
        .set({ active: false })
        .where('id', '=', person.personId)
        .execute()
      const agent = new Agent(await ctx.app())
      const { response } = await signInThroughProvider(agent, idp, accountId)
      assert.equal(response.statusCode, 403)
      assert.match(response.body, /has been deactivated/)
      assert.equal(agent.cookies.has('gt_session'), false)
      assert.equal((await auditedSignIns(ctx, person.personId)).length, 0)
    })

    it('refuses a return whose state was altered, or that did not start in this browser', async () => {
      const { accountId } = await personWithAccount((email) => ({ email }))
      const agent = new Agent(await ctx.app())
      const started = await agent.get('/sign-in/oidc')
      const back = await idp.signIn(String(started.headers.location), accountId)
      const honest = back.pathname + back.search
      back.searchParams.set('state', 'forged')
      const tampered = await agent.get(back.pathname + back.search)
      assert.equal(tampered.statusCode, 400)
      assert.match(tampered.body, /Your sign-in has expired or did not start on this site/)
      assert.equal(agent.cookies.has('gt_session'), false)

      // The genuine return, but in a browser that never started: no pending cookie, no session.
      const elsewhere = new Agent(await ctx.app())
      const replayed = await elsewhere.get(honest)
      assert.equal(replayed.statusCode, 400)
      assert.equal(elsewhere.cookies.has('gt_session'), false)

      // Nor with a pending sign-in the browser wrote itself, matching the state it returns.
      const state = new URL(honest, 'http://localhost').searchParams.get('state') ?? ''
      elsewhere.cookies.set(
        'gt_oidc',
        encodeURIComponent(
          JSON.stringify({ state, nonce: 'n', verifier: 'v', redirectUri: CALLBACK, next: '/' }),
        ),
      )
      const forged = await elsewhere.get(honest)
      assert.equal(forged.statusCode, 400)
      assert.match(forged.body, /did not start on this site/, 'refused for its signature')
      assert.equal(elsewhere.cookies.has('gt_session'), false)
    })

    it('gives a new session id and ends the earlier one', async () => {
      const { person, accountId } = await personWithAccount((email) => ({ email }))
      const app = await ctx.app()
      const agent = await Agent.signedIn(app, person.email)
      const first = agent.cookies.get('gt_session')
      // Signed in already: /sign-in/oidc goes home, so the flow starts from a fresh request.
      const started = await app.inject({ url: '/sign-in/oidc' })
      const pending = started.cookies.find((c) => c.name === 'gt_oidc')
      assert.ok(pending)
      agent.cookies.set('gt_oidc', pending.value)
      const back = await idp.signIn(String(started.headers.location), accountId)
      const response = await agent.get(back.pathname + back.search)
      assert.equal(response.statusCode, 303)
      const second = agent.cookies.get('gt_session')
      assert.ok(first && second && first !== second)
      const stale = await app.inject({ url: '/', headers: { cookie: `gt_session=${first}` } })
      assert.equal(stale.statusCode, 303)
    })
  })

  describe(`single sign-on enforced (${mode})`, () => {
    let idp: TestIdentityProvider
    let ctx: TestContext
    let org: TestOrganisation
    let other: TestOrganisation

    before(async () => {
      idp = await startIdentityProvider([CALLBACK, OTHER_SITE])
      const name = `SSO Council ${randomBytes(3).toString('hex')}`
      ctx = await createTestContext(mode, {
        ...oidcSettings(idp, name.toLowerCase().replaceAll(' ', '-')),
        OIDC_PASSWORD_SIGN_IN: 'false',
        OIDC_BUTTON_TEXT: 'Sign in with your Example City account',
      })
      org = await ctx.organisation(name)
      other = await ctx.organisation()
    })
    after(async () => {
      await ctx.close()
      await idp.close()
    })

    it('offers only the council account, with a link to the administrator sign-in', async () => {
      const agent = new Agent(await ctx.app())
      const page = await agent.get('/sign-in')
      assert.match(page.body, /Sign in with your Example City account/)
      assert.doesNotMatch(page.body, /name="password"/)
      assert.match(page.body, /href="\/sign-in\?administrator=yes">Administrator sign-in</)
      const admin = await agent.get('/sign-in?administrator=yes')
      assert.match(admin.body, /name="password"/)
      assert.match(admin.body, /if you are an administrator or you work for a partner organisation/)
    })

    it('refuses a password to anyone but an administrator', async () => {
      const viewer = await ctx.person(org, { role: 'viewer' })
      const agent = new Agent(await ctx.app())
      await agent.get('/sign-in?administrator=yes')
      const refused = await agent.post('/sign-in', { email: viewer.email, password: TEST_PASSWORD })
      assert.equal(refused.statusCode, 400)
      assert.match(refused.body, /only administrators can sign in with a password/)
      assert.equal(agent.cookies.has('gt_session'), false)

      const unitAdmin = await ctx.person(org, { role: 'administrator', roleUnit: 'people' })
      const alsoRefused = await agent.post('/sign-in', {
        email: unitAdmin.email,
        password: TEST_PASSWORD,
      })
      assert.equal(alsoRefused.statusCode, 400)

      const administrator = await ctx.person(org, { role: 'administrator' })
      const admitted = await agent.post('/sign-in', {
        email: administrator.email,
        password: TEST_PASSWORD,
      })
      assert.equal(admitted.statusCode, 303)
      assert.ok(agent.cookies.has('gt_session'))
    })

    it('leaves passwords to people of other organisations, who cannot use the council account', async () => {
      const partner = await ctx.person(other, { role: 'viewer' })
      const agent = new Agent(await ctx.app())
      await agent.get('/sign-in?administrator=yes')
      const response = await agent.post('/sign-in', {
        email: partner.email,
        password: TEST_PASSWORD,
      })
      assert.equal(response.statusCode, 303)
      assert.equal((await agent.get('/')).statusCode, 200)
    })

    it('sends the provider back to the address the request came to when none is configured', async () => {
      const started = await (
        await ctx.app()
      ).inject({ url: '/sign-in/oidc', headers: { host: 'gt.example.gov.uk' } })
      const request = new URL(String(started.headers.location))
      assert.equal(request.searchParams.get('redirect_uri'), OTHER_SITE)
    })
  })

  describe(`single sign-on that cannot tell whose people it signs in (${mode})`, () => {
    let idp: TestIdentityProvider
    let ctx: TestContext

    before(async () => {
      idp = await startIdentityProvider([CALLBACK])
      ctx = await createTestContext(mode, {
        ...oidcSettings(idp, 'no-such-council'),
        OIDC_REDIRECT_URL: CALLBACK,
      })
      await ctx.organisation()
    })
    after(async () => {
      await ctx.close()
      await idp.close()
    })

    it('says so before sending anyone to the identity provider', async () => {
      const response = await (await ctx.app()).inject({ url: '/sign-in/oidc' })
      assert.equal(response.statusCode, 503)
      assert.equal(response.headers.location, undefined)
      assert.match(response.body, /Single sign-on is not set up correctly/)
    })
  })
}
