import { z } from 'zod'
import { CONFIDENCES } from '../../core/project-status.ts'
import { changesOf, choice, optionalText, requiredText, versionField } from '../../web/fields.ts'

const monthMessage = 'Enter the month reported on, like 2025-04 or Apr 2025'

export const UpdateInput = z.object({
  month: z.string({ error: monthMessage }).trim().min(1, { error: monthMessage }),
  highlights: requiredText('the highlights on progress', 8000),
  nextSteps: optionalText(8000),
  when: optionalText(60),
  who: optionalText(200),
  confidence: choice(CONFIDENCES, 'the confidence: high, medium or low'),
  /** Send it for approval straight away. */
  submit: z.preprocess((value) => value === 'true' || value === true, z.boolean().optional()),
})
export type UpdateInput = z.output<typeof UpdateInput>

const version = versionField('The version of the update you changed is missing')

export const UpdateChanges = changesOf(UpdateInput.omit({ month: true, submit: true })).extend({
  version,
  /** Required to change an approved update: the change is a restatement. */
  reason: optionalText(2000),
})
export type UpdateChanges = z.output<typeof UpdateChanges>

export const ActionInput = z.object({ version: version.optional() })
export const ReturnInput = z.object({
  reason: requiredText('why it is returned', 2000),
  version: version.optional(),
})
