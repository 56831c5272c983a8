// Loading and keeping up to date what is derived from a measure's values: the stored target,
// RAG and year to date beside each value, the presented values, and calculated measures.
import type { Kysely } from 'kysely'
import {
  evaluateFormula,
  type FormulaGraph,
  dependantsOf,
  formulaInputs,
  parseFormula,
} from '../../core/formulas.ts'
import type { PointType } from '../../core/spc.ts'
import type {
  DB,
  MeasureRow,
  MeasureTargetRow,
  MeasureValueRow,
  ValueStatus,
} from '../../db/schema.ts'
import * as orgRepo from '../organisation/organisation-repository.ts'
import * as spcRepo from '../spc/spc-repository.ts'
import { presentSpcSettings } from '../spc/spc-presenter.ts'
import { UnitTree } from '../organisation/unit-tree.ts'
import {
  periodOf,
  presentValue,
  statusMeasure,
  type MeasureValueView,
} from './measure-presenter.ts'
import * as repo from './measure-repository.ts'
import { spcSummary, variationIfApproved, type SpcPointInput } from './measure-spc.ts'
import {
  deriveAll,
  dueDateOf,
  periodStatus,
  TargetBook,
  type Derived,
  type StatusMeasure,
  type TargetEntry,
  type ValueEntry,
} from './measure-status.ts'

export function targetEntries(rows: readonly MeasureTargetRow[]): TargetEntry[] {
  return rows.map((t) => ({
    frequency: t.frequency,
    start: t.period_start,
    value: t.value,
    lower: t.lower,
    upper: t.upper,
  }))
}

export function valueEntries(rows: readonly MeasureValueRow[]): ValueEntry[] {
  return rows.map((v) => ({ start: v.period_start, value: v.value, status: v.status }))
}

/** What the stored columns of each value should be, given its measure's targets and values. */
export function derive(
  measure: MeasureRow,
  targets: readonly MeasureTargetRow[],
  values: readonly ValueEntry[],
): Map<string, Derived> {
  const sm = statusMeasure(measure)
  return deriveAll(sm, new TargetBook(sm, targetEntries(targets)), values)
}

/** Brings the stored target, RAG and year to date of a measure's values up to date. */
export async function refreshDerived(
  db: Kysely<DB>,
  organisationId: string,
  measure: MeasureRow,
): Promise<void> {
  const targets = await repo.listTargets(db, organisationId, [measure.id])
  const values = await repo.listValues(db, organisationId, [measure.id])
  const derived = derive(measure, targets, valueEntries(values))
  for (const v of values) {
    const d = derived.get(v.period_start)
    if (!d) continue
    if (d.target !== v.target || d.rag !== v.rag || d.yearToDate !== v.year_to_date) {
      await repo.setDerived(db, organisationId, v.id, {
        target: d.target,
        rag: d.rag,
        year_to_date: d.yearToDate,
      })
    }
  }
  await repo.refreshLatest(db, organisationId, measure.id)
  await refreshSpc(
    db,
    organisationId,
    measure,
    values.map((v) => ({ ...v, target: derived.get(v.period_start)?.target ?? v.target })),
  )
}

function spcPoints(
  values: readonly Pick<MeasureValueRow, 'period_start' | 'value' | 'status' | 'target'>[],
): SpcPointInput[] {
  return values.flatMap((v) =>
    v.status === 'approved' && v.value !== null
      ? [{ start: v.period_start, value: v.value, target: v.target }]
      : [],
  )
}

/**
 * Brings the measure's stored SPC variation and assurance up to date, for lists. Called in the
 * transaction that changes its values, their sign-off, its targets or its SPC settings.
 */
export async function refreshSpc(
  db: Kysely<DB>,
  organisationId: string,
  measure: Pick<MeasureRow, 'id' | 'polarity' | 'cumulative' | 'frequency'>,
  values?: readonly Pick<MeasureValueRow, 'period_start' | 'value' | 'status' | 'target'>[],
): Promise<void> {
  const rows = values ?? (await repo.listValues(db, organisationId, [measure.id]))
  const settings = await spcRepo.listSettings(db, organisationId, [measure.id])
  const summary = spcSummary(
    measure,
    spcPoints([...rows].sort((a, b) => (a.period_start < b.period_start ? -1 : 1))),
    presentSpcSettings(measure.frequency, settings),
  )
  await spcRepo.setSpcSummary(db, organisationId, measure.id, summary)
}

