// The audit feature's public face: everything other parts of the application use of it.
import type { ServiceContext } from '../../web/feature.ts'
import { auditRoutes } from './audit-routes.ts'
import { createAuditService } from './audit-service.ts'
import { canViewAudit } from './audit-policy.ts'

export { canViewAudit } from './audit-policy.ts'
export { auditRoutes } from './audit-routes.ts'
export {
  SYSTEM_ACTOR,
  actorOf,
  auditor,
  changeMark,
  createAuditService,
  recordAudit,
  recordAudits,
  verifyAudit,
} from './audit-service.ts'
export type { AuditActor, AuditedChange } from './audit-service.ts'

export const feature = {
  name: 'audit',
  navigation: [{ href: '/audit', text: 'Audit log', position: 200, visible: canViewAudit }],
  services: {
    audit: ({ db }: ServiceContext) => createAuditService({ db }),
  },
  routes: [auditRoutes],
  tables: ['audit_records', 'audit_heads'],
}
