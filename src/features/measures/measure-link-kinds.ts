import type { ItemKind } from '../links/index.ts'
import { RAG_NAMES } from './measure-presenter.ts'
import type { MeasureService } from './measure-service.ts'

const ORDER = ['red', 'amber', 'green', 'overdue', 'no_data', 'no_target'] as const

/** Measures link to nodes as "measuring progress"; roll-ups count them by today's status. */
export function measureLinkKind(measures: MeasureService): ItemKind {
  return {
    kind: 'measure',
    name: 'measure',
    pluralName: 'measures',
    relation: 'measuring progress',
    statuses: ORDER.map((value) => ({ value, text: RAG_NAMES[value] })),
    list: (principal) => measures.linkable(principal),
    find: (principal, ids) => measures.linkable(principal, ids),
  }
}
