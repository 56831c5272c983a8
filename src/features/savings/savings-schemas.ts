import { z } from 'zod'
import { MoneyError, parseMoney } from '../../core/money.ts'
import { parseFinancialYear, parsePeriodInput, PeriodError } from '../../core/periods.ts'
import type { SavingDurability, SavingStatus, SavingType } from '../../db/schema.ts'
import { changesOf, choice, optionalId, optionalText, requiredText } from '../../web/fields.ts'

/** Delivery within this percentage of profile (to date and at year end) still counts as on track. */
export const DELIVERY_TOLERANCE_PERCENT = 5

export const SAVING_TYPES = ['cashable', 'non_cashable'] as const satisfies readonly SavingType[]
export const SAVING_TYPE_NAMES: Readonly<Record<SavingType, string>> = {
  cashable: 'Cashable',
  non_cashable: 'Non-cashable',
}

export const DURABILITIES = ['ongoing', 'one_off'] as const satisfies readonly SavingDurability[]
export const DURABILITY_NAMES: Readonly<Record<SavingDurability, string>> = {
  ongoing: 'Ongoing',
  one_off: 'One-off',
}

export const SAVING_STATUSES = [
  'proposed',
  'planned',
  'in_delivery',
  'delivered',
  'withdrawn',
] as const satisfies readonly SavingStatus[]
export const SAVING_STATUS_NAMES: Readonly<Record<SavingStatus, string>> = {
  proposed: 'Proposed',
  planned: 'Agreed, not started',
  in_delivery: 'In delivery',
  delivered: 'Delivered',
  withdrawn: 'Withdrawn',
}

export const GROUPINGS = ['unit', 'programme', 'priority_board', 'type'] as const
export type Grouping = (typeof GROUPINGS)[number]
export const GROUPING_NAMES: Readonly<Record<Grouping, string>> = {
  unit: 'Directorate and service',
  programme: 'Programme',
  priority_board: 'Priority board',
  type: 'Type',
}

function moneyParser(what: string, allowNegative: boolean) {
  return (value: string | number, ctx: z.RefinementCtx) => {
    try {
      return parseMoney(value, { what, allowNegative })
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error
      ctx.addIssue({ code: 'custom', message: error.message })
      return z.NEVER
    }
  }
}

/** Money as text ("1,250.50") or a JSON number, read to whole pence; never through a float sum. */
export function money(what: string, options: { allowNegative?: boolean } = {}) {
  return z
    .union([z.string(), z.number()], { error: `Enter ${what}` })
    .transform(moneyParser(what, options.allowNegative ?? false))
}

/** Money that may be left blank (null). */
export function optionalMoney(what: string) {
  return z.preprocess(
    (v) => (v === '' || v === undefined ? null : v),
    z.union([z.string(), z.number()]).transform(moneyParser(what, false)).nullable(),
  )
}

/** A financial year written 2025/26. */
export const financialYear = z
  .string({ error: 'Enter the financial year, like 2025/26' })
  .transform((value, ctx) => {
    try {
      return parseFinancialYear(value)
    } catch (error) {
      if (!(error instanceof PeriodError)) throw error
      ctx.addIssue({ code: 'custom', message: error.message })
      return z.NEVER
    }
  })

/** A month as its label ("Apr 2025") or `{frequency: "monthly", start}`. */
export const monthField = z
  .union([z.string(), z.object({ frequency: z.string(), start: z.string() })], {
    error: 'Enter the month, like Apr 2025',
  })
  .transform((value, ctx) => {
    try {
      const period = parsePeriodInput(value)
      if (period.frequency !== 'monthly') {
        ctx.addIssue({ code: 'custom', message: `${period.label} is not a month` })
        return z.NEVER
      }
      return period
    } catch (error) {
      if (!(error instanceof PeriodError)) throw error
      ctx.addIssue({ code: 'custom', message: error.message })
      return z.NEVER
    }
  })

const YearInput = z.object({
  financialYear,
  amount: money('the saving for the year'),
  cost: optionalMoney('the cost to achieve').optional(),
})

const lineFields = {
  reference: requiredText('a reference', 30),
  title: requiredText('a title', 300),
  description: optionalText(4000),
  unitId: z.uuid({ error: 'Select the unit from the list' }),
  programme: optionalText(200),
  priorityBoard: optionalText(200),
  projectId: optionalId('a project'),
  savingType: choice(SAVING_TYPES, 'whether the saving is cashable'),
  durability: choice(DURABILITIES, 'whether the saving is ongoing or one-off'),
  ownerId: optionalId('an owner'),
  status: choice(SAVING_STATUSES, 'the status').optional(),
}

export const LineInput = z.object({
  ...lineFields,
  years: z
    .array(YearInput, { error: 'Enter the saving for at least one year' })
    .min(1, { error: 'Enter the saving for at least one year' })
    .max(10, { error: 'Enter no more than 10 years' }),
})
export type LineInput = z.output<typeof LineInput>

export const LineChanges = changesOf(LineInput)
export type LineChanges = z.output<typeof LineChanges>

export const ProfileInput = z
  .object({
    financialYear,
    profile: choice(['even', 'custom'] as const, 'an even or a custom profile'),
    months: z
      .array(money('the month’s saving'), { error: 'Enter the 12 months, April to March' })
      .length(12, { error: 'Enter the 12 months, April to March' })
      .optional(),
  })
  .refine((p) => p.profile === 'even' || p.months !== undefined, {
    error: 'Enter the 12 months of a custom profile, April to March',
    path: ['months'],
  })
export type ProfileInput = z.output<typeof ProfileInput>

export const DeliveryInput = z.object({
  financialYear,
  months: z
    .array(
      z.object({
        month: monthField,
        actual: optionalMoney('the actual saving').optional(),
        forecast: optionalMoney('the forecast saving').optional(),
        note: optionalText(1000),
      }),
    )
    .min(1, { error: 'Enter at least one month' })
    .max(12, { error: 'Enter no more than the 12 months of the year' }),
})
export type DeliveryInput = z.output<typeof DeliveryInput>

export const TargetInput = z.object({
  financialYear,
  amount: money('the savings target'),
})
export type TargetInput = z.output<typeof TargetInput>
