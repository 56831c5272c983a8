import { z } from 'zod'
import { parseFinancialYear } from '../../core/periods.ts'
import type { NodeStatus, PlanKind, PlanStatus } from '../../db/schema.ts'
import { changesOf, choice, optionalId, optionalText, requiredText } from '../../web/fields.ts'

export const PLAN_KINDS = [
  'city',
  'corporate',
  'business',
  'delivery',
  'improvement',
  'service',
  'team',
] as const satisfies readonly PlanKind[]

export const PLAN_KIND_NAMES: Readonly<Record<PlanKind, string>> = {
  city: 'City plan',
  corporate: 'Corporate plan',
  business: 'Business plan',
  delivery: 'Delivery plan',
  improvement: 'Improvement plan',
  service: 'Service plan',
  team: 'Team plan',
}

export const PLAN_STATUSES = [
  'draft',
  'active',
  'archived',
] as const satisfies readonly PlanStatus[]

export const PLAN_STATUS_NAMES: Readonly<Record<PlanStatus, string>> = {
  draft: 'Draft',
  active: 'Active',
  archived: 'Archived',
}

export const NODE_STATUSES = ['active', 'archived'] as const satisfies readonly NodeStatus[]

export const MAX_LEVELS = 6

/** A financial year written the UK way, 2024/25. */
function financialYear(which: string) {
  const message = `Enter the ${which} financial year in the form 2024/25`
  return z
    .string({ error: message })
    .trim()
    .min(1, { error: message })
    .refine(
      (text) => {
        try {
          parseFinancialYear(text)
          return true
        } catch {
          return false
        }
      },
      { error: message },
    )
}

const levels = z
  .array(requiredText('a name for each level', 60), {
    error: 'Enter the names of the plan’s levels',
  })
  .min(1, { error: 'Enter at least one level, like Theme' })
  .max(MAX_LEVELS, { error: `A plan can have up to ${MAX_LEVELS} levels` })

export const PlanInput = z.object({
  title: requiredText('a title for the plan'),
  kind: choice(PLAN_KINDS, 'the kind of plan'),
  firstYear: financialYear('first'),
  lastYear: financialYear('last'),
  status: choice(PLAN_STATUSES, 'the plan’s status').default('draft'),
  ownerUnitId: optionalId('the unit that owns the plan'),
  parentPlanId: optionalId('the plan this sits under'),
  vision: optionalText(2000),
  mission: optionalText(2000),
  levels,
})
export type PlanInput = z.output<typeof PlanInput>

export const PlanChanges = changesOf(PlanInput)
export type PlanChanges = z.output<typeof PlanChanges>

export const NodeInput = z.object({
  title: requiredText('a title'),
  description: optionalText(4000),
  whatSuccessLooksLike: optionalText(4000),
  ownerId: optionalId('the owner'),
  leadUnitId: optionalId('the lead unit'),
  parentId: optionalId('what this sits under in the plan'),
  contributesToId: optionalId('what this sits under in a plan above'),
})
export type NodeInput = z.output<typeof NodeInput>

export const NodeChanges = changesOf(NodeInput).extend({
  status: z.enum(NODE_STATUSES, { error: 'Status must be active or archived' }).optional(),
  /** Place among its siblings, 0 first. */
  position: z.number().int().min(0).max(100000).optional(),
})
export type NodeChanges = z.output<typeof NodeChanges>

export const LinkInput = z.object({
  itemKind: z
    .string({ error: 'Select the kind of item' })
    .trim()
    .regex(/^[a-z][a-z_]*$/, { error: 'Select the kind of item' }),
  itemId: z.uuid({ error: 'Select an item from the list' }),
})
export type LinkInput = z.output<typeof LinkInput>
