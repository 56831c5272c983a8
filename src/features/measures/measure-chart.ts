import type { Rag } from '../../core/status.ts'
import { CHART_FONT, niceAxis, placeLabels, textWidth } from '../../web/charts/axis.ts'
import { formatValue, RAG_NAMES } from './measure-presenter.ts'

export interface ChartPoint {
  readonly label: string
  readonly value: number | null
  readonly target: number | null
  readonly rag: Rag
}

const WIDTH = 720
const HEIGHT = 280
const PAD = { top: 20, right: 20, bottom: 56 }
const COLOURS: Partial<Record<Rag, string>> = { green: '#00703c', amber: '#8a5a00', red: '#d4351c' }

const escape = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  )

/** A marker whose shape, not only its colour, says its status: circle, triangle, cross. */
function marker(x: number, y: number, rag: Rag): string {
  const fill = COLOURS[rag] ?? '#505a5f'
  if (rag === 'red') {
    return `<path d="M${x - 5} ${y - 5}L${x + 5} ${y + 5}M${x - 5} ${y + 5}L${x + 5} ${y - 5}" stroke="${fill}" stroke-width="3"/>`
  }
  if (rag === 'amber') {
    return `<path d="M${x} ${y - 6}L${x + 6} ${y + 5}L${x - 6} ${y + 5}Z" fill="${fill}"/>`
  }
  return `<circle cx="${x}" cy="${y}" r="5" fill="${fill}"/>`
}

/**
 * Values over time with the target as a dashed line, as an SVG with a title and description;
 * the page puts the same figures in a table beneath it.
 */
export function measureChart(
  id: string,
  title: string,
  points: readonly ChartPoint[],
  measure: { unit: string; decimals: number },
): string {
  const shown = points.slice(-36)
  const numbers = shown.flatMap((p) => [p.value, p.target]).filter((n): n is number => n !== null)
  if (shown.length === 0 || numbers.length === 0) return ''
  const axis = niceAxis(numbers, {
    zero: true,
    ...(measure.unit === 'percent' && { ceiling: 100 }),
  })
  const [min, max] = [axis.ticks[0] ?? 0, axis.ticks.at(-1) ?? 1]
  const tickText = (t: number) => formatValue(t, { ...measure, decimals: axis.decimals })
  const left = Math.ceil(Math.max(...axis.ticks.map((t) => textWidth(tickText(t), 12)))) + 14
  const innerW = WIDTH - left - PAD.right
  const innerH = HEIGHT - PAD.top - PAD.bottom
  const inset = Math.min(12, innerW / Math.max(2 * shown.length, 2))
  const x = (i: number) =>
    shown.length === 1
      ? left + innerW / 2
      : left + inset + (i / (shown.length - 1)) * (innerW - 2 * inset)
  const y = (v: number) => PAD.top + innerH - ((v - min) / (max - min)) * innerH
  const line = (pick: (p: ChartPoint) => number | null) => {
    let d = ''
    let pen = false
    shown.forEach((p, i) => {
      const v = pick(p)
      if (v === null) {
        pen = false
        return
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`
      pen = true
    })
    return d
  }
  // The target as steps across each period's slot, so a target set for one period shows too.
  const slot = shown.length > 1 ? (x(1) - x(0)) / 2 : innerW / 2
  const targetPath = shown
    .map((p, i) => {
      if (p.target === null) return ''
      const ty = y(p.target).toFixed(1)
      const from = Math.max(left, x(i) - slot)
      const to = Math.min(left + innerW, x(i) + slot)
      const joined = i > 0 && shown[i - 1]?.target !== null && shown[i - 1]?.target !== undefined
      return `${joined ? 'L' : 'M'}${from.toFixed(1)} ${ty}L${to.toFixed(1)} ${ty}`
    })
    .join('')
  const labels = placeLabels(
    shown.map((p) => p.label),
    x,
    { fontSize: 12, width: WIDTH },
  )
  const first = shown[0]?.label ?? ''
  const last = shown.at(-1)
  const hasTarget = shown.some((p) => p.target !== null)
  const description =
    `${shown.length} periods from ${first} to ${last?.label ?? ''}. ` +
    (last?.value !== null && last
      ? `Latest ${formatValue(last.value, measure)}, ${RAG_NAMES[last.rag]}` +
        (last.target !== null ? `, against a target of ${formatValue(last.target, measure)}.` : '.')
      : '') +
    ' The table below gives every figure.'
  const legendY = HEIGHT - 8
  return [
    `<svg class="gt-chart" role="img" xmlns="http://www.w3.org/2000/svg" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" focusable="false" font-family="${CHART_FONT}">`,
    `<title id="${id}-title">${escape(title)}</title>`,
    `<desc id="${id}-desc">${escape(description)}</desc>`,
    ...axis.ticks.map(
      (t) =>
        `<line x1="${left}" x2="${WIDTH - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#b1b4b6" stroke-width="1"/>` +
        `<text x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="#0b0c0c">${escape(tickText(t))}</text>`,
    ),
    ...labels.map(
      (l) =>
        `<text class="gt-chart__x-label" x="${l.x.toFixed(1)}" y="${PAD.top + innerH + 18}" text-anchor="${l.anchor}" font-size="12" fill="#0b0c0c">${escape(shown[l.index]?.label ?? '')}</text>`,
    ),
    hasTarget
      ? `<path class="gt-chart__target" d="${targetPath}" fill="none" stroke="#505a5f" stroke-width="2" stroke-dasharray="6 4"/>`
      : '',
    `<path d="${line((p) => p.value)}" fill="none" stroke="#1d70b8" stroke-width="2.5"/>`,
    ...shown.map((p, i) => (p.value === null ? '' : marker(x(i), y(p.value), p.rag))),
    // The key, so the chart says what its lines are wherever it is shown.
    `<g class="gt-chart__legend" font-size="12" fill="#0b0c0c">`,
    `<line x1="${left}" x2="${left + 24}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#1d70b8" stroke-width="2.5"/>`,
    `<text x="${left + 30}" y="${legendY}">Value</text>`,
    hasTarget
      ? `<line x1="${left + 90}" x2="${left + 114}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#505a5f" stroke-width="2" stroke-dasharray="6 4"/><text x="${left + 120}" y="${legendY}">Target</text>`
      : `<text x="${left + 90}" y="${legendY}">No target set</text>`,
    '</g>',
    '</svg>',
  ].join('')
}
