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
import type { Period } from '../../core/periods.ts'
import {
  deriveAll,
  dueDateOf,
  periodStatus,
  type PeriodStatus,
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
  const headline = options.headline ? headlineRows(measure, values) : null
  const shown = headline
    ? values.filter((v) => v === headline.shown || v === headline.pending)
    : options.latestOnly
      ? values.slice(-1)
      : options.last
        ? values.slice(-options.last)
        : values
  const sm: StatusMeasure = statusMeasure(measure)
  return statusesOf(sm, targets, values, shown, today).map(({ row, status, period }) =>
    presentValue(row, measure, status, dueDateOf(sm, period)),
  )
}

type StatusInput = Pick<
  MeasureValueRow,
  'period_start' | 'value' | 'status' | 'target' | 'rag' | 'year_to_date'
>

/**
 * The status of each of `shown` (in period order, each one of `values`): RAG, direction and,
 * for the latest of `values` in each financial year, the year-end forecast as it stood then.
 */
function statusesOf<R extends StatusInput>(
  sm: StatusMeasure,
  targets: readonly MeasureTargetRow[],
  values: readonly StatusInput[],
  shown: readonly R[],
  today: string,
): { row: R; status: PeriodStatus; period: Period }[] {
  const book = new TargetBook(sm, targetEntries(targets))
  const entries = new Map(
    values.map((v) => [
      v.period_start,
      { start: v.period_start, value: v.value, status: v.status },
    ]),
  )
  const position = new Map<StatusInput, number>(values.map((v, i) => [v, i]))
  return shown.map((row, i) => {
    const period = periodOf(sm.frequency, row.period_start)
    const stored: Derived = { target: row.target, rag: row.rag, yearToDate: row.year_to_date }
    // The next value among all the person sees, as the measure page has it, not among `shown`.
    const at = position.get(row)
    const next = at === undefined ? shown[i + 1] : values[at + 1]
    const lastOfYear =
      next === undefined ||
      periodOf(sm.frequency, next.period_start).financialYear !== period.financialYear
    return {
      row,
      period,
      status: periodStatus(sm, book, entries, period, stored, today, { forecast: lastOfYear }),
    }
  })
}

/** What a headline value shows beside its figure, kept with the measure (`headline_status`). */
export interface StoredStatus {
  readonly direction: PeriodStatus['direction']
  readonly directionYearOnYear: PeriodStatus['directionYearOnYear']
  readonly forecast: PeriodStatus['forecast']
}

/**
 * A measure's headline statuses as the ledger stores them beside its headline columns, so lists
 * present a measure from its row alone (docs/decisions.md, "Lists from what is stored"). Those
 * who see work in progress and those who see approved values only may see a different forecast
 * beside the approved figure (the year's draft values count in one and not the other), so both
 * are kept. `latest` and `pending` name the periods they were worked out for.
 */
export interface HeadlineStatus {
  readonly latest: string | null
  readonly pending: string | null
  /** The latest approved value, as those who see work in progress see it. */
  readonly approved: StoredStatus | null
  /** Its forecast as those who see approved values only see it. */
  readonly approvedOnlyForecast: PeriodStatus['forecast']
  /** The newest value still in sign-off. */
  readonly inSignOff: StoredStatus | null
}

function storedStatus(status: PeriodStatus): StoredStatus {
  return {
    direction: status.direction,
    directionYearOnYear: status.directionYearOnYear,
    forecast: status.forecast,
  }
}

/**
 * The headline statuses of a measure from its targets and values (every value from four years
 * before its headline on, in period order), exactly as `presentValues` with `headline` gives
 * them for either audience.
 */
export function headlineStatusOf(
  measure: MeasureRow,
  targets: readonly MeasureTargetRow[],
  values: readonly StatusInput[],
  today: string,
): HeadlineStatus {
  const sm = statusMeasure(measure)
  const { shown, pending } = headlineRows(measure, values)
  const all = statusesOf(
    sm,
    targets,
    values,
    [shown, pending].filter((r) => r !== null),
    today,
  )
  const approvedOnly = values.filter((v) => v.status === 'approved')
  const [own] = shown ? statusesOf(sm, targets, approvedOnly, [shown], today) : []
  const ofRow = (row: StatusInput | null) => all.find((s) => s.row === row)?.status
  const approved = ofRow(shown)
  const inSignOff = ofRow(pending)
  return {
    latest: shown?.period_start ?? null,
    pending: pending?.period_start ?? null,
    approved: approved ? storedStatus(approved) : null,
    approvedOnlyForecast: own?.status.forecast ?? null,
    inSignOff: inSignOff ? storedStatus(inSignOff) : null,
  }
}

/**
 * A measure's headline views from its stored headline rows and statuses (the list's one
 * statement), or null when the stored statuses were worked out for other rows than these.
 * `workInProgress`: whether the person sees values in sign-off (measure-policy).
 */
export function storedLatestViews(
  measure: MeasureRow,
  approvedRow: MeasureValueRow | null,
  pendingRow: MeasureValueRow | null,
  status: HeadlineStatus | null,
  workInProgress: boolean,
): LatestViews | null {
  if (
    status === null ||
    status.latest !== (approvedRow?.period_start ?? null) ||
    status.pending !== (pendingRow?.period_start ?? null)
  )
    return null
  const sm = statusMeasure(measure)
  const view = (row: MeasureValueRow, stored: StoredStatus, forecast: PeriodStatus['forecast']) =>
    presentValue(
      row,
      measure,
      {
        rag: row.rag ?? 'no_target',
        direction: stored.direction,
        directionYearOnYear: stored.directionYearOnYear,
        forecast,
      },
      dueDateOf(sm, periodOf(measure.frequency, row.period_start)),
    )
  const approved =
    approvedRow && status.approved
      ? view(
          approvedRow,
          status.approved,
          workInProgress ? status.approved.forecast : status.approvedOnlyForecast,
        )
      : null
  const pending =
    workInProgress && pendingRow && status.inSignOff
      ? view(pendingRow, status.inSignOff, status.inSignOff.forecast)
      : null
  return { approved, latest: pending ?? approved }
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
  // The views themselves, not the candidates headlineOf was given.
  const { shown, pending } = headlineOf(
    views.map((view) => ({
      view,
      start: view.period.start,
      end: '',
      status: view.status,
      value: view.value,
    })),
    null,
  )
  return {
    approved: shown?.view ?? null,
    latest: (pending ?? shown)?.view ?? null,
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
