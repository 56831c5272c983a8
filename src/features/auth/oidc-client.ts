import * as client from 'openid-client'
import type { Config } from '../../config.ts'
import { Invalid } from '../../errors.ts'

type OidcConfig = NonNullable<Config['oidc']>

/** What we keep, server-signed, between sending someone to the identity provider and their return. */
export interface PendingSignIn {
  readonly state: string
  readonly nonce: string
  readonly verifier: string
  readonly redirectUri: string
  readonly next: string
}

export type OidcClient = ReturnType<typeof createOidcClient>

/** The e-mail address the ID token vouches for; Entra often sends only preferred_username or upn. */
export function emailFromClaims(claims: Record<string, unknown>): string | null {
  const candidates = [
    claims.email_verified === false ? undefined : claims.email,
    claims.preferred_username,
    claims.upn,
  ]
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.includes('@')) return candidate
  }
  return null
}

/** Authorization code flow with PKCE, state and nonce against the council's identity provider. */
export function createOidcClient(oidc: OidcConfig) {
  let discovered: Promise<client.Configuration> | undefined

  function configuration(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(
        new URL(oidc.issuer),
        oidc.clientId,
        undefined,
        client.ClientSecretPost(oidc.clientSecret),
        // Plain http is refused in production by the configuration; it serves local testing.
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only as a warning
        oidc.issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        discovered = undefined // try again on the next sign-in
        throw error
      })
    return discovered
  }

  return {
    async start(redirectUri: string, next: string): Promise<{ url: URL; pending: PendingSignIn }> {
      const config = await configuration()
      const verifier = client.randomPKCECodeVerifier()
      const pending: PendingSignIn = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier,
        redirectUri,
        next,
      }
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      })
      return { url, pending }
    },

    /** Exchanges the code and checks the ID token; returns the e-mail address it vouches for. */
    async finish(pending: PendingSignIn, search: string): Promise<string> {
      const config = await configuration()
      const currentUrl = new URL(pending.redirectUri)
      currentUrl.search = search
      let claims: Record<string, unknown> | undefined
      try {
        const tokens = await client.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        })
        claims = tokens.claims()
      } catch (error) {
        if (error instanceof client.AuthorizationResponseError) {
          throw new Invalid(
            `Your council account did not sign you in (${error.error}). Try again, or ask your administrator.`,
          )
        }
        if (error instanceof client.ResponseBodyError || error instanceof client.ClientError) {
          throw new Invalid(
            'Your sign-in with your council account could not be confirmed. Try again.',
          )
        }
        throw error
      }
      const email = claims ? emailFromClaims(claims) : null
      if (!email) {
        throw new Invalid(
          'Your council account did not give an e-mail address, so you cannot sign in this way.',
        )
      }
      return email
    },
  }
}
