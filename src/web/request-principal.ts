import type { FastifyRequest } from 'fastify'
import type { Principal } from '../core/principal.ts'
import { Unauthenticated } from '../errors.ts'
import { isApiRequest } from './error-pages.ts'

// Who is asking, as every route sees it; the auth feature's setUpAuthentication fills these in.
export const SESSION_COOKIE = 'gt_session'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
    authMethod: 'session' | 'token' | null
    sessionToken: string | null
    /** Seconds until the session ends if nothing more is done, and whether it can be extended. */
    sessionTimeLeft: { seconds: number; extendable: boolean } | null
  }
  interface FastifyReply {
    locals: Record<string, unknown> | undefined
  }
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) {
    throw new Unauthenticated(
      isApiRequest(request)
        ? 'Authenticate with a session or an "Authorization: Bearer <token>" header'
        : undefined,
    )
  }
  return request.principal
}
