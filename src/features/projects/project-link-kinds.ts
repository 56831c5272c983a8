import { PROJECT_STATUSES } from '../../core/project-status.ts'
import type { ItemKind, LinkableItem } from '../links/index.ts'
import type { ProjectView } from './project-presenter.ts'
import { LEVEL_NAMES, STATUS_NAMES } from './project-schemas.ts'
import type { ProjectService } from './project-service.ts'

const item = (p: ProjectView): LinkableItem => ({
  id: p.id,
  title: p.code ? `${p.code} ${p.title}` : p.title,
  href: `/projects/${p.id}`,
  hint: LEVEL_NAMES[p.level],
  status: p.status,
  active: p.status !== 'closed',
})

/** Programmes, projects and actions link to nodes as "delivering", counted by their status. */
export function projectLinkKinds(projects: ProjectService): ItemKind[] {
  return [
    {
      kind: 'project',
      name: 'project',
      pluralName: 'projects',
      relation: 'delivering',
      statuses: PROJECT_STATUSES.map((value) => ({
        value,
        text: `${STATUS_NAMES[value].symbol} ${STATUS_NAMES[value].text}`,
      })),
      list: async (principal) => (await projects.list(principal)).map(item),
      async find(principal, ids) {
        const wanted = new Set(ids)
        return (await projects.list(principal)).filter((p) => wanted.has(p.id)).map(item)
      },
    },
  ]
}
