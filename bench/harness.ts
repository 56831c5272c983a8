import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { sql, type CompiledQuery, type KyselyPlugin } from 'kysely'
import { openPostgres, type Database } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { createTestContext } from '../test/helpers/context.ts'
import type { App } from '../src/app.ts'

export interface BenchResult {
  readonly name: string
  readonly value: number
  readonly unit: string
  /** The budget an issue names; lower is better for ms, higher for req/s. */
  readonly budget?: { readonly limit: number; readonly better: 'lower' | 'higher' }
}

export interface LoadOptions {
  readonly path: string
  readonly headers?: Record<string, string>
  readonly seconds?: number
  readonly connections?: number
}

/** Drives a listening app over real HTTP and reports throughput and latency percentiles. */
export async function load(app: App, options: LoadOptions) {
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the app is not listening')
  const result = await autocannon({
    url: `http://127.0.0.1:${address.port}${options.path}`,
    headers: options.headers ?? {},
    duration: options.seconds ?? 5,
    connections: options.connections ?? 10,
  })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${options.path}: ${result.non2xx} non-2xx responses and ${result.errors} errors`,
    )
  }
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
  }
}

export function withinBudget(result: BenchResult): boolean {
  if (!result.budget) return true
  return result.budget.better === 'lower'
    ? result.value <= result.budget.limit
    : result.value >= result.budget.limit
}

/**
 * Runs a benchmark on a fresh PGlite (unless BENCH_ONLY=postgres) and, when BENCH_DATABASE_URL
 * names a database, on PostgreSQL in a schema of its own, dropped afterwards.
 */
export async function onEachDatabase(
  run: (label: string, database: Database) => Promise<BenchResult[]>,
): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  if (process.env.BENCH_ONLY !== 'postgres') {
    const ctx = await createTestContext('pglite')
    try {
      results.push(...(await run('PGlite', ctx.database)))
    } finally {
      await ctx.close()
    }
  }
  const url = process.env.BENCH_DATABASE_URL
  if (url) {
    const schema = `bench_${randomUUID().slice(0, 8)}`
    const admin = openPostgres(url, 2)
    await sql`create schema ${sql.id(schema)}`.execute(admin.db)
    const database = openPostgres(url, 10, schema)
    try {
      await migrateToLatest(database.db, schema)
      results.push(...(await run('PostgreSQL', database)))
    } finally {
      await database.close()
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db)
      await admin.close()
    }
  }
  return results
}

/**
 * The database with every statement the product sends counted (through Kysely, so BEGIN and
 * COMMIT are not): `during(work)` gives how many statements `work` sent.
 */
export function countingStatements(database: Database) {
  let count = 0
  let captured: CompiledQuery[] | null = null
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      captured?.push(database.db.getExecutor().compileQuery(args.node, args.queryId))
      return args.node
    },
    transformResult: async (args) => {
      count++
      return args.result
    },
  }
  const db = database.db.withPlugin(counter)
  const read = database.read === database.db ? db : database.read.withPlugin(counter)
  return {
    database: { ...database, db, read } satisfies Database,
    async during(work: () => Promise<unknown>): Promise<number> {
      const before = count
      await work()
      return count - before
    },
    /** The statements `work` sent, compiled, to replay on the bare database as a floor. */
    async capture(work: () => Promise<unknown>): Promise<CompiledQuery[]> {
      captured = []
      try {
        await work()
        return captured
      } finally {
        captured = null
      }
    },
  }
}

/** Sends these statements one after another on the bare database, as a page would. */
export async function replay(database: Database, statements: readonly CompiledQuery[]) {
  for (const statement of statements) await database.db.executeQuery(statement)
}

/** What other requests met while some work ran (see `whilePinged`). */
export interface Pinged<T> {
  /** How long the work took. */
  readonly ms: number
  /** The longest the event loop went without turning meanwhile. */
  readonly stallMs: number
  /** /ping's 99th percentile and slowest latency meanwhile, over real HTTP from a second client. */
  readonly pingP99: number
  readonly pingMax: number
  /** What the work gave back. */
  readonly value: T
}

/**
 * Runs `work` while a second process (ping-client.ts) asks the server on `port` for /ping
 * continuously, and records the longest event-loop stall of this process and /ping's latencies,
 * over the work and 300 ms either side of it.
 */
export async function whilePinged<T>(port: number, work: () => Promise<T>): Promise<Pinged<T>> {
  const histogram = monitorEventLoopDelay({ resolution: 5 })
  const pinger = fork(new URL('./ping-client.ts', import.meta.url), [
    `http://127.0.0.1:${port}/ping`,
  ])
  const next = () => new Promise<unknown>((resolve) => pinger.once('message', resolve))
  await next()
  await new Promise((resolve) => setTimeout(resolve, 300))
  histogram.enable()
  const started = performance.now()
  const value = await work()
  const ms = performance.now() - started
  await new Promise((resolve) => setTimeout(resolve, 300))
  histogram.disable()
  const stats = next()
  pinger.send('stop')
  const ping = (await stats) as { count: number; p99: number; max: number }
  return { ms, stallMs: histogram.max / 1e6, pingP99: ping.p99, pingMax: ping.max, value }
}
