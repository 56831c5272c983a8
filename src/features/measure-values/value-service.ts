import { displayedFigure } from '../../core/measure-figure.ts'
import type { Kysely } from 'kysely'
import {
  addDays,
  isIsoDate,
  parsePeriodInput,
  parsePeriodStart,
  type Period,
  PeriodError,
  shiftPeriod,
} from '../../core/periods.ts'
import type {
  DB,
  MeasureRow,
  MeasureTargetRow,
  MeasureValueRow,
  ValueStatus,
} from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound, type FieldError } from '../../errors.ts'
import { recordAudits, auditor, actorOf } from '../audit/index.ts'
import { cooperate } from '../../core/cooperate.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import { holdsRole } from '../../core/roles.ts'
import { unitTreeOf } from '../organisation/index.ts'
import type { UnitTree } from '../../core/unit-tree.ts'
import {
  measurePolicy as policy,
  formatValue,
  presentPeriod,
  statusMeasure,
  type MeasureValueView,
  measureRepository as repo,
  FIRST_YEAR,
  rangeProblem,
  readPeriod,
  scopeOf,
  type MeasureService,
  dueDateOf,
  reportingPeriod,
  derive,
  formulaGraphOf,
  pendingVariations,
  presentValues,
  valueEntries,
  measureLedger as ledger,
  type ValueWrite,
} from '../measures/index.ts'
import { ukDate } from '../../core/dates.ts'
import type { ValueNotifier } from './value-notifier.ts'
import type { ReturnInput, ValueInput } from './value-schemas.ts'

/** Equal figures, allowing for the rounding of a figure written to a file and read back. */
function sameNumber(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
}

/** One value of an import: `key` names its problems (`${key}.value`). */
export interface ImportedValue {
  readonly key: string
  readonly measure: MeasureRow
  readonly input: ValueInput
}

/** What the import did with one value, in the order given. */
export interface ImportedOutcome {
  readonly action: 'create' | 'update' | 'unchanged'
  /** The figure it had before, when it had one. */
  readonly before: number | null
  readonly start: string
  /** Imported as approved history. */
  readonly approved: boolean
}

export interface ValueDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly measures: MeasureService
  /** Tells those who must act next, in the same transaction as the step. */
  readonly notify?: ValueNotifier
}

export type UpdateState = 'overdue' | 'returned' | 'due' | 'draft'
const STATE_ORDER: Record<UpdateState, number> = { overdue: 0, returned: 1, due: 2, draft: 3 }

export type ValueService = ReturnType<typeof createValueService>

/** Measures whose values this person enters: named officer, or data entry for the unit. */
export function entersFor(principal: Principal, row: repo.MeasureListRow, tree: UnitTree): boolean {
  if (row.formula !== null || row.status !== 'active') return false
  return (
    row.data_entry_id === principal.personId ||
    holdsRole(principal, ['data_entry'], row.unit_id, tree)
  )
}

/**
 * The measures a person can enter or approve for, as a filter the database applies first: on
 * a large council someone with the role over one directorate, or none, need not read every
 * measure's row on each page (the task count). Nothing when the role is organisation-wide.
 */
function narrowTo(
  principal: Principal,
  role: 'data_entry' | 'approver',
  column: 'data_entry_id' | 'approver_id',
  tree: UnitTree,
): repo.MeasureFilters {
  const grants = principal.roles.filter((g) => g.role === role)
  if (grants.some((g) => g.unitId === null)) return {}
  const unitIds = [
    ...new Set(grants.flatMap((g) => (g.unitId === null ? [] : tree.descendantsOf(g.unitId)))),
  ]
  return { namedOrIn: { column, personId: principal.personId, unitIds } }
}

/** The earliest period start `outstandingPeriods` may ask about: a year back, and an annual period before that. */
export function outstandingFrom(today: string): string {
  return addDays(addDays(today, -366), -366)
}

/**
 * A measure's periods still waiting on data entry as of `today`, for the past year: missing
 * (overdue, or due for the latest period only), draft or returned. "My updates" and the
 * reminders both ask this. `byKey` holds values by `measureId:periodStart`.
 */
