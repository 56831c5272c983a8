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

/** Every page of the framework must be a well-formed GOV.UK page. */
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

const idAfter = (location: unknown, prefix: string) =>
  String(location)
    .replace(new RegExp(`^/${prefix}/`), '')
    .replace(/[#?].*$/, '')

for (const mode of testModes()) {
  describe(`golden thread pages (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let other: TestOrganisation
    let officer: Principal & { email: string }
    let officerAgent: Agent
    let viewerAgent: Agent

    before(async () => {
      ctx = await createTestContext(mode)
      app = await ctx.app()
      org = await ctx.organisation()
      other = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      const viewer = await ctx.person(org, { role: 'viewer' })
      officerAgent = await Agent.signedIn(app, officer.email)
      viewerAgent = await Agent.signedIn(app, viewer.email)
    })
    after(() => ctx.close())

    async function addPlan(form: Record<string, string> = {}) {
      await officerAgent.get('/plans/new')
      const response = await officerAgent.post('/plans/new', {
        title: 'City Plan 2024–2029',
        kind: 'city',
        firstYear: '2024/25',
        lastYear: '2028/29',
        status: 'active',
        levels: 'Theme\nOutcome',
        vision: 'A place where everyone thrives',
        ...form,
      })
      assert.equal(response.statusCode, 303, response.body.slice(0, 1000))
      return idAfter(response.headers.location, 'plans')
    }

    async function addNode(planId: string, form: Record<string, string>) {
      await officerAgent.get(`/plans/${planId}/nodes/new`)
      const response = await officerAgent.post(`/plans/${planId}/nodes/new`, form)
      assert.equal(response.statusCode, 303, response.body.slice(0, 1000))
      return idAfter(response.headers.location, 'nodes')
    }

    it('adds a plan with the form and shows it to everyone in the organisation', async () => {
      const planId = await addPlan()
      const list = assertPage(await viewerAgent.get('/plans'))
      assert.match(list, /City Plan 2024–2029/)
      assert.match(list, /2024\/25 to 2028\/29/)
      assert.doesNotMatch(list, /Add a plan/, 'viewers see no add button')
      const page = assertPage(await viewerAgent.get(`/plans/${planId}`))
      assert.match(page, /Theme → Outcome/)
      assert.match(page, /A place where everyone thrives/)
      assert.match(page, /Active<\/strong>/, 'status in words')
      assert.match(page, new RegExp(`/history/plan/${planId}`))
      assertPage(await viewerAgent.get(`/history/plan/${planId}`))
    })

    it('re-shows the plan form with an error summary and the entered values', async () => {
      await officerAgent.get('/plans/new')
      const ends = await officerAgent.post('/plans/new', {
        title: 'Backwards plan',
        kind: 'city',
        firstYear: '2025/26',
        lastYear: '2024/25',
        status: 'draft',
        levels: 'Theme',
      })
      assertErrorSummary(ends, 'lastYear', /same as or after the first financial year/)
      assert.match(ends.body, /value="Backwards plan"/)
      assert.match(ends.body, /<title>Error: /)
      const badYear = await officerAgent.post('/plans/new', {
        title: 'x',
        kind: 'city',
        firstYear: '2024-25',
        lastYear: '2024/26',
        levels: 'Theme',
      })
      assertErrorSummary(badYear, 'firstYear', /first financial year in the form 2024\/25/)
      assert.match(badYear.body, /href="#lastYear"/)
      const blank = await officerAgent.post('/plans/new', {})
      for (const field of ['title', 'kind', 'firstYear', 'lastYear', 'levels']) {
        assert.match(blank.body, new RegExp(`href="#${field}"`), field)
      }
      const plans = await ctx.services.framework.listPlans(officer)
      assert.ok(plans.every((p) => p.title !== 'Backwards plan'))
    })

    it('builds a plan’s tree, follows a theme down into a delivery plan and back up', async () => {
      const cityId = await addPlan()
      const theme = await addNode(cityId, {
        title: 'Healthy lives',
        leadUnitId: org.units.people ?? '',
      })
      await addNode(cityId, { title: 'Independence', parentId: theme })
      const deliveryId = await addPlan({
        title: 'Delivery Plan 2024/25',
        kind: 'delivery',
        lastYear: '2024/25',
        levels: 'Priority\nKey action',
        parentPlanId: cityId,
        vision: '',
      })
      const form = assertPage(await officerAgent.get(`/plans/${deliveryId}/nodes/new`))
      assert.match(form, /Contributes to, in a plan above/)
      assert.match(form, /City Plan 2024–2029: Theme: Healthy lives/)
      const priority = await addNode(deliveryId, {
        title: 'Expand reablement',
        contributesToId: theme,
      })
      const themePage = assertPage(await viewerAgent.get(`/nodes/${theme}`))
      assert.match(themePage, /Priority in Delivery Plan 2024\/25/)
      assert.match(themePage, /Expand reablement/)
      const priorityPage = assertPage(await viewerAgent.get(`/nodes/${priority}`))
      assert.match(priorityPage, /Path up to the vision/)
      assert.match(priorityPage, /A place where everyone thrives/)
      assert.ok(
        priorityPage.indexOf('Healthy lives') < priorityPage.indexOf('Expand reablement</strong>'),
      )
      const thread = assertPage(await viewerAgent.get(`/nodes/${theme}/thread`))
      assert.match(thread, /Independence/)
      assert.match(thread, /Expand reablement/)
      assertPage(await viewerAgent.get(`/history/node/${priority}`))
    })

    it('refuses to move a node under itself, with an error summary, and changes nothing', async () => {
      const planId = await addPlan()
      const theme = await addNode(planId, { title: 'Parent theme' })
      const child = await addNode(planId, { title: 'Child outcome', parentId: theme })
      await officerAgent.get(`/nodes/${theme}/edit`)
      const response = await officerAgent.post(`/nodes/${theme}/edit`, {
        title: 'Parent theme renamed',
        parentId: child,
      })
      assertErrorSummary(response, 'parentId', /cannot sit under itself or a node beneath it/)
      assert.match(response.body, /value="Parent theme renamed"/)
      const node = await ctx.services.framework.getNode(officer, theme)
      assert.equal(node.parentId, null)
      assert.equal(node.title, 'Parent theme')
    })

    it('reorders with Move up and Move down buttons', async () => {
      const planId = await addPlan()
      const first = await addNode(planId, { title: 'First' })
      const second = await addNode(planId, { title: 'Second' })
      await officerAgent.get(`/plans/${planId}`)
      const up = await officerAgent.post(`/nodes/${second}/move-up`, { from: 'plan' })
      assert.equal(up.statusCode, 303)
      assert.equal(up.headers.location, `/plans/${planId}#node-${second}`)
      const page = assertPage(await officerAgent.get(`/plans/${planId}`))
      assert.ok(page.indexOf('>Second<') < page.indexOf('>First<'))
      const down = await officerAgent.post(`/nodes/${second}/move-down`)
      assert.equal(down.headers.location, `/nodes/${second}`)
      const again = await officerAgent.get(`/plans/${planId}`)
      assert.ok(again.body.indexOf('>First<') < again.body.indexOf('>Second<'))
      assert.ok(first)
    })

    it('links a unit through the link form, shows it from both sides, and removes it', async () => {
      const planId = await addPlan()
      const theme = await addNode(planId, { title: 'Clean streets' })
      const waste = org.units.waste ?? ''
      const form = assertPage(await officerAgent.get(`/nodes/${theme}/links/new?kind=unit`))
      assert.match(form, /Link a unit/)
      const blank = await officerAgent.post(`/nodes/${theme}/links/new`, {
        itemKind: 'unit',
        itemId: '',
      })
      assertErrorSummary(blank, 'itemId', /Select an item from the list/)
      const linked = await officerAgent.post(`/nodes/${theme}/links/new`, {
        itemKind: 'unit',
        itemId: waste,
      })
      assert.equal(linked.statusCode, 303)
      const page = assertPage(await viewerAgent.get(`/nodes/${theme}`))
      assert.match(page, new RegExp(`/items/unit/${waste}/thread`))
      const paths = assertPage(await viewerAgent.get(`/items/unit/${waste}/thread`))
      assert.match(paths, /Where this unit fits in the golden thread/)
      assert.match(paths, /Clean streets/)
      const [link] = await ctx.services.framework.links(officer, theme)
      await officerAgent.get(`/nodes/${theme}`)
      const removed = await officerAgent.post(`/nodes/${theme}/links/${link?.id ?? ''}/remove`)
      assert.equal(removed.statusCode, 303)
      assert.equal((await ctx.services.framework.links(officer, theme)).length, 0)
    })

    it('archives and restores a node and a plan with buttons', async () => {
      const planId = await addPlan()
      const theme = await addNode(planId, { title: 'To archive' })
      await officerAgent.get(`/nodes/${theme}`)
      assert.equal((await officerAgent.post(`/nodes/${theme}/archive`)).statusCode, 303)
      const planPage = assertPage(await officerAgent.get(`/plans/${planId}`))
      assert.match(planPage, /<h2 class="govuk-heading-m">Archived<\/h2>/)
      const nodePage = assertPage(await officerAgent.get(`/nodes/${theme}`))
      assert.match(nodePage, /Restore/)
      assert.equal((await officerAgent.post(`/nodes/${theme}/restore`)).statusCode, 303)
      await officerAgent.get(`/plans/${planId}`)
      assert.equal((await officerAgent.post(`/plans/${planId}/archive`)).statusCode, 303)
      assert.match((await officerAgent.get(`/plans/${planId}`)).body, /Make active again/)
      assert.equal((await officerAgent.post(`/plans/${planId}/restore`)).statusCode, 303)
      assert.equal((await ctx.services.framework.getPlan(officer, planId)).status, 'active')
    })

    it('shows the alignment checks', async () => {
      const planId = await addPlan()
      await addNode(planId, { title: 'Lonely theme' })
      const page = assertPage(await viewerAgent.get('/alignment'))
      assert.match(page, /Lonely theme/)
      assert.match(page, /Units linked to nothing/)
      assert.match(page, /<caption/)
    })

    it('lets viewers read but not shape', async () => {
      const planId = await addPlan()
      const theme = await addNode(planId, { title: 'Read only' })
      assert.equal((await viewerAgent.get('/plans/new')).statusCode, 403)
      assert.equal((await viewerAgent.get(`/plans/${planId}/edit`)).statusCode, 403)
      assert.equal((await viewerAgent.get(`/nodes/${theme}/edit`)).statusCode, 403)
      assert.equal((await viewerAgent.get(`/nodes/${theme}/links/new?kind=unit`)).statusCode, 403)
      const page = assertPage(await viewerAgent.get(`/nodes/${theme}`))
      assert.doesNotMatch(page, /Edit or move|Move up|Archive<|Link a unit/)
      assert.equal((await viewerAgent.post('/plans/new', { title: 'x' })).statusCode, 403)
      assert.equal((await viewerAgent.post(`/nodes/${theme}/archive`)).statusCode, 403)
      assert.equal((await ctx.services.framework.getNode(officer, theme)).status, 'active')
    })

    it('answers 404 for another organisation’s plans, nodes and items', async () => {
      const outsider = await ctx.person(other, { role: 'administrator' })
      const foreign = await ctx.services.framework.createPlan(outsider, {
        title: 'Secret plan',
        kind: 'city',
        firstYear: '2024/25',
        lastYear: '2024/25',
        status: 'active',
        levels: ['Theme'],
      })
      const node = await ctx.services.framework.createNode(outsider, foreign.id, {
        title: 'Secret',
      })
      for (const url of [
        `/plans/${foreign.id}`,
        `/plans/${foreign.id}/edit`,
        `/plans/${foreign.id}/nodes/new`,
        `/nodes/${node.id}`,
        `/nodes/${node.id}/thread`,
        `/nodes/${node.id}/links/new?kind=unit`,
        `/items/unit/${other.units.care ?? ''}/thread`,
        `/history/plan/${foreign.id}`,
        `/history/node/${node.id}`,
      ]) {
        const response = await officerAgent.get(url)
        assert.equal(response.statusCode, 404, url)
        assert.doesNotMatch(response.body, /Secret/)
      }
      await officerAgent.get('/plans')
      for (const url of [
        `/plans/${foreign.id}/edit`,
        `/plans/${foreign.id}/archive`,
        `/nodes/${node.id}/edit`,
        `/nodes/${node.id}/move-up`,
        `/nodes/${node.id}/archive`,
        `/nodes/${node.id}/links/new`,
      ]) {
        const response = await officerAgent.post(url, { title: 'Intruder', itemKind: 'unit' })
        assert.equal(response.statusCode, 404, url)
      }
      assert.equal((await ctx.services.framework.getNode(outsider, node.id)).title, 'Secret')
      assert.equal(
        (await officerAgent.get('/items/spaceship/' + node.id + '/thread')).statusCode,
        404,
      )
      assert.equal((await officerAgent.get('/nodes/not-an-id')).statusCode, 404)
    })
  })
}
