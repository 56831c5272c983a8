import type { Kysely } from 'kysely'
import { formatPounds } from '../../core/money.ts'
import { formatFinancialYear, periodAt } from '../../core/periods.ts'
import { assessDelivery, evenProfile, monthsElapsed } from '../../core/savings.ts'
import type { DB } from '../../db/schema.ts'
import { Forbidden, Invalid, NotFound } from '../../errors.ts'
import { auditor } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import { organisationRepository as orgRepo } from '../organisation/index.ts'
import { UnitTree } from '../../core/unit-tree.ts'
import * as policy from './savings-policy.ts'
import { presentDelivery, presentLine, type LineView } from './savings-presenter.ts'
import * as repo from './savings-repository.ts'
import { DELIVERY_TOLERANCE_PERCENT, type LineChanges, type LineInput } from './savings-schemas.ts'

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
export function yearRange(financialYear: number) {
  return { from: `${financialYear}-04-01`, to: `${financialYear + 1}-04-01` }
}

/** 1 for April to 12 for March, from a month's first day. */
export function monthOfYear(monthStart: string): number {
  return ((Number(monthStart.slice(5, 7)) + 8) % 12) + 1
}

export function monthStarts(financialYear: number): string[] {
  return Array.from({ length: 12 }, (_, i) => periodAt('monthly', financialYear, i + 1).start)
}

/**
 * What every part of the savings service shares: the lines the person may see, read once per
 * call, the checks before a write and the writes of a line and its years.
 */
export function savingsCore({ db, clock }: SavingsDeps) {
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

  /** The financial year today falls in (2025 for 2025/26). */
  function currentYear(): number {
    const date = today()
    const year = Number(date.slice(0, 4))
    return Number(date.slice(5, 7)) >= 4 ? year : year - 1
  }

  return {
    db,
    clock,
    loadIn,
    checkSignedIn,
    requireLine,
    monthsOf,
    assess,
    checkReferences,
    checkYears,
    writeYears,
    reload,
    filterLines,
    registerRows,
    createLineIn,
    updateLineIn,
    today,
    load,
    audit,
    currentYear,
  }
}

export type SavingsCore = ReturnType<typeof savingsCore>
