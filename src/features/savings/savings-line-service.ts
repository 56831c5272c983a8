import { monthsElapsed } from '../../core/savings.ts'
import type { Principal } from '../../core/principal.ts'
import * as policy from './savings-policy.ts'
import { presentDelivery, presentMonth, type LineView } from './savings-presenter.ts'
import * as repo from './savings-repository.ts'
import { type LineChanges, type LineInput } from './savings-schemas.ts'
import type { SavingsCore, LineFilters } from './savings-core.ts'
import { yearRange } from './savings-core.ts'

/** The register of savings lines: reading, raising and editing them. */
export function savingsLineService(core: SavingsCore) {
  const {
    db,
    checkSignedIn,
    requireLine,
    assess,
    reload,
    registerRows,
    createLineIn,
    updateLineIn,
    today,
    load,
  } = core
  const service = {
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
  }
  return service
}

export type SavingsLineService = ReturnType<typeof savingsLineService>
