// The one owner of measure state (docs/decisions.md, "One owner of measure state"). Every
// change to a measure's values, targets, definition or SPC settings comes through here, from
// forms, the API, imports, the demo and computed measures alike, and in the same transaction
// the ledger brings what follows from it up to date: each value's stored target, RAG and year
// to date, the measure's headline (latest approved value, value in sign-off), its SPC summary,
// the measures calculated from it and the public dashboard's publication counter. Nobody else
// writes measure_values or measure_targets, or calls these refreshes.
import type { Kysely, Updateable } from 'kysely'
import {
  dependantsOf,
  evaluateFormula,
  formulaInputs,
  parseFormula,
  type FormulaGraph,
} from '../../core/formulas.ts'
import type {
  DB,
  MeasureRow,
  MeasureTargetRow,
  MeasureValueRow,
  MeasureValuesTable,
  ValueStatus,
} from '../../db/schema.ts'
import { cooperate } from '../../core/cooperate.ts'
import { bumpPublication } from '../../db/publication.ts'
import { presentSpcSettings } from './measure-spc-presenter.ts'
import * as spcRepo from './measure-spc-repository.ts'
import * as repo from './measure-repository.ts'
import { spcSummary, type SpcPointInput } from './measure-spc.ts'
import { derive, formulaGraph, headlineStatusOf, type HeadlineStatus } from './measure-store.ts'

/** One change to one value of a measure. `before` is the row as the writer read it. */
export type ValueWrite =
  | { readonly op: 'insert'; readonly row: Omit<repo.NewValue, 'measure_id'> }
  | {
      readonly op: 'update'
      readonly before: MeasureValueRow
      readonly changes: Updateable<MeasureValuesTable>
    }
  | { readonly op: 'delete'; readonly before: MeasureValueRow }

export interface MeasureWrites {
  readonly measure: MeasureRow
  readonly writes: readonly ValueWrite[]
  /**
   * The measure's targets and its values as the writer read them in this transaction, before
   * these writes: given, settling works from them instead of reading both again. Every value,
   * or (when no write approves one, so SPC is not worked out again) every value from the
   * financial year of the earliest write on.
   */
  readonly known?: {
    readonly targets: readonly MeasureTargetRow[]
    readonly values: readonly repo.ValueFigures[]
    /** Every value of the measure (not only from a year on): its headline follows from them. */
    readonly complete?: boolean
  }
}

/** What a write did to a measure, for settling it once however many values changed. */
interface Touched {
  measure: MeasureRow
  /** Periods whose value changed, for the measures calculated from this one. */
  readonly periods: Set<string>
  /** Approved values (or targets, or SPC settings) changed: SPC must be worked out again. */
  spc: boolean
  /** Something the public dashboard shows changed. */
  published: boolean
  /** Its targets and values after the writes, when the writer knew them (`MeasureWrites.known`). */
  known?: {
    targets: readonly MeasureTargetRow[]
    values: repo.ValueFigures[]
    complete?: boolean
  }
}

/**
 * Writes values of any number of measures, then settles each measure once (`options.graph`:
 * the formula graph, when the writer read it in this transaction). Returns the row
 * each write left (undefined for a delete, or for an update whose `before.version` is stale:
 * then nothing is settled and the caller should refuse, which rolls the transaction back).
 */
