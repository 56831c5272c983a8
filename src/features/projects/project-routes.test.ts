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
  assert.equal(response.statusCode, status, response.body.slice(0, 500))
  assert.equal((response.body.match(/<h1[\s>]/g) ?? []).length, 1, 'one h1')
  return response.body
}

function assertErrorSummary(response: Response, field: string, message: RegExp): void {
  assertPage(response, 400)
  assert.match(response.body, /govuk-error-summary/)
  assert.match(response.body, new RegExp(`href="#${field}"`))
  assert.match(response.body, message)
}

const idFrom = (location: unknown) =>
  String(location)
    .replace(/^\/projects\//, '')
    .replace(/[#?/].*$/, '')

for (const mode of testModes()) {
  describe(`project pages (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let lead: Principal & { email: string }
    let officerAgent: Agent
    let leadAgent: Agent
    let approverAgent: Agent
    let viewerAgent: Agent

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-05-15T12:00:00Z')
      app = await ctx.app()
      org = await ctx.organisation()
      const officer = await ctx.person(org, { role: 'performance_officer' })
      lead = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste', name: 'Lee Lead' })
      const approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      const viewer = await ctx.person(org, { role: 'viewer' })
      officerAgent = await Agent.signedIn(app, officer.email)
      leadAgent = await Agent.signedIn(app, lead.email)
      approverAgent = await Agent.signedIn(app, approver.email)
      viewerAgent = await Agent.signedIn(app, viewer.email)
    })
    after(() => ctx.close())

    async function add(form: Record<string, string>) {
      await officerAgent.get('/projects/new')
      const response = await officerAgent.post('/projects/new', form)
      assert.equal(response.statusCode, 303, response.body.slice(0, 800))
      return idFrom(response.headers.location)
    }

    it('adds a programme with an action beneath and lists them for everyone', async () => {
      const programmeId = await add({
        level: 'programme',
        code: 'WST',
        title: 'Waste transformation',
        leadUnitId: org.units.waste ?? '',
        startDate: '2025-04-01',
        endDate: '2026-03-31',
        budget: '£1,250,000',
      })
      await add({
        level: 'action',
        parentId: programmeId,
        title: 'Caddies',
        managerId: lead.personId,
      })
      const list = assertPage(await viewerAgent.get('/projects'))
      assert.match(list, /Waste transformation/)
      assert.match(list, /Caddies/)
      await officerAgent.get(`/projects/${programmeId}/benefits/new`)
      const benefit = await officerAgent.post(`/projects/${programmeId}/benefits/new`, {
        kind: 'non_financial',
        title: 'Household waste recycled',
        financialYear: '2025/26',
        measureUnit: '%',
        planned: '50',
        realised: '46.5',
      })
      assert.equal(benefit.statusCode, 303, benefit.body.slice(0, 800))
      const page = assertPage(await viewerAgent.get(`/projects/${programmeId}`))
      // Money and percentages written as people read them: "£1,250,000", "50%".
      assert.match(page, /£1,250,000/)
      assert.doesNotMatch(page, /£1250000|\.00\b/)
      assert.match(page, />\s*50%\s*</)
      assert.match(page, />\s*46\.5%\s*</)
      assert.doesNotMatch(page, /\d %/)
      assert.doesNotMatch(page, /Edit or move/, 'a viewer is not offered changes')
    })

    it('shows the GOV.UK error summary for an empty form and for an end before the start', async () => {
      await officerAgent.get('/projects/new')
      assertErrorSummary(await officerAgent.post('/projects/new', {}), 'title', /Enter a title/)
      assertErrorSummary(
        await officerAgent.post('/projects/new', {
          level: 'programme',
          title: 'Backwards',
          startDate: '2025-05-01',
          endDate: '2025-04-01',
        }),
        'endDate',
        /end date must be the same as or after the start date/,
      )
      assert.equal((await viewerAgent.get('/projects/new')).statusCode, 200)
      await viewerAgent.get('/projects/new')
      const refused = await viewerAgent.post('/projects/new', { level: 'programme', title: 'No' })
      assert.equal(refused.statusCode, 403)
    })

    it('adds milestones, refuses one outside the project, and shows the quarterly strip', async () => {
      const id = await add({
        level: 'programme',
        title: 'Strip programme',
        startDate: '2025-01-01',
        endDate: '2025-12-31',
      })
      await add({ level: 'action', parentId: id, title: 'Strip action', managerId: lead.personId })
      const path = `/projects/${id}/milestones/new`
      await officerAgent.get(path)
      assertErrorSummary(await officerAgent.post(path, {}), 'title', /Enter a title/)
      assertErrorSummary(
        await officerAgent.post(path, { title: 'Late', due: '2026-06-30', status: 'not_started' }),
        'due',
        /within the programme’s dates/,
      )
      for (const [title, due, status] of [
        ['Design done', '2024/25 Q4', 'completed'],
        ['Launch', '2025/26 Q1', 'on_track'],
        ['Review', '2025-10-15', 'not_started'],
      ] as const) {
        const ok = await officerAgent.post(path, { title, due, status })
        assert.equal(ok.statusCode, 303, ok.body.slice(0, 800))
      }
      const report = assertPage(await viewerAgent.get(`/projects/${id}/highlight`))
      assert.match(report, /Q4: January – March 2025/)
      assert.match(report, /Q3: October – December 2025/)
      assert.match(report, /Design done/)
      assert.match(report, /★<\/span> Completed/)
      assert.match(report, /Risks and mitigating actions/)
      assert.match(report, /projects\.css/)
    })

    it('runs an update from the lead to the approver, with a reason to return', async () => {
      const id = await add({
        level: 'programme',
        title: 'Update programme',
        leadUnitId: org.units.waste ?? '',
      })
      const actionId = await add({
        level: 'action',
        parentId: id,
        title: 'Rounds',
        managerId: lead.personId,
      })
      const path = `/projects/${actionId}/updates/new`
      await leadAgent.get(path)
      assertErrorSummary(await leadAgent.post(path, {}), 'highlights', /Enter the highlights/)
      const created = await leadAgent.post(path, {
        month: '2025-04',
        highlights: 'Rounds redesigned',
        nextSteps: 'Go live',
        when: 'Q1',
        who: 'Waste manager',
        confidence: 'medium',
        submit: 'true',
      })
      assert.equal(created.statusCode, 303, created.body.slice(0, 800))
      const updatePath = String(created.headers.location)
      const own = assertPage(await leadAgent.get(updatePath))
      assert.match(own, /someone else must approve it/)
      const page = assertPage(await approverAgent.get(updatePath))
      assert.match(page, /Awaiting approval/)
      assertErrorSummary(
        await approverAgent.post(`${updatePath}/return`, {}),
        'reason',
        /Enter why it is returned/,
      )
      await approverAgent.get(updatePath)
      const approved = await approverAgent.post(`${updatePath}/approve`, {})
      assert.equal(approved.statusCode, 303)
      const report = assertPage(await viewerAgent.get(`/projects/${id}/highlight?month=2025-05`))
      assert.match(report, /Rounds redesigned/)
      assert.match(report, /Waste manager/)
      const history = assertPage(
        await officerAgent.get(
          `/history/project_update/${idFrom(updatePath.replace(/^\/projects\/[^/]+\/updates\//, '/projects/'))}`,
        ),
      )
      assert.match(history, /Approved/)
    })

    it('sets a status with a reason and shows both', async () => {
      const id = await add({ level: 'programme', title: 'Status programme' })
      await officerAgent.get(`/projects/${id}/status`)
      assertErrorSummary(
        await officerAgent.post(`/projects/${id}/status`, { status: 'on_hold' }),
        'statusReason',
        /Enter why/,
      )
      const ok = await officerAgent.post(`/projects/${id}/status`, {
        status: 'on_hold',
        statusReason: 'Paused for the budget review',
      })
      assert.equal(ok.statusCode, 303)
      const page = assertPage(await viewerAgent.get(`/projects/${id}`))
      assert.match(page, /On hold/)
      assert.match(page, /Paused for the budget review/)
      assert.match(page, /Suggested status/)
    })
  })
}
