import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Config } from '../config.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { pgliteDialect } from './pglite-dialect.ts'
import type { DB } from './schema.ts'

export type DatabaseMode = 'pglite' | 'postgres'

export interface Database {
  readonly db: Kysely<DB>
  /**
   * For reads that may lag the primary by a moment (public pages, open data): a streaming
   * replica when DATABASE_READ_URL is set, otherwise the same connection as `db`.
   */
  readonly read: Kysely<DB>
  readonly mode: DatabaseMode
  close(): Promise<void>
}

// Dates stay 'YYYY-MM-DD' strings; numeric and bigint become numbers, in both modes alike.
const { DATE, INT8, NUMERIC } = pg.types.builtins
const parseNumber = (value: string): number => Number(value)

pg.types.setTypeParser(DATE, (value: string) => value)
pg.types.setTypeParser(INT8, parseNumber)
pg.types.setTypeParser(NUMERIC, parseNumber)

export const pgliteParsers = {
  [DATE]: (value: string) => value,
  [INT8]: parseNumber,
  [NUMERIC]: parseNumber,
}

export async function openDatabase(config: Config['database']): Promise<Database> {
  if (config.mode === 'postgres') {
    const primary = openPostgres(config.url, config.poolSize)
    if (!config.readUrl) return primary
    const replica = openPostgres(config.readUrl, config.poolSize)
    return {
      ...primary,
      read: replica.db,
      async close() {
        await Promise.all([primary.close(), replica.close()])
      },
    }
  }
  const unlock = lockDataDir(config.dataDir)
  try {
    const client = await PGlite.create({
      dataDir: join(config.dataDir, 'pgdata'),
      parsers: pgliteParsers,
    })
    return fromPGlite(client, { onClose: unlock })
  } catch (error) {
    unlock()
    throw error
  }
}

/** Where a PostgreSQL connection pool connects, for opening another one elsewhere. */
export interface PostgresSource {
  readonly url: string
  readonly schema?: string
}

const sources = new WeakMap<Kysely<DB>, PostgresSource>()

/**
 * Where `db` connects, when it is a PostgreSQL pool opened by openPostgres: so a worker thread
 * can open a small pool of its own to the same database. Undefined for PGlite (one connection,
 * in this process) and for anything wrapped after opening.
 */
export function postgresSourceOf(db: Kysely<DB>): PostgresSource | undefined {
  return sources.get(db)
}

/** `schema` puts every table in that schema (tests use one per file). */
export function openPostgres(url: string, poolSize = 10, schema?: string): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    ...(schema && { options: `-c search_path=${schema}` }),
  })
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  sources.set(db, schema === undefined ? { url } : { url, schema })
  return { db, read: db, mode: 'postgres', close: () => db.destroy() }
}

export function fromPGlite(client: PGlite, options: { onClose?: () => void } = {}): Database {
  const db = new Kysely<DB>({ dialect: pgliteDialect(client) })
  return {
    db,
    read: db,
    mode: 'pglite',
    async close() {
      await db.destroy()
      // Kysely only closes a driver it has used; close the client ourselves so a database that
      // was opened but never queried does not leave PGlite waiting.
      if (!client.closed) await client.close()
      options.onClose?.()
    },
  }
}

export async function ping(db: Kysely<DB>): Promise<boolean> {
  const result = await sql<{ ok: number }>`select 1 as ok`.execute(db)
  return result.rows[0]?.ok === 1
}