/**
 * For values waiting for sign-off, the variation each will give its measure once approved, keyed
 * `${measure_id}/${period_start}`.
 */
export async function pendingVariations(
  db: Kysely<DB>,
  organisationId: string,
  measures: readonly Pick<MeasureRow, 'id' | 'polarity' | 'cumulative' | 'frequency'>[],
  pending: readonly Pick<MeasureValueRow, 'measure_id' | 'period_start' | 'value' | 'target'>[],
): Promise<Map<string, PointType | null>> {
  const ids = [...new Set(pending.map((v) => v.measure_id))]
  const valuesOf = Map.groupBy(await repo.listValues(db, organisationId, ids), (v) => v.measure_id)
  const settingsOf = Map.groupBy(
    await spcRepo.listSettings(db, organisationId, ids),
    (s) => s.measure_id,
  )
  const byId = new Map(measures.map((m) => [m.id, m]))
  return new Map(
    pending.flatMap((v) => {
      const measure = byId.get(v.measure_id)
      if (!measure) return []
      const variation = variationIfApproved(
        measure,
        spcPoints(valuesOf.get(v.measure_id) ?? []),
        { start: v.period_start, value: v.value, target: v.target },
        presentSpcSettings(measure.frequency, settingsOf.get(v.measure_id) ?? []),
      )
      return [[`${v.measure_id}/${v.period_start}`, variation]]
    }),
  )
}

