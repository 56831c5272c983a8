import { riskCore, type RiskDeps } from './risk-core.ts'
import { riskItemService } from './risk-item-service.ts'
import { riskLinkService } from './risk-link-service.ts'
import type { EscalationView } from './risk-presenter.ts'
import { riskRegisterService } from './risk-register-service.ts'
import { riskTreatmentService } from './risk-treatment-service.ts'

export { RELATED_KINDS } from './risk-core.ts'
export type { RiskDeps, RiskFilters } from './risk-core.ts'

export type RiskService = ReturnType<typeof createRiskService>

/**
 * Risks: the matrix and registers (risk-register-service), risks themselves
 * (risk-item-service), what is done about them (risk-treatment-service) and what other features
 * read of them (risk-link-service), over what they share (risk-core).
 */
export function createRiskService(deps: RiskDeps) {
  const core = riskCore(deps)
  const links = riskLinkService(core)
  return {
    today: core.today,
    listRisks: core.listRisks,
    getRisk: core.getRisk,
    overview: core.overview,
    ...riskRegisterService(core),
    ...riskItemService(core, links),
    ...riskTreatmentService(core),
    ...links,
  }
}

export type RegisterSummary = Awaited<ReturnType<RiskService['listRegisters']>>[number]
export type RiskDetail = Awaited<ReturnType<RiskService['riskDetail']>>
export type { EscalationView }
