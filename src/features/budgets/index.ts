// The budgets feature's public face: everything other parts of the application use of it.
import type { ServiceContext } from '../../web/feature.ts'
import type { BudgetService } from './budget-service.ts'
import type { DashboardService } from '../dashboards/index.ts'
import type { SavingsService } from '../savings/index.ts'
import { budgetApi } from './budget-api.ts'
import { savingsPanelSource } from './budget-panel.ts'
import { budgetRoutes } from './budget-routes.ts'
import { createBudgetService } from './budget-service.ts'

export { budgetApi } from './budget-api.ts'
export { savingsPanelSource } from './budget-panel.ts'
export { budgetRoutes } from './budget-routes.ts'
export { createBudgetService, reportFinanceSource } from './budget-service.ts'
export type { BudgetService, FinancialSummary } from './budget-service.ts'

export const feature = {
  name: 'budgets',
  navigation: [{ href: '/budgets', text: 'Budgets', position: 170 }],
  services: {
    budgets: ({ db, clock, savings }: ServiceContext & { savings: SavingsService }) =>
      createBudgetService({ db, clock, savings }),
  },
  register: {
    position: 70,
    run: (
      {
        dashboards,
        savings,
        budgets,
      }: { dashboards: DashboardService; savings: SavingsService; budgets: BudgetService },
      { clock }: ServiceContext,
    ) => dashboards.registerPanelSource(savingsPanelSource(savings, budgets, clock)),
  },
  routes: [budgetRoutes],
  api: [budgetApi],
  tables: ['budget_months'],
}
