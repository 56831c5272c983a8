import type { Kysely } from 'kysely'
import { formatPounds, percentOf, sumPence, type Pence } from '../../core/money.ts'
import {
  formatFinancialYear,
  periodContaining,
  periodsInFinancialYear,
  type Period,
} from '../../core/periods.ts'
import { BUDGET_RAG_NAMES, budgetRag, monthsElapsed } from '../../core/savings.ts'
import type { DB } from '../../db/schema.ts'
import { Forbidden, Invalid, NotFound } from '../../errors.ts'
import { recordAudit, actorOf } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import { organisationRepository as orgRepo } from '../organisation/index.ts'
import { UnitTree } from '../../core/unit-tree.ts'
import { presentMoney, createSavingsService, type SavingsService } from '../savings/index.ts'
import * as policy from './budget-policy.ts'
import * as repo from './budget-repository.ts'
import { BUDGET_TOLERANCE_PERCENT, type BudgetEntryInput } from './budget-schemas.ts'

export interface BudgetDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly savings: SavingsService
}

const londonDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' })

function yearRange(financialYear: number) {
  return { from: `${financialYear}-04-01`, to: `${financialYear + 1}-04-01` }
}

/** A budget position: budget, forecast outturn, variance (positive is an overspend) and RAG. */
export function presentPosition(budget: Pence, forecastOutturn: Pence) {
  const r = budgetRag(budget, forecastOutturn, BUDGET_TOLERANCE_PERCENT)
  return {
    budget: presentMoney(budget),
    forecastOutturn: presentMoney(forecastOutturn),
    variance: presentMoney(r.variance),
    variancePercent: r.percent,
    rag: r.rag,
    ragName: BUDGET_RAG_NAMES[r.rag],
  }
}
export type PositionView = ReturnType<typeof presentPosition>

export function presentEntry(row: repo.EntryRow) {
  const month = periodContaining(row.month_start, 'monthly')
  return {
    id: row.id,
    unitId: row.unit_id,
    month: { frequency: month.frequency, start: month.start, label: month.label },
    ...presentPosition(row.budget_pence, row.forecast_outturn_pence),
    commentary: row.commentary,
    updatedAt: row.updated_at,
  }
}
export type EntryView = ReturnType<typeof presentEntry>

export type BudgetService = ReturnType<typeof createBudgetService>

