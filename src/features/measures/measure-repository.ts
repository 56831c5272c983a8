import { sql, type Insertable, type Kysely, type Updateable } from 'kysely'
import { insertJsonRowsReturning, type ColumnType } from '../../db/bulk.ts'
import type {
  DB,
  MeasureFrequency,
  MeasureRow,
  MeasuresTable,
  MeasureTargetRow,
  MeasureValuesTable,
  MeasureValueRow,
  SpcVariation,
  StoredRag,
} from '../../db/schema.ts'

export interface MeasureFilters {
  readonly unitIds?: readonly string[]
  /** A unit: only measures of it and the units beneath it (read in the same statement). */
  readonly unitBeneath?: string
  readonly measureIds?: readonly string[]
  readonly frequency?: MeasureFrequency
  readonly ownerId?: string
  readonly kind?: string
  readonly status?: string
  readonly search?: string
  readonly variation?: SpcVariation
  /**
   * Only measures naming this person in `column`, or owned by one of `unitIds` (a narrowing
   * read: the policy that decides who enters or approves still runs on the rows).
   */
  readonly namedOrIn?: {
    readonly column: 'data_entry_id' | 'approver_id'
    readonly personId: string
    readonly unitIds: readonly string[]
  }
}

/** The organisation's measures that pass the filters; null when a filter rules out every one. */
function filtered(db: Kysely<DB>, organisationId: string, f: MeasureFilters) {
  let query = db.selectFrom('measures as m').where('m.organisation_id', '=', organisationId)
  if (f.unitIds) {
    if (f.unitIds.length === 0) return null
    query = query.where('m.unit_id', 'in', f.unitIds)
  }
  if (f.unitBeneath) {
    query = query.where(
      'm.unit_id',
      'in',
      sql<string>`(with recursive beneath(id) as (
        select id from units where organisation_id = ${organisationId} and id = ${f.unitBeneath}
        union
        select u.id from units u join beneath b on u.parent_id = b.id
        where u.organisation_id = ${organisationId}
      ) select id from beneath)`,
    )
  }
  if (f.measureIds) {
    if (f.measureIds.length === 0) return null
    query = query.where('m.id', 'in', f.measureIds)
  }
  if (f.frequency) query = query.where('m.frequency', '=', f.frequency)
  if (f.ownerId) query = query.where('m.owner_id', '=', f.ownerId)
  if (f.kind) query = query.where('m.kind', '=', f.kind as MeasuresTable['kind'])
  if (f.status) query = query.where('m.status', '=', f.status as MeasuresTable['status'])
  if (f.variation) query = query.where('m.spc_variation', '=', f.variation)
  const named = f.namedOrIn
  if (named) {
    query = query.where((eb) =>
      named.unitIds.length === 0
        ? eb(`m.${named.column}`, '=', named.personId)
        : eb.or([
            eb(`m.${named.column}`, '=', named.personId),
            eb('m.unit_id', 'in', named.unitIds),
          ]),
    )
  }
  if (f.search) {
    const like = `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    query = query.where((eb) => eb.or([eb('m.code', 'ilike', like), eb('m.title', 'ilike', like)]))
  }
  return query
}

/** Measures with their latest entered period and its RAG, in code order. */
export async function listMeasures(db: Kysely<DB>, organisationId: string, f: MeasureFilters) {
  const query = filtered(db, organisationId, f)
  if (!query) return []
  return (
    query
      // Only what status, scope and lists need: a council's every definition is wide.
      .select([
        'm.id',
        'm.code',
        'm.title',
        'm.unit',
        'm.decimals',
        'm.polarity',
        'm.frequency',
        'm.kind',
        'm.cumulative',
        'm.numerator_label',
        'm.denominator_label',
        'm.formula',
        'm.owner_id',
        'm.data_entry_id',
        'm.approver_id',
        'm.unit_id',
        'm.due_working_days',
        'm.status',
        'm.tolerance_type',
        'm.tolerance_value',
        'm.forecast_method',
        'm.latest_period_start as latest_start',
        'm.latest_rag',
        'm.latest_restated',
        'm.pending_period_start as pending_start',
        'm.pending_status',
        'm.spc_variation',
      ])
      .orderBy('m.code')
      .execute()
  )
}

/** Every column of a value, as the list reads a measure's headline rows beside it. */
const VALUE_ROW_COLUMNS = [
  'id',
  'organisation_id',
  'measure_id',
  'period_start',
  'value',
  'numerator',
  'denominator',
  'commentary',
  'status',
  'calculated',
  'target',
  'rag',
  'year_to_date',
  'entered_by',
  'first_entered_by',
  'submitted_by',
  'submitted_at',
  'approved_by',
  'approved_at',
  'returned_by',
  'returned_at',
  'return_reason',
  'restated',
  'restatement_reason',
  'restated_from',
  'version',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof MeasureValueRow)[]

/** The value row a list read under `prefix`, or null when the join found none. */
function valueRowOf(row: Record<string, unknown>, prefix: string): MeasureValueRow | null {
  if (row[`${prefix}id`] === null) return null
  const out: Record<string, unknown> = {}
  for (const c of VALUE_ROW_COLUMNS) out[c] = row[`${prefix}${c}`]
  return out as unknown as MeasureValueRow
}

/**
 * One page of the measures that pass the filters, whole rows in code order, each with its
 * headline value rows (latest approved, newest in sign-off) and how many pass in all: one
 * statement (a second only when the page is past the end).
 */
export async function pageOfMeasures(
  db: Kysely<DB>,
  organisationId: string,
  f: MeasureFilters,
  page: { readonly offset: number; readonly limit: number },
) {
  const query = filtered(db, organisationId, f)
  if (!query) return { rows: [], total: 0 }
  // The page first, then only its measures joined to their headline values; the count beside.
  const paged = query.selectAll('m').orderBy('m.code').offset(page.offset).limit(page.limit)
  const count = query.select((eb) => eb.fn.countAll<number>().as('n'))
  const found = await db
    .selectFrom(paged.as('m'))
    .leftJoin('measure_values as a', (join) =>
      join
        .onRef('a.organisation_id', '=', 'm.organisation_id')
        .onRef('a.measure_id', '=', 'm.id')
        .onRef('a.period_start', '=', 'm.latest_period_start'),
    )
    .leftJoin('measure_values as p', (join) =>
      join
        .onRef('p.organisation_id', '=', 'm.organisation_id')
        .onRef('p.measure_id', '=', 'm.id')
        .onRef('p.period_start', '=', 'm.pending_period_start'),
    )
    .selectAll('m')
    .select(VALUE_ROW_COLUMNS.map((c) => sql.ref(`a.${c}`).as(`a_${c}`)))
    .select(VALUE_ROW_COLUMNS.map((c) => sql.ref(`p.${c}`).as(`p_${c}`)))
    .select(count.as('total_count'))
    .orderBy('m.code')
    .execute()
  if (found.length > 0 || page.offset === 0) {
    const rows = found.map((r) => {
      const record = r as unknown as Record<string, unknown>
      const measure: Record<string, unknown> = {}
      for (const key in record) {
        if (key !== 'total_count' && !key.startsWith('a_') && !key.startsWith('p_'))
          measure[key] = record[key]
      }
      return {
        row: measure as unknown as MeasureRow,
        approved: valueRowOf(record, 'a_'),
        pending: valueRowOf(record, 'p_'),
      }
    })
    return { rows, total: found[0]?.total_count ?? 0 }
  }
  const counted = await count.executeTakeFirstOrThrow()
  return { rows: [], total: counted.n }
}

export type MeasureListRow = Awaited<ReturnType<typeof listMeasures>>[number]

export async function findMeasure(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('measures')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/**
 * A measure and its organisation's unit hierarchy (each unit's id and parent, in the order
 * `listUnits` gives), in one statement: what checking who may see a measure reads.
 */
export async function findMeasureWithUnits(db: Kysely<DB>, organisationId: string, id: string) {
  const found = await db
    .selectFrom('measures')
    .selectAll('measures')
    .select(
      sql`(select coalesce(json_agg(json_build_array(u.id, u.parent_id)
        order by u.position, u.name), '[]'::json)
        from units u where u.organisation_id = measures.organisation_id)`.as('unit_links'),
    )
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!found) return undefined
  const { unit_links, ...row } = found
  const links = jsonOf(unit_links) as [string, string | null][]
  return { row, units: links.map(([unitId, parentId]) => ({ id: unitId, parentId })) }
}

export async function findMeasuresByCode(
  db: Kysely<DB>,
  organisationId: string,
  codes: readonly string[],
) {
  if (codes.length === 0) return []
  return db
    .selectFrom('measures')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('code', 'in', codes)
    .execute()
}

export async function findMeasuresById(
  db: Kysely<DB>,
  organisationId: string,
  ids: readonly string[],
) {
  if (ids.length === 0) return []
  return db
    .selectFrom('measures')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', ids)
    .orderBy('code')
    .execute()
}

/** Code, frequency and formula of every calculated measure, for the formula graph. */
export async function calculatedMeasures(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('measures')
    .select(['id', 'code', 'formula', 'frequency'])
    .where('organisation_id', '=', organisationId)
    .where('formula', 'is not', null)
    .execute()
}

/** A JSON column as either driver gives it: parsed already (pg) or as text. */
function jsonOf(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value
}

const dateOrNull = (value: unknown): Date | null =>
  value === null || value === undefined ? null : new Date(value as string)

/**
 * What entering one value reads, in one statement: the measure's targets and every one of its
 * values (whole rows, as `listTargets` and `listValues` give them, in period order), and the
 * organisation's calculated measures, for the formula graph the ledger settles by.
 */
export async function readForValueWrite(
  db: Kysely<DB>,
  organisationId: string,
  measureId: string,
): Promise<{
  targets: MeasureTargetRow[]
  values: MeasureValueRow[]
  calculated: { id: string; code: string; formula: string | null; frequency: MeasureFrequency }[]
}> {
  const { rows } = await sql<{ targets: unknown; value_rows: unknown; calculated: unknown }>`
    select
      coalesce((select json_agg(t order by t.period_start, t.frequency) from measure_targets t
        where t.organisation_id = ${organisationId} and t.measure_id = ${measureId}), '[]'::json)
        as targets,
      coalesce((select json_agg(v order by v.period_start) from measure_values v
        where v.organisation_id = ${organisationId} and v.measure_id = ${measureId}), '[]'::json)
        as value_rows,
      coalesce((select json_agg(json_build_object('id', m.id, 'code', m.code,
          'formula', m.formula, 'frequency', m.frequency)) from measures m
        where m.organisation_id = ${organisationId} and m.formula is not null), '[]'::json)
        as calculated`.execute(db)
  const [row] = rows
  const targets = (jsonOf(row?.targets ?? '[]') as MeasureTargetRow[]).map((t) => ({
    ...t,
    created_at: new Date(t.created_at as unknown as string),
  }))
  const values = (jsonOf(row?.value_rows ?? '[]') as MeasureValueRow[]).map((v) => ({
    ...v,
    submitted_at: dateOrNull(v.submitted_at),
    approved_at: dateOrNull(v.approved_at),
    returned_at: dateOrNull(v.returned_at),
    created_at: new Date(v.created_at as unknown as string),
    updated_at: new Date(v.updated_at as unknown as string),
  }))
  return {
    targets,
    values,
    calculated: jsonOf(row?.calculated ?? '[]') as {
      id: string
      code: string
      formula: string | null
      frequency: MeasureFrequency
    }[],
  }
}

export type NewMeasure = Omit<Insertable<MeasuresTable>, 'organisation_id'>

export async function insertMeasure(db: Kysely<DB>, organisationId: string, row: NewMeasure) {
  return db
    .insertInto('measures')
    .values({ ...row, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Updates only when `version` is still current; undefined means someone changed it first. */
export async function updateMeasure(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  version: number,
  changes: Updateable<MeasuresTable>,
) {
  return db
    .updateTable('measures')
    .set({ ...changes, version: version + 1 })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()
}

/** The measures linked, directly or beneath, to a node of the golden thread. */
export async function measuresBeneathNode(db: Kysely<DB>, organisationId: string, nodeId: string) {
  const result = await sql<{ item_id: string }>`
    with recursive beneath(id) as (
      select id from plan_nodes where organisation_id = ${organisationId} and id = ${nodeId}
      union
      select n.id from plan_nodes n join beneath b
        on n.parent_id = b.id or n.contributes_to_id = b.id
      where n.organisation_id = ${organisationId} and n.status = 'active'
    )
    select distinct item_id from node_links
    where organisation_id = ${organisationId} and item_kind = 'measure'
      and node_id in (select id from beneath)`.execute(db)
  return result.rows.map((r) => r.item_id)
}

// Targets

export async function listTargets(
  db: Kysely<DB>,
  organisationId: string,
  measureIds: readonly string[],
  from?: string,
) {
  if (measureIds.length === 0) return []
  let query = db
    .selectFrom('measure_targets')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('measure_id', 'in', measureIds)
  if (from) query = query.where('period_start', '>=', from)
  return query.orderBy('period_start').orderBy('frequency').execute()
}

export async function replaceTargets(
  db: Kysely<DB>,
  organisationId: string,
  measureId: string,
  targets: readonly Pick<
    MeasureTargetRow,
    'frequency' | 'period_start' | 'value' | 'lower' | 'upper'
  >[],
): Promise<void> {
  await db
    .deleteFrom('measure_targets')
    .where('organisation_id', '=', organisationId)
    .where('measure_id', '=', measureId)
    .execute()
  if (targets.length === 0) return
  await db
    .insertInto('measure_targets')
    .values(targets.map((t) => ({ ...t, organisation_id: organisationId, measure_id: measureId })))
    .execute()
}

// Values

export async function listValues(
  db: Kysely<DB>,
  organisationId: string,
  measureIds: readonly string[],
  from?: string,
) {
  if (measureIds.length === 0) return []
  let query = db
    .selectFrom('measure_values')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('measure_id', 'in', measureIds)
  if (from) query = query.where('period_start', '>=', from)
  return query.orderBy('measure_id').orderBy('period_start').execute()
}

/**
 * The columns a value's derived figures and SPC are worked out from, for many measures at
 * once: a fraction of the whole row to read and parse.
 */
export async function listValueFigures(
  db: Kysely<DB>,
  organisationId: string,
  measureIds: readonly string[],
  from?: string,
) {
  if (measureIds.length === 0) return []
  let query = db
    .selectFrom('measure_values')
    .select([
      'id',
      'measure_id',
      'period_start',
      'value',
      'status',
      'target',
      'rag',
      'year_to_date',
      'commentary',
    ])
    .where('organisation_id', '=', organisationId)
    .where('measure_id', 'in', measureIds)
  if (from) query = query.where('period_start', '>=', from)
  return query.orderBy('measure_id').orderBy('period_start').execute()
}
/** Whole value rows by id. */
export async function findValuesById(
  db: Kysely<DB>,
  organisationId: string,
  ids: readonly string[],
): Promise<MeasureValueRow[]> {
  if (ids.length === 0) return []
  return db
    .selectFrom('measure_values')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', ids)
    .execute()
}
export type ValueFigures = Awaited<ReturnType<typeof listValueFigures>>[number]

/** Each measure's latest approved period and its RAG: what those who see signed-off data see. */
export async function latestApproved(
  db: Kysely<DB>,
  organisationId: string,
): Promise<Map<string, { start: string; rag: StoredRag | null }>> {
  const rows = await db
    .selectFrom('measure_values')
    .distinctOn('measure_id')
    .select(['measure_id', 'period_start', 'rag'])
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'approved')
    .orderBy('measure_id')
    .orderBy('period_start', 'desc')
    .execute()
  return new Map(rows.map((r) => [r.measure_id, { start: r.period_start, rag: r.rag }]))
}

export async function findValue(
  db: Kysely<DB>,
  organisationId: string,
  measureId: string,
  periodStart: string,
) {
  return db
    .selectFrom('measure_values')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('measure_id', '=', measureId)
    .where('period_start', '=', periodStart)
    .executeTakeFirst()
}

export type NewValue = Omit<Insertable<MeasureValuesTable>, 'organisation_id'>

export async function insertValue(db: Kysely<DB>, organisationId: string, row: NewValue) {
  return db
    .insertInto('measure_values')
    .values({ ...row, organisation_id: organisationId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function insertValues(
  db: Kysely<DB>,
  organisationId: string,
  rows: readonly NewValue[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('measure_values')
      .values(rows.slice(i, i + 1000).map((r) => ({ ...r, organisation_id: organisationId })))
      .execute()
  }
}

/** The type of each column of measure_values a new value may set. */
const VALUE_COLUMNS: Readonly<Partial<Record<keyof MeasureValuesTable, ColumnType>>> = {
  organisation_id: 'uuid',
  measure_id: 'uuid',
  period_start: 'date',
  value: 'numeric',
  numerator: 'numeric',
  denominator: 'numeric',
  commentary: 'text',
  status: 'text',
  calculated: 'boolean',
  target: 'numeric',
  rag: 'text',
  year_to_date: 'numeric',
  entered_by: 'uuid',
  first_entered_by: 'uuid',
  submitted_by: 'uuid',
  submitted_at: 'timestamptz',
  approved_by: 'uuid',
  approved_at: 'timestamptz',
  returned_by: 'uuid',
  returned_at: 'timestamptz',
  return_reason: 'text',
  restated: 'boolean',
  restatement_reason: 'text',
  restated_from: 'numeric',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
}

/**
 * Inserts many values, 1,000 to a statement sent as one JSON document, and returns the rows
 * written (in no set order). Rows that do not all set the same columns go through Kysely.
 */
export async function insertValuesReturning(
  db: Kysely<DB>,
  organisationId: string,
  rows: readonly NewValue[],
  between: () => Promise<void> = async () => {},
): Promise<MeasureValueRow[]> {
  const out: MeasureValueRow[] = []
  const [first] = rows
  if (!first) return out
  const keys = Object.keys(first).filter((k) => (first as Record<string, unknown>)[k] !== undefined)
  const uniform =
    keys.every((k) => k in VALUE_COLUMNS) &&
    rows.every(
      (r) =>
        Object.keys(r).length === keys.length &&
        keys.every((k) => (r as Record<string, unknown>)[k] !== undefined),
    )
  if (!uniform) {
    for (let i = 0; i < rows.length; i += 500) {
      await between()
      out.push(
        ...(await db
          .insertInto('measure_values')
          .values(rows.slice(i, i + 500).map((r) => ({ ...r, organisation_id: organisationId })))
          .returningAll()
          .execute()),
      )
    }
    return out
  }
  const columns = Object.fromEntries([
    ['organisation_id', 'uuid'],
    ...keys.map((k) => [k, VALUE_COLUMNS[k as keyof MeasureValuesTable]]),
  ]) as Partial<Record<keyof MeasureValuesTable, ColumnType>>
  for (let i = 0; i < rows.length; i += 1000) {
    await between()
    const chunk = rows.slice(i, i + 1000).map((r) => ({ ...r, organisation_id: organisationId }))
    for (const row of await insertJsonRowsReturning<'measure_values', MeasureValueRow>(
      db,
      'measure_values',
      columns,
      chunk,
    ))
      out.push(row)
  }
  return out
}

/** Changes a value only at `version`; undefined means someone changed it first. */
export async function updateValue(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  version: number,
  changes: Updateable<MeasureValuesTable>,
) {
  return db
    .updateTable('measure_values')
    .set({ ...changes, version: version + 1 })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()
}

export async function deleteValue(db: Kysely<DB>, organisationId: string, id: string) {
  await db
    .deleteFrom('measure_values')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

/** The derived columns only: a change of target or definition does not bump the version. */
export async function setDerived(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  derived: { target: number | null; rag: StoredRag | null; year_to_date: number | null },
): Promise<void> {
  await db
    .updateTable('measure_values')
    .set({ target: derived.target, rag: derived.rag, year_to_date: derived.year_to_date })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

/** The derived columns of many values in one statement (a cumulative change moves the year). */
export async function setDerivedMany(
  db: Kysely<DB>,
  organisationId: string,
  rows: readonly {
    id: string
    target: number | null
    rag: StoredRag | null
    year_to_date: number | null
  }[],
): Promise<void> {
  if (rows.length === 0) return
  const [only] = rows
  if (rows.length === 1 && only) {
    await setDerived(db, organisationId, only.id, only)
    return
  }
  for (let i = 0; i < rows.length; i += 500) {
    const list = sql.join(
      rows
        .slice(i, i + 500)
        .map(
          (r) =>
            sql`(${r.id}::uuid, ${r.target}::numeric, ${r.rag}::text, ${r.year_to_date}::numeric)`,
        ),
    )
    await sql`
      update measure_values v
      set target = x.target, rag = x.rag, year_to_date = x.year_to_date
      from (values ${list}) as x(id, target, rag, year_to_date)
      where v.id = x.id and v.organisation_id = ${organisationId}`.execute(db)
  }
}

/** Submitted values of the given measures, oldest first, for an approval queue. */
export async function submittedValues(
  db: Kysely<DB>,
  organisationId: string,
  measureIds: readonly string[] | null,
) {
  let query = db
    .selectFrom('measure_values')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'submitted')
    .where('calculated', '=', false)
  if (measureIds) {
    if (measureIds.length === 0) return []
    query = query.where('measure_id', 'in', measureIds)
  }
  return query.orderBy('submitted_at').orderBy('period_start').execute()
}

// Benchmarks

export async function listBenchmarks(db: Kysely<DB>, organisationId: string, measureId: string) {
  return db
    .selectFrom('measure_benchmarks')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('measure_id', '=', measureId)
    .orderBy('period_start')
    .execute()
}

export async function upsertBenchmark(
  db: Kysely<DB>,
  organisationId: string,
  row: {
    measure_id: string
    frequency: MeasureFrequency
    period_start: string
    family_average: number | null
    national_median: number | null
    national_lower_quartile: number | null
    national_upper_quartile: number | null
    source: string
  },
  at: Date,
) {
  return db
    .insertInto('measure_benchmarks')
    .values({ ...row, organisation_id: organisationId })
    .onConflict((oc) =>
      oc.columns(['measure_id', 'frequency', 'period_start']).doUpdateSet({
        family_average: row.family_average,
        national_median: row.national_median,
        national_lower_quartile: row.national_lower_quartile,
        national_upper_quartile: row.national_upper_quartile,
        source: row.source,
        updated_at: at,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Names of people, for showing who entered, submitted and approved. */
export async function peopleNames(db: Kysely<DB>, organisationId: string, ids: readonly string[]) {
  const wanted = [...new Set(ids)]
  if (wanted.length === 0) return new Map<string, string>()
  const rows = await db
    .selectFrom('people')
    .select(['id', 'name'])
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', wanted)
    .execute()
  return new Map(rows.map((r) => [r.id, r.name]))
}

/**
 * Brings each measure's headline up to date from its values: the latest approved period with a
 * value (its RAG, whether restated) and the newest value if it is still in sign-off.
 */
export async function refreshLatest(
  db: Kysely<DB>,
  organisationId: string,
  measureIds: readonly string[] | null,
  statuses: ReadonlyMap<string, unknown> = new Map(),
): Promise<void> {
  if (measureIds !== null && measureIds.length === 0) return
  const only =
    measureIds === null ? sql`` : sql`and m.id in (${sql.join(measureIds.map((id) => sql`${id}`))})`
  // The statuses shown beside the headline, when the caller worked them out (measure-store).
  const status =
    statuses.size === 0
      ? sql`m.headline_status`
      : sql`coalesce((select s.status from (values ${sql.join(
          [...statuses].map(([id, st]) => sql`(${id}::uuid, ${JSON.stringify(st)}::jsonb)`),
        )}) s(id, status) where s.id = m.id), m.headline_status)`
  await sql`
    update measures m set
      latest_period_start = a.period_start,
      latest_rag = a.rag,
      latest_restated = coalesce(a.restated, false),
      pending_period_start = case when e.status <> 'approved' then e.period_start end,
      pending_status = case when e.status <> 'approved' then e.status end,
      headline_status = ${status}
    from measures m2
    left join lateral (
      select v.period_start, v.rag, v.restated from measure_values v
      where v.organisation_id = m2.organisation_id and v.measure_id = m2.id
        and v.status = 'approved' and v.value is not null
      order by v.period_start desc limit 1
    ) a on true
    left join lateral (
      select v.period_start, v.status from measure_values v
      where v.organisation_id = m2.organisation_id and v.measure_id = m2.id
        and v.value is not null
      order by v.period_start desc limit 1
    ) e on true
    where m2.id = m.id and m.organisation_id = ${organisationId} ${only}`.execute(db)
}

/**
 * The figures a headline's statuses are worked out from: each measure's values from four years
 * before its headline (latest approved or newest in sign-off) on, in period order.
 */
export async function listHeadlineFigures(
  db: Kysely<DB>,
  organisationId: string,
  measureIds: readonly string[],
) {
  if (measureIds.length === 0) return []
  return db
    .selectFrom('measure_values as v')
    .innerJoin('measures as m', (join) =>
      join.onRef('m.id', '=', 'v.measure_id').onRef('m.organisation_id', '=', 'v.organisation_id'),
    )
    .select([
      'v.id',
      'v.measure_id',
      'v.period_start',
      'v.value',
      'v.status',
      'v.target',
      'v.rag',
      'v.year_to_date',
      'v.commentary',
    ])
    .where('v.organisation_id', '=', organisationId)
    .where('v.measure_id', 'in', measureIds)
    .where(
      'v.period_start',
      '>=',
      sql<string>`make_date(extract(year from least(m.latest_period_start,
        m.pending_period_start))::int - 4, 1, 1)`,
    )
    .orderBy('v.measure_id')
    .orderBy('v.period_start')
    .execute()
}

/** Stores the statuses shown beside measures' headlines (measure-store's HeadlineStatus). */
export async function setHeadlineStatus(
  db: Kysely<DB>,
  organisationId: string,
  statuses: ReadonlyMap<string, unknown>,
): Promise<void> {
  const entries = [...statuses]
  for (let i = 0; i < entries.length; i += 500) {
    const list = sql.join(
      entries
        .slice(i, i + 500)
        .map(([id, status]) => sql`(${id}::uuid, ${JSON.stringify(status)}::jsonb)`),
    )
    await sql`
      update measures m set headline_status = s.status
      from (values ${list}) as s(id, status)
      where m.id = s.id and m.organisation_id = ${organisationId}`.execute(db)
  }
}

/** Top-level nodes of active plans (themes, strategic purposes…), for filtering measures. */
export async function themes(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('plan_nodes as n')
    .innerJoin('plans as p', 'p.id', 'n.plan_id')
    .select(['n.id', 'n.title', 'p.title as planTitle'])
    .where('n.organisation_id', '=', organisationId)
    .where('n.parent_id', 'is', null)
    .where('n.status', '=', 'active')
    .where('p.status', '=', 'active')
    .orderBy('p.first_year')
    .orderBy('p.title')
    .orderBy('n.position')
    .execute()
}
