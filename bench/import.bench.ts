import { loadavg } from 'node:os'
import { createApp } from '../src/app.ts'
import { parsePeriodStart } from '../src/core/periods.ts'
import type { Database } from '../src/db/database.ts'
import { settleAll } from '../src/features/measures/index.ts'
import { createServices } from '../src/services.ts'
import { testConfig } from '../test/helpers/context.ts'
import { countingStatements, onEachDatabase, whilePinged, type BenchResult } from './harness.ts'
import { generate } from './measures.bench.ts'

/** How many values each run imports: `BENCH_IMPORT_SIZES=1000,10000` for a shorter run. */
const SIZES = (process.env.BENCH_IMPORT_SIZES ?? '10000,100000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0)

/** Runs an import while /ping is asked continuously; its value is the changes it made. */
async function phase(port: number, work: () => Promise<number>) {
  const done = await whilePinged(port, work)
  return { ...done, changes: done.value }
}

async function run(label: string, database: Database): Promise<BenchResult[]> {
  const large = await generate(database)
  const db = database.db
  const org = large.principal.organisationId
  // The last five financial years of every measure go, so a file can bring them back:
  // 1,500 monthly measures × 60 months and 500 quarterly × 20 quarters = 100,000 values.
  const today = new Date().toISOString().slice(0, 10)
  const lastYear = Number(today.slice(0, 4)) - (today.slice(5) < '04-01' ? 2 : 1)
  const from = `${lastYear - 4}-04-01`
  const measures = await db
    .selectFrom('measures')
    .select(['id', 'code', 'frequency'])
    .where('organisation_id', '=', org)
    .orderBy('code')
    .execute()
  const byId = new Map(measures.map((m) => [m.id, m]))
  const removed = await db
    .deleteFrom('measure_values')
    .where('organisation_id', '=', org)
    .where('period_start', '>=', from)
    .returning(['measure_id', 'period_start', 'value'])
    .execute()
  await settleAll(db, org, new Date())
  // Oldest period first, as a council's history file runs.
  removed.sort(
    (a, b) =>
      a.period_start.localeCompare(b.period_start) ||
      (byId.get(a.measure_id)?.code ?? '').localeCompare(byId.get(b.measure_id)?.code ?? ''),
  )
  const lines = removed.map((v) => {
    const m = byId.get(v.measure_id)
    const period = parsePeriodStart({ frequency: m?.frequency ?? 'monthly', start: v.period_start })
    return `${m?.code ?? ''},${period.label},${v.value ?? ''},As reported to the performance board`
  })
  const fileOf = (n: number) =>
    Buffer.from(['Measure code,Period,Value,Commentary', ...lines.slice(0, n)].join('\n'))

  const config = testConfig()
  // Statements counted (through Kysely, so BEGIN and COMMIT are not).
  const counting = countingStatements(database)
  const services = createServices({ config, database: counting.database, clock: () => new Date() })
  const exchange = services.exchange
  const app = await createApp({ config, database: counting.database, services, logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const results: BenchResult[] = []
  const load = () => `load ${loadavg()[0]?.toFixed(2) ?? '?'}`
  try {
    // The floor on this machine now: /ping asked for two seconds while nothing else runs, so a
    // stall or p99 from the machine's own load shows as such beside the import's.
    const idle = await phase(port, async () => {
      await new Promise((resolve) => setTimeout(resolve, 2000))
      return 0
    })
    results.push(
      {
        name: `${label}, idle (${load()}): longest event-loop stall`,
        value: idle.stallMs,
        unit: 'ms',
      },
      { name: `${label}, idle: /ping p99`, value: idle.pingP99, unit: 'ms' },
    )
    for (const size of SIZES.filter((n) => n <= lines.length)) {
      const file = fileOf(size)
      for (const dryRun of [true, false]) {
        let statements = 0
        const done = await phase(port, async () => {
          let created = 0
          statements = await counting.during(async () => {
            const summary = await exchange.importFile(large.principal, file, { dryRun })
            created = summary.counts.Values.created
          })
          return created
        })
        if (done.changes !== size) {
          throw new Error(`${size} values: ${done.changes} created`)
        }
        const name = `${label}, ${size.toLocaleString('en-GB')} values${dryRun ? ', dry run' : ''}`
        const budget =
          label === 'PostgreSQL'
            ? size <= 10_000
              ? 5_000
              : 30_000
            : size <= 10_000
              ? undefined
              : 60_000
        results.push(
          {
            name: `${name} (${load()})`,
            value: done.ms,
            unit: 'ms',
            ...(budget !== undefined && { budget: { limit: budget, better: 'lower' as const } }),
          },
          {
            name: `${name}: longest event-loop stall`,
            value: done.stallMs,
            unit: 'ms',
            budget: { limit: 50, better: 'lower' },
          },
          {
            name: `${name}: /ping p99`,
            value: done.pingP99,
            unit: 'ms',
            budget: { limit: 100, better: 'lower' },
          },
          { name: `${name}: statements sent`, value: statements, unit: 'statements' },
        )
      }
      // The next size starts from the same council: what this one imported goes again.
      await db
        .deleteFrom('measure_values')
        .where('organisation_id', '=', org)
        .where('period_start', '>=', from)
        .execute()
      await settleAll(db, org, new Date())
    }
  } finally {
    await app.close()
  }
  return results
}

/**
 * Issue 24's import: values for the large council (2,000 measures) in a CSV file, 10,000 and
 * 100,000 of them, as a dry run and for real, while /ping is asked throughout. PostgreSQL when
 * BENCH_DATABASE_URL is set (BENCH_ONLY=postgres skips PGlite).
 */
export default async function importBench(): Promise<BenchResult[]> {
  return onEachDatabase(run)
}
