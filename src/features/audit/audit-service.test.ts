import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { canonicalJson } from './audit-hash.ts'
import { lockHead } from './audit-repository.ts'
import { recordAudit, SYSTEM_ACTOR, verifyAudit } from './audit-service.ts'

describe('canonical JSON', () => {
  it('sorts keys at every depth so jsonb round trips hash the same', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }),
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    )
    assert.equal(canonicalJson({ a: undefined, b: 'x' }), '{"b":"x"}')
  })
})

for (const mode of testModes()) {
  describe(`audit trail (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation

    before(async () => {
      ctx = await createTestContext(mode)
      org = await ctx.organisation()
    })
    after(() => ctx.close())

    async function changeSomething(name: string) {
      const admin = await ctx.person(org, { role: 'administrator' })
      return ctx.services.organisation.createUnit(admin, {
        name,
        kind: 'team',
        code: null,
        parentId: null,
      })
    }

    it('records who, what, the item and after, in the same transaction as the change', async () => {
      const unit = await changeSomething('Audited team')
      const history = await ctx.database.db
        .selectFrom('audit_records')
        .selectAll()
        .where('item_id', '=', unit.id)
        .execute()
      assert.equal(history.length, 1)
      assert.equal(history[0]?.action, 'unit_created')
      assert.equal((history[0].after as { name: string }).name, 'Audited team')
      assert.ok(history[0].actor_id)
    })

    it('writes nothing, change or record, when the transaction fails', async () => {
      const before = await ctx.database.db
        .selectFrom('audit_records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      await assert.rejects(
        ctx.database.db.transaction().execute(async (trx) => {
          await recordAudit(trx, {
            organisationId: org.id,
            actor: { personId: null, name: 'test' },
            action: 'doomed',
            itemType: 'unit',
            itemId: 'x',
            summary: 'never kept',
          })
          throw new Error('the change failed')
        }),
        /the change failed/,
      )
      const after = await ctx.database.db
        .selectFrom('audit_records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      assert.equal(after.n, before.n)
      assert.equal((await verifyAudit(ctx.database.db)).ok, true)
    })

    it('verifies an intact chain', async () => {
      await changeSomething('Another team')
      const result = await verifyAudit(ctx.database.db)
      assert.equal(result.ok, true)
      assert.ok(result.records >= 3)
    })

    it('starts a new organisation’s chain once when its first records are written at once', async () => {
      const fresh = await ctx.organisation()
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          ctx.database.db.transaction().execute((trx) =>
            recordAudit(trx, {
              organisationId: fresh.id,
              actor: SYSTEM_ACTOR,
              action: 'unit_created',
              itemType: 'unit',
              itemId: fresh.id,
              summary: `First record ${i}`,
            }),
          ),
        ),
      )
      const seqs = await ctx.database.db
        .selectFrom('audit_records')
        .select('seq')
        .where('organisation_id', '=', fresh.id)
        .orderBy('seq')
        .execute()
      const before = seqs.length - 6
      assert.deepEqual(
        seqs.slice(before).map((r) => r.seq),
        [1, 2, 3, 4, 5, 6].map((n) => n + before),
      )
      assert.equal((await verifyAudit(ctx.database.db)).ok, true)
    })

    it('keeps the chain intact under concurrent writes', async () => {
      await Promise.all(Array.from({ length: 8 }, (_, i) => changeSomething(`Concurrent ${i}`)))
      assert.equal((await verifyAudit(ctx.database.db)).ok, true)
    })

    // The chain stays whole because a writer holds its head until its transaction ends. On
    // PostgreSQL that is the head's row lock (or, before a chain's first record, an advisory
    // lock), and a second writer on another connection waits for it. PGlite has one connection,
    // lent to one transaction at a time (src/db/pglite-dialect.ts), so there the second writer
    // waits for the connection itself: trivially serial, and these cases prove that it is.
    for (const [name, chain] of [
      ['the head of a chain', () => org.id],
      ['a chain before its first record', () => randomUUID()],
    ] as const) {
      it(`holds ${name} until the transaction that took it ends`, async () => {
        const organisationId = chain()
        if (organisationId === org.id) await changeSomething('A head to lock')
        const events: string[] = []
        let end!: () => void
        const ending = new Promise<void>((resolve) => (end = resolve))
        let locked!: () => void
        const firstLocked = new Promise<void>((resolve) => (locked = resolve))
        const first = ctx.database.db.transaction().execute(async (trx) => {
          await lockHead(trx, organisationId)
          events.push('first locks')
          locked()
          await ending
          events.push('first ends')
        })
        await firstLocked
        const second = ctx.database.db.transaction().execute(async (trx) => {
          await lockHead(trx, organisationId)
          events.push('second locks')
        })
        await sleep(300)
        const waited = [...events]
        end()
        await Promise.all([first, second])
        assert.deepEqual(waited, ['first locks'], 'the second writer waits')
        assert.deepEqual(events, ['first locks', 'first ends', 'second locks'])
      })
    }

    describe('tampering', () => {
      // Each case works on a copy of the data so the cases do not affect each other.
      async function tamper(change: (seq: number) => Promise<unknown>) {
        await changeSomething(`Tamper ${Math.random()}`)
        await changeSomething(`Tamper ${Math.random()}`)
        const head = await ctx.database.db
          .selectFrom('audit_heads')
          .selectAll()
          .where('organisation_id', '=', org.id)
          .executeTakeFirstOrThrow()
        const snapshot = await ctx.database.db
          .selectFrom('audit_records')
          .selectAll()
          .where('organisation_id', '=', org.id)
          .execute()
        await change(head.seq)
        const result = await verifyAudit(ctx.database.db)
        // Put things back for the next case.
        await ctx.database.db
          .deleteFrom('audit_records')
          .where('organisation_id', '=', org.id)
          .execute()
        await ctx.database.db
          .insertInto('audit_records')
          .values(
            snapshot.map((r) => ({
              ...r,
              before: r.before === null ? null : JSON.stringify(r.before),
              after: r.after === null ? null : JSON.stringify(r.after),
            })),
          )
          .execute()
        assert.equal((await verifyAudit(ctx.database.db)).ok, true)
        return { result, lastSeq: head.seq }
      }

      it('names the first record whose content was altered', async () => {
        const { result } = await tamper((seq) =>
          sql`update audit_records set summary = 'nothing to see' where organisation_id = ${org.id} and seq = ${seq - 1}`.execute(
            ctx.database.db,
          ),
        )
        assert.equal(result.ok, false)
        assert.match(result.firstBreak?.reason ?? '', /altered/)
        assert.ok(result.firstBreak?.recordId)
      })

      it('detects a record removed from the middle', async () => {
        const { result, lastSeq } = await tamper((seq) =>
          sql`delete from audit_records where organisation_id = ${org.id} and seq = ${seq - 1}`.execute(
            ctx.database.db,
          ),
        )
        assert.equal(result.ok, false)
        assert.equal(result.firstBreak?.seq, lastSeq - 1)
        assert.match(result.firstBreak.reason, /missing/)
      })

      it('detects the newest records removed', async () => {
        const { result } = await tamper((seq) =>
          sql`delete from audit_records where organisation_id = ${org.id} and seq = ${seq}`.execute(
            ctx.database.db,
          ),
        )
        assert.equal(result.ok, false)
        assert.match(result.firstBreak?.reason ?? '', /removed/)
      })

      it('detects a forged after value', async () => {
        const { result } = await tamper((seq) =>
          sql`update audit_records set after = '{"name":"forged"}' where organisation_id = ${org.id} and seq = ${seq}`.execute(
            ctx.database.db,
          ),
        )
        assert.equal(result.ok, false)
      })
    })
  })
}
