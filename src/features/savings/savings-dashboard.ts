// The savings register's organisational measures ("% of savings delivered"); the dashboards'
// "Savings and budget" panel, with its "savings at risk" exceptions, is budgets' budget-panel.ts.
import { formatPounds } from '../../core/money.ts'
import { deliveryByPeriod } from '../../core/savings.ts'
import type { Figure, OrganisationalComputation } from '../organisational-measures/index.ts'
import * as repo from './savings-repository.ts'

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
