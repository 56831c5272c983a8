import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import type { Config } from '../../config.ts'
import { Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { handleForm } from '../../web/forms.ts'
import { requirePrincipal, SESSION_COOKIE } from '../../web/request-principal.ts'
import { SESSION_STATUS_PATH, sessionCookieOptions, setFlash } from './authentication.ts'
import { MIN_PASSWORD_LENGTH } from './passwords.ts'

const SignInForm = z.object({
  email: z
    .string({ error: 'Enter your email address' })
    .trim()
    .min(1, { error: 'Enter your email address' }),
  password: z.string({ error: 'Enter your password' }).min(1, { error: 'Enter your password' }),
})

const PasswordForm = z.object({
  currentPassword: z
    .string({ error: 'Enter your current password' })
    .min(1, { error: 'Enter your current password' }),
  newPassword: z
    .string({ error: 'Enter a new password' })
    .min(1, { error: 'Enter a new password' }),
  confirmPassword: z.string({ error: 'Confirm your new password' }),
})

const TokenForm = z.object({ name: z.string({ error: 'Enter a name for the token' }) })

const SAME_ORIGIN = 'http://same-origin.invalid'

/**
 * Only same-site paths, so a crafted link cannot send someone elsewhere after signing in. Judged
 * as a browser reads it: browsers drop tabs and newlines from a URL and take a backslash for '/', so
 * "/\t/evil.example" is "//evil.example", another site. The answer is re-serialised by the URL
 * parser, so what goes into the Location header is plain ASCII with no control characters.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string') return '/'
  const cleaned = next.replace(/[\t\n\r]/g, '').replace(/\\/g, '/')
  // eslint-disable-next-line no-control-regex -- control characters are what is being refused
  if (!/^\/(?!\/)/.test(cleaned) || /[\u0000-\u001f\u007f]/.test(cleaned)) return '/'
  let url: URL
  try {
    url = new URL(cleaned, SAME_ORIGIN)
  } catch {
    return '/'
  }
  return url.origin === SAME_ORIGIN ? `${url.pathname}${url.search}${url.hash}` : '/'
}

export const authRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const hide = { schema: { hide: true } }

  /** What the sign-in page offers: single sign-on, the password form, or both. */
  function signInChoices(next: string, adminSignIn: boolean) {
    const oidc = config.oidc
    if (!oidc) return { sso: null, passwordForm: true }
    const href = next === '/' ? '/sign-in/oidc' : `/sign-in/oidc?next=${encodeURIComponent(next)}`
    const nextQuery = next === '/' ? '' : `&next=${encodeURIComponent(next)}`
    return {
      sso: { href, text: oidc.buttonText },
      passwordForm: oidc.passwordSignIn || adminSignIn,
      adminSignIn: !oidc.passwordSignIn,
      adminSignInHref: `/sign-in?administrator=yes${nextQuery}`,
    }
  }

  app.get('/sign-in', hide, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    if (request.principal) return reply.redirect(safeNext(query.next), 303)
    const next = safeNext(query.next)
    return reply.view('auth/views/sign-in.njk', {
      title: 'Sign in',
      values: {},
      next,
      expired: query.expired === 'yes',
      idleMinutes: config.session.idleMinutes,
      ...signInChoices(next, query.administrator === 'yes'),
    })
  })

  app.post('/sign-in', hide, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const next = safeNext(body.next)
    return handleForm(
      reply,
      {
        template: 'auth/views/sign-in.njk',
        context: { title: 'Sign in', next, ...signInChoices(next, true) },
        values: { email: body.email },
      },
      async () => {
        const input = parseInput(SignInForm, body)
        const { token } = await services.auth.signIn({
          ...input,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
        })
        // A fresh session id at every sign-in; any earlier session on this browser ends.
        if (request.sessionToken) await services.auth.signOut(request.sessionToken)
        reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(config))
        return reply.redirect(next, 303)
      },
    )
  })

  app.post('/sign-out', hide, async (request, reply) => {
    if (request.sessionToken) await services.auth.signOut(request.sessionToken)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    setFlash(reply, 'You have signed out', config)
    return reply.redirect('/sign-in', 303)
  })

  // The time-out warning (src/web/static/session.js, docs/accessibility.md) asks how long the
  // session has left without extending it, and extends it when the person chooses to stay.
  app.get(SESSION_STATUS_PATH, hide, async (request, reply) => {
    const left = request.sessionTimeLeft
    return reply
      .header('cache-control', 'no-store')
      .send(
        left
          ? { signedIn: true, secondsLeft: left.seconds, extendable: left.extendable }
          : { signedIn: false, secondsLeft: 0, extendable: false },
      )
  })

  app.post('/session/extend', hide, async (request, reply) => {
    const wantsJson = (request.headers.accept ?? '').includes('application/json')
    const state = request.sessionToken
      ? await services.auth.extendSession(request.sessionToken)
      : null
    if (wantsJson) {
      reply.header('cache-control', 'no-store')
      return state
        ? reply.send({
            signedIn: true,
            secondsLeft: state.secondsLeft,
            extendable: state.extendable,
          })
        : reply.code(401).send({ signedIn: false, secondsLeft: 0, extendable: false })
    }
    requirePrincipal(request)
    const body = (request.body ?? {}) as Record<string, unknown>
    setFlash(reply, 'You are still signed in', config)
    return reply.redirect(safeNext(body.next), 303)
  })

  app.get('/account', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const tokens = await services.auth.listTokens(principal)
    return reply.view('auth/views/account.njk', {
      title: 'Your account',
      tokens,
      minLength: MIN_PASSWORD_LENGTH,
      values: {},
    })
  })

  app.post('/account/password', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const tokens = await services.auth.listTokens(principal)
    return handleForm(
      reply,
      {
        template: 'auth/views/account.njk',
        context: { title: 'Your account', tokens, minLength: MIN_PASSWORD_LENGTH },
        values: {},
      },
      async () => {
        const input = parseInput(PasswordForm, request.body)
        if (input.newPassword !== input.confirmPassword) {
          throw Invalid.field('confirmPassword', 'The passwords do not match')
        }
        const token = await services.auth.changePassword(principal, {
          currentPassword: input.currentPassword,
          newPassword: input.newPassword,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
        })
        reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(config))
        setFlash(
          reply,
          'Your password has been changed. You have been signed out everywhere else.',
          config,
        )
        return reply.redirect('/account', 303)
      },
    )
  })

  app.post('/account/tokens', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const tokens = await services.auth.listTokens(principal)
    return handleForm(
      reply,
      {
        template: 'auth/views/account.njk',
        context: { title: 'Your account', tokens, minLength: MIN_PASSWORD_LENGTH },
        values: request.body,
      },
      async () => {
        const input = parseInput(TokenForm, request.body)
        const created = await services.auth.createToken(principal, input.name)
        const refreshed = await services.auth.listTokens(principal)
        return reply.view('auth/views/account.njk', {
          title: 'Your account',
          tokens: refreshed,
          minLength: MIN_PASSWORD_LENGTH,
          newToken: created,
          values: {},
        })
      },
    )
  })

  app.post('/account/tokens/:id/revoke', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(z.object({ id: z.uuid() }), request.params)
    await services.auth.revokeToken(principal, id)
    setFlash(reply, 'The API token has been revoked', config)
    return reply.redirect('/account', 303)
  })
}
