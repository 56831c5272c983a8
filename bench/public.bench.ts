import autocannon from 'autocannon'
import type { App } from '../src/app.ts'
import { createApp } from '../src/app.ts'
import { buildDemoCouncil } from '../src/features/demo/demo-council.ts'
import { createPublicService } from '../src/features/public/public-service.ts'
import { createTestContext } from '../test/helpers/context.ts'
import { load, type BenchResult } from './harness.ts'

const CONNECTIONS = 50

/**
 * The public dashboard on press day: a measure page of the demo council served from the
 * server cache, and built afresh for every request (the cache turned off), 50 connections.
 */
export default async function publicDashboard(): Promise<BenchResult[]> {
  const ctx = await createTestContext('pglite')
  const apps: App[] = []
  try {
    const db = ctx.database.db
    await buildDemoCouncil(db, ctx.clock.read)
    const data = await ctx.services.publicDashboard.dataset('example-city')
    const path = data.measures.find((m) => m.values.length > 8)?.links.page
    if (!path) throw new Error('the demo council publishes no measure with history')
    const start = async (uncached: boolean) => {
      const services = uncached
        ? {
            ...ctx.services,
            publicDashboard: createPublicService({
              db,
              clock: ctx.clock.read,
              cache: { checkEveryMs: 0, maxEntries: 0, maxAgeMs: 0 },
            }),
          }
        : ctx.services
      const app = await createApp({
        config: ctx.config,
        database: ctx.database,
        clock: ctx.clock.read,
        services,
        logger: false,
      })
      apps.push(app)
      await app.listen({ port: 0, host: '127.0.0.1' })
      await load(app, { path, seconds: 2, connections: 10 })
      return app
    }
    const cachedApp = await start(false)
    // What the machine gives the smallest route right now, to read the figures against.
    const ping = await load(cachedApp, { path: '/ping', connections: CONNECTIONS, seconds: 5 })
    const cached = await load(cachedApp, { path, connections: CONNECTIONS, seconds: 10 })
    // Built afresh each time, a request waits behind 49 others on the one PGlite connection,
    // so this run allows a minute per request rather than autocannon's ten seconds.
    const freshApp = await start(true)
    const port = (freshApp.server.address() as { port: number }).port
    const run = await autocannon({
      url: `http://127.0.0.1:${port}${path}`,
      connections: CONNECTIONS,
      duration: 10,
      timeout: 60,
    })
    if (run.non2xx > 0 || run.errors > 0) throw new Error(`${path}: ${run.errors} errors`)
    const fresh = { requestsPerSecond: run.requests.average, p99: run.latency.p99 }
    return [
      {
        name: 'baseline GET /ping: requests a second',
        value: ping.requestsPerSecond,
        unit: 'req/s',
      },
      { name: 'baseline GET /ping: 99th percentile latency', value: ping.p99, unit: 'ms' },
      {
        name: `cached measure page ${path}: requests a second`,
        value: cached.requestsPerSecond,
        unit: 'req/s',
        budget: { limit: 1000, better: 'higher' },
      },
      {
        name: 'cached measure page: 99th percentile latency',
        value: cached.p99,
        unit: 'ms',
        budget: { limit: 50, better: 'lower' },
      },
      { name: 'cached measure page: median latency', value: cached.p50, unit: 'ms' },
      {
        name: 'uncached measure page (built for every request): requests a second',
        value: fresh.requestsPerSecond,
        unit: 'req/s',
        budget: { limit: 200, better: 'higher' },
      },
      { name: 'uncached measure page: 99th percentile latency', value: fresh.p99, unit: 'ms' },
    ]
  } finally {
    for (const app of apps) await app.close()
    await ctx.close()
  }
}
