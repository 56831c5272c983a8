import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

export interface TestIdentityProvider {
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
  /** The claims of each account the provider knows, by account id. */
  readonly accounts: Map<string, Record<string, unknown>>
  /**
   * Plays the browser at the provider: follows its redirects from the authorization URL, signs in
   * as `accountId` and consents, and returns the address it sends the browser back to.
   */
  signIn(authorizationUrl: string, accountId: string): Promise<URL>
  close(): Promise<void>
}

/**
 * A real OpenID Connect provider (oidc-provider) on a free local port, with one confidential
 * client that must use PKCE. Its login and consent pages are replaced by a handler that signs in
 * the account the test names, so no HTML is scraped.
 */
export async function startIdentityProvider(
  redirectUris: readonly string[],
): Promise<TestIdentityProvider> {
  const clientId = 'golden-thread'
  const clientSecret = randomBytes(24).toString('hex')
  const accounts = new Map<string, Record<string, unknown>>()
  let loginAs = ''

  async function interact(req: IncomingMessage, res: ServerResponse, idp: Provider) {
    const details = await idp.interactionDetails(req, res)
    if (details.prompt.name === 'login') {
      await idp.interactionFinished(
        req,
        res,
        { login: { accountId: loginAs } },
        { mergeWithLastSubmission: false },
      )
      return
    }
    const grant = new idp.Grant({
      accountId: details.session?.accountId ?? loginAs,
      clientId: String(details.params.client_id),
    })
    grant.addOIDCScope(String(details.params.scope))
    await idp.interactionFinished(req, res, { consent: { grantId: await grant.save() } })
  }

  // The issuer names the port, so the server listens before the provider exists; no one knows
  // the port, so no request arrives, until both are ready.
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interact(req, res, provider).catch((error: unknown) => {
        res.statusCode = 500
        res.end(String(error))
      })
    } else {
      callback(req, res)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  })
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username', 'upn'],
    },
    // Put the scope's claims in the ID token, as Entra does, not only at the userinfo endpoint.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    findAccount: (_ctx: unknown, id: string) => {
      const claims = accounts.get(id)
      return claims && { accountId: id, claims: () => ({ sub: id, ...claims }) }
    },
    jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'RS256' }] },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
    cookies: { keys: [randomBytes(16).toString('hex')] },
  })
  const callback = provider.callback()

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    async signIn(authorizationUrl, accountId) {
      loginAs = accountId
      const jar = new Map<string, string>()
      let url = new URL(authorizationUrl)
      for (let hop = 0; hop < 20; hop++) {
        const response = await fetch(url, {
          redirect: 'manual',
          headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
        })
        for (const line of response.headers.getSetCookie()) {
          const [pair = ''] = line.split(';')
          const name = pair.slice(0, pair.indexOf('=')).trim()
          const value = pair.slice(pair.indexOf('=') + 1)
          if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name)
          else jar.set(name, value)
        }
        const location = response.headers.get('location')
        if (response.status < 300 || response.status >= 400 || !location) {
          throw new Error(`identity provider answered ${response.status}: ${await response.text()}`)
        }
        await response.body?.cancel()
        url = new URL(location, url)
        if (url.origin !== issuer) return url
      }
      throw new Error('too many redirects at the identity provider')
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
