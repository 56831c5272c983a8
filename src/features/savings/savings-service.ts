import { savingsCore, type SavingsDeps } from './savings-core.ts'
import { savingsDeliveryService } from './savings-delivery-service.ts'
import { savingsLineService } from './savings-line-service.ts'
import { savingsReportService } from './savings-report-service.ts'

export type { LineFilters, SavingsDeps } from './savings-core.ts'

export type SavingsService = ReturnType<typeof createSavingsService>

/**
 * Savings: the register of lines (savings-line-service), what they deliver and the targets
 * (savings-delivery-service), and totals across lines (savings-report-service), over what they
 * share (savings-core).
 */
export function createSavingsService(deps: SavingsDeps) {
  const core = savingsCore(deps)
  const lines = savingsLineService(core)
  return {
    today: core.today,
    currentYear: core.currentYear,
    ...lines,
    ...savingsDeliveryService(core, lines),
    ...savingsReportService(core),
  }
}
