import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { sql } from 'kysely'
import { createApp } from '../src/app.ts'
import { openDatabase } from '../src/db/database.ts'
import { instanceSecret } from '../src/db/instance-settings.ts'
import { testConfig } from './helpers/context.ts'

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))

function cli(dataDir: string, args: string[], input?: string) {
  const result = spawnSync(process.execPath, [main, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' },
    input,
    encoding: 'utf8',
    timeout: 180_000,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** Opens the embedded data directory in this process, once no CLI process holds it. */
async function withEmbedded<T>(
  dataDir: string,
  run: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
) {
  const database = await openDatabase({ mode: 'pglite', dataDir })
  try {
    return await run(database)
  } finally {
    await database.close()
  }
}

describe('command line', () => {
  let dataDir: string
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gt-cli-'))
  })
  after(() => rmSync(dataDir, { recursive: true, force: true }))

  it('migrates, creates an organisation and a user with a password from stdin', () => {
    const first = cli(dataDir, ['migrate'])
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /^Applied \d+ migrations:\n {2}20261123183000-foundation\n/)
    const again = cli(dataDir, ['migrate'])
    assert.equal(again.stdout.trim(), 'The database is already up to date: no migrations to apply')
    const org = cli(dataDir, [
      'organisation',
      'create',
      '--name',
      'Testford Borough Council',
      '--slug',
      'testford',
    ])
    assert.equal(org.code, 0, org.stderr)
    const user = cli(
      dataDir,
      [
        'user',
        'create',
        '--email',
        'Chief@Testford.example',
        '--name',
        'Chief Officer',
        '--role',
        'administrator',
        '--password-stdin',
      ],
      'a long enough passphrase\n',
    )
    assert.equal(user.code, 0, user.stderr)
    assert.match(user.stdout, /Created Chief Officer <chief@testford.example> as administrator/)
  })

  it('refuses bad input with a clear message and a non-zero exit', () => {
    const role = cli(dataDir, [
      'user',
      'create',
      '--email',
      'x@testford.example',
      '--name',
      'X',
      '--role',
      'emperor',
    ])
    assert.notEqual(role.code, 0)
    assert.match(role.stderr, /Select a role/)
    const slug = cli(dataDir, ['organisation', 'create', '--name', 'Bad', '--slug', 'Not A Slug'])
    assert.notEqual(slug.code, 0)
    assert.match(slug.stderr, /lower-case letters, numbers and hyphens/)
    const duplicate = cli(dataDir, [
      'organisation',
      'create',
      '--name',
      'Again',
      '--slug',
      'testford',
    ])
    assert.match(duplicate.stderr, /already exists/)
    const unknown = cli(dataDir, ['frobnicate'])
    assert.equal(unknown.code, 64)
    assert.match(unknown.stderr, /Usage: golden-thread/)
  })

  it('prints an API token once, which works on the API and can be revoked', async () => {
    const created = cli(dataDir, [
      'token',
      'create',
      '--email',
      'chief@testford.example',
      '--name',
      'Power BI',
    ])
    assert.equal(created.code, 0, created.stderr)
    const token = created.stdout.trim()
    assert.match(token, /^gt_[A-Za-z0-9_-]{40,}$/)
    await withEmbedded(dataDir, async (database) => {
      const stored = await database.db.selectFrom('api_tokens').select('token_hash').execute()
      assert.ok(
        stored.every((t) => t.token_hash !== token),
        'the token is stored hashed',
      )
      const app = await createApp({ config: testConfig(), database, logger: false })
      const me = await app.inject({
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${token}` },
      })
      assert.equal(me.statusCode, 200)
      assert.equal(me.json<{ email: string }>().email, 'chief@testford.example')
      await app.close()
    })
    const listed = cli(dataDir, ['token', 'list', '--email', 'chief@testford.example'])
    const id = /^([0-9a-f-]{36})/m.exec(listed.stdout)?.[1] ?? ''
    assert.equal(cli(dataDir, ['token', 'revoke', '--id', id]).code, 0)
    await withEmbedded(dataDir, async (database) => {
      const app = await createApp({ config: testConfig(), database, logger: false })
      const me = await app.inject({
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${token}` },
      })
      assert.equal(me.statusCode, 401)
      await app.close()
    })
  })

  it('verifies the audit trail, and names the first broken record after tampering', async () => {
    const ok = cli(dataDir, ['audit', 'verify'])
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(ok.stdout, /Audit trail intact/)
    await withEmbedded(dataDir, (database) =>
      sql`update audit_records set summary = 'rewritten' where seq = 2`.execute(database.db),
    )
    const broken = cli(dataDir, ['audit', 'verify'])
    assert.equal(broken.code, 2)
    assert.match(broken.stderr, /broken at record 2 .*altered/)
  })

  it('backs up and restores into an empty database', () => {
    const file = join(dataDir, 'backup.json.gz')
    const backup = cli(dataDir, ['backup', file])
    assert.equal(backup.code, 0, backup.stderr)
    const other = mkdtempSync(join(tmpdir(), 'gt-cli-restore-'))
    try {
      const restored = cli(other, ['restore', file])
      assert.equal(restored.code, 0, restored.stderr)
      const rows = /Backed up (\d+) rows/.exec(backup.stdout)?.[1]
      assert.match(restored.stdout, new RegExp(`Restored ${rows ?? 'x'} rows`))
      const again = cli(other, ['restore', file])
      assert.notEqual(again.code, 0)
      assert.match(again.stderr, /needs an empty database/)
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })

  it('backs up without the cookie-signing secret unless asked to, and says so', async () => {
    await withEmbedded(dataDir, (database) => instanceSecret(database.db, 'cookie_secret'))
    const read = (file: string) => gunzipSync(readFileSync(file)).toString('utf8')
    const plain = join(dataDir, 'plain.json.gz')
    const without = cli(dataDir, ['backup', plain])
    assert.equal(without.code, 0, without.stderr)
    assert.match(without.stdout, /cookie-signing secret is not included/)
    assert.doesNotMatch(read(plain), /cookie_secret/)
    const full = join(dataDir, 'full.json.gz')
    const withSecrets = cli(dataDir, ['backup', full, '--with-secrets'])
    assert.equal(withSecrets.code, 0, withSecrets.stderr)
    assert.match(withSecrets.stdout, /includes the cookie-signing secret/)
    assert.match(read(full), /cookie_secret/)
  })

  it('builds the demo council, and rebuilds it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-cli-demo-'))
    try {
      const first = cli(dir, ['demo'])
      assert.equal(first.code, 0, first.stderr)
      assert.match(first.stdout, /Example City Council/)
      assert.match(first.stdout, /admin@example-city.gov.uk/)
      assert.equal(cli(dir, ['demo']).code, 0)
      assert.equal(cli(dir, ['audit', 'verify']).code, 0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('serving on the embedded database', () => {
  it('refuses a second process on the same data directory, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gt-serve-'))
    const server = spawn(process.execPath, [main, 'serve'], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: '' },
    })
    try {
      let output = ''
      server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`server did not start: ${output}`)),
          180_000,
        )
        server.stdout.on('data', () => {
          if (output.includes('Sign in with any of these')) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
      assert.match(output, /Sign in with any of these/)
      const second = cli(dataDir, ['migrate'])
      assert.equal(second.code, 1)
      assert.match(second.stderr, /in use by another Golden Thread process/)
      const exited = new Promise<number | null>((resolve) => server.on('exit', resolve))
      server.kill('SIGTERM')
      assert.equal(await exited, 0)
      assert.equal(existsSync(join(dataDir, 'golden-thread.lock')), false)
    } finally {
      server.kill('SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
