import { z } from 'zod'
import { changesOf, choice, optionalId, optionalText, requiredText } from '../../web/fields.ts'
import { ROLES } from '../../core/principal.ts'
import type { Role } from '../../db/schema.ts'

export const UNIT_KINDS = [
  'directorate',
  'service',
  'team',
  'locality',
  'partner',
  'other',
] as const

export const UNIT_KIND_NAMES: Readonly<Record<(typeof UNIT_KINDS)[number], string>> = {
  directorate: 'Directorate',
  service: 'Service or division',
  team: 'Team',
  locality: 'Locality',
  partner: 'Partner organisation',
  other: 'Other',
}

export const UnitInput = z.object({
  name: requiredText('a name for the unit'),
  kind: choice(UNIT_KINDS, 'the kind of unit'),
  code: optionalText(20),
  parentId: optionalId('the unit this sits under'),
})
export type UnitInput = z.output<typeof UnitInput>

export const UnitChanges = changesOf(UnitInput).extend({
  active: z.boolean({ error: 'Active must be true or false' }).optional(),
  position: z.number().int().min(0).max(100000).optional(),
})
export type UnitChanges = z.output<typeof UnitChanges>

const email = z
  .string({ error: 'Enter an email address' })
  .trim()
  .min(1, { error: 'Enter an email address' })
  .max(254, { error: 'Email address must be 254 characters or fewer' })
  .pipe(z.email({ error: 'Enter an email address in the correct format, like name@example.com' }))
  .transform((value) => value.toLowerCase())

const role = z.enum(ROLES as [Role, ...Role[]], { error: 'Select a role' })

export const RoleGrantInput = z.object({
  role,
  unitId: optionalId('the unit the role applies to'),
})
export type RoleGrantInput = z.output<typeof RoleGrantInput>

export const PersonInput = z.object({
  email,
  name: requiredText('the person’s full name'),
  jobTitle: optionalText(200),
  unitId: optionalId('the person’s unit'),
  lineManagerId: optionalId('the person’s line manager'),
  password: optionalText(256),
  roles: z.array(RoleGrantInput).max(50).optional(),
})
export type PersonInput = z.output<typeof PersonInput>

export const PersonChanges = changesOf(PersonInput.omit({ password: true, roles: true })).extend({
  active: z.boolean({ error: 'Active must be true or false' }).optional(),
})
export type PersonChanges = z.output<typeof PersonChanges>

export const OrganisationInput = z.object({
  name: requiredText('the organisation’s name'),
  slug: z
    .string({ error: 'Enter a short name for web addresses' })
    .trim()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
      error: 'Short name must use lower-case letters, numbers and hyphens, like example-city',
    })
    .max(60, { error: 'Short name must be 60 characters or fewer' }),
})
