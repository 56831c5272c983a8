import type { Kysely } from 'kysely'
import type { AuditRecordRow, DB, NewAuditRecord } from '../../db/schema.ts'
import { GENESIS_HASH, auditHash } from './audit-hash.ts'
import * as repo from './audit-repository.ts'
import { cooperate } from '../../core/cooperate.ts'
import { Forbidden } from '../../errors.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import { canViewAudit } from './audit-policy.ts'

export interface AuditActor {
  readonly personId: string | null
  readonly name: string
}

export interface AuditEntry {
  readonly organisationId: string
  readonly actor: AuditActor
  readonly action: string
  readonly itemType: string
  readonly itemId: string
  readonly summary: string
  readonly before?: unknown
  readonly after?: unknown
}

export const SYSTEM_ACTOR: AuditActor = { personId: null, name: 'Golden Thread (system)' }

/**
 * Appends to the organisation's hash chain. Call it inside the transaction that makes the
 * change, so the change and its record commit or fail together.
 */
/** Who did something, as the audit log records them: the command line is no one. */
export function actorOf(principal: Principal): AuditActor {
  return { personId: recordedPersonId(principal), name: principal.name }
}

/** What a service says of one change; the organisation and actor come from the principal. */
export interface AuditedChange {
  readonly action: string
  readonly itemId: string
  readonly summary: string
  readonly before?: unknown
  readonly after?: unknown
}

/**
 * A service's audit(trx, principal, change): records the change as done by the principal, inside
 * the transaction that makes it. With `itemType`, every record is of that type; without, each
 * change names its own, one of `T`.
 */
export function auditor(options: {
  clock: () => Date
  itemType: string
}): (trx: Kysely<DB>, principal: Principal, change: AuditedChange) => Promise<void>
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- T: the item types a service's changes may name
export function auditor<T extends string>(options: {
  clock: () => Date
}): (
  trx: Kysely<DB>,
  principal: Principal,
  change: AuditedChange & { readonly itemType: T },
) => Promise<void>
export function auditor(options: { clock: () => Date; itemType?: string }) {
  return (
    trx: Kysely<DB>,
    principal: Principal,
    change: AuditedChange & { readonly itemType?: string },
  ) =>
    recordAudit(
      trx,
      {
        organisationId: principal.organisationId,
        actor: actorOf(principal),
        itemType: options.itemType ?? change.itemType ?? '',
        ...change,
      },
      options.clock,
    )
}

export async function recordAudit(
  trx: Kysely<DB>,
  entry: AuditEntry,
  clock: () => Date = () => new Date(),
): Promise<void> {
  await recordAudits(trx, entry.organisationId, [entry], clock)
}

/**
 * Appends many records of one organisation to its chain at once (an import): the chain is
 * locked and read once, and the records go in many to a statement.
 */
export async function recordAudits(
  trx: Kysely<DB>,
  organisationId: string,
  entries: readonly Omit<AuditEntry, 'organisationId'>[],
  clock: () => Date = () => new Date(),
): Promise<void> {
  if (entries.length === 0) return
  const head = await repo.lockHead(trx, organisationId)
  let seq = head?.seq ?? 0
  let prevHash = head?.hash ?? GENESIS_HASH
  const at = clock()
  const tick = cooperate()
  const records: NewAuditRecord[] = []
  for (const entry of entries) {
    await tick()
    seq++
    const before = entry.before ?? null
    const after = entry.after ?? null
    // Round-trip through JSON so the hash sees exactly what jsonb will return.
    const beforeJson = before === null ? null : JSON.stringify(before)
    const afterJson = after === null ? null : JSON.stringify(after)
    const hash = auditHash({
      organisationId,
      seq,
      at,
      actorId: entry.actor.personId,
      actorName: entry.actor.name,
      action: entry.action,
      itemType: entry.itemType,
      itemId: entry.itemId,
      summary: entry.summary,
      before: beforeJson === null ? null : (JSON.parse(beforeJson) as unknown),
      after: afterJson === null ? null : (JSON.parse(afterJson) as unknown),
      prevHash,
    })
    records.push({
      organisation_id: organisationId,
      seq,
      at,
      actor_id: entry.actor.personId,
      actor_name: entry.actor.name,
      action: entry.action,
      item_type: entry.itemType,
      item_id: entry.itemId,
      summary: entry.summary,
      before: beforeJson,
      after: afterJson,
      prev_hash: prevHash,
      hash,
    })
    prevHash = hash
  }
  const [only] = records
  if (records.length === 1 && only) await repo.insertRecord(trx, only)
  else await repo.insertRecords(trx, records, tick)
}

