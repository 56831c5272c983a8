// The header's "Your tasks (N)" is worked out once and kept until the person's organisation
// writes something or the day changes: it must always equal what the inbox lists.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { loadPrincipal } from '../auth/index.ts'
import { buildDemoCouncil, DEMO_PASSWORD, DEMO_PEOPLE } from '../demo/index.ts'

const headerCount = (body: string) => {
  const found = /Your tasks \((\d+)\)/.exec(body)
  assert.ok(found?.[1], 'the header counts the tasks')
  return Number(found[1])
}
const inboxCount = (body: string) => {
  if (body.includes('Nothing is waiting for you.')) return 0
  const found = /(\d+) (?:thing is|things are) waiting for you/.exec(body)
  assert.ok(found?.[1], 'the inbox says how many')
  return Number(found[1])
}

for (const mode of testModes()) {
  describe(`the header's task count beside the inbox (${mode})`, () => {
    let ctx: TestContext
    let app: App
    const agents = new Map<string, Agent>()

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2026-06-20T10:00:00Z')
      app = await ctx.app()
      await buildDemoCouncil(ctx.database.db, ctx.clock.read)
      for (const person of DEMO_PEOPLE)
        agents.set(person.email, await Agent.signedIn(app, person.email, DEMO_PASSWORD))
    })
    after(() => ctx.close())

    /** Each demo person's count on two pages, beside their inbox's items, as they stand now. */
    async function compareAll() {
      const counts = new Map<string, number>()
      for (const person of DEMO_PEOPLE) {
        const agent = agents.get(person.email)
        assert.ok(agent)
        const inbox = await agent.get('/tasks')
        if (inbox.statusCode === 403) continue
        assert.equal(inbox.statusCode, 200, person.email)
        const listed = inboxCount(inbox.body)
        assert.equal(headerCount(inbox.body), listed, `${person.email}: the inbox page`)
        const home = await agent.get('/')
        assert.equal(headerCount(home.body), listed, `${person.email}: the home page`)
        const row = await ctx.database.db
          .selectFrom('people')
          .select('id')
          .where('email', '=', person.email)
          .executeTakeFirstOrThrow()
        const principal = await loadPrincipal(ctx.database.db, row.id)
        assert.ok(principal)
        assert.equal((await ctx.services.tasks.list(principal)).length, listed, person.email)
        counts.set(person.email, listed)
      }
      return counts
    }

    it('counts for each demo person what their inbox lists', async () => {
      const counts = await compareAll()
      assert.ok(counts.size >= 5, 'most demo people have an inbox')
      assert.ok(
        [...counts.values()].some((n) => n > 0),
        'someone has tasks',
      )
    })

    it('counts again after a write, and when the day changes', async () => {
      const approver = DEMO_PEOPLE.find((p) => p.email.startsWith('approver@'))
      assert.ok(approver)
      const row = await ctx.database.db
        .selectFrom('people')
        .select('id')
        .where('email', '=', approver.email)
        .executeTakeFirstOrThrow()
      const principal = await loadPrincipal(ctx.database.db, row.id)
      assert.ok(principal)
      const before = await compareAll()
      const key = (await ctx.services.tasks.list(principal)).find((t) => t.approvalKey)?.approvalKey
      assert.ok(key, 'the approver has something to approve')
      await ctx.services.tasks.approveMany(principal, [key])
      const after = await compareAll()
      assert.equal(after.get(approver.email), (before.get(approver.email) ?? 0) - 1)
      // A new day (the sessions end with it: sign in again).
      ctx.clock.advance(40 * 24 * 60 * 60 * 1000)
      for (const person of DEMO_PEOPLE)
        agents.set(person.email, await Agent.signedIn(app, person.email, DEMO_PASSWORD))
      await compareAll()
    })
  })
}
