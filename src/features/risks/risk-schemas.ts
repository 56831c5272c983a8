import { z } from 'zod'
import { isIsoDate } from '../../core/periods.ts'
import { BANDS, type BandKey, type RiskMatrix } from '../../core/risk-scoring.ts'
import type {
  ReviewFrequency,
  RiskActionStatus,
  RiskRegisterLevel,
  RiskStatus,
} from '../../db/schema.ts'
import {
  changesOf,
  choice,
  optionalId,
  optionalText,
  requiredText,
  wholeNumber,
} from '../../web/fields.ts'

export const REGISTER_LEVELS = [
  'service',
  'project',
  'programme',
  'directorate',
  'corporate',
] as const satisfies readonly RiskRegisterLevel[]

export const REGISTER_LEVEL_NAMES: Readonly<Record<RiskRegisterLevel, string>> = {
  service: 'Service',
  project: 'Project',
  programme: 'Programme',
  directorate: 'Directorate',
  corporate: 'Corporate',
}

/** A risk escalates only to a register of a higher rank. */
export const REGISTER_RANK: Readonly<Record<RiskRegisterLevel, number>> = {
  service: 1,
  project: 1,
  programme: 2,
  directorate: 2,
  corporate: 3,
}

export const RISK_STATUSES = ['open', 'closed'] as const satisfies readonly RiskStatus[]
export const RISK_STATUS_NAMES: Readonly<Record<RiskStatus, string>> = {
  open: 'Open',
  closed: 'Closed',
}

export const RISK_CATEGORIES = [
  'strategic',
  'financial',
  'operational',
  'people',
  'legal_regulatory',
  'reputational',
  'technology_information',
  'partnership',
  'health_safety',
  'environmental',
] as const
export type RiskCategory = (typeof RISK_CATEGORIES)[number]
export const RISK_CATEGORY_NAMES: Readonly<Record<RiskCategory, string>> = {
  strategic: 'Strategic',
  financial: 'Financial',
  operational: 'Operational and service delivery',
  people: 'People and capacity',
  legal_regulatory: 'Legal and regulatory',
  reputational: 'Reputational',
  technology_information: 'Technology and information',
  partnership: 'Partnership',
  health_safety: 'Health and safety',
  environmental: 'Environmental',
}

export const REVIEW_FREQUENCIES = [
  'monthly',
  'bimonthly',
  'quarterly',
  'half_yearly',
  'annual',
] as const satisfies readonly ReviewFrequency[]
export const REVIEW_FREQUENCY_NAMES: Readonly<Record<ReviewFrequency, string>> = {
  monthly: 'Monthly',
  bimonthly: 'Every two months',
  quarterly: 'Quarterly',
  half_yearly: 'Every six months',
  annual: 'Annually',
}

export const ACTION_STATUSES = [
  'not_started',
  'in_progress',
  'completed',
  'cancelled',
] as const satisfies readonly RiskActionStatus[]
export const ACTION_STATUS_NAMES: Readonly<Record<RiskActionStatus, string>> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
}

export const BAND_NAMES_DEFAULT: Readonly<Record<BandKey, string>> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  very_high: 'Very high',
}

/** Used until an organisation sets its own: the common local government 5×5. */
export const DEFAULT_MATRIX: RiskMatrix = {
  size: 5,
  likelihood: [
    { name: 'Rare', description: 'May happen only in exceptional circumstances' },
    { name: 'Unlikely', description: 'Could happen at some time, but not expected' },
    { name: 'Possible', description: 'Might happen at some time' },
    { name: 'Likely', description: 'Will probably happen in most circumstances' },
    { name: 'Almost certain', description: 'Expected to happen in most circumstances' },
  ],
  impact: [
    { name: 'Negligible', description: 'Hardly noticed; absorbed in day-to-day work' },
    { name: 'Minor', description: 'Short disruption to a service; small cost' },
    { name: 'Moderate', description: 'Noticeable harm to a service, budget or reputation' },
    { name: 'Major', description: 'Serious failure of a service, large cost, regulator interest' },
    { name: 'Critical', description: 'Harm to people, failure of a statutory duty, national news' },
  ],
  bands: [
    { key: 'low', name: 'Low', from: 1 },
    { key: 'medium', name: 'Medium', from: 5 },
    { key: 'high', name: 'High', from: 10 },
    { key: 'very_high', name: 'Very high', from: 15 },
  ],
  appetite: 9,
}

const isoDate = (what: string) =>
  z
    .string({ error: `Enter ${what} as a date, like 2025-03-31` })
    .trim()
    .refine(isoDate_, { error: `Enter ${what} as a real date, like 2025-03-31` })

function isoDate_(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && isIsoDate(value)
}

const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value

