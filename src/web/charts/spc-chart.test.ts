import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { xmr, type XmrOptions } from '../../core/spc.ts'
import { renderSpcChart, type SpcChartInput } from './spc-chart.ts'

interface XmlElement {
  readonly name: string
  readonly attributes: ReadonlyMap<string, string>
  readonly children: (XmlElement | string)[]
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
}

function decode(text: string, where: string): string {
  return text.replace(/&[^;]*;?/g, (entity) => {
    const decoded = ENTITIES[entity]
    if (decoded === undefined) throw new Error(`bad entity ${entity} in ${where}`)
    return decoded
  })
}

/**
 * Just enough of an XML parser to prove the SVG well formed: every tag closed in order, every
 * attribute quoted, no raw `<` in text and only the five escapes we write.
 */
function parseXml(text: string): XmlElement {
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  let at = 0
  while (at < text.length) {
    const next = text.indexOf('<', at)
    const content = text.slice(at, next < 0 ? text.length : next)
    if (content.length > 0) {
      if (content.includes('>')) throw new Error(`raw > in text: ${content}`)
      const parent = stack.at(-1)
      if (!parent) {
        if (content.trim()) throw new Error(`text outside the root: ${content}`)
      } else parent.children.push(decode(content, 'text'))
    }
    if (next < 0) break
    tag.lastIndex = next
    const match = tag.exec(text)
    if (!match) throw new Error(`malformed tag at ${next}: ${text.slice(next, next + 60)}`)
    const [whole, closing, name = '', attributeText = '', selfClosing] = match
    at = next + whole.length
    if (closing) {
      const open = stack.pop()
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`)
      continue
    }
    const attributes = new Map<string, string>()
    for (const [, key = '', value = ''] of attributeText.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      if (attributes.has(key)) throw new Error(`repeated attribute ${key} on <${name}>`)
      attributes.set(key, decode(value, `${name}@${key}`))
    }
    const element: XmlElement = { name, attributes, children: [] }
    const parent = stack.at(-1)
    if (parent) parent.children.push(element)
    else if (root) throw new Error('more than one root element')
    else root = element
    if (!selfClosing) stack.push(element)
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)?.name ?? ''}> is never closed`)
  if (!root) throw new Error('no root element')
  return root
}

function all(element: XmlElement, test: (e: XmlElement) => boolean): XmlElement[] {
  const found = test(element) ? [element] : []
  for (const child of element.children) {
    if (typeof child !== 'string') found.push(...all(child, test))
  }
  return found
}

const byClass = (root: XmlElement, name: string) =>
  all(root, (e) => (e.attributes.get('class') ?? '').split(' ').includes(name))

const textOf = (element: XmlElement): string =>
  element.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('')

const attr = (element: XmlElement | undefined, name: string): string => {
  const value = element?.attributes.get(name)
  assert.ok(value !== undefined, `<${element?.name ?? '?'}> has no ${name}`)
  return value
}

const months = (count: number) =>
  Array.from(
    { length: count },
    (_, i) =>
      `${['Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'Jan', 'Feb', 'Mar'][i % 12] ?? ''} ${2015 + Math.floor((i + 3) / 12)}`,
  )

function chart(
  values: readonly number[],
  options: Partial<Omit<XmrOptions, 'changePoints'>> & Partial<Omit<SpcChartInput, 'result'>> = {},
): { svg: string; root: XmlElement } {
  const result = xmr(values, {
    improvement: options.improvement ?? 'increase',
    target: options.target ?? null,
    changePoints: options.changePoints?.map((c) => c.index) ?? [],
    baseline: options.baseline ?? null,
  })
  const svg = renderSpcChart({
    title: 'Household waste recycled',
    unit: 'percent',
    decimals: 1,
    labels: months(values.length),
    frequency: 'monthly',
    ...options,
    result,
  })
  return { svg, root: parseXml(svg) }
}

const steady = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 50 : 52))

