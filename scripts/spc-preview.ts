// Renders SPC charts for a few conformance series and edge cases into spc-preview.html in the
// system's temporary folder, screenshots it and runs axe over it: `npx node scripts/spc-preview.ts`.
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import axe from 'axe-core'
import { type Frequency, periodAt, periodContaining } from '../src/core/periods.ts'
import { xmr, type ImprovementDirection, type XmrOptions } from '../src/core/spc.ts'
import {
  assuranceSentence,
  trialLimitsSentence,
  variationSentence,
  type ValueUnit,
} from '../src/core/spc-sentence.ts'
import { renderSpcChart, type SpcChangePoint } from '../src/web/charts/spc-chart.ts'
import {
  assuranceIcon,
  assuranceText,
  variationIcon,
  variationText,
} from '../src/web/charts/spc-icons.ts'
import { axeViolations, chromiumMissing, launchBrowser } from '../test/browser/browser.ts'

interface Series {
  id: string
  options: { improvement_direction: ImprovementDirection; target: number | null }
  input: { dates: string[]; values: number[] }
}

interface Example {
  title: string
  values: number[]
  labels: string[]
  unit: ValueUnit
  decimals: number
  improvement: ImprovementDirection
  frequency?: Frequency
  target?: number | null
  changePoints?: SpcChangePoint[]
  baseline?: XmrOptions['baseline']
}

const suite = JSON.parse(
  readFileSync(
    new URL('../../shared/spc/expected_xmr_NHSRplotthedots_0.2.2.json', import.meta.url),
    'utf8',
  ),
) as Series[]
const series = (id: string): Series => {
  const found = suite.find((s) => s.id === id)
  if (!found) throw new Error(`no series ${id}`)
  return found
}
const monthly = (dates: string[]) => dates.map((d) => periodContaining(d, 'monthly').label)
const day = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  })

const m1c = series('nhse_M1_Department_C')
const ar = series('wheeler_accounts_receivable_table9_2')
const m3 = series('nhse_M3_TOTAL')
const trend = series('edge_linear_trend_1_to_20')
// A deterministic wobble for the long synthetic series.
const wobble = (i: number) =>
  Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453)
const months = (count: number, firstYear: number) =>
  Array.from(
    { length: count },
    (_, i) => periodAt('monthly', firstYear + Math.floor(i / 12), (i % 12) + 1).label,
  )

const examples: Example[] = [
  {
    title: 'Department C: patients seen within 4 weeks',
    values: m1c.input.values.map((v) => v * 100),
    labels: m1c.input.dates.map(day),
    unit: 'percent',
    decimals: 1,
    improvement: 'increase',
    target: 95,
  },
  {
    title: 'Average days to collect a debt',
    values: ar.input.values,
    labels: monthly(ar.input.dates),
    unit: 'days',
    decimals: 1,
    improvement: 'decrease',
    frequency: 'monthly',
  },
  {
    title: 'Contacts to the customer service centre',
    values: m3.input.values,
    labels: m3.input.dates.map(day),
    unit: 'number',
    decimals: 0,
    improvement: 'neutral',
  },
  {
    title: 'Housing benefit: cost of processing per claim <script>alert(1)</script>',
    values: Array.from({ length: 120 }, (_, i) =>
      Math.round((i < 60 ? 1250 : 1080) + (wobble(i) - 0.5) * 160 + (i > 110 ? -120 : 0)),
    ),
    labels: months(120, 2015),
    unit: 'currency',
    decimals: 0,
    improvement: 'decrease',
    frequency: 'monthly',
    target: 1150,
    changePoints: [{ index: 60, reason: 'New system & process "Claim online" <live>' }],
    baseline: { fromIndex: 0, toIndex: 23 },
  },
  {
    title: 'Rising series (edge case)',
    values: trend.input.values,
    labels: trend.input.dates.map(day),
    unit: 'number',
    decimals: 0,
    improvement: 'increase',
    frequency: 'monthly',
  },
  {
    title: 'Household waste recycled (quarterly, trial limits)',
    values: [41.2, 43.5, 40.1, 44.8, 42.0, 45.3, 46.1, 43.9],
    labels: Array.from(
      { length: 8 },
      (_, i) => periodAt('quarterly', 2022 + Math.floor(i / 4), (i % 4) + 1).label,
    ),
    unit: 'percent',
    decimals: 1,
    improvement: 'increase',
    frequency: 'quarterly',
    target: 50,
  },
  {
    title: 'A new measure with one value',
    values: [58],
    labels: ['Sep 2024'],
    unit: 'percent',
    decimals: 1,
    improvement: 'increase',
    frequency: 'monthly',
  },
  {
    title: 'A measure with no values yet',
    values: [],
    labels: [],
    unit: 'days',
    decimals: 0,
    improvement: 'decrease',
  },
]

