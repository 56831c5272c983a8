import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { freshDatabase, testModes } from '../../test/helpers/database.ts'
import { DataDirLocked, lockDataDir } from './data-dir-lock.ts'
import type { Database } from './database.ts'
import { migrateToLatest } from './migrate.ts'

for (const mode of testModes()) {
  describe(`database (${mode})`, () => {
    let database: Database
    before(async () => {
      database = await freshDatabase(mode)
    })
    after(() => database.close())

    it('has applied every migration, and running them again changes nothing', async () => {
      const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(
        database.db,
      )
      assert.ok(applied.rows.some((r) => r.name.endsWith('-foundation')))
      const again = await migrateToLatest(database.db)
      assert.deepEqual(again.applied, [])
    })

    it('returns dates as YYYY-MM-DD strings and counts as numbers in both modes', async () => {
      const result = await sql<{ d: unknown; n: unknown; x: unknown }>`
        select date '2024-07-01' as d, count(*) as n, 1.5::numeric as x from organisations`.execute(
        database.db,
      )
      assert.deepEqual(result.rows[0], { d: '2024-07-01', n: 0, x: 1.5 })
    })

    it('never runs statements of concurrent requests inside another transaction', async () => {
      await sql`create table if not exists interleave_probe (id int primary key, note text)`.execute(
        database.db,
      )
      let releaseInside!: () => void
      const inside = new Promise<void>((resolve) => (releaseInside = resolve))
      const transaction = database.db.transaction().execute(async (trx) => {
        await sql`insert into interleave_probe values (1, 'in transaction')`.execute(trx)
        await inside
        throw new Error('roll back')
      })
      // While the transaction is open, a statement outside it.
      const outside = sql`insert into interleave_probe values (2, 'outside')`.execute(database.db)
      await new Promise((resolve) => setTimeout(resolve, 50))
      releaseInside()
      await assert.rejects(transaction, /roll back/)
      await outside
      const rows = await sql<{ id: number }>`select id from interleave_probe order by id`.execute(
        database.db,
      )
      // Had the outside insert run inside the transaction, the rollback would have removed it.
      assert.deepEqual(
        rows.rows.map((r) => r.id),
        [2],
      )
    })
  })
}

describe('embedded data directory lock', () => {
  it('refuses a lock held by another live process, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-lock-'))
    try {
      // pid 1 is always alive: as if another Golden Thread held the directory.
      writeFileSync(join(dir, 'golden-thread.lock'), '1')
      assert.throws(
        () => lockDataDir(dir),
        (error: unknown) =>
          error instanceof DataDirLocked &&
          /in use by another Golden Thread process \(pid 1\)/.test(error.message),
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('takes over a lock left by a process that has died, and releases it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-lock-'))
    try {
      writeFileSync(join(dir, 'golden-thread.lock'), '999999999')
      const release = lockDataDir(dir)
      assert.equal(readFileSync(join(dir, 'golden-thread.lock'), 'utf8'), String(process.pid))
      release()
      assert.equal(existsSync(join(dir, 'golden-thread.lock')), false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
