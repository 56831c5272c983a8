// The auth feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { authApi } from './auth-api.ts'
export * as authRepository from './auth-repository.ts'
export { loadPrincipal } from './auth-repository.ts'
export { authRoutes } from './auth-routes.ts'
export { createAuthService, normaliseEmail } from './auth-service.ts'
export { setFlash, setUpAuthentication } from './authentication.ts'
export { createOidcClient } from './oidc-client.ts'
export { oidcRoutes } from './oidc-routes.ts'
export { hashPassword, passwordProblem } from './passwords.ts'

export const feature: Feature = {
  name: 'auth',
}