describe('renderSpcChart', () => {
  it('is an image with a title and a description that say what it shows', () => {
    const { root } = chart([...steady, 53], { target: 60 })
    assert.equal(root.name, 'svg')
    assert.equal(attr(root, 'role'), 'img')
    const [titleId, descId] = attr(root, 'aria-labelledby').split(' ')
    const title = all(root, (e) => e.name === 'title' && e.attributes.get('id') === titleId)[0]
    const desc = all(root, (e) => e.name === 'desc' && e.attributes.get('id') === descId)[0]
    assert.ok(title && desc, 'aria-labelledby names the title and the description')
    assert.equal(textOf(title), 'Household waste recycled')
    const description = textOf(desc)
    for (const words of [
      'Control chart of Household waste recycled with 17 values, months Apr 2015 to Aug 2016.',
      'The latest value is 53.0% in Aug 2016.',
      'The mean is 51.1% and the process limits are 46.0% to 56.3%.',
      'The target is 60.0%.',
      'Common cause – no significant change: the latest value of 53.0% is within the expected range',
      'it will be missed consistently unless the process changes.',
    ]) {
      assert.ok(description.includes(words), `the description says "${words}": ${description}`)
    }
  })

  it('marks special causes by shape as well as colour, and explains the shapes in words', () => {
    const { root } = chart([...steady, 30, 51, 70], { improvement: 'increase' })
    const [concern] = byClass(root, 'gt-spc-point--concern')
    const [improvement] = byClass(root, 'gt-spc-point--improvement')
    const common = byClass(root, 'gt-spc-point--common')
    assert.equal(attr(concern, 'data-index'), '16')
    assert.match(attr(all(concern ?? root, (e) => e.name === 'path')[0], 'd'), /^M.*L.*L.*L.*Z$/)
    assert.equal(attr(improvement, 'data-index'), '18')
    assert.equal(attr(all(improvement ?? root, (e) => e.name === 'circle')[0], 'r'), '6')
    assert.equal(common.length, 17)
    assert.equal(attr(all(common[0] ?? root, (e) => e.name === 'circle')[0], 'r'), '3.5')
    const tip = textOf(all(concern ?? root, (e) => e.name === 'title')[0] ?? root)
    assert.equal(tip, 'Aug 2016: 30.0%, special cause, concerning (outside the limits)')
    const legend = textOf(byClass(root, 'gt-spc-legend')[0] ?? root)
    assert.match(legend, /Improving \(special cause\)/)
    assert.match(legend, /Concerning \(special cause\)/)
    assert.doesNotMatch(legend, /neither better nor worse/)
  })

  it('draws neutral special causes as hollow rings', () => {
    const { root } = chart([...steady, 70], { improvement: 'neutral' })
    const [neutral] = byClass(root, 'gt-spc-point--neutral')
    const ring = all(neutral ?? root, (e) => e.name === 'circle')[0]
    assert.equal(attr(ring, 'fill'), '#fff')
    assert.match(textOf(byClass(root, 'gt-spc-legend')[0] ?? root), /neither better nor worse/)
  })

  it('escapes every label, title and reason', () => {
    const nasty = `<script>alert("x")</script> & 'more'`
    const { svg, root } = chart([...steady, 53, 70, 71], {
      title: nasty,
      labels: [...months(18), nasty],
      changePoints: [{ index: 17, reason: nasty }],
      unitLabel: nasty,
    })
    assert.doesNotMatch(svg, /<script/)
    assert.equal(textOf(all(root, (e) => e.name === 'title')[0] ?? root), nasty)
    const change = byClass(root, 'gt-spc-change')[0]
    assert.equal(textOf(change ?? root), `Change from Sep 2016: ${nasty}`)
    assert.ok(textOf(all(root, (e) => e.name === 'desc')[0] ?? root).includes(nasty))
  })

  it('steps the mean and limits at a change point, with a marker giving the reason', () => {
    const values = [...steady, ...steady.map((v) => v + 20)]
    const { root } = chart(values, { changePoints: [{ index: 16, reason: 'New contract' }] })
    const means = byClass(root, 'gt-spc-mean')
    assert.equal(means.length, 2)
    const [before, after] = means
    assert.equal(attr(before, 'x2'), attr(after, 'x1'), 'the segments meet at the change')
    assert.ok(Number(attr(after, 'y1')) < Number(attr(before, 'y1')), 'the later mean is higher')
    assert.equal(byClass(root, 'gt-spc-limit').length, 4)
    const [change] = byClass(root, 'gt-spc-change')
    assert.equal(attr(change, 'data-index'), '16')
    assert.equal(textOf(change ?? root), 'Change from Aug 2016: New contract')
    const line = all(change ?? root, (e) => e.name === 'line')[0]
    assert.equal(attr(line, 'x1'), attr(before, 'x2'))
    assert.match(textOf(byClass(root, 'gt-spc-legend')[0] ?? root), /Change: limits recalculated/)
    const desc = textOf(all(root, (e) => e.name === 'desc')[0] ?? root)
    assert.match(desc, /Limits recalculated from Aug 2016: New contract\./)
  })

  it('shades the baseline the limits are fixed from', () => {
    const { root } = chart([...steady, 60, 61, 62], { baseline: { fromIndex: 0, toIndex: 11 } })
    const [band] = byClass(root, 'gt-spc-baseline')
    assert.ok(band, 'a baseline band')
    const [mean] = byClass(root, 'gt-spc-mean')
    assert.equal(attr(all(band, (e) => e.name === 'rect')[0], 'x'), attr(mean, 'x1'))
    assert.match(
      textOf(all(root, (e) => e.name === 'desc')[0] ?? root),
      /Limits fixed from the baseline Apr 2015 to Mar 2016\./,
    )
  })

  it('dashes trial limits and draws settled limits solid', () => {
    const trial = chart(steady.slice(0, 8)).root
    for (const line of byClass(trial, 'gt-spc-limit')) {
      assert.ok(line.attributes.has('stroke-dasharray'))
      assert.ok(byClass(trial, 'gt-spc-limit--trial').includes(line))
    }
    assert.match(textOf(byClass(trial, 'gt-spc-legend')[0] ?? trial), /Trial limits/)
    const settled = chart(steady).root
    for (const line of byClass(settled, 'gt-spc-limit')) {
      assert.ok(!line.attributes.has('stroke-dasharray'))
    }
  })

  it('draws the target only when there is one', () => {
    assert.equal(byClass(chart(steady, { target: 55 }).root, 'gt-spc-target').length, 1)
    assert.equal(byClass(chart(steady).root, 'gt-spc-target').length, 0)
  })

  it('claims no mean or limits under the minimum number of points, and says so', () => {
    for (const values of [[], [58]]) {
      const { root } = chart(values, { target: 60 })
      assert.equal(byClass(root, 'gt-spc-mean').length, 0)
      assert.equal(byClass(root, 'gt-spc-limit').length, 0)
      assert.equal(byClass(root, 'gt-spc-point').length, values.length)
      const note = textOf(byClass(root, 'gt-spc-note')[0] ?? root)
      assert.equal(
        note,
        values.length === 0
          ? 'No values yet.'
          : 'Not enough data for process limits:1 of the 2 months needed.',
      )
    }
    const two = chart([50, 52]).root
    assert.equal(byClass(two, 'gt-spc-mean').length, 1)
    assert.equal(byClass(two, 'gt-spc-note').length, 0)
  })

  it('thins the period labels of a long series, keeping the latest', () => {
    const values = Array.from({ length: 120 }, (_, i) => 50 + ((i * 7) % 5))
    const { root } = chart(values)
    const labels = byClass(root, 'gt-spc-x-label').map(textOf)
    assert.ok(labels.length >= 5 && labels.length <= 15, `${labels.length} labels`)
    assert.ok(labels.includes(months(120)[119] ?? ''))
    assert.equal(byClass(chart(steady.slice(0, 6)).root, 'gt-spc-x-label').length, 6)
  })

  it('writes y-axis ticks in the measure unit, at nice steps', () => {
    const ticks = (root: XmlElement) =>
      all(byClass(root, 'gt-spc-y-axis')[0] ?? root, (e) => e.name === 'text').map(textOf)
    assert.deepEqual(ticks(chart(steady).root), ['Percent (%)', '45%', '50%', '55%', '60%'])
    const money = ticks(
      chart(
        steady.map((v) => v * 1000),
        { unit: 'currency', decimals: 0 },
      ).root,
    )
    assert.equal(money[0], 'Pounds (£)')
    assert.ok(
      money.slice(1).every((t) => /^£\d+k$/.test(t)),
      money.join(' '),
    )
    const days = ticks(chart(steady, { unit: 'days', decimals: 0 }).root)
    assert.equal(days[0], 'Days')
    assert.ok(
      days.slice(1).every((t) => /^\d+$/.test(t)),
      days.join(' '),
    )
  })

  it('gives every chart on a page its own ids', () => {
    const a = attr(chart(steady).root, 'aria-labelledby')
    const b = attr(chart([...steady, 50]).root, 'aria-labelledby')
    assert.notEqual(a, b)
    assert.equal(
      attr(chart(steady, { id: 'kpi 7' }).root, 'aria-labelledby'),
      'kpi-7-title kpi-7-desc',
    )
  })

  it('is well formed, with finite coordinates inside the picture, for any series', () => {
    const coordinates = ['x', 'y', 'x1', 'x2', 'y1', 'y2', 'cx', 'cy']
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 130 }),
        fc.array(fc.nat({ max: 130 }), { maxLength: 3 }),
        fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true })),
        fc.constantFrom('percent', 'currency', 'days', 'number', 'ratio', 'yes_no' as const),
        fc.integer({ min: 320, max: 1200 }),
        (values, changes, target, unit, width) => {
          const { root } = chart(values, {
            changePoints: changes.map((index) => ({ index, reason: 'change' })),
            target,
            unit,
            width,
          })
          const height = Number(attr(root, 'height'))
          assert.equal(Number(attr(root, 'width')), width)
          for (const element of all(root, () => true)) {
            for (const name of [...coordinates, 'r', 'width', 'height']) {
              const value = element.attributes.get(name)
              if (value === undefined) continue
              const n = Number(value)
              assert.ok(Number.isFinite(n), `${element.name} ${name}="${value}"`)
              if (name.startsWith('x') || name === 'cx') assert.ok(n >= -1 && n <= width + 1)
              if (name.startsWith('y') || name === 'cy') assert.ok(n >= -1 && n <= height + 1)
            }
            const d = element.attributes.get('d')
            if (d !== undefined) {
              assert.match(d, /^M[-\d. MLHVZ]+$/, `path d="${d}"`)
            }
          }
          assert.equal(byClass(root, 'gt-spc-point').length, values.length)
        },
      ),
      { numRuns: 200 },
    )
  })
})