export async function writeValues(
  trx: Kysely<DB>,
  organisationId: string,
  batch: readonly MeasureWrites[],
  at: Date,
  options: { graph?: FormulaGraph } = {},
): Promise<(MeasureValueRow | undefined)[][]> {
  const touched = new Map<string, Touched>()
  const results: (MeasureValueRow | undefined)[][] = []
  // New rows go in together, many to a statement; each is put in its place afterwards.
  const inserts: {
    measureId: string
    row: Omit<repo.NewValue, 'measure_id'>
    at: [number, number]
  }[] = []
  const tick = cooperate()
  let stale = false
  for (const [m, { measure, writes }] of batch.entries()) {
    const t = touchOf(touched, measure)
    const rows: (MeasureValueRow | undefined)[] = []
    for (const [w, write] of writes.entries()) {
      await tick()
      if (write.op === 'insert') {
        inserts.push({ measureId: measure.id, row: write.row, at: [m, w] })
        rows.push(undefined)
      } else {
        const row = await apply(trx, organisationId, measure.id, write)
        if (write.op === 'update' && row === undefined) stale = true
        rows.push(row)
      }
      const start = write.op === 'insert' ? write.row.period_start : write.before.period_start
      t.periods.add(start)
      const approved =
        (write.op === 'insert' && write.row.status === 'approved') ||
        (write.op !== 'insert' && write.before.status === 'approved') ||
        (write.op === 'update' && write.changes.status === 'approved')
      if (approved) {
        t.spc = true
        t.published ||= measure.public
      }
    }
    results.push(rows)
  }
  if (inserts.length === 1 && inserts[0]) {
    const [only] = inserts
    const row = await repo.insertValue(trx, organisationId, {
      ...only.row,
      measure_id: only.measureId,
    })
    const slot = results[only.at[0]]
    if (slot) slot[only.at[1]] = row
  } else if (inserts.length > 1) {
    const placeOf = new Map(inserts.map((i) => [`${i.measureId}:${i.row.period_start}`, i.at]))
    const written = await repo.insertValuesReturning(
      trx,
      organisationId,
      inserts.map((i) => ({ ...i.row, measure_id: i.measureId })),
      tick,
    )
    for (const row of written) {
      const place = placeOf.get(`${row.measure_id}:${row.period_start}`)
      const slot = place && results[place[0]]
      if (slot) slot[place[1]] = row
    }
  }
  if (stale) return results
  // What the writer read, with the writes applied, stands for reading the values again.
  for (const [m, { measure, writes, known }] of batch.entries()) {
    const t = touched.get(measure.id)
    if (!known || !t) continue
    const byStart = new Map(known.values.map((v) => [v.period_start, v]))
    let complete = true
    for (const [w, write] of writes.entries()) {
      if (write.op === 'delete') {
        byStart.delete(write.before.period_start)
        continue
      }
      const row = results[m]?.[w]
      if (!row) complete = false
      else byStart.set(row.period_start, row)
    }
    if (complete) {
      t.known = {
        complete: known.complete === true,
        targets: known.targets,
        values: [...byStart.values()].sort((a, b) =>
          a.period_start < b.period_start ? -1 : a.period_start > b.period_start ? 1 : 0,
        ),
      }
    }
  }
  await settle(
    trx,
    organisationId,
    [...touched.values()],
    at,
    options.graph ? { graph: options.graph } : {},
  )
  return results
}

/** One value of one measure: `writeValues` with a batch of one. */
export async function writeValue(
  trx: Kysely<DB>,
  organisationId: string,
  measure: MeasureRow,
  write: ValueWrite,
  at: Date,
): Promise<MeasureValueRow | undefined> {
  const [rows] = await writeValues(trx, organisationId, [{ measure, writes: [write] }], at)
  return rows?.[0]
}

/** Replaces a measure's targets and settles it. */
export async function replaceTargets(
  trx: Kysely<DB>,
  organisationId: string,
  measure: MeasureRow,
  targets: readonly Pick<
    MeasureTargetRow,
    'frequency' | 'period_start' | 'value' | 'lower' | 'upper'
  >[],
  at: Date,
): Promise<void> {
  await repo.replaceTargets(trx, organisationId, measure.id, targets)
  await settle(trx, organisationId, [whole(measure, measure.public)], at)
}

/**
 * After a measure is created (`before` null) or its definition changed: a calculated measure's
 * values follow its formula, and every stored status follows the definition.
 */