const escape = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  )

const sections = examples.map((e, i) => {
  const result = xmr(e.values, {
    improvement: e.improvement,
    target: e.target ?? null,
    baseline: e.baseline ?? null,
    changePoints: e.changePoints?.map((c) => c.index) ?? [],
  })
  const common = {
    result,
    labels: e.labels,
    unit: e.unit,
    decimals: e.decimals,
    target: e.target ?? null,
    frequency: e.frequency ?? null,
  }
  const chart = renderSpcChart({
    ...common,
    title: e.title,
    changePoints: e.changePoints ?? [],
    id: `chart-${i}`,
  })
  const sentences = [
    variationSentence(common),
    assuranceSentence(common),
    trialLimitsSentence(common),
  ]
    .filter((s): s is string => s !== null)
    .map((s) => `<p class="govuk-body">${escape(s)}</p>`)
    .join('')
  const reason = e.target === undefined || e.target === null ? 'no_target' : 'not_enough_data'
  return `<section class="govuk-!-margin-bottom-9">
  <h2 class="govuk-heading-m">${escape(e.title)}</h2>
  <table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">Icons</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Status</th><th scope="col" class="govuk-table__header">Variation</th><th scope="col" class="govuk-table__header">Assurance</th></tr></thead>
  <tbody class="govuk-table__body"><tr class="govuk-table__row">
    <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--green">Green</strong></td>
    <td class="govuk-table__cell"><span class="gt-spc-status">${variationIcon(result.variation, e.improvement, { decorative: true })}<span>${escape(variationText(result.variation))}</span></span></td>
    <td class="govuk-table__cell"><span class="gt-spc-status">${assuranceIcon(result.assurance, { reason, decorative: true })}<span>${escape(assuranceText(result.assurance, reason))}</span></span></td>
  </tr></tbody></table>
  <figure class="gt-spc-figure">${chart}</figure>
  ${sentences}
</section>`
})

const css = fileURLToPath(new URL('../src/web/static/application.css', import.meta.url))
const html = `<!doctype html>
<html lang="en" class="govuk-template govuk-template--rebranded"><head><meta charset="utf-8"><title>SPC chart preview – Golden Thread</title>
<link rel="stylesheet" href="file://${css}"></head>
<body class="govuk-template__body govuk-frontend-supported"><div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">
<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds-from-desktop govuk-grid-column-full">
<h1 class="govuk-heading-l">SPC chart preview</h1>
${sections.join('\n')}
</div></div></main></div></body></html>`
const out = (name: string) => join(tmpdir(), name)
writeFileSync(out('spc-preview.html'), html)
console.log(`Wrote ${out('spc-preview.html')}`)

const missing = chromiumMissing()
if (missing) {
  console.error(missing)
  process.exit(1)
}
const browser = await launchBrowser()
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } })
  await context.addInitScript({ content: axe.source })
  const page = await context.newPage()
  await page.goto(`file://${out('spc-preview.html')}`)
  await page.screenshot({ path: out('spc-preview.png'), fullPage: true })
  console.log(`Saved ${out('spc-preview.png')}`)
  // One image per chart as well: the whole page is too tall to read at full size.
  const sectionCount = await page.locator('section').count()
  for (let i = 0; i < sectionCount; i++) {
    await page
      .locator('section')
      .nth(i)
      .screenshot({ path: out(`spc-preview-${i}.png`) })
  }
  console.log(`Saved ${out('spc-preview-0.png')} … ${out(`spc-preview-${sectionCount - 1}.png`)}`)
  const violations = await axeViolations(page)
  console.log(violations.length === 0 ? 'axe: no violations' : violations.join('\n'))
  if (violations.length > 0) process.exitCode = 1
  // On a phone the chart scales down with its column; this shows how small its text gets.
  await page.setViewportSize({ width: 390, height: 844 })
  await page
    .locator('section')
    .nth(3)
    .screenshot({ path: out('spc-preview-mobile.png') })
  console.log(`Saved ${out('spc-preview-mobile.png')} (390px wide)`)
} finally {
  await browser.close()
}
