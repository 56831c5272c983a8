import { z } from 'zod'
import { isIsoDate } from '../../core/periods.ts'
import { GATEWAY_DECISIONS, STAGES } from '../projects/index.ts'
import { choice, optionalText, requiredText } from '../../web/fields.ts'

const reviewDate = z
  .string({ error: 'Enter the date of the review, like 2026-11-20' })
  .trim()
  .refine(isIsoDate, { error: 'Enter the date of the review as a real date, like 2026-11-20' })

/** A gateway review: the stage it closed, the board's decision, when, who and any conditions. */
export const GatewayInput = z.object({
  stage: choice(STAGES, 'the stage the review closed'),
  decision: choice(GATEWAY_DECISIONS, 'the decision'),
  reviewDate,
  reviewer: requiredText('who reviewed it, such as the programme board'),
  conditions: optionalText(4000),
})
export type GatewayInput = z.output<typeof GatewayInput>