export async function definitionChanged(
  trx: Kysely<DB>,
  organisationId: string,
  before: MeasureRow | null,
  after: MeasureRow,
  at: Date,
): Promise<void> {
  const published = after.public || before?.public === true
  if (after.formula !== null && after.formula !== before?.formula) {
    await calculate(trx, organisationId, after, null, at)
  } else if (before === null) {
    // A new measure has no values yet: only what is published may change.
    if (published) await bumpPublication(trx, organisationId, at)
    return
  }
  // A definition does not change the values of measures calculated from this one.
  await settle(trx, organisationId, [whole(after, published)], at, { dependants: false })
}

/** After a measure's SPC baselines or change points change. */
export async function spcSettingsChanged(
  trx: Kysely<DB>,
  organisationId: string,
  measure: MeasureRow,
  at: Date,
): Promise<void> {
  await refreshSpc(trx, organisationId, measure)
  if (measure.public) await bumpPublication(trx, organisationId, at)
}

/**
 * Loads many measures' targets and values at once (the demo council, a large test council):
 * derives every value's stored columns in memory, inserts them in large statements and then
 * brings every headline and SPC summary up to date in two statements more.
 */
export async function loadInBulk(
  trx: Kysely<DB>,
  organisationId: string,
  measures: readonly MeasureRow[],
  targets: readonly Omit<MeasureTargetRow, 'id' | 'created_at' | 'organisation_id'>[],
  values: readonly repo.NewValue[],
  at: Date,
): Promise<void> {
  for (let i = 0; i < targets.length; i += 1000) {
    await trx
      .insertInto('measure_targets')
      .values(targets.slice(i, i + 1000).map((t) => ({ ...t, organisation_id: organisationId })))
      .execute()
  }
  const targetsOf = Map.groupBy(targets, (t) => t.measure_id)
  const valuesOf = Map.groupBy(values, (v) => v.measure_id)
  const rows: repo.NewValue[] = []
  for (const measure of measures) {
    const own = valuesOf.get(measure.id) ?? []
    const derived = derive(
      measure,
      (targetsOf.get(measure.id) ?? []).map((t) => ({
        ...t,
        id: '',
        organisation_id: organisationId,
        created_at: at,
      })),
      own.map((v) => ({ start: v.period_start, value: v.value ?? null, status: v.status })),
    )
    for (const v of own) {
      const d = derived.get(v.period_start)
      rows.push({
        ...v,
        target: d?.target ?? null,
        rag: d?.rag ?? null,
        year_to_date: d?.yearToDate ?? null,
      })
    }
  }
  await repo.insertValues(trx, organisationId, rows)
  await refreshHeadlines(trx, organisationId, null, at)
  await refreshSpcAll(trx, organisationId)
  if (measures.some((m) => m.public)) await bumpPublication(trx, organisationId, at)
}

export interface SignOffDates {
  readonly id: string
  readonly submittedAt: Date
  readonly approvedAt: Date | null
}

/**
 * When values were submitted and approved, for a demo council whose returns look lived in.
 * Dates only: nothing derived follows from them.
 */
export async function stampSignOffDates(
  trx: Kysely<DB>,
  organisationId: string,
  dates: readonly SignOffDates[],
): Promise<void> {
  for (const d of dates) {
    await trx
      .updateTable('measure_values')
      .set({ submitted_at: d.submittedAt, approved_at: d.approvedAt, updated_at: d.submittedAt })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', d.id)
      .execute()
  }
}

/**
 * Settles every measure of an organisation at once: after SPC settings were added to many
 * measures (the demo council), or a generator loaded values in bulk (bench/).
 */
export async function settleAll(trx: Kysely<DB>, organisationId: string, at: Date): Promise<void> {
  await refreshHeadlines(trx, organisationId, null, at)
  await refreshSpcAll(trx, organisationId)
  await bumpPublication(trx, organisationId, at)
}

// ---------------------------------------------------------------------------------------------

function touchOf(touched: Map<string, Touched>, measure: MeasureRow): Touched {
  let t = touched.get(measure.id)
  if (!t) {
    t = { measure, periods: new Set(), spc: false, published: false }
    touched.set(measure.id, t)
  }
  return t
}

