import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  readdirSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'kysely'
import pg from 'pg'
import { fromPGlite, openPostgres, pgliteParsers, type Database } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'

export type TestMode = 'pglite' | 'postgres'

// Tests read their own environment: which PostgreSQL to use, if any.
const postgresUrl = process.env.TEST_DATABASE_URL

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export function testModes(): TestMode[] {
  return postgresUrl ? ['pglite', 'postgres'] : ['pglite']
}

function templatePath(): string {
  const migrations = readdirSync(new URL('../../src/db/migrations/', import.meta.url)).sort()
  const key = migrations
    .map(
      (file) =>
        `${file}:${readFileSync(new URL(`../../src/db/migrations/${file}`, import.meta.url)).length}`,
    )
    .join(',')
  const hash = Buffer.from(key).toString('base64url').slice(-40)
  const dir = join(tmpdir(), 'golden-thread-test')
  mkdirSync(dir, { recursive: true })
  return join(dir, `template-${migrations.length}-${hash}.tar.gz`)
}

/**
 * A migrated PGlite costs about 3 seconds to make, so one template is made per set of
 * migrations and each test file loads its own copy of it.
 */
export async function pgliteTemplate(): Promise<Blob> {
  const path = templatePath()
  if (!existsSync(path)) {
    const client = await PGlite.create({ parsers: pgliteParsers })
    const database = fromPGlite(client)
    await migrateToLatest(database.db)
    const dump = await client.dumpDataDir('gzip')
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`
    writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()))
    renameSync(temporary, path)
    await database.close()
  }
  return new Blob([readFileSync(path)])
}

export async function freshPglite(): Promise<Database> {
  const client = await PGlite.create({
    loadDataDir: await pgliteTemplate(),
    parsers: pgliteParsers,
  })
  return fromPGlite(client)
}

/** A schema of its own on the test PostgreSQL, dropped when the test file closes it. */
export async function freshPostgres(): Promise<Database> {
  if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set')
  const schema = `test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: postgresUrl })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  await admin.end()
  const database = openPostgres(postgresUrl, 5, schema)
  await migrateToLatest(database.db, schema)
  return {
    ...database,
    async close() {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(database.db)
      await database.close()
    },
  }
}

export function freshDatabase(mode: TestMode): Promise<Database> {
  return mode === 'pglite' ? freshPglite() : freshPostgres()
}
