// The organisation feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'
import { UNIT_KIND_NAMES } from './organisation-schemas.ts'

export { organisationApi } from './organisation-api.ts'
export { cliCommands, resolveOrganisation } from './organisation-cli.ts'
export { everyone, organisationLinkKinds } from './organisation-link-kinds.ts'
export * as organisationRepository from './organisation-repository.ts'
export { ORGANISATION_TABLES } from './organisation-repository.ts'
export { organisationRoutes } from './organisation-routes.ts'
export { UNIT_KIND_NAMES } from './organisation-schemas.ts'
export { createOrganisation, createOrganisationService } from './organisation-service.ts'
export type { OrganisationService } from './organisation-service.ts'
export { unitNames, unitSelectItems } from './unit-options.ts'
export { unitTreeOf } from './unit-trees.ts'

export const feature: Feature = {
  name: 'organisation',
  navigation: [
    { href: '/units', text: 'Units', position: 40 },
    { href: '/people', text: 'People', position: 50 },
  ],
  templateFilters: {
    unitKindName: (kind: keyof typeof UNIT_KIND_NAMES) => UNIT_KIND_NAMES[kind],
  },
}
