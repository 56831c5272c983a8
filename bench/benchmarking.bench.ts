import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { createApp } from '../src/app.ts'
import { periodAt } from '../src/core/periods.ts'
import type { Database } from '../src/db/database.ts'
import { organisationRepository as orgRepo } from '../src/features/organisation/index.ts'
import { LGBF_FILES, type LgbfFile, peerNetworkFiles } from '../src/features/benchmarking/index.ts'
import { createServices } from '../src/services.ts'
import { Agent } from '../test/helpers/browser-agent.ts'
import { testConfig } from '../test/helpers/context.ts'
import { onEachDatabase, type BenchResult } from './harness.ts'
import { generate } from './measures.bench.ts'

const COUNCILS = 32
const INDICATORS = 100
const QUARTERS = 20

async function run(label: string, database: Database): Promise<BenchResult[]> {
  // The large council of the measures benchmark, so the measure page is timed at its size.
  const large = await generate(database)
  const config = testConfig()
  const services = createServices({ config, database, clock: () => new Date() })
  const officer = large.principal
  const approverRow = await orgRepo.insertPerson(database.db, {
    organisationId: officer.organisationId,
    email: `bench-approver-${Date.now()}@example.org`,
    name: 'Bench Approver',
    jobTitle: null,
    unitId: null,
    passwordHash: 'x',
  })
  await orgRepo.insertRole(database.db, {
    organisationId: officer.organisationId,
    personId: approverRow.id,
    role: 'approver',
    unitId: null,
  })
  const approver = {
    ...officer,
    personId: approverRow.id,
    name: 'Bench Approver',
    roles: [{ role: 'approver' as const, unitId: null }],
  }

  const quarters = Array.from({ length: QUARTERS }, (_, i) =>
    periodAt('quarterly', 2019 + Math.floor(i / 4), (i % 4) + 1),
  )
  const councils = Array.from({ length: COUNCILS }, (_, i) => `Peer Council ${i + 1}`)
  const files = peerNetworkFiles({
    councils: [...councils.slice(0, -1), 'Large Council'],
    familySize: 8,
    indicators: Array.from({ length: INDICATORS }, (_, i) => ({
      code: `BEN ${String(i + 1).padStart(3, '0')}`,
      title: `Benchmark indicator ${i + 1}`,
      measureType: 'Percentage' as const,
      ranking: i % 2 === 0 ? ('Descending' as const) : ('Ascending' as const),
      base: 60,
      spread: 15,
      drift: 1,
    })),
    quarters,
    seed: 7,
  })
  const byName = new Map(
    (Object.keys(LGBF_FILES) as LgbfFile[]).map((k) => [`/${LGBF_FILES[k]}`, files[k]]),
  )
  const server = createServer((request, response) => {
    const body = byName.get(decodeURIComponent(request.url ?? ''))
    if (body === undefined) {
      response.writeHead(404)
      response.end()
      return
    }
    response.writeHead(200, { 'content-type': 'text/csv', etag: `"${body.length}"` })
    response.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const app = await createApp({ config, database, services, logger: false })
  try {
    const source = await services.benchmarking.createSource(officer, {
      name: 'Bench LGBF',
      kind: 'lgbf',
      url: `http://127.0.0.1:${port}/`,
      memberName: 'Large Council',
      refreshHours: 24,
    })
    const started = performance.now()
    const outcome = await services.benchmarking.refresh(officer, source.id)
    const refreshMs = performance.now() - started
    if (outcome.status !== 'updated') throw new Error(`refresh: ${outcome.message}`)
    // A second refresh that changes nothing: a conditional request answered 304 by ETag.
    const measure = await services.measures.create(officer, {
      code: 'QBEN1',
      title: 'Benchmark indicator 1',
      unit: 'percent',
      decimals: 1,
      polarity: 'higher_is_better',
      frequency: 'quarterly',
      kind: 'strategic',
      nationalIndicatorRef: 'BEN 001',
    })
    // Its twin, the floor: the same figures with nothing to compare them with.
    const twin = await services.measures.create(officer, {
      code: 'QBEN0',
      title: 'Benchmark indicator 1, not matched',
      unit: 'percent',
      decimals: 1,
      polarity: 'higher_is_better',
      frequency: 'quarterly',
      kind: 'strategic',
    })
    for (const id of [measure.id, twin.id]) {
      for (const [i, quarter] of quarters.entries()) {
        const saved = await services.values.save(officer, id, {
          period: quarter.label,
          value: 55 + i,
          submit: true,
        })
        await services.values.approve(approver, id, saved.value.period.start)
      }
    }
    const agent = await Agent.signedIn(app, large.email)
    const times: number[] = []
    const floorTimes: number[] = []
    // Interleaved, so both pages meet the same machine.
    for (let i = 0; i < 45; i++) {
      for (const [id, into, compared] of [
        [measure.id, times, true],
        [twin.id, floorTimes, false],
      ] as const) {
        const t = performance.now()
        const response = await agent.get(`/measures/${id}`)
        if (
          response.statusCode !== 200 ||
          response.body.includes('Peers’ figures from') !== compared
        )
          throw new Error(`measure page: ${response.statusCode}`)
        if (i >= 5) into.push(performance.now() - t)
      }
    }
    const p95 = (list: number[]) =>
      [...list].sort((a, b) => a - b)[Math.floor(list.length * 0.95) - 1] ?? 0
    const page = p95(times)
    const floor = p95(floorTimes)
    return [
      {
        name: `${label}: refresh a source of ${COUNCILS} councils × ${INDICATORS} indicators × ${QUARTERS} quarters (fetch, read, replace)`,
        value: refreshMs,
        unit: 'ms',
        budget: { limit: 10_000, better: 'lower' },
      },
      {
        name: `${label}: page /measures/{id} with "How we compare" (family group of 8, ${QUARTERS} quarters), p95`,
        value: page,
        unit: 'ms',
        budget: { limit: 80, better: 'lower' },
      },
      {
        name: `${label}: the same page of a twin measure with nothing to compare (the floor), p95`,
        value: floor,
        unit: 'ms',
      },
      {
        name: `${label}: the page with "How we compare" beside its twin without`,
        value: page / floor,
        unit: '×',
        budget: { limit: 1.5, better: 'lower' },
      },
    ]
  } finally {
    await app.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

/** Issue 23: refreshing a large benchmark source, and the measure page with its comparison. */
export default async function benchmarking(): Promise<BenchResult[]> {
  return onEachDatabase(run)
}
