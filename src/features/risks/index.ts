// The risks feature's public face: everything other parts of the application use of it.
import type { HistoryItem, ServiceContext } from '../../web/feature.ts'
import type { RiskService } from './risk-service.ts'
import type { Services } from '../../services.ts'
import type { Principal } from '../../core/principal.ts'
import type { LinkRegistry } from '../links/index.ts'
import { riskApi } from './risk-api.ts'
import { riskLinkKind } from './risk-link-kinds.ts'
import { riskRoutes } from './risk-routes.ts'
import { createRiskService } from './risk-service.ts'

export { riskApi } from './risk-api.ts'
export { buildDemoRisks, linkDemoRisksToProjects } from './risk-demo.ts'
export { riskLinkKind } from './risk-link-kinds.ts'
export { canViewRegister } from './risk-policy.ts'
export { presentMatrix } from './risk-presenter.ts'
export type { RiskView } from './risk-presenter.ts'
export * as riskRepository from './risk-repository.ts'
export { riskRoutes } from './risk-routes.ts'
export {
  REVIEW_FREQUENCIES,
  REVIEW_FREQUENCY_NAMES,
  RISK_CATEGORIES,
  RISK_CATEGORY_NAMES,
  RISK_STATUSES,
  RISK_STATUS_NAMES,
  RiskChanges,
  RiskInput,
} from './risk-schemas.ts'
export { createRiskService } from './risk-service.ts'
export type { RiskService } from './risk-service.ts'

export const feature = {
  name: 'risks',
  navigation: [{ href: '/risks', text: 'Risks', position: 130 }],
  services: {
    risks: ({ db, clock, links }: ServiceContext & { links: LinkRegistry }) =>
      createRiskService({ db, clock, links }),
  },
  register: {
    position: 40,
    run: ({ links, risks }: { links: LinkRegistry; risks: RiskService }) =>
      links.register(riskLinkKind(risks)),
  },
  routes: [riskRoutes],
  api: [riskApi],
  tables: [
    'risk_links',
    'risk_escalations',
    'risk_actions',
    'risk_reviews',
    'risks',
    'risk_registers',
    'risk_matrices',
  ],
  historyItems: {
    risk: async (services: Services, principal: Principal, id: string): Promise<HistoryItem> => {
      const risk = await services.risks.getRisk(principal, id)
      return { title: `${risk.reference} ${risk.title}`, href: `/risks/${id}` }
    },
    risk_register: async (
      services: Services,
      principal: Principal,
      id: string,
    ): Promise<HistoryItem> => {
      const register = await services.risks.getRegister(principal, id)
      return { title: register.name, href: `/risks/registers/${id}` }
    },
  },
}
