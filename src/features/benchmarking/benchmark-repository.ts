import { sql, type Kysely, type Selectable } from 'kysely'
import type {
  BenchmarkPoint,
  BenchmarkGroupsTable,
  BenchmarkIndicatorsTable,
  BenchmarkMatchesTable,
  BenchmarkSourcesTable,
  DB,
} from '../../db/schema.ts'
import type { SourceData } from './benchmark-readers.ts'

export type SourceRow = Selectable<BenchmarkSourcesTable>
export type IndicatorRow = Selectable<BenchmarkIndicatorsTable>
export type GroupRow = Selectable<BenchmarkGroupsTable>
export type MatchRow = Selectable<BenchmarkMatchesTable>

export async function listSources(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('benchmark_sources')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('name')
    .execute()
}

export async function findSource(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('benchmark_sources')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Sources of every organisation fetched by URL whose copy is older than their schedule. */
export async function dueSources(db: Kysely<DB>, now: Date) {
  return db
    .selectFrom('benchmark_sources')
    .selectAll()
    .where('url', 'is not', null)
    .where('refreshing_since', 'is', null)
    .where((eb) =>
      eb.or([
        eb('checked_at', 'is', null),
        eb(sql<Date>`checked_at + make_interval(hours => refresh_hours)`, '<=', now),
      ]),
    )
    .execute()
}

export async function insertSource(
  db: Kysely<DB>,
  row: {
    organisation_id: string
    name: string
    kind: 'golden_thread' | 'lgbf'
    url: string | null
    member_name: string | null
    refresh_hours: number
    created_by: string | null
    updated_at: Date
  },
) {
  return db.insertInto('benchmark_sources').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function updateSource(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  changes: Partial<Omit<SourceRow, 'id' | 'organisation_id' | 'created_at' | 'version'>>,
  bumpVersion = false,
) {
  return db
    .updateTable('benchmark_sources')
    .set({ ...changes, ...(bumpVersion && { version: sql<number>`version + 1` }) })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Marks a source as being fetched unless it already is: true when this caller took it. */
export async function claimRefresh(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  now: Date,
  staleBefore: Date,
) {
  const row = await db
    .updateTable('benchmark_sources')
    .set({ refreshing_since: now })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('refreshing_since', 'is', null), eb('refreshing_since', '<', staleBefore)]),
    )
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

export async function deleteSource(db: Kysely<DB>, organisationId: string, id: string) {
  await db
    .deleteFrom('benchmark_sources')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

const CHUNK = 1000

/** Replaces a source's copy with a new one; the caller holds the transaction. */
export async function replaceCopy(
  trx: Kysely<DB>,
  organisationId: string,
  sourceId: string,
  data: SourceData,
) {
  for (const table of [
    'benchmark_figures',
    'benchmark_averages',
    'benchmark_families',
    'benchmark_indicators',
  ] as const) {
    await trx
      .deleteFrom(table)
      .where('organisation_id', '=', organisationId)
      .where('source_id', '=', sourceId)
      .execute()
  }
  if (data.indicators.length > 0) {
    await trx
      .insertInto('benchmark_indicators')
      .values(
        data.indicators.map((i) => ({
          organisation_id: organisationId,
          source_id: sourceId,
          code: i.code,
          title: i.title,
          reference: i.reference,
          unit: i.unit,
          decimals: i.decimals,
          polarity: i.polarity,
          midpoint: i.midpoint,
          family_type: i.familyType,
        })),
      )
      .execute()
  }
  // A row per council and indicator, its figures as JSON: few rows, one parameter each.
  const series = new Map<
    string,
    { code: string; frequency: string; entity: string; points: BenchmarkPoint[] }
  >()
  for (const f of data.figures) {
    const key = `${f.code}\u0000${f.frequency}\u0000${f.entity}`
    const row = series.get(key) ?? {
      code: f.code,
      frequency: f.frequency,
      entity: f.entity,
      points: [],
    }
    row.points.push([
      f.start,
      f.value,
      f.numerator,
      f.denominator,
      f.publishedRank,
      f.publishedFamilyRank,
      f.familyGroup,
    ])
    series.set(key, row)
  }
  const rows = [...series.values()]
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('benchmark_figures')
      .values(
        rows.slice(i, i + CHUNK).map((r) => ({
          organisation_id: organisationId,
          source_id: sourceId,
          code: r.code,
          frequency: r.frequency,
          entity: r.entity,
          points: JSON.stringify(r.points.sort((a, b) => a[0].localeCompare(b[0]))),
        })),
      )
      .execute()
  }
  for (let i = 0; i < data.averages.length; i += CHUNK) {
    await trx
      .insertInto('benchmark_averages')
      .values(
        data.averages.slice(i, i + CHUNK).map((a) => ({
          organisation_id: organisationId,
          source_id: sourceId,
          code: a.code,
          frequency: a.frequency,
          period_start: a.start,
          mean: a.mean,
          median: a.median,
        })),
      )
      .execute()
  }
  if (data.families.length > 0) {
    await trx
      .insertInto('benchmark_families')
      .values(
        data.families.map((f) => ({
          organisation_id: organisationId,
          source_id: sourceId,
          name: f.name,
          type: f.type,
          members: JSON.stringify(f.members),
        })),
      )
      .execute()
  }
}

export async function listIndicators(db: Kysely<DB>, organisationId: string, sourceIds?: string[]) {
  let q = db
    .selectFrom('benchmark_indicators')
    .selectAll()
    .where('organisation_id', '=', organisationId)
  if (sourceIds) {
    if (sourceIds.length === 0) return []
    q = q.where('source_id', 'in', sourceIds)
  }
  return q.orderBy('code').execute()
}

export async function findIndicator(
  db: Kysely<DB>,
  organisationId: string,
  sourceId: string,
  code: string,
) {
  return db
    .selectFrom('benchmark_indicators')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('source_id', '=', sourceId)
    .where('code', '=', code)
    .executeTakeFirst()
}

export async function listFigures(
  db: Kysely<DB>,
  organisationId: string,
  sourceId: string,
  code: string,
  frequency: string,
) {
  const rows = await db
    .selectFrom('benchmark_figures')
    .select(['entity', 'points'])
    .where('organisation_id', '=', organisationId)
    .where('source_id', '=', sourceId)
    .where('code', '=', code)
    .where('frequency', '=', frequency)
    .execute()
  return rows.flatMap((r) =>
    r.points.map(([start, value, numerator, denominator, rank, familyRank, familyGroup]) => ({
      entity: r.entity,
      period_start: start,
      value,
      numerator,
      denominator,
      published_rank: rank,
      published_family_rank: familyRank,
      family_group: familyGroup,
    })),
  )
}

export async function listEntities(db: Kysely<DB>, organisationId: string, sourceId: string) {
  const rows = await db
    .selectFrom('benchmark_figures')
    .select('entity')
    .distinct()
    .where('organisation_id', '=', organisationId)
    .where('source_id', '=', sourceId)
    .orderBy('entity')
    .execute()
  return rows.map((r) => r.entity)
}

export async function listFamilies(db: Kysely<DB>, organisationId: string, sourceId: string) {
  return db
    .selectFrom('benchmark_families')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('source_id', '=', sourceId)
    .orderBy('type')
    .orderBy('name')
    .execute()
}

export async function listAverages(
  db: Kysely<DB>,
  organisationId: string,
  sourceId: string,
  code: string,
  frequency: string,
) {
  return db
    .selectFrom('benchmark_averages')
    .select(['period_start', 'mean', 'median'])
    .where('organisation_id', '=', organisationId)
    .where('source_id', '=', sourceId)
    .where('code', '=', code)
    .where('frequency', '=', frequency)
    .orderBy('period_start')
    .execute()
}

// Groups

export async function listGroups(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('benchmark_groups')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('name')
    .execute()
}

export async function findGroup(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('benchmark_groups')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function insertGroup(
  db: Kysely<DB>,
  row: {
    organisation_id: string
    name: string
    description: string | null
    members: string[]
    created_by: string | null
    updated_at: Date
  },
) {
  return db
    .insertInto('benchmark_groups')
    .values({ ...row, members: JSON.stringify(row.members) })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateGroup(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  changes: { name: string; description: string | null; members: string[]; updated_at: Date },
) {
  return db
    .updateTable('benchmark_groups')
    .set({
      ...changes,
      members: JSON.stringify(changes.members),
      version: sql<number>`version + 1`,
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function deleteGroup(db: Kysely<DB>, organisationId: string, id: string) {
  await db
    .deleteFrom('benchmark_groups')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

// Matches and publication

export async function listMatches(db: Kysely<DB>, organisationId: string, measureId?: string) {
  let q = db
    .selectFrom('benchmark_matches')
    .selectAll()
    .where('organisation_id', '=', organisationId)
  if (measureId) q = q.where('measure_id', '=', measureId)
  return q.orderBy('confirmed_at').execute()
}

export async function findMatch(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('benchmark_matches')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function upsertMatch(
  db: Kysely<DB>,
  row: {
    organisation_id: string
    measure_id: string
    source_id: string
    code: string
    confirmed_by: string | null
    confirmed_by_name: string
  },
) {
  return db
    .insertInto('benchmark_matches')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['measure_id', 'source_id']).doUpdateSet({
        code: row.code,
        confirmed_by: row.confirmed_by,
        confirmed_by_name: row.confirmed_by_name,
        confirmed_at: sql`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function deleteMatch(db: Kysely<DB>, organisationId: string, id: string) {
  await db
    .deleteFrom('benchmark_matches')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

export async function findPublication(db: Kysely<DB>, organisationId: string, measureId: string) {
  return db
    .selectFrom('benchmark_publications')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('measure_id', '=', measureId)
    .executeTakeFirst()
}

export async function setPublication(
  db: Kysely<DB>,
  organisationId: string,
  measureId: string,
  groupKey: string | null,
  personId: string | null,
) {
  await db
    .deleteFrom('benchmark_publications')
    .where('organisation_id', '=', organisationId)
    .where('measure_id', '=', measureId)
    .execute()
  if (groupKey === null) return
  await db
    .insertInto('benchmark_publications')
    .values({
      organisation_id: organisationId,
      measure_id: measureId,
      group_key: groupKey,
      published_by: personId,
    })
    .execute()
}

export async function hasPublications(db: Kysely<DB>, organisationId: string) {
  const row = await db
    .selectFrom('benchmark_publications')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}
