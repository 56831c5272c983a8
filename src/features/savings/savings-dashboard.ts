// The savings register and budget monitoring on dashboards: the "Savings and budget" panel, the
// "savings at risk" exceptions and the "% of savings delivered" organisational measure.
import { decimalsOf, formatPercent, plural } from '../../core/format.ts'
import { formatPounds, percentOf, sumPence } from '../../core/money.ts'
import { periodContaining } from '../../core/periods.ts'
import { deliveryByPeriod } from '../../core/savings.ts'
import type { Principal } from '../../core/principal.ts'
import { ukDate } from '../measures/index.ts'
import type { BudgetService } from '../budgets/index.ts'
import type {
  DashboardPanel,
  DashboardPanelSource,
  PanelException,
  PanelRow,
  PanelScope,
} from '../dashboards/index.ts'
import type { Figure, OrganisationalComputation } from '../organisational-measures/index.ts'
import * as repo from './savings-repository.ts'
import type { SavingsService } from './savings-service.ts'

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

/**
 * "% of savings delivered": of the savings planned in each period (months ended by then), the
 * percentage delivered, from the register's monthly profile and actuals. Withdrawn lines are left
 * out. Read through the transaction the values are written in.
 */
export const savingsDelivered: OrganisationalComputation = {
  key: 'savings_delivered',
  code: 'ORG-SAV',
  title: 'Savings delivered',
  definition:
    'Of the savings planned in the months of the period (the monthly profile of every savings ' +
    'line not withdrawn), the percentage delivered, from the actuals recorded against each month.',
  dataSource: 'Computed by Golden Thread from the savings register',
  frequency: 'quarterly',
  async compute(input) {
    const out = new Map<string, Figure>()
    for (const [start, f] of await deliveredByPeriod(input)) {
      out.set(start, {
        value: f.plannedToDatePence === 0 ? null : f.percentDelivered,
        numerator: Math.round(f.deliveredPence / 100),
        denominator: Math.round(f.plannedToDatePence / 100),
        counts: deliveredText(f),
      })
    }
    return out
  },
}

/**
 * "£ savings delivered": the savings delivered in the months of each period, in whole pounds
 * (rounded from exact pence), against the amount planned in those months.
 */
export const savingsDeliveredPounds: OrganisationalComputation = {
  key: 'savings_delivered_pounds',
  code: 'ORG-SAV-GBP',
  title: 'Savings delivered (£)',
  definition:
    'The savings delivered in the months of the period, in pounds, from the actuals recorded ' +
    'against the monthly profile of every savings line not withdrawn.',
  dataSource: 'Computed by Golden Thread from the savings register',
  frequency: 'quarterly',
  unit: 'currency',
  async compute(input) {
    const out = new Map<string, Figure>()
    for (const [start, f] of await deliveredByPeriod(input)) {
      const delivered = Math.round(f.deliveredPence / 100)
      out.set(start, {
        value: f.plannedToDatePence === 0 ? null : delivered,
        numerator: delivered,
        denominator: Math.round(f.plannedToDatePence / 100),
        counts: deliveredText(f),
      })
    }
    return out
  },
}

/**
 * The commentary's words, from exact pence as the rest of the savings text: the numerator and
 * denominator are whole pounds, which would print without a £ and lose the pence.
 */
function deliveredText(f: { deliveredPence: number; plannedToDatePence: number }): string {
  return `${formatPounds(f.deliveredPence)} delivered of ${formatPounds(f.plannedToDatePence)} planned`
}

/** Each asked-for period's delivery figures (exact pence), from the register's months. */
async function deliveredByPeriod({
  db,
  organisationId,
  periods,
  today,
}: Parameters<OrganisationalComputation['compute']>[0]) {
  const live = new Set(
    (await repo.listLines(db, organisationId))
      .filter((l) => l.status !== 'withdrawn')
      .map((l) => l.id),
  )
  const months = (await repo.listMonths(db, organisationId)).filter((m) => live.has(m.line_id))
  const years = [...new Set(periods.map((p) => p.financialYear))]
  const out = new Map<string, ReturnType<typeof deliveryByPeriod>[number]>()
  for (const year of years) {
    const figures = deliveryByPeriod(
      months.map((m) => ({
        monthStart: m.month_start,
        planned: m.planned_pence,
        actual: m.actual_pence,
      })),
      periods[0]?.frequency ?? 'quarterly',
      year,
      today,
    )
    for (const f of figures) {
      if (periods.some((p) => p.start === f.period.start)) out.set(f.period.start, f)
    }
  }
  return out
}
