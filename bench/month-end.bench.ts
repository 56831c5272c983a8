import { fork, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import { sql } from 'kysely'
import { openPostgres } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { generateDashboards } from './dashboards.bench.ts'
import type { BenchResult } from './harness.ts'

/** What the issue measured before: 24–29 requests a second at 200 connections, one instance. */
const TODAY_PER_SECOND = 29
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60)

function next<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T))
    child.once('error', reject)
  })
}

async function startInstance(url: string, schema: string) {
  const child = fork(new URL('./month-end-instance.ts', import.meta.url), [], {
    env: { ...process.env, BENCH_INSTANCE_URL: url, BENCH_INSTANCE_SCHEMA: schema },
  })
  const { port } = await next<{ port: number }>(child)
  return {
    port,
    async stop(title: string) {
      const stopped = next<InstanceReport>(child)
      child.send('stop')
      const report = await stopped
      printInstance(title, report)
      return report.rssMaxMb
    },
  }
}

interface InstanceReport {
  readonly rssMaxMb: number
  readonly heapTotalMaxMb: number
  readonly heapUsedMaxMb: number
  readonly externalMaxMb: number
  readonly arrayBuffersMaxMb: number
  readonly routes: readonly {
    route: string
    count: number
    statuses: Record<string, number>
    p50: number
    p99: number
    max: number
  }[]
}

/** What an instance saw: its memory at its highest and each route's statuses and times. */
function printInstance(title: string, report: InstanceReport) {
  const mb = (n: number) => `${n.toFixed(0)} MB`
  console.log(
    `  ${title}: RSS ${mb(report.rssMaxMb)}, heap ${mb(report.heapUsedMaxMb)} used of ` +
      `${mb(report.heapTotalMaxMb)}, ` +
      `external ${mb(report.externalMaxMb)} (array buffers ${mb(report.arrayBuffersMaxMb)}), at their highest`,
  )
  for (const r of [...report.routes].sort((a, b) => b.count - a.count)) {
    const statuses = Object.entries(r.statuses)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ')
    console.log(
      `    ${r.route}: ${r.count} (${statuses}), p50 ${r.p50.toFixed(0)} ms, ` +
        `p99 ${r.p99.toFixed(0)} ms, max ${r.max.toFixed(0)} ms`,
    )
  }
}

interface LoadResult {
  readonly requests: number
  readonly perSecond: number
  readonly errors: number
  readonly non2xx: number
  readonly p50: number
  readonly p99: number
  readonly writes: number
  readonly timeouts: number
  readonly statuses: Record<string, number>
}

function printLoad(title: string, result: LoadResult) {
  const statuses = Object.entries(result.statuses)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ')
  console.log(
    `  ${title}: ${result.requests} responses (${statuses}); ` +
      `${result.timeouts} timeouts and ${result.errors - result.timeouts} other errors at the client`,
  )
}

async function drive(plan: Record<string, unknown>): Promise<LoadResult> {
  const child = fork(new URL('./month-end-load.ts', import.meta.url))
  await next(child)
  const result = next<LoadResult>(child)
  child.send(plan)
  return result
}

/** The months of this financial year that have ended: free to write (the values end in March). */
function endedMonthsThisYear(today = new Date()): string[] {
  const year = today.getUTCMonth() >= 3 ? today.getUTCFullYear() : today.getUTCFullYear() - 1
  const months: string[] = []
  for (let m = 0; m < 12; m++) {
    const start = new Date(Date.UTC(year, 3 + m, 1))
    const end = new Date(Date.UTC(year, 4 + m, 1))
    if (end > today) break
    months.push(start.toISOString().slice(0, 10))
  }
  return months
}

/**
 * Issue 24's month-end load on PostgreSQL: the large council (2,000 measures, 200,000 values,
 * 300 projects, 400 risks, a corporate dashboard), 200 connections for 60 seconds, each going
 * round nine reads (measure list pages, a measure and its values, the corporate dashboard and
 * the exception view through the API, the public dashboard and public measure pages) and one
 * value written. Each instance runs in a process of its own; the load comes from another. First
 * one instance, then two on the same database; beside them, the floor: the same connections on
 * /ping of one instance. Needs BENCH_DATABASE_URL (PGlite is one process by design).
 */
