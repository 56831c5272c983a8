import { z } from 'zod'
import {
  CONFIDENCES,
  MILESTONE_STATUSES,
  PROJECT_STATUSES,
  type Confidence,
  type MilestoneStatus,
  type ProjectStatus,
} from '../../core/project-status.ts'
import { isIsoDate, parseFinancialYear } from '../../core/periods.ts'
import type {
  AssuranceRating,
  BenefitKind,
  GatewayDecision,
  ProjectLevel,
  ProjectStage,
} from '../../db/schema.ts'
import {
  changesOf,
  choice,
  optionalId,
  optionalText,
  requiredText,
  versionField,
} from '../../web/fields.ts'

export const LEVELS = ['programme', 'project', 'action'] as const satisfies readonly ProjectLevel[]
export const LEVEL_NAMES: Readonly<Record<ProjectLevel, string>> = {
  programme: 'Programme',
  project: 'Project',
  action: 'Action',
}
/** Deeper levels sit under the same or a higher one: never a project under an action. */
export const LEVEL_RANK: Readonly<Record<ProjectLevel, number>> = {
  programme: 0,
  project: 1,
  action: 2,
}

/** Every status with its word and a symbol, so none is told by colour alone. */
export const STATUS_NAMES: Readonly<Record<ProjectStatus, { text: string; symbol: string }>> = {
  not_started: { text: 'Not started', symbol: '○' },
  on_track: { text: 'On track', symbol: '✓' },
  at_risk: { text: 'At risk', symbol: '!' },
  off_track: { text: 'Off track', symbol: '✕' },
  completed: { text: 'Completed', symbol: '★' },
  closed: { text: 'Closed', symbol: '■' },
  on_hold: { text: 'On hold', symbol: '‖' },
}
export const CONFIDENCE_NAMES: Readonly<Record<Confidence, string>> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
}
export const MILESTONE_STATUS_NAMES: Readonly<
  Record<MilestoneStatus, { text: string; symbol: string }>
> = {
  completed: { text: 'Completed', symbol: '★' },
  on_track: { text: 'On track', symbol: '✓' },
  in_progress: { text: 'In progress', symbol: '►' },
  delayed: { text: 'Delayed', symbol: '!' },
  rescheduled: { text: 'Rescheduled', symbol: '↻' },
  not_started: { text: 'Not started', symbol: '○' },
}
export const BENEFIT_KINDS = [
  'financial',
  'non_financial',
] as const satisfies readonly BenefitKind[]
export const BENEFIT_KIND_NAMES: Readonly<Record<BenefitKind, string>> = {
  financial: 'Financial',
  non_financial: 'Non-financial',
}

/** Stages a project passes through, each closed by a gateway review (seed 001). */
export const STAGES = [
  'mandate',
  'business_case',
  'delivery',
  'closure',
  'closed',
] as const satisfies readonly ProjectStage[]
export const STAGE_NAMES: Readonly<Record<ProjectStage, string>> = {
  mandate: 'Mandate',
  business_case: 'Business case',
  delivery: 'Delivery',
  closure: 'Closure',
  closed: 'Closed',
}
/** A delivery confidence assessment, five steps from green to red, each with a word and symbol. */
export const ASSURANCE_RATINGS = [
  'green',
  'amber_green',
  'amber',
  'amber_red',
  'red',
] as const satisfies readonly AssuranceRating[]
export const ASSURANCE_NAMES: Readonly<
  Record<AssuranceRating, { text: string; symbol: string; hint: string }>
> = {
  green: { text: 'Green', symbol: '✔', hint: 'Successful delivery is highly likely' },
  amber_green: { text: 'Amber/green', symbol: '◔', hint: 'Successful delivery is probable' },
  amber: { text: 'Amber', symbol: '▲', hint: 'Successful delivery is feasible, with issues' },
  amber_red: { text: 'Amber/red', symbol: '◕', hint: 'Successful delivery is in doubt' },
  red: { text: 'Red', symbol: '✖', hint: 'Successful delivery appears unachievable' },
}
export const GATEWAY_DECISIONS = [
  'proceed',
  'proceed_with_conditions',
  'hold',
  'stop',
] as const satisfies readonly GatewayDecision[]
export const DECISION_NAMES: Readonly<Record<GatewayDecision, string>> = {
  proceed: 'Proceed',
  proceed_with_conditions: 'Proceed with conditions',
  hold: 'Hold',
  stop: 'Stop',
}

const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? null : value

export function optionalDate(what: string) {
  const message = `Enter ${what} as a real date, like 2025-03-31`
  return z.preprocess(
    blankToUndefined,
    z.string({ error: message }).trim().refine(isIsoDate, { error: message }).nullable().optional(),
  )
}

/** Money or a count: "£12,500" and "12500" alike; empty is null. */
export function optionalAmount(what: string) {
  return z.preprocess(
    (value) => {
      const blank = blankToUndefined(value)
      return typeof blank === 'string' ? Number(blank.replace(/[£,\s]/g, '')) : blank
    },
    z
      .number({ error: `Enter ${what} as a number, like 12500` })
      .min(0, { error: `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} cannot be negative` })
      .max(1e13, { error: `Enter ${what} less than 10 trillion` })
      .nullable()
      .optional(),
  )
}

