import { createApp } from '../src/app.ts'
import { periodAt } from '../src/core/periods.ts'
import { evenProfile } from '../src/core/savings.ts'
import type { Database } from '../src/db/database.ts'
import { createServices } from '../src/services.ts'
import { testConfig } from '../test/helpers/context.ts'
import { onEachDatabase, type BenchResult } from './harness.ts'
import { generate } from './measures.bench.ts'

const LINES = 2000

/** 2,000 savings lines over three years, each profiled by month, a third with actuals. */
export async function addLines(
  database: Database,
  organisationId: string,
  units: readonly string[],
) {
  const today = new Date().toISOString().slice(0, 10)
  const thisYear = Number(today.slice(0, 4)) - (today.slice(5) < '04-01' ? 1 : 0)
  for (let start = 0; start < LINES; start += 200) {
    const lines = await database.db
      .insertInto('saving_lines')
      .values(
        Array.from({ length: 200 }, (_, i) => ({
          organisation_id: organisationId,
          reference: `S${start + i}`,
          title: `Saving ${start + i}`,
          unit_id: units[(start + i) % units.length] ?? '',
          programme: `Programme ${(start + i) % 7}`,
          priority_board: `Board ${(start + i) % 5}`,
          saving_type: (start + i) % 9 === 0 ? ('non_cashable' as const) : ('cashable' as const),
          durability: 'ongoing' as const,
          status: 'in_delivery' as const,
        })),
      )
      .returning('id')
      .execute()
    const years = lines.flatMap((l, i) =>
      [0, 1, 2].map((k) => ({
        organisation_id: organisationId,
        line_id: l.id,
        financial_year: thisYear + k,
        amount_pence: (start + i + 1) * 12_345,
        cost_pence: 0,
        profile: 'even' as const,
      })),
    )
    await database.db.insertInto('saving_years').values(years).execute()
    const months = years.flatMap((y, n) =>
      evenProfile(y.amount_pence).map((planned, m) => ({
        organisation_id: organisationId,
        line_id: y.line_id,
        month_start: periodAt('monthly', y.financial_year, m + 1).start,
        planned_pence: planned,
        actual_pence: y.financial_year === thisYear && m < 5 && n % 3 === 0 ? planned : null,
        forecast_pence: null,
      })),
    )
    for (let i = 0; i < months.length; i += 2000) {
      await database.db
        .insertInto('saving_months')
        .values(months.slice(i, i + 2000))
        .execute()
    }
  }
}

async function p95(
  app: Awaited<ReturnType<typeof createApp>>,
  url: string,
  headers: Record<string, string>,
) {
  const times: number[] = []
  for (let i = 0; i < 25; i++) {
    const started = performance.now()
    const response = await app.inject({ method: 'GET', url, headers })
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`)
    if (i >= 5) times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length * 0.95) - 1] ?? 0
}

/** The register, totals and delivery measures of a large council (2,000 lines) on one database. */
async function run(label: string, database: Database): Promise<BenchResult[]> {
  const generated = await generate(database)
  await addLines(database, generated.principal.organisationId, generated.units)
  const config = testConfig()
  const services = createServices({ config, database, clock: () => new Date() })
  const app = await createApp({ config, database, services, logger: false })
  try {
    const { token } = await services.auth.createToken(generated.principal, 'bench')
    const auth = { authorization: `Bearer ${token}` }
    const list = await p95(app, '/api/v1/savings?pageSize=50', auth)
    const filtered = await p95(
      app,
      `/api/v1/savings?pageSize=50&unitId=${generated.units[3] ?? ''}&rag=green`,
      auth,
    )
    const totals = await p95(app, '/api/v1/savings/totals?groupBy=unit', auth)
    const delivery = await p95(app, '/api/v1/savings/delivery?frequency=quarterly', auth)
    const budget = { limit: 250, better: 'lower' } as const
    return [
      {
        name: `${label}: GET /api/v1/savings, ${LINES} lines, page of 50, p95`,
        value: list,
        unit: 'ms',
        budget,
      },
      {
        name: `${label}: GET /api/v1/savings filtered by unit and RAG, p95`,
        value: filtered,
        unit: 'ms',
        budget,
      },
      {
        name: `${label}: GET /api/v1/savings/totals by directorate, 3 years, p95`,
        value: totals,
        unit: 'ms',
        budget,
      },
      {
        name: `${label}: GET /api/v1/savings/delivery by quarter, p95`,
        value: delivery,
        unit: 'ms',
        budget,
      },
    ]
  } finally {
    await app.close()
  }
}

/**
 * The savings register, totals and delivery measures of a large council (2,000 lines).
 * PostgreSQL runs too when BENCH_DATABASE_URL names a database; BENCH_ONLY=postgres skips PGlite.
 */
export default async function savings(): Promise<BenchResult[]> {
  return onEachDatabase(run)
}
