import type { Config } from './config.ts'
import type { Database } from './db/database.ts'
import { createAuditService } from './features/audit/audit-service.ts'
import { createAuthService } from './features/auth/auth-service.ts'
import { createOrganisationService } from './features/organisation/organisation-service.ts'

export interface ServiceDeps {
  readonly config: Config
  readonly database: Database
  readonly clock: () => Date
}

/** Every service, built from explicit dependencies; routes, the API and the CLI share them. */
export function createServices({ config, database, clock }: ServiceDeps) {
  const db = database.db
  return {
    auth: createAuthService({ db, config, clock }),
    organisation: createOrganisationService({ db, clock }),
    audit: createAuditService({ db }),
  }
}

export type Services = ReturnType<typeof createServices>
