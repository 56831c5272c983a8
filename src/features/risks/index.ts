// The risks feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

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

export const feature: Feature = {
  name: 'risks',
  navigation: [{ href: '/risks', text: 'Risks', position: 130 }],
}
