import { penceToDecimal, type Pence } from '../../core/money.ts'
import { formatFinancialYear, periodContaining } from '../../core/periods.ts'
import {
  DELIVERY_RAG_NAMES,
  efficiencyChecks,
  type DeliveryAssessment,
  type DeliveryRag,
} from '../../core/savings.ts'
import type { LineRow, MonthRow, YearRow } from './savings-repository.ts'

/** Money leaves the server as whole pence and as exact decimal text, never as a float. */
export function presentMoney(pence: Pence) {
  return { pence, pounds: penceToDecimal(pence) }
}
export type MoneyView = ReturnType<typeof presentMoney>

export function presentYear(row: YearRow) {
  return {
    financialYear: formatFinancialYear(row.financial_year),
    year: row.financial_year,
    amount: presentMoney(row.amount_pence),
    cost: presentMoney(row.cost_pence),
    net: presentMoney(row.amount_pence - row.cost_pence),
    profile: row.profile,
  }
}
export type YearView = ReturnType<typeof presentYear>

export function presentLine(row: LineRow, years: readonly YearRow[], unitName: string | null) {
  const own = years.filter((y) => y.line_id === row.id)
  const efficiency = efficiencyChecks({
    type: row.saving_type,
    durability: row.durability,
    years: own.map((y) => ({
      financialYear: y.financial_year,
      amount: y.amount_pence,
      cost: y.cost_pence,
    })),
  })
  return {
    id: row.id,
    reference: row.reference,
    title: row.title,
    description: row.description,
    unitId: row.unit_id,
    unitName,
    programme: row.programme,
    priorityBoard: row.priority_board,
    projectId: row.project_id,
    savingType: row.saving_type,
    durability: row.durability,
    ownerId: row.owner_id,
    status: row.status,
    years: own.map(presentYear),
    efficiency: {
      counts: efficiency.counts,
      gross: presentMoney(efficiency.grossPence),
      cost: presentMoney(efficiency.costPence),
      net: presentMoney(efficiency.netPence),
      tests: efficiency.tests,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
export type LineView = ReturnType<typeof presentLine>

export function presentMonth(row: MonthRow) {
  const period = periodContaining(row.month_start, 'monthly')
  return {
    month: { frequency: period.frequency, start: period.start, label: period.label },
    index: period.index,
    planned: presentMoney(row.planned_pence),
    actual: row.actual_pence === null ? null : presentMoney(row.actual_pence),
    forecast: row.forecast_pence === null ? null : presentMoney(row.forecast_pence),
    note: row.note,
  }
}
export type MonthView = ReturnType<typeof presentMonth>

export function presentDelivery(financialYear: number, a: DeliveryAssessment) {
  return {
    financialYear: formatFinancialYear(financialYear),
    rag: a.rag satisfies DeliveryRag,
    ragName: DELIVERY_RAG_NAMES[a.rag],
    annual: presentMoney(a.annualPence),
    plannedToDate: presentMoney(a.plannedToDatePence),
    deliveredToDate: presentMoney(a.deliveredToDatePence),
    varianceToDate: presentMoney(a.varianceToDatePence),
    forecast: presentMoney(a.forecastPence),
    forecastVariance: presentMoney(a.forecastVariancePence),
    percentDelivered: a.percentDelivered,
    reasons: a.reasons,
  }
}
export type DeliveryView = ReturnType<typeof presentDelivery>
