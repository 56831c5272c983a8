import { createHash } from 'node:crypto'

export const GENESIS_HASH = '0'.repeat(64)

/**
 * JSON with keys sorted at every depth, so a record hashes the same after a jsonb round trip.
 * Built by hand with plain loops: an import hashes one record per value (issue 24). Keys sort
 * by UTF-16 code units (the default sort), undefined members are left out, and an undefined
 * array element is null, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value !== 'object') return JSON.stringify(value)
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ','
      out += canonicalJson(value[i])
    }
    return `${out}]`
  }
  const record = value as Record<string, unknown>
  let out = '{'
  let first = true
  for (const key of Object.keys(record).sort()) {
    const member = record[key]
    if (member === undefined) continue
    if (!first) out += ','
    first = false
    out += `${JSON.stringify(key)}:${canonicalJson(member)}`
  }
  return `${out}}`
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
