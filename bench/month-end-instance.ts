// One Golden Thread instance in a process of its own, as it runs in production, for
// month-end.bench.ts: it opens the benchmark's PostgreSQL schema, listens on a loopback port,
// tells the parent which, and on 'stop' reports the most memory (RSS) the process held.
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

const database = openPostgres(url, Number(process.env.BENCH_INSTANCE_POOL ?? 10), schema)
const config = testConfig()
const clock = () => new Date()
const services = createServices({ config, database, clock })
const app = await createApp({ config, database, clock, services, logger: false })
await app.listen({ port: 0, host: '127.0.0.1' })

let rssMax = process.memoryUsage().rss
const sampler = setInterval(() => {
  rssMax = Math.max(rssMax, process.memoryUsage().rss)
}, 100)

process.on('message', (message) => {
  if (message === 'reset') {
    rssMax = process.memoryUsage().rss
    send({ reset: true })
    return
  }
  if (message !== 'stop') return
  clearInterval(sampler)
  void app
    .close()
    .then(() => database.close())
    .then(() => {
      send({ rssMaxMb: rssMax / 2 ** 20 })
      process.disconnect?.()
    })
})
send({ port: (app.server.address() as { port: number }).port })