/** A select of several, a single value, or nothing at all: always a list of ids. */
const idList = z.preprocess(
  (value) =>
    value === undefined
      ? undefined
      : value === null || value === ''
        ? []
        : Array.isArray(value)
          ? (value as unknown[]).filter((v) => v !== '')
          : [value],
  z
    .array(z.uuid({ error: 'Select partners from the list' }))
    .max(50)
    .optional(),
)

const optionalConfidence = z.preprocess(
  blankToUndefined,
  z.enum(CONFIDENCES, { error: 'Select high, medium or low' }).nullable().optional(),
)

export const ProjectInput = z.object({
  level: choice(LEVELS, 'whether this is a programme, project or action'),
  parentId: optionalId('what this sits under'),
  code: optionalText(30),
  title: requiredText('a title'),
  description: optionalText(4000),
  sroId: optionalId('the Senior Responsible Officer'),
  managerId: optionalId('the project manager or lead'),
  leadUnitId: optionalId('the lead unit'),
  partnerUnitIds: idList.optional(),
  startDate: optionalDate('the start date'),
  endDate: optionalDate('the end date'),
  budget: optionalAmount('the budget'),
  confidence: optionalConfidence,
})
export type ProjectInput = z.output<typeof ProjectInput>

export const ProjectChanges = changesOf(ProjectInput).extend({
  /** Overrides the suggested status; null goes back to the suggestion. */
  status: z.enum(PROJECT_STATUSES, { error: 'Select a status' }).nullable().optional(),
  statusReason: optionalText(2000),
  /** The stage it is at, and its assurance rating; null clears either. */
  stage: z.enum(STAGES, { error: 'Select the stage' }).nullable().optional(),
  assurance: z
    .enum(ASSURANCE_RATINGS, { error: 'Select the assurance rating' })
    .nullable()
    .optional(),
  version: versionField().optional(),
})
export type ProjectChanges = z.output<typeof ProjectChanges>

/** The stage and assurance form: "none" clears either. */
export const StageInput = z.object({
  stage: z.enum([...STAGES, 'none'], { error: 'Select the stage' }),
  assurance: z.enum([...ASSURANCE_RATINGS, 'none'], { error: 'Select the assurance rating' }),
  version: versionField().optional(),
})

/** The status form: "suggested" takes away an override. */
export const StatusInput = z.object({
  status: z.enum([...PROJECT_STATUSES, 'suggested'], { error: 'Select a status' }),
  statusReason: optionalText(2000),
  version: versionField().optional(),
})

/**
 * A due date, or a quarter written 2025/26 Q1; blank (null) when no date is set yet: such a
 * milestone shows "No date set" and is never overdue (docs/decisions.md, "Milestones with no
 * date").
 */
const due = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? null : value),
  z
    .string({
      error: 'Enter when it is due, as a date like 2025-06-30 or a quarter like 2025/26 Q1',
    })
    .trim()
    .nullable()
    .optional(),
)

export const MilestoneInput = z.object({
  title: requiredText('a title for the milestone'),
  due,
  ownerId: optionalId('the owner'),
  status: choice(MILESTONE_STATUSES, 'the milestone’s status').default('not_started'),
  completedDate: optionalDate('the completion date'),
})
export type MilestoneInput = z.output<typeof MilestoneInput>

export const MilestoneChanges = changesOf(MilestoneInput).extend({
  status: z.enum(MILESTONE_STATUSES, { error: 'Select the milestone’s status' }).optional(),
  /** Needed when the due date moves: why it was rescheduled. */
  rescheduleReason: optionalText(2000),
  version: versionField().optional(),
})
export type MilestoneChanges = z.output<typeof MilestoneChanges>

const financialYear = z
  .string({ error: 'Enter the financial year in the form 2024/25' })
  .trim()
  .refine(
    (text) => {
      try {
        parseFinancialYear(text)
        return true
      } catch {
        return false
      }
    },
    { error: 'Enter the financial year in the form 2024/25' },
  )

export const BenefitInput = z.object({
  kind: choice(BENEFIT_KINDS, 'financial or non-financial'),
  title: requiredText('what the benefit is'),
  description: optionalText(2000),
  financialYear,
  measureUnit: optionalText(60),
  planned: optionalAmount('the planned amount'),
  realised: optionalAmount('the realised amount'),
  savingLineId: optionalId('the savings line'),
})
export type BenefitInput = z.output<typeof BenefitInput>
export const BenefitChanges = changesOf(BenefitInput)
export type BenefitChanges = z.output<typeof BenefitChanges>

export const DependencyInput = z.object({
  dependsOnId: z.uuid({ error: 'Select what this depends on from the list' }),
  description: optionalText(2000),
})
export type DependencyInput = z.output<typeof DependencyInput>
