import { plural } from '../../core/format.ts'
import type { Kysely } from 'kysely'
import {
  describeCycle,
  findCycle,
  FormulaError,
  formulaInputs,
  parseFormula,
} from '../../core/formulas.ts'
import {
  financialYearOf,
  isIsoDate,
  parsePeriodInput,
  parsePeriodStart,
  PeriodError,
  type Period,
  type PeriodInput,
} from '../../core/periods.ts'
import type { DB, MeasureRow } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { auditor } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import { organisationRepository as orgRepo, unitTreeOf } from '../organisation/index.ts'
import * as spcRepo from './measure-spc-repository.ts'
import { presentSpcSettings } from './measure-spc-presenter.ts'
import { UnitTree } from '../../core/unit-tree.ts'
import * as policy from './measure-policy.ts'
import {
  presentBenchmark,
  presentMeasure,
  presentPeriod,
  presentTarget,
  statusMeasure,
  type LatestViews,
  type MeasureView,
} from './measure-presenter.ts'
import * as repo from './measure-repository.ts'
import * as ledger from './measure-ledger.ts'
import {
  QUALITY_CRITERIA,
  type MeasureChanges,
  type MeasureInput,
  type MeasureListQuery,
  type TargetsInput,
} from './measure-schemas.ts'
import { currentStatus, headlineFacts } from './measure-status.ts'
import {
  formulaGraph,
  headlineOfViews,
  latestViews,
  presentValues,
  storedLatestViews,
  type HeadlineStatus,
} from './measure-store.ts'
import { ukDate } from '../../core/dates.ts'

export interface MeasureDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
}

/** Financial years a target or value may fall in: from 2000/01 to ten years ahead. */
export const FIRST_YEAR = 2000
export const YEARS_AHEAD = 10

export function scopeOf(
  row: Pick<MeasureRow, 'unit_id' | 'data_entry_id' | 'approver_id'>,
): policy.MeasureScope {
  return { unitId: row.unit_id, dataEntryOfficerId: row.data_entry_id, approverId: row.approver_id }
}

/** Reads a period, refusing one that does not fit `frequencies`; field errors name `field`. */
export function readPeriod(
  input: PeriodInput,
  field: string,
  allowed: readonly string[],
  measureFrequency: string,
): Period {
  let period: Period
  try {
    // A bare first day is read with the measure's own frequency.
    period =
      typeof input === 'string' && isIsoDate(input.trim())
        ? parsePeriodStart({ frequency: measureFrequency, start: input.trim() })
        : parsePeriodInput(input)
  } catch (error) {
    if (error instanceof PeriodError) throw Invalid.field(field, error.message)
    throw error
  }
  if (!allowed.includes(period.frequency)) {
    const example: Record<string, string> = {
      monthly: 'a month, like "Sep 2024"',
      bimonthly: 'a two-month period, like "2024/25 B1"',
      quarterly: 'a quarter, like "2024/25 Q2"',
      half_yearly: 'a half-year, like "2024/25 H1"',
      annual: 'a financial year, like "2024/25"',
    }
    throw Invalid.field(
      field,
      `${period.label} does not fit this ${measureFrequency.replace('_', '-')} measure: ` +
        `enter ${allowed.map((f) => example[f]).join(' or ')}`,
    )
  }
  return period
}

/** Percentages run 0 to 100, yes/no is 0 or 1, days are never negative, unless allowed. */
export function rangeProblem(
  measure: { unit: string; allow_out_of_range: boolean },
  value: number,
  what: string,
): string | null {
  if (measure.unit === 'yes_no') {
    return value === 0 || value === 1 ? null : `Enter ${what} as 1 for yes or 0 for no`
  }
  if (measure.allow_out_of_range) return null
  if (measure.unit === 'percent' && (value < 0 || value > 100)) {
    return `Enter ${what} as a percentage from 0 to 100`
  }
  if ((measure.unit === 'days' || measure.unit === 'ratio') && value < 0) {
    return `Enter ${what} as 0 or more`
  }
  return null
}

export type MeasureService = ReturnType<typeof createMeasureService>

