import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely'

/**
 * PGlite has a single connection. A transaction must own it until it ends, or statements of
 * concurrent requests would run inside it, so connections are handed out one at a time.
 */
class ConnectionMutex {
  #tail: Promise<void> = Promise.resolve()

  async lock(): Promise<() => void> {
    let release!: () => void
    const next = new Promise<void>((resolve) => (release = resolve))
    const previous = this.#tail
    this.#tail = previous.then(() => next)
    await previous
    return release
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly #client: PGlite
  constructor(client: PGlite) {
    this.#client = client
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#client.query<R>(query.sql, [...query.parameters])
    const affected = result.affectedRows
    return {
      rows: result.rows,
      ...(affected === undefined ? {} : { numAffectedRows: BigInt(affected) }),
    }
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming queries are not available on the embedded database')
  }
}

class PGliteDriver implements Driver {
  readonly #mutex = new ConnectionMutex()
  readonly #connection: PGliteConnection
  readonly #releases = new WeakMap<DatabaseConnection, () => void>()
  constructor(client: PGlite) {
    this.#connection = new PGliteConnection(client)
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#mutex.lock()
    this.#releases.set(this.#connection, release)
    return this.#connection
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const release = this.#releases.get(connection)
    this.#releases.delete(connection)
    release?.()
  }

  /** Waits for whoever holds the connection; the database closes the client itself. */
  async destroy(): Promise<void> {
    const release = await this.#mutex.lock()
    release()
  }
}

export function pgliteDialect(client: PGlite): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PGliteDriver(client),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }
}
