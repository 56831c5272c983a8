// The budgets feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { budgetApi } from './budget-api.ts'
export { savingsPanelSource } from './budget-panel.ts'
export { budgetRoutes } from './budget-routes.ts'
export { createBudgetService, reportFinanceSource } from './budget-service.ts'
export type { BudgetService, FinancialSummary } from './budget-service.ts'

export const feature: Feature = {
  name: 'budgets',
  navigation: [{ href: '/budgets', text: 'Budgets', position: 170 }],
}