export function outstandingPeriods(
  m: repo.MeasureListRow,
  byKey: ReadonlyMap<string, MeasureValueRow>,
  today: string,
): { period: Period; due: string | null; state: UpdateState; existing: MeasureValueRow | null }[] {
  const sm = statusMeasure(m)
  const yearAgo = addDays(today, -366)
  const periods: Period[] = []
  for (let p = reportingPeriod(m.frequency, today); p.end >= yearAgo; p = shiftPeriod(p, -1)) {
    periods.push(p)
    if (periods.length >= 12) break
  }
  return periods.flatMap((period) => {
    const existing = byKey.get(`${m.id}:${period.start}`)
    const due = dueDateOf(sm, period)
    let state: UpdateState
    if (!existing) state = due !== null && today > due ? 'overdue' : 'due'
    else if (existing.status === 'returned') state = 'returned'
    else if (existing.status === 'draft') state = 'draft'
    else return []
    // Only the latest missing period is "due"; older gaps without a due rule are left.
    if (!existing && state === 'due' && period.start !== periods[0]?.start) return []
    return [{ period, due, state, existing: existing ?? null }]
  })
}

/** The people four eyes keeps from signing a value off, as the policy reads them. */
export function handsOn(value: MeasureValueRow): policy.ValueHands {
  return {
    submittedBy: value.submitted_by,
    enteredBy: value.entered_by,
    firstEnteredBy: value.first_entered_by,
  }
}

