import type { Principal } from '../../core/principal.ts'
import type { ItemKind, LinkableItem } from '../links/index.ts'
import type { PersonView, UnitView } from './organisation-presenter.ts'
import { UNIT_KIND_NAMES } from './organisation-schemas.ts'
import type { OrganisationService } from './organisation-service.ts'

const PAGE = 500

const unitItem = (u: UnitView): LinkableItem => ({
  id: u.id,
  title: u.name,
  href: `/units/${u.id}`,
  hint: UNIT_KIND_NAMES[u.kind],
  status: null,
  active: u.active,
})

const personItem = (p: PersonView): LinkableItem => ({
  id: p.id,
  title: p.name,
  href: `/people/${p.id}`,
  hint: p.jobTitle,
  status: null,
  active: p.active,
})

/** Every person the principal may see, page by page. */
export async function everyone(
  org: OrganisationService,
  principal: Principal,
): Promise<PersonView[]> {
  const people: PersonView[] = []
  for (let page = 1; ; page++) {
    const { items, total } = await org.listPeople(principal, { page, pageSize: PAGE })
    people.push(...items)
    if (items.length === 0 || people.length >= total) return people
  }
}

/** Units and people link to nodes as "contributing": who works towards a priority. */
export function organisationLinkKinds(org: OrganisationService): ItemKind[] {
  return [
    {
      kind: 'unit',
      name: 'unit',
      pluralName: 'units',
      relation: 'contributing',
      statuses: [],
      list: async (principal) => (await org.listUnits(principal)).map(unitItem),
      async find(principal, ids) {
        const wanted = new Set(ids)
        return (await org.listUnits(principal)).filter((u) => wanted.has(u.id)).map(unitItem)
      },
    },
    {
      kind: 'person',
      name: 'person',
      pluralName: 'people',
      relation: 'contributing',
      statuses: [],
      list: async (principal) => (await everyone(org, principal)).map(personItem),
      async find(principal, ids) {
        const wanted = new Set(ids)
        return (await everyone(org, principal)).filter((p) => wanted.has(p.id)).map(personItem)
      },
    },
  ]
}
