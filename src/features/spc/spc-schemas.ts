import { z } from 'zod'
import { optionalText, requiredText } from '../../web/fields.ts'
import { PeriodField } from '../measures/index.ts'

/** Fixes the limits from the approved values of `from` to `to`, both included. */
export const BaselineInput = z.object({
  from: PeriodField,
  to: PeriodField,
  reason: optionalText(500),
})
export type BaselineInput = z.output<typeof BaselineInput>

/** The limits are worked out again from `period`, the first period of the changed process. */
export const ChangePointInput = z.object({
  period: PeriodField,
  reason: requiredText('the reason for the change, such as what was redesigned', 500),
})
export type ChangePointInput = z.output<typeof ChangePointInput>

export const SettingParams = z.object({
  id: z.uuid({ error: 'Not a valid id' }),
  settingId: z.uuid({ error: 'Not a valid id' }),
})
