// The organisation feature's public face: everything other parts of the application use of it.
import type { HistoryItem, ServiceContext } from '../../web/feature.ts'
import type { OrganisationService } from './organisation-service.ts'
import type { Services } from '../../services.ts'
import type { Principal } from '../../core/principal.ts'
import type { LinkRegistry } from '../links/index.ts'
import { canViewAudit } from '../audit/index.ts'
import { NotFound } from '../../errors.ts'
import { organisationApi } from './organisation-api.ts'
import { organisationLinkKinds } from './organisation-link-kinds.ts'
import { organisationRoutes } from './organisation-routes.ts'
import { createOrganisationService } from './organisation-service.ts'
import { UNIT_KIND_NAMES } from './organisation-schemas.ts'

export { organisationApi } from './organisation-api.ts'
export { cliCommands, resolveOrganisation } from './organisation-cli.ts'
export { everyone, organisationLinkKinds } from './organisation-link-kinds.ts'
export * as organisationRepository from './organisation-repository.ts'
export { organisationRoutes } from './organisation-routes.ts'
export { UNIT_KIND_NAMES } from './organisation-schemas.ts'
export { createOrganisation, createOrganisationService } from './organisation-service.ts'
export type { OrganisationService } from './organisation-service.ts'
export { unitNames, unitSelectItems } from './unit-options.ts'
export { unitTreeOf } from './unit-trees.ts'

export const feature = {
  name: 'organisation',
  navigation: [
    { href: '/units', text: 'Units', position: 40 },
    { href: '/people', text: 'People', position: 50 },
  ],
  templateFilters: {
    unitKindName: (kind: keyof typeof UNIT_KIND_NAMES) => UNIT_KIND_NAMES[kind],
  },
  services: {
    organisation: ({ db, clock }: ServiceContext) => createOrganisationService({ db, clock }),
  },
  register: {
    position: 10,
    run: ({ links, organisation }: { links: LinkRegistry; organisation: OrganisationService }) =>
      links.register(...organisationLinkKinds(organisation)),
  },
  routes: [organisationRoutes],
  api: [organisationApi],
  tables: ['role_assignments', 'people', 'units'],
  historyItems: {
    organisation: async (
      _services: Services,
      principal: Principal,
      id: string,
    ): Promise<HistoryItem> => {
      if (id !== principal.organisationId || !canViewAudit(principal)) throw new NotFound()
      return { title: principal.organisationName, href: '/audit' }
    },
    unit: async (services: Services, principal: Principal, id: string): Promise<HistoryItem> => {
      const unit = await services.organisation.getUnit(principal, id)
      return { title: unit.name, href: `/units/${id}` }
    },
    person: async (services: Services, principal: Principal, id: string): Promise<HistoryItem> => {
      const person = await services.organisation.getPerson(principal, id)
      return { title: person.name, href: `/people/${id}` }
    },
  },
}
