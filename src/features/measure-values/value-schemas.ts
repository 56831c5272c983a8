import { z } from 'zod'
import { optionalText, versionField } from '../../web/fields.ts'
import { flag, optionalNumber, PeriodField } from '../measures/index.ts'

export const ValueInput = z.object({
  period: PeriodField,
  value: optionalNumber('the value'),
  numerator: optionalNumber('the numerator'),
  denominator: optionalNumber('the denominator'),
  commentary: optionalText(4000),
  submit: flag(),
  /** The value's version as last read; needed to change a value that exists. */
  version: z.preprocess(
    (v) => (v === '' ? undefined : v),
    versionField('The version must be a whole number').optional(),
  ),
  /** Why an approved value is being restated. */
  reason: optionalText(2000),
})
export type ValueInput = z.output<typeof ValueInput>

export const ReturnInput = z.object({
  reason: z
    .string({ error: 'Enter the reason for returning the value' })
    .trim()
    .min(1, { error: 'Enter the reason for returning the value' })
    .max(2000, { error: 'Must be 2000 characters or fewer' }),
})
export type ReturnInput = z.output<typeof ReturnInput>

export const ApproveInput = z
  .object({ version: versionField().optional() })
  .nullish()
  .transform((v) => v ?? {})
