import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import { sql } from 'kysely'
import { periodAt, periodsBetween } from '../src/core/periods.ts'
import { type Database, openPostgres } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { refreshHeadlines, type NewValue } from '../src/features/measures/index.ts'
import { Agent } from '../test/helpers/browser-agent.ts'
import { createTestContext, TEST_PASSWORD, testConfig } from '../test/helpers/context.ts'
import { hashPassword, loadPrincipal } from '../src/features/auth/index.ts'
import { createApp } from '../src/app.ts'
import { createServices } from '../src/services.ts'
import {
  organisationRepository as orgRepo,
  createOrganisation,
} from '../src/features/organisation/index.ts'
import { countingStatements, type BenchResult } from './harness.ts'

const MEASURES = 2000
const YEARS = 10

/** A large council: 2,000 measures, ten years of monthly or quarterly values, annual targets. */
export async function generate(database: Database) {
  const db = database.db
  const org = await createOrganisation(db, {
    name: 'Large Council',
    slug: `large-${randomUUID().slice(0, 8)}`,
  })
  const units: string[] = []
  for (let d = 0; d < 20; d++) {
    const unit = await orgRepo.insertUnit(db, {
      organisationId: org.id,
      parentId: null,
      name: `Directorate ${d}`,
      kind: 'directorate',
      code: `D${d}`,
      position: d,
    })
    units.push(unit.id)
  }
  const person = await orgRepo.insertPerson(db, {
    organisationId: org.id,
    email: `bench-${randomUUID()}@example.org`,
    name: 'Bench Officer',
    jobTitle: null,
    unitId: null,
    passwordHash: await hashPassword(TEST_PASSWORD),
  })
  await orgRepo.insertRole(db, {
    organisationId: org.id,
    personId: person.id,
    role: 'performance_officer',
    unitId: null,
  })
  let seed = 7
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
  const today = new Date().toISOString().slice(0, 10)
  const lastYear = Number(today.slice(0, 4)) - (today.slice(5) < '04-01' ? 2 : 1)
  for (let start = 0; start < MEASURES; start += 200) {
    const measures = await db
      .insertInto('measures')
      .values(
        Array.from({ length: 200 }, (_, i) => {
          const n = start + i
          return {
            organisation_id: org.id,
            code: `M${String(n).padStart(4, '0')}`,
            title: `Measure ${n}`,
            unit: 'percent' as const,
            decimals: 1,
            polarity: n % 3 === 0 ? ('lower_is_better' as const) : ('higher_is_better' as const),
            frequency: n % 4 === 0 ? 'quarterly' : 'monthly',
            kind: 'operational' as const,
            cumulative: false,
            public: false,
            owner_id: person.id,
            unit_id: units[n % units.length] ?? null,
            quality: '{}',
            status: 'active' as const,
            tolerance_type: 'percent' as const,
            tolerance_value: 5,
            due_working_days: 10,
            forecast_method: 'average' as const,
            allow_out_of_range: false,
          }
        }),
      )
      .returningAll()
      .execute()
    const targets = []
    const values: (NewValue & { organisation_id: string })[] = []
    for (const m of measures) {
      const periods = periodsBetween(
        periodAt(m.frequency, lastYear - YEARS + 1, 1),
        periodAt(m.frequency, lastYear, m.frequency === 'monthly' ? 12 : 4),
      )
      for (let fy = lastYear - YEARS + 1; fy <= lastYear + 1; fy++) {
        targets.push({
          organisation_id: org.id,
          measure_id: m.id,
          frequency: 'annual' as const,
          period_start: `${fy}-04-01`,
          value: 80,
          lower: null,
          upper: null,
        })
      }
      for (const p of periods) {
        const value = Math.round((70 + random() * 25) * 10) / 10
        values.push({
          organisation_id: org.id,
          measure_id: m.id,
          period_start: p.start,
          value,
          status: 'approved',
          target: 80,
          rag: value >= 80 ? 'green' : value >= 76 ? 'amber' : 'red',
          year_to_date: null,
        })
      }
    }
    for (let i = 0; i < targets.length; i += 2000)
      await db
        .insertInto('measure_targets')
        .values(targets.slice(i, i + 2000))
        .execute()
    for (let i = 0; i < values.length; i += 2000)
      await db
        .insertInto('measure_values')
        .values(values.slice(i, i + 2000))
        .execute()
  }
  await refreshHeadlines(db, org.id, null)
  await sql`analyze`.execute(db)
  const principal = await loadPrincipal(db, person.id)
  if (!principal) throw new Error('no bench officer')
  const count = await db
    .selectFrom('measure_values')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', org.id)
    .executeTakeFirstOrThrow()
  return {
    email: person.email,
    principal,
    units,
    valueCount: count.n,
    firstMeasure: await db
      .selectFrom('measures')
      .select('id')
      .where('organisation_id', '=', org.id)
      .where('code', '=', 'M0001')
      .executeTakeFirstOrThrow(),
  }
}

