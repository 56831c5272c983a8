import { z } from 'zod'
import { optionalText, requiredText } from '../../web/fields.ts'
import { REPORT_KINDS } from '../reports/report-kinds.ts'

const asArray = (value: unknown): unknown[] =>
  value === undefined || value === null || value === ''
    ? []
    : Array.isArray(value)
      ? (value as unknown[])
      : [value]

export const CommitteeInput = z.object({
  name: requiredText('the committee’s name'),
  description: optionalText(),
  reportKinds: z.preprocess(
    asArray,
    z.array(z.enum(REPORT_KINDS, { error: 'Select report kinds from the list' })),
  ),
})
export type CommitteeInput = z.output<typeof CommitteeInput>

export const MeetingInput = z.object({
  meetingDate: z
    .string({ error: 'Enter the meeting date' })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Enter the meeting date as YYYY-MM-DD' })
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), {
      error: 'Enter a real date',
    }),
})
export type MeetingInput = z.output<typeof MeetingInput>
