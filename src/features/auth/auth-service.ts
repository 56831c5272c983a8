import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Config } from '../../config.ts'
import type { DB } from '../../db/schema.ts'
import { Forbidden, Invalid, NotFound, TooManyRequests } from '../../errors.ts'
import { recordAudit } from '../audit/index.ts'
import { isOrganisationAdministrator } from '../../core/roles.ts'
import * as repo from './auth-repository.ts'
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts'
import type { Principal } from '../../core/principal.ts'

export interface AuthDeps {
  readonly db: Kysely<DB>
  readonly config: Config
  readonly clock: () => Date
}

/**
 * Sign-in throttling (docs/security.md). Per account: 5 failures free, then a delay before each
 * next attempt doubling from 1 second to at most 15 minutes, so guessing slows to a crawl while
 * the owner is never locked out for longer than that. Per address: 100 free and a delay of at
 * most 30 seconds, as an office (or every user behind a proxy not configured as trusted) may
 * share one address.
 */
export const ACCOUNT_THROTTLE: repo.ThrottleRule = {
  free: 5,
  maxDelaySeconds: 15 * 60,
  forgetAfterMs: 24 * 3_600_000,
}
export const ADDRESS_THROTTLE: repo.ThrottleRule = {
  free: 100,
  maxDelaySeconds: 30,
  forgetAfterMs: 3_600_000,
}
const TOUCH_AFTER_MS = 60_000

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function newSecret(): string {
  return randomBytes(32).toString('base64url')
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

export type AuthService = ReturnType<typeof createAuthService>

function tooManyAttempts(retryAt: Date, now: Date): TooManyRequests {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000))
  const wait =
    seconds < 120
      ? `${seconds} second${seconds === 1 ? '' : 's'}`
      : `${Math.ceil(seconds / 60)} minutes`
  return new TooManyRequests(`Too many failed attempts to sign in. Wait ${wait}, then try again.`)
}

/** Someone the identity provider knows but Golden Thread does not (or no longer) lets in. */
export class NotSetUp extends Forbidden {}

/** A live session: whose it is, and how long it has left if nothing more is done. */
export interface SessionState {
  readonly principal: Principal
  readonly secondsLeft: number
  /** false when the absolute limit, which no activity moves, ends the session first. */
  readonly extendable: boolean
}

