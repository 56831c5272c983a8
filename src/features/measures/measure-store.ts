// Reading what is derived from a measure's values: the stored target, RAG and year to date
// beside each value, the presented values and the headline. Writes go through measure-ledger.ts.
import type { Kysely } from 'kysely'
import { formulaInputs, parseFormula } from '../../core/formulas.ts'
import { headlineOf } from '../../core/measure-figure.ts'
import type { PointType } from '../../core/spc.ts'
import type {
  DB,
  MeasureRow,
  MeasureTargetRow,
  MeasureValueRow,
  StoredRag,
} from '../../db/schema.ts'
import * as spcRepo from './measure-spc-repository.ts'
import { presentSpcSettings } from './measure-spc-presenter.ts'
import {
  periodOf,
  presentValue,
  statusMeasure,
  type LatestViews,
  type MeasureValueView,
} from './measure-presenter.ts'
import * as repo from './measure-repository.ts'
import { variationIfApproved, type SpcPointInput } from './measure-spc.ts'
import {
  deriveAll,
  dueDateOf,
  periodStatus,
  TargetBook,
  type Derived,
  type HeadlineFacts,
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

/** Values of one measure as pages and the API show them, oldest first. */
export function presentValues(
  measure: MeasureRow,
  targets: readonly MeasureTargetRow[],
  values: readonly MeasureValueRow[],
  today: string,
  options: { latestOnly?: boolean; last?: number; headline?: boolean } = {},
): MeasureValueView[] {
  const sm: StatusMeasure = statusMeasure(measure)
  const book = new TargetBook(sm, targetEntries(targets))
  const entries = new Map(valueEntries(values).map((v) => [v.start, v]))
  const headline = options.headline ? headlineRows(measure, values) : null
  const shown = headline
    ? values.filter((v) => v === headline.shown || v === headline.pending)
    : options.latestOnly
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
      measure,
      periodStatus(sm, book, entries, period, stored, today, { forecast: lastOfYear }),
      dueDateOf(sm, period),
    )
  })
}

/** The rows a measure shows as at `asAtEnd` (null: today): core/measure-figure's headlineOf. */
export function headlineRows<R extends Pick<MeasureValueRow, 'period_start' | 'status' | 'value'>>(
  measure: Pick<MeasureRow, 'frequency'>,
  values: readonly R[],
  asAtEnd: string | null = null,
): { shown: R | null; pending: R | null } {
  const { shown, pending } = headlineOf(
    values.map((row) => ({
      row,
      start: row.period_start,
      end: asAtEnd === null ? '' : periodOf(measure.frequency, row.period_start).end,
      status: row.status,
      value: row.value,
    })),
    asAtEnd,
  )
  return { shown: shown?.row ?? null, pending: pending?.row ?? null }
}

/** The headline of presented values: the latest approved, and the newest if still in sign-off. */
export function latestViews(views: readonly MeasureValueView[]): LatestViews {
  const { shown, pending } = headlineOf(
    views.map((v) => ({ ...v, start: v.period.start, end: '' })),
    null,
  )
  return {
    approved: shown,
    latest: pending ?? shown,
  }
}

/** The stored-column shape of a headline, for currentStatus, from presented values. */
export function headlineOfViews(views: LatestViews): HeadlineFacts {
  const { approved, latest } = views
  return {
    shown: approved
      ? {
          start: approved.period.start,
          rag: storedRagOf(approved.rag),
          restated: approved.restated,
        }
      : null,
    pending:
      latest && latest.status !== 'approved'
        ? { start: latest.period.start, status: latest.status }
        : null,
  }
}

function storedRagOf(rag: string): StoredRag {
  return rag === 'green' || rag === 'amber' || rag === 'red' ? rag : 'no_target'
}

/** The organisation's calculated measures as a graph: code → the codes its formula uses. */
export async function formulaGraph(
  db: Kysely<DB>,
  organisationId: string,
): Promise<Map<string, Set<string>>> {
  return formulaGraphOf(await repo.calculatedMeasures(db, organisationId))
}

/** The same from the calculated measures when already read. */
export function formulaGraphOf(
  calculated: readonly { code: string; formula: string | null }[],
): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>()
  for (const m of calculated) {
    if (m.formula === null) continue
    try {
      graph.set(m.code, formulaInputs(parseFormula(m.formula)))
    } catch {
      graph.set(m.code, new Set())
    }
  }
  return graph
}
