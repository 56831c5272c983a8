import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { buildDemoCouncil, DEMO_PASSWORD } from '../demo/index.ts'

/**
 * Removing a confirmed match, a comparison group and a whole source from the pages: the
 * performance team only, each after a page that says what goes with it, audited, and every
 * surface that compared with it stops doing so.
 */
for (const mode of testModes()) {
  describe(`removing benchmarking sources, groups and matches in the pages (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let officer: Agent
    let director: Agent
    let recyclingId = ''

    const audited = async (action: string) =>
      (
        await ctx.database.db
          .selectFrom('audit_records')
          .select('summary')
          .where('action', '=', action)
          .execute()
      ).map((r) => r.summary)

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-11-20T12:00:00Z')
      await buildDemoCouncil(ctx.database.db, ctx.clock.read)
      app = await ctx.app()
      officer = await Agent.signedIn(app, 'performance@example-city.gov.uk', DEMO_PASSWORD)
      director = await Agent.signedIn(app, 'director@example-city.gov.uk', DEMO_PASSWORD)
      const found = JSON.parse((await officer.api('GET', '/api/v1/measures?search=WS01')).body) as {
        items: { id: string; code: string }[]
      }
      recyclingId = found.items.find((m) => m.code === 'WS01')?.id ?? ''
      assert.ok(recyclingId)
    })
    after(() => ctx.close())

    it('removes a confirmed match from the match page, for the performance team only', async () => {
      const db = ctx.database.db
      const confirmed = await db
        .selectFrom('benchmark_matches')
        .select(['id', 'measure_id', 'code'])
        .orderBy('code')
        .execute()
      const match = confirmed[0]
      assert.ok(match, 'the demo confirms matches')
      const matchPage = `/measures/${match.measure_id}/benchmarking`
      const url = `${matchPage}/matches/${match.id}/remove`
      const page = await officer.get(matchPage)
      assert.equal(page.statusCode, 200)
      assert.ok(page.body.includes(`action="${url}"`), 'a Remove match button for it')
      assert.doesNotMatch(
        (await director.get(`/measures/${match.measure_id}`)).body,
        /Remove match/,
      )
      assert.equal((await director.post(url)).statusCode, 403)
      // Another measure's address for the match: no such confirmed match of that measure.
      assert.equal(
        (await officer.post(`/measures/${recyclingId}/benchmarking/matches/${match.id}/remove`))
          .statusCode,
        404,
      )
      const removed = await officer.post(url)
      assert.equal(removed.statusCode, 303)
      assert.equal(removed.headers.location, matchPage)
      const after = await officer.get(matchPage)
      assert.ok(after.body.includes(`The match to ${match.code} of Example peer network`))
      assert.ok(!after.body.includes(`action="${url}"`))
      const left = await db.selectFrom('benchmark_matches').select('id').execute()
      assert.deepEqual(
        left.map((r) => r.id).sort(),
        confirmed
          .slice(1)
          .map((r) => r.id)
          .sort(),
      )
      assert.equal((await audited('benchmark_match_removed')).length, 1)
      assert.equal((await officer.post(url)).statusCode, 404)
    })

    it('removes a group after saying what goes with it', async () => {
      const list = await officer.get('/benchmarking')
      const href = /href="(\/benchmarking\/groups\/[0-9a-f-]{36})">Nearest neighbours/.exec(
        list.body,
      )?.[1]
      assert.ok(href)
      assert.match((await officer.get(href)).body, new RegExp(`href="${href}/remove"`))
      assert.equal((await director.get(`${href}/remove`)).statusCode, 403)
      const confirm = await officer.get(`${href}/remove`)
      assert.equal(confirm.statusCode, 200)
      assert.match(confirm.body, /Remove Nearest neighbours \(entered by hand\)\?/)
      assert.equal((await director.post(`${href}/remove`)).statusCode, 403)
      const removed = await officer.post(`${href}/remove`)
      assert.equal(removed.statusCode, 303)
      const after = await officer.get('/benchmarking')
      assert.match(after.body, /Nearest neighbours \(entered by hand\) was removed/)
      assert.ok(!after.body.includes(`href="${href}"`))
      assert.equal((await officer.get(href)).statusCode, 404)
      assert.deepEqual(await audited('benchmark_group_removed'), [
        'Comparison group Nearest neighbours (entered by hand) removed',
      ])
    })

    it('removes a whole source with its copy and matches', async () => {
      const list = await officer.get('/benchmarking')
      const href = /href="(\/benchmarking\/sources\/[0-9a-f-]{36})"/.exec(list.body)?.[1]
      assert.ok(href)
      assert.match((await officer.get(href)).body, new RegExp(`href="${href}/remove"`))
      assert.doesNotMatch((await director.get(href)).body, /Remove this source/)
      assert.equal((await director.get(`${href}/remove`)).statusCode, 403)
      const confirm = await officer.get(`${href}/remove`)
      assert.match(confirm.body, /Remove Example peer network/)
      assert.match(confirm.body, /This cannot be undone/)
      const removed = await officer.post(`${href}/remove`)
      assert.equal(removed.statusCode, 303)
      assert.equal(removed.headers.location, '/benchmarking')
      assert.equal((await officer.get(href)).statusCode, 404)
      const left = await ctx.database.db
        .selectFrom('benchmark_matches')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
      assert.equal(Number(left.n), 0)
      assert.equal((await audited('benchmark_source_removed')).length, 1)
      const publicPage = await app.inject({
        method: 'GET',
        url: '/public/example-city/measures/WS01',
      })
      assert.doesNotMatch(publicPage.body, /How we compare/)
    })
  })
}