export function createAuthService({ db, config, clock }: AuthDeps) {
  const idleMs = config.session.idleMinutes * 60_000
  const absoluteMs = config.session.absoluteHours * 3_600_000

  function sessionState(
    principal: Principal,
    lastSeen: number,
    created: number,
    now: number,
  ): SessionState {
    const idleEnd = lastSeen + idleMs
    const absoluteEnd = created + absoluteMs
    return {
      principal,
      secondsLeft: Math.max(0, Math.floor((Math.min(idleEnd, absoluteEnd) - now) / 1000)),
      extendable: idleEnd < absoluteEnd,
    }
  }

  /**
   * The person a session is for, and when it ends if they do nothing more. A request touches
   * the session (at most once a minute), which moves its idle end; asking how long is left
   * (`touch: false`) does not, so the time-out warning can ask without keeping it alive.
   */
  async function sessionFor(
    token: string,
    options: { touch?: boolean } = {},
  ): Promise<SessionState | null> {
    const id = sha256(token)
    const session = await repo.findSessionPrincipal(db, id)
    if (!session) return null
    const now = clock().getTime()
    if (
      now - session.last_seen_at.getTime() > idleMs ||
      now - session.created_at.getTime() > absoluteMs
    ) {
      await repo.deleteSession(db, id)
      return null
    }
    const principal = session.principal
    if (!principal) {
      await repo.deleteSession(db, id)
      return null
    }
    let lastSeen = session.last_seen_at.getTime()
    if ((options.touch ?? true) && now - lastSeen > TOUCH_AFTER_MS) {
      await repo.touchSession(db, id, new Date(now))
      lastSeen = now
    }
    return sessionState(principal, lastSeen, session.created_at.getTime(), now)
  }

  async function startSession(
    trx: Kysely<DB>,
    personId: string,
    organisationId: string,
    meta: { ip: string | null; userAgent: string | null },
  ): Promise<string> {
    const token = newSecret()
    await repo.insertSession(trx, {
      id: sha256(token),
      personId,
      organisationId,
      at: clock(),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    })
    return token
  }

  /**
   * The organisation whose people sign in with SSO: OIDC_ORGANISATION, or the only one. null when
   * that names nothing or several could (never fatal here: administrators must still get in).
   */
  async function ssoOrganisationId(): Promise<string | null> {
    const found = await repo.findOrganisationsForSignIn(db, config.oidc?.organisation)
    return found.length === 1 ? (found[0]?.id ?? null) : null
  }

  /**
   * With OIDC_PASSWORD_SIGN_IN=false the SSO organisation's people must use SSO, administrators
   * excepted (the break-glass way in). Other organisations, who cannot use it, keep passwords.
   */
  async function passwordSignInAllowed(person: { id: string; organisation_id: string }) {
    if (!config.oidc || config.oidc.passwordSignIn) return true
    const ssoOrganisation = await ssoOrganisationId()
    if (ssoOrganisation !== null && person.organisation_id !== ssoOrganisation) return true
    const principal = await repo.loadPrincipal(db, person.id)
    return principal !== null && isOrganisationAdministrator(principal)
  }

  /**
   * The person this address and password sign in: an address may be in use in more than one
   * organisation (each its own account), so each account with it is tried, oldest first.
   */
  async function matchingPerson(email: string, password: string) {
    const candidates = await repo.findPeopleByEmail(db, email)
    if (candidates.length === 0) {
      await verifyPassword(null, password) // as long as a real check: see verifyPassword
      return undefined
    }
    for (const candidate of candidates) {
      if (await verifyPassword(candidate.password_hash, password)) return candidate
    }
    return undefined
  }

  async function openSession(
    person: { id: string; organisation_id: string; name: string },
    meta: { ip: string | null; userAgent: string | null },
    method: 'password' | 'oidc',
    accountKey?: string,
  ): Promise<{ token: string; principal: Principal }> {
    const now = clock()
    return db.transaction().execute(async (trx) => {
      if (accountKey) await repo.clearAttempts(trx, accountKey)
      await repo.markSignedIn(trx, person.id, now)
      const token = await startSession(trx, person.id, person.organisation_id, meta)
      await recordAudit(
        trx,
        {
          organisationId: person.organisation_id,
          actor: { personId: person.id, name: person.name },
          action: 'signed_in',
          itemType: 'person',
          itemId: person.id,
          ...(method === 'oidc'
            ? {
                summary: `${person.name} signed in with single sign-on`,
                after: { method: 'oidc' },
              }
            : { summary: `${person.name} signed in` }),
        },
        clock,
      )
      const principal = await repo.loadPrincipal(trx, person.id)
      if (!principal) throw new Forbidden('This account cannot sign in')
      return { token, principal }
    })
  }

  return {
    /** Checks the password and opens a new session; the caller drops any earlier session id. */
    async signIn(input: {
      email: string
      password: string
      ip: string | null
      userAgent: string | null
    }): Promise<{ token: string; principal: Principal }> {
      const email = normaliseEmail(input.email)
      const now = clock()
      const accountKey = `account:${email}`
      const addressKey = `address:${input.ip ?? 'unknown'}`
      // Reserved before the password is checked, so parallel guesses are counted one by one.
      const accountWait = await repo.reserveAttempt(db, accountKey, now, ACCOUNT_THROTTLE)
      if (accountWait) throw tooManyAttempts(accountWait, now)
      const addressWait = await repo.reserveAttempt(db, addressKey, now, ADDRESS_THROTTLE)
      if (addressWait) {
        await repo.releaseAttempt(db, accountKey, ACCOUNT_THROTTLE)
        throw tooManyAttempts(addressWait, now)
      }
      const person = await matchingPerson(email, input.password)
      if (!person?.active) {
        throw Invalid.field('email', 'Enter a correct email address and password')
      }
      if (!(await passwordSignInAllowed(person))) {
        throw Invalid.field(
          'email',
          'Sign in with your council account: only administrators can sign in with a password',
        )
      }
      await repo.releaseAttempt(db, addressKey, ADDRESS_THROTTLE)
      return openSession(person, input, 'password', accountKey)
    },

    /**
     * Single sign-on: the identity provider has vouched for this e-mail address. Only an existing,
     * active person of the SSO organisation gets in; nobody is created.
     */
    /** Whether single sign-on can tell whose people it signs in (one organisation, or the named one). */
    async ssoReady(): Promise<boolean> {
      return (await ssoOrganisationId()) !== null
    },

    async signInWithOidc(input: {
      email: string
      ip: string | null
      userAgent: string | null
    }): Promise<{ token: string; principal: Principal }> {
      const organisationId = await ssoOrganisationId()
      if (!organisationId) {
        throw new Error(
          'OIDC_ORGANISATION must name an existing organisation when there is more than one',
        )
      }
      const person = await repo.findPersonByEmailIgnoringCase(db, organisationId, input.email)
      if (!person) {
        throw new NotSetUp(
          `Your account ${input.email} is not set up in ${config.serviceName}: ask your administrator.`,
        )
      }
      if (!person.active) {
        throw new NotSetUp(
          `Your account ${input.email} has been deactivated in ${config.serviceName}: ask your administrator.`,
        )
      }
      return openSession(person, input, 'oidc')
    },

    async principalForSession(token: string): Promise<Principal | null> {
      return (await sessionFor(token))?.principal ?? null
    },

    sessionFor,

    /** "Stay signed in": the session's idle time starts again now. */
    async extendSession(token: string): Promise<SessionState | null> {
      const id = sha256(token)
      const state = await sessionFor(token, { touch: false })
      if (!state) return null
      const now = clock()
      await repo.touchSession(db, id, now)
      const session = await repo.findSession(db, id)
      if (!session) return null
      return sessionState(
        state.principal,
        now.getTime(),
        session.created_at.getTime(),
        now.getTime(),
      )
    },

    async principalForApiToken(token: string): Promise<Principal | null> {
      const found = await repo.findTokenPrincipal(db, sha256(token))
      const principal = found?.principal
      if (!found || !principal) return null
      const now = clock()
      if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > TOUCH_AFTER_MS) {
        await repo.touchToken(db, found.id, now)
      }
      return principal
    },

    async signOut(token: string): Promise<void> {
      await repo.deleteSession(db, sha256(token))
    },

    /** Changing the password ends every other session; the current one gets a fresh id. */
    async changePassword(
      principal: Principal,
      input: {
        currentPassword: string
        newPassword: string
        ip: string | null
        userAgent: string | null
      },
    ): Promise<string> {
      const person = await repo.findPersonById(db, principal.personId)
      if (!person || !(await verifyPassword(person.password_hash, input.currentPassword))) {
        throw Invalid.field('currentPassword', 'Your current password is incorrect')
      }
      const problem = passwordProblem(input.newPassword, principal)
      if (problem) throw Invalid.field('newPassword', problem)
      const hash = await hashPassword(input.newPassword)
      return db.transaction().execute(async (trx) => {
        await repo.setPasswordHash(trx, principal.personId, hash, clock())
        await repo.deleteSessionsOf(trx, principal.personId)
        const token = await startSession(trx, principal.personId, principal.organisationId, input)
        await recordAudit(
          trx,
          {
            organisationId: principal.organisationId,
            actor: { personId: principal.personId, name: principal.name },
            action: 'password_changed',
            itemType: 'person',
            itemId: principal.personId,
            summary: `${principal.name} changed their password; other sessions were ended`,
          },
          clock,
        )
        return token
      })
    },

    async createToken(principal: Principal, name: string) {
      const trimmed = name.trim()
      if (trimmed.length === 0) throw Invalid.field('name', 'Enter a name for the token')
      if (trimmed.length > 100) throw Invalid.field('name', 'Name must be 100 characters or fewer')
      const token = `gt_${newSecret()}`
      return db.transaction().execute(async (trx) => {
        const row = await repo.insertToken(trx, {
          organisationId: principal.organisationId,
          personId: principal.personId,
          name: trimmed,
          hash: sha256(token),
          prefix: token.slice(0, 10),
        })
        await recordAudit(
          trx,
          {
            organisationId: principal.organisationId,
            actor: { personId: principal.personId, name: principal.name },
            action: 'api_token_created',
            itemType: 'api_token',
            itemId: row.id,
            summary: `API token "${trimmed}" created for ${principal.name}`,
            after: { name: trimmed, prefix: row.token_prefix, personId: principal.personId },
          },
          clock,
        )
        return { id: row.id, name: row.name, prefix: row.token_prefix, token }
      })
    },

    /** A person sees their own tokens; an organisation administrator sees everyone's. */
    async listTokens(principal: Principal, scope: 'mine' | 'all' = 'mine') {
      if (scope === 'all' && !isOrganisationAdministrator(principal)) throw new Forbidden()
      return repo.listTokens(
        db,
        principal.organisationId,
        scope === 'all' ? undefined : principal.personId,
      )
    },

    async revokeToken(principal: Principal, id: string): Promise<void> {
      const token = await repo.findToken(db, principal.organisationId, id)
      if (!token) throw new NotFound('API token not found')
      if (token.person_id !== principal.personId && !isOrganisationAdministrator(principal)) {
        throw new NotFound('API token not found')
      }
      if (token.revoked_at) return
      await db.transaction().execute(async (trx) => {
        await repo.revokeToken(trx, id, clock())
        await recordAudit(
          trx,
          {
            organisationId: principal.organisationId,
            actor: { personId: principal.personId, name: principal.name },
            action: 'api_token_revoked',
            itemType: 'api_token',
            itemId: id,
            summary: `API token "${token.name}" revoked`,
          },
          clock,
        )
      })
    },

    async pruneExpired(): Promise<void> {
      const now = clock().getTime()
      await repo.deleteExpiredSessions(db, new Date(now - idleMs), new Date(now - absoluteMs))
      const forgetAfterMs = Math.max(ACCOUNT_THROTTLE.forgetAfterMs, ADDRESS_THROTTLE.forgetAfterMs)
      await repo.pruneAttempts(db, new Date(now - forgetAfterMs))
    },
  }
}
