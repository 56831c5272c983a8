import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent, bearer } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'

interface ApiNode {
  id: string
  title: string
  levelName: string
  depth: number
  parentId: string | null
  contributesToId: string | null
  children?: ApiNode[]
}

interface ApiList<T> {
  items: T[]
  page: number
  pageSize: number
  total: number
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

for (const mode of testModes()) {
  describe(`golden thread API (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let other: TestOrganisation
    let officer: Principal & { email: string }
    let token: string
    let viewerToken: string
    let outsiderToken: string

    const call = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: unknown,
      as = token,
    ) => bearer(app, as, method, `/api/v1${url}`, payload)

    before(async () => {
      ctx = await createTestContext(mode)
      app = await ctx.app()
      org = await ctx.organisation()
      other = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      const viewer = await ctx.person(org, { role: 'viewer' })
      const outsider = await ctx.person(other, { role: 'administrator' })
      token = (await ctx.services.auth.createToken(officer, 'tests')).token
      viewerToken = (await ctx.services.auth.createToken(viewer, 'tests')).token
      outsiderToken = (await ctx.services.auth.createToken(outsider, 'tests')).token
    })
    after(() => ctx.close())

    async function plan(body: Record<string, unknown> = {}) {
      const response = await call('POST', '/plans', {
        title: 'City Plan',
        kind: 'city',
        firstYear: '2024/25',
        lastYear: '2028/29',
        levels: ['Theme', 'Outcome'],
        vision: 'Everyone thrives',
        ...body,
      })
      assert.equal(response.statusCode, 201, response.body)
      return response.json<{ id: string; status: string; period: string }>()
    }

    async function node(planId: string, body: Record<string, unknown>) {
      const response = await call('POST', `/plans/${planId}/nodes`, body)
      assert.equal(response.statusCode, 201, response.body)
      return response.json<ApiNode>()
    }

    it('creates and lists plans, paginated, with financial years and ISO dates', async () => {
      const created = await plan()
      assert.match(created.id, UUID)
      assert.equal(created.status, 'draft')
      const one = await call('GET', `/plans/${created.id}`)
      assert.deepEqual(
        Object.fromEntries(
          ['firstYear', 'lastYear', 'startDate', 'endDate'].map((k) => [
            k,
            one.json<Record<string, unknown>>()[k],
          ]),
        ),
        {
          firstYear: '2024/25',
          lastYear: '2028/29',
          startDate: '2024-04-01',
          endDate: '2029-03-31',
        },
      )
      await plan({ title: 'Second' })
      const page = await call('GET', '/plans?pageSize=1&page=2')
      const body = page.json<ApiList<{ id: string }>>()
      assert.equal(body.page, 2)
      assert.equal(body.pageSize, 1)
      assert.ok(body.total >= 2)
      assert.equal(body.items.length, 1)
    })

    it('answers bad input with 400 and {error:{id,message,details}}, changing nothing', async () => {
      const backwards = await call('POST', '/plans', {
        title: 'Backwards',
        kind: 'city',
        firstYear: '2026/27',
        lastYear: '2024/25',
        levels: ['Theme'],
      })
      assert.equal(backwards.statusCode, 400)
      const error = backwards.json<{
        error: { id: string; message: string; details: { field: string }[] }
      }>().error
      assert.equal(error.id, 'invalid')
      assert.equal(error.details[0]?.field, 'lastYear')
      const badYear = await call('POST', '/plans', {
        title: 'Bad',
        kind: 'city',
        firstYear: '2024',
        lastYear: '2024/25',
        levels: ['Theme'],
      })
      assert.equal(badYear.statusCode, 400)
      assert.match(badYear.body, /2024\/25/)
      const list = await call('GET', '/plans?pageSize=500')
      assert.ok(list.json<ApiList<{ title: string }>>().items.every((p) => p.title !== 'Backwards'))
    })

    it('returns a plan’s nodes as a tree and flat, in the same order as the page', async () => {
      const city = await plan()
      const theme = await node(city.id, { title: 'Healthy lives' })
      const second = await node(city.id, { title: 'Economy' })
      const outcome = await node(city.id, { title: 'Independence', parentId: theme.id })
      assert.equal(outcome.levelName, 'Outcome')
      const tree = (await call('GET', `/plans/${city.id}/nodes?shape=tree`)).json<
        ApiList<ApiNode>
      >()
      assert.equal(tree.total, 2)
      assert.deepEqual(
        tree.items.map((n) => [n.title, n.children?.map((c) => c.title)]),
        [
          ['Healthy lives', ['Independence']],
          ['Economy', []],
        ],
      )
      const flat = (await call('GET', `/plans/${city.id}/nodes`)).json<ApiList<ApiNode>>()
      assert.deepEqual(
        flat.items.map((n) => [n.title, n.depth]),
        [
          ['Healthy lives', 0],
          ['Independence', 1],
          ['Economy', 0],
        ],
      )
      const agent = await Agent.signedIn(app, officer.email)
      const page = (await agent.get(`/plans/${city.id}`)).body
      const order = flat.items.map((n) => page.indexOf(`/nodes/${n.id}"`))
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
      )
      assert.ok(second)
    })

    it('moves, reorders and archives nodes with PATCH, refusing a node under itself', async () => {
      const city = await plan()
      const theme = await node(city.id, { title: 'Theme A' })
      const outcome = await node(city.id, { title: 'Outcome A', parentId: theme.id })
      const cycle = await call('PATCH', `/nodes/${theme.id}`, { parentId: outcome.id })
      assert.equal(cycle.statusCode, 400)
      assert.equal(
        cycle.json<{ error: { details: { field: string }[] } }>().error.details[0]?.field,
        'parentId',
      )
      assert.equal((await call('GET', `/nodes/${theme.id}`)).json<ApiNode>().parentId, null)
      const other = await node(city.id, { title: 'Theme B' })
      const moved = await call('PATCH', `/nodes/${outcome.id}`, { parentId: other.id })
      assert.equal(moved.json<ApiNode>().parentId, other.id)
      const reordered = await call('PATCH', `/nodes/${other.id}`, { position: 0 })
      assert.equal(reordered.statusCode, 200)
      const flat = (await call('GET', `/plans/${city.id}/nodes`)).json<ApiList<ApiNode>>()
      assert.deepEqual(
        flat.items.map((n) => n.title),
        ['Theme B', 'Outcome A', 'Theme A'],
      )
      const archived = await call('PATCH', `/nodes/${other.id}`, { status: 'archived' })
      assert.equal(archived.json<{ status: string }>().status, 'archived')
      const visible = (await call('GET', `/plans/${city.id}/nodes`)).json<ApiList<ApiNode>>()
      assert.deepEqual(
        visible.items.map((n) => n.title),
        ['Theme A'],
      )
      const all = await call('GET', `/plans/${city.id}/nodes?includeArchived=true`)
      assert.equal(all.json<ApiList<ApiNode>>().total, 3)
    })

    it('links items, shows the thread with a roll-up, and the paths up from an item', async () => {
      const city = await plan()
      const theme = await node(city.id, { title: 'Clean streets' })
      const delivery = await plan({
        title: 'Delivery',
        kind: 'delivery',
        lastYear: '2024/25',
        parentPlanId: city.id,
        levels: ['Priority'],
      })
      const priority = await node(delivery.id, {
        title: 'Recycle more',
        contributesToId: theme.id,
      })
      const waste = org.units.waste ?? ''
      const link = await call('POST', `/nodes/${priority.id}/links`, {
        itemKind: 'unit',
        itemId: waste,
      })
      assert.equal(link.statusCode, 201, link.body)
      const linkId = link.json<{ id: string }>().id
      const links = (await call('GET', `/nodes/${priority.id}/links`)).json<
        ApiList<{ itemKind: string; item: { title: string } }>
      >()
      assert.equal(links.total, 1)
      const thread = await call('GET', `/nodes/${theme.id}/thread`)
      const body = thread.json<{
        rollUp: { kind: string; total: number }[]
        tree: ApiNode & { planTitle: string; children: (ApiNode & { planTitle: string })[] }
        path: { vision: { text: string } | null }
      }>()
      assert.deepEqual(
        body.rollUp.map((r) => [r.kind, r.total]),
        [['unit', 1]],
      )
      assert.equal(body.tree.children[0]?.planTitle, 'Delivery')
      assert.equal(body.path.vision?.text, 'Everyone thrives')
      const paths = await call('GET', `/items/unit/${waste}/paths`)
      const pathBody = paths.json<{ paths: { steps: { title: string }[] }[] }>()
      assert.deepEqual(
        pathBody.paths.map((p) => p.steps.map((s) => s.title)),
        [['Clean streets', 'Recycle more']],
      )
      const alignment = (await call('GET', '/alignment')).json<{
        unlinkedItems: { kind: string; items: { id: string }[] }[]
      }>()
      const units = alignment.unlinkedItems.find((u) => u.kind === 'unit')
      assert.ok(units?.items.every((u) => u.id !== waste))
      const kinds = (await call('GET', '/link-kinds')).json<{ items: { kind: string }[] }>()
      // Units and people come first; each feature adds its own kinds after them.
      assert.deepEqual(kinds.items.map((k) => k.kind).slice(0, 2), ['unit', 'person'])
      assert.ok(kinds.items.some((k) => k.kind === 'project'))
      assert.ok(kinds.items.some((k) => k.kind === 'measure'))
      assert.ok(kinds.items.some((k) => k.kind === 'risk'))
      assert.equal((await call('DELETE', `/nodes/${priority.id}/links/${linkId}`)).statusCode, 204)
      assert.equal(
        (await call('GET', `/nodes/${priority.id}/links`)).json<ApiList<unknown>>().total,
        0,
      )
    })

    it('works with the browser session and its CSRF token too', async () => {
      const agent = await Agent.signedIn(app, officer.email)
      const created = await agent.api('POST', '/api/v1/plans', {
        title: 'From the browser',
        kind: 'service',
        firstYear: '2024/25',
        lastYear: '2024/25',
        levels: ['Aim'],
      })
      assert.equal(created.statusCode, 201, created.body)
    })

    it('lets a viewer read but not write', async () => {
      const city = await plan({ status: 'active' })
      assert.equal((await call('GET', `/plans/${city.id}`, undefined, viewerToken)).statusCode, 200)
      // A draft plan is work in progress: not for viewers.
      const draft = await plan()
      assert.equal(
        (await call('GET', `/plans/${draft.id}`, undefined, viewerToken)).statusCode,
        404,
      )
      const refused = await call('POST', '/plans', { title: 'x' }, viewerToken)
      assert.equal(refused.statusCode, 403, 'permission is checked before the body')
      const forbidden = await call(
        'PATCH',
        `/plans/${city.id}`,
        { title: 'Taken over' },
        viewerToken,
      )
      assert.equal(forbidden.statusCode, 403)
      assert.equal(forbidden.json<{ error: { id: string } }>().error.id, 'forbidden')
    })

    it('answers 404 for another organisation’s ids, whatever the body, and changes nothing', async () => {
      const city = await plan()
      const theme = await node(city.id, { title: 'Ours' })
      const nonsense = { kind: 'team', title: 'Intruder', status: 'nonsense', position: 'x' }
      for (const [method, url, payload] of [
        ['GET', `/plans/${city.id}`, undefined],
        ['PATCH', `/plans/${city.id}`, nonsense],
        ['GET', `/plans/${city.id}/nodes`, undefined],
        ['POST', `/plans/${city.id}/nodes`, nonsense],
        ['GET', `/nodes/${theme.id}`, undefined],
        ['PATCH', `/nodes/${theme.id}`, nonsense],
        ['GET', `/nodes/${theme.id}/thread`, undefined],
        ['GET', `/nodes/${theme.id}/links`, undefined],
        ['POST', `/nodes/${theme.id}/links`, nonsense],
        ['GET', `/items/unit/${org.units.care ?? ''}/paths`, undefined],
      ] as const) {
        const response = await call(method, url, payload, outsiderToken)
        assert.equal(response.statusCode, 404, `${method} ${url}`)
        assert.doesNotMatch(response.body, /Ours|City Plan/)
        assert.equal(response.json<{ error: { id: string } }>().error.id, 'not_found')
      }
      assert.equal((await call('GET', `/nodes/${theme.id}`)).json<ApiNode>().title, 'Ours')
    })

    it('describes the endpoints in OpenAPI', async () => {
      const spec = (await app.inject({ url: '/api/v1/openapi.json' })).json<{
        paths: Record<string, unknown>
      }>()
      for (const path of [
        '/api/v1/plans',
        '/api/v1/plans/{id}',
        '/api/v1/plans/{id}/nodes',
        '/api/v1/nodes/{id}',
        '/api/v1/nodes/{id}/thread',
        '/api/v1/nodes/{id}/links',
        '/api/v1/nodes/{id}/links/{linkId}',
        '/api/v1/items/{itemKind}/{itemId}/paths',
        '/api/v1/alignment',
        '/api/v1/link-kinds',
      ]) {
        assert.ok(path in spec.paths, path)
      }
    })
  })
}