function whole(measure: MeasureRow, published: boolean): Touched {
  return { measure, periods: new Set(), spc: true, published }
}

async function apply(
  trx: Kysely<DB>,
  organisationId: string,
  measureId: string,
  write: ValueWrite,
): Promise<MeasureValueRow | undefined> {
  switch (write.op) {
    case 'insert':
      return repo.insertValue(trx, organisationId, { ...write.row, measure_id: measureId })
    case 'update':
      return repo.updateValue(
        trx,
        organisationId,
        write.before.id,
        write.before.version,
        write.changes,
      )
    case 'delete':
      await repo.deleteValue(trx, organisationId, write.before.id)
      return undefined
  }
}

/**
 * Brings every touched measure's derived state up to date, then the measures calculated from
 * them (in formula order), then the headlines of all of them, and the publication counter once.
 */
async function settle(
  trx: Kysely<DB>,
  organisationId: string,
  touched: readonly Touched[],
  at: Date,
  options: { dependants?: boolean; graph?: FormulaGraph } = {},
): Promise<void> {
  if (touched.length === 0) return
  let published = touched.some((t) => t.published)
  const ids = new Set(touched.map((t) => t.measure.id))
  const rowOf = new Map(touched.map((t) => [t.measure.id, t.measure]))
  const figures = await deriveStored(trx, organisationId, touched)
  const changedPeriods = touched.filter((t) => t.periods.size > 0)
  if (options.dependants !== false && changedPeriods.length > 0) {
    const graph: FormulaGraph = options.graph ?? (await formulaGraph(trx, organisationId))
    const order = [
      ...new Set(changedPeriods.flatMap((t) => dependantsOf(graph, t.measure.code))),
    ].filter((code) => !touched.some((t) => t.measure.code === code))
    if (order.length > 0) {
      const periods = [...new Set(changedPeriods.flatMap((t) => [...t.periods]))]
      const byCode = new Map(
        (await repo.findMeasuresByCode(trx, organisationId, order)).map((m) => [m.code, m]),
      )
      for (const code of order) {
        const dependant = byCode.get(code)
        if (!dependant) continue
        if ((await calculate(trx, organisationId, dependant, periods, at)) > 0) {
          ids.add(dependant.id)
          rowOf.set(dependant.id, dependant)
          figures.delete(dependant.id)
          published ||= dependant.public
        }
      }
    }
  }
  // The headline's statuses from the figures in hand, written with the headline itself; the
  // measures whose every value is not in hand are read once more.
  const day = dayOf(at)
  const statuses = new Map<string, HeadlineStatus>()
  for (const [id, f] of figures) {
    const measure = rowOf.get(id)
    if (measure) statuses.set(id, headlineStatusOf(measure, f.targets, f.values, day))
  }
  await repo.refreshLatest(trx, organisationId, [...ids], statuses)
  const rest = [...ids].flatMap((id) => {
    const measure = rowOf.get(id)
    return measure && !statuses.has(id) ? [measure] : []
  })
  await refreshHeadlineStatus(trx, organisationId, rest, at)
  if (published) await bumpPublication(trx, organisationId, at)
}

function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10)
}

/**
 * Each measure's headline (latest approved value, newest in sign-off) and the statuses shown
 * beside it, from its values: after a bulk load, or for any measures at all (`null`: every
 * measure of the organisation).
 */
export async function refreshHeadlines(
  trx: Kysely<DB>,
  organisationId: string,
  measureIds: readonly string[] | null,
  at: Date = new Date(),
): Promise<void> {
  await repo.refreshLatest(trx, organisationId, measureIds)
  const measures =
    measureIds === null
      ? await trx
          .selectFrom('measures')
          .selectAll()
          .where('organisation_id', '=', organisationId)
          .execute()
      : await repo.findMeasuresById(trx, organisationId, measureIds)
  await refreshHeadlineStatus(trx, organisationId, measures, at)
}

/**
 * The stored statuses of the measures' headlines (their headline columns already up to date),
 * reading their targets and their values from four years before the headline on: direction
 * looks a year back and the forecast three years.
 */
