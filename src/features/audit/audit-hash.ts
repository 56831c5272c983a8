import { createHash } from 'node:crypto'

export const GENESIS_HASH = '0'.repeat(64)

/** JSON with keys sorted at every depth, so a record hashes the same after a jsonb round trip. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export interface HashedContent {
  readonly organisationId: string
  readonly seq: number
  readonly at: Date
  readonly actorId: string | null
  readonly actorName: string
  readonly action: string
  readonly itemType: string
  readonly itemId: string
  readonly summary: string
  readonly before: unknown
  readonly after: unknown
  readonly prevHash: string
}

export function auditHash(content: HashedContent): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex')
}
