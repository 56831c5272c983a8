// How many SQL statements the dashboards send for one page, on the demo council: counted, not
// timed, so the figure is the same on every machine. A change that reads per tile or reads the
// same things twice shows here before it shows in the benchmark (docs/performance.md).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { KyselyPlugin } from 'kysely'
import { createTestContext, testConfig, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'
import { createServices } from '../../services.ts'
import { buildDemoCouncil } from '../demo/index.ts'

/**
 * Budgets of the dashboards' own statements (the request's session, principal and navigation
 * are not counted). The corporate dashboard includes its panels: savings and budget (10
 * statements) and how the council compares (benchmarking, about 11 statements for each compared
 * measure: 6 in the demo council).
 */
const BUDGET = { corporate: 98, exceptions: 20, asAt: 34 }

for (const mode of testModes()) {
  describe(`dashboard statements on the demo council (${mode})`, () => {
    let ctx: TestContext
    let officer: Principal
    let corporateId: string
    let count = 0
    let services: ReturnType<typeof createServices>

    async function statements(work: () => Promise<unknown>) {
      const before = count
      await work()
      return count - before
    }

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      const org = await buildDemoCouncil(ctx.database.db, ctx.clock.read)
      const person = await ctx.database.db
        .selectFrom('people as p')
        .innerJoin('role_assignments as r', 'r.person_id', 'p.id')
        .select(['p.id', 'p.name', 'p.email', 'r.unit_id'])
        .where('p.organisation_id', '=', org.id)
        .where('r.role', '=', 'performance_officer')
        .executeTakeFirstOrThrow()
      officer = {
        personId: person.id,
        organisationId: org.id,
        organisationName: org.name,
        organisationSlug: org.slug,
        name: person.name,
        email: person.email,
        roles: [{ role: 'performance_officer', unitId: person.unit_id }],
      }
      corporateId = (await ctx.services.dashboards.startingPoints(officer)).corporate?.id ?? ''
      const counter: KyselyPlugin = {
        transformQuery: (args) => args.node,
        transformResult: async (args) => {
          count++
          return args.result
        },
      }
      const db = ctx.database.db.withPlugin(counter)
      services = createServices({
        config: testConfig(),
        database: { ...ctx.database, db, read: db },
        clock: ctx.clock.read,
      })
    })
    after(() => ctx.close())

    it('serves the corporate dashboard within its statement budget', async () => {
      assert.notEqual(corporateId, '')
      let content: Awaited<ReturnType<typeof services.dashboards.dashboardContent>> | undefined
      const sent = await statements(async () => {
        content = await services.dashboards.dashboardContent(officer, corporateId)
      })
      // The page is the demo's full one: indicators, lists and both panels.
      assert.ok((content?.sections.length ?? 0) > 3)
      assert.deepEqual(content?.panels.map((p) => p.key).sort(), ['benchmarking', 'savings'])
      assert.ok(sent <= BUDGET.corporate, `${sent} statements, budget ${BUDGET.corporate}`)
    })

    it('serves the exception view within its statement budget', async () => {
      let total = 0
      const sent = await statements(async () => {
        total = (await services.dashboards.exceptions(officer, {})).total
      })
      assert.ok(total > 0)
      assert.ok(sent <= BUDGET.exceptions, `${sent} statements, budget ${BUDGET.exceptions}`)
    })

    it('serves the corporate dashboard as at a past period within its statement budget', async () => {
      const sent = await statements(() =>
        services.dashboards.dashboardContent(officer, corporateId, '2024/25 Q2'),
      )
      assert.ok(sent <= BUDGET.asAt, `${sent} statements, budget ${BUDGET.asAt}`)
    })
  })
}
