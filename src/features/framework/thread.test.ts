import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Thread, type ThreadNode, type ThreadPlan } from './thread.ts'

const plan = (
  id: string,
  parentPlanId: string | null,
  levels: string[],
  vision: string | null = null,
): ThreadPlan => ({ id, parentPlanId, title: id, levels, vision })

const node = (
  id: string,
  planId: string,
  options: { parent?: string; under?: string; position?: number } = {},
): ThreadNode => ({
  id,
  planId,
  parentId: options.parent ?? null,
  contributesToId: options.under ?? null,
  position: options.position ?? 0,
  title: id,
})

// City (Theme → Outcome) ─ Delivery (Priority → Action) ─ Service (Aim)
//                        └ Corporate (Purpose)
const plans = [
  plan('city', null, ['Theme', 'Outcome'], 'A good life for all'),
  plan('delivery', 'city', ['Priority', 'Action']),
  plan('service', 'delivery', ['Aim']),
  plan('corporate', 'city', ['Purpose']),
]
const nodes = [
  node('health', 'city', { position: 1 }),
  node('economy', 'city', { position: 0 }),
  node('independence', 'city', { parent: 'health' }),
  node('reablement', 'delivery', { under: 'health' }),
  node('recruit', 'delivery', { parent: 'reablement', position: 1 }),
  node('trial', 'delivery', { parent: 'reablement', position: 0 }),
  node('purpose', 'corporate', { under: 'health' }),
  node('aim', 'service', { under: 'reablement' }),
  node('jobs', 'delivery', { under: 'economy' }),
]
const thread = () => new Thread(plans, nodes)

describe('the golden thread', () => {
  it('puts a node’s own children first, then nodes of lower plans, each in order', () => {
    assert.deepEqual(
      thread()
        .beneath('health')
        .map((n) => n.id),
      ['independence', 'purpose', 'reablement'],
      'sibling plans in title order: corporate before delivery',
    )
    assert.deepEqual(
      thread()
        .beneath('reablement')
        .map((n) => n.id),
      ['trial', 'recruit', 'aim'],
    )
  })

  it('holds everything beneath a node across plans', () => {
    assert.deepEqual(
      thread()
        .subtree('health')
        .map((n) => n.id),
      ['health', 'independence', 'purpose', 'reablement', 'trial', 'recruit', 'aim'],
    )
  })

  it('walks from any node up to the top of the thread and its vision', () => {
    const t = thread()
    assert.deepEqual(
      t.pathUp('aim').map((n) => n.id),
      ['aim', 'reablement', 'health'],
    )
    assert.deepEqual(t.visionAbove('aim'), { plan: plans[0], vision: 'A good life for all' })
  })

  it('finds the vision of a plan higher up when the top node’s plan has none', () => {
    const t = new Thread(plans, [node('lonely', 'service')])
    assert.equal(t.visionAbove('lonely')?.vision, 'A good life for all')
    assert.equal(
      new Thread([plan('solo', null, ['Theme'])], [node('x', 'solo')]).visionAbove('x'),
      null,
    )
  })

  it('names each level as the node’s own plan does', () => {
    const t = thread()
    assert.equal(t.levelName('health'), 'Theme')
    assert.equal(t.levelName('independence'), 'Outcome')
    assert.equal(t.levelName('reablement'), 'Priority')
    assert.equal(t.levelName('trial'), 'Action')
    assert.equal(t.levelName('aim'), 'Aim')
    assert.equal(t.depthInPlan('reablement'), 0)
  })

  it('uses the last level name for nodes deeper than the plan names', () => {
    const t = new Thread(plans, [node('a', 'service'), node('b', 'service', { parent: 'a' })])
    assert.equal(t.levelName('b'), 'Aim')
  })

  it('lists a plan’s nodes in order, each followed by those beneath it in the plan', () => {
    assert.deepEqual(
      thread()
        .planNodes('delivery')
        .map((n) => n.id),
      ['jobs', 'reablement', 'trial', 'recruit'],
    )
    assert.deepEqual(
      thread()
        .topOf('city')
        .map((n) => n.id),
      ['economy', 'health'],
    )
  })

  it('lets a top-level node sit only under a node of a plan above its own', () => {
    const t = thread()
    assert.equal(t.canSitUnder('delivery', 'health'), true)
    assert.equal(t.canSitUnder('service', 'health'), true, 'a grandparent plan will do')
    assert.equal(t.canSitUnder('service', 'reablement'), true)
    assert.equal(t.canSitUnder('city', 'reablement'), false, 'not a plan below')
    assert.equal(t.canSitUnder('delivery', 'trial'), false, 'not its own plan')
    assert.equal(t.canSitUnder('corporate', 'reablement'), false, 'not a sibling plan')
    assert.equal(t.canSitUnder('delivery', 'missing'), false)
  })

  it('orders plans with each followed by those beneath it', () => {
    assert.deepEqual(
      thread()
        .planList()
        .map((p) => p.id),
      ['city', 'corporate', 'delivery', 'service'],
    )
    assert.deepEqual(
      thread()
        .plansAbove('service')
        .map((p) => p.id),
      ['delivery', 'city'],
    )
  })

  it('finds the threads a plan move would tear', () => {
    const t = thread()
    assert.deepEqual(
      t.threadsTornByMove('delivery', null).map((n) => n.id),
      ['reablement', 'jobs'],
    )
    assert.deepEqual(
      t.threadsTornByMove('delivery', 'corporate').map((n) => n.id),
      [],
      'the city plan is still above, through the corporate plan',
    )
    assert.deepEqual(
      t.threadsTornByMove('service', 'corporate').map((n) => n.id),
      ['aim'],
    )
    assert.deepEqual(
      t.threadsTornByMove('corporate', 'delivery').map((n) => n.id),
      [],
    )
  })
})
