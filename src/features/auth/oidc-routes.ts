import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Config } from '../../config.ts'
import { Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { SESSION_COOKIE } from '../../web/request-principal.ts'
import { sessionCookieOptions } from './authentication.ts'
import { NotSetUp } from './auth-service.ts'
import { safeNext } from './auth-routes.ts'
import type { PendingSignIn } from './oidc-client.ts'

const PENDING_COOKIE = 'gt_oidc'
const PENDING_PATH = '/sign-in/oidc'
const PENDING_MINUTES = 10

const Pending = z.object({
  state: z.string(),
  nonce: z.string(),
  verifier: z.string(),
  redirectUri: z.string(),
  next: z.string(),
})

const EXPIRED =
  'Your sign-in has expired or did not start on this site. Go back to the sign-in page and try again.'

function redirectUri(config: NonNullable<Config['oidc']>, request: FastifyRequest): string {
  return config.redirectUrl ?? `${request.protocol}://${request.host}/sign-in/oidc/callback`
}

/** The pending sign-in from its signed cookie, or null if absent, altered or not ours. */
function readPending(request: FastifyRequest): PendingSignIn | null {
  const raw = request.cookies[PENDING_COOKIE]
  if (!raw) return null
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid) return null
  try {
    const parsed = Pending.safeParse(JSON.parse(unsigned.value))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/**
 * Single sign-on with the council's identity provider (OpenID Connect). The state, nonce and PKCE
 * verifier travel in a short-lived cookie signed with our secret, so the browser cannot alter them.
 */
export const oidcRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const hide = { schema: { hide: true } }
  const oidc = services.oidc
  const settings = config.oidc
  if (!oidc || !settings) return

  const pendingCookie = {
    ...sessionCookieOptions(config),
    path: PENDING_PATH,
    signed: true,
  }

  app.get('/sign-in/oidc', hide, async (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>).next)
    if (request.principal) return reply.redirect(next, 303)
    // Found out before the trip to the identity provider, not after it.
    if (!(await services.auth.ssoReady())) {
      request.log.error(
        'Single sign-on cannot tell whose people it signs in: set OIDC_ORGANISATION to the slug of an existing organisation',
      )
      return reply.code(503).view('auth/views/sign-in-refused.njk', {
        title: 'Single sign-on is not available',
        message:
          'Single sign-on is not set up correctly on this service. Sign in with your password if you have one, or ask your administrator.',
      })
    }
    const { url, pending } = await oidc.start(redirectUri(settings, request), next)
    reply.setCookie(PENDING_COOKIE, JSON.stringify(pending), {
      ...pendingCookie,
      maxAge: PENDING_MINUTES * 60,
    })
    return reply.redirect(url.href, 303)
  })

  app.get('/sign-in/oidc/callback', hide, async (request, reply) => {
    const pending = readPending(request)
    // Single use: whatever happens next, this attempt is over.
    reply.clearCookie(PENDING_COOKIE, pendingCookie)
    const query = request.query as Record<string, unknown>
    // Checked here too, so a forged return never reaches the identity provider's token endpoint.
    if (!pending || query.state !== pending.state) throw new Invalid(EXPIRED)
    const email = await oidc.finish(pending, request.url.slice(request.url.indexOf('?')))
    try {
      const { token } = await services.auth.signInWithOidc({
        email,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      })
      // A fresh session id at every sign-in; any earlier session on this browser ends.
      if (request.sessionToken) await services.auth.signOut(request.sessionToken)
      reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(config))
      return await reply.redirect(safeNext(pending.next), 303)
    } catch (error) {
      if (!(error instanceof NotSetUp)) throw error
      return reply.code(403).view('auth/views/sign-in-refused.njk', {
        title: 'You cannot sign in',
        message: error.message,
      })
    }
  })
}
