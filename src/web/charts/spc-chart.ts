// Server-rendered XmR chart as an SVG string: the same markup serves pages, PDF and Word, needs
// no client script and no web font. The numbers come from xmr() (src/core/spc.ts).
import type { Frequency } from '../../core/periods.ts'
import {
  type PointType,
  type XmrResult,
  type XmrSegment,
  TRIAL_LIMITS_BELOW,
} from '../../core/spc.ts'
import {
  assuranceSentence,
  formatSpcValue,
  periodNoun,
  trialLimitsSentence,
  variationSentence,
  type SpcSentenceInput,
  type ValueFormat,
  type ValueUnit,
} from '../../core/spc-sentence.ts'
import { CHART_FONT, niceAxis, placeLabels, textWidth } from './axis.ts'
import { escapeXml, SPC_COLOURS } from './spc-icons.ts'

export interface SpcChangePoint {
  /** Index of the first point after the change, as passed to xmr() in changePoints. */
  readonly index: number
  readonly reason: string
}

export interface SpcChartInput extends ValueFormat {
  readonly title: string
  /** xmr()'s result; the steps at change points and any baseline come from its segments. */
  readonly result: XmrResult
  /** One period label per point, oldest first ('Sep 2024', '2024/25 Q2'). */
  readonly labels: readonly string[]
  readonly target?: number | null
  /** Reasons for the recorded changes, shown as tooltips and in the text alternative. */
  readonly changePoints?: readonly SpcChangePoint[]
  /** Names the periods in the text alternative ('months'); absent gives 'periods'. */
  readonly frequency?: Frequency | null
  /** The y-axis caption; by default it comes from the unit ('Percent (%)', 'Days'). */
  readonly unitLabel?: string
  /** Prefix for element ids, unique on the page; by default derived from the title and data. */
  readonly id?: string
  readonly width?: number
  readonly height?: number
}

const INK = '#0b0c0c'
const GREY = '#505a5f'
const LIMIT = '#6f777b'
const GRID = '#e5e6e7'
const BAND = '#f3f2f1'
const TARGET = '#912b88'
const TICK_FONT = 14
const LEGEND_FONT = 14
const TRIAL_DASH = '6 4'
const TARGET_DASH = '12 5'

const UNIT_CAPTIONS: Readonly<Record<ValueUnit, string>> = {
  percent: 'Percent (%)',
  currency: 'Pounds (£)',
  days: 'Days',
  number: '',
  ratio: 'Ratio',
  yes_no: '',
}

const POINT_WORDS: Readonly<Record<PointType, string>> = {
  common_cause: 'common cause',
  special_cause_improvement: 'special cause, improving',
  special_cause_concern: 'special cause, concerning',
  special_cause_neutral_high: 'special cause, unusually high',
  special_cause_neutral_low: 'special cause, unusually low',
}

const RULE_WORDS = {
  outside_limits: 'outside the limits',
  trend: 'part of a trend',
  two_of_three: 'two of three near a limit',
  shift: 'part of a run on one side of the mean',
} as const

interface Frame {
  readonly width: number
  readonly left: number
  readonly top: number
  readonly plotWidth: number
  readonly plotHeight: number
  readonly x: (index: number) => number
  readonly y: (value: number) => number
  readonly edgeStart: (index: number) => number
  readonly edgeEnd: (index: number) => number
}

