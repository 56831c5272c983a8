// Who sees work in progress: councillors, viewers and partners see signed-off data only, on
// every surface that shows figures, project updates and plans; officers and approvers see work
// in progress, marked as such.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import type { App } from '../src/app.ts'
import { NotFound } from '../src/errors.ts'
import type { Principal } from '../src/core/principal.ts'
import { Agent, bearer } from './helpers/browser-agent.ts'
import { createTestContext, type TestContext, type TestOrganisation } from './helpers/context.ts'
import { testModes } from './helpers/database.ts'

type Person = Principal & { email: string }

for (const mode of testModes()) {
  describe(`unapproved data is for those who do the work (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let app: App
    let officer: Person
    let clerk: Person
    let approver: Person
    let viewer: Person
    let councillor: Person
    let partner: Person
    let measureId = ''
    let projectId = ''
    let approvedUpdateId = ''
    let draftUpdateId = ''
    let draftPlanId = ''
    let activePlanId = ''
    const tokens = new Map<string, string>()

    const api = async (who: Person, url: string) => {
      let token = tokens.get(who.personId)
      if (!token) {
        token = (await ctx.services.auth.createToken(who, 'Reading')).token
        tokens.set(who.personId, token)
      }
      return bearer(app, token, 'GET', url)
    }

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      clerk = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' })
      approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      viewer = await ctx.person(org, { role: 'viewer' })
      councillor = await ctx.person(org, { role: 'councillor' })
      partner = await ctx.person(org, { role: 'partner', roleUnit: 'waste' })

      const m = await ctx.services.measures.create(officer, {
        code: 'UNAP1',
        title: 'Household waste recycled',
        unit: 'percent',
        decimals: 1,
        polarity: 'higher_is_better',
        frequency: 'quarterly',
        kind: 'strategic',
        unitId: org.units.waste,
        dueWorkingDays: 10,
      })
      measureId = m.id
      await ctx.services.measures.putTargets(officer, m.id, {
        targets: [{ period: '2024/25', value: 50 }],
      })
      const values = ctx.services.values
      await values.save(clerk, m.id, {
        period: '2024/25 Q2',
        value: 55,
        commentary: 'Signed-off commentary',
        submit: true,
      })
      await values.approve(approver, m.id, '2024-07-01')
      await values.save(clerk, m.id, {
        period: '2024/25 Q3',
        value: 20,
        commentary: 'Unchecked draft commentary',
        submit: true,
      })
      await values.save(clerk, m.id, {
        period: '2024/25 Q4',
        value: 21,
        commentary: 'Draft not yet submitted',
      })

      const project = await ctx.services.projects.create(officer, {
        level: 'project',
        title: 'Food waste collection',
        managerId: clerk.personId,
        leadUnitId: org.units.waste,
        partnerUnitIds: [org.units.waste ?? ''],
        startDate: '2025-04-01',
        endDate: '2026-03-31',
      })
      projectId = project.id
      const updates = ctx.services.projectUpdates
      const april = await updates.create(clerk, projectId, {
        month: '2025-04',
        highlights: 'Signed-off highlights',
        confidence: 'high',
        submit: true,
      })
      await updates.approve(approver, projectId, april.id)
      approvedUpdateId = april.id
      draftUpdateId = (
        await updates.create(clerk, projectId, {
          month: '2025-05',
          highlights: 'Unchecked draft highlights',
          confidence: 'low',
        })
      ).id

      const plan = (title: string, status: 'draft' | 'active') =>
        ctx.services.framework.createPlan(officer, {
          title,
          kind: 'corporate',
          firstYear: '2024/25',
          lastYear: '2027/28',
          status,
          levels: ['Priority'],
        })
      activePlanId = (await plan('Adopted Council Plan', 'active')).id
      draftPlanId = (await plan('Draft Council Plan', 'draft')).id
      app = await ctx.app()
    })
    after(() => ctx.close())

    it('shows councillors, viewers and partners approved values only, in the values API', async () => {
      for (const who of [councillor, viewer, partner]) {
        const response = await api(who, `/api/v1/measures/${measureId}/values`)
        assert.equal(response.statusCode, 200)
        const { items } = response.json<{
          items: { period: { label: string }; status: string }[]
        }>()
        assert.deepEqual(
          items.map((v) => [v.period.label, v.status]),
          [['2024/25 Q2', 'approved']],
        )
        assert.doesNotMatch(response.body, /Unchecked|Draft not yet/)
        const draft = await api(who, `/api/v1/measures/${measureId}/values/2024-10-01`)
        assert.equal(draft.statusCode, 404)
      }
      await assert.rejects(ctx.services.values.get(viewer, measureId, '2024-10-01'), NotFound)
      const officers = await api(officer, `/api/v1/measures/${measureId}/values`)
      assert.deepEqual(
        officers.json<{ items: { status: string }[] }>().items.map((v) => v.status),
        ['approved', 'submitted', 'draft'],
      )
    })

    it('gives them the latest approved value in the measures list, and officers the latest marked', async () => {
      const latestFor = async (who: Person) => {
        const list = await api(who, `/api/v1/measures?search=UNAP1`)
        assert.equal(list.statusCode, 200)
        const item = list.json<{
          items: { code: string; latest: { value: number; status: string } | null }[]
        }>().items[0]
        assert.ok(item?.latest)
        return item.latest
      }
      assert.deepEqual(await latestFor(councillor), await latestFor(viewer))
      const councillors = await latestFor(councillor)
      assert.equal(councillors.value, 55)
      assert.equal(councillors.status, 'approved')
      const officers = await latestFor(officer)
      assert.equal(officers.value, 21)
      assert.equal(officers.status, 'draft')

      const councillorPage = await (await Agent.signedIn(app, councillor.email)).get('/measures')
      assert.equal(councillorPage.statusCode, 200)
      assert.match(councillorPage.body, /55\.0%/)
      assert.doesNotMatch(councillorPage.body, /21\.0%/)
      const officerPage = await (await Agent.signedIn(app, officer.email)).get('/measures')
      assert.match(
        officerPage.body,
        /Work in progress: [^<]*21\.0%, <strong>draft, not yet submitted<\/strong>/,
      )
    })

    it('leaves unapproved figures and their commentary off the measure page for them', async () => {
      const page = await (await Agent.signedIn(app, councillor.email)).get(`/measures/${measureId}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Signed-off commentary/)
      assert.doesNotMatch(page.body, /Unchecked draft commentary|Draft not yet submitted/)
      const officers = await (
        await Agent.signedIn(app, officer.email)
      ).get(`/measures/${measureId}`)
      assert.match(officers.body, /Unchecked draft commentary/)
      assert.match(officers.body, /Awaiting approval/)
      const valuesExported = async (who: Person) => {
        const workbook = new ExcelJS.Workbook()
        await workbook.xlsx.load(
          (await ctx.services.exchange.exportFile(who)) as unknown as ArrayBuffer,
        )
        const rows: unknown[] = []
        workbook.getWorksheet('Values')?.eachRow((row, n) => {
          if (n > 1) rows.push(row.getCell(5).value)
        })
        return rows
      }
      assert.deepEqual(await valuesExported(viewer), ['approved'])
      assert.deepEqual(await valuesExported(officer), ['approved', 'submitted', 'draft'])
    })

    it('shows them approved project updates only, on the page and in the API', async () => {
      for (const who of [councillor, viewer, partner]) {
        const list = await api(who, `/api/v1/projects/${projectId}/updates`)
        assert.equal(list.statusCode, 200, list.body)
        assert.deepEqual(
          list.json<{ items: { id: string }[] }>().items.map((u) => u.id),
          [approvedUpdateId],
        )
        const draft = await api(who, `/api/v1/projects/${projectId}/updates/${draftUpdateId}`)
        assert.equal(draft.statusCode, 404)
      }
      const page = await (await Agent.signedIn(app, viewer.email)).get(`/projects/${projectId}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, new RegExp(`updates/${approvedUpdateId}">April 2025`))
      assert.doesNotMatch(page.body, new RegExp(`updates/${draftUpdateId}`))
      const officerPage = await (
        await Agent.signedIn(app, officer.email)
      ).get(`/projects/${projectId}`)
      assert.match(officerPage.body, new RegExp(`updates/${draftUpdateId}">May 2025`))
      const draftPage = await (
        await Agent.signedIn(app, councillor.email)
      ).get(`/projects/${projectId}/updates/${draftUpdateId}`)
      assert.equal(draftPage.statusCode, 404)
      const officers = await api(officer, `/api/v1/projects/${projectId}/updates`)
      assert.equal(officers.json<{ items: unknown[] }>().items.length, 2)
      const lead = await api(clerk, `/api/v1/projects/${projectId}/updates/${draftUpdateId}`)
      assert.equal(lead.statusCode, 200)
    })

    it('keeps draft plans from them, in the list and on the plan page', async () => {
      for (const who of [councillor, viewer, partner]) {
        const plans = await api(who, '/api/v1/plans')
        assert.equal(plans.statusCode, 200)
        const ids = plans.json<{ id: string }[] | { items: { id: string }[] }>()
        const list = Array.isArray(ids) ? ids : ids.items
        assert.ok(list.some((p) => p.id === activePlanId))
        assert.ok(!list.some((p) => p.id === draftPlanId))
        assert.equal((await api(who, `/api/v1/plans/${draftPlanId}`)).statusCode, 404)
      }
      const agent = await Agent.signedIn(app, councillor.email)
      const page = await agent.get('/plans')
      assert.match(page.body, /Adopted Council Plan/)
      assert.doesNotMatch(page.body, /Draft Council Plan/)
      assert.equal((await agent.get(`/plans/${draftPlanId}`)).statusCode, 404)
      const officers = await api(officer, `/api/v1/plans/${draftPlanId}`)
      assert.equal(officers.statusCode, 200)
      const officerPage = await (await Agent.signedIn(app, officer.email)).get('/plans')
      assert.match(officerPage.body, /Draft Council Plan/)
    })
  })
}
