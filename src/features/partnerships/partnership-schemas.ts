import { z } from 'zod'
import { choice, optionalId, optionalText, requiredText } from '../../web/fields.ts'

export const ITEM_KINDS = ['measure', 'project', 'risk'] as const
export const ACCESS = ['read', 'contribute'] as const

export const PartnershipInput = z.object({
  name: requiredText('the partnership’s name'),
  purpose: optionalText(2000),
})
export type PartnershipInput = z.output<typeof PartnershipInput>

export const MemberInput = z.object({
  organisation: requiredText('the member organisation’s short name (slug), like example-nhs', 100),
})
export type MemberInput = z.output<typeof MemberInput>

export const PriorityInput = z.object({
  title: requiredText('the priority', 300),
  description: optionalText(2000),
})
export type PriorityInput = z.output<typeof PriorityInput>

export const ShareInput = z.object({
  itemKind: choice(ITEM_KINDS, 'what to share: a measure, a project or a risk'),
  itemId: z.uuid({ error: 'Select the item to share' }),
  access: choice(ACCESS, 'whether partners may read it or also contribute to it'),
  basis: requiredText(
    'the data-sharing basis, like the partnership’s information sharing agreement',
    1000,
  ),
  priorityId: optionalId('the shared plan priority'),
})
export type ShareInput = z.output<typeof ShareInput>

export const WithdrawInput = z
  .object({ reason: optionalText(2000) })
  .nullish()
  .transform((v) => v ?? {})
export type WithdrawInput = z.output<typeof WithdrawInput>

export const ShareParams = z.object({
  id: z.uuid({ error: 'Not a valid id' }),
  shareId: z.uuid({ error: 'Not a valid id' }),
})
