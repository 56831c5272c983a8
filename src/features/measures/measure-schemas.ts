import { z } from 'zod'
import { FREQUENCIES } from '../../core/periods.ts'
import { POLARITIES } from '../../core/status.ts'
import type {
  MeasureFrequency,
  MeasureKind,
  MeasurePolarity,
  MeasureStatus,
  MeasureUnit,
  SpcVariation,
} from '../../db/schema.ts'
import {
  changesOf,
  choice,
  MAX_MAGNITUDE,
  optionalId,
  optionalText,
  requiredText,
  versionField,
  wholeNumber,
} from '../../web/fields.ts'

export const SPC_VARIATIONS = [
  'common_cause',
  'special_cause_improvement',
  'special_cause_concern',
  'special_cause_neutral_high',
  'special_cause_neutral_low',
] as const satisfies readonly SpcVariation[]

export const MEASURE_UNITS = [
  'percent',
  'number',
  'currency',
  'days',
  'ratio',
  'yes_no',
] as const satisfies readonly MeasureUnit[]

export const UNIT_NAMES: Readonly<Record<MeasureUnit, string>> = {
  percent: 'Percentage (%)',
  number: 'Number',
  currency: 'Money (£)',
  days: 'Days',
  ratio: 'Ratio',
  yes_no: 'Yes or no',
}

export const POLARITY_NAMES: Readonly<Record<MeasurePolarity, string>> = {
  higher_is_better: 'Higher is better',
  lower_is_better: 'Lower is better',
  within_band: 'Within a band',
  none: 'None (data only)',
}

export const FREQUENCY_NAMES: Readonly<Record<MeasureFrequency, string>> = {
  monthly: 'Monthly',
  bimonthly: 'Every two months',
  quarterly: 'Quarterly',
  half_yearly: 'Half-yearly',
  annual: 'Annual',
}

export const MEASURE_KINDS = [
  'strategic',
  'operational',
  'contextual',
] as const satisfies readonly MeasureKind[]

export const KIND_NAMES: Readonly<Record<MeasureKind, string>> = {
  strategic: 'Strategic',
  operational: 'Operational',
  contextual: 'Contextual (data only)',
}

export const MEASURE_STATUSES = [
  'draft',
  'active',
  'retired',
] as const satisfies readonly MeasureStatus[]

export const MEASURE_STATUS_NAMES: Readonly<Record<MeasureStatus, string>> = {
  draft: 'Draft',
  active: 'Active',
  retired: 'Retired',
}

/** The six data-quality criteria of the Redditch data quality strategy. */
export const QUALITY_CRITERIA = [
  'relevant',
  'wellDefined',
  'timely',
  'reliable',
  'verifiable',
  'accurate',
] as const
export type QualityCriterion = (typeof QUALITY_CRITERIA)[number]

export const QUALITY_NAMES: Readonly<Record<QualityCriterion, string>> = {
  relevant: 'Relevant',
  wellDefined: 'Well-defined',
  timely: 'Timely',
  reliable: 'Reliable',
  verifiable: 'Verifiable',
  accurate: 'Accurate',
}

export const QUALITY_ASSESSMENTS = ['met', 'partly_met', 'not_met', 'not_assessed'] as const
export type QualityAssessment = (typeof QUALITY_ASSESSMENTS)[number]
export const QUALITY_ASSESSMENT_NAMES: Readonly<Record<QualityAssessment, string>> = {
  met: 'Met',
  partly_met: 'Partly met',
  not_met: 'Not met',
  not_assessed: 'Not assessed',
}

const blankToNull = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? null : value

/** A number from JSON or from a form field ("1,234.5" allowed); empty becomes null. */
export function optionalNumber(what: string) {
  return z.preprocess(
    (value) => {
      const blank = blankToNull(value)
      if (typeof blank !== 'string') return blank
      const text = blank.trim().replaceAll(',', '').replace(/^£/, '').replace(/%$/, '')
      return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : blank
    },
    z
      .number({ error: `Enter ${what} as a number, like 42 or 97.5` })
      .min(-MAX_MAGNITUDE, {
        error: `Enter ${what} between minus and plus a thousand million million`,
      })
      .max(MAX_MAGNITUDE, {
        error: `Enter ${what} between minus and plus a thousand million million`,
      })
      .nullable()
      .optional(),
  )
}

const wholeNumberOf = (what: string, min: number, max: number) =>
  wholeNumber(`Enter ${what} as a whole number from ${min} to ${max}`, min, max)

/** A yes/no from JSON (true/false) or a form ("true", "on", "yes"); forms send absent as "false". */
export function flag() {
  return z.preprocess(
    (value) => {
      if (typeof value === 'string') return ['true', 'on', 'yes', '1'].includes(value.toLowerCase())
      return value
    },
    z.boolean({ error: 'Choose yes or no' }).optional(),
  )
}

/** A period: `{frequency, start}` or its label, such as "2024/25 Q2" or "Sep 2024". */
export const PeriodField = z.union(
  [
    z.string().trim().min(1).max(40),
    z.object({ frequency: z.string().max(20), start: z.string().max(10) }),
  ],
  { error: 'Enter a period, like "2024/25 Q2", "Sep 2024" or {"frequency","start"}' },
)

