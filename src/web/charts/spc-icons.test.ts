import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AssuranceType, ImprovementDirection, PointType } from '../../core/spc.ts'
import {
  assuranceIcon,
  assuranceText,
  escapeXml,
  SPC_COLOURS,
  variationIcon,
  variationText,
} from './spc-icons.ts'

const POINT_TYPES: (PointType | null)[] = [
  'common_cause',
  'special_cause_improvement',
  'special_cause_concern',
  'special_cause_neutral_high',
  'special_cause_neutral_low',
  null,
]
const ASSURANCES: (AssuranceType | null)[] = [
  'consistent_pass',
  'consistent_fail',
  'inconsistent',
  null,
]

// Every opened tag is closed in order: enough to catch a broken icon string.
function assertBalanced(svg: string): void {
  const open: string[] = []
  for (const [tag, closing = '', name = '', selfClosing = ''] of svg.matchAll(
    /<(\/?)([a-z]+)[^>]*?(\/?)>/g,
  )) {
    if (selfClosing) continue
    if (closing) assert.equal(open.pop(), name, `${tag} closes the wrong element`)
    else open.push(name)
  }
  assert.deepEqual(open, [])
  assert.match(svg, /^<svg [^>]*>.*<\/svg>$/s)
}

const H = 'M10 13v14M20 13v14M10 20h10'
const L = 'M11 13v14h9'
const UP = 'M28.5 27V13'
const DOWN = 'M28.5 13v14'

function contrast(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
  return 1.05 / (luminance + 0.05)
}

describe('variation icons', () => {
  it('has words for every variation', () => {
    assert.deepEqual(POINT_TYPES.map(variationText), [
      'Common cause – no significant change',
      'Special cause – improving',
      'Special cause – concerning',
      'Special cause – unusually high',
      'Special cause – unusually low',
      'Not enough data',
    ])
  })

  for (const pointType of POINT_TYPES) {
    it(`labels the ${pointType ?? 'null'} icon with its words`, () => {
      const svg = variationIcon(pointType, 'increase')
      assertBalanced(svg)
      assert.match(svg, /role="img"/)
      assert.ok(svg.includes(`aria-label="${variationText(pointType)}"`))
      assert.ok(svg.includes(`<title>${variationText(pointType)}</title>`))
      assert.match(svg, /width="28" height="28"/)
    })
  }

  const letters: [PointType, ImprovementDirection, string, string][] = [
    ['special_cause_improvement', 'increase', H, UP],
    ['special_cause_improvement', 'decrease', L, DOWN],
    ['special_cause_concern', 'increase', L, DOWN],
    ['special_cause_concern', 'decrease', H, UP],
    ['special_cause_neutral_high', 'neutral', H, UP],
    ['special_cause_neutral_low', 'neutral', L, DOWN],
  ]
  for (const [pointType, improvement, letter, arrow] of letters) {
    it(`shows ${letter === H ? 'H and an up' : 'L and a down'} arrow for ${pointType} when the improvement is ${improvement}`, () => {
      const svg = variationIcon(pointType, improvement)
      assert.ok(svg.includes(`d="${letter}"`))
      assert.ok(svg.includes(arrow))
    })
  }

  it('uses a different colour for improvement, concern and neither', () => {
    assert.ok(
      variationIcon('special_cause_improvement', 'increase').includes(SPC_COLOURS.improvement),
    )
    assert.ok(variationIcon('special_cause_concern', 'increase').includes(SPC_COLOURS.concern))
    assert.ok(variationIcon('special_cause_neutral_low', 'neutral').includes(SPC_COLOURS.neutral))
  })

  it('uses colours with at least 4.5:1 contrast against white', () => {
    for (const colour of Object.values(SPC_COLOURS)) {
      assert.ok(contrast(colour) >= 4.5, `${colour}: ${contrast(colour).toFixed(2)}`)
    }
  })

  it('hides a decorative icon from assistive technology and can be resized', () => {
    const svg = variationIcon('common_cause', 'increase', { decorative: true, size: 40 })
    assertBalanced(svg)
    assert.match(svg, /aria-hidden="true"/)
    assert.doesNotMatch(svg, /role=|aria-label|<title>/)
    assert.match(svg, /width="40" height="40"/)
  })
})

describe('assurance icons', () => {
  it('has words for every assurance', () => {
    assert.deepEqual(
      ASSURANCES.map((a) => assuranceText(a)),
      [
        'Consistently passing the target',
        'Consistently failing the target',
        'Hit and miss: the target lies within the process limits',
        'Not enough data',
      ],
    )
    assert.equal(assuranceText(null, 'no_target'), 'No target to assure against')
  })

  for (const assurance of ASSURANCES) {
    it(`labels the ${assurance ?? 'null'} icon with its words`, () => {
      const svg = assuranceIcon(assurance)
      assertBalanced(svg)
      assert.match(svg, /role="img"/)
      assert.ok(svg.includes(`aria-label="${assuranceText(assurance)}"`))
    })
  }

  it('tells no target apart from too little data', () => {
    const noTarget = assuranceIcon(null, { reason: 'no_target' })
    assertBalanced(noTarget)
    assert.ok(noTarget.includes('aria-label="No target to assure against"'))
    assert.notEqual(noTarget, assuranceIcon(null))
  })

  it('draws a different letter for pass, fail and hit and miss', () => {
    const shapes = ASSURANCES.map((a) =>
      assuranceIcon(a).replace(/aria-label="[^"]*"|<title>.*<\/title>/g, ''),
    )
    assert.equal(new Set(shapes).size, shapes.length)
  })
})

describe('escapeXml', () => {
  it('escapes the five XML specials', () => {
    assert.equal(
      escapeXml(`<a href="x">&'</a>`),
      '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;',
    )
  })
})