export interface AuditBreak {
  readonly organisationId: string
  readonly seq: number
  readonly recordId: string | null
  readonly reason: string
}

export interface VerifyResult {
  readonly ok: boolean
  readonly chains: number
  readonly records: number
  readonly firstBreak: AuditBreak | null
}

function contentOf(row: AuditRecordRow) {
  return {
    organisationId: row.organisation_id,
    seq: row.seq,
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    itemType: row.item_type,
    itemId: row.item_id,
    summary: row.summary,
    before: row.before ?? null,
    after: row.after ?? null,
    prevHash: row.prev_hash,
  }
}

/** Walks every chain; the first record that was altered, removed or reordered is named. */
export async function verifyAudit(db: Kysely<DB>): Promise<VerifyResult> {
  const chains = await repo.listChains(db)
  let records = 0
  for (const organisationId of chains) {
    let expectedSeq = 1
    let prevHash = GENESIS_HASH
    for (;;) {
      const batch = await repo.recordsAfter(db, organisationId, expectedSeq - 1, 1000)
      if (batch.length === 0) break
      for (const row of batch) {
        const broken = (reason: string): VerifyResult => ({
          ok: false,
          chains: chains.length,
          records,
          firstBreak: { organisationId, seq: row.seq, recordId: row.id, reason },
        })
        if (row.seq !== expectedSeq) {
          return {
            ok: false,
            chains: chains.length,
            records,
            firstBreak: {
              organisationId,
              seq: expectedSeq,
              recordId: null,
              reason: `record ${expectedSeq} is missing (the next record found is ${row.seq})`,
            },
          }
        }
        if (row.prev_hash !== prevHash) {
          return broken('its link to the previous record does not match')
        }
        if (auditHash(contentOf(row)) !== row.hash) {
          return broken('its content does not match its hash (the record was altered)')
        }
        prevHash = row.hash
        expectedSeq++
        records++
      }
    }
    const head = await repo.findHead(db, organisationId)
    const lastSeq = expectedSeq - 1
    if (!head || head.seq !== lastSeq || head.hash !== prevHash) {
      return {
        ok: false,
        chains: chains.length,
        records,
        firstBreak: {
          organisationId,
          seq: lastSeq + 1,
          recordId: null,
          reason: head
            ? `the chain should end at record ${head.seq} but ends at ${lastSeq}: records were removed`
            : 'the chain head is missing',
        },
      }
    }
  }
  return { ok: true, chains: chains.length, records, firstBreak: null }
}

export async function itemHistory(
  db: Kysely<DB>,
  organisationId: string,
  itemType: string,
  itemId: string,
): Promise<AuditRecordRow[]> {
  return repo.recordsForItem(db, organisationId, itemType, itemId)
}

export async function recentAudit(
  db: Kysely<DB>,
  organisationId: string,
  page: number,
  pageSize: number,
): Promise<{ rows: AuditRecordRow[]; total: number }> {
  return repo.recentRecords(db, organisationId, (page - 1) * pageSize, pageSize)
}

/** Reading the audit trail: organisation-wide administrators and performance officers. */
export function createAuditService({ db }: { db: Kysely<DB> }) {
  return {
    async recent(principal: Principal, page: number, pageSize: number) {
      if (!canViewAudit(principal)) throw new Forbidden()
      const { rows, total } = await recentAudit(db, principal.organisationId, page, pageSize)
      return { items: rows.map(presentAuditRecord), total }
    },

    /** Anyone who may see the item may see its history; the caller checks the item first. */
    async history(principal: Principal, itemType: string, itemId: string) {
      const rows = await itemHistory(db, principal.organisationId, itemType, itemId)
      return rows.map(presentAuditRecord)
    },

    verify: () => verifyAudit(db),
  }
}

export function presentAuditRecord(row: AuditRecordRow) {
  return {
    id: row.id,
    seq: row.seq,
    at: row.at.toISOString(),
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    itemType: row.item_type,
    itemId: row.item_id,
    summary: row.summary,
    before: row.before ?? null,
    after: row.after ?? null,
    hash: row.hash,
  }
}
export type AuditRecordView = ReturnType<typeof presentAuditRecord>

/**
 * Where the organisation's audit chain has reached: a number that moves with every audited
 * write, and every write is audited in its own transaction, so what was worked out from the
 * organisation's data against one mark still holds while the mark is the same. One statement.
 */
export async function changeMark(db: Kysely<DB>, organisationId: string): Promise<string> {
  return String((await repo.findHead(db, organisationId))?.seq ?? 0)
}
