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
    })
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
