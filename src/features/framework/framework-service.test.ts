import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { buildDemoCouncil } from '../demo/index.ts'
import type { FrameworkService } from './framework-service.ts'
import type { PlanInput } from './framework-schemas.ts'

const planInput = (overrides: Partial<PlanInput> = {}): PlanInput => ({
  title: 'City Plan',
  kind: 'city',
  firstYear: '2024/25',
  lastYear: '2028/29',
  status: 'active',
  levels: ['Theme', 'Outcome'],
  vision: 'A good life for everyone',
  ...overrides,
})

async function rejectsWith(
  promise: Promise<unknown>,
  kind: typeof Invalid | typeof NotFound | typeof Forbidden | typeof Conflict,
  field?: string,
) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`)
    if (field !== undefined && error instanceof Invalid) {
      assert.equal(error.fields[0]?.field, field)
    }
    return true
  })
}

for (const mode of testModes()) {
  describe(`framework service (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let other: TestOrganisation
    let officer: Principal
    let viewer: Principal
    let partner: Principal
    let outsider: Principal
    let framework: FrameworkService

    before(async () => {
      ctx = await createTestContext(mode)
      org = await ctx.organisation()
      other = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      viewer = await ctx.person(org, { role: 'viewer' })
      partner = await ctx.person(org, { role: 'partner', roleUnit: 'care' })
      outsider = await ctx.person(other, { role: 'administrator' })
      framework = ctx.services.framework
    })
    after(() => ctx.close())

    async function cityWithDelivery() {
      const city = await framework.createPlan(officer, planInput())
      const theme = await framework.createNode(officer, city.id, { title: 'Healthy lives' })
      const outcome = await framework.createNode(officer, city.id, {
        title: 'Independence',
        parentId: theme.id,
      })
      const delivery = await framework.createPlan(
        officer,
        planInput({
          title: 'Delivery Plan',
          kind: 'delivery',
          firstYear: '2024/25',
          lastYear: '2024/25',
          parentPlanId: city.id,
          levels: ['Priority', 'Action'],
          vision: null,
        }),
      )
      const priority = await framework.createNode(officer, delivery.id, {
        title: 'Expand reablement',
        contributesToId: theme.id,
      })
      const action = await framework.createNode(officer, delivery.id, {
        title: 'Recruit workers',
        parentId: priority.id,
      })
      return { city, theme, outcome, delivery, priority, action }
    }

    async function auditCount() {
      const row = await ctx.database.db
        .selectFrom('audit_records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organisation_id', '=', org.id)
        .executeTakeFirstOrThrow()
      return row.n
    }

    it('creates a plan with its period, levels and an audit record', async () => {
      const before = await auditCount()
      const plan = await framework.createPlan(officer, planInput({ ownerUnitId: org.units.people }))
      assert.equal(plan.firstYear, '2024/25')
      assert.equal(plan.lastYear, '2028/29')
      assert.equal(plan.period, '2024/25 to 2028/29')
      assert.equal(plan.startDate, '2024-04-01')
      assert.equal(plan.endDate, '2029-03-31')
      assert.deepEqual(plan.levels, ['Theme', 'Outcome'])
      assert.equal(await auditCount(), before + 1)
      const history = await ctx.services.audit.history(officer, 'plan', plan.id)
      assert.equal(history[0]?.action, 'plan_created')
    })

    it('refuses a period that ends before it starts, and changes nothing', async () => {
      const before = await auditCount()
      await rejectsWith(
        framework.createPlan(officer, planInput({ firstYear: '2025/26', lastYear: '2024/25' })),
        Invalid,
        'lastYear',
      )
      const plan = await framework.createPlan(officer, planInput())
      await rejectsWith(framework.updatePlan(officer, plan.id, { lastYear: '2023/24' }), Invalid)
      assert.equal((await framework.getPlan(officer, plan.id)).lastYear, '2028/29')
      assert.equal(await auditCount(), before + 1)
    })

    it('lets only organisation-wide administrators and performance officers shape plans', async () => {
      await rejectsWith(framework.createPlan(viewer, planInput()), Forbidden)
      const unitOfficer = await ctx.person(org, { role: 'performance_officer', roleUnit: 'care' })
      await rejectsWith(framework.createPlan(unitOfficer, planInput()), Forbidden)
      const admin = await ctx.person(org, { role: 'administrator' })
      const plan = await framework.createPlan(admin, planInput())
      await rejectsWith(framework.updatePlan(viewer, plan.id, { title: 'Mine now' }), Forbidden)
      await rejectsWith(framework.createNode(partner, plan.id, { title: 'Sneaky' }), Forbidden)
    })

    it('lets everyone in the organisation read the framework, partners included', async () => {
      const { city, theme } = await cityWithDelivery()
      assert.ok((await framework.listPlans(viewer)).some((p) => p.id === city.id))
      assert.equal((await framework.getNode(partner, theme.id)).title, 'Healthy lives')
      const noRole = await ctx.person(org, { role: null })
      await rejectsWith(framework.listPlans(noRole), Forbidden)
    })

    it('answers NotFound for another organisation’s plans and nodes, and changes nothing', async () => {
      const { city, theme } = await cityWithDelivery()
      await rejectsWith(framework.getPlan(outsider, city.id), NotFound)
      await rejectsWith(framework.getNode(outsider, theme.id), NotFound)
      await rejectsWith(framework.createNode(outsider, city.id, { title: 'Intruder' }), NotFound)
      await rejectsWith(framework.updateNode(outsider, theme.id, { title: 'Intruder' }), NotFound)
      await rejectsWith(framework.updatePlan(outsider, city.id, { title: 'Intruder' }), NotFound)
      await rejectsWith(framework.thread(outsider, theme.id), NotFound)
      await rejectsWith(
        framework.addLink(outsider, theme.id, { itemKind: 'unit', itemId: other.units.care ?? '' }),
        NotFound,
      )
      assert.equal((await framework.getNode(officer, theme.id)).title, 'Healthy lives')
      assert.equal((await framework.listPlans(outsider)).length, 0)
    })

    it('refuses references into another organisation as bad input', async () => {
      const { city, theme } = await cityWithDelivery()
      const foreignPlan = await framework.createPlan(outsider, planInput({ title: 'Foreign' }))
      const foreignNode = await framework.createNode(outsider, foreignPlan.id, { title: 'Theirs' })
      await rejectsWith(
        framework.createNode(officer, city.id, { title: 'X', parentId: foreignNode.id }),
        Invalid,
        'parentId',
      )
      await rejectsWith(
        framework.createPlan(officer, planInput({ parentPlanId: foreignPlan.id })),
        Invalid,
        'parentPlanId',
      )
      await rejectsWith(
        framework.updateNode(officer, theme.id, { leadUnitId: other.units.care ?? '' }),
        Invalid,
        'leadUnitId',
      )
      await rejectsWith(
        framework.updateNode(officer, theme.id, { ownerId: outsider.personId }),
        Invalid,
        'ownerId',
      )
      await rejectsWith(
        framework.addLink(officer, theme.id, { itemKind: 'unit', itemId: other.units.care ?? '' }),
        Invalid,
        'itemId',
      )
      await rejectsWith(
        framework.createPlan(officer, planInput({ ownerUnitId: other.units.people ?? '' })),
        Invalid,
        'ownerUnitId',
      )
    })

    it('places nodes in order with level names and a path up to the vision', async () => {
      const { city, theme, outcome, priority, action } = await cityWithDelivery()
      const second = await framework.createNode(officer, city.id, { title: 'Thriving economy' })
      const { nodes, tree } = await framework.planNodes(officer, city.id)
      assert.deepEqual(
        nodes.map((n) => [n.title, n.levelName, n.depth]),
        [
          ['Healthy lives', 'Theme', 0],
          ['Independence', 'Outcome', 1],
          ['Thriving economy', 'Theme', 0],
        ],
      )
      assert.equal(tree[0]?.children[0]?.node.id, outcome.id)
      assert.equal(second.position, 1)
      const detail = await framework.nodeDetail(viewer, action.id)
      assert.equal(detail.path.vision?.text, 'A good life for everyone')
      assert.deepEqual(
        detail.path.steps.map((s) => [s.title, s.levelName]),
        [
          ['Healthy lives', 'Theme'],
          ['Expand reablement', 'Priority'],
          ['Recruit workers', 'Action'],
        ],
      )
      assert.equal(detail.path.steps[0]?.nodeId, theme.id)
      assert.equal(detail.path.steps[1]?.nodeId, priority.id)
    })

    it('refuses a move that would make a node its own ancestor, and changes nothing', async () => {
      const { theme, outcome } = await cityWithDelivery()
      const before = await auditCount()
      await rejectsWith(
        framework.updateNode(officer, theme.id, { parentId: outcome.id }),
        Invalid,
        'parentId',
      )
      await rejectsWith(
        framework.updateNode(officer, theme.id, { parentId: theme.id }),
        Invalid,
        'parentId',
      )
      assert.equal((await framework.getNode(officer, theme.id)).parentId, null)
      assert.equal(await auditCount(), before)
    })

    it('moves a node, with everything beneath it, under another parent in its plan', async () => {
      const { city, theme, outcome } = await cityWithDelivery()
      const other = await framework.createNode(officer, city.id, { title: 'Economy' })
      const deeper = await framework.createNode(officer, city.id, {
        title: 'Deeper',
        parentId: outcome.id,
      })
      const moved = await framework.updateNode(officer, outcome.id, { parentId: other.id })
      assert.equal(moved.parentId, other.id)
      assert.equal((await framework.getNode(officer, deeper.id)).depth, 2)
      assert.equal((await framework.nodeDetail(officer, theme.id)).beneath.length, 1)
      const history = await ctx.services.audit.history(officer, 'node', outcome.id)
      assert.equal(history[0]?.action, 'node_moved')
    })

    it('keeps sitting under a node of another plan to top-level nodes of plans below', async () => {
      const { city, theme, outcome, delivery, priority } = await cityWithDelivery()
      const sibling = await framework.createPlan(officer, planInput({ title: 'Unrelated' }))
      const stray = await framework.createNode(officer, sibling.id, { title: 'Stray' })
      await rejectsWith(
        framework.createNode(officer, delivery.id, { title: 'X', contributesToId: stray.id }),
        Invalid,
        'contributesToId',
      )
      await rejectsWith(
        framework.createNode(officer, city.id, { title: 'Up', contributesToId: priority.id }),
        Invalid,
        'contributesToId',
      )
      await rejectsWith(
        framework.createNode(officer, delivery.id, {
          title: 'Both',
          parentId: priority.id,
          contributesToId: outcome.id,
        }),
        Invalid,
        'contributesToId',
      )
      const moved = await framework.updateNode(officer, priority.id, {
        contributesToId: outcome.id,
      })
      assert.equal(moved.contributesToId, outcome.id)
      assert.ok(
        (await framework.nodeDetail(officer, theme.id)).beneath.every(
          (b) => b.node.id !== priority.id,
        ),
      )
    })

    it('refuses to move a plan under itself or a plan beneath it, or to tear the thread', async () => {
      const { city, delivery } = await cityWithDelivery()
      await rejectsWith(
        framework.updatePlan(officer, city.id, { parentPlanId: delivery.id }),
        Invalid,
        'parentPlanId',
      )
      await rejectsWith(
        framework.updatePlan(officer, city.id, { parentPlanId: city.id }),
        Invalid,
        'parentPlanId',
      )
      await rejectsWith(
        framework.updatePlan(officer, delivery.id, { parentPlanId: null }),
        Invalid,
        'parentPlanId',
      )
      assert.equal((await framework.getPlan(officer, delivery.id)).parentPlanId, city.id)
      const corporate = await framework.createPlan(
        officer,
        planInput({ title: 'Corporate', kind: 'corporate', parentPlanId: city.id }),
      )
      const moved = await framework.updatePlan(officer, delivery.id, { parentPlanId: corporate.id })
      assert.equal(moved.parentPlanId, corporate.id, 'the city plan is still above it')
    })

    it('reorders siblings one place at a time', async () => {
      const plan = await framework.createPlan(officer, planInput())
      const a = await framework.createNode(officer, plan.id, { title: 'A' })
      const b = await framework.createNode(officer, plan.id, { title: 'B' })
      const c = await framework.createNode(officer, plan.id, { title: 'C' })
      await framework.moveNode(officer, c.id, 'up')
      await framework.moveNode(officer, a.id, 'up')
      const order = async () =>
        (await framework.planNodes(officer, plan.id)).nodes.map((n) => n.title).join('')
      assert.equal(await order(), 'ACB')
      await framework.moveNode(officer, a.id, 'down')
      assert.equal(await order(), 'CAB')
      await framework.updateNode(officer, b.id, { position: 0 })
      assert.equal(await order(), 'BCA')
      const history = await ctx.services.audit.history(officer, 'node', b.id)
      assert.equal(history[0]?.action, 'node_reordered')
    })

    it('archives a node with what is beneath it in the plan, keeps the history, and restores', async () => {
      const { city, theme, outcome, priority } = await cityWithDelivery()
      await framework.updateNode(officer, theme.id, { status: 'archived' })
      assert.equal((await framework.getNode(officer, outcome.id)).status, 'archived')
      assert.equal(
        (await framework.getNode(officer, priority.id)).status,
        'active',
        'other plans keep theirs',
      )
      assert.equal((await framework.planNodes(officer, city.id)).nodes.length, 0)
      assert.equal((await framework.archivedNodes(officer, city.id)).length, 1)
      await rejectsWith(framework.updateNode(officer, outcome.id, { title: 'Changed' }), Conflict)
      await rejectsWith(framework.updateNode(officer, outcome.id, { status: 'active' }), Conflict)
      await framework.updateNode(officer, theme.id, { status: 'active' })
      assert.equal((await framework.getNode(officer, outcome.id)).status, 'active')
      const actions = (await ctx.services.audit.history(officer, 'node', theme.id)).map(
        (r) => r.action,
      )
      assert.deepEqual(actions.slice(0, 2), ['node_restored', 'node_archived'])
    })

    it('archives a plan by status, keeps it readable, and refuses changes to its nodes', async () => {
      const { city, theme } = await cityWithDelivery()
      const archived = await framework.updatePlan(officer, city.id, { status: 'archived' })
      assert.equal(archived.status, 'archived')
      await rejectsWith(framework.createNode(officer, city.id, { title: 'Late' }), Conflict)
      await rejectsWith(framework.updateNode(officer, theme.id, { title: 'Late' }), Conflict)
      assert.equal((await framework.getPlan(viewer, city.id)).status, 'archived')
      const history = await ctx.services.audit.history(officer, 'plan', city.id)
      assert.equal(history[0]?.action, 'plan_archived')
    })

    it('links units and people to nodes, shows them from both sides, and unlinks', async () => {
      const { theme, priority, action } = await cityWithDelivery()
      const care = org.units.care ?? ''
      const link = await framework.addLink(officer, action.id, { itemKind: 'unit', itemId: care })
      assert.equal(link.relation, 'contributing')
      assert.equal(link.item?.href, `/units/${care}`)
      await framework.addLink(officer, theme.id, { itemKind: 'unit', itemId: care })
      await framework.addLink(officer, priority.id, { itemKind: 'person', itemId: viewer.personId })
      await rejectsWith(
        framework.addLink(officer, action.id, { itemKind: 'unit', itemId: care }),
        Invalid,
        'itemId',
      )
      await rejectsWith(
        framework.addLink(officer, action.id, { itemKind: 'spaceship', itemId: care }),
        Invalid,
        'itemKind',
      )
      await rejectsWith(
        framework.addLink(viewer, action.id, { itemKind: 'unit', itemId: care }),
        Forbidden,
      )

      const paths = await framework.itemPaths(viewer, 'unit', care)
      const themes = paths.paths.map((p) => p.steps.map((s) => s.title).join(' > '))
      assert.ok(themes.includes('Healthy lives > Expand reablement > Recruit workers'))
      assert.ok(themes.includes('Healthy lives'))
      assert.ok(paths.paths.every((p) => p.vision?.text === 'A good life for everyone'))

      await framework.removeLink(officer, action.id, link.id)
      assert.equal((await framework.links(officer, action.id)).length, 0)
      await rejectsWith(framework.removeLink(officer, theme.id, link.id), NotFound)
      const actions = (await ctx.services.audit.history(officer, 'node', action.id)).map(
        (r) => r.action,
      )
      assert.deepEqual(actions.slice(0, 2), ['item_unlinked', 'item_linked'])
    })

    it('shows a partner only the people they may see in links', async () => {
      const { theme } = await cityWithDelivery()
      const hidden = await ctx.person(org, { role: 'viewer', unit: 'waste' })
      await framework.addLink(officer, theme.id, { itemKind: 'person', itemId: hidden.personId })
      const seen = await framework.links(partner, theme.id)
      assert.equal(seen[0]?.item, null)
      await rejectsWith(framework.itemPaths(partner, 'person', hidden.personId), NotFound)
    })

    it('rolls up everything linked beneath a node across plans, counting each item once', async () => {
      const { theme, outcome, priority, action } = await cityWithDelivery()
      await framework.addLink(officer, outcome.id, {
        itemKind: 'unit',
        itemId: org.units.care ?? '',
      })
      await framework.addLink(officer, action.id, {
        itemKind: 'unit',
        itemId: org.units.care ?? '',
      })
      await framework.addLink(officer, action.id, {
        itemKind: 'unit',
        itemId: org.units.reablement ?? '',
      })
      await framework.addLink(officer, priority.id, { itemKind: 'person', itemId: viewer.personId })
      const thread = await framework.thread(viewer, theme.id)
      assert.equal(thread.nodeCount, 4)
      assert.deepEqual(
        thread.rollUp.map((r) => [r.kind, r.total]),
        [
          ['unit', 2],
          ['person', 1],
        ],
      )
      const titles: string[] = []
      const walk = (b: typeof thread.tree) => {
        titles.push(`${b.node.levelName}: ${b.node.title} (${b.links.length})`)
        b.children.forEach(walk)
      }
      walk(thread.tree)
      assert.deepEqual(titles, [
        'Theme: Healthy lives (0)',
        'Outcome: Independence (1)',
        'Priority: Expand reablement (1)',
        'Action: Recruit workers (2)',
      ])
    })

    it('lists items linked to nothing and nodes with nothing linked beneath them', async () => {
      const { theme, outcome, priority, action } = await cityWithDelivery()
      await framework.addLink(officer, action.id, {
        itemKind: 'unit',
        itemId: org.units.waste ?? '',
      })
      const result = await framework.alignment(viewer)
      const bare = result.nodesWithNothingBeneath.flatMap((g) => g.nodes.map((n) => n.id))
      assert.ok(bare.includes(outcome.id))
      assert.ok(!bare.includes(theme.id), 'a link beneath, in another plan, counts')
      assert.ok(!bare.includes(priority.id))
      assert.ok(!bare.includes(action.id))
      const units = result.unlinked.find((u) => u.kind.kind === 'unit')
      assert.ok(units?.items.every((u) => u.id !== org.units.waste))
      assert.ok(units?.items.some((u) => u.id === org.units.place))
      assert.ok(units?.items.every((u) => !Object.values(other.units).includes(u.id)))
    })

    it('no longer counts links to an archived node as alignment', async () => {
      const { priority } = await cityWithDelivery()
      const team = await ctx.services.organisation.createUnit(
        await ctx.person(org, { role: 'administrator' }),
        { name: 'Brand new team', kind: 'team' },
      )
      await framework.addLink(officer, priority.id, { itemKind: 'unit', itemId: team.id })
      const linked = await framework.alignment(officer)
      assert.ok(!linked.unlinked.some((u) => u.items.some((i) => i.id === team.id)))
      await framework.updateNode(officer, priority.id, { status: 'archived' })
      const after = await framework.alignment(officer)
      assert.ok(after.unlinked.some((u) => u.items.some((i) => i.id === team.id)))
      const paths = await framework.itemPaths(officer, 'unit', team.id)
      assert.equal(paths.paths[0]?.current, false)
    })

    it('builds the demo framework: a theme of the city plan leads down to delivery priorities', async () => {
      const demo = await buildDemoCouncil(ctx.database.db, ctx.clock.read)
      const person = await ctx.database.db
        .selectFrom('people')
        .select('id')
        .where('organisation_id', '=', demo.id)
        .where('email', '=', 'councillor@example-city.gov.uk')
        .executeTakeFirstOrThrow()
      const { loadPrincipal } = (await import('../auth/index.ts')).authRepository
      const councillor = await loadPrincipal(ctx.database.db, person.id)
      assert.ok(councillor)
      const plans = await framework.listPlans(councillor)
      assert.deepEqual(
        plans.map((p) => p.kind),
        // The Corporate Plan carries the service plans and their team plans (appraisal-demo).
        ['city', 'corporate', 'service', 'team', 'improvement', 'service', 'team', 'delivery'],
      )
      const city = plans[0]
      assert.ok(city?.vision)
      const { nodes } = await framework.planNodes(councillor, city.id)
      const themes = nodes.filter((n) => n.levelName === 'Theme')
      assert.equal(themes.length, 5)
      for (const theme of themes) {
        const thread = await framework.thread(councillor, theme.id)
        const planTitles = new Set<string>()
        const walk = (b: typeof thread.tree) => {
          planTitles.add(b.planTitle)
          b.children.forEach(walk)
        }
        walk(thread.tree)
        assert.ok(
          planTitles.has('Delivery Plan 2024/25'),
          `${theme.title} reaches the delivery plan`,
        )
        assert.ok(thread.rollUp.length > 0)
      }
      const delivery = plans.find((p) => p.kind === 'delivery')
      const action = (await framework.planNodes(councillor, delivery?.id ?? '')).nodes.find(
        (n) => n.depth === 1,
      )
      const detail = await framework.nodeDetail(councillor, action?.id ?? '')
      assert.equal(detail.path.vision?.planId, city.id)
      const alignment = await framework.alignment(councillor)
      assert.ok(alignment.nodesWithNothingBeneath.length > 0)
      assert.ok(alignment.unlinked.some((u) => u.items.length > 0))
    })
  })
}