export function createValueService({ db, clock, measures, notify }: ValueDeps) {
  const today = () => ukDate(clock())

  /** A period named in a path: its first day (or its label) for the measure's frequency. */
  function pathPeriod(row: MeasureRow, start: string): Period {
    try {
      return isIsoDate(start)
        ? parsePeriodStart({ frequency: row.frequency, start })
        : parsePeriodInput(start)
    } catch (error) {
      if (error instanceof PeriodError) throw new NotFound('No such period for this measure')
      throw error
    }
  }

  async function requireValue(principal: Principal, id: string, start: string) {
    const { row, tree } = await measures.requireMeasure(principal, id)
    const period = pathPeriod(row, start)
    if (period.frequency !== row.frequency) throw new NotFound('No such period for this measure')
    const value = await repo.findValue(db, principal.organisationId, id, period.start)
    if (!value) throw new NotFound(`${row.code} has no value for ${period.label}`)
    return { row, tree, period, value }
  }

  /** One period's value as shown; `known` is the measure's targets and values when in hand. */
  async function present(
    principal: Principal,
    row: MeasureRow,
    start: string,
    known?: { targets: readonly MeasureTargetRow[]; values: readonly MeasureValueRow[] },
  ) {
    const org = principal.organisationId
    const targets = known?.targets ?? (await repo.listTargets(db, org, [row.id]))
    const values = policy.visibleValues(
      principal,
      scopeOf(row),
      known?.values ?? (await repo.listValues(db, org, [row.id])),
    )
    const view = presentValues(row, targets, values, today()).find((v) => v.period.start === start)
    if (!view) throw new NotFound('Value not found')
    return view
  }

  const audit = auditor({ clock, itemType: 'measure' })

  const snapshot = (v: MeasureValueRow) => ({
    period: v.period_start,
    value: v.value,
    numerator: v.numerator,
    denominator: v.denominator,
    commentary: v.commentary,
    status: v.status,
    version: v.version,
  })

  /**
   * Every check of one value that needs nothing but the measure and the input: who may enter
   * it, the period, and the figure (worked out from a numerator and denominator if given).
   */
  function entryOf(
    principal: Principal,
    row: MeasureRow,
    tree: UnitTree,
    input: ValueInput,
    field: (name: string) => string,
  ): { period: Period; value: number; numerator: number | null; denominator: number | null } {
    if (!policy.canEnterValues(principal, scopeOf(row), tree)) {
      throw new Forbidden(`You cannot enter values for ${row.code}`)
    }
    if (row.formula !== null) {
      throw Invalid.field(
        field('value'),
        `${row.code} is calculated from its formula: enter the values of the measures it uses`,
      )
    }
    if (row.computation !== null) {
      throw Invalid.field(
        field('value'),
        `${row.code} is computed by Golden Thread from the council's data: it takes no entered values`,
      )
    }
    if (row.status === 'retired') {
      throw Invalid.field(field('value'), `${row.code} is retired: it takes no more values`)
    }
    const period = readPeriod(input.period, field('period'), [row.frequency], row.frequency)
    if (period.start > today()) {
      throw Invalid.field(field('period'), `${period.label} has not started yet`)
    }
    if (period.financialYear < FIRST_YEAR) {
      throw Invalid.field(field('period'), `${period.label} is before 2000/01`)
    }
    let value = input.value ?? null
    const numerator = input.numerator ?? null
    const denominator = input.denominator ?? null
    if (numerator !== null || denominator !== null) {
      if (numerator === null) throw Invalid.field(field('numerator'), 'Enter the numerator too')
      if (denominator === null)
        throw Invalid.field(field('denominator'), 'Enter the denominator too')
      if (denominator === 0)
        throw Invalid.field(field('denominator'), 'The denominator cannot be 0')
      if (value !== null) {
        throw Invalid.field(
          field('value'),
          'Enter either the value or the numerator and denominator, not both',
        )
      }
      value = (numerator / denominator) * (row.unit === 'percent' ? 100 : 1)
    }
    if (value === null) throw Invalid.field(field('value'), `Enter a value for ${period.label}`)
    const problem = rangeProblem(row, value, `the value for ${period.label}`)
    if (problem) throw Invalid.field(field(numerator !== null ? 'numerator' : 'value'), problem)
    return { period, value, numerator, denominator }
  }

  /** Enters or changes one value inside `trx`; field errors are named with `prefix`. */
  async function saveIn(
    trx: Kysely<DB>,
    principal: Principal,
    row: MeasureRow,
    tree: UnitTree,
    input: ValueInput,
    prefix = '',
  ): Promise<{
    start: string
    created: boolean
    targets: readonly MeasureTargetRow[]
    values: readonly MeasureValueRow[]
  }> {
    const field = (name: string) => `${prefix}${name}`
    const org = principal.organisationId
    const { period, value, numerator, denominator } = entryOf(principal, row, tree, input, field)

    // The measure's targets and values, read once: for judging the value, for the ledger to
    // settle from, and for the answer.
    const { targets, values: stored, calculated } = await repo.readForValueWrite(trx, org, row.id)
    const existing = stored.find((v) => v.period_start === period.start)
    const others = valueEntries(stored).filter((v) => v.start !== period.start)
    const derived = derive(row, targets, [
      ...others,
      { start: period.start, value, status: 'draft' },
    ])
    const judged = derived.get(period.start)
    const commentary = input.commentary ?? null
    if (judged?.rag === 'red' && !commentary) {
      throw Invalid.field(
        field('commentary'),
        `${row.code} is red for ${period.label}: enter commentary saying why and what is being done`,
      )
    }
    const submit = input.submit === true
    const now = clock()
    const person = recordedPersonId(principal)
    const status: ValueStatus = submit ? 'submitted' : 'draft'
    const common = {
      value,
      numerator,
      denominator,
      commentary,
      status,
      entered_by: person,
      submitted_by: submit ? person : null,
      submitted_at: submit ? now : null,
      approved_by: null,
      approved_at: null,
      target: judged?.target ?? null,
      rag: judged?.rag ?? null,
      year_to_date: judged?.yearToDate ?? null,
      updated_at: now,
    }
    let action = submit ? 'value_submitted' : 'value_saved'
    let before: MeasureValueRow | undefined
    let write: ValueWrite = {
      op: 'insert',
      row: { ...common, first_entered_by: person, period_start: period.start },
    }
    if (existing) {
      before = existing
      if (input.version === undefined) {
        throw new Conflict(
          `${row.code} already has a value for ${period.label} (version ${existing.version}): ` +
            'send its version to change it',
        )
      }
      if (input.version !== existing.version) {
        throw new Conflict(
          `The value of ${row.code} for ${period.label} was changed by someone else since you ` +
            `read it (it is now version ${existing.version}). Reload it and enter your change again.`,
        )
      }
      const restating = existing.status === 'approved'
      if (restating && !input.reason) {
        throw Invalid.field(
          field('reason'),
          `${period.label} was approved: enter the reason for restating it`,
        )
      }
      if (restating) action = 'value_restated'
      // A restatement takes the approved figure off the public dashboard until re-approved:
      // the ledger sees the approved row change and moves the publication counter.
      write = {
        op: 'update',
        before: existing,
        changes: {
          ...common,
          restated: restating || existing.restated,
          restatement_reason: restating ? (input.reason ?? null) : existing.restatement_reason,
          restated_from: restating ? existing.value : existing.restated_from,
        },
      }
    }
    const [rows] = await ledger.writeValues(
      trx,
      org,
      [{ measure: row, writes: [write], known: { targets, values: stored, complete: true } }],
      now,
      { graph: formulaGraphOf(calculated) },
    )
    const after = rows?.[0]
    if (!after) {
      throw new Conflict(
        `The value of ${row.code} for ${period.label} was changed by someone else: reload it`,
      )
    }
    const verb =
      action === 'value_restated'
        ? `restated (${input.reason ?? ''})`
        : submit
          ? 'submitted for approval'
          : 'saved as a draft'
    // The audit record last: its chain's head stays locked only from here to the commit, so
    // writes to one council queue behind each other no longer than the record needs.
    if (submit) await told(trx, principal, row, tree, period, after, 'submitted')
    await audit(trx, principal, {
      action,
      itemId: row.id,
      summary: `${row.code} ${period.label}: ${formatValue(value, row)} ${verb}`,
      ...(before && { before: snapshot(before) }),
      after: snapshot(after),
    })
    return {
      start: period.start,
      created: !existing,
      targets,
      values: [...stored.filter((v) => v.period_start !== period.start), after].sort((a, b) =>
        a.period_start < b.period_start ? -1 : a.period_start > b.period_start ? 1 : 0,
      ),
    }
  }

  /** The notifier's view of a value's step, told in the step's own transaction. */
  async function told(
    trx: Kysely<DB>,
    principal: Principal,
    row: MeasureRow,
    tree: UnitTree,
    period: Period,
    value: MeasureValueRow,
    change: 'submitted' | 'returned' | 'approved',
    reason?: string,
  ) {
    await notify?.valueChanged(trx, {
      organisationId: principal.organisationId,
      actorId: principal.personId,
      change,
      measure: { id: row.id, code: row.code, title: row.title, ...scopeOf(row) },
      period: { start: period.start, label: period.label },
      version: value.version,
      submittedBy: value.submitted_by,
      enteredBy: value.entered_by,
      reason: reason ?? null,
      tree,
    })
  }

  /**
   * Many values in one go, inside `trx` (an import): each checked as `saveIn` checks it, then
   * all written through the ledger in one batch, so what follows from them (targets, RAG, year
   * to date, headlines, SPC) is worked out once per measure. Values of periods that have ended
   * may come in as `history`: approved at once by the performance team, recorded in the audit
   * with the file and the reason. Problems come back together as one Invalid, each field named
   * `${key}.field`; nothing is written when there is any.
   */
  async function importIn(
    trx: Kysely<DB>,
    principal: Principal,
    tree: UnitTree,
    rows: readonly ImportedValue[],
    options: { history?: { source: string; reason: string } } = {},
  ): Promise<ImportedOutcome[]> {
    const org = principal.organisationId
    const tick = cooperate()
    const measuresById = new Map(rows.map((r) => [r.measure.id, r.measure]))
    const ids = [...measuresById.keys()]
    // A value's stored figures follow from its own financial year: earlier years are not read.
    const from = ledger.yearStartOf(
      rows.flatMap((r) => {
        // The import names each period by its start already; a label is read.
        if (typeof r.input.period !== 'string') return [r.input.period.start]
        try {
          const m = r.measure
          return [readPeriod(r.input.period, 'period', [m.frequency], m.frequency).start]
        } catch {
          return []
        }
      }),
    )
    const stored = new Map<string, repo.ValueFigures[]>()
    const targetsOf = new Map<string, MeasureTargetRow[]>()
    for (let i = 0; i < ids.length; i += 500) {
      await tick()
      const chunk = ids.slice(i, i + 500)
      for (const [id, list] of Map.groupBy(
        await repo.listValueFigures(trx, org, chunk, from),
        (v) => v.measure_id,
      ))
        stored.set(id, list)
      for (const [id, list] of Map.groupBy(
        await repo.listTargets(trx, org, chunk),
        (t) => t.measure_id,
      ))
        targetsOf.set(id, list)
    }
    const problems: FieldError[] = []
    const now = clock()
    const today_ = today()
    type Accepted = {
      index: number
      row: ImportedValue
      period: Period
      value: number
      numerator: number | null
      denominator: number | null
      commentary: string | null
      existing: repo.ValueFigures | undefined
      approve: boolean
    }
    const accepted = new Map<string, Accepted[]>()
    const outcomes: ImportedOutcome[] = []
    for (const [index, row] of rows.entries()) {
      await tick()
      const field = (name: string) => `${row.key}.${name}`
      const m = row.measure
      // A value the file repeats as stored is left alone before anything else is asked of it:
      // an export of a computed measure's values imports as no change.
      const commentaryIn = row.input.commentary ?? null
      let start: string | null = null
      try {
        start = readPeriod(row.input.period, field('period'), [m.frequency], m.frequency).start
      } catch {
        start = null
      }
      const stored0 =
        start === null ? undefined : stored.get(m.id)?.find((v) => v.period_start === start)
      if (
        stored0 &&
        sameNumber(stored0.value, row.input.value ?? null) &&
        (stored0.commentary ?? null) === commentaryIn &&
        (options.history === undefined || stored0.status === 'approved')
      ) {
        outcomes.push({
          action: 'unchanged',
          before: stored0.value,
          start: stored0.period_start,
          approved: false,
        })
        continue
      }
      let entry: ReturnType<typeof entryOf>
      try {
        entry = entryOf(principal, m, tree, row.input, field)
      } catch (error) {
        if (error instanceof Invalid) problems.push(...error.fields)
        else if (error instanceof Forbidden)
          problems.push({ field: field('code'), message: error.message })
        else throw error
        outcomes.push({ action: 'unchanged', before: null, start: '', approved: false })
        continue
      }
      const { period } = entry
      const existing = stored.get(m.id)?.find((v) => v.period_start === period.start)
      const commentary = row.input.commentary ?? null
      const approve = options.history !== undefined && period.end < today_
      if (approve && !policy.canDefineMeasure(principal, m.unit_id, tree)) {
        problems.push({
          field: field('value'),
          message: `You cannot import ${m.code}'s past values as approved: only administrators and performance officers over its unit can`,
        })
      }
      const sameFigure =
        existing !== undefined &&
        sameNumber(existing.value, entry.value) &&
        (existing.commentary ?? null) === commentary
      if (sameFigure && (!approve || existing.status === 'approved')) {
        outcomes.push({
          action: 'unchanged',
          before: existing.value,
          start: period.start,
          approved: false,
        })
        continue
      }
      if (existing?.status === 'approved' && !sameFigure) {
        problems.push({
          field: field('value'),
          message: `The value of ${m.code} for ${period.label} is approved: to change it, restate it on the measure's page`,
        })
        outcomes.push({
          action: 'unchanged',
          before: existing.value,
          start: period.start,
          approved: false,
        })
        continue
      }
      const list = accepted.get(m.id) ?? []
      list.push({ index, row, ...entry, commentary, existing, approve })
      accepted.set(m.id, list)
      outcomes.push({
        action: existing ? 'update' : 'create',
        before: existing?.value ?? null,
        start: period.start,
        approved: approve,
      })
    }
    // Whole rows of the values to change (few, as a rule), for the ledger and the audit.
    const changing = [...accepted.values()].flatMap((list) =>
      list.flatMap((e) => (e.existing ? [e.existing.id] : [])),
    )
    const whole = new Map<string, MeasureValueRow>()
    for (let i = 0; i < changing.length; i += 500) {
      for (const v of await repo.findValuesById(trx, org, changing.slice(i, i + 500)))
        whole.set(v.id, v)
    }
    // Each measure judged once, with every value the file brings: red needs commentary.
    const person = recordedPersonId(principal)
    const batch: {
      measure: MeasureRow
      writes: ValueWrite[]
      entries: Accepted[]
      known?: { targets: MeasureTargetRow[]; values: repo.ValueFigures[] }
    }[] = []
    for (const [id, entries] of accepted) {
      await tick()
      const m = measuresById.get(id)
      if (!m) continue
      const incoming = new Map(entries.map((e) => [e.period.start, e]))
      const values = [
        ...(stored.get(id) ?? []).flatMap((v) =>
          incoming.has(v.period_start)
            ? []
            : [{ start: v.period_start, value: v.value, status: v.status }],
        ),
        ...entries.map((e) => ({
          start: e.period.start,
          value: e.value,
          status: e.approve ? ('approved' as const) : ('submitted' as const),
        })),
      ].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
      const derived = derive(m, targetsOf.get(id) ?? [], values)
      const writes: ValueWrite[] = []
      for (const e of entries) {
        const judged = derived.get(e.period.start)
        // Figures already published come as they were: history need not explain a red.
        if (judged?.rag === 'red' && !e.commentary && !e.approve) {
          problems.push({
            field: `${e.row.key}.commentary`,
            message: `${m.code} is red for ${e.period.label}: enter commentary saying why and what is being done`,
          })
          continue
        }
        const status: ValueStatus = e.approve ? 'approved' : 'submitted'
        const common = {
          value: e.value,
          numerator: e.numerator,
          denominator: e.denominator,
          commentary: e.commentary,
          status,
          entered_by: person,
          submitted_by: person,
          submitted_at: now,
          approved_by: e.approve ? principal.personId : null,
          approved_at: e.approve ? now : null,
          target: judged?.target ?? null,
          rag: judged?.rag ?? null,
          year_to_date: judged?.yearToDate ?? null,
          updated_at: now,
        }
        const before = e.existing && whole.get(e.existing.id)
        if (e.existing && !before) {
          throw new Conflict(
            `The value of ${m.code} for ${e.period.label} was changed by someone else while the file was imported: import it again`,
          )
        }
        writes.push(
          before
            ? { op: 'update', before, changes: common }
            : {
                op: 'insert',
                row: { ...common, first_entered_by: person, period_start: e.period.start },
              },
        )
      }
      // What was read above stands for settling's own read, unless SPC must be worked out
      // again (an approved value), which needs the years before `from` too.
      const known = entries.every((e) => !e.approve) && {
        targets: targetsOf.get(id) ?? [],
        values: stored.get(id) ?? [],
      }
      batch.push({ measure: m, writes, entries, ...(known && { known }) })
    }
    if (problems.length > 0) throw new Invalid(problems)
    const written = await ledger.writeValues(trx, org, batch, now)
    const audits: Parameters<typeof recordAudits>[2][number][] = []
    const events: Parameters<NonNullable<typeof notify>['valuesChanged']>[1][number][] = []
    const history = options.history
    for (const [b, { measure, entries }] of batch.entries()) {
      for (const [w, e] of entries.entries()) {
        await tick()
        const after = written[b]?.[w]
        if (!after) {
          throw new Conflict(
            `The value of ${measure.code} for ${e.period.label} was changed by someone else while the file was imported: import it again`,
          )
        }
        const shown = formatValue(e.value, measure)
        audits.push({
          actor: actorOf(principal),
          itemType: 'measure',
          action: e.approve ? 'value_imported_approved' : 'value_submitted',
          itemId: measure.id,
          summary:
            e.approve && history
              ? `${measure.code} ${e.period.label}: ${shown} imported as approved history from ${history.source} (${history.reason})`
              : `${measure.code} ${e.period.label}: ${shown} submitted for approval (imported)`,
          ...(e.existing && { before: snapshot(whole.get(e.existing.id) ?? after) }),
          after:
            e.approve && history
              ? { ...snapshot(after), source: history.source, reason: history.reason }
              : snapshot(after),
        })
        if (!e.approve) {
          events.push({
            organisationId: org,
            actorId: principal.personId,
            change: 'submitted',
            measure: {
              id: measure.id,
              code: measure.code,
              title: measure.title,
              ...scopeOf(measure),
            },
            period: { start: e.period.start, label: e.period.label },
            version: after.version,
            submittedBy: after.submitted_by,
            enteredBy: after.entered_by,
            reason: null,
            tree,
          })
        }
      }
    }
    await notify?.valuesChanged(trx, events)
    // The audit records last, so the chain's head is locked only until the commit.
    await recordAudits(trx, org, audits, clock)
    return outcomes
  }

  /** Every check of a status change, read before any write; returns the write to make. */
  async function prepareChange(
    principal: Principal,
    id: string,
    start: string,
    change: 'approve' | 'return' | 'submit',
    options: { reason?: string; version?: number | undefined },
  ) {
    const { row, tree, period, value } = await requireValue(principal, id, start)
    const org = principal.organisationId
    if (value.calculated) {
      throw new Conflict(`${row.code} is calculated: its values follow the measures it uses`)
    }
    if (change === 'submit') {
      if (!policy.canEnterValues(principal, scopeOf(row), tree)) throw new Forbidden()
      if (value.status !== 'draft' && value.status !== 'returned') {
        throw new Conflict(`The value for ${period.label} is already ${value.status}`)
      }
      if (value.rag === 'red' && !value.commentary) {
        throw Invalid.field(
          'commentary',
          `${row.code} is red for ${period.label}: add commentary before submitting`,
        )
      }
    } else {
      if (!policy.isApproverOf(principal, scopeOf(row), tree)) {
        throw new Forbidden(`You are not an approver of ${row.code}`)
      }
      if (!policy.canApproveValue(principal, scopeOf(row), handsOn(value), tree)) {
        throw new Forbidden(
          'You entered, changed or submitted this value, so someone else must approve or return it',
        )
      }
      if (value.status !== 'submitted') {
        throw new Conflict(
          `Only a submitted value can be ${change === 'approve' ? 'approved' : 'returned'}: ` +
            `the value for ${period.label} is ${value.status}`,
        )
      }
    }
    if (options.version !== undefined && options.version !== value.version) {
      throw new Conflict(
        `The value for ${period.label} was changed since you read it (it is now version ${value.version}): reload it`,
      )
    }
    const apply = async (trx: Kysely<DB>) => {
      const now = clock()
      const changes =
        change === 'approve'
          ? { status: 'approved' as const, approved_by: principal.personId, approved_at: now }
          : change === 'return'
            ? {
                status: 'returned' as const,
                returned_by: principal.personId,
                returned_at: now,
                return_reason: options.reason ?? null,
              }
            : { status: 'submitted' as const, submitted_by: principal.personId, submitted_at: now }
      // The ledger keeps the headline, SPC, calculated measures and publication in step.
      const updated = await ledger.writeValue(
        trx,
        org,
        row,
        { op: 'update', before: value, changes: { ...changes, updated_at: now } },
        now,
      )
      if (!updated) throw new Conflict('The value was changed by someone else: reload it')
      const summary =
        change === 'approve'
          ? `${row.code} ${period.label}: ${formatValue(value.value, row)} approved`
          : change === 'return'
            ? `${row.code} ${period.label}: returned, "${options.reason ?? ''}"`
            : `${row.code} ${period.label}: ${formatValue(value.value, row)} submitted for approval`
      await audit(trx, principal, {
        action: `value_${change === 'approve' ? 'approved' : change === 'return' ? 'returned' : 'submitted'}`,
        itemId: row.id,
        summary,
        before: snapshot(value),
        after: snapshot(updated),
      })
      const step =
        change === 'approve' ? 'approved' : change === 'return' ? 'returned' : 'submitted'
      await told(trx, principal, row, tree, period, updated, step, options.reason)
    }
    return { row, period, apply, label: `${row.code} ${period.label}` }
  }

  async function changeStatus(
    principal: Principal,
    id: string,
    start: string,
    change: 'approve' | 'return' | 'submit',
    options: { reason?: string; version?: number | undefined },
  ): Promise<MeasureValueView> {
    const { row, period, apply } = await prepareChange(principal, id, start, change, options)
    await db.transaction().execute(apply)
    await notify?.deliver(principal.organisationId)
    return present(principal, row, period.start)
  }

  return {
    /** For imports: one value inside a transaction the caller holds, with its audit record. */
    saveIn,
    importIn,

    async list(principal: Principal, id: string) {
      const { row } = await measures.requireMeasure(principal, id)
      const org = principal.organisationId
      const targets = await repo.listTargets(db, org, [id])
      // Councillors, viewers and partners see approved values only (measure-policy).
      const values = policy.visibleValues(
        principal,
        scopeOf(row),
        await repo.listValues(db, org, [id]),
      )
      return presentValues(row, targets, values, today())
    },

    async get(principal: Principal, id: string, start: string) {
      const { row, period } = await requireValue(principal, id, start)
      return present(principal, row, period.start)
    },

    /** Enters or changes one value; `created` says which (201 or 200 on the API). */
    async save(principal: Principal, id: string, input: ValueInput) {
      const { row, tree } = await measures.requireMeasure(principal, id)
      if (!policy.canEnterValues(principal, scopeOf(row), tree)) {
        throw new Forbidden(`You cannot enter values for ${row.code}`)
      }
      const saved = await db
        .transaction()
        .execute((trx) => saveIn(trx, principal, row, tree, input))
      if (input.submit === true) await notify?.deliver(principal.organisationId)
      // Presented from what the transaction read and wrote: nothing is read again.
      return { value: await present(principal, row, saved.start, saved), created: saved.created }
    },

    /**
     * Bulk entry: every row or none. Problems come back together, each named `rows.N.field`,
     * so the page can show them all at once.
     */
    async saveMany(
      principal: Principal,
      rows: readonly { measureId: string; input: ValueInput; key?: string }[],
    ): Promise<number> {
      if (rows.length === 0) throw Invalid.field('main-content', 'Enter at least one value')
      const tree = await unitTreeOf(db, principal.organisationId)
      const found = new Map(
        (
          await repo.findMeasuresById(
            db,
            principal.organisationId,
            rows.map((r) => r.measureId),
          )
        ).map((m) => [m.id, m]),
      )
      await db.transaction().execute(async (trx) => {
        const problems: FieldError[] = []
        for (const [index, { measureId, input, key }] of rows.entries()) {
          const i = key ?? String(index)
          const measure = found.get(measureId)
          if (!measure || !policy.canViewMeasure(principal, scopeOf(measure), tree)) {
            throw new NotFound('Measure not found')
          }
          try {
            await saveIn(trx, principal, measure, tree, input, `rows.${i}.`)
          } catch (error) {
            if (error instanceof Invalid) problems.push(...error.fields)
            else if (error instanceof Conflict || error instanceof Forbidden) {
              problems.push({
                field: `rows.${i}.value`,
                message: `${measure.code}: ${error.message}`,
              })
            } else throw error
          }
        }
        if (problems.length > 0) throw new Invalid(problems)
      })
      await notify?.deliver(principal.organisationId)
      return rows.length
    },

    submit: (principal: Principal, id: string, start: string, version?: number) =>
      changeStatus(principal, id, start, 'submit', { version }),

    /**
     * For approving many at once: every check made now, before anything is written; the
     * returned `apply` makes the approval, audit record and notices in the caller's transaction.
     */
    async prepareApproval(principal: Principal, id: string, start: string, version?: number) {
      const { apply, label } = await prepareChange(principal, id, start, 'approve', { version })
      return { apply, label }
    },

    approve: (principal: Principal, id: string, start: string, version?: number) =>
      changeStatus(principal, id, start, 'approve', { version }),

    return: (
      principal: Principal,
      id: string,
      start: string,
      input: ReturnInput & { version?: number },
    ) => changeStatus(principal, id, start, 'return', input),

    /** What is due from this person now, overdue first, for the past year. */
    async myUpdates(principal: Principal) {
      const org = principal.organisationId
      const tree = await unitTreeOf(db, org)
      const mine = (
        await repo.listMeasures(db, org, {
          status: 'active',
          ...narrowTo(principal, 'data_entry', 'data_entry_id', tree),
        })
      ).filter((m) => entersFor(principal, m, tree))
      const today_ = today()
      const values = await repo.listValues(
        db,
        org,
        mine.map((m) => m.id),
        outstandingFrom(today_),
      )
      const byKey = new Map(values.map((v) => [`${v.measure_id}:${v.period_start}`, v]))
      const items = mine.flatMap((m) =>
        outstandingPeriods(m, byKey, today_).map(({ period, due, state, existing }) => ({
          measure: {
            id: m.id,
            code: m.code,
            title: m.title,
            unit: m.unit,
            decimals: m.decimals,
            frequency: m.frequency,
            numeratorLabel: m.numerator_label,
            denominatorLabel: m.denominator_label,
          },
          period: presentPeriod(period),
          due,
          state,
          /** What the period shows once entered (core/measure-figure), beside the form. */
          shows: existing
            ? {
                ...displayedFigure({
                  value: existing.value,
                  yearToDate: existing.year_to_date,
                  status: existing.status,
                  restated: existing.restated,
                  cumulative: m.cumulative,
                  calculated: existing.calculated,
                }),
                target: existing.target,
                rag: existing.value === null ? ('no_data' as const) : (existing.rag ?? 'no_target'),
              }
            : null,
          value: existing
            ? {
                value: existing.value,
                numerator: existing.numerator,
                denominator: existing.denominator,
                commentary: existing.commentary,
                version: existing.version,
                returnReason: existing.return_reason,
              }
            : null,
        })),
      )
      items.sort(
        (a, b) =>
          STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
          (a.due ?? '9999').localeCompare(b.due ?? '9999') ||
          a.measure.code.localeCompare(b.measure.code),
      )
      return items
    },

    /** Values waiting for this person's sign-off, oldest submission first. */
    async approvalQueue(principal: Principal) {
      const org = principal.organisationId
      const tree = await unitTreeOf(db, org)
      const mine = (
        await repo.listMeasures(db, org, narrowTo(principal, 'approver', 'approver_id', tree))
      ).filter((m) => policy.isApproverOf(principal, scopeOf(m), tree))
      const byId = new Map(mine.map((m) => [m.id, m]))
      const waiting = await repo.submittedValues(db, org, [...byId.keys()])
      const names = await repo.peopleNames(
        db,
        org,
        waiting.flatMap((v) => (v.submitted_by ? [v.submitted_by] : [])),
      )
      const variations = await pendingVariations(db, org, mine, waiting)
      return waiting.flatMap((v) => {
        const m = byId.get(v.measure_id)
        if (!m) return []
        const period = parsePeriodStart({ frequency: m.frequency, start: v.period_start })
        const displayed = displayedFigure({
          value: v.value,
          yearToDate: v.year_to_date,
          status: v.status,
          restated: v.restated,
          cumulative: m.cumulative,
          calculated: v.calculated,
        })
        return [
          {
            measure: {
              id: m.id,
              code: m.code,
              title: m.title,
              unit: m.unit,
              decimals: m.decimals,
              polarity: m.polarity,
            },
            period: presentPeriod(period),
            /** The period's own value, as entered. */
            value: v.value,
            /** The figure the measure will show for the period once approved. */
            displayed,
            valueText: formatValue(displayed.value, m),
            target: v.target,
            targetText: formatValue(v.target, m),
            rag: v.rag ?? 'no_target',
            /** The SPC variation the measure will show once this value is approved. */
            variation: variations.get(`${v.measure_id}/${v.period_start}`) ?? null,
            commentary: v.commentary,
            version: v.version,
            restated: v.restated,
            restatementReason: v.restatement_reason,
            submittedBy: v.submitted_by,
            submittedByName: v.submitted_by ? (names.get(v.submitted_by) ?? null) : null,
            submittedAt: v.submitted_at?.toISOString() ?? null,
            // Four eyes: true when this person entered, changed or submitted it.
            ownSubmission: policy.hadAHandIn(principal, handsOn(v)),
          },
        ]
      })
    },
  }
}
