import { z } from 'zod'
import { isIsoDate } from '../../core/periods.ts'
import { optionalId, optionalText, requiredText } from '../../web/fields.ts'

function date(what: string) {
  const message = `Enter ${what} as a real date, like 2026-04-01`
  return z.string({ error: message }).trim().refine(isIsoDate, { error: message })
}

/** A year's appraisal cycle: the financial year and its three windows. */
export const CycleInput = z.object({
  year: z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d{4}\s*$/.test(v) ? Number(v) : v),
    z
      .number({ error: 'Enter the first year of the financial year, like 2026 for 2026/27' })
      .int({ error: 'Enter the first year of the financial year, like 2026 for 2026/27' })
      .min(2000, { error: 'Enter a year from 2000 on' })
      .max(2100, { error: 'Enter a year before 2100' }),
  ),
  objectivesOpens: date('the day objective setting opens'),
  objectivesCloses: date('the day objective setting closes'),
  midYearOpens: date('the day mid-year reviews open'),
  midYearCloses: date('the day mid-year reviews close'),
  yearEndOpens: date('the day year-end reviews open'),
  yearEndCloses: date('the day year-end reviews close'),
})
export type CycleInput = z.output<typeof CycleInput>

/** One objective: what, how success is measured, by when, and where it sits in the thread. */
export const ObjectiveInput = z.object({
  title: requiredText('the objective', 300),
  successMeasure: requiredText('how success will be measured', 1000),
  dueDate: date('the date it is due'),
  nodeId: z.uuid({ error: 'Select the plan item the objective contributes to from the list' }),
  measureId: optionalId('the measure'),
  projectId: optionalId('the project'),
})
export type ObjectiveInput = z.output<typeof ObjectiveInput>

export const ObjectiveChanges = ObjectiveInput.partial()
export type ObjectiveChanges = z.output<typeof ObjectiveChanges>

const ratingMessage = 'Select a rating from 1 (not met) to 4 (exceeded)'

/** A review at mid-year or year end: a rating on the scale and a comment. */
export const ReviewInput = z.object({
  rating: z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number({ error: ratingMessage })
      .int({ error: ratingMessage })
      .min(1, { error: ratingMessage })
      .max(4, { error: ratingMessage }),
  ),
  comment: requiredText('your comments', 4000),
})
export type ReviewInput = z.output<typeof ReviewInput>

export const ReviewStage = z.enum(['mid_year', 'year_end'], {
  error: 'The review is mid-year or year-end',
})

export const SignOffInput = z.object({ note: optionalText(1000) })
