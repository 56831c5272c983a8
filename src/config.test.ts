import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config.ts'

describe('configuration', () => {
  it('runs on the embedded database in ./data with no configuration at all', () => {
    const config = loadConfig({})
    assert.deepEqual(config.database, { mode: 'pglite', dataDir: './data' })
    assert.equal(config.port, 3000)
    assert.equal(config.session.secureCookies, false)
    assert.ok(Object.isFrozen(config))
  })

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@localhost/db',
      DATABASE_POOL_SIZE: '4',
    })
    assert.deepEqual(config.database, {
      mode: 'postgres',
      url: 'postgres://u@localhost/db',
      poolSize: 4,
      readUrl: undefined,
    })
    const replicated = loadConfig({
      DATABASE_URL: 'postgres://u@primary/db',
      DATABASE_READ_URL: 'postgres://u@replica/db',
    }).database
    assert.equal(replicated.mode === 'postgres' && replicated.readUrl, 'postgres://u@replica/db')
    assert.throws(
      () => loadConfig({ DATABASE_READ_URL: 'postgres://u@replica/db' }),
      /DATABASE_READ_URL names a replica of DATABASE_URL/,
    )
  })

  it('refuses to run in production without a session secret, and says which variable', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production' }),
      (e: unknown) => e instanceof ConfigError && /SESSION_SECRET/.test(e.message),
    )
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) })
    assert.equal(config.session.secureCookies, true)
  })

  it('names each bad variable', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', MIGRATE_ON_START: 'perhaps' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /PORT/.test(e.message) &&
        /DATABASE_URL/.test(e.message) &&
        /MIGRATE_ON_START/.test(e.message),
    )
  })

  const sso = {
    OIDC_ISSUER: 'https://login.microsoftonline.com/5f2c6a9e-0000-4000-8000-000000000000/v2.0',
    OIDC_CLIENT_ID: 'client',
    OIDC_CLIENT_SECRET: 'secret',
  }

  it('leaves single sign-on off unless it is configured, with password sign-in on', () => {
    assert.equal(loadConfig({}).oidc, null)
    const config = loadConfig(sso)
    assert.deepEqual(config.oidc, {
      issuer: sso.OIDC_ISSUER,
      clientId: 'client',
      clientSecret: 'secret',
      redirectUrl: undefined,
      organisation: undefined,
      buttonText: 'Sign in with your council account',
      passwordSignIn: true,
    })
    assert.equal(loadConfig({ ...sso, OIDC_PASSWORD_SIGN_IN: 'false' }).oidc?.passwordSignIn, false)
  })

  it('refuses a partial single sign-on configuration, naming what is missing', () => {
    for (const env of ['production', 'development']) {
      assert.throws(
        () =>
          loadConfig({
            NODE_ENV: env,
            SESSION_SECRET: 'x'.repeat(32),
            OIDC_ISSUER: sso.OIDC_ISSUER,
            OIDC_REDIRECT_URL: 'https://gt.example.gov.uk/sign-in/oidc/callback',
          }),
        (e: unknown) =>
          e instanceof ConfigError &&
          /^ {2}OIDC_CLIENT_ID: /m.test(e.message) &&
          /^ {2}OIDC_CLIENT_SECRET: /m.test(e.message) &&
          !/^ {2}OIDC_ISSUER: /m.test(e.message),
      )
    }
    assert.throws(() => loadConfig({ OIDC_ORGANISATION: 'example-city' }), /OIDC_ISSUER/)
  })

  it('refuses to enforce single sign-on that is not configured', () => {
    assert.throws(
      () => loadConfig({ OIDC_PASSWORD_SIGN_IN: 'false' }),
      (e: unknown) => e instanceof ConfigError && /OIDC_PASSWORD_SIGN_IN/.test(e.message),
    )
  })

  it('refuses plain http and multi-tenant Entra endpoints where they would be unsafe', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), ...sso }
    assert.throws(
      () => loadConfig({ ...production, OIDC_ISSUER: 'http://idp.example/' }),
      /OIDC_ISSUER must use https in production/,
    )
    assert.throws(
      () => loadConfig({ ...production, OIDC_REDIRECT_URL: 'http://gt.example/cb' }),
      /OIDC_REDIRECT_URL must use https in production/,
    )
    assert.equal(
      loadConfig({ ...sso, OIDC_ISSUER: 'http://127.0.0.1:4000' }).oidc?.issuer,
      'http://127.0.0.1:4000',
    )
    assert.throws(
      () => loadConfig({ ...sso, OIDC_ISSUER: 'https://login.microsoftonline.com/common/v2.0' }),
      /must name your tenant/,
    )
    assert.throws(() => loadConfig({ ...sso, OIDC_ISSUER: 'not a url' }), /OIDC_ISSUER/)
    assert.ok(loadConfig(production).oidc)
  })

  it('believes X-Forwarded-For only from proxies it names', () => {
    assert.equal(loadConfig({}).trustProxy, false)
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false)
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,2001:db8::1' }).trustProxy, [
      '10.0.0.0/8',
      'loopback',
      '2001:db8::1',
    ])
    assert.throws(() => loadConfig({ TRUST_PROXY: 'true' }), /TRUST_PROXY.*not true/)
    assert.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/99' }), /TRUST_PROXY: "10.0.0.0\/99"/)
    assert.throws(() => loadConfig({ TRUST_PROXY: 'proxy.example' }), ConfigError)
  })

  it('is documented variable by variable in the README and .env.example', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8')
    for (const variable of CONFIG_VARIABLES) {
      assert.match(
        readme,
        new RegExp(`\\| \`${variable}\` +\\|`),
        `README does not document ${variable}`,
      )
      assert.match(
        example,
        new RegExp(`^#? ?${variable}=`, 'm'),
        `.env.example does not document ${variable}`,
      )
    }
  })
})
