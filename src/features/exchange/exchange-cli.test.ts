import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '../../db/database.ts'
import { csvFile, workbookFile } from './exchange-test-files.ts'

const main = fileURLToPath(new URL('../../main.ts', import.meta.url))

function cli(dataDir: string, args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 180_000,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

async function rows(dataDir: string) {
  const database = await openDatabase({ mode: 'pglite', dataDir })
  try {
    const db = database.db
    return {
      measures: await db.selectFrom('measures').select(['code', 'title']).execute(),
      values: await db
        .selectFrom('measure_values')
        .select(['status', 'entered_by', 'submitted_by'])
        .execute(),
      audit: await db
        .selectFrom('audit_records')
        .select(['action', 'actor_id', 'actor_name'])
        .where('action', 'in', ['measure_created', 'value_submitted'])
        .execute(),
      runs: await db
        .selectFrom('import_runs')
        .select(['file_name', 'dry_run', 'status', 'person_id', 'person_name'])
        .orderBy('created_at')
        .execute(),
    }
  } finally {
    await database.close()
  }
}

describe('command line import', () => {
  let dataDir: string
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gt-cli-import-'))
    assert.equal(cli(dataDir, ['migrate']).code, 0)
    const org = cli(dataDir, ['organisation', 'create', '--name', 'Importshire', '--slug', 'imp'])
    assert.equal(org.code, 0, org.stderr)
  })
  after(() => rmSync(dataDir, { recursive: true, force: true }))

  it('checks a file with --dry-run and writes nothing', async () => {
    const file = join(dataDir, 'measures.xlsx')
    writeFileSync(
      file,
      await workbookFile({
        Measures: [
          ['Code', 'Title', 'Unit', 'Polarity', 'Frequency'],
          ['CLI1', 'Council tax collected', 'percent', 'Higher is better', 'Annual'],
        ],
        Values: [
          ['Measure code', 'Period', 'Value', 'Commentary'],
          ['CLI1', '2024/25', 96.5, null],
        ],
      }),
    )
    const dry = cli(dataDir, ['import', file, '--dry-run', '--organisation', 'imp'])
    assert.equal(dry.code, 0, dry.stderr)
    assert.match(dry.stdout, /Measures: 1 to create, 0 to update, 0 unchanged/)
    assert.match(dry.stdout, /2 changes \(dry run: nothing was written\)/)
    assert.deepEqual((await rows(dataDir)).measures, [])

    const real = cli(dataDir, ['import', file])
    assert.equal(real.code, 0, real.stderr)
    assert.match(real.stdout, /Values: 1 created, 0 updated/)
    const after_ = await rows(dataDir)
    assert.deepEqual(after_.measures, [{ code: 'CLI1', title: 'Council tax collected' }])
    // The command line is no one: values are submitted by no person, audited as "Command line".
    assert.deepEqual(after_.values, [{ status: 'submitted', entered_by: null, submitted_by: null }])
    assert.deepEqual(after_.audit.map((a) => [a.action, a.actor_id, a.actor_name]).sort(), [
      ['measure_created', null, 'Command line'],
      ['value_submitted', null, 'Command line'],
    ])
    // Both are in the import history, as the page's and the API's imports are.
    assert.deepEqual(
      after_.runs.map((r) => [r.file_name, r.dry_run, r.status, r.person_id, r.person_name]),
      [
        ['measures.xlsx', true, 'succeeded', null, 'Command line'],
        ['measures.xlsx', false, 'succeeded', null, 'Command line'],
      ],
    )
    assert.equal(cli(dataDir, ['audit', 'verify']).code, 0)
  })

  it('prints every row error and exits 1, importing nothing', async () => {
    const file = join(dataDir, 'targets.csv')
    writeFileSync(
      file,
      csvFile([
        ['Measure code', 'Period', 'Target'],
        ['CLI1', '2025/26', 97],
        ['NOPE', '2025/26', 5],
        ['CLI1', '2026/27', 'high'],
      ]),
    )
    const result = cli(dataDir, ['import', file])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /Nothing was imported: .* has 2 problems/)
    assert.match(
      result.stderr,
      /Sheet Targets, row 3, column Measure code: No measure has the code NOPE/,
    )
    assert.match(result.stderr, /Sheet Targets, row 4, column Target: Enter the target as a number/)
    const missing = cli(dataDir, ['import'])
    assert.notEqual(missing.code, 0)
    assert.match(missing.stderr, /Give the file to import/)
  })
})
