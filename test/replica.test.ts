import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql, type Kysely } from 'kysely'
import { createApp, type App } from '../src/app.ts'
import { openPostgres, type Database } from '../src/db/database.ts'
import type { DB } from '../src/db/schema.ts'
import type { Principal } from '../src/core/principal.ts'
import { createServices } from '../src/services.ts'
import { createTestContext, type TestContext } from './helpers/context.ts'

// A streaming replica of the test PostgreSQL (scripts/replica.sh makes one; .ci/run sets this).
const replicaUrl = process.env.TEST_REPLICA_URL

async function lsn(db: Kysely<DB>, query: string): Promise<string> {
  const result = await sql<{ lsn: string }>`${sql.raw(query)} as lsn`.execute(db)
  return result.rows[0]?.lsn ?? ''
}

/** Waits until the replica has replayed everything the primary has written so far. */
async function caughtUp(primary: Kysely<DB>, replica: Kysely<DB>): Promise<void> {
  const target = await lsn(primary, 'select pg_current_wal_lsn()::text')
  for (let i = 0; i < 200; i++) {
    const behind = await sql<{ behind: boolean }>`
      select pg_wal_lsn_diff(${target}::pg_lsn, pg_last_wal_replay_lsn()) > 0 as behind`.execute(
      replica,
    )
    if (!behind.rows[0]?.behind) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('the replica did not catch up within 10 seconds')
}

describe(
  'reads from a PostgreSQL replica',
  { skip: replicaUrl ? false : 'TEST_REPLICA_URL is not set (scripts/replica.sh makes a replica)' },
  () => {
    let ctx: TestContext
    let replica: Database
    let app: App
    let clerk: Principal
    let approver: Principal
    let measureId = ''
    let slug = ''

    before(async () => {
      ctx = await createTestContext('postgres')
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      const org = await ctx.organisation('Replica Borough')
      slug = org.slug
      const admin = await ctx.person(org, { role: 'administrator' })
      clerk = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' })
      approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      await ctx.services.publicDashboard.updateSettings(admin, {
        publishes: true,
        suppressBelow: 0,
        showNames: false,
      })
      measureId = (
        await ctx.services.measures.create(admin, {
          code: 'REP1',
          title: 'Households helped',
          unit: 'number',
          polarity: 'higher_is_better',
          frequency: 'quarterly',
          kind: 'strategic',
          unitId: org.units.waste,
          public: true,
        })
      ).id
      await ctx.services.values.save(clerk, measureId, {
        period: '2024/25 Q1',
        value: 120,
        commentary: 'Written before the pause',
        submit: true,
      })
      await ctx.services.values.approve(approver, measureId, '2024-04-01')

      const schema = await sql<{ schema: string }>`select current_schema() as schema`.execute(
        ctx.database.db,
      )
      replica = openPostgres(replicaUrl ?? '', 2, schema.rows[0]?.schema)
      await caughtUp(ctx.database.db, replica.db)
      const database = { ...ctx.database, read: replica.db }
      const services = createServices({ config: ctx.config, database, clock: ctx.clock.read })
      app = await createApp({
        config: ctx.config,
        database,
        clock: ctx.clock.read,
        services,
        logger: false,
      })
    })

    after(async () => {
      // Never leave the shared replica paused, whatever happened above.
      await sql`select pg_wal_replay_resume()`.execute(replica.db).catch(() => undefined)
      await app.close()
      await replica.close()
      await ctx.close()
    })

    it('is a hot standby of the test database', async () => {
      const result = await sql<{ standby: boolean }>`
        select pg_is_in_recovery() as standby`.execute(replica.db)
      assert.equal(result.rows[0]?.standby, true)
    })

    it('serves public pages from the replica, and shows a write once the replica has it', async () => {
      const page = `/public/${slug}/measures/REP1`
      assert.match((await app.inject(page)).body, /Written before the pause/)

      await sql`select pg_wal_replay_pause()`.execute(replica.db)
      await ctx.services.values.save(clerk, measureId, {
        period: '2024/25 Q2',
        value: 130,
        commentary: 'Written during the pause',
        submit: true,
      })
      await ctx.services.values.approve(approver, measureId, '2024-07-01')
      ctx.clock.advance(1500)
      // Writes and what is read after them stay on the primary...
      const value = await ctx.services.values.get(clerk, measureId, '2024-07-01')
      assert.equal(value.status, 'approved')
      // ...while the public page reads the replica, which has not replayed the approval yet.
      assert.doesNotMatch((await app.inject(page)).body, /Written during the pause/)

      await sql`select pg_wal_replay_resume()`.execute(replica.db)
      await caughtUp(ctx.database.db, replica.db)
      ctx.clock.advance(1500)
      assert.match((await app.inject(page)).body, /Written during the pause/)
    })
  },
)
