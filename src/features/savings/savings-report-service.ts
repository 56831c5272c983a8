import { sumPence, type Pence } from '../../core/money.ts'
import { formatFinancialYear, type Frequency } from '../../core/periods.ts'
import { assessDelivery, deliveryByPeriod } from '../../core/savings.ts'
import type { Principal } from '../../core/principal.ts'
import type { LinkableItem } from '../links/index.ts'
import { presentDelivery, presentMoney, type LineView } from './savings-presenter.ts'
import * as repo from './savings-repository.ts'
import { DELIVERY_TOLERANCE_PERCENT, SAVING_TYPE_NAMES, type Grouping } from './savings-schemas.ts'
import type { SavingsCore, LineFilters } from './savings-core.ts'
import { monthOfYear } from './savings-core.ts'

/** Totals and delivery across lines, and lines as other features show them. */
export function savingsReportService(core: SavingsCore) {
  const { db, checkSignedIn, monthsOf, assess, filterLines, today, load, currentYear } = core
  const service = {
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
      const year = currentYear()
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
      const year = currentYear()
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
