// Individual objectives and ratings never leave the people entitled to them: on the demo
// council, whose staff have a year and more of objectives and reviews, no objective, success
// measure or review comment appears in the open data, the public dashboard or its feed, and a
// councillor reading the council's own pages meets none of them either; and each person's
// inbox, read for them alone, holds exactly their share of everyone's appraisal work.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../src/app.ts'
import { loadPrincipal } from '../src/features/auth/index.ts'
import { buildDemoCouncil, DEMO_PASSWORD } from '../src/features/demo/index.ts'
import { Agent } from './helpers/browser-agent.ts'
import { createTestContext, type TestContext } from './helpers/context.ts'
import { testModes } from './helpers/database.ts'

for (const mode of testModes()) {
  describe(`objectives and ratings stay private (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let slug = ''
    let secrets: string[] = []

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2026-06-20T10:00:00Z')
      app = await ctx.app()
      slug = (await buildDemoCouncil(ctx.database.db, ctx.clock.read)).slug
      const db = ctx.database.db
      const objectives = await db
        .selectFrom('objectives')
        .select(['title', 'success_measure'])
        .execute()
      const reviews = await db
        .selectFrom('appraisals')
        .select([
          'mid_year_self_comment',
          'mid_year_manager_comment',
          'year_end_self_comment',
          'year_end_manager_comment',
        ])
        .execute()
      secrets = [
        ...objectives.flatMap((o) => [o.title, o.success_measure]),
        ...reviews.flatMap((r) => Object.values(r)),
      ].filter((text): text is string => typeof text === 'string' && text.length > 12)
      assert.ok(secrets.length > 20, `the demo has objectives and reviews (${secrets.length})`)
    })
    after(() => ctx.close())

    const leaks = (body: string) => secrets.filter((s) => body.includes(s))

    it('keeps them out of the open data, the public dashboard and its feed', async () => {
      for (const url of [
        `/public/${slug}`,
        `/public/${slug}/data.json`,
        `/public/${slug}/data.csv`,
        `/public/${slug}/feed.atom`,
      ]) {
        const response = await app.inject({ method: 'GET', url })
        assert.equal(response.statusCode, 200, url)
        assert.deepEqual(leaks(response.body), [], url)
      }
    })

    it('shows a councillor the cycle in figures and none of the objectives or reviews', async () => {
      const councillor = await Agent.signedIn(app, 'councillor@example-city.gov.uk', DEMO_PASSWORD)
      const cycles = await councillor.get('/appraisal-cycles')
      assert.equal(cycles.statusCode, 200)
      const links = [...cycles.body.matchAll(/href="(\/appraisal-cycles\/[0-9a-f-]{36})"/g)]
      assert.ok(links.length > 0, 'a councillor may open a cycle’s figures')
      for (const url of ['/appraisals', '/appraisals/team', ...links.map((m) => m[1] ?? '')]) {
        const page = await councillor.get(url)
        assert.equal(page.statusCode, 200, url)
        assert.deepEqual(leaks(page.body), [], url)
      }
      const cycle = await councillor.get(links[0]?.[1] ?? '')
      assert.match(cycle.body, /Quality of performance/)
    })

    it('reads each person’s appraisal work alone, the same as their share of everyone’s', async () => {
      const db = ctx.database.db
      const people = await db.selectFrom('people').select(['id', 'organisation_id']).execute()
      const orgId = people[0]?.organisation_id ?? ''
      const today = ctx.clock.read().toISOString().slice(0, 10)
      const everyone = await ctx.services.appraisals.work(orgId, today)
      let withWork = 0
      for (const person of people) {
        const principal = await loadPrincipal(db, person.id)
        if (!principal) continue
        const alone = await ctx.services.appraisals.dueFor(principal)
        const share = everyone.filter((w) => w.personId === person.id)
        assert.deepEqual(alone, share, person.id)
        if (share.length > 0) withWork++
      }
      assert.ok(withWork >= 5, `several people have appraisal work (${withWork})`)
    })
  })
}