const optionalDate = (what: string) =>
  z.preprocess((v) => blankToUndefined(v) ?? null, isoDate(what).nullable().optional())

/** A level of the matrix; the upper bound depends on the organisation's matrix. */
const level = (what: string) => z.preprocess(blankToUndefined, wholeNumber(`Select the ${what}`, 1))

export const RegisterInput = z.object({
  name: requiredText('a name for the register'),
  level: choice(REGISTER_LEVELS, 'the level of the register'),
  unitId: optionalId('the unit'),
  parentRegisterId: optionalId('the register above'),
  description: optionalText(2000),
})
export type RegisterInput = z.output<typeof RegisterInput>
export const RegisterChanges = changesOf(RegisterInput)
export type RegisterChanges = z.output<typeof RegisterChanges>

export const RiskInput = z.object({
  registerId: z.uuid({ error: 'Select the register from the list' }),
  reference: z
    .string({ error: 'Enter a reference, like CR01' })
    .trim()
    .min(1, { error: 'Enter a reference, like CR01' })
    .max(20, { error: 'A reference must be 20 characters or fewer' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9./-]*$/, {
      error: 'A reference can use letters, numbers, full stops, slashes and hyphens',
    }),
  title: requiredText('a title for the risk'),
  cause: optionalText(4000),
  event: optionalText(4000),
  effect: optionalText(4000),
  category: choice(RISK_CATEGORIES, 'a category'),
  ownerId: optionalId('the owner'),
  reviewFrequency: choice(REVIEW_FREQUENCIES, 'how often the risk is reviewed'),
  nextReviewDate: optionalDate('the next review date'),
  inherentLikelihood: level('inherent likelihood'),
  inherentImpact: level('inherent impact'),
  currentLikelihood: level('current likelihood'),
  currentImpact: level('current impact'),
  targetLikelihood: level('target likelihood'),
  targetImpact: level('target impact'),
})
export type RiskInput = z.output<typeof RiskInput>

/** Changes to a risk; its current score moves only by a review, its register by escalation. */
export const RiskChanges = changesOf(
  RiskInput.omit({
    registerId: true,
    currentLikelihood: true,
    currentImpact: true,
  }),
).extend({
  status: choice(RISK_STATUSES, 'the status').optional(),
  /** Why the risk is closed, when `status` closes it. */
  closedReason: optionalText(2000),
})
export type RiskChanges = z.output<typeof RiskChanges>

/** Closing a risk through the form: the reason is needed. */
export const RiskClosure = z.object({
  reason: requiredText('why the risk is closed', 2000),
})

export const ReviewInput = z.object({
  reviewedOn: isoDate('the date of the review'),
  likelihood: level('likelihood'),
  impact: level('impact'),
  note: requiredText('what the review found', 4000),
})
export type ReviewInput = z.output<typeof ReviewInput>

export const ActionInput = z.object({
  description: requiredText('a description of the action', 2000),
  ownerId: optionalId('the owner'),
  dueDate: optionalDate('the due date'),
  status: choice(ACTION_STATUSES, 'the status').default('not_started'),
})
export type ActionInput = z.output<typeof ActionInput>
export const ActionChanges = changesOf(ActionInput)
export type ActionChanges = z.output<typeof ActionChanges>

export const EscalationInput = z.object({
  toRegisterId: z.uuid({ error: 'Select the register to escalate to' }),
  reason: requiredText('why the risk is escalated', 2000),
})
export type EscalationInput = z.output<typeof EscalationInput>

export const DeEscalationInput = z.object({
  reason: requiredText('why the risk goes back', 2000),
})
export type DeEscalationInput = z.output<typeof DeEscalationInput>

const MatrixLevelInput = z.object({
  name: requiredText('a name for each level', 60),
  description: optionalText(300).transform((v) => v ?? ''),
})

export const MatrixInput = z.object({
  size: wholeNumber('Choose a 4 by 4 or a 5 by 5 matrix', 4, 5).transform((n): 4 | 5 =>
    n === 4 ? 4 : 5,
  ),
  likelihood: z.array(MatrixLevelInput).min(4).max(5),
  impact: z.array(MatrixLevelInput).min(4).max(5),
  bands: z
    .array(
      z.object({
        key: z.enum(BANDS),
        name: requiredText('a name for each band', 40),
        from: wholeNumber('Enter the score each band starts at', 1),
      }),
    )
    .length(4),
  appetite: wholeNumber('Enter the tolerable threshold as a whole score', 1),
})
export type MatrixInput = z.output<typeof MatrixInput>

export const MITIGATION_FREQUENCIES = ['monthly', 'quarterly'] as const
export type MitigationFrequency = (typeof MITIGATION_FREQUENCIES)[number]
