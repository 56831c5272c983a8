import { z } from 'zod'
import { changesOf, optionalText, requiredText, versionField } from '../../web/fields.ts'
import { REPORT_KINDS } from '../reports/index.ts'

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

/** The version the change was made to: a stale one is refused (409), so no change is lost. */
const version = versionField('Send the version you changed')

/** Changes through the API: only the fields sent change. */
export const CommitteeChanges = changesOf(CommitteeInput).extend({ version })
export type CommitteeChanges = z.output<typeof CommitteeChanges>

/**
 * The edit form sends every field, and no ticked box means no report kinds (a form leaves out
 * unticked boxes), so it is the whole committee with its version.
 */
export const CommitteeEdit = CommitteeInput.extend({ version })

export const MeetingInput = z.object({
  meetingDate: z
    .string({ error: 'Enter the meeting date' })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Enter the meeting date as YYYY-MM-DD' })
    // Date.parse rolls 2026-02-30 over to 2 March, and the database would refuse it: round-trip.
    .refine(
      (d) => {
        const time = Date.parse(`${d}T00:00:00Z`)
        return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === d
      },
      { error: 'Enter a real date' },
    ),
})
export type MeetingInput = z.output<typeof MeetingInput>

export const MeetingChanges = MeetingInput.extend({ version })
export type MeetingChanges = z.output<typeof MeetingChanges>

/** Cancelling a meeting is destructive (nothing is due at it any more): it needs its reason. */
export const MeetingCancellation = z.object({
  version,
  reason: requiredText('why the meeting is cancelled', 500),
})
export type MeetingCancellation = z.output<typeof MeetingCancellation>
