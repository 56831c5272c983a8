import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { testConfig } from '../../../test/helpers/context.ts'
import { openDatabase } from '../../db/database.ts'
import { createServices } from '../../services.ts'
import { authRepository as authRepo } from '../auth/index.ts'
import { organisationRepository as orgRepo } from '../organisation/index.ts'
import { overdueRisk } from './notification-fixtures.ts'

const main = fileURLToPath(new URL('../../main.ts', import.meta.url))

function cli(dataDir: string, args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '', SMTP_URL: '' },
    encoding: 'utf8',
    timeout: 180_000,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** Opens the embedded data directory in this process, once no CLI process holds it. */
async function withEmbedded<T>(
  dataDir: string,
  run: (database: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
) {
  const database = await openDatabase({ mode: 'pglite', dataDir })
  try {
    return await run(database)
  } finally {
    await database.close()
  }
}

describe('golden-thread notify', () => {
  let dataDir: string
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gt-notify-'))
    assert.equal(cli(dataDir, ['migrate']).code, 0)
    const org = cli(dataDir, ['organisation', 'create', '--name', 'Testford', '--slug', 'testford'])
    assert.equal(org.code, 0, org.stderr)
    // A risk whose review date (1 June 2025) has passed, owned by the officer.
    await withEmbedded(dataDir, async (database) => {
      const db = database.db
      const organisation = await orgRepo.findOrganisationBySlug(db, 'testford')
      assert.ok(organisation)
      const person = await orgRepo.insertPerson(db, {
        organisationId: organisation.id,
        email: 'officer@testford.example',
        name: 'Olive Officer',
        jobTitle: null,
        unitId: null,
        passwordHash: null,
      })
      await orgRepo.insertRole(db, {
        organisationId: organisation.id,
        personId: person.id,
        role: 'performance_officer',
        unitId: null,
      })
      const officer = await authRepo.loadPrincipal(db, person.id)
      assert.ok(officer)
      const { risks } = createServices({ config: testConfig(), database, clock: () => new Date() })
      const register = await risks.createRegister(officer, {
        name: 'Corporate',
        level: 'corporate',
      })
      await risks.createRisk(officer, overdueRisk(register.id, 'CR01', officer.personId))
    })
  })
  after(() => rmSync(dataDir, { recursive: true, force: true }))

  it('makes the day’s reminders and prints the counts, saying e-mail is off', () => {
    const run = cli(dataDir, ['notify', '--organisation', 'testford', '--date', '2025-06-06'])
    assert.equal(run.code, 0, run.stderr)
    assert.match(
      run.stdout,
      /^testford: 1 notification \(.*1 risk review overdue.*\); e-mail is off/m,
    )
  })

  it('makes nothing new when run again', async () => {
    const again = cli(dataDir, ['notify', '--date', '2025-06-06'])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /^testford: 0 notifications/m)
    const rows = await withEmbedded(dataDir, (database) =>
      database.db.selectFrom('notifications').select(['kind', 'link']).execute(),
    )
    assert.equal(rows.length, 1)
    assert.equal(rows[0]?.kind, 'risk_review_overdue')
  })

  it('refuses an unknown organisation or a badly written date', () => {
    const unknown = cli(dataDir, ['notify', '--organisation', 'nowhere'])
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /No organisation has the short name "nowhere"/)
    const badDate = cli(dataDir, ['notify', '--date', '6/6/2025'])
    assert.equal(badDate.code, 1)
    assert.match(badDate.stderr, /--date: Write the date as YYYY-MM-DD/)
  })
})
