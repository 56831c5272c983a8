import type { App } from '../../src/app.ts'
import { TEST_PASSWORD } from './context.ts'

type InjectResponse = Awaited<ReturnType<App['inject']>>

/**
 * A signed-in (or anonymous) browser for route tests: keeps cookies, and sends the CSRF token
 * from the last page it saw with every form.
 */
export class Agent {
  readonly #app: App
  readonly cookies = new Map<string, string>()
  csrf = ''

  constructor(app: App) {
    this.#app = app
  }

  static async signedIn(app: App, email: string, password = TEST_PASSWORD): Promise<Agent> {
    const agent = new Agent(app)
    await agent.get('/sign-in')
    const response = await agent.post('/sign-in', { email, password })
    if (response.statusCode !== 303) {
      throw new Error(`sign-in as ${email} failed with ${response.statusCode}`)
    }
    await agent.get('/')
    return agent
  }

  #cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  #remember(response: InjectResponse): InjectResponse {
    for (const cookie of response.cookies) {
      if (cookie.value === '' || (cookie.expires && cookie.expires.getTime() < Date.now())) {
        this.cookies.delete(cookie.name)
      } else {
        this.cookies.set(cookie.name, cookie.value)
      }
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)
    if (token?.[1]) this.csrf = token[1]
    return response
  }

  async get(url: string): Promise<InjectResponse> {
    return this.#remember(
      await this.#app.inject({ method: 'GET', url, headers: { cookie: this.#cookieHeader() } }),
    )
  }

  async post(
    url: string,
    form: Record<string, string> = {},
    options: { csrf?: boolean } = {},
  ): Promise<InjectResponse> {
    const body = new URLSearchParams(options.csrf === false ? form : { _csrf: this.csrf, ...form })
    return this.#remember(
      await this.#app.inject({
        method: 'POST',
        url,
        headers: {
          cookie: this.#cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: body.toString(),
      }),
    )
  }

  /** A multipart form, as a browser sends a file upload; `file` goes in the field "file". */
  async upload(
    url: string,
    fields: Record<string, string>,
    file: { name: string; content: Buffer; type?: string } | null,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<InjectResponse> {
    const boundary = `----golden-thread-${Date.now().toString(16)}`
    const all = options.csrf === false ? fields : { _csrf: this.csrf, ...fields }
    const chunks: Buffer[] = Object.entries(all).map(([name, value]) =>
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    )
    if (file) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\n` +
            `content-type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        file.content,
        Buffer.from('\r\n'),
      )
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`))
    return this.#remember(
      await this.#app.inject({
        method: 'POST',
        url,
        headers: {
          cookie: this.#cookieHeader(),
          'content-type': `multipart/form-data; boundary=${boundary}`,
          ...options.headers,
        },
        payload: Buffer.concat(chunks),
      }),
    )
  }

  /** JSON API call with the browser session (and its CSRF header). */
  async api(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<InjectResponse> {
    return this.#app.inject({
      method,
      url,
      headers: { cookie: this.#cookieHeader(), 'x-csrf-token': this.csrf },
      ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
    })
  }
}

export async function bearer(
  app: App,
  token: string,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
) {
  return app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
  })
}
