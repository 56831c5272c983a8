import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { branches, Hierarchy, reorder } from './hierarchy.ts'

const item = (id: string, parentId: string | null, position = 0) => ({ id, parentId, position })

// a ─ b ─ d
//   └ c
// e
const sample = () =>
  new Hierarchy(
    [item('d', 'b'), item('c', 'a', 1), item('b', 'a', 0), item('a', null), item('e', null, 1)],
    (x, y) => x.position - y.position,
  )

describe('hierarchy', () => {
  it('orders roots and children by the order given', () => {
    const h = sample()
    assert.deepEqual(
      h.roots().map((i) => i.id),
      ['a', 'e'],
    )
    assert.deepEqual(
      h.childrenOf('a').map((i) => i.id),
      ['b', 'c'],
    )
  })

  it('walks up nearest first and down depth first', () => {
    const h = sample()
    assert.deepEqual(
      h.ancestorsOf('d').map((i) => i.id),
      ['d', 'b', 'a'],
    )
    assert.deepEqual(
      h.descendantsOf('a').map((i) => i.id),
      ['a', 'b', 'd', 'c'],
    )
    assert.equal(h.depthOf('d'), 2)
    assert.equal(h.depthOf('a'), 0)
  })

  it('refuses to make an item its own ancestor', () => {
    const h = sample()
    assert.equal(h.wouldCycle('a', 'a'), true)
    assert.equal(h.wouldCycle('a', 'd'), true)
    assert.equal(h.wouldCycle('b', 'd'), true)
    assert.equal(h.wouldCycle('d', 'c'), false)
    assert.equal(h.wouldCycle('a', 'e'), false)
    assert.equal(h.wouldCycle('a', null), false)
  })

  it('treats an item whose parent is missing as a root', () => {
    const h = new Hierarchy([item('x', 'gone')])
    assert.deepEqual(
      h.roots().map((i) => i.id),
      ['x'],
    )
  })

  it('does not spin on a loop already in the data', () => {
    const h = new Hierarchy([item('p', 'q'), item('q', 'p')])
    assert.deepEqual(
      h.ancestorsOf('p').map((i) => i.id),
      ['p', 'q'],
    )
  })

  it('gives nested branches', () => {
    const [a] = branches(sample(), 'a')
    assert.equal(a?.item.id, 'a')
    assert.deepEqual(
      a.children.map((c) => [c.item.id, c.children.map((g) => g.item.id)]),
      [
        ['b', ['d']],
        ['c', []],
      ],
    )
    assert.equal(branches(sample()).length, 2)
  })
})

describe('reorder', () => {
  const siblings = [item('a', null, 0), item('b', null, 1), item('c', null, 2)]

  it('moves one place up or down', () => {
    assert.deepEqual(reorder(siblings, 'c', 1), [
      { id: 'c', position: 1 },
      { id: 'b', position: 2 },
    ])
    assert.deepEqual(reorder(siblings, 'a', 1), [
      { id: 'b', position: 0 },
      { id: 'a', position: 1 },
    ])
  })

  it('clamps to the ends and changes nothing when already there', () => {
    assert.deepEqual(reorder(siblings, 'a', -5), [])
    assert.deepEqual(reorder(siblings, 'c', 99), [])
    assert.deepEqual(reorder(siblings, 'nobody', 0), [])
  })

  it('closes gaps left by archived or moved siblings', () => {
    const gappy = [item('a', null, 0), item('b', null, 4), item('c', null, 9)]
    assert.deepEqual(reorder(gappy, 'a', 0), [
      { id: 'b', position: 1 },
      { id: 'c', position: 2 },
    ])
  })

  it('always leaves positions 0..n-1 with the moved item where asked', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.nat(), fc.integer(), (n, pick, to) => {
        const list = Array.from({ length: n }, (_, i) => item(`n${i}`, null, i * 3))
        const id = `n${pick % n}`
        const changed = new Map(reorder(list, id, to).map((c) => [c.id, c.position]))
        const final = list
          .map((s) => ({ id: s.id, position: changed.get(s.id) ?? s.position }))
          .sort((x, y) => x.position - y.position)
        assert.deepEqual(
          final.map((s) => s.position),
          Array.from({ length: n }, (_, i) => i),
        )
        assert.equal(
          final.findIndex((s) => s.id === id),
          Math.max(0, Math.min(n - 1, to)),
        )
      }),
    )
  })
})

describe('moves that pass the cycle check', () => {
  it('never make an item its own ancestor', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(9), fc.option(fc.nat(9), { nil: null })), { maxLength: 60 }),
        (moves) => {
          const parents = new Map<string, string | null>(
            Array.from({ length: 10 }, (_, i) => [`n${i}`, null]),
          )
          for (const [who, to] of moves) {
            const h = new Hierarchy([...parents].map(([id, parentId]) => ({ id, parentId })))
            const id = `n${who}`
            const target = to === null ? null : `n${to}`
            if (!h.wouldCycle(id, target)) parents.set(id, target)
          }
          const h = new Hierarchy([...parents].map(([id, parentId]) => ({ id, parentId })))
          for (const id of parents.keys()) {
            const path = h.ancestorsOf(id)
            const top = path.at(-1)
            assert.equal(top?.parentId ?? null, null, `${id} is in a loop`)
          }
        },
      ),
    )
  })
})
