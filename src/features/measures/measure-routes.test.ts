import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'

type Response = Awaited<ReturnType<Agent['get']>>

function assertPage(response: Response, status = 200): string {
  assert.equal(response.statusCode, status, response.body.slice(0, 800))
  assert.equal((response.body.match(/<h1[\s>]/g) ?? []).length, 1, 'one h1')
  return response.body
}

function assertErrorSummary(response: Response, field: string, message: RegExp): void {
  assertPage(response, 400)
  assert.match(response.body, /govuk-error-summary/)
  assert.match(response.body, new RegExp(`href="#${field}"`))
  assert.match(response.body, message)
}

for (const mode of testModes()) {
  describe(`measure pages (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let officer: Principal & { email: string }
    let clerk: Principal & { email: string }
    let approver: Principal & { email: string }
    let officerAgent: Agent
    let clerkAgent: Agent
    let approverAgent: Agent

    /**
     * The quarterly recycling measure the definition form makes in the first case, with
     * targets, made through the service so that each case stands on its own (a case run alone,
     * or after another fails, starts from a measure of its own).
     */
    async function recyclingMeasure(code: string, targets = true): Promise<string> {
      const measure = await ctx.services.measures.create(officer, {
        code,
        title: `Household waste recycled ${code}`,
        unit: 'percent',
        decimals: 1,
        polarity: 'higher_is_better',
        frequency: 'quarterly',
        kind: 'strategic',
        tolerance: { type: 'percent', value: 5 },
        dueWorkingDays: 10,
        unitId: org.units.waste,
        cumulative: true,
      })
      if (targets) {
        await ctx.services.measures.putTargets(officer, measure.id, {
          targets: [
            { period: '2024/25', value: 200 },
            { period: '2025/26', value: 200 },
          ],
        })
      }
      return measure.id
    }

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      app = await ctx.app()
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      clerk = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' })
      approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      officerAgent = await Agent.signedIn(app, officer.email)
      clerkAgent = await Agent.signedIn(app, clerk.email)
      approverAgent = await Agent.signedIn(app, approver.email)
    })
    after(() => ctx.close())

    it('adds a measure with the definition form, with a GOV.UK error summary when empty', async () => {
      assertPage(await officerAgent.get('/measures/new'))
      assertErrorSummary(await officerAgent.post('/measures/new', {}), 'code', /Enter a code/)
      assertErrorSummary(
        await officerAgent.post('/measures/new', {
          code: 'BAD',
          title: 'Bad',
          unit: 'percent',
          polarity: 'higher_is_better',
          frequency: 'monthly',
          kind: 'strategic',
          formula: '[NOPE] * 2',
          toleranceType: 'none',
        }),
        'formula',
        /NOPE/,
      )
      const response = await officerAgent.post('/measures/new', {
        code: 'WS01',
        title: 'Household waste recycled',
        unit: 'percent',
        decimals: '1',
        polarity: 'higher_is_better',
        frequency: 'quarterly',
        kind: 'strategic',
        toleranceType: 'percent',
        toleranceValue: '5',
        dueWorkingDays: '10',
        unitId: org.units.waste ?? '',
        'quality.relevant.assessment': 'met',
        cumulative: 'true',
      })
      assert.equal(response.statusCode, 303, response.body.slice(0, 2000))
      const measureId = String(response.headers.location).replace('/measures/', '')
      const page = assertPage(await officerAgent.get(`/measures/${measureId}`))
      assert.match(page, /Household waste recycled/)
      assert.match(page, /No values have been entered yet/)
      assert.match(page, new RegExp(`/items/measure/${measureId}/thread`))
      assertPage(await officerAgent.get(`/measures/${measureId}/edit`))
      assertErrorSummary(
        await officerAgent.post(`/measures/${measureId}/edit`, {}),
        'code',
        /Enter a code/,
      )
    })

    it('sets targets from lines, refusing a period of the wrong frequency', async () => {
      const measureId = await recyclingMeasure('WS02', false)
      assertPage(await officerAgent.get(`/measures/${measureId}/targets/edit`))
      assertErrorSummary(
        await officerAgent.post(`/measures/${measureId}/targets/edit`, {}),
        'targets',
        /at least one target/,
      )
      assertErrorSummary(
        await officerAgent.post(`/measures/${measureId}/targets/edit`, { targets: 'Sep 2024, 40' }),
        'targets',
        /Line 1: Sep 2024 does not fit/,
      )
      const ok = await officerAgent.post(`/measures/${measureId}/targets/edit`, {
        targets: '2024/25, 200\n2025/26, 200',
      })
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 1000))
    })

    it('lets the data-entry officer enter values, in bulk on My updates, and the approver sign off', async () => {
      const measureId = await recyclingMeasure('WS03')
      const updates = assertPage(await clerkAgent.get('/my-updates'))
      assert.match(updates, /WS03/)
      assert.match(updates, /2024\/25 Q4/)
      assertErrorSummary(
        await clerkAgent.post(`/measures/${measureId}/values/new`, {}),
        'period',
        /period/,
      )
      assertPage(await clerkAgent.get(`/measures/${measureId}/values/new`))
      const key = `${measureId}-2025-01-01`
      const red = await clerkAgent.post('/my-updates', {
        [`rows.${key}.measureId`]: measureId,
        [`rows.${key}.period`]: '2024/25 Q4',
        [`rows.${key}.value`]: '150',
        send: 'submit',
      })
      assertErrorSummary(red, `rows-${key}-value`, /percentage from 0 to 100/)
      const noCommentary = await clerkAgent.post('/my-updates', {
        [`rows.${measureId}-2024-04-01.measureId`]: measureId,
        [`rows.${measureId}-2024-04-01.period`]: '2024/25 Q1',
        [`rows.${measureId}-2024-04-01.value`]: '10',
        send: 'submit',
      })
      assertErrorSummary(noCommentary, `rows-${measureId}-2024-04-01-commentary`, /is red/)
      const q = (label: string, start: string, value: string) => ({
        [`rows.${measureId}-${start}.measureId`]: measureId,
        [`rows.${measureId}-${start}.period`]: label,
        [`rows.${measureId}-${start}.value`]: value,
        [`rows.${measureId}-${start}.commentary`]: 'Depot closure in January',
      })
      const saved = await clerkAgent.post('/my-updates', {
        ...q('2024/25 Q1', '2024-04-01', '50'),
        ...q('2024/25 Q2', '2024-07-01', '50'),
        ...q('2024/25 Q3', '2024-10-01', '50'),
        ...q('2024/25 Q4', '2025-01-01', '10'),
        send: 'submit',
      })
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 3000))
      const queue = assertPage(await approverAgent.get('/approvals'))
      assert.match(queue, /WS03/)
      assert.equal(
        (await approverAgent.post(`/measures/${measureId}/values/2024-04-01/approve`)).statusCode,
        303,
      )
      assertErrorSummary(
        await approverAgent.post(`/measures/${measureId}/values/2024-07-01/return`, { reason: '' }),
        `reason-${measureId}-2024-07-01`,
        /Enter the reason/,
      )
      assert.equal(
        (
          await approverAgent.post(`/measures/${measureId}/values/2024-07-01/return`, {
            reason: 'Tonnage looks low',
          })
        ).statusCode,
        303,
      )
      const mine = assertPage(await clerkAgent.get('/my-updates'))
      assert.match(mine, /Tonnage looks low/)
      const page = assertPage(await clerkAgent.get(`/measures/${measureId}`))
      assert.match(page, /<svg class="gt-chart" role="img"/)
      assert.match(page, /Red<\/strong>/, 'RAG as a word')
      assert.match(page, /Returned: Tonnage looks low/)
      assert.match(page, /actual total|Projected from/)
      assertPage(await officerAgent.get(`/history/measure/${measureId}`))
      // The list shows the approved figure (Q1) and says in words that Q4's red value awaits
      // approval: a value in sign-off never sets the status on its own.
      const list = assertPage(await officerAgent.get('/measures?search=WS'))
      assert.match(list, /WS03/)
      assert.match(list, /A newer value for 2024\/25 Q4 is awaiting approval/)
      const redOnly = assertPage(await officerAgent.get('/measures?status=red&search=WS'))
      assert.doesNotMatch(redOnly, /WS03/)
    })

    it('stores comparator figures from a form', async () => {
      const measureId = await recyclingMeasure('WS04')
      assertErrorSummary(
        await officerAgent.post(`/measures/${measureId}/benchmarks/new`, {}),
        'period',
        /period/,
      )
      const saved = await officerAgent.post(`/measures/${measureId}/benchmarks/new`, {
        period: '2024/25 Q1',
        familyAverage: '48.2',
        nationalMedian: '44',
        source: 'LG Inform',
      })
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 1000))
      assert.match(assertPage(await officerAgent.get(`/measures/${measureId}`)), /LG Inform/)
    })

    it('does not let a viewer add or edit measures', async () => {
      const measureId = await recyclingMeasure('WS05')
      const viewer = await ctx.person(org, { role: 'viewer' })
      const agent = await Agent.signedIn(app, viewer.email)
      assert.equal((await agent.get('/measures/new')).statusCode, 403)
      assert.equal((await agent.get(`/measures/${measureId}/edit`)).statusCode, 403)
      assert.equal((await agent.get(`/measures/${measureId}/values/new`)).statusCode, 403)
      assertPage(await agent.get(`/measures/${measureId}`))
    })
  })
}
