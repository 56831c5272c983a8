import type { ItemKind } from '../links/index.ts'
import { BAND_NAMES_DEFAULT } from './risk-schemas.ts'
import type { RiskService } from './risk-service.ts'

/**
 * Risks link to nodes of the golden thread as threats to their delivery; a roll-up counts them
 * by the band of their current score, most severe first.
 */
export function riskLinkKind(risks: RiskService): ItemKind {
  return {
    kind: 'risk',
    name: 'risk',
    pluralName: 'risks',
    relation: 'a risk to delivery',
    statuses: (['very_high', 'high', 'medium', 'low'] as const).map((value) => ({
      value,
      text: BAND_NAMES_DEFAULT[value],
    })),
    list: (principal) => risks.linkableRisks(principal),
    find: (principal, ids) => risks.linkableRisks(principal, ids),
  }
}