/** The XmR chart as an accessible SVG element (role="img" with a title and a description). */
export function renderSpcChart(input: SpcChartInput): string {
  const width = Math.max(320, input.width ?? 720)
  const { result } = input
  const n = result.points.length
  const target = input.target ?? null
  const id = chartId(input)
  const withLimits = result.segments.filter((s) => s.mean !== null)

  const axis = yAxis(domainValues(result, target), input)
  const tickWidth = Math.max(...axis.ticks.map((t) => textWidth(t.label, TICK_FONT)))
  const left = Math.ceil(tickWidth) + 14
  const right = withLimits.length > 0 || target !== null ? 92 : 16
  const top = 34
  const legend = legendItems(input)
  const legendLayout = layoutLegend(legend, width - 16)
  const xAxisHeight = 30
  const height = Math.max(
    input.height ?? 340,
    top + 140 + xAxisHeight + legendLayout.height, // the plot never shrinks below 140px
  )
  const plotWidth = width - left - right
  const plotHeight = height - top - xAxisHeight - legendLayout.height
  const inset = Math.min(12, plotWidth / Math.max(2 * n, 2))
  const step = n > 1 ? (plotWidth - 2 * inset) / (n - 1) : 0
  const x = (i: number) => (n > 1 ? left + inset + i * step : left + plotWidth / 2)
  const [lo, hi] = [axis.ticks[0]?.value ?? 0, axis.ticks.at(-1)?.value ?? 1]
  const y = (v: number) => top + plotHeight - ((v - lo) / (hi - lo)) * plotHeight
  const frame: Frame = {
    width,
    left,
    top,
    plotWidth,
    plotHeight,
    x,
    y,
    edgeStart: (i) => (i <= 0 ? left : (x(i - 1) + x(i)) / 2),
    edgeEnd: (i) => (i >= n - 1 ? left + plotWidth : (x(i) + x(i + 1)) / 2),
  }

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="gt-spc-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="${CHART_FONT}">`,
    `<title id="${id}-title">${escapeXml(input.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(describe(input))}</desc>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    baselineBands(result.segments, frame),
    n === 0 ? '' : yAxisMarkup(axis, frame, input),
    xAxisMarkup(input.labels, n, frame),
    limitLines(withLimits, frame),
    target === null ? '' : targetLine(target, frame),
    valuesMarkup(input, frame),
    changeMarkers(input, frame),
    lineLabels(result.segments.at(-1) ?? null, target, frame),
    notEnoughNote(input, frame),
    legendMarkup(legendLayout, height - legendLayout.height),
    '</svg>',
  ]
  return parts.join('')
}

/** The text alternative: what the chart shows, the latest value, mean, limits and variation. */
export function describeSpcChart(input: SpcChartInput): string {
  return describe(input)
}

function describe(input: SpcChartInput): string {
  const { result, labels } = input
  const n = result.points.length
  const value = (v: number) => formatSpcValue(v, input)
  const sentenceInput: SpcSentenceInput = input
  const sentences: string[] = []
  const latest = result.points.at(-1)
  if (latest === undefined) {
    sentences.push(`Control chart of ${input.title} with no values yet.`)
  } else {
    const first = labels[0] ?? 'point 1'
    const last = labels[n - 1] ?? `point ${n}`
    sentences.push(
      n === 1
        ? `Control chart of ${input.title} with 1 value, for ${first}.`
        : `Control chart of ${input.title} with ${n} values, ${periodNoun(input.frequency, n)} ${first} to ${last}.`,
      `The latest value is ${value(latest.value)} in ${last}.`,
    )
  }
  const { mean, lowerLimit, upperLimit } = result
  if (mean !== null && lowerLimit !== null && upperLimit !== null) {
    sentences.push(
      `The mean is ${value(mean)} and the process limits are ${value(lowerLimit)} to ${value(upperLimit)}.`,
    )
  }
  if (input.target !== null && input.target !== undefined) {
    sentences.push(`The target is ${value(input.target)}.`)
  }
  sentences.push(variationSentence(sentenceInput))
  const assurance = assuranceSentence(sentenceInput)
  if (assurance) sentences.push(assurance)
  const trial = trialLimitsSentence(sentenceInput)
  if (trial) sentences.push(trial)
  for (const segment of result.segments) {
    if (segment.fromIndex > 0) {
      const reason = reasonAt(input, segment.fromIndex)
      sentences.push(
        `Limits recalculated from ${labels[segment.fromIndex] ?? `point ${segment.fromIndex + 1}`}${reason ? `: ${reason}` : ''}.`,
      )
    }
    if (isBaseline(segment)) {
      const { fromIndex, toIndex } = segment.limitsFrom
      sentences.push(
        `Limits fixed from the baseline ${labels[fromIndex] ?? ''} to ${labels[toIndex] ?? ''}.`,
      )
    }
  }
  const special = result.points.filter((p) => p.pointType !== 'common_cause')
  if (special.length > 0) {
    const counts = new Map<string, number>()
    for (const p of special) {
      const words = POINT_WORDS[p.pointType].replace('special cause, ', '')
      counts.set(words, (counts.get(words) ?? 0) + 1)
    }
    const list = [...counts].map(([words, count]) => `${count} ${words}`).join(', ')
    sentences.push(
      `${special.length} of ${n} values show special cause variation (${list}); the data table lists them.`,
    )
  }
  return sentences.join(' ')
}

function reasonAt(input: SpcChartInput, index: number): string | undefined {
  return input.changePoints?.find((c) => c.index === index)?.reason
}

function isBaseline(segment: XmrSegment): boolean {
  return (
    segment.mean !== null &&
    (segment.limitsFrom.fromIndex !== segment.fromIndex ||
      segment.limitsFrom.toIndex !== segment.toIndex)
  )
}

function domainValues(result: XmrResult, target: number | null): number[] {
  const values = result.points.map((p) => p.value)
  // A lower limit below zero for values that cannot be negative stops at the axis's zero.
  const floor = values.every((v) => v >= 0) ? 0 : -Infinity
  for (const s of result.segments) {
    for (const v of [s.mean, s.lowerLimit, s.upperLimit])
      if (v !== null) values.push(Math.max(v, floor))
  }
  if (target !== null) values.push(target)
  return values
}

interface Tick {
  readonly value: number
  readonly label: string
}

interface YAxis {
  readonly ticks: readonly Tick[]
  readonly caption: string
}

// Ticks at 1, 2, 2.5 or 5 × a power of ten, about five of them, covering every value drawn;
// never below zero when no value is, never above 100% when no percentage is.
function yAxis(values: readonly number[], input: SpcChartInput): YAxis {
  const axis = niceAxis(values, input.unit === 'percent' ? { ceiling: 100 } : {})
  const { step } = axis
  const magnitude = Math.max(...axis.ticks.map(Math.abs))
  const scaled = input.unit !== 'percent' && magnitude >= 1e4
  const [divisor, suffix] = !scaled ? [1, ''] : magnitude >= 1e6 ? [1e6, 'm'] : [1e3, 'k']
  const tickDecimals = Math.max(0, -Math.floor(Math.log10(step / divisor) + 1e-9))
  const ticks: Tick[] = axis.ticks.map((value) => {
    const text = formatSpcValue(value / divisor, {
      unit: input.unit === 'days' ? 'number' : input.unit,
      decimals: scaled
        ? Math.max(tickDecimals, axis.decimals - Math.log10(divisor))
        : axis.decimals,
    })
    return { value, label: `${text}${suffix}` }
  })
  return { ticks, caption: input.unitLabel ?? UNIT_CAPTIONS[input.unit] }
}

function yAxisMarkup(axis: YAxis, frame: Frame, input: SpcChartInput): string {
  const { left, plotWidth } = frame
  const grid = axis.ticks
    .map((t) => {
      const ty = num(frame.y(t.value))
      return (
        `<line x1="${left}" x2="${num(left + plotWidth)}" y1="${ty}" y2="${ty}" stroke="${GRID}"/>` +
        `<text x="${left - 8}" y="${ty}" dy="0.35em" text-anchor="end" font-size="${TICK_FONT}" fill="${GREY}">${escapeXml(t.label)}</text>`
      )
    })
    .join('')
  const caption = axis.caption
    ? `<text x="4" y="14" font-size="${TICK_FONT}" fill="${GREY}">${escapeXml(axis.caption)}</text>`
    : ''
  return `<g class="gt-spc-y-axis" data-unit="${input.unit}">${caption}${grid}</g>`
}

// Labels thinned to fit, counted back from the latest period so that it is always labelled.
function xAxisMarkup(labels: readonly string[], n: number, frame: Frame): string {
  if (n === 0) return ''
  const { left, plotWidth } = frame
  const bottom = frame.top + frame.plotHeight
  const parts = [
    `<line x1="${left}" x2="${num(left + plotWidth)}" y1="${num(bottom)}" y2="${num(bottom)}" stroke="${GREY}"/>`,
  ]
  const placed = placeLabels(labels.slice(0, n), frame.x, {
    fontSize: TICK_FONT,
    width: frame.width,
  })
  for (const { index, x, anchor } of placed) {
    const cx = frame.x(index)
    parts.push(
      `<line x1="${num(cx)}" x2="${num(cx)}" y1="${num(bottom)}" y2="${num(bottom + 5)}" stroke="${GREY}"/>`,
      `<text class="gt-spc-x-label" x="${num(x)}" y="${num(bottom + 20)}" text-anchor="${anchor}" font-size="${TICK_FONT}" fill="${GREY}">${escapeXml(labels[index] ?? '')}</text>`,
    )
  }
  return `<g class="gt-spc-x-axis">${parts.join('')}</g>`
}

function baselineBands(segments: readonly XmrSegment[], frame: Frame): string {
  return segments
    .filter(isBaseline)
    .map((s) => {
      const x1 = frame.edgeStart(s.limitsFrom.fromIndex)
      const x2 = frame.edgeEnd(s.limitsFrom.toIndex)
      const label =
        x2 - x1 >= 64
          ? `<text x="${num(x1 + 6)}" y="${num(frame.top + 15)}" font-size="12" fill="${GREY}">Baseline</text>`
          : ''
      return `<g class="gt-spc-baseline"><rect x="${num(x1)}" y="${frame.top}" width="${num(x2 - x1)}" height="${num(frame.plotHeight)}" fill="${BAND}"/>${label}</g>`
    })
    .join('')
}

// Each segment draws its own mean and limits across its points, so a change point shows a step.
function limitLines(segments: readonly XmrSegment[], frame: Frame): string {
  return segments
    .map((s, i) => {
      const x1 = num(frame.edgeStart(s.fromIndex))
      const x2 = num(frame.edgeEnd(s.toIndex))
      // A limit below the axis (a negative lower limit of values that cannot be) is not drawn.
      const line = (cls: string, v: number | null, stroke: string, dash: string) =>
        v === null || frame.y(v) > frame.top + frame.plotHeight + 0.5
          ? ''
          : `<line class="${cls}" data-segment="${i}" x1="${x1}" x2="${x2}" y1="${num(frame.y(v))}" y2="${num(frame.y(v))}" stroke="${stroke}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`
      const dash = s.trial ? TRIAL_DASH : ''
      const limitClass = s.trial ? 'gt-spc-limit gt-spc-limit--trial' : 'gt-spc-limit'
      return (
        line(`${limitClass} gt-spc-limit--upper`, s.upperLimit, LIMIT, dash) +
        line(`${limitClass} gt-spc-limit--lower`, s.lowerLimit, LIMIT, dash) +
        line('gt-spc-mean', s.mean, INK, '')
      )
    })
    .join('')
}

