import { loadavg } from 'node:os'
import { createApp } from '../src/app.ts'
import { parsePeriodStart } from '../src/core/periods.ts'
import type { Database } from '../src/db/database.ts'
import { bumpPublication } from '../src/db/publication.ts'
import { settleAll } from '../src/features/measures/index.ts'
import { createServices } from '../src/services.ts'
import { testConfig } from '../test/helpers/context.ts'
import { onEachDatabase, whilePinged, type BenchResult } from './harness.ts'
import { generate } from './measures.bench.ts'

/** Values imported during the import phase (`BENCH_FREEZE_IMPORT=0` leaves it out). */
const IMPORT_SIZE = Number(process.env.BENCH_FREEZE_IMPORT ?? '10000')

/** The public dashboard (or a file of it) read while /ping is asked continuously. */
async function phase(port: number, path: string) {
  const read = await whilePinged(port, async () => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`)
    await response.text()
    if (!response.ok) throw new Error(`${path}: ${response.status}`)
  })
  return { ...read, pageMs: read.ms }
}

const during = async (port: number, work: () => Promise<void>) => {
  const done = await whilePinged(port, work)
  return { ...done, pageMs: done.ms }
}

async function run(label: string, database: Database): Promise<BenchResult[]> {
  const large = await generate(database)
  const db = database.db
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
  const config = testConfig()
  const clock = () => new Date()
  const services = createServices({ config, database, clock })
  const app = await createApp({ config, database, clock, services, logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const load = () => `load ${loadavg()[0]?.toFixed(1) ?? '?'}`
  const name = `${label}, large council public dashboard`
  const results: BenchResult[] = []
  const floor = async (what: string) => {
    // The floor: /ping for two seconds with nothing else asked of the server, in the same run.
    const idle = await during(port, () => new Promise((resolve) => setTimeout(resolve, 2000)))
    results.push(
      {
        name: `${name}, idle ${what} (${load()}): longest event-loop stall`,
        value: idle.stallMs,
        unit: 'ms',
      },
      { name: `${name}, idle ${what}: /ping p99`, value: idle.pingP99, unit: 'ms' },
    )
  }
  try {
    await floor('before')
    const first = await phase(port, `/public/${slug}`)
    await bumpPublication(db, orgId, new Date())
    // The checks of the publication counter happen at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    const after = await phase(port, `/public/${slug}`)
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    const data = await phase(port, `/public/${slug}/data.csv`)
    results.push(
      { name: `${name}, first read: page`, value: first.pageMs, unit: 'ms' },
      {
        name: `${name}, first read: longest event-loop stall`,
        value: first.stallMs,
        unit: 'ms',
        budget: { limit: 50, better: 'lower' },
      },
      { name: `${name}, first read: /ping p99`, value: first.pingP99, unit: 'ms' },
      { name: `${name}, first read: /ping slowest`, value: first.pingMax, unit: 'ms' },
      { name: `${name}, after a publication: page`, value: after.pageMs, unit: 'ms' },
      {
        name: `${name}, after a publication: longest event-loop stall`,
        value: after.stallMs,
        unit: 'ms',
        budget: { limit: 50, better: 'lower' },
      },
      {
        name: `${name}, after a publication: /ping p99`,
        value: after.pingP99,
        unit: 'ms',
        budget: { limit: 100, better: 'lower' },
      },
      { name: `${name}, after a publication: /ping slowest`, value: after.pingMax, unit: 'ms' },
      { name: `${name}, open data CSV: page`, value: data.pageMs, unit: 'ms' },
      {
        name: `${name}, open data CSV: longest event-loop stall`,
        value: data.stallMs,
        unit: 'ms',
        budget: { limit: 50, better: 'lower' },
      },
    )
    if (IMPORT_SIZE > 0) results.push(...(await importPhase(name, port, database, large, services)))
    await floor('after')
    return results
  } finally {
    await app.close()
  }
}

/**
 * An import of values (the last financial year's, taken out and brought back in a CSV file,
 * as import.bench.ts does) while /ping is asked, then the public dashboard read after it.
 */
async function importPhase(
  name: string,
  port: number,
  database: Database,
  large: Awaited<ReturnType<typeof generate>>,
  services: ReturnType<typeof createServices>,
): Promise<BenchResult[]> {
  const db = database.db
  const org = large.principal.organisationId
  const today = new Date().toISOString().slice(0, 10)
  const lastYear = Number(today.slice(0, 4)) - (today.slice(5) < '04-01' ? 2 : 1)
  const measures = await db
    .selectFrom('measures')
    .select(['id', 'code', 'frequency'])
    .where('organisation_id', '=', org)
    .execute()
  const byId = new Map(measures.map((m) => [m.id, m]))
  const removed = await db
    .deleteFrom('measure_values')
    .where('organisation_id', '=', org)
    .where('period_start', '>=', `${lastYear}-04-01`)
    .returning(['measure_id', 'period_start', 'value'])
    .execute()
  await settleAll(db, org, new Date())
  removed.sort(
    (a, b) =>
      a.period_start.localeCompare(b.period_start) ||
      (byId.get(a.measure_id)?.code ?? '').localeCompare(byId.get(b.measure_id)?.code ?? ''),
  )
  const lines = removed.slice(0, IMPORT_SIZE).map((v) => {
    const m = byId.get(v.measure_id)
    const period = parsePeriodStart({ frequency: m?.frequency ?? 'monthly', start: v.period_start })
    return `${m?.code ?? ''},${period.label},${v.value ?? ''},As reported to the performance board`
  })
  const file = Buffer.from(['Measure code,Period,Value,Commentary', ...lines].join('\n'))
  let created = 0
  const imported = await during(port, async () => {
    const summary = await services.exchange.importFile(large.principal, file, { dryRun: false })
    created = summary.counts.Values.created
  })
  const what = `${name}, import of ${created.toLocaleString('en-GB')} values`
  return [
    { name: `${what}: time`, value: imported.pageMs, unit: 'ms' },
    {
      name: `${what}: longest event-loop stall`,
      value: imported.stallMs,
      unit: 'ms',
      budget: { limit: 50, better: 'lower' },
    },
    {
      name: `${what}: /ping p99`,
      value: imported.pingP99,
      unit: 'ms',
      budget: { limit: 100, better: 'lower' },
    },
  ]
}

/**
 * Issue 24's freeze: the public data set of the large council (2,000 measures, 200,000 values)
 * rebuilt after a publication while other requests keep coming. PostgreSQL when
 * BENCH_DATABASE_URL is set (BENCH_ONLY=postgres skips PGlite).
 */
export default async function freeze(): Promise<BenchResult[]> {
  return onEachDatabase(run)
}
