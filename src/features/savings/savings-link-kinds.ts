import type { ItemKind } from '../links/index.ts'
import { DELIVERY_RAG_NAMES } from '../../core/savings.ts'
import type { SavingsService } from './savings-service.ts'

/**
 * Savings lines link to nodes of the golden thread as the money behind them; a roll-up counts
 * them by this year's delivery against profile, most at risk first.
 */
export function savingLinkKind(savings: SavingsService): ItemKind {
  return {
    kind: 'saving',
    name: 'savings line',
    pluralName: 'savings lines',
    relation: 'a saving towards it',
    statuses: (['red', 'amber', 'green', 'delivered', 'not_started'] as const).map((value) => ({
      value,
      text: DELIVERY_RAG_NAMES[value],
    })),
    list: (principal) => savings.linkableLines(principal),
    find: (principal, ids) => savings.linkableLines(principal, ids),
  }
}