function targetLine(target: number, frame: Frame): string {
  const ty = num(frame.y(target))
  return `<line class="gt-spc-target" x1="${frame.left}" x2="${num(frame.left + frame.plotWidth)}" y1="${ty}" y2="${ty}" stroke="${TARGET}" stroke-width="2" stroke-dasharray="${TARGET_DASH}"/>`
}

function valuesMarkup(input: SpcChartInput, frame: Frame): string {
  const { points } = input.result
  if (points.length === 0) return ''
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${num(frame.x(i))} ${num(frame.y(p.value))}`)
    .join('')
  const small = points.length > 60
  const markers = points
    .map((p, i) => {
      const label = input.labels[i] ?? `Point ${i + 1}`
      const words = POINT_WORDS[p.pointType] + (p.rule ? ` (${RULE_WORDS[p.rule]})` : '')
      const tip = `${label}: ${formatSpcValue(p.value, input)}, ${words}`
      return `<g class="gt-spc-point gt-spc-point--${pointClass(p.pointType)}" data-index="${i}"><title>${escapeXml(tip)}</title>${marker(p.pointType, frame.x(i), frame.y(p.value), small)}</g>`
    })
    .join('')
  return `<path class="gt-spc-values" d="${path}" fill="none" stroke="${GREY}" stroke-width="2" stroke-linejoin="round"/>${markers}`
}

function pointClass(pointType: PointType): string {
  if (pointType === 'special_cause_improvement') return 'improvement'
  if (pointType === 'special_cause_concern') return 'concern'
  if (pointType === 'common_cause') return 'common'
  return 'neutral'
}

/** The shape says the point type: dot, filled circle, diamond or ring. */
function marker(pointType: PointType | 'legend-common', cx: number, cy: number, small: boolean) {
  const [x, y] = [num(cx), num(cy)]
  switch (pointType) {
    case 'common_cause':
    case 'legend-common':
      return `<circle cx="${x}" cy="${y}" r="${small ? 2.5 : 3.5}" fill="${GREY}"/>`
    case 'special_cause_improvement':
      return `<circle cx="${x}" cy="${y}" r="6" fill="${SPC_COLOURS.improvement}" stroke="#fff" stroke-width="1.5"/>`
    case 'special_cause_concern':
      return `<path d="M${x} ${num(cy - 7.5)}L${num(cx + 7.5)} ${y}L${x} ${num(cy + 7.5)}L${num(cx - 7.5)} ${y}Z" fill="${SPC_COLOURS.concern}" stroke="#fff" stroke-width="1.5"/>`
    case 'special_cause_neutral_high':
    case 'special_cause_neutral_low':
      return `<circle cx="${x}" cy="${y}" r="5" fill="#fff" stroke="${SPC_COLOURS.neutral}" stroke-width="2.5"/>`
  }
}

function changeMarkers(input: SpcChartInput, frame: Frame): string {
  const bottom = num(frame.top + frame.plotHeight)
  return input.result.segments
    .filter((s) => s.fromIndex > 0)
    .map((s) => {
      const cx = frame.edgeStart(s.fromIndex)
      const reason = reasonAt(input, s.fromIndex)
      const tip = `Change from ${input.labels[s.fromIndex] ?? `point ${s.fromIndex + 1}`}${reason ? `: ${reason}` : ''}`
      return (
        `<g class="gt-spc-change" data-index="${s.fromIndex}"><title>${escapeXml(tip)}</title>` +
        `<line x1="${num(cx)}" x2="${num(cx)}" y1="${frame.top - 6}" y2="${bottom}" stroke="${GREY}" stroke-dasharray="2 3"/>` +
        changeTriangle(cx, frame.top - 8) +
        '</g>'
      )
    })
    .join('')
}

function changeTriangle(cx: number, tipY: number): string {
  return `<path d="M${num(cx - 6)} ${num(tipY - 10)}H${num(cx + 6)}L${num(cx)} ${num(tipY)}Z" fill="${INK}"/>`
}

// Names the latest segment's lines at the right edge, nudged apart so the words never overlap;
// the legend says which limits are trial limits.
function lineLabels(latest: XmrSegment | null, target: number | null, frame: Frame): string {
  const labels: { text: string; y: number; colour: string }[] = []
  if (latest && latest.mean !== null) {
    if (latest.upperLimit !== null) {
      labels.push({ text: 'Upper limit', y: frame.y(latest.upperLimit), colour: GREY })
    }
    labels.push({ text: 'Mean', y: frame.y(latest.mean), colour: INK })
    if (
      latest.lowerLimit !== null &&
      frame.y(latest.lowerLimit) <= frame.top + frame.plotHeight + 0.5
    ) {
      labels.push({ text: 'Lower limit', y: frame.y(latest.lowerLimit), colour: GREY })
    }
  }
  if (target !== null) labels.push({ text: 'Target', y: frame.y(target), colour: TARGET })
  labels.sort((a, b) => a.y - b.y)
  const gap = 15
  for (let i = 1; i < labels.length; i++) {
    const [above, label] = [labels[i - 1], labels[i]]
    if (above && label && label.y - above.y < gap) label.y = above.y + gap
  }
  const overflow = Math.max(0, (labels.at(-1)?.y ?? 0) - (frame.top + frame.plotHeight))
  const x = num(frame.left + frame.plotWidth + 6)
  return labels
    .map(
      (l) =>
        `<text class="gt-spc-line-label" x="${x}" y="${num(l.y - overflow)}" dy="0.35em" font-size="13" fill="${l.colour}">${escapeXml(l.text)}</text>`,
    )
    .join('')
}

// Under the minimum number of points the chart claims no limits and says why, on two lines.
function notEnoughNote(input: SpcChartInput, frame: Frame): string {
  const latest = input.result.segments.at(-1)
  if (latest !== undefined && latest.mean !== null) return ''
  const sentence = input.result.points.length === 0 ? 'No values yet.' : variationSentence(input)
  const cut = sentence.indexOf(': ')
  const lines = cut < 0 ? [sentence] : [sentence.slice(0, cut + 1), sentence.slice(cut + 2)]
  const cx = num(frame.left + frame.plotWidth / 2)
  const tspans = lines
    .map((line, i) => `<tspan x="${cx}" dy="${i === 0 ? 0 : '1.3em'}">${escapeXml(line)}</tspan>`)
    .join('')
  return `<text class="gt-spc-note" x="${cx}" y="${frame.top + 22}" text-anchor="middle" font-size="14" fill="${INK}">${tspans}</text>`
}

interface LegendItem {
  readonly symbol: (x: number, y: number) => string
  readonly text: string
}

function legendItems(input: SpcChartInput): LegendItem[] {
  const { result } = input
  const items: LegendItem[] = []
  const line =
    (stroke: string, dash: string, widthPx = 1.5) =>
    (x: number, y: number) =>
      `<line x1="${num(x)}" x2="${num(x + 24)}" y1="${num(y)}" y2="${num(y)}" stroke="${stroke}" stroke-width="${widthPx}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`
  if (result.points.length > 0) {
    items.push({
      symbol: (x, y) => line(GREY, '', 2)(x, y) + marker('legend-common', x + 12, y, false),
      text: 'Value (common cause)',
    })
  }
  const types = new Set(result.points.map((p) => p.pointType))
  const shapes: [PointType, string][] = [
    ['special_cause_improvement', 'Improving (special cause)'],
    ['special_cause_concern', 'Concerning (special cause)'],
    ['special_cause_neutral_high', 'Unusual, neither better nor worse'],
  ]
  for (const [type, text] of shapes) {
    if (
      types.has(type) ||
      (type === 'special_cause_neutral_high' && types.has('special_cause_neutral_low'))
    ) {
      items.push({ symbol: (x, y) => marker(type, x + 12, y, false), text })
    }
  }
  const segments = result.segments.filter((s) => s.mean !== null)
  if (segments.length > 0) items.push({ symbol: line(INK, ''), text: 'Mean' })
  if (segments.some((s) => !s.trial))
    items.push({ symbol: line(LIMIT, ''), text: 'Process limits' })
  if (segments.some((s) => s.trial)) {
    items.push({
      symbol: line(LIMIT, TRIAL_DASH),
      text: `Trial limits (fewer than ${TRIAL_LIMITS_BELOW} points)`,
    })
  }
  if (input.target !== null && input.target !== undefined) {
    items.push({ symbol: line(TARGET, TARGET_DASH, 2), text: 'Target' })
  }
  if (result.segments.some(isBaseline)) {
    items.push({
      symbol: (x, y) =>
        `<rect x="${num(x)}" y="${num(y - 7)}" width="24" height="14" fill="${BAND}" stroke="${LIMIT}"/>`,
      text: 'Baseline the limits come from',
    })
  }
  if (result.segments.some((s) => s.fromIndex > 0)) {
    items.push({
      symbol: (x, y) => changeTriangle(x + 12, y + 5),
      text: 'Change: limits recalculated',
    })
  }
  return items
}