const Quality = z.object({
  // No default: an assessment not sent is left as it was (none is shown as not assessed).
  assessment: z
    .enum(QUALITY_ASSESSMENTS, { error: 'Select met, partly met, not met or not assessed' })
    .optional(),
  notes: optionalText(2000),
})

const Tolerance = z
  .object({
    type: z.enum(['percent', 'absolute'], { error: 'Select percent or absolute' }),
    value: z
      .number({ error: 'Enter the tolerance as a number of 0 or more' })
      .min(0, { error: 'Enter the tolerance as a number of 0 or more' })
      .max(1e12),
  })
  .nullable()

const measureFields = {
  code: z
    .string({ error: 'Enter a code, like HR01' })
    .trim()
    .min(1, { error: 'Enter a code, like HR01' })
    .max(30, { error: 'A code must be 30 characters or fewer' })
    .regex(/^[A-Za-z0-9_.-]+$/, {
      error: 'A code can only contain letters, digits, "_", "-" and "."',
    })
    .transform((code) => code.toUpperCase()),
  title: requiredText('a title for the measure', 300),
  definition: optionalText(4000),
  rationale: optionalText(4000),
  unit: choice(MEASURE_UNITS, 'the unit of measurement'),
  decimals: wholeNumberOf('the decimal places', 0, 6).optional(),
  polarity: choice(POLARITIES, 'the polarity (whether higher or lower is better)'),
  frequency: choice(FREQUENCIES, 'how often the measure is reported'),
  kind: choice(
    MEASURE_KINDS,
    'whether the measure is strategic, operational or contextual',
  ).optional(),
  cumulative: flag(),
  numeratorLabel: optionalText(200),
  denominatorLabel: optionalText(200),
  formula: optionalText(2000),
  baselineValue: optionalNumber('the baseline value'),
  baselinePeriod: optionalText(40),
  dataSource: optionalText(1000),
  collectionMethod: optionalText(2000),
  ownerId: optionalId('the owner'),
  dataEntryOfficerId: optionalId('the data-entry officer'),
  approverId: optionalId('the approver'),
  unitId: optionalId('the owning unit'),
  public: flag(),
  nationalIndicatorRef: optionalText(100),
  quality: z
    .object(Object.fromEntries(QUALITY_CRITERIA.map((c) => [c, Quality.optional()])))
    .partial()
    .optional(),
  dueWorkingDays: z.preprocess(
    blankToNull,
    wholeNumberOf('the working days after the period ends', 0, 250).nullable().optional(),
  ),
  status: choice(MEASURE_STATUSES, 'the status').optional(),
  tolerance: Tolerance.optional(),
  forecastMethod: z
    .enum(['average', 'last_value'], { error: 'Select average or latest value' })
    .optional(),
  allowOutOfRange: flag(),
}

export const MeasureInput = z.object(measureFields)
export type MeasureInput = z.output<typeof MeasureInput>

export const MeasureChanges = changesOf(MeasureInput).extend({
  /** The definition's version as last read; a stale one is refused with 409. */
  version: versionField().optional(),
})
export type MeasureChanges = z.output<typeof MeasureChanges>

export const TargetInput = z.object({
  period: PeriodField,
  value: optionalNumber('the target'),
  lower: optionalNumber('the lower limit of the band'),
  upper: optionalNumber('the upper limit of the band'),
})
export const TargetsInput = z.object({
  targets: z.array(TargetInput, { error: 'Send a list of targets' }).max(2000),
})
export type TargetsInput = z.output<typeof TargetsInput>

export const MeasureListQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).catch(1),
  pageSize: z.coerce.number().int().min(1).max(500).catch(50),
  unitId: z.uuid().optional().catch(undefined),
  nodeId: z.uuid().optional().catch(undefined),
  status: z
    .enum(['green', 'amber', 'red', 'no_target', 'no_data', 'overdue'])
    .optional()
    .catch(undefined),
  frequency: z.enum(FREQUENCIES).optional().catch(undefined),
  ownerId: z.uuid().optional().catch(undefined),
  kind: z.enum(MEASURE_KINDS).optional().catch(undefined),
  measureStatus: z.enum(MEASURE_STATUSES).optional().catch(undefined),
  search: z.string().trim().max(100).optional().catch(undefined),
  /** The SPC variation of the latest approved value, such as special_cause_concern. */
  variation: z.enum(SPC_VARIATIONS).optional().catch(undefined),
})
export type MeasureListQuery = z.output<typeof MeasureListQuery>

/** Comparator figures entered by hand for one period. */
export const BenchmarkInput = z.object({
  period: PeriodField,
  familyAverage: optionalNumber('the family group average'),
  nationalMedian: optionalNumber('the national median'),
  nationalLowerQuartile: optionalNumber('the national lower quartile'),
  nationalUpperQuartile: optionalNumber('the national upper quartile'),
  source: z
    .string({ error: 'Enter where the comparator figures come from' })
    .trim()
    .min(1, { error: 'Enter where the comparator figures come from' })
    .max(300, { error: 'Must be 300 characters or fewer' }),
})
export type BenchmarkInput = z.output<typeof BenchmarkInput>
