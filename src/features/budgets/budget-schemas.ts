import { z } from 'zod'
import { optionalText } from '../../web/fields.ts'
import { money, monthField } from '../savings/index.ts'

/** An overspend up to this percentage of budget is amber; beyond it, red. */
export const BUDGET_TOLERANCE_PERCENT = 2

export const BudgetEntryInput = z.object({
  unitId: z.uuid({ error: 'Select the unit from the list' }),
  month: monthField,
  budget: money('the budget', { allowNegative: true }),
  forecastOutturn: money('the forecast outturn', { allowNegative: true }),
  commentary: optionalText(4000),
})
export type BudgetEntryInput = z.output<typeof BudgetEntryInput>