async function refreshHeadlineStatus(
  trx: Kysely<DB>,
  organisationId: string,
  measures: readonly MeasureRow[],
  at: Date,
): Promise<void> {
  const day = dayOf(at)
  const tick = cooperate()
  for (let i = 0; i < measures.length; i += SETTLE_CHUNK) {
    const chunk = measures.slice(i, i + SETTLE_CHUNK)
    const ids = chunk.map((m) => m.id)
    const targetsOf = Map.groupBy(
      await repo.listTargets(trx, organisationId, ids),
      (t) => t.measure_id,
    )
    const valuesOf = Map.groupBy(
      await repo.listHeadlineFigures(trx, organisationId, ids),
      (v) => v.measure_id,
    )
    const statuses = new Map<string, HeadlineStatus>()
    for (const measure of chunk) {
      await tick()
      statuses.set(
        measure.id,
        headlineStatusOf(
          measure,
          targetsOf.get(measure.id) ?? [],
          valuesOf.get(measure.id) ?? [],
          day,
        ),
      )
    }
    await repo.setHeadlineStatus(trx, organisationId, statuses)
  }
}

/**
 * Brings the stored target, RAG and year to date of the touched measures' values up to date,
 * and the SPC summary of those whose approved values changed: a few statements per 500
 * measures, however many values changed, yielding to other requests between measures.
 */
async function deriveStored(
  trx: Kysely<DB>,
  organisationId: string,
  touched: readonly (Pick<Touched, 'measure' | 'spc' | 'known'> & {
    periods?: ReadonlySet<string>
  })[],
): Promise<Map<string, Figures>> {
  const tick = cooperate()
  // Measures whose every value was in hand, with their stored columns as now settled.
  const whole = new Map<string, Figures>()
  for (let i = 0; i < touched.length; i += SETTLE_CHUNK) {
    const chunk = touched.slice(i, i + SETTLE_CHUNK)
    // Measures whose writer read their targets and values are not read again.
    const unknown = chunk.filter((t) => !t.known)
    const ids = unknown.map((t) => t.measure.id)
    const spcIds = chunk.filter((t) => t.spc).map((t) => t.measure.id)
    // A value's stored figures follow from its own financial year only (its target, and the
    // year to date): when SPC needs nothing, the years before the first changed one are left.
    const from = unknown.every((t) => !t.spc && t.periods !== undefined && t.periods.size > 0)
      ? yearStartOf(unknown.flatMap((t) => [...(t.periods ?? [])]))
      : undefined
    const targetsOf = new Map<string, readonly MeasureTargetRow[]>(
      Map.groupBy(await repo.listTargets(trx, organisationId, ids), (t) => t.measure_id),
    )
    const valuesOf = new Map<string, readonly repo.ValueFigures[]>(
      Map.groupBy(await repo.listValueFigures(trx, organisationId, ids, from), (v) => v.measure_id),
    )
    // Of the measures whose every value is in hand, the values before those settled below.
    const earlier = new Map<string, readonly repo.ValueFigures[]>(
      from === undefined ? unknown.map((t) => [t.measure.id, []]) : [],
    )
    for (const { measure, known, spc, periods } of chunk) {
      if (!known) continue
      // As read: from the first changed year when SPC needs nothing.
      const since = !spc && periods && periods.size > 0 ? yearStartOf([...periods]) : undefined
      targetsOf.set(measure.id, known.targets)
      valuesOf.set(
        measure.id,
        since === undefined ? known.values : known.values.filter((v) => v.period_start >= since),
      )
      if (known.complete === true)
        earlier.set(
          measure.id,
          since === undefined ? [] : known.values.filter((v) => v.period_start < since),
        )
    }
    const settingsOf = Map.groupBy(
      await spcRepo.listSettings(trx, organisationId, spcIds),
      (s) => s.measure_id,
    )
    const changed: Parameters<typeof repo.setDerivedMany>[2][number][] = []
    const summaries: Parameters<typeof spcRepo.setSpcSummaries>[2][number][] = []
    for (const { measure, spc } of chunk) {
      await tick()
      // In period order (listValues orders them so), as derive and SPC read them.
      const values = valuesOf.get(measure.id) ?? []
      const derived = derive(
        measure,
        targetsOf.get(measure.id) ?? [],
        values.map((v) => ({ start: v.period_start, value: v.value, status: v.status })),
      )
      const settled: repo.ValueFigures[] = []
      for (const v of values) {
        const d = derived.get(v.period_start)
        if (d && (d.target !== v.target || d.rag !== v.rag || d.yearToDate !== v.year_to_date)) {
          changed.push({ id: v.id, target: d.target, rag: d.rag, year_to_date: d.yearToDate })
          settled.push({ ...v, target: d.target, rag: d.rag, year_to_date: d.yearToDate })
        } else settled.push(v)
      }
      const before = earlier.get(measure.id)
      if (before)
        whole.set(measure.id, {
          targets: targetsOf.get(measure.id) ?? [],
          values: before.length === 0 ? settled : [...before, ...settled],
        })
      if (spc) {
        const points = spcPoints(
          values.map((v) => ({ ...v, target: derived.get(v.period_start)?.target ?? v.target })),
        )
        summaries.push({
          measureId: measure.id,
          ...spcSummary(
            measure,
            points,
            presentSpcSettings(measure.frequency, settingsOf.get(measure.id) ?? []),
          ),
        })
      }
    }
    await repo.setDerivedMany(trx, organisationId, changed)
    const [only] = summaries
    if (summaries.length === 1 && only) {
      await spcRepo.setSpcSummary(trx, organisationId, only.measureId, only)
    } else if (summaries.length > 1) {
      await spcRepo.setSpcSummaries(trx, organisationId, summaries)
    }
  }
  return whole
}

