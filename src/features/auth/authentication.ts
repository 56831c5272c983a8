import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.ts'
import { Unauthenticated } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { isApiRequest } from '../../web/error-pages.ts'
import type { NavSection } from '../../web/feature.ts'
import { navigationFor } from '../../web/navigation.ts'
import { isPublicRequest } from '../../web/public-paths.ts'
import { FLASH_COOKIE, sessionCookieOptions, setFlash } from '../../web/flash.ts'
import { SESSION_COOKIE } from '../../web/request-principal.ts'

export { sessionCookieOptions, setFlash }

export const SESSION_STATUS_PATH = '/session/status'
/** The time-out warning shows this long before the session ends (GOV.UK: 2 minutes). */
export const SESSION_WARNING_SECONDS = 120
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Who is asking: an API token (API only) or a server-side session. Unsafe browser requests,
 * forms and API calls alike, must carry the CSRF token.
 */
export function setUpAuthentication(
  app: FastifyInstance,
  services: Services,
  config: Config,
  navigation: readonly NavSection[],
): void {
  app.decorateRequest('principal', null)
  app.decorateRequest('authMethod', null)
  app.decorateRequest('sessionToken', null)
  app.decorateRequest('sessionTimeLeft', null)

  app.addHook('onRequest', async (request) => {
    // Public pages know no one and set no cookie: no session, CSRF or flash for them.
    if (request.url.startsWith('/static/') || isPublicRequest(request)) return
    const authorization = request.headers.authorization
    if (isApiRequest(request) && authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization)
      const principal = match?.[1] ? await services.auth.principalForApiToken(match[1]) : null
      if (!principal) throw new Unauthenticated('The API token is not valid, or has been revoked')
      request.principal = principal
      request.authMethod = 'token'
      return
    }
    const token = request.cookies[SESSION_COOKIE]
    if (token) {
      // Asking how long is left must not itself keep the session alive.
      const touch = request.url.split('?')[0] !== SESSION_STATUS_PATH
      const session = await services.auth.sessionFor(token, { touch })
      if (session) {
        request.principal = session.principal
        request.authMethod = 'session'
        request.sessionToken = token
        request.sessionTimeLeft = { seconds: session.secondsLeft, extendable: session.extendable }
      }
    }
  })

  app.addHook('preHandler', (request, reply, done) => {
    if (isPublicRequest(request)) {
      done()
      return
    }
    const needsCsrf = isApiRequest(request) ? request.authMethod === 'session' : true
    if (needsCsrf && UNSAFE.has(request.method)) {
      app.csrfProtection(request, reply, done)
      return
    }
    done()
  })

  app.addHook('preHandler', async (request, reply) => {
    if (isApiRequest(request) || request.url.startsWith('/static/')) return
    if (isPublicRequest(request)) {
      // Error pages under /public still need the nonce for their scripts; nothing else.
      reply.locals = { ...reply.locals, cspNonce: reply.cspNonce.script }
      return
    }
    const flashCookie = request.cookies[FLASH_COOKIE]
    let flash: string | null = null
    if (flashCookie) {
      const unsigned = request.unsignCookie(flashCookie)
      flash = unsigned.valid ? unsigned.value : null
      reply.clearCookie(FLASH_COOKIE, { path: '/' })
    }
    reply.locals = {
      ...reply.locals,
      principal: request.principal,
      navigation: request.principal
        ? navigationFor(navigation, request.principal, request.url.split('?')[0] ?? '/')
        : [],
      csrfToken: reply.generateCsrf(),
      cspNonce: reply.cspNonce.script,
      flash,
      currentPath: request.url,
      sessionTimeout: request.sessionTimeLeft && {
        ...request.sessionTimeLeft,
        warningSeconds: Math.min(SESSION_WARNING_SECONDS, config.session.idleMinutes * 30),
        idleMinutes: config.session.idleMinutes,
      },
    }
  })
}
