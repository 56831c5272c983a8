// The demo council's benchmarking: a generated peer network in the LGBF layout (labelled as
// generated data, never real councils), in which Example City sits in a family group of eight,
// with its strategic measures matched to the network's indicators.
import type { Kysely } from 'kysely'
import { periodAt } from '../../core/periods.ts'
import type { DB } from '../../db/schema.ts'
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts'
import { reportingPeriod } from '../measures/index.ts'
import { ukDate } from '../../core/dates.ts'
import { readLgbf } from './benchmark-readers.ts'
import * as repo from './benchmark-repository.ts'
import { peerNetworkFiles, type PeerIndicator } from './peer-network.ts'

export const DEMO_PEER_SOURCE = 'Example peer network (generated demonstration data)'
const MEMBER = 'Example City'

const PEERS = [
  'Ashby Vale',
  'Brackenfield',
  'Castlemere',
  'Dunmoor',
  'Eastwick Downs',
  'Fernley',
  'Glenhaven',
  'Hartwell',
  'Ironbridge Vale',
  'Kingsmere',
  MEMBER,
  'Longford Reach',
  'Marlow Heath',
  'Northgate',
  'Oakhurst',
  'Pemberton',
  'Queensbury Fields',
  'Riverton',
  'Stonebridge',
  'Thornbury Cross',
  'Upperton',
  'Westfield Moor',
  'Yarrowdale',
  'Zennor Bay',
]

/** The network's indicators, and the demo measure each is this council's figure for. */
const INDICATORS: readonly (PeerIndicator & { measure: string | null })[] = [
  {
    code: 'NI 192',
    title: 'Household waste sent for reuse, recycling and composting',
    measureType: 'Percentage',
    ranking: 'Descending',
    base: 46,
    spread: 6,
    drift: 1.1,
    measure: null, // matched by the measure's national indicator reference
  },
  {
    code: 'PN 05',
    title: 'Residual household waste per household (kg)',
    measureType: 'Score',
    ranking: 'Ascending',
    base: 128,
    spread: 10,
    drift: -1.5,
    measure: 'WS05',
  },
  {
    code: 'PN 11',
    title: 'Older people at home 91 days after leaving hospital into reablement',
    measureType: 'Percentage',
    ranking: 'Descending',
    base: 81,
    spread: 4,
    drift: 1.6,
    measure: 'AS01',
  },
  {
    code: 'PN 14',
    title: 'Looked-after children with three or more placements',
    measureType: 'Percentage',
    ranking: 'Ascending',
    base: 10.5,
    spread: 1.6,
    drift: -0.6,
    measure: 'CS02',
  },
  {
    code: 'PN 21',
    title: 'Customer contacts resolved at first point of contact',
    measureType: 'Percentage',
    ranking: 'Descending',
    base: 72,
    spread: 5,
    drift: 1,
    measure: 'CC02',
  },
  {
    code: 'PN 31',
    title: 'Sickness absence days per employee (quarter)',
    measureType: 'Days',
    ranking: 'Ascending',
    base: 2.4,
    spread: 0.4,
    drift: -0.05,
    measure: 'HR01',
  },
  {
    // Published as a share, where the council counts households: suggested, and refused.
    code: 'PN 41',
    title: 'Households where homelessness was prevented (% of those at risk)',
    measureType: 'Percentage',
    ranking: 'Descending',
    base: 55,
    spread: 8,
    drift: 1,
    measure: null,
  },
]

export async function buildDemoBenchmarking(
  db: Kysely<DB>,
  organisationId: string,
  clock: () => Date = () => new Date(),
) {
  const now = clock()
  const last = reportingPeriod('quarterly', ukDate(now))
  const quarters = []
  for (let fy = last.financialYear - 3; fy <= last.financialYear; fy++) {
    for (let q = 1; q <= 4; q++) {
      const p = periodAt('quarterly', fy, q)
      if (p.start <= last.start) quarters.push(p)
    }
  }
  const data = readLgbf(
    peerNetworkFiles({
      councils: PEERS,
      familySize: 8,
      indicators: INDICATORS,
      quarters,
      seed: 23,
    }),
  )
  const priya = await db
    .selectFrom('people')
    .select(['id', 'name'])
    .where('organisation_id', '=', organisationId)
    .where('email', '=', 'performance@example-city.gov.uk')
    .executeTakeFirst()
  const measures = await db
    .selectFrom('measures')
    .select(['id', 'code'])
    .where('organisation_id', '=', organisationId)
    .execute()
  const idOf = new Map(measures.map((m) => [m.code, m.id]))
  // The copy was fetched two days ago, so the pages show a copy's age.
  const fetchedAt = new Date(now.getTime() - 2 * 24 * 3_600_000)
  await db.transaction().execute(async (trx) => {
    const source = await repo.insertSource(trx, {
      organisation_id: organisationId,
      name: DEMO_PEER_SOURCE,
      kind: 'lgbf',
      url: null,
      member_name: MEMBER,
      refresh_hours: 24 * 7,
      created_by: priya?.id ?? null,
      updated_at: now,
    })
    await repo.replaceCopy(trx, organisationId, source.id, data)
    await repo.updateSource(trx, organisationId, source.id, {
      publisher: 'Generated for the Golden Thread demonstration: not real councils',
      fetched_at: fetchedAt,
      checked_at: fetchedAt,
      indicator_count: data.indicators.length,
      figure_count: data.figures.length,
    })
    for (const indicator of INDICATORS) {
      const measureId = indicator.measure ? idOf.get(indicator.measure) : undefined
      if (!measureId) continue
      await repo.upsertMatch(trx, {
        organisation_id: organisationId,
        measure_id: measureId,
        source_id: source.id,
        code: indicator.code,
        confirmed_by: priya?.id ?? null,
        confirmed_by_name: priya?.name ?? 'Performance team',
      })
    }
    await repo.insertGroup(trx, {
      organisation_id: organisationId,
      name: 'Nearest neighbours (entered by hand)',
      description: 'The councils most like Example City in size, deprivation and rurality',
      members: [
        'Castlemere',
        'Fernley',
        'Hartwell',
        'Kingsmere',
        'Northgate',
        'Riverton',
        'Stonebridge',
      ],
      created_by: priya?.id ?? null,
      updated_at: now,
    })
    const recycling = idOf.get('WS01')
    if (recycling) {
      await repo.setPublication(
        trx,
        organisationId,
        recycling,
        `family:${source.id}`,
        priya?.id ?? null,
      )
    }
    await recordAudit(
      trx,
      {
        organisationId,
        actor: SYSTEM_ACTOR,
        action: 'demo_benchmarking_built',
        itemType: 'benchmark_source',
        itemId: source.id,
        summary:
          `Demo benchmarking: ${DEMO_PEER_SOURCE}, ${PEERS.length} generated councils, ` +
          `${data.indicators.length} indicators, ${data.figures.length} figures`,
      },
      clock,
    )
  })
}
