// The savings panel of dashboards: savings delivered against plan with the budget beside them.
// It lives with budgets, which reads savings, so that savings need not know budgets.
import { decimalsOf, formatPercent, plural } from '../../core/format.ts'
import { formatPounds, percentOf, sumPence } from '../../core/money.ts'
import { periodContaining } from '../../core/periods.ts'
import type { Principal } from '../../core/principal.ts'
import type {
  DashboardPanel,
  DashboardPanelSource,
  PanelException,
  PanelRow,
  PanelScope,
} from '../dashboards/index.ts'
import { ukDate } from '../../core/dates.ts'
import type { SavingsService } from '../savings/index.ts'
import type { BudgetService } from './budget-service.ts'

const STATUS = {
  red: { text: 'At risk', symbol: '✖', tone: 'red' },
  amber: { text: 'Slipping', symbol: '▲', tone: 'orange' },
  green: { text: 'On track', symbol: '●', tone: 'green' },
} as const

const percentText = (p: number | null) =>
  p === null ? 'nothing planned yet' : formatPercent(p, decimalsOf(p))

/** Delivery of a set of lines as a status: at risk if any line is, else slipping, else on track. */
function deliveryStatus(atRisk: number, slipping: number): PanelRow['status'] {
  return atRisk > 0 ? STATUS.red : slipping > 0 ? STATUS.amber : STATUS.green
}

export function savingsPanelSource(
  savings: SavingsService,
  budgets: BudgetService,
  clock: () => Date,
): DashboardPanelSource {
  /** The month viewed: the one holding the "as at" day, or this month. */
  const monthOf = (scope: PanelScope) =>
    periodContaining(scope.asAtEnd ?? ukDate(clock()), 'monthly')

  return {
    key: 'savings',

    async panel(principal: Principal, scope: PanelScope): Promise<DashboardPanel | null> {
      const month = monthOf(scope)
      const summary = await budgets.financialSummary(principal, month)
      const within = (unitId: string) =>
        scope.unitIds === null || scope.unitIds.some((id) => id === unitId)
      const directorates = summary.directorates.filter((d) => within(d.unitId))
      const rows: PanelRow[] = []
      const own = directorates[0]
      const whole = scope.unitIds === null ? summary.total : own
      if (whole) {
        const head = whole.savings
        const budget = whole.budget
        for (const d of directorates) {
          const s = d.savings
          rows.push({
            label: `${d.unitName}: savings`,
            value: `${formatPounds(s.deliveredToDate.pence)} of ${formatPounds(s.plannedToDate.pence)} (${percentText(s.percentDelivered)})`,
            href: `/savings?unitId=${d.unitId}&year=${month.financialYear}`,
            status: deliveryStatus(s.linesAtRisk, s.linesSlipping),
          })
          if (d.budget) {
            rows.push({
              label: `${d.unitName}: budget`,
              value: `${formatPounds(d.budget.forecastOutturn.pence)} forecast against ${formatPounds(d.budget.budget.pence)}`,
              href: '/budgets',
              status: {
                text: d.budget.ragName,
                symbol: STATUS[d.budget.rag].symbol,
                tone: STATUS[d.budget.rag].tone,
              },
            })
          }
        }
        if (head.planned.pence === 0 && budget === null) return null
        const budgetText = budget
          ? ` Budget: ${formatPounds(budget.forecastOutturn.pence)} forecast outturn against ${formatPounds(budget.budget.pence)} (${budget.ragName.toLowerCase()}).`
          : ' No budget monitoring recorded yet.'
        return {
          key: 'savings',
          title: 'Savings and budget',
          href: scope.unitIds === null ? `/savings?year=${month.financialYear}` : '/budgets',
          summary:
            `${summary.financialYear} to the end of ${month.label}: ${formatPounds(head.deliveredToDate.pence)} of savings delivered against ` +
            `${formatPounds(head.plannedToDate.pence)} planned to date (${percentText(head.percentDelivered)}); ` +
            `forecast ${formatPounds(head.forecast.pence)} of ${formatPounds(head.planned.pence)} for the year. ` +
            `${plural(head.linesAtRisk, 'line', 'lines')} at risk, ${head.linesSlipping} slipping.${budgetText}`,
          rows,
        }
      }
      // A unit below directorate level: its own savings by quarter.
      const unitId = scope.unitIds?.[0]
      if (unitId === undefined) return null
      {
        const quarters = await savings.deliveryByPeriod(principal, {
          frequency: 'quarterly',
          financialYear: month.financialYear,
          unitId,
        })
        const toDate = sumPence(quarters.map((q) => q.plannedToDate.pence))
        if (sumPence(quarters.map((q) => q.planned.pence)) === 0) return null
        for (const q of quarters) {
          if (q.plannedToDate.pence === 0 && q.delivered.pence === 0) continue
          rows.push({
            label: q.period.label,
            value: `${formatPounds(q.delivered.pence)} of ${formatPounds(q.plannedToDate.pence)} (${percentText(q.percentDelivered)})`,
          })
        }
        const delivered = sumPence(quarters.map((q) => q.delivered.pence))
        return {
          key: 'savings',
          title: 'Savings and budget',
          href: `/savings?unitId=${unitId}&year=${month.financialYear}`,
          summary: `${summary.financialYear} to the end of ${month.label}: ${formatPounds(delivered)} of savings delivered against ${formatPounds(toDate)} planned to date (${percentText(percentOf(delivered, toDate))}).`,
          rows,
        }
      }
    },

    async exceptions(principal: Principal, scope: PanelScope): Promise<PanelException[]> {
      const year = monthOf(scope).financialYear
      const units = scope.unitIds ?? [undefined]
      const out: PanelException[] = []
      const seen = new Set<string>()
      for (const unitId of units) {
        for (const line of await savings.register(principal, year, { unitId })) {
          if (seen.has(line.id)) continue
          if (line.delivery.rag !== 'red' && line.delivery.rag !== 'amber') continue
          seen.add(line.id)
          out.push({
            href: `/savings/${line.id}`,
            title: `${line.reference}: ${line.title}`,
            // The reasons already give the amounts delivered and planned: say them once.
            detail:
              line.delivery.reasons.length > 0
                ? `${line.delivery.ragName}: ${line.delivery.reasons.join('. ')}`
                : `${line.delivery.ragName}: ${formatPounds(line.delivery.deliveredToDate.pence)} of ${formatPounds(line.delivery.plannedToDate.pence)} delivered to date`,
            unitId: line.unitId,
          })
        }
      }
      return out
    },
  }
}
