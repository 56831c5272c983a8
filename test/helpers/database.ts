import { createHash, randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
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

/**
 * The template is named by a hash of every migration file's name and contents (and of the
 * migrator and the PGlite version that made it), so editing any migration, not only the last,
 * makes a new template rather than loading a stale schema.
 */
function templatePath(): string {
  const folder = new URL('../../src/db/migrations/', import.meta.url)
  const migrations = readdirSync(folder).sort()
  const hash = createHash('sha256')
  for (const file of migrations) {
    hash.update(`${file}\0`)
    hash.update(readFileSync(new URL(file, folder)))
    hash.update('\0')
  }
  hash.update(readFileSync(new URL('../../src/db/migrate.ts', import.meta.url)))
  hash.update(
    readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)),
  )
  const dir = join(tmpdir(), 'golden-thread-test')
  mkdirSync(dir, { recursive: true })
  return join(dir, `template-${migrations.length}-${hash.digest('hex').slice(0, 32)}.tar.gz`)
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

/**
 * Test files make and drop their schemas side by side. Kysely's migrator looks at every table
 * of every schema (by name, through has_schema_privilege) to see whether its own exist, which
 * fails with "schema … does not exist" when another file drops its schema in that instant. A
 * session lock on the test database keeps making one file's schema apart from dropping another's.
 */
const SCHEMA_LOCK = 727_001

async function underSchemaLock<T>(work: () => Promise<T>): Promise<T> {
  if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set')
  const admin = new pg.Client({ connectionString: postgresUrl })
  await admin.connect()
  try {
    await admin.query('select pg_advisory_lock($1)', [SCHEMA_LOCK])
    return await work()
  } finally {
    await admin.end()
  }
}

/** A schema of its own on the test PostgreSQL, dropped when the test file closes it. */
export async function freshPostgres(): Promise<Database> {
  if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set')
  const schema = `test_${randomBytes(6).toString('hex')}`
  const database = openPostgres(postgresUrl, 5, schema)
  await underSchemaLock(async () => {
    await sql`create schema ${sql.id(schema)}`.execute(database.db)
    await migrateToLatest(database.db, schema)
  })
  return {
    ...database,
    async close() {
      await underSchemaLock(() => sql`drop schema ${sql.id(schema)} cascade`.execute(database.db))
      await database.close()
    },
  }
}

export function freshDatabase(mode: TestMode): Promise<Database> {
  return mode === 'pglite' ? freshPglite() : freshPostgres()
}