/** The same for every measure of an organisation (after a bulk load, like the demo's). */
export async function refreshSpcAll(db: Kysely<DB>, organisationId: string): Promise<void> {
  const measures = await db
    .selectFrom('measures')
    .select(['id', 'polarity', 'cumulative', 'frequency'])
    .where('organisation_id', '=', organisationId)
    .execute()
  const ids = measures.map((m) => m.id)
  // Only what SPC reads: a large council has hundreds of thousands of values.
  const values = await db
    .selectFrom('measure_values')
    .select(['measure_id', 'period_start', 'value', 'status', 'target'])
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'approved')
    .orderBy('measure_id')
    .orderBy('period_start')
    .execute()
  const settings = await spcRepo.listSettings(db, organisationId, ids)
  const valuesOf = Map.groupBy(values, (v) => v.measure_id)
  const settingsOf = Map.groupBy(settings, (s) => s.measure_id)
  await spcRepo.setSpcSummaries(
    db,
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

/** Values of one measure as pages and the API show them, oldest first. */
export function presentValues(
  measure: MeasureRow,
  targets: readonly MeasureTargetRow[],
  values: readonly MeasureValueRow[],
  today: string,
  options: { latestOnly?: boolean; last?: number } = {},
): MeasureValueView[] {
  const sm: StatusMeasure = statusMeasure(measure)
  const book = new TargetBook(sm, targetEntries(targets))
  const entries = new Map(valueEntries(values).map((v) => [v.start, v]))
  const shown = options.latestOnly
    ? values.slice(-1)
    : options.last
      ? values.slice(-options.last)
      : values
  return shown.map((row, i) => {
    const period = periodOf(measure.frequency, row.period_start)
    const stored: Derived = { target: row.target, rag: row.rag, yearToDate: row.year_to_date }
    // The forecast is given for the latest value of each financial year, as it stood then.
    const next = shown[i + 1]
    const lastOfYear =
      next === undefined ||
      periodOf(measure.frequency, next.period_start).financialYear !== period.financialYear
    return presentValue(
      row,
      measure.frequency,
      periodStatus(sm, book, entries, period, stored, today, { forecast: lastOfYear }),
      dueDateOf(sm, period),
    )
  })
}

/** The organisation's calculated measures as a graph: code → the codes its formula uses. */
export async function formulaGraph(
  db: Kysely<DB>,
  organisationId: string,
): Promise<Map<string, Set<string>>> {
  const graph = new Map<string, Set<string>>()
  for (const m of await repo.calculatedMeasures(db, organisationId)) {
    if (m.formula === null) continue
    try {
      graph.set(m.code, formulaInputs(parseFormula(m.formula)))
    } catch {
      graph.set(m.code, new Set())
    }
  }
  return graph
}

/**
 * Works out a calculated measure's value for each period from its inputs' values: approved
 * when every input is approved, otherwise a draft. A period whose inputs are incomplete has no
 * value. Returns how many values changed.
 */
export async function calculate(
  db: Kysely<DB>,
  organisationId: string,
  measure: MeasureRow,
  periodStarts: readonly string[] | null,
  at: Date,
): Promise<number> {
  if (measure.formula === null) return 0
  const node = parseFormula(measure.formula)
  const codes = [...formulaInputs(node)]
  const inputs = await repo.findMeasuresByCode(db, organisationId, codes)
  const inputValues = await repo.listValues(
    db,
    organisationId,
    inputs.map((m) => m.id),
  )
  const codeOf = new Map(inputs.map((m) => [m.id, m.code]))
  const byPeriod = new Map<string, Map<string, { value: number | null; status: ValueStatus }>>()
  for (const v of inputValues) {
    const code = codeOf.get(v.measure_id)
    if (!code) continue
    const slot: Map<string, { value: number | null; status: ValueStatus }> =
      byPeriod.get(v.period_start) ??
      new Map<string, { value: number | null; status: ValueStatus }>()
    slot.set(code, { value: v.value, status: v.status })
    byPeriod.set(v.period_start, slot)
  }
  const own = new Map(
    (await repo.listValues(db, organisationId, [measure.id])).map((v) => [v.period_start, v]),
  )
  const starts = periodStarts ?? [...new Set([...byPeriod.keys(), ...own.keys()])]
  let changed = 0
  for (const start of starts) {
    const slot: Map<string, { value: number | null; status: ValueStatus }> =
      byPeriod.get(start) ?? new Map<string, { value: number | null; status: ValueStatus }>()
    const value = evaluateFormula(node, new Map(codes.map((c) => [c, slot.get(c)?.value ?? null])))
    const status: ValueStatus = codes.every((c) => slot.get(c)?.status === 'approved')
      ? 'approved'
      : 'draft'
    const existing = own.get(start)
    if (value === null) {
      if (existing) {
        await repo.deleteValue(db, organisationId, existing.id)
        changed++
      }
      continue
    }
    if (existing && existing.value === value && existing.status === status) continue
    if (existing) {
      await repo.updateValue(db, organisationId, existing.id, existing.version, {
        value,
        status,
        approved_at: status === 'approved' ? at : null,
        updated_at: at,
      })
    } else {
      await repo.insertValue(db, organisationId, {
        measure_id: measure.id,
        period_start: start,
        value,
        status,
        calculated: true,
        target: null,
        rag: null,
        year_to_date: null,
        approved_at: status === 'approved' ? at : null,
      })
    }
    changed++
  }
  if (changed > 0) await refreshDerived(db, organisationId, measure)
  return changed
}

/** After `code`'s value for a period changes: every measure calculated from it, in order. */
export async function recalculateDependants(
  db: Kysely<DB>,
  organisationId: string,
  code: string,
  periodStart: string,
  at: Date,
  graph?: FormulaGraph,
): Promise<void> {
  const order = dependantsOf(graph ?? (await formulaGraph(db, organisationId)), code)
  if (order.length === 0) return
  const measures = new Map(
    (await repo.findMeasuresByCode(db, organisationId, order)).map((m) => [m.code, m]),
  )
  for (const dependant of order) {
    const measure = measures.get(dependant)
    if (measure) await calculate(db, organisationId, measure, [periodStart], at)
  }
}

/** The unit hierarchy that role scopes are judged against. */
export async function unitTreeOf(db: Kysely<DB>, organisationId: string) {
  const rows = await orgRepo.listUnits(db, organisationId)
  return new UnitTree(rows.map((u) => ({ id: u.id, parentId: u.parent_id })))
}

const londonDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** Today's date in the UK, 'YYYY-MM-DD': due dates are UK working days. */
export function ukDate(at: Date): string {
  return londonDate.format(at)
}
