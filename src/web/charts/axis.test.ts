import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { measureChart } from '../../features/measures/index.ts'
import { niceAxis, placeLabels, textWidth } from './axis.ts'

const NICE = [1, 2, 2.5, 5]

function isNice(step: number): boolean {
  const power = 10 ** Math.floor(Math.log10(step) + 1e-9)
  return NICE.some((n) => Math.abs(step / power - n) < 1e-6)
}

describe('chart value axis', () => {
  it('steps at 1, 2, 2.5 or 5 × a power of ten, covering every value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (values) => {
          const axis = niceAxis(values)
          assert.ok(isNice(axis.step), `step ${axis.step}`)
          const [lo, hi] = [axis.ticks[0] ?? 0, axis.ticks.at(-1) ?? 0]
          const slack = 1e-6 * Math.max(1, ...values.map(Math.abs))
          assert.ok(lo <= Math.min(...values) + slack && hi >= Math.max(...values) - slack)
          assert.ok(axis.ticks.length >= 2 && axis.ticks.length <= 12)
        },
      ),
    )
  })

  it('gives the ticks the issue found odd a nice step instead', () => {
    assert.deepEqual(niceAxis([42.3, 46.6, 50.9, 55.2]).ticks, [40, 45, 50, 55, 60])
    const quarter = niceAxis([0.05, 0.9])
    assert.deepEqual(quarter.ticks, [0, 0.25, 0.5, 0.75, 1])
    assert.equal(quarter.decimals, 2)
  })

  it('never goes below zero for values that cannot, nor above 100%', () => {
    const axis = niceAxis([0.4, 3.1, 97, 99.6], { ceiling: 100 })
    assert.equal(axis.ticks[0], 0)
    assert.equal(axis.ticks.at(-1), 100)
    assert.ok(niceAxis([0, 0.2, 4.9], { zero: true }).ticks.every((t) => t >= 0))
    assert.ok((niceAxis([-4.9, 3]).ticks[0] ?? 0) < 0, 'negative where the data is')
  })

  it('starts at zero where zero is near, not where it would flatten the line', () => {
    assert.equal(niceAxis([12, 30], { zero: true }).ticks[0], 0)
    assert.equal(niceAxis([200, 260], { zero: true }).ticks[0], 200)
  })
})

describe('chart category labels', () => {
  it('never overlap and never leave the chart, and always label the latest', () => {
    const labels = Array.from({ length: 36 }, (_, i) => `2026/27 Q${(i % 4) + 1}`)
    const width = 720
    const x = (i: number) => 60 + (i * 640) / 35
    const placed = placeLabels(labels, x, { fontSize: 12, width })
    assert.equal(placed.at(-1)?.index, 35)
    const extent = (p: (typeof placed)[number]) => {
      const w = textWidth(labels[p.index] ?? '', 12)
      return p.anchor === 'start'
        ? [p.x, p.x + w]
        : p.anchor === 'end'
          ? [p.x - w, p.x]
          : [p.x - w / 2, p.x + w / 2]
    }
    placed.forEach((p, k) => {
      const [from = 0, to = 0] = extent(p)
      assert.ok(from >= 0 && to <= width, `${labels[p.index] ?? ''} inside the chart`)
      const next = placed[k + 1]
      if (next) assert.ok(to < (extent(next)[0] ?? 0), 'no overlap')
    })
  })
})

describe('measure chart', () => {
  const points = [
    { label: 'Q1', value: 1.2, target: null, rag: 'no_data' as const },
    { label: 'Q2', value: 0.4, target: 2, rag: 'green' as const },
  ]

  it('draws the target wherever one is set, even for a single period, with a key', () => {
    const svg = measureChart('c', 'A', points, { unit: 'percent', decimals: 1 })
    assert.match(svg, /class="gt-chart__target" d="M[\d.]+ [\d.]+L[\d.]+ [\d.]+"/)
    assert.match(svg, />Target<\/text>/)
    const none = measureChart(
      'c',
      'A',
      points.map((p) => ({ ...p, target: null })),
      {
        unit: 'percent',
        decimals: 1,
      },
    )
    assert.doesNotMatch(none, /gt-chart__target/)
    assert.match(none, />No target set<\/text>/)
  })

  it('sets the service font and no negative percentage on the axis', () => {
    const svg = measureChart('c', 'A', points, { unit: 'percent', decimals: 1 })
    assert.match(svg, /^<svg [^>]*font-family="system-ui, [^"]*sans-serif"/)
    assert.doesNotMatch(svg, />[−-][\d.]+%</)
  })
})
