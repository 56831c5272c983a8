// Fetching a source's published files over HTTP: conditional (ETag / If-None-Match), bounded in
// time and size, so a slow or huge answer fails cleanly and the last good copy stays.
import { SourceError } from './benchmark-readers.ts'

export interface FetchLimits {
  readonly timeoutMs: number
  readonly maxBytes: number
}

export const DEFAULT_LIMITS: FetchLimits = { timeoutMs: 15_000, maxBytes: 25 * 1024 * 1024 }

export type Fetched =
  | { readonly status: 'not_modified' }
  | {
      readonly status: 'ok'
      readonly text: string
      readonly etag: string | null
      readonly lastModified: string | null
    }

/** Only web addresses: never a file on the server or another scheme. */
export function checkUrl(url: string): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new SourceError('Enter a web address starting with https:// or http://')
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new SourceError('Enter a web address starting with https:// or http://')
  if (parsed.username || parsed.password)
    throw new SourceError('Enter the address without a user name or password in it')
  return parsed
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`

/** One GET, read up to the size limit; a 304 when the copy held is still current. */
export async function fetchText(
  url: string,
  previous: { etag: string | null; lastModified: string | null },
  limits: FetchLimits = DEFAULT_LIMITS,
): Promise<Fetched> {
  checkUrl(url)
  const headers: Record<string, string> = {
    accept: 'application/json, text/csv, text/plain;q=0.9, */*;q=0.1',
    'user-agent': 'Golden Thread benchmarking',
  }
  if (previous.etag) headers['if-none-match'] = previous.etag
  if (previous.lastModified) headers['if-modified-since'] = previous.lastModified
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs)
  try {
    let response: Response
    try {
      response = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' })
    } catch (error) {
      if (controller.signal.aborted)
        throw new SourceError(`${url} did not answer within ${limits.timeoutMs / 1000} seconds`)
      const cause = (error as { cause?: { code?: string } }).cause?.code
      throw new SourceError(`${url} could not be reached${cause ? ` (${cause})` : ''}`)
    }
    if (response.status === 304) {
      await response.body?.cancel()
      return { status: 'not_modified' }
    }
    if (!response.ok) {
      await response.body?.cancel()
      throw new SourceError(`${url} answered ${response.status} ${response.statusText}`.trim())
    }
    const declared = Number(response.headers.get('content-length') ?? NaN)
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      await response.body?.cancel()
      throw new SourceError(
        `${url} is ${megabytes(declared)}, larger than the ${megabytes(limits.maxBytes)} allowed`,
      )
    }
    const chunks: Uint8Array[] = []
    let size = 0
    if (response.body) {
      const reader = response.body.getReader()
      for (;;) {
        let part: ReadableStreamReadResult<Uint8Array>
        try {
          part = await reader.read()
        } catch {
          if (controller.signal.aborted)
            throw new SourceError(
              `${url} did not finish sending within ${limits.timeoutMs / 1000} seconds`,
            )
          throw new SourceError(`${url} broke off while sending`)
        }
        if (part.done) break
        size += part.value.byteLength
        if (size > limits.maxBytes) {
          await reader.cancel()
          throw new SourceError(
            `${url} sent more than the ${megabytes(limits.maxBytes)} allowed; nothing was imported`,
          )
        }
        chunks.push(part.value)
      }
    }
    return {
      status: 'ok',
      text: Buffer.concat(chunks).toString('utf8'),
      etag: response.headers.get('etag'),
      lastModified: response.headers.get('last-modified'),
    }
  } finally {
    clearTimeout(timer)
  }
}