/** A measure's targets and every one of its values, as settled. */
interface Figures {
  readonly targets: readonly MeasureTargetRow[]
  readonly values: readonly repo.ValueFigures[]
}

/** The first day of the financial year (from 1 April) of the earliest of `starts`. */
export function yearStartOf(starts: readonly string[]): string | undefined {
  let first: string | undefined
  for (const s of starts) if (first === undefined || s < first) first = s
  if (first === undefined) return undefined
  const year = Number(first.slice(0, 4)) - (first.slice(5) < '04-01' ? 1 : 0)
  return `${year}-04-01`
}

/** Measures settled together: their values and targets read in one statement each. */
const SETTLE_CHUNK = 500

function spcPoints(
  values: readonly Pick<MeasureValueRow, 'period_start' | 'value' | 'status' | 'target'>[],
): SpcPointInput[] {
  return values.flatMap((v) =>
    v.status === 'approved' && v.value !== null
      ? [{ start: v.period_start, value: v.value, target: v.target }]
      : [],
  )
}

/** The measure's stored SPC variation and assurance, for lists. */
async function refreshSpc(
  trx: Kysely<DB>,
  organisationId: string,
  measure: Pick<MeasureRow, 'id' | 'polarity' | 'cumulative' | 'frequency'>,
  values?: readonly Pick<MeasureValueRow, 'period_start' | 'value' | 'status' | 'target'>[],
): Promise<void> {
  const rows = values ?? (await repo.listValues(trx, organisationId, [measure.id]))
  const settings = await spcRepo.listSettings(trx, organisationId, [measure.id])
  const summary = spcSummary(
    measure,
    spcPoints([...rows].sort((a, b) => (a.period_start < b.period_start ? -1 : 1))),
    presentSpcSettings(measure.frequency, settings),
  )
  await spcRepo.setSpcSummary(trx, organisationId, measure.id, summary)
}

