import type { Kysely } from 'kysely'
import { formatPounds, sumPence, type Pence } from '../../core/money.ts'
import { formatFinancialYear, periodAt, type Frequency } from '../../core/periods.ts'
import {
  assessDelivery,
  checkProfile,
  deliveryByPeriod,
  evenProfile,
  monthsElapsed,
  ProfileError,
} from '../../core/savings.ts'
import type { DB } from '../../db/schema.ts'
import { Forbidden, Invalid, NotFound } from '../../errors.ts'
import { auditor } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import type { LinkableItem } from '../links/index.ts'
import { organisationRepository as orgRepo } from '../organisation/index.ts'
import { UnitTree } from '../../core/unit-tree.ts'
import * as policy from './savings-policy.ts'
import {
  presentDelivery,
  presentLine,
  presentMoney,
  presentMonth,
  type LineView,
} from './savings-presenter.ts'
import * as repo from './savings-repository.ts'
import {
  DELIVERY_TOLERANCE_PERCENT,
  SAVING_TYPE_NAMES,
  type DeliveryInput,
  type Grouping,
  type LineChanges,
  type LineInput,
  type ProfileInput,
  type TargetInput,
} from './savings-schemas.ts'

export interface SavingsDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
}

export interface LineFilters {
  /** The unit or any beneath it. */
  readonly unitId?: string | undefined
  readonly programme?: string | undefined
  readonly priorityBoard?: string | undefined
  readonly savingType?: string | undefined
  readonly status?: string | undefined
  readonly rag?: string | undefined
  /** Lines with a saving in this financial year (2025 for 2025/26). */
  readonly financialYear?: number | undefined
}

const londonDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' })

/** First day of each month of a financial year, and the first day after it. */
function yearRange(financialYear: number) {
  return { from: `${financialYear}-04-01`, to: `${financialYear + 1}-04-01` }
}

/** 1 for April to 12 for March, from a month's first day. */
function monthOfYear(monthStart: string): number {
  return ((Number(monthStart.slice(5, 7)) + 8) % 12) + 1
}

function monthStarts(financialYear: number): string[] {
  return Array.from({ length: 12 }, (_, i) => periodAt('monthly', financialYear, i + 1).start)
}

export type SavingsService = ReturnType<typeof createSavingsService>

