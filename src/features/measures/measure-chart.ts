import type { Rag } from '../../core/status.ts'
import { formatValue, RAG_NAMES } from './measure-presenter.ts'

export interface ChartPoint {
  readonly label: string
  readonly value: number | null
  readonly target: number | null
  readonly rag: Rag
}

const WIDTH = 720
const HEIGHT = 260
const PAD = { top: 20, right: 20, bottom: 40, left: 64 }
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
  let min = Math.min(...numbers)
  let max = Math.max(...numbers)
  if (measure.unit === 'percent' && min >= 0)
    min = Math.min(min, Math.max(0, min - (max - min) * 0.2))
  if (min === max) {
    min -= 1
    max += 1
  }
  const span = max - min
  min -= span * 0.05
  max += span * 0.05
  const innerW = WIDTH - PAD.left - PAD.right
  const innerH = HEIGHT - PAD.top - PAD.bottom
  const x = (i: number) =>
    PAD.left + (shown.length === 1 ? innerW / 2 : (i / (shown.length - 1)) * innerW)
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
  const ticks = [0, 0.5, 1].map((f) => min + (max - min) * f)
  const labelEvery = Math.max(1, Math.ceil(shown.length / 8))
  const first = shown[0]?.label ?? ''
  const last = shown.at(-1)
  const description =
    `${shown.length} periods from ${first} to ${last?.label ?? ''}. ` +
    (last?.value !== null && last
      ? `Latest ${formatValue(last.value, measure)}, ${RAG_NAMES[last.rag]}` +
        (last.target !== null ? `, against a target of ${formatValue(last.target, measure)}.` : '.')
      : '') +
    ' The table below gives every figure.'
  return [
    `<svg class="gt-chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" focusable="false">`,
    `<title id="${id}-title">${escape(title)}</title>`,
    `<desc id="${id}-desc">${escape(description)}</desc>`,
    ...ticks.map(
      (t) =>
        `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#b1b4b6" stroke-width="1"/>` +
        `<text x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="#0b0c0c">${escape(formatValue(t, { ...measure, decimals: Math.min(measure.decimals, 1) }))}</text>`,
    ),
    ...shown.map((p, i) =>
      i % labelEvery === 0 || i === shown.length - 1
        ? `<text x="${x(i).toFixed(1)}" y="${HEIGHT - 12}" text-anchor="middle" font-size="12" fill="#0b0c0c">${escape(p.label)}</text>`
        : '',
    ),
    `<path d="${line((p) => p.target)}" fill="none" stroke="#505a5f" stroke-width="2" stroke-dasharray="6 4"/>`,
    `<path d="${line((p) => p.value)}" fill="none" stroke="#1d70b8" stroke-width="2.5"/>`,
    ...shown.map((p, i) => (p.value === null ? '' : marker(x(i), y(p.value), p.rag))),
    '</svg>',
  ].join('')
}