/** The same for every measure of an organisation, after a bulk load. */
async function refreshSpcAll(trx: Kysely<DB>, organisationId: string): Promise<void> {
  const measures = await trx
    .selectFrom('measures')
    .select(['id', 'polarity', 'cumulative', 'frequency'])
    .where('organisation_id', '=', organisationId)
    .execute()
  const ids = measures.map((m) => m.id)
  // Only what SPC reads: a large council has hundreds of thousands of values.
  const values = await trx
    .selectFrom('measure_values')
    .select(['measure_id', 'period_start', 'value', 'status', 'target'])
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'approved')
    .orderBy('measure_id')
    .orderBy('period_start')
    .execute()
  const settings = await spcRepo.listSettings(trx, organisationId, ids)
  const valuesOf = Map.groupBy(values, (v) => v.measure_id)
  const settingsOf = Map.groupBy(settings, (s) => s.measure_id)
  await spcRepo.setSpcSummaries(
    trx,
    organisationId,
    measures.map((m) => ({
      measureId: m.id,
      ...spcSummary(
        m,
        spcPoints(valuesOf.get(m.id) ?? []),
        presentSpcSettings(m.frequency, settingsOf.get(m.id) ?? []),
      ),
    })),
  )
}

/**
 * Works out a calculated measure's value for each period from its inputs' values: approved
 * when every input is approved, otherwise a draft. A period whose inputs are incomplete has no
 * value. Writes and derives the measure; returns how many values changed.
 */
async function calculate(
  trx: Kysely<DB>,
  organisationId: string,
  measure: MeasureRow,
  periodStarts: readonly string[] | null,
  at: Date,
): Promise<number> {
  if (measure.formula === null) return 0
  const node = parseFormula(measure.formula)
  const codes = [...formulaInputs(node)]
  const inputs = await repo.findMeasuresByCode(trx, organisationId, codes)
  const inputValues = await repo.listValues(
    trx,
    organisationId,
    inputs.map((m) => m.id),
  )
  const codeOf = new Map(inputs.map((m) => [m.id, m.code]))
  type Slot = Map<string, { value: number | null; status: ValueStatus }>
  const byPeriod = new Map<string, Slot>()
  for (const v of inputValues) {
    const code = codeOf.get(v.measure_id)
    if (!code) continue
    const slot: Slot = byPeriod.get(v.period_start) ?? (new Map() as Slot)
    slot.set(code, { value: v.value, status: v.status })
    byPeriod.set(v.period_start, slot)
  }
  const own = new Map(
    (await repo.listValues(trx, organisationId, [measure.id])).map((v) => [v.period_start, v]),
  )
  const starts = periodStarts ?? [...new Set([...byPeriod.keys(), ...own.keys()])]
  let changed = 0
  let approvedChanged = false
  for (const start of starts) {
    const slot: Slot = byPeriod.get(start) ?? (new Map() as Slot)
    const value = evaluateFormula(node, new Map(codes.map((c) => [c, slot.get(c)?.value ?? null])))
    const status: ValueStatus = codes.every((c) => slot.get(c)?.status === 'approved')
      ? 'approved'
      : 'draft'
    const existing = own.get(start)
    if (value === null) {
      if (existing) {
        await apply(trx, organisationId, measure.id, { op: 'delete', before: existing })
        approvedChanged ||= existing.status === 'approved'
        changed++
      }
      continue
    }
    if (existing && existing.value === value && existing.status === status) continue
    if (existing) {
      await apply(trx, organisationId, measure.id, {
        op: 'update',
        before: existing,
        changes: {
          value,
          status,
          approved_at: status === 'approved' ? at : null,
          updated_at: at,
        },
      })
      approvedChanged ||= existing.status === 'approved'
    } else {
      await apply(trx, organisationId, measure.id, {
        op: 'insert',
        row: {
          period_start: start,
          value,
          status,
          calculated: true,
          target: null,
          rag: null,
          year_to_date: null,
          approved_at: status === 'approved' ? at : null,
        },
      })
    }
    approvedChanged ||= status === 'approved'
    changed++
  }
  if (changed > 0) await deriveStored(trx, organisationId, [{ measure, spc: approvedChanged }])
  return changed
}
