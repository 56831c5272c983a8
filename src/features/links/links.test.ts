import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLinkRegistry, type ItemKind, type LinkableItem } from './link-registry.ts'
import { rollUp } from './roll-up.ts'

/** A kind as a later feature would register it: measures with a RAG status. */
const measures: ItemKind = {
  kind: 'measure',
  name: 'measure',
  pluralName: 'measures',
  relation: 'measuring progress',
  statuses: [
    { value: 'red', text: 'Red' },
    { value: 'amber', text: 'Amber' },
    { value: 'green', text: 'Green' },
  ],
  list: async () => [],
  find: async () => [],
}
const units: ItemKind = {
  ...measures,
  kind: 'unit',
  name: 'unit',
  pluralName: 'units',
  statuses: [],
}

const item = (id: string, status: string | null): LinkableItem => ({
  id,
  title: id,
  href: `/x/${id}`,
  status,
  active: true,
})

describe('link registry', () => {
  it('keeps kinds in the order they were registered', () => {
    const registry = createLinkRegistry()
    registry.register(units, measures)
    assert.deepEqual(
      registry.all().map((k) => k.kind),
      ['unit', 'measure'],
    )
    assert.equal(registry.get('measure'), measures)
    assert.equal(registry.get('risk'), undefined)
  })

  it('refuses a kind registered twice or with a name unfit to store', () => {
    const registry = createLinkRegistry()
    registry.register(measures)
    assert.throws(() => registry.register(measures), /twice/)
    assert.throws(() => registry.register({ ...measures, kind: 'Bad Kind' }), /Bad item kind/)
  })
})

describe('roll-up', () => {
  it('counts each item once, by status in the kind’s order', () => {
    const result = rollUp(
      [units, measures],
      new Map([
        [
          'measure',
          [item('m1', 'green'), item('m2', 'red'), item('m1', 'green'), item('m3', null)],
        ],
        ['unit', [item('u1', null)]],
      ]),
    )
    assert.deepEqual(result, [
      {
        kind: 'unit',
        name: 'unit',
        pluralName: 'units',
        relation: 'measuring progress',
        total: 1,
        byStatus: [],
        withoutStatus: 1,
      },
      {
        kind: 'measure',
        name: 'measure',
        pluralName: 'measures',
        relation: 'measuring progress',
        total: 3,
        byStatus: [
          { value: 'red', text: 'Red', count: 1 },
          { value: 'amber', text: 'Amber', count: 0 },
          { value: 'green', text: 'Green', count: 1 },
        ],
        withoutStatus: 1,
      },
    ])
  })

  it('leaves out kinds with nothing linked', () => {
    assert.deepEqual(rollUp([units, measures], new Map()), [])
  })
})
