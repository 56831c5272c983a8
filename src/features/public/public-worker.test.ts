import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { createApp, type App } from '../../app.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { postgresSourceOf } from '../../db/database.ts'
import { bumpPublication } from '../../db/publication.ts'
import { inProcessBuilder, workerBuilder } from './public-builder.ts'
import { createPublicService } from './public-service.ts'

// The worker thread builds on PostgreSQL only (PGlite's one connection lives in the process).
for (const mode of testModes().filter((m) => m === 'postgres')) {
  describe(`public data set built in a worker thread (${mode})`, () => {
    let ctx: TestContext
    let slug: string
    let orgId: string

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      const org = await ctx.organisation('Worker Borough')
      slug = org.slug
      orgId = org.id
      const admin = await ctx.person(org, { role: 'administrator' })
      const clerk = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' })
      const approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      await ctx.services.publicDashboard.updateSettings(admin, {
        publishes: true,
        suppressBelow: 5,
        showNames: false,
      })
      for (const [code, figures] of [
        ['W1', [120, 3, 140]],
        ['W2', [7, 9, 2]],
      ] as const) {
        const { id } = await ctx.services.measures.create(admin, {
          code,
          title: `Measure ${code} “quoted”, with a comma`,
          unit: 'number',
          polarity: 'higher_is_better',
          frequency: 'quarterly',
          kind: 'strategic',
          unitId: org.units.waste,
          public: true,
        })
        for (const [i, value] of figures.entries()) {
          const period = `2024/25 Q${i + 1}`
          await ctx.services.values.save(clerk, id, { period, value, submit: true })
          const start = ['2024-04-01', '2024-07-01', '2024-10-01'][i] ?? ''
          await ctx.services.values.approve(approver, id, start)
        }
      }
    })
    after(() => ctx.close())

    it('builds the same set as this process does, byte for byte, and hands the files over', async () => {
      const source = postgresSourceOf(ctx.database.read)
      assert.ok(source, 'a PostgreSQL pool says where it connects')
      const worker = workerBuilder(source)
      try {
        const today = ctx.clock.read()
        const [there, here] = await Promise.all([
          worker.build(slug, today),
          inProcessBuilder(ctx.database.read).build(slug, today),
        ])
        assert.ok(there && here)
        for (const file of ['csv', 'json'] as const) {
          assert.equal(
            Buffer.from(there.files[file].body).toString(),
            Buffer.from(here.files[file].body).toString(),
          )
          assert.equal(there.files[file].etag, here.files[file].etag)
        }
        assert.match(Buffer.from(there.files.csv.body).toString(), /fewer than 5/)
        assert.deepEqual(there.measures, here.measures)
        assert.deepEqual(there.feed, here.feed)
        assert.equal(there.measures.length, 2)
        assert.equal(await worker.build('no-such-council', today), null)
      } finally {
        await worker.close()
      }
    })

    it('stops its worker on close, and starts another for the next build', async () => {
      const source = postgresSourceOf(ctx.database.read)
      assert.ok(source)
      const worker = workerBuilder(source)
      assert.ok(await worker.build(slug, ctx.clock.read()))
      await worker.close()
      await worker.close()
      assert.ok(await worker.build(slug, ctx.clock.read()))
      await worker.close()
    })

    it('answers 500 when the worker fails with no copy to fall back on, and the last good copy when there is one', async () => {
      const service = createPublicService({
        db: ctx.database.db,
        read: ctx.database.read,
        clock: ctx.clock.read,
      })
      const app: App = await createApp({
        config: ctx.config,
        database: ctx.database,
        clock: ctx.clock.read,
        services: { ...ctx.services, publicDashboard: service },
        logger: false,
      })
      const get = (url: string) => app.inject({ method: 'GET', url })
      const rename = (from: string, to: string) =>
        sql`alter table ${sql.id(from)} rename to ${sql.id(to)}`.execute(ctx.database.db)
      try {
        await rename('measure_values', 'measure_values_away')
        try {
          const failed = await get(`/public/${slug}/data.csv`)
          assert.equal(failed.statusCode, 500)
          assert.doesNotMatch(
            failed.body,
            /measure_values/,
            'no database detail reaches the public',
          )
        } finally {
          await rename('measure_values_away', 'measure_values')
        }
        const good = await get(`/public/${slug}/data.csv`)
        assert.equal(good.statusCode, 200)
        assert.match(good.body, /Measure W1/)

        // A publication, and the rebuild fails: the last good copy answers, with its ETag.
        await bumpPublication(ctx.database.db, orgId, ctx.clock.read())
        ctx.clock.advance(1500)
        await rename('measure_values', 'measure_values_away')
        try {
          const stale = await get(`/public/${slug}/data.csv`)
          assert.equal(stale.statusCode, 200)
          assert.equal(stale.body, good.body)
          assert.equal(stale.headers.etag, good.headers.etag)
        } finally {
          await rename('measure_values_away', 'measure_values')
        }
      } finally {
        await app.close()
      }
    })
  })
}