/** Time per request in process (no network): p95 over `n` sequential requests. */
async function p95(
  app: Awaited<ReturnType<typeof createApp>>,
  url: string,
  headers: Record<string, string> | Agent,
  n = 60,
) {
  const times: number[] = []
  for (let i = 0; i < n + 5; i++) {
    const started = performance.now()
    const response =
      headers instanceof Agent
        ? await headers.get(url)
        : await app.inject({ method: 'GET', url, headers })
    if (response.statusCode !== 200)
      throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`)
    if (i >= 5) times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length * 0.95) - 1] ?? 0
}

/**
 * The floor of the list: one bare statement reading the same page of measures with the same
 * columns the response carries (each measure's whole row, its latest approved value's and its
 * newest in sign-off's whole rows, and the count), the rows parsed by the driver and nothing
 * else done with them. `unitId` and `frequency` filter it as the page's filters do.
 */
function floorQuery(database: Database, organisationId: string, unitId?: string) {
  const where = unitId
    ? sql`m.organisation_id = ${organisationId} and m.unit_id in (with recursive beneath(id) as (
        select id from units where organisation_id = ${organisationId} and id = ${unitId}
        union select u.id from units u join beneath b on u.parent_id = b.id
        where u.organisation_id = ${organisationId}) select id from beneath)
        and m.frequency = 'monthly'`
    : sql`m.organisation_id = ${organisationId}`
  return () =>
    sql`
      select m.*, a.*, p.*, (select count(*) from measures m where ${where}) as total_count
      from (select * from measures m where ${where} order by m.code limit 50) m
      left join measure_values a on a.organisation_id = m.organisation_id
        and a.measure_id = m.id and a.period_start = m.latest_period_start
      left join measure_values p on p.organisation_id = m.organisation_id
        and p.measure_id = m.id and p.period_start = m.pending_period_start
      order by m.code`.execute(database.db)
}

async function floor(work: () => Promise<unknown>, n = 60) {
  const times: number[] = []
  for (let i = 0; i < n + 5; i++) {
    const started = performance.now()
    await work()
    if (i >= 5) times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length * 0.95) - 1] ?? 0
}

/**
 * A second floor with HTTP in it: a bare Fastify route (no sign-in, hooks or plugins) that runs
 * the floor statement and answers with the bytes the real list answered, through inject as the
 * list is timed.
 */
async function httpFloor(query: () => Promise<unknown>, body: string) {
  const bare = Fastify({ logger: false })
  bare.get('/floor', async (_request, reply) => {
    await query()
    return reply.type('application/json; charset=utf-8').send(body)
  })
  await bare.ready()
  try {
    return await floor(async () => {
      const response = await bare.inject({ method: 'GET', url: '/floor' })
      if (response.body.length !== body.length) throw new Error('floor: wrong body')
    })
  } finally {
    await bare.close()
  }
}

async function run(label: string, bare: Database, budgetList: number): Promise<BenchResult[]> {
  const generated = await generate(bare)
  const config = testConfig()
  const counting = countingStatements(bare)
  const database = counting.database
  const services = createServices({ config, database, clock: () => new Date() })
  const app = await createApp({ config, database, services, logger: false })
  try {
    const { token } = await services.auth.createToken(generated.principal, 'bench')
    const auth = { authorization: `Bearer ${token}` }
    const unit = generated.units[3] ?? ''
    const list = await p95(app, `/api/v1/measures?pageSize=50`, auth)
    const filtered = await p95(
      app,
      `/api/v1/measures?pageSize=50&unitId=${unit}&frequency=monthly&status=red`,
      auth,
    )
    const one = await p95(app, `/api/v1/measures/${generated.firstMeasure.id}`, auth)
    const agent = await Agent.signedIn(app, generated.email)
    const pageList = await p95(app, `/measures?unitId=${unit}&frequency=monthly`, agent)
    const page = await p95(app, `/measures/${generated.firstMeasure.id}`, agent)
    const values = await p95(app, `/api/v1/measures/${generated.firstMeasure.id}/values`, auth)
    const org = generated.principal.organisationId
    const floorList = await floor(floorQuery(bare, org))
    const floorPage = await floor(floorQuery(bare, org, unit))
    const listBody = (
      await app.inject({ method: 'GET', url: '/api/v1/measures?pageSize=50', headers: auth })
    ).body
    const floorHttp = await httpFloor(floorQuery(bare, org), listBody)
    const statements = {
      list: await counting.during(() =>
        app.inject({ method: 'GET', url: '/api/v1/measures?pageSize=50', headers: auth }),
      ),
      page: await counting.during(() => agent.get(`/measures?unitId=${unit}&frequency=monthly`)),
    }
    // One new value for April of this financial year (the generated values end in March) on
    // each of 40 monthly measures, a draft as typed; the first warms up.
    const today = new Date().toISOString()
    const april = `${Number(today.slice(0, 4)) - (today.slice(5, 10) < '04-01' ? 1 : 0)}-04-01`
    const monthly = await bare.db
      .selectFrom('measures')
      .select('id')
      .where('organisation_id', '=', generated.principal.organisationId)
      .where('frequency', '=', 'monthly')
      .orderBy('code')
      .limit(41)
      .execute()
    const writes: number[] = []
    let writeStatements = 0
    for (const [i, m] of monthly.entries()) {
      const started = performance.now()
      const sent = await counting.during(async () => {
        const response = await app.inject({
          method: 'POST',
          url: `/api/v1/measures/${m.id}/values`,
          headers: auth,
          payload: { period: april, value: 81.5 },
        })
        if (response.statusCode !== 201) throw new Error(`value write: ${response.body}`)
      })
      if (i === 0) continue
      writes.push(performance.now() - started)
      writeStatements = Math.max(writeStatements, sent)
    }
    writes.sort((a, b) => a - b)
    return [
      {
        name: `${label}: ${generated.valueCount} values generated`,
        value: generated.valueCount,
        unit: 'values',
      },
      {
        name: `${label}: GET /api/v1/measures, page of 50 with latest status, p95`,
        value: list,
        unit: 'ms',
        budget: { limit: budgetList, better: 'lower' },
      },
      {
        name: `${label}: the list's floor, one bare query for the same 50 measures, p95`,
        value: floorList,
        unit: 'ms',
      },
      {
        name: `${label}: GET /api/v1/measures p95 over its floor's`,
        value: list / floorList,
        unit: '×',
        budget: { limit: 2, better: 'lower' },
      },
      {
        name: `${label}: the list's floor with HTTP, a bare route answering the same ${listBody.length} bytes, p95`,
        value: floorHttp,
        unit: 'ms',
      },
      {
        name: `${label}: GET /api/v1/measures p95 over the floor with HTTP`,
        value: list / floorHttp,
        unit: '×',
      },
      {
        name: `${label}: GET /api/v1/measures, statements sent`,
        value: statements.list,
        unit: 'statements',
      },
      {
        name: `${label}: page /measures filtered, statements sent`,
        value: statements.page,
        unit: 'statements',
      },
      {
        name: `${label}: one value written (POST /api/v1/measures/{id}/values), p50`,
        value: writes[Math.floor(writes.length / 2)] ?? 0,
        unit: 'ms',
      },
      {
        name: `${label}: one value written, statements sent (the most of 40)`,
        value: writeStatements,
        unit: 'statements',
        budget: { limit: 8, better: 'lower' },
      },
      {
        name: `${label}: GET /api/v1/measures filtered by unit, frequency and status, p95`,
        value: filtered,
        unit: 'ms',
        budget: { limit: budgetList, better: 'lower' },
      },
      {
        name: `${label}: page /measures filtered (HTML, 50 a page), p95`,
        value: pageList,
        unit: 'ms',
        budget: { limit: budgetList, better: 'lower' },
      },
      {
        name: `${label}: the page's floor, one bare query for the same 50 measures filtered, p95`,
        value: floorPage,
        unit: 'ms',
      },
      {
        name: `${label}: page /measures filtered p95 over its floor's`,
        value: pageList / floorPage,
        unit: '×',
        budget: { limit: 2, better: 'lower' },
      },
      {
        name: `${label}: page /measures/{id} (HTML, chart and 120 values), p95`,
        value: page,
        unit: 'ms',
        budget: { limit: 80, better: 'lower' },
      },
      {
        name: `${label}: GET /api/v1/measures/{id}, p95`,
        value: one,
        unit: 'ms',
        budget: { limit: 80, better: 'lower' },
      },
      {
        name: `${label}: GET /api/v1/measures/{id}/values (120 values), p95`,
        value: values,
        unit: 'ms',
        budget: { limit: 80, better: 'lower' },
      },
    ]
  } finally {
    await app.close()
  }
}

/**
 * Measure list and measure page on a large council. PostgreSQL runs too when
 * BENCH_DATABASE_URL names a database (created with `create database gt_bench_measures`).
 */
export default async function measures(): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  if (process.env.BENCH_ONLY !== 'postgres') {
    const ctx = await createTestContext('pglite')
    try {
      results.push(...(await run('PGlite', ctx.database, 400)))
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
      results.push(...(await run('PostgreSQL', database, 150)))
    } finally {
      await database.close()
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db)
      await admin.close()
    }
  }
  return results
}
