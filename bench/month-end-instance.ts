// One Golden Thread instance in a process of its own, as it runs in production, for
// month-end.bench.ts: it opens the benchmark's PostgreSQL schema, listens on a loopback port,
// tells the parent which, and on 'stop' reports the most memory the process held (RSS, and the
// heap, external memory and array buffers at their highest) and, for each route, how many
// requests it answered with each status and how long they took (the server's own time, from
// the request read to the response sent), so errors and slow routes can be told apart.
import { createApp } from '../src/app.ts'
import { openPostgres } from '../src/db/database.ts'
import { createServices } from '../src/services.ts'
import { testConfig } from '../test/helpers/context.ts'

const url = process.env.BENCH_INSTANCE_URL
const schema = process.env.BENCH_INSTANCE_SCHEMA
if (!url || !schema || !process.send) {
  throw new Error('month-end-instance.ts runs as a child of month-end.bench.ts')
}
const send = (message: unknown) => process.send?.(message)

const poolSize = process.env.BENCH_INSTANCE_POOL ? Number(process.env.BENCH_INSTANCE_POOL) : 10
const database = openPostgres(url, poolSize, schema)
const config = testConfig()
const clock = () => new Date()
const services = createServices({ config, database, clock })
const app = await createApp({ config, database, clock, services, logger: false })

interface RouteFigures {
  count: number
  statuses: Record<string, number>
  times: number[]
}
const routes = new Map<string, RouteFigures>()
app.addHook('onResponse', async (request, reply) => {
  const key = `${request.method} ${request.routeOptions.url ?? '(none)'}`
  let figures = routes.get(key)
  if (!figures) {
    figures = { count: 0, statuses: {}, times: [] }
    routes.set(key, figures)
  }
  figures.count++
  figures.statuses[reply.statusCode] = (figures.statuses[reply.statusCode] ?? 0) + 1
  figures.times.push(reply.elapsedTime)
})
await app.listen({ port: 0, host: '127.0.0.1' })

const mb = (bytes: number) => bytes / 2 ** 20
const most = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }
const sample = () => {
  const now = process.memoryUsage()
  most.rss = Math.max(most.rss, now.rss)
  most.heapTotal = Math.max(most.heapTotal, now.heapTotal)
  most.heapUsed = Math.max(most.heapUsed, now.heapUsed)
  most.external = Math.max(most.external, now.external)
  most.arrayBuffers = Math.max(most.arrayBuffers, now.arrayBuffers)
}
sample()
const sampler = setInterval(sample, 100)

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0
}

process.on('message', (message) => {
  if (message !== 'stop') return
  clearInterval(sampler)
  const byRoute = [...routes].map(([route, f]) => {
    const sorted = [...f.times].sort((a, b) => a - b)
    return {
      route,
      count: f.count,
      statuses: f.statuses,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? 0,
    }
  })
  void app
    .close()
    .then(() => database.close())
    .then(() => {
      send({
        rssMaxMb: mb(most.rss),
        heapTotalMaxMb: mb(most.heapTotal),
        heapUsedMaxMb: mb(most.heapUsed),
        externalMaxMb: mb(most.external),
        arrayBuffersMaxMb: mb(most.arrayBuffers),
        routes: byRoute,
      })
      process.disconnect?.()
    })
})
send({ port: (app.server.address() as { port: number }).port })
