// The auth feature's public face: everything other parts of the application use of it.
import type { HookContext, ServiceContext } from '../../web/feature.ts'
import type { Services } from '../../services.ts'
import type { FastifyInstance } from 'fastify'
import { authApi } from './auth-api.ts'
import { authRoutes } from './auth-routes.ts'
import { createAuthService } from './auth-service.ts'
import { setUpAuthentication } from './authentication.ts'
import { createOidcClient } from './oidc-client.ts'
import { oidcRoutes } from './oidc-routes.ts'

export { authApi } from './auth-api.ts'
export * as authRepository from './auth-repository.ts'
export { loadPrincipal } from './auth-repository.ts'
export { authRoutes } from './auth-routes.ts'
export { createAuthService, normaliseEmail } from './auth-service.ts'
export { setFlash, setUpAuthentication } from './authentication.ts'
export { createOidcClient } from './oidc-client.ts'
export { oidcRoutes } from './oidc-routes.ts'
export { hashPassword, passwordProblem } from './passwords.ts'

export const feature = {
  name: 'auth',
  services: {
    auth: ({ db, config, clock }: ServiceContext) => createAuthService({ db, config, clock }),
    oidc: ({ config }: ServiceContext) => (config.oidc ? createOidcClient(config.oidc) : null),
  },
  hooks: (app: FastifyInstance, { services, config, navigation }: HookContext<Services>) =>
    setUpAuthentication(app, services, config, navigation),
  routes: [authRoutes, oidcRoutes],
  api: [authApi],
  tables: ['sessions', 'api_tokens'],
}
