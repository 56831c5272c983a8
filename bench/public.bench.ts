import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { type App, createApp } from '../src/app.ts'
import { buildDemoCouncil } from '../src/features/demo/index.ts'
import {
  DEFAULT_CACHE,
  type PublicCacheOptions,
  createPublicService,
} from '../src/features/public/index.ts'
import { createTestContext } from '../test/helpers/context.ts'
import { load, type BenchResult } from './harness.ts'
import { generate } from './measures.bench.ts'

const CONNECTIONS = 50

/**
 * The public dashboard on press day, 50 connections: a measure page of the demo council served
 * from the server cache; rendered afresh for every request from the published data kept in
 * memory (the page cache turned off: "uncached"); and with that data loaded afresh from the
 * database for every request too ("cold": what the first request for a measure after each
 * publication meets). Then the large council of measures.bench.ts, every measure public: how
 * long the first reader of a measure, and the whole data set, take after a publication.
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
    const start = async (cache?: PublicCacheOptions) => {
      const services = cache
        ? {
            ...ctx.services,
            publicDashboard: createPublicService({ db, clock: ctx.clock.read, cache }),
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
    const cachedApp = await start()
    // What the machine gives the smallest route right now, to read the figures against.
    const ping = await load(cachedApp, { path: '/ping', connections: CONNECTIONS, seconds: 5 })
    const cached = await load(cachedApp, { path, connections: CONNECTIONS, seconds: 10 })
    const pagesApp = await start({ ...DEFAULT_CACHE, maxEntries: 0 })
    const uncached = await load(pagesApp, { path, connections: CONNECTIONS, seconds: 10 })
    // Loaded afresh each time, a request waits behind 49 others on the one PGlite connection,
    // so this run allows a minute per request rather than autocannon's ten seconds.
    const coldApp = await start({ checkEveryMs: 0, maxEntries: 0, keepData: false })
    const port = (coldApp.server.address() as { port: number }).port
    const run = await autocannon({
      url: `http://127.0.0.1:${port}${path}`,
      connections: CONNECTIONS,
      duration: 10,
      timeout: 60,
    })
    if (run.non2xx > 0 || run.errors > 0) throw new Error(`${path}: ${run.errors} errors`)
    const cold = { requestsPerSecond: run.requests.average, p99: run.latency.p99 }

    const large = await generate(ctx.database)
    const orgId = large.principal.organisationId
    await db
      .updateTable('measures')
      .set({ public: true })
      .where('organisation_id', '=', orgId)
      .execute()
    await db.updateTable('organisations').set({ publishes: true }).where('id', '=', orgId).execute()
    const { slug } = await db
      .selectFrom('organisations')
      .select('slug')
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow()
    let started = performance.now()
    const whole = await createPublicService({ db, clock: ctx.clock.read }).dataset(slug)
    const wholeLoad = performance.now() - started
    // A second instance, as after a publication: one measure's pages need only that measure.
    const fresh = createPublicService({ db, clock: ctx.clock.read })
    started = performance.now()
    await fresh.measure(slug, 'M0001')
    const firstPage = performance.now() - started

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
        name: 'uncached measure page (rendered for every request): requests a second',
        value: uncached.requestsPerSecond,
        unit: 'req/s',
        budget: { limit: 200, better: 'higher' },
      },
      { name: 'uncached measure page: 99th percentile latency', value: uncached.p99, unit: 'ms' },
      {
        name: 'cold measure page (its data loaded for every request): requests a second',
        value: cold.requestsPerSecond,
        unit: 'req/s',
      },
      { name: 'cold measure page: 99th percentile latency', value: cold.p99, unit: 'ms' },
      {
        name: `large council (${whole.measures.length} public measures, ${large.valueCount} values): a measure's data just after a publication`,
        value: firstPage,
        unit: 'ms',
      },
      { name: 'large council: loading the whole data set', value: wholeLoad, unit: 'ms' },
    ]
  } finally {
    for (const app of apps) await app.close()
    await ctx.close()
  }
}