export function createBudgetService({ db, clock, savings }: BudgetDeps) {
  const today = () => londonDate.format(clock())

  async function load(principal: Principal) {
    if (principal.roles.length === 0) throw new Forbidden()
    const units = await orgRepo.listUnits(db, principal.organisationId)
    const tree = new UnitTree(units.map((u) => ({ id: u.id, parentId: u.parent_id })))
    const visible = units.filter((u) => policy.canViewBudget(principal, u.id, tree))
    return { units, visible, tree, names: new Map(units.map((u) => [u.id, u.name])) }
  }

  /** A unit's own entry and those of every unit beneath it, added up, for one month. */
  function rollUp(
    names: ReadonlyMap<string, string>,
    tree: UnitTree,
    rows: readonly repo.EntryRow[],
    unitId: string,
    monthStart: string,
  ) {
    const within = rows.filter(
      (r) =>
        r.month_start === monthStart && (r.unit_id === unitId || tree.isWithin(r.unit_id, unitId)),
    )
    if (within.length === 0) return null
    return {
      position: presentPosition(
        sumPence(within.map((r) => r.budget_pence)),
        sumPence(within.map((r) => r.forecast_outturn_pence)),
      ),
      unitsReporting: within.length,
      // The unit's own commentary, or else those of the units beneath that gave one.
      commentary:
        within.find((r) => r.unit_id === unitId)?.commentary ??
        (within
          .filter((r) => r.commentary)
          .map((r) => `${names.get(r.unit_id) ?? 'Unit'}: ${r.commentary ?? ''}`)
          .join('\n') ||
          null),
    }
  }

  const service = {
    async record(principal: Principal, input: BudgetEntryInput): Promise<EntryView> {
      const loaded = await load(principal)
      if (!loaded.tree.has(input.unitId))
        throw Invalid.field('unitId', 'Select the unit from the list')
      if (!policy.canRecordBudget(principal, input.unitId, loaded.tree)) throw new Forbidden()
      const before = await repo.findEntry(
        db,
        principal.organisationId,
        input.unitId,
        input.month.start,
      )
      return db.transaction().execute(async (trx) => {
        const row = await repo.upsertEntry(
          trx,
          principal.organisationId,
          {
            unit_id: input.unitId,
            month_start: input.month.start,
            budget_pence: input.budget,
            forecast_outturn_pence: input.forecastOutturn,
            commentary: input.commentary ?? null,
          },
          clock(),
        )
        const after = presentEntry(row)
        await recordAudit(
          trx,
          {
            organisationId: principal.organisationId,
            actor: actorOf(principal),
            action: 'budget_month_recorded',
            itemType: 'unit',
            itemId: input.unitId,
            summary: `Budget monitoring for ${loaded.names.get(input.unitId) ?? 'a unit'}, ${after.month.label}: budget ${formatPounds(input.budget)}, forecast outturn ${formatPounds(input.forecastOutturn)}`,
            before: before ? presentEntry(before) : null,
            after,
          },
          clock,
        )
        return after
      })
    },

    /** Entries of a financial year, optionally of one unit and those beneath it. */
    async entries(principal: Principal, financialYear: number, unitId?: string) {
      const loaded = await load(principal)
      if (unitId !== undefined && !loaded.visible.some((u) => u.id === unitId)) {
        throw new NotFound('Unit not found')
      }
      const visible = new Set(loaded.visible.map((u) => u.id))
      return (await repo.listEntries(db, principal.organisationId, yearRange(financialYear)))
        .filter(
          (r) =>
            visible.has(r.unit_id) &&
            (unitId === undefined ||
              r.unit_id === unitId ||
              loaded.tree.isWithin(r.unit_id, unitId)),
        )
        .map(presentEntry)
    },

    /** One unit's year, month by month, rolled up with the units beneath it, and each of those. */
    async unitYear(principal: Principal, unitId: string, financialYear: number) {
      const loaded = await load(principal)
      const unit = loaded.visible.find((u) => u.id === unitId)
      if (!unit) throw new NotFound('Unit not found')
      const rows = await repo.listEntries(db, principal.organisationId, yearRange(financialYear))
      const months = periodsInFinancialYear('monthly', financialYear)
      const children = loaded.visible.filter((u) => u.parent_id === unitId)
      return {
        unit: { id: unit.id, name: unit.name, parentId: unit.parent_id },
        financialYear: formatFinancialYear(financialYear),
        months: months.map((m) => ({
          month: { frequency: m.frequency, start: m.start, label: m.label },
          own: rows.find((r) => r.unit_id === unitId && r.month_start === m.start) ?? null,
          total: rollUp(loaded.names, loaded.tree, rows, unitId, m.start),
        })),
        children: children.map((c) => {
          const latest = [...months]
            .reverse()
            .find((m) => rollUp(loaded.names, loaded.tree, rows, c.id, m.start))
          return {
            id: c.id,
            name: c.name,
            latest: latest
              ? {
                  month: latest.label,
                  ...rollUp(loaded.names, loaded.tree, rows, c.id, latest.start),
                }
              : null,
          }
        }),
        canRecord: policy.canRecordBudget(principal, unitId, loaded.tree),
      }
    },

    /** Units where the person may record budget monitoring. */
    async recordableUnits(principal: Principal) {
      const loaded = await load(principal)
      return loaded.units.filter((u) => policy.canRecordBudget(principal, u.id, loaded.tree))
    },

    /**
     * The directorate financial summary for a period (a month, quarter, half-year or year):
     * each directorate's budget position as at the latest month of the period with monitoring,
     * rolled up from the units beneath it, and its savings for the year planned, planned and
     * delivered to the end of the period (or to date), and forecast. Money is whole pence and
     * exact decimal text.
     */
    async financialSummary(principal: Principal, period: Period) {
      const loaded = await load(principal)
      const fy = period.financialYear
      const rows = (await repo.listEntries(db, principal.organisationId, yearRange(fy))).filter(
        (r) => r.month_start <= period.end,
      )
      const asAt = rows.at(-1)?.month_start ?? null
      const directorates = loaded.visible.filter(
        (u) => u.parent_id === null && u.kind === 'directorate',
      )
      const endMonth = periodContaining(period.end, 'monthly').index
      const elapsed = Math.min(endMonth, monthsElapsed(fy, today()))
      const units = await savings.deliveryByUnit(principal, fy, elapsed)
      const savingsOf = (unitIds: readonly string[]) => {
        const own = units.filter((u) =>
          unitIds.some((id) => u.unitId === id || loaded.tree.isWithin(u.unitId, id)),
        )
        const planned = sumPence(own.map((u) => u.annual))
        const plannedToDate = sumPence(own.map((u) => u.plannedToDate))
        const delivered = sumPence(own.map((u) => u.delivered))
        const forecast = sumPence(own.map((u) => u.forecast))
        return {
          planned: presentMoney(planned),
          plannedToDate: presentMoney(plannedToDate),
          deliveredToDate: presentMoney(delivered),
          forecast: presentMoney(forecast),
          forecastShortfall: presentMoney(Math.max(planned - forecast, 0)),
          percentDelivered: percentOf(delivered, plannedToDate),
          linesAtRisk: own.reduce((n, u) => n + u.atRisk, 0),
          linesSlipping: own.reduce((n, u) => n + u.slipping, 0),
        }
      }
      const items = directorates.map((d) => {
        const budget = asAt ? rollUp(loaded.names, loaded.tree, rows, d.id, asAt) : null
        return {
          unitId: d.id,
          unitName: d.name,
          budget: budget
            ? {
                ...budget.position,
                unitsReporting: budget.unitsReporting,
                commentary: budget.commentary,
              }
            : null,
          savings: savingsOf([d.id]),
        }
      })
      const reported = items.flatMap((i) => (i.budget ? [i.budget] : []))
      return {
        period: { frequency: period.frequency, start: period.start, label: period.label },
        financialYear: formatFinancialYear(fy),
        asAt: asAt
          ? {
              frequency: 'monthly' as const,
              start: asAt,
              label: periodContaining(asAt, 'monthly').label,
            }
          : null,
        monthsElapsed: elapsed,
        directorates: items,
        total: {
          budget:
            reported.length === 0
              ? null
              : presentPosition(
                  sumPence(reported.map((b) => b.budget.pence)),
                  sumPence(reported.map((b) => b.forecastOutturn.pence)),
                ),
          savings: savingsOf(directorates.map((d) => d.id)),
        },
      }
    },
  }
  return service
}
export type FinancialSummary = Awaited<ReturnType<BudgetService['financialSummary']>>

/**
 * Budget monitoring and savings as committee reports read them (the reports' FinancialSource):
 * one wiring for the app, the command line and the demo council, so none of them prints a
 * report without its financial summary.
 */
export function reportFinanceSource(deps: { db: Kysely<DB>; clock: () => Date }) {
  const budgets = createBudgetService({ ...deps, savings: createSavingsService(deps) })
  return {
    summary: (principal: Principal, period: Period) => budgets.financialSummary(principal, period),
  }
}