export default async function monthEnd(): Promise<BenchResult[]> {
  const url = process.env.BENCH_DATABASE_URL
  if (!url) {
    console.log('  (month-end load needs BENCH_DATABASE_URL: PostgreSQL only)')
    return []
  }
  const schema = `bench_${randomUUID().slice(0, 8)}`
  const admin = openPostgres(url, 2)
  await sql`create schema ${sql.id(schema)}`.execute(admin.db)
  const database = openPostgres(url, 10, schema)
  try {
    await migrateToLatest(database.db, schema)
    const generated = await generateDashboards(database)
    const db = database.db
    const org = generated.principal.organisationId
    await db
      .updateTable('measures')
      .set({ public: true })
      .where('organisation_id', '=', org)
      .execute()
    await db.updateTable('organisations').set({ publishes: true }).where('id', '=', org).execute()
    const { slug } = await db
      .selectFrom('organisations')
      .select('slug')
      .where('id', '=', org)
      .executeTakeFirstOrThrow()
    const { token } = await generated.services.auth.createToken(generated.principal, 'month end')
    const measures = await db
      .selectFrom('measures')
      .select(['id', 'code', 'frequency'])
      .where('organisation_id', '=', org)
      .orderBy('code')
      .execute()
    const monthly = measures.filter((m) => m.frequency === 'monthly').map((m) => m.id)
    const half = Math.floor(monthly.length / 2)
    const months = endedMonthsThisYear()
    const some = (n: number) => measures.filter((_, i) => i % Math.floor(measures.length / n) === 0)
    const reads = [
      '/api/v1/measures?pageSize=50',
      `/api/v1/dashboards/${generated.corporateId}/content`,
      ...some(2).map((m) => `/api/v1/measures/${m.id}/values`),
      '/api/v1/measures?pageSize=50&page=7',
      '/api/v1/dashboards/exceptions',
      `/public/${slug}`,
      ...some(2).map((m) => `/public/${slug}/measures/${m.code}`),
    ]
    const load = { uptime: loadavg()[0] ?? 0 }
    const results: BenchResult[] = []
    const label = `PostgreSQL, ${CONNECTIONS} connections, ${SECONDS} s`

    // One instance: the floor first, then the month-end mix.
    const one = await startInstance(url, schema)
    try {
      for (const path of reads)
        await (
          await fetch(`http://127.0.0.1:${one.port}${path}`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).text()
      const floor = await drive({
        ports: [one.port],
        connections: CONNECTIONS,
        seconds: Math.min(SECONDS, 10),
        token,
        reads: ['/ping'],
        writes: { measureIds: [], months: [] },
      }).catch(() => null)
      const mix = await drive({
        ports: [one.port],
        connections: CONNECTIONS,
        seconds: SECONDS,
        token,
        reads,
        writes: { measureIds: monthly.slice(0, half), months },
      })
      const rss = await one.stop('one instance')
      printLoad('one instance, the client', mix)
      results.push(
        ...(floor
          ? [
              {
                name: `${label}: floor, /ping of one instance`,
                value: floor.perSecond,
                unit: 'req/s',
              },
            ]
          : []),
        {
          name: `${label}, one instance: throughput`,
          value: mix.perSecond,
          unit: 'req/s',
          budget: { limit: TODAY_PER_SECOND * 10, better: 'higher' },
        },
        {
          name: `${label}, one instance: errors, timeouts and non-2xx`,
          value: mix.errors + mix.non2xx,
          unit: 'responses',
          budget: { limit: 0, better: 'lower' },
        },
        { name: `${label}, one instance: p50`, value: mix.p50, unit: 'ms' },
        {
          name: `${label}, one instance: p99`,
          value: mix.p99,
          unit: 'ms',
          budget: { limit: 1000, better: 'lower' },
        },
        { name: `${label}, one instance: values written`, value: mix.writes, unit: 'values' },
        {
          name: `${label}, one instance: most memory held (RSS)`,
          value: rss,
          unit: 'MB',
          budget: { limit: 600, better: 'lower' },
        },
      )
      if (floor)
        results.push({
          name: `${label}, one instance: throughput over the /ping floor`,
          value: (mix.perSecond / floor.perSecond) * 100,
          unit: '%',
        })
    } catch (error) {
      await one.stop('one instance').catch(() => 0)
      throw error
    }

    // Two instances on the same database, the same connections shared between them.
    const pair = [await startInstance(url, schema), await startInstance(url, schema)]
    for (const instance of pair) {
      for (const path of reads)
        await (
          await fetch(`http://127.0.0.1:${instance.port}${path}`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).text()
    }
    const both = await drive({
      ports: pair.map((p) => p.port),
      connections: CONNECTIONS,
      seconds: SECONDS,
      token,
      reads,
      writes: { measureIds: monthly.slice(half), months },
    })
    const rss = await Promise.all(pair.map((p, i) => p.stop(`two instances, #${i + 1}`)))
    printLoad('two instances, the client', both)
    const single = results.find((r) => r.name.endsWith('one instance: throughput'))?.value ?? 0
    results.push(
      { name: `${label}, two instances: throughput`, value: both.perSecond, unit: 'req/s' },
      {
        name: `${label}, two instances: over one instance`,
        value: single ? both.perSecond / single : 0,
        unit: '×',
        budget: { limit: 1, better: 'higher' },
      },
      {
        name: `${label}, two instances: errors, timeouts and non-2xx`,
        value: both.errors + both.non2xx,
        unit: 'responses',
        budget: { limit: 0, better: 'lower' },
      },
      {
        name: `${label}, two instances: p99`,
        value: both.p99,
        unit: 'ms',
        budget: { limit: 1000, better: 'lower' },
      },
      {
        name: `${label}, two instances: most memory held by either (RSS)`,
        value: Math.max(...rss),
        unit: 'MB',
        budget: { limit: 600, better: 'lower' },
      },
      { name: `load average at the start (1 min)`, value: load.uptime, unit: '' },
      { name: `load average at the end (1 min)`, value: loadavg()[0] ?? 0, unit: '' },
    )
    return results
  } finally {
    await database.close()
    await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db)
    await admin.close()
  }
}