export function createSavingsService({ db, clock }: SavingsDeps) {
  const today = () => londonDate.format(clock())

  /** Every line the person may see; `q` is the transaction when called inside one. */
  async function loadIn(q: Kysely<DB>, principal: Principal) {
    const org = principal.organisationId
    // One after another: a transaction's queries cannot run side by side.
    const lineRows = await repo.listLines(q, org)
    const yearRows = await repo.listYearFigures(q, org)
    const unitRows = await orgRepo.listUnits(q, org)
    const tree = new UnitTree(unitRows.map((u) => ({ id: u.id, parentId: u.parent_id })))
    const unitNames = new Map(unitRows.map((u) => [u.id, u.name]))
    const yearsByLine = new Map<string, typeof yearRows>()
    for (const y of yearRows) {
      const list = yearsByLine.get(y.line_id) ?? []
      list.push(y)
      yearsByLine.set(y.line_id, list)
    }
    const lines = lineRows
      .map((row) =>
        presentLine(row, yearsByLine.get(row.id) ?? [], unitNames.get(row.unit_id) ?? null),
      )
      .filter((line) => policy.canViewLine(principal, line, tree))
    return { tree, units: unitRows, unitNames, lines }
  }
  const load = (principal: Principal) => loadIn(db, principal)
  type Loaded = Awaited<ReturnType<typeof load>>

  function checkSignedIn(principal: Principal): void {
    if (principal.roles.length === 0) throw new Forbidden()
  }

  function requireLine(loaded: Loaded, id: string): LineView {
    const line = loaded.lines.find((l) => l.id === id)
    if (!line) throw new NotFound('Savings line not found')
    return line
  }

  /** Months of lines in a year, keyed by line. */
  async function monthsOf(principal: Principal, financialYear: number, lineIds?: string[]) {
    return repo.listMonthsByLine(db, principal.organisationId, {
      ...yearRange(financialYear),
      ...(lineIds && { lineIds }),
    })
  }

  function assess(financialYear: number, rows: readonly repo.DeliveryRow[]) {
    return assessDelivery(
      financialYear,
      rows.map((r) => ({
        month: monthOfYear(r.month_start),
        planned: r.planned_pence,
        actual: r.actual_pence,
        forecast: r.forecast_pence,
      })),
      monthsElapsed(financialYear, today()),
      DELIVERY_TOLERANCE_PERCENT,
    )
  }

  const audit = auditor<'saving_line' | 'savings_target'>({ clock })

  async function checkReferences(
    q: Kysely<DB>,
    principal: Principal,
    loaded: Loaded,
    input: { unitId?: string | undefined; ownerId?: string | null; projectId?: string | null },
  ) {
    if (input.unitId !== undefined && !loaded.tree.has(input.unitId)) {
      throw Invalid.field('unitId', 'Select the unit from the list')
    }
    if (input.ownerId && !(await orgRepo.findPerson(q, principal.organisationId, input.ownerId))) {
      throw Invalid.field('ownerId', 'Select an owner from the list')
    }
    if (input.projectId) {
      const projects = await repo.listProjects(q, principal.organisationId)
      if (!projects.some((p) => p.id === input.projectId)) {
        throw Invalid.field('projectId', 'Select a project from the list')
      }
    }
  }

  function checkYears(years: LineInput['years']) {
    const seen = new Set<number>()
    years.forEach((y, i) => {
      if (seen.has(y.financialYear)) {
        throw Invalid.field(
          `years.${i}.financialYear`,
          `${formatFinancialYear(y.financialYear)} is entered twice`,
        )
      }
      seen.add(y.financialYear)
      if ((y.cost ?? 0) > y.amount * 100) {
        // Not a rule of the definition, a guard against pounds typed as pence.
        throw Invalid.field(`years.${i}.cost`, 'The cost is more than 100 times the saving')
      }
    })
  }

  /** Writes a line's years; months of an even (or reset) profile are spread again. */
  async function writeYears(
    trx: Kysely<DB>,
    principal: Principal,
    lineId: string,
    years: LineInput['years'],
    existing: LineView['years'],
  ): Promise<string[]> {
    const org = principal.organisationId
    const notes: string[] = []
    const wanted = new Set(years.map((y) => y.financialYear))
    for (const old of existing) {
      if (wanted.has(old.year)) continue
      const delivered = (
        await repo.listMonths(trx, org, { ...yearRange(old.year), lineIds: [lineId] })
      ).some((m) => m.actual_pence !== null)
      if (delivered) {
        throw Invalid.field(
          'years',
          `${old.financialYear} has actual savings recorded, so it cannot be removed: set its saving to zero instead`,
        )
      }
      await repo.deleteYear(trx, org, lineId, old.year, yearRange(old.year))
    }
    for (const y of years) {
      const before = existing.find((e) => e.year === y.financialYear)
      const keepCustom = before?.profile === 'custom' && before.amount.pence === y.amount
      if (before?.profile === 'custom' && !keepCustom) {
        notes.push(
          `${formatFinancialYear(y.financialYear)} profile reset to even as its amount changed`,
        )
      }
      await repo.upsertYear(trx, org, {
        line_id: lineId,
        financial_year: y.financialYear,
        amount_pence: y.amount,
        cost_pence: y.cost ?? 0,
        profile: keepCustom ? 'custom' : 'even',
      })
      if (!keepCustom) {
        const starts = monthStarts(y.financialYear)
        await repo.setPlanned(
          trx,
          org,
          lineId,
          evenProfile(y.amount).map((p, i) => ({ month_start: starts[i] ?? '', planned_pence: p })),
          clock(),
        )
      }
    }
    return notes
  }

  async function reload(principal: Principal, id: string): Promise<LineView> {
    return requireLine(await load(principal), id)
  }

  function filterLines(loaded: Loaded, filters: LineFilters): LineView[] {
    return loaded.lines.filter(
      (l) =>
        (filters.unitId === undefined ||
          (loaded.tree.has(filters.unitId) && loaded.tree.isWithin(l.unitId, filters.unitId))) &&
        (filters.programme === undefined || l.programme === filters.programme) &&
        (filters.priorityBoard === undefined || l.priorityBoard === filters.priorityBoard) &&
        (filters.savingType === undefined || l.savingType === filters.savingType) &&
        (filters.status === undefined || l.status === filters.status) &&
        (filters.financialYear === undefined ||
          l.years.some((y) => y.year === filters.financialYear && y.amount.pence > 0)),
    )
  }

  /**
   * The register's lines for a year, each with its delivery against profile, and how many
   * match; with a window, only those in it.
   */
  async function registerRows(
    principal: Principal,
    financialYear: number,
    filters: LineFilters,
    window?: { readonly offset: number; readonly limit: number },
  ) {
    checkSignedIn(principal)
    const loaded = await load(principal)
    let lines = filterLines(loaded, { ...filters, financialYear })
    const total = lines.length
    // Without a delivery filter only the lines in the window need their months assessed.
    const windowed = window !== undefined && filters.rag === undefined
    if (windowed) lines = lines.slice(window.offset, window.offset + window.limit)
    const months = await monthsOf(
      principal,
      financialYear,
      windowed ? lines.map((l) => l.id) : undefined,
    )
    const rows = lines.map((line) => {
      const delivery = presentDelivery(
        financialYear,
        assess(financialYear, months.get(line.id) ?? []),
      )
      return { ...line, delivery }
    })
    if (windowed) return { rows, total }
    const matching =
      filters.rag === undefined ? rows : rows.filter((r) => r.delivery.rag === filters.rag)
    return window === undefined
      ? { rows: matching, total: matching.length }
      : {
          rows: matching.slice(window.offset, window.offset + window.limit),
          total: matching.length,
        }
  }

  /** Adds a line inside the caller's transaction (the import's too), audited; its id. */
  async function createLineIn(
    trx: Kysely<DB>,
    principal: Principal,
    input: LineInput,
  ): Promise<string> {
    checkSignedIn(principal)
    const loaded = await loadIn(trx, principal)
    await checkReferences(trx, principal, loaded, input)
    if (!policy.canManageLine(principal, input.unitId, loaded.tree)) throw new Forbidden()
    checkYears(input.years)
    if (await repo.referenceTaken(trx, principal.organisationId, input.reference)) {
      throw Invalid.field(
        'reference',
        `${input.reference} is already the reference of another line`,
      )
    }
    const row = await repo.insertLine(trx, principal.organisationId, {
      reference: input.reference,
      title: input.title,
      description: input.description ?? null,
      unit_id: input.unitId,
      programme: input.programme ?? null,
      priority_board: input.priorityBoard ?? null,
      project_id: input.projectId ?? null,
      saving_type: input.savingType,
      durability: input.durability,
      owner_id: input.ownerId ?? null,
      status: input.status ?? 'planned',
    })
    await writeYears(trx, principal, row.id, input.years, [])
    const years = await repo.listYears(trx, principal.organisationId, [row.id])
    const after = presentLine(row, years, loaded.unitNames.get(row.unit_id) ?? null)
    await audit(trx, principal, {
      action: 'saving_line_created',
      itemType: 'saving_line',
      itemId: row.id,
      summary: `Savings line ${after.reference} "${after.title}" added: ${after.years
        .map((y) => `${formatPounds(y.amount.pence)} in ${y.financialYear}`)
        .join(', ')}`,
      after,
    })
    return row.id
  }

  /** Changes a line inside the caller's transaction (the import's too), audited. */
  async function updateLineIn(
    trx: Kysely<DB>,
    principal: Principal,
    id: string,
    changes: LineChanges,
  ): Promise<void> {
    checkSignedIn(principal)
    const loaded = await loadIn(trx, principal)
    const before = requireLine(loaded, id)
    if (!policy.canManageLine(principal, before.unitId, loaded.tree)) throw new Forbidden()
    await checkReferences(trx, principal, loaded, changes)
    if (changes.unitId && !policy.canManageLine(principal, changes.unitId, loaded.tree)) {
      throw Invalid.field('unitId', 'Select a unit you manage')
    }
    if (changes.years) checkYears(changes.years)
    if (
      changes.reference &&
      (await repo.referenceTaken(trx, principal.organisationId, changes.reference, id))
    ) {
      throw Invalid.field(
        'reference',
        `${changes.reference} is already the reference of another line`,
      )
    }
    const row = await repo.updateLine(
      trx,
      principal.organisationId,
      id,
      {
        ...(changes.reference !== undefined && { reference: changes.reference }),
        ...(changes.title !== undefined && { title: changes.title }),
        ...(changes.description !== undefined && { description: changes.description ?? null }),
        ...(changes.unitId !== undefined && { unit_id: changes.unitId }),
        ...(changes.programme !== undefined && { programme: changes.programme ?? null }),
        ...(changes.priorityBoard !== undefined && {
          priority_board: changes.priorityBoard ?? null,
        }),
        ...(changes.projectId !== undefined && { project_id: changes.projectId ?? null }),
        ...(changes.savingType !== undefined && { saving_type: changes.savingType }),
        ...(changes.durability !== undefined && { durability: changes.durability }),
        ...(changes.ownerId !== undefined && { owner_id: changes.ownerId ?? null }),
        ...(changes.status !== undefined && { status: changes.status }),
      },
      clock(),
    )
    const notes = changes.years
      ? await writeYears(trx, principal, id, changes.years, before.years)
      : []
    const years = await repo.listYears(trx, principal.organisationId, [id])
    const after = presentLine(row, years, loaded.unitNames.get(row.unit_id) ?? null)
    await audit(trx, principal, {
      action: 'saving_line_updated',
      itemType: 'saving_line',
      itemId: id,
      summary: [`Savings line ${after.reference} updated`, ...notes].join('; '),
      before,
      after,
    })
  }

  const service = {
    today,

    /** The financial year today falls in (2025 for 2025/26). */
    currentYear(): number {
      const date = today()
      const year = Number(date.slice(0, 4))
      return Number(date.slice(5, 7)) >= 4 ? year : year - 1
    },

    /** Every line the person may see, with all its years (the export reads them). */
    async allLines(principal: Principal): Promise<LineView[]> {
      checkSignedIn(principal)
      return (await load(principal)).lines
    },

    async getLine(principal: Principal, id: string): Promise<LineView> {
      checkSignedIn(principal)
      return reload(principal, id)
    },

    /**
     * The register for a financial year: each line with its delivery against profile in that
     * year (RAG, reasons it is slipping or at risk, year-end forecast).
     */
    async register(principal: Principal, financialYear: number, filters: LineFilters = {}) {
      return (await registerRows(principal, financialYear, filters)).rows
    },

    /** One page of the register, as the API answers it. */
    async registerPage(
      principal: Principal,
      financialYear: number,
      filters: LineFilters,
      page: number,
      pageSize: number,
    ) {
      const window = { offset: (page - 1) * pageSize, limit: pageSize }
      const { rows, total } = await registerRows(principal, financialYear, filters, window)
      return { items: rows, page, pageSize, total }
    },

    /** Values the register can be filtered by. */
    async filterOptions(principal: Principal) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const distinct = (values: (string | null)[]) =>
        [...new Set(values.filter((v): v is string => v !== null))].sort((a, b) =>
          a.localeCompare(b),
        )
      const years = [...new Set(loaded.lines.flatMap((l) => l.years.map((y) => y.year)))].sort()
      return {
        programmes: distinct(loaded.lines.map((l) => l.programme)),
        priorityBoards: distinct(loaded.lines.map((l) => l.priorityBoard)),
        years,
        units: loaded.units,
        canCreate: loaded.units.some((u) => policy.canManageLine(principal, u.id, loaded.tree)),
        canSetTarget: policy.canSetSavingsTarget(principal),
      }
    },

    /** A line with every year's monthly profile, actuals, forecasts and assessment. */
    async lineDetail(principal: Principal, id: string) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const line = requireLine(loaded, id)
      const rows = await repo.listMonths(db, principal.organisationId, { lineIds: [id] })
      const years = line.years.map((y) => {
        const own = rows.filter(
          (r) => r.month_start >= yearRange(y.year).from && r.month_start < yearRange(y.year).to,
        )
        return {
          ...y,
          months: own.map(presentMonth),
          delivery: presentDelivery(y.year, assess(y.year, own)),
          monthsElapsed: monthsElapsed(y.year, today()),
        }
      })
      const projects = await repo.listProjects(db, principal.organisationId)
      return {
        line,
        years,
        project: projects.find((p) => p.id === line.projectId) ?? null,
        canManage: policy.canManageLine(principal, line.unitId, loaded.tree),
        canRecord: policy.canRecordDelivery(principal, line, loaded.tree),
      }
    },

    /** Units where the person may add lines, and the projects a line can belong to. */
    async formOptions(principal: Principal) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      return {
        units: loaded.units.filter((u) => policy.canManageLine(principal, u.id, loaded.tree)),
        projects: await repo.listProjects(db, principal.organisationId),
      }
    },

    async createLine(principal: Principal, input: LineInput): Promise<LineView> {
      checkSignedIn(principal)
      const id = await db.transaction().execute((trx) => createLineIn(trx, principal, input))
      return reload(principal, id)
    },

    async updateLine(principal: Principal, id: string, changes: LineChanges): Promise<LineView> {
      checkSignedIn(principal)
      await db.transaction().execute((trx) => updateLineIn(trx, principal, id, changes))
      return reload(principal, id)
    },

    createLineIn,
    updateLineIn,

    /** Profiles a year evenly, or by a custom profile that must add up to the year's amount. */
    async setProfile(principal: Principal, id: string, input: ProfileInput) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const line = requireLine(loaded, id)
      if (!policy.canManageLine(principal, line.unitId, loaded.tree)) throw new Forbidden()
      const year = line.years.find((y) => y.year === input.financialYear)
      if (!year) {
        throw Invalid.field(
          'financialYear',
          `${line.reference} has no saving in ${formatFinancialYear(input.financialYear)}: add the year to the line first`,
        )
      }
      let months: Pence[]
      if (input.profile === 'even' || !input.months) {
        months = evenProfile(year.amount.pence)
      } else {
        months = input.months
        try {
          checkProfile(year.amount.pence, months, year.year)
        } catch (error) {
          if (!(error instanceof ProfileError)) throw error
          throw Invalid.field(error.month ? `months.${error.month - 1}` : 'months', error.message)
        }
      }
      const starts = monthStarts(year.year)
      const before = await repo.listMonths(db, principal.organisationId, {
        ...yearRange(year.year),
        lineIds: [id],
      })
      await db.transaction().execute(async (trx) => {
        await repo.upsertYear(trx, principal.organisationId, {
          line_id: id,
          financial_year: year.year,
          amount_pence: year.amount.pence,
          cost_pence: year.cost.pence,
          profile: input.profile,
        })
        await repo.setPlanned(
          trx,
          principal.organisationId,
          id,
          months.map((p, i) => ({ month_start: starts[i] ?? '', planned_pence: p })),
          clock(),
        )
        await audit(trx, principal, {
          action: 'saving_profile_set',
          itemType: 'saving_line',
          itemId: id,
          summary: `${line.reference} ${year.financialYear} profiled ${input.profile === 'even' ? 'evenly' : 'by month'}`,
          before: before.map((m) => ({ month: m.month_start, planned: m.planned_pence })),
          after: months.map((p, i) => ({ month: starts[i], planned: p })),
        })
      })
      return service.lineDetail(principal, id)
    },

    /** Actual and forecast savings per month; actuals only for months that have ended. */
    async recordDelivery(principal: Principal, id: string, input: DeliveryInput) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const line = requireLine(loaded, id)
      if (!policy.canRecordDelivery(principal, line, loaded.tree)) throw new Forbidden()
      const fy = formatFinancialYear(input.financialYear)
      if (!line.years.some((y) => y.year === input.financialYear)) {
        throw Invalid.field('financialYear', `${line.reference} has no saving in ${fy}`)
      }
      const elapsed = monthsElapsed(input.financialYear, today())
      const seen = new Set<string>()
      input.months.forEach((m, i) => {
        if (m.month.financialYear !== input.financialYear) {
          throw Invalid.field(`months.${i}.month`, `${m.month.label} is not in ${fy}`)
        }
        if (seen.has(m.month.start)) {
          throw Invalid.field(`months.${i}.month`, `${m.month.label} is entered twice`)
        }
        seen.add(m.month.start)
        if (m.actual != null && m.month.index > elapsed) {
          throw Invalid.field(
            `months.${i}.actual`,
            `${m.month.label} has not ended yet: enter a forecast for it, not an actual`,
          )
        }
      })
      const before = await repo.listMonths(db, principal.organisationId, {
        ...yearRange(input.financialYear),
        lineIds: [id],
      })
      await db.transaction().execute(async (trx) => {
        for (const m of input.months) {
          await repo.setDelivery(
            trx,
            principal.organisationId,
            id,
            {
              month_start: m.month.start,
              actual_pence: m.actual ?? null,
              forecast_pence: m.forecast ?? null,
              note: m.note ?? null,
            },
            clock(),
          )
        }
        await audit(trx, principal, {
          action: 'saving_delivery_recorded',
          itemType: 'saving_line',
          itemId: id,
          summary: `${line.reference} actuals and forecasts recorded for ${input.months.map((m) => m.month.label).join(', ')}`,
          before: before
            .filter((b) => seen.has(b.month_start))
            .map((b) => ({
              month: b.month_start,
              actual: b.actual_pence,
              forecast: b.forecast_pence,
              note: b.note,
            })),
          after: input.months.map((m) => ({
            month: m.month.start,
            actual: m.actual ?? null,
            forecast: m.forecast ?? null,
            note: m.note ?? null,
          })),
        })
      })
      return service.lineDetail(principal, id)
    },

    async targets(principal: Principal) {
      checkSignedIn(principal)
      return (await repo.listTargets(db, principal.organisationId)).map((t) => ({
        financialYear: formatFinancialYear(t.financial_year),
        year: t.financial_year,
        amount: presentMoney(t.amount_pence),
      }))
    },

    async setTarget(principal: Principal, input: TargetInput) {
      checkSignedIn(principal)
      if (!policy.canSetSavingsTarget(principal)) throw new Forbidden()
      const before = (await service.targets(principal)).find((t) => t.year === input.financialYear)
      await db.transaction().execute(async (trx) => {
        await repo.upsertTarget(
          trx,
          principal.organisationId,
          input.financialYear,
          input.amount,
          clock(),
        )
        await audit(trx, principal, {
          action: 'savings_target_set',
          itemType: 'savings_target',
          itemId: principal.organisationId,
          summary: `Savings target for ${formatFinancialYear(input.financialYear)} set to ${formatPounds(input.amount)}`,
          before: before ?? null,
          after: {
            financialYear: formatFinancialYear(input.financialYear),
            amountPence: input.amount,
          },
        })
      })
      return service.targets(principal)
    },

    /**
     * Totals by year in the layout of seed 001's tables: groups (directorate, programme,
     * priority board or type) with their lines, subtotals, the total, what does not meet the
     * efficiency definition, costs to achieve, the net efficiency total and the target.
     * Withdrawn lines are left out.
     */
    async totals(principal: Principal, groupBy: Grouping, filters: LineFilters = {}) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const lines = filterLines(loaded, filters).filter((l) => l.status !== 'withdrawn')
      const targets = await repo.listTargets(db, principal.organisationId)
      const years = [...new Set(lines.flatMap((l) => l.years.map((y) => y.year)))].sort()
      const amounts = (line: LineView, pick: (y: LineView['years'][number]) => Pence) =>
        years.map((fy) => {
          const y = line.years.find((x) => x.year === fy)
          return y ? pick(y) : 0
        })
      const column = (rows: Pence[][]) => years.map((_, i) => sumPence(rows.map((r) => r[i] ?? 0)))
      const topOf = (unitId: string) => loaded.tree.ancestorsOf(unitId).at(-1) ?? unitId
      const keyOf = (l: LineView): string => {
        switch (groupBy) {
          case 'unit':
            return topOf(l.unitId)
          case 'programme':
            return l.programme ?? ''
          case 'priority_board':
            return l.priorityBoard ?? ''
          case 'type':
            return l.savingType
        }
      }
      const nameOf = (key: string): string => {
        if (groupBy === 'unit') return loaded.unitNames.get(key) ?? 'Unknown unit'
        if (groupBy === 'type') return SAVING_TYPE_NAMES[key as keyof typeof SAVING_TYPE_NAMES]
        return key === '' ? `No ${groupBy === 'programme' ? 'programme' : 'priority board'}` : key
      }
      const position = new Map(loaded.units.map((u, i) => [u.id, i]))
      const keys = [...new Set(lines.map(keyOf))].sort((a, b) =>
        groupBy === 'unit'
          ? (position.get(a) ?? 0) - (position.get(b) ?? 0)
          : a === ''
            ? 1
            : b === ''
              ? -1
              : a.localeCompare(b),
      )
      const groups = keys.map((key) => {
        const own = lines.filter((l) => keyOf(l) === key)
        const rows = own.map((l) => ({
          id: l.id,
          reference: l.reference,
          title: l.title,
          unitName: l.unitName,
          counts: l.efficiency.counts,
          amounts: amounts(l, (y) => y.amount.pence),
        }))
        return { key, name: nameOf(key), lines: rows, subtotal: column(rows.map((r) => r.amounts)) }
      })
      const total = column(groups.map((g) => g.subtotal))
      const failing = column(
        lines.filter((l) => !l.efficiency.counts).map((l) => amounts(l, (y) => y.amount.pence)),
      )
      const costs = column(
        lines.filter((l) => l.efficiency.counts).map((l) => amounts(l, (y) => y.cost.pence)),
      )
      const efficiency = years.map((_, i) => (total[i] ?? 0) - (failing[i] ?? 0) - (costs[i] ?? 0))
      const target = years.map(
        (fy) => targets.find((t) => t.financial_year === fy)?.amount_pence ?? null,
      )
      return {
        groupBy,
        years: years.map((y) => ({ year: y, label: formatFinancialYear(y) })),
        groups,
        total,
        notMeetingDefinition: failing,
        costs,
        efficiency,
        target,
        gap: years.map((_, i) => {
          const t = target[i]
          return t === null || t === undefined ? null : (efficiency[i] ?? 0) - t
        }),
      }
    },

    /**
     * Planned and delivered savings per period of a financial year, for the organisation or
     * one unit and those beneath it: the data of the computed measures "% of planned savings
     * delivered" and "£ savings delivered". Withdrawn lines are left out.
     */
    async deliveryByPeriod(
      principal: Principal,
      options: { frequency: Frequency; financialYear: number; unitId?: string | undefined },
    ) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const lines = filterLines(loaded, { unitId: options.unitId }).filter(
        (l) => l.status !== 'withdrawn',
      )
      const months = await monthsOf(principal, options.financialYear)
      const rows = lines.flatMap((l) => months.get(l.id) ?? [])
      return deliveryByPeriod(
        rows.map((r) => ({
          monthStart: r.month_start,
          planned: r.planned_pence,
          actual: r.actual_pence,
        })),
        options.frequency,
        options.financialYear,
        today(),
      ).map((p) => ({
        period: { frequency: p.period.frequency, start: p.period.start, label: p.period.label },
        planned: presentMoney(p.plannedPence),
        plannedToDate: presentMoney(p.plannedToDatePence),
        delivered: presentMoney(p.deliveredPence),
        percentDelivered: p.percentDelivered,
      }))
    },

    /**
     * Each unit's savings in a year as at the end of `elapsed` months (the financial summary
     * rolls these up to directorates): planned for the year and to date, delivered, forecast.
     */
    async deliveryByUnit(principal: Principal, financialYear: number, elapsed: number) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const lines = filterLines(loaded, { financialYear }).filter((l) => l.status !== 'withdrawn')
      const months = await monthsOf(principal, financialYear)
      const byUnit = new Map<
        string,
        {
          annual: Pence
          plannedToDate: Pence
          delivered: Pence
          forecast: Pence
          atRisk: number
          slipping: number
        }
      >()
      for (const line of lines) {
        const rows = months.get(line.id) ?? []
        const a = assessDelivery(
          financialYear,
          rows.map((r) => ({
            month: monthOfYear(r.month_start),
            planned: r.planned_pence,
            actual: r.actual_pence,
            forecast: r.forecast_pence,
          })),
          elapsed,
          DELIVERY_TOLERANCE_PERCENT,
        )
        const sum = byUnit.get(line.unitId) ?? {
          annual: 0,
          plannedToDate: 0,
          delivered: 0,
          forecast: 0,
          atRisk: 0,
          slipping: 0,
        }
        sum.annual += a.annualPence
        sum.plannedToDate += a.plannedToDatePence
        sum.delivered += a.deliveredToDatePence
        sum.forecast += a.forecastPence
        if (a.rag === 'red') sum.atRisk++
        if (a.rag === 'amber') sum.slipping++
        byUnit.set(line.unitId, sum)
      }
      return [...byUnit.entries()].map(([unitId, s]) => ({ unitId, ...s }))
    },

    /** Every line the principal can see, by reference, for a select or to name a link. */
    async choices(principal: Principal) {
      checkSignedIn(principal)
      return (await load(principal)).lines
        .map((l) => ({ id: l.id, reference: l.reference, title: l.title }))
        .sort((a, b) => a.reference.localeCompare(b.reference, 'en', { numeric: true }))
    },

    /** Lines of a project, for its page, each with this year's amount and delivery if it has one. */
    async linesOfProject(principal: Principal, projectId: string) {
      checkSignedIn(principal)
      const year = service.currentYear()
      const lines = (await load(principal)).lines.filter((l) => l.projectId === projectId)
      const months = await monthsOf(
        principal,
        year,
        lines.map((l) => l.id),
      )
      return lines.map((line) => {
        const own = line.years.find((y) => y.year === year)
        return {
          ...line,
          thisYear: own
            ? {
                amount: own.amount,
                delivery: presentDelivery(year, assess(year, months.get(line.id) ?? [])),
              }
            : null,
        }
      })
    },

    async linkableLines(principal: Principal, ids?: readonly string[]): Promise<LinkableItem[]> {
      if (principal.roles.length === 0) return []
      const wanted = ids ? new Set(ids) : null
      const loaded = await load(principal)
      const year = service.currentYear()
      const lines = loaded.lines.filter((l) => wanted === null || wanted.has(l.id))
      const months = await monthsOf(
        principal,
        year,
        lines.map((l) => l.id),
      )
      return lines.map((l) => {
        const hasYear = l.years.some((y) => y.year === year)
        return {
          id: l.id,
          title: l.title,
          href: `/savings/${l.id}`,
          hint: `${l.reference}, ${l.unitName ?? ''}`,
          status: hasYear ? assess(year, months.get(l.id) ?? []).rag : null,
          active: l.status !== 'withdrawn',
        }
      })
    },
  }
  return service
}