export function createMeasureService({ db, clock }: MeasureDeps) {
  const today = () => ukDate(clock())

  /** Measures an API guard found for a request, for the service call that follows it. */
  const found = new WeakMap<Principal, Map<string, { row: MeasureRow; tree: UnitTree }>>()

  async function requireMeasure(principal: Principal, id: string, tree?: UnitTree) {
    const guarded = found.get(principal)?.get(id)
    if (guarded && !tree) {
      // Once only: a later call in the same request reads the measure as it is then.
      found.get(principal)?.delete(id)
      return guarded
    }
    let row: MeasureRow | undefined
    let units: UnitTree
    if (tree) {
      row = await repo.findMeasure(db, principal.organisationId, id)
      units = tree
    } else {
      // The measure and the unit tree in one statement.
      const found = await repo.findMeasureWithUnits(db, principal.organisationId, id)
      row = found?.row
      units = new UnitTree(found?.units ?? [])
    }
    if (!row || !policy.canViewMeasure(principal, scopeOf(row), units)) {
      throw new NotFound('Measure not found')
    }
    return { row, tree: units }
  }

  async function view(principal: Principal, written: MeasureRow): Promise<MeasureView> {
    // A row returned by a write predates the headline the ledger keeps beside it: read it again.
    const row = (await repo.findMeasure(db, principal.organisationId, written.id)) ?? written
    const [latest] = await latestOf(principal, [row])
    const views = latest ?? { latest: null, approved: null }
    return presentMeasure(row, views, currentOf(row, views))
  }

  function currentOf(row: MeasureRow, views: LatestViews) {
    const current = currentStatus(statusMeasure(row), headlineOfViews(views), today())
    return { ...current, period: presentPeriod(current.period) }
  }

  /**
   * The headline values of each measure (latest approved, newest in sign-off) among the values
   * the person may see (measure-policy), presented.
   */
  async function latestOf(
    principal: Principal,
    rows: readonly MeasureRow[],
  ): Promise<LatestViews[]> {
    const organisationId = principal.organisationId
    const none: LatestViews = { latest: null, approved: null }
    const withValues = rows.filter(
      (r) => r.latest_period_start !== null || r.pending_period_start !== null,
    )
    if (withValues.length === 0) return rows.map(() => none)
    // Direction needs a year back, and a cumulative forecast follows the pattern of up to three
    // earlier years.
    const earliest = withValues
      .map((r) => r.latest_period_start ?? r.pending_period_start ?? '9999-12-31')
      .reduce((a, b) => (a < b ? a : b), '9999-12-31')
    const from = earliest === '9999-12-31' ? undefined : `${financialYearOf(earliest) - 3}-04-01`
    const ids = withValues.map((r) => r.id)
    const targets = Map.groupBy(
      await repo.listTargets(db, organisationId, ids, from),
      (t) => t.measure_id,
    )
    const values = Map.groupBy(
      await repo.listValues(db, organisationId, ids, from),
      (v) => v.measure_id,
    )
    const today_ = today()
    return rows.map((row) => {
      const own = policy.visibleValues(principal, scopeOf(row), values.get(row.id) ?? [])
      if (own.length === 0) return none
      return latestViews(
        presentValues(row, targets.get(row.id) ?? [], own, today_, { headline: true }),
      )
    })
  }

  async function checkPerson(
    q: Kysely<DB>,
    principal: Principal,
    field: string,
    id: string | null | undefined,
  ) {
    if (id && !(await orgRepo.findPerson(q, principal.organisationId, id))) {
      throw Invalid.field(field, 'Select a person from the list')
    }
  }

  type Definition = Omit<MeasureInput, 'code'> & { code: string }

  /**
   * Every rule a definition must meet beyond its schema; returns the normalised columns. Reads
   * through `q`, so inside a transaction it sees the measures created earlier in it.
   */
  async function checkDefinition(
    q: Kysely<DB>,
    principal: Principal,
    input: Definition,
    existing?: MeasureRow,
  ) {
    let d = input
    const org = principal.organisationId
    d = { ...d, code: d.code.trim().toUpperCase() }
    const [clash] = await repo.findMeasuresByCode(q, org, [d.code])
    if (clash && clash.id !== existing?.id) {
      throw Invalid.field('code', `${d.code} is already the code of "${clash.title}"`)
    }
    if (d.unitId && !(await orgRepo.findUnit(q, org, d.unitId))) {
      throw Invalid.field('unitId', 'Select a unit from the list')
    }
    await checkPerson(q, principal, 'ownerId', d.ownerId)
    await checkPerson(q, principal, 'dataEntryOfficerId', d.dataEntryOfficerId)
    await checkPerson(q, principal, 'approverId', d.approverId)
    if (Boolean(d.numeratorLabel) !== Boolean(d.denominatorLabel)) {
      throw Invalid.field(
        d.numeratorLabel ? 'denominatorLabel' : 'numeratorLabel',
        'Enter both what the numerator and the denominator count, or neither',
      )
    }
    if (d.unit === 'yes_no' && d.polarity === 'within_band') {
      throw Invalid.field('polarity', 'A yes or no measure cannot be within a band')
    }
    let baselinePeriod: string | null = null
    if (d.baselinePeriod) {
      baselinePeriod = readPeriod(
        d.baselinePeriod,
        'baselinePeriod',
        [d.frequency, 'annual'],
        d.frequency,
      ).label
    }
    if (d.baselineValue !== null && d.baselineValue !== undefined) {
      const problem = rangeProblem(
        { unit: d.unit, allow_out_of_range: d.allowOutOfRange ?? false },
        d.baselineValue,
        'the baseline',
      )
      if (problem) throw Invalid.field('baselineValue', problem)
    }
    let formula: string | null = null
    if (d.formula) {
      let inputs: Set<string>
      try {
        inputs = formulaInputs(parseFormula(d.formula))
      } catch (error) {
        if (error instanceof FormulaError) throw Invalid.field('formula', error.message)
        throw error
      }
      if (inputs.size === 0) {
        throw Invalid.field('formula', 'A formula must use at least one measure, like [HR01]')
      }
      const found = await repo.findMeasuresByCode(
        q,
        org,
        [...inputs].filter((c) => c !== d.code),
      )
      for (const code of inputs) {
        const input = found.find((m) => m.code === code)
        if (code === d.code) {
          throw Invalid.field('formula', `The formula uses [${code}], the measure itself`)
        }
        if (!input) {
          throw Invalid.field(
            'formula',
            `[${code}] is not the code of a measure: check the formula`,
          )
        }
        if (input.frequency !== d.frequency) {
          throw Invalid.field(
            'formula',
            `[${code}] is ${input.frequency.replace('_', '-')}: a ${d.frequency.replace('_', '-')} ` +
              'measure can only be calculated from measures of the same frequency',
          )
        }
      }
      const graph = await formulaGraph(q, org)
      if (existing && existing.code !== d.code) graph.delete(existing.code)
      graph.set(d.code, inputs)
      const cycle = findCycle(graph, d.code)
      if (cycle)
        throw Invalid.field(
          'formula',
          `The formulas would go round in a circle: ${describeCycle(cycle)}`,
        )
      formula = d.formula
    }
    const tolerance = d.tolerance ?? null
    return {
      code: d.code,
      title: d.title,
      definition: d.definition ?? null,
      rationale: d.rationale ?? null,
      unit: d.unit,
      decimals: d.unit === 'yes_no' ? 0 : (d.decimals ?? 0),
      polarity: d.polarity,
      frequency: d.frequency,
      kind: d.kind ?? 'operational',
      cumulative: d.cumulative ?? false,
      numerator_label: d.numeratorLabel ?? null,
      denominator_label: d.denominatorLabel ?? null,
      formula,
      baseline_value: d.baselineValue ?? null,
      baseline_period: baselinePeriod,
      data_source: d.dataSource ?? null,
      collection_method: d.collectionMethod ?? null,
      owner_id: d.ownerId ?? null,
      data_entry_id: d.dataEntryOfficerId ?? null,
      approver_id: d.approverId ?? null,
      unit_id: d.unitId ?? null,
      public: d.public ?? false,
      national_ref: d.nationalIndicatorRef ?? null,
      quality: JSON.stringify(d.quality ?? {}),
      due_working_days: d.dueWorkingDays ?? null,
      status: d.status ?? 'active',
      tolerance_type: tolerance?.type ?? null,
      tolerance_value: tolerance?.value ?? null,
      forecast_method: d.forecastMethod ?? 'average',
      allow_out_of_range: d.allowOutOfRange ?? false,
    }
  }

  function definitionOf(row: MeasureRow): Definition {
    const view = presentMeasure(
      row,
      { latest: null, approved: null },
      {
        period: { frequency: row.frequency, start: '', label: '' },
        rag: 'no_data',
        due: null,
        approval: 'missing',
      },
    )
    return {
      ...view,
      definition: view.definition,
      baselinePeriod: view.baselinePeriod,
      quality: view.quality,
    }
  }

  const audit = auditor({ clock, itemType: 'measure' })

  /** Creates a measure inside `trx`, with its audit record. */
  async function createIn(
    trx: Kysely<DB>,
    principal: Principal,
    tree: UnitTree,
    input: MeasureInput,
  ): Promise<MeasureRow> {
    if (!policy.canDefineMeasure(principal, input.unitId ?? null, tree)) throw new Forbidden()
    const columns = await checkDefinition(trx, principal, input)
    const created = await repo.insertMeasure(trx, principal.organisationId, columns)
    await ledger.definitionChanged(trx, principal.organisationId, null, created, clock())
    await audit(trx, principal, {
      action: 'measure_created',
      itemId: created.id,
      summary: `Measure ${created.code} "${created.title}" created`,
      after: definitionOf(created),
    })
    return created
  }

  /** Changes a measure's definition inside `trx`, with its audit record. */
  async function updateIn(
    trx: Kysely<DB>,
    principal: Principal,
    tree: UnitTree,
    before: MeasureRow,
    changes: MeasureChanges,
  ): Promise<MeasureRow> {
    const id = before.id
    if (!policy.canDefineMeasure(principal, before.unit_id, tree)) throw new Forbidden()
    if (changes.version !== undefined && changes.version !== before.version) {
      throw new Conflict(
        `${before.code} was changed by someone else since you opened it (it is now version ` +
          `${before.version}). Reload it and make your change again.`,
      )
    }
    const rest: Partial<MeasureChanges> = { ...changes }
    delete rest.version
    const current = definitionOf(before)
    const merged: Definition = {
      ...current,
      ...stripUndefined(rest),
      // A note or assessment sent for one criterion leaves the others, and its other half, as they were.
      quality: mergeQuality(current.quality, rest.quality),
    }
    if (
      merged.unitId !== before.unit_id &&
      !policy.canDefineMeasure(principal, merged.unitId ?? null, tree)
    ) {
      throw new Forbidden('You cannot move a measure to a unit you do not look after')
    }
    if (merged.code !== before.code) {
      const graph = await formulaGraph(trx, principal.organisationId)
      const user = [...graph].find(([, inputs]) => inputs.has(before.code))
      if (user) {
        throw Invalid.field(
          'code',
          `[${before.code}] is used in the formula of [${user[0]}]: change that first`,
        )
      }
    }
    const columns = await checkDefinition(trx, principal, merged, before)
    const updated = await repo.updateMeasure(trx, principal.organisationId, id, before.version, {
      ...columns,
      updated_at: clock(),
    })
    if (!updated) throw new Conflict(`${before.code} was changed by someone else: reload it`)
    await ledger.definitionChanged(trx, principal.organisationId, before, updated, clock())
    const action =
      updated.status === 'retired' && before.status !== 'retired'
        ? 'measure_retired'
        : 'measure_updated'
    await audit(trx, principal, {
      action,
      itemId: id,
      summary: `Measure ${updated.code} "${updated.title}" ${action.replace('measure_', '')}`,
      before: definitionOf(before),
      after: definitionOf(updated),
    })
    return updated
  }

  /** Replaces a measure's targets inside `trx`; problems are named `targets.N.field`. */
  async function putTargetsIn(
    trx: Kysely<DB>,
    principal: Principal,
    tree: UnitTree,
    row: MeasureRow,
    input: TargetsInput,
  ): Promise<void> {
    const id = row.id
    if (!policy.canDefineMeasure(principal, row.unit_id, tree)) throw new Forbidden()
    const lastYear = financialYearOf(today()) + YEARS_AHEAD
    const seen = new Set<string>()
    const problems: { field: string; message: string }[] = []
    const rows = input.targets.flatMap((t, i) => {
      const field = (name: string) => `targets.${i}.${name}`
      let period: Period
      try {
        period = readPeriod(t.period, field('period'), [row.frequency, 'annual'], row.frequency)
      } catch (error) {
        if (!(error instanceof Invalid)) throw error
        problems.push(...error.fields)
        return []
      }
      if (period.financialYear < FIRST_YEAR || period.financialYear > lastYear) {
        problems.push({
          field: field('period'),
          message: `${period.label} is outside the years targets can be set for (2000/01 to ${lastYear}/${String((lastYear + 1) % 100).padStart(2, '0')})`,
        })
      }
      const key = `${period.frequency}:${period.start}`
      if (seen.has(key))
        problems.push({
          field: field('period'),
          message: `${period.label} has two targets: keep one`,
        })
      seen.add(key)
      const value = t.value ?? null
      const lower = t.lower ?? null
      const upper = t.upper ?? null
      if (value === null && lower === null && upper === null) {
        problems.push({ field: field('value'), message: `Enter a target for ${period.label}` })
      }
      if ((lower !== null || upper !== null) && row.polarity !== 'within_band') {
        problems.push({
          field: field('lower'),
          message: 'Only a measure within a band has a lower and upper limit',
        })
      }
      if (lower !== null && upper !== null && lower > upper) {
        problems.push({
          field: field('lower'),
          message: `The lower limit for ${period.label} must not be above the upper limit`,
        })
      }
      for (const [name, v] of [
        ['value', value],
        ['lower', lower],
        ['upper', upper],
      ] as const) {
        if (v === null) continue
        // Annual targets of cumulative measures are totals, so only a period cap applies.
        const problem =
          row.cumulative && period.frequency === 'annual' && row.unit !== 'yes_no'
            ? null
            : rangeProblem(row, v, `the target for ${period.label}`)
        if (problem) problems.push({ field: field(name), message: problem })
      }
      return [{ frequency: period.frequency, period_start: period.start, value, lower, upper }]
    })
    if (problems.length > 0) throw new Invalid(problems)
    const before = (await repo.listTargets(trx, principal.organisationId, [id])).map(presentTarget)
    await ledger.replaceTargets(trx, principal.organisationId, row, rows, clock())
    await audit(trx, principal, {
      action: 'targets_set',
      itemId: id,
      summary: `Targets of ${row.code} set: ${plural(rows.length, 'target', 'targets')}`,
      before,
      after: rows,
    })
  }

  return {
    requireMeasure,

    /**
     * For an API guard, before the request's body is read: refuses a measure the person may not
     * see, and hands what it read to the request's next `requireMeasure` (the service call).
     */
    async guardMeasure(principal: Principal, id: string): Promise<void> {
      const measure = await requireMeasure(principal, id)
      const mine = found.get(principal) ?? new Map<string, { row: MeasureRow; tree: UnitTree }>()
      mine.set(id, measure)
      found.set(principal, mine)
    },

    async list(principal: Principal, q: MeasureListQuery) {
      if (principal.roles.length === 0) throw new Forbidden()
      const org = principal.organisationId
      const filters: repo.MeasureFilters = {
        ...(q.nodeId && { measureIds: await repo.measuresBeneathNode(db, org, q.nodeId) }),
        ...(q.frequency && { frequency: q.frequency }),
        ...(q.ownerId && { ownerId: q.ownerId }),
        ...(q.kind && { kind: q.kind }),
        ...(q.measureStatus && { status: q.measureStatus }),
        ...(q.search && { search: q.search }),
        ...(q.variation && { variation: q.variation }),
      }
      const today_ = today()
      // Members of the council see every measure: unless the list is filtered by today's status
      // (worked out here, not stored), the database pages it, and each measure of the page is
      // presented from its row, its headline values and the statuses stored beside them.
      if (q.status === undefined && policy.seesEveryMeasure(principal)) {
        const { rows: page, total } = await repo.pageOfMeasures(
          db,
          org,
          { ...filters, ...(q.unitId && { unitBeneath: q.unitId }) },
          { offset: (q.page - 1) * q.pageSize, limit: q.pageSize },
        )
        const views = page.map(({ row, approved, pending }) =>
          storedLatestViews(
            row,
            approved,
            pending,
            row.headline_status as HeadlineStatus | null,
            policy.canSeeUnapprovedValues(principal, scopeOf(row)),
          ),
        )
        // Measures not settled since their statuses began to be stored are worked out here.
        const unsettled = page.flatMap((p, i) => (views[i] ? [] : [p.row]))
        const worked = new Map(
          (await latestOf(principal, unsettled)).map((v, i) => [unsettled[i]?.id, v]),
        )
        const items = page.map(({ row }, i) => {
          const current = currentStatus(statusMeasure(row), headlineFacts(row), today_)
          return presentMeasure(
            row,
            views[i] ?? worked.get(row.id) ?? { latest: null, approved: null },
            { ...current, period: presentPeriod(current.period) },
          )
        })
        return { items, page: q.page, pageSize: q.pageSize, total }
      }
      const tree = await unitTreeOf(db, org)
      const rows = await repo.listMeasures(db, org, {
        ...filters,
        ...(q.unitId && { unitIds: tree.has(q.unitId) ? tree.descendantsOf(q.unitId) : [] }),
      })
      const judged = rows
        .filter((r) => policy.canViewMeasure(principal, scopeOf(r), tree))
        .map((row) => ({
          row,
          current: currentStatus(statusMeasure(row), headlineFacts(row), today_),
        }))
        .filter((m) => q.status === undefined || m.current.rag === q.status)
      const pageRows = judged.slice((q.page - 1) * q.pageSize, q.page * q.pageSize)
      const full = new Map(
        (
          await repo.findMeasuresById(
            db,
            org,
            pageRows.map((m) => m.row.id),
          )
        ).map((r) => [r.id, r]),
      )
      const rowsOfPage = pageRows.flatMap((m) => {
        const row = full.get(m.row.id)
        return row ? [{ ...m, row }] : []
      })
      const latest = await latestOf(
        principal,
        rowsOfPage.map((m) => m.row),
      )
      const items = rowsOfPage.map((m, i) =>
        presentMeasure(m.row, latest[i] ?? { latest: null, approved: null }, {
          ...m.current,
          period: presentPeriod(m.current.period),
        }),
      )
      return { items, page: q.page, pageSize: q.pageSize, total: judged.length }
    },

    /** Themes (top-level nodes of active plans) to filter the list by. */
    async themes(principal: Principal) {
      if (principal.roles.length === 0) throw new Forbidden()
      return repo.themes(db, principal.organisationId)
    },

    async get(principal: Principal, id: string): Promise<MeasureView> {
      const { row } = await requireMeasure(principal, id)
      return view(principal, row)
    },

    /** Everything the measure's page shows. */
    async detail(principal: Principal, id: string) {
      const { row, tree } = await requireMeasure(principal, id)
      const org = principal.organisationId
      const targets = await repo.listTargets(db, org, [id])
      const values = policy.visibleValues(
        principal,
        scopeOf(row),
        await repo.listValues(db, org, [id]),
      )
      const views = presentValues(row, targets, values, today())
      const latest = latestViews(views)
      return {
        measure: presentMeasure(row, latest, currentOf(row, latest)),
        values: views,
        targets: targets.map(presentTarget),
        benchmarks: (await repo.listBenchmarks(db, org, id)).map(presentBenchmark),
        personNames: Object.fromEntries(
          await repo.peopleNames(
            db,
            org,
            [row.owner_id, row.data_entry_id, row.approver_id].filter((p) => p !== null),
          ),
        ),
        spcSettings: presentSpcSettings(row.frequency, await spcRepo.listSettings(db, org, [id])),
        canDefine: policy.canDefineMeasure(principal, row.unit_id, tree),
        canEnter:
          row.formula === null &&
          row.computation === null &&
          policy.canEnterValues(principal, scopeOf(row), tree),
        isApprover: policy.isApproverOf(principal, scopeOf(row), tree),
      }
    },

    async create(principal: Principal, input: MeasureInput): Promise<MeasureView> {
      const tree = await unitTreeOf(db, principal.organisationId)
      const row = await db.transaction().execute((trx) => createIn(trx, principal, tree, input))
      return view(principal, row)
    },

    createIn,

    async update(principal: Principal, id: string, changes: MeasureChanges): Promise<MeasureView> {
      const { row: before, tree } = await requireMeasure(principal, id)
      const after = await db
        .transaction()
        .execute((trx) => updateIn(trx, principal, tree, before, changes))
      return view(principal, after)
    },

    updateIn,
    definitionOf,

    async targets(principal: Principal, id: string) {
      await requireMeasure(principal, id)
      return (await repo.listTargets(db, principal.organisationId, [id])).map(presentTarget)
    },

    /** Replaces the measure's targets: annual ones, and per-period ones that override them. */
    async putTargets(principal: Principal, id: string, input: TargetsInput) {
      const { row, tree } = await requireMeasure(principal, id)
      await db.transaction().execute((trx) => putTargetsIn(trx, principal, tree, row, input))
      return (await repo.listTargets(db, principal.organisationId, [id])).map(presentTarget)
    },

    putTargetsIn,

    async benchmarks(principal: Principal, id: string) {
      await requireMeasure(principal, id)
      return (await repo.listBenchmarks(db, principal.organisationId, id)).map(presentBenchmark)
    },

    async saveBenchmark(
      principal: Principal,
      id: string,
      input: {
        period: PeriodInput
        familyAverage?: number | null | undefined
        nationalMedian?: number | null | undefined
        nationalLowerQuartile?: number | null | undefined
        nationalUpperQuartile?: number | null | undefined
        source: string
      },
    ) {
      const { row, tree } = await requireMeasure(principal, id)
      if (!policy.canDefineMeasure(principal, row.unit_id, tree)) throw new Forbidden()
      const period = readPeriod(input.period, 'period', [row.frequency, 'annual'], row.frequency)
      const figures = [
        input.familyAverage,
        input.nationalMedian,
        input.nationalLowerQuartile,
        input.nationalUpperQuartile,
      ]
      if (figures.every((f) => f === null || f === undefined)) {
        throw Invalid.field('familyAverage', 'Enter at least one comparator figure')
      }
      const lowerQ = input.nationalLowerQuartile ?? null
      const upperQ = input.nationalUpperQuartile ?? null
      if (lowerQ !== null && upperQ !== null && lowerQ > upperQ) {
        throw Invalid.field(
          'nationalLowerQuartile',
          'The lower quartile must not be above the upper quartile',
        )
      }
      return db.transaction().execute(async (trx) => {
        const saved = await repo.upsertBenchmark(
          trx,
          principal.organisationId,
          {
            measure_id: id,
            frequency: period.frequency,
            period_start: period.start,
            family_average: input.familyAverage ?? null,
            national_median: input.nationalMedian ?? null,
            national_lower_quartile: lowerQ,
            national_upper_quartile: upperQ,
            source: input.source,
          },
          clock(),
        )
        const view_ = presentBenchmark(saved)
        await audit(trx, principal, {
          action: 'benchmark_saved',
          itemId: id,
          summary: `Benchmark for ${row.code}, ${period.label}, from ${input.source}`,
          after: view_,
        })
        return view_
      })
    },

    /** Measures as the golden thread's link pickers and roll-ups see them. */
    async linkable(principal: Principal, ids?: readonly string[]) {
      if (principal.roles.length === 0) return []
      const tree = await unitTreeOf(db, principal.organisationId)
      const rows = await repo.listMeasures(
        db,
        principal.organisationId,
        ids ? { measureIds: ids } : {},
      )
      const today_ = today()
      return rows
        .filter((r) => policy.canViewMeasure(principal, scopeOf(r), tree))
        .map((r) => ({
          id: r.id,
          title: r.title,
          href: `/measures/${r.id}`,
          hint: r.code,
          status: currentStatus(statusMeasure(r), headlineFacts(r), today_).rag,
          active: r.status !== 'retired',
          variation: { pointType: r.spc_variation, polarity: r.polarity },
        }))
    },
  }
}

function mergeQuality(
  current: MeasureInput['quality'],
  changes: MeasureChanges['quality'],
): MeasureInput['quality'] {
  if (!changes) return current
  const merged = { ...current }
  for (const criterion of QUALITY_CRITERIA) {
    const change = changes[criterion]
    if (change) merged[criterion] = { ...current?.[criterion], ...stripUndefined(change) }
  }
  return merged
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