interface LegendLayout {
  readonly height: number
  readonly placed: readonly { item: LegendItem; x: number; row: number }[]
}

const LEGEND_ROW = 22

function layoutLegend(items: readonly LegendItem[], width: number): LegendLayout {
  const placed: { item: LegendItem; x: number; row: number }[] = []
  let x = 8
  let row = 0
  for (const item of items) {
    const itemWidth = 30 + textWidth(item.text, LEGEND_FONT)
    if (x > 8 && x + itemWidth > width) {
      row++
      x = 8
    }
    placed.push({ item, x, row })
    x += itemWidth + 20
  }
  return { height: items.length === 0 ? 0 : (row + 1) * LEGEND_ROW + 10, placed }
}

function legendMarkup(layout: LegendLayout, top: number): string {
  if (layout.placed.length === 0) return ''
  const items = layout.placed
    .map(({ item, x, row }) => {
      const cy = top + 8 + row * LEGEND_ROW + LEGEND_ROW / 2
      return (
        item.symbol(x, cy) +
        `<text x="${num(x + 30)}" y="${num(cy)}" dy="0.35em" font-size="${LEGEND_FONT}" fill="${INK}">${escapeXml(item.text)}</text>`
      )
    })
    .join('')
  return `<g class="gt-spc-legend">${items}</g>`
}

// One decimal place is finer than a pixel and keeps the markup short.
function num(value: number): string {
  const rounded = Math.round(value * 10) / 10
  return String(Object.is(rounded, -0) ? 0 : rounded)
}

function chartId(input: SpcChartInput): string {
  if (input.id) return input.id.replace(/[^A-Za-z0-9_-]/g, '-')
  // FNV-1a over the title and values: stable across renders, distinct for different charts.
  let hash = 0x811c9dc5
  const text = `${input.title}|${input.result.points.map((p) => p.value).join(',')}`
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return `spc-${(hash >>> 0).toString(36)}`
}
