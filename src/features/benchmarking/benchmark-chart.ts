import { formatMeasureValue } from '../../core/format.ts'

export interface BenchmarkPoint {
  readonly period: { readonly label: string }
  readonly value: number | null
  readonly median: number | null
  readonly lowerQuartile: number | null
  readonly upperQuartile: number | null
  readonly rankText: string
}

const WIDTH = 720
const HEIGHT = 260
const PAD = { top: 20, right: 20, bottom: 56, left: 64 }

const escape = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  )

/**
 * The council's figure (solid line, circles) against the group's median (dashed line) and the
 * middle half of the group (shaded band between the quartiles), as an SVG with a title and a
 * description; pages and reports put every figure in a table beside it. Patterns, not colour
 * alone, tell the lines apart, and a key says which is which.
 */
export function benchmarkChart(
  id: string,
  title: string,
  points: readonly BenchmarkPoint[],
  measure: { unit: string; decimals: number },
): string {
  const shown = points.slice(-24)
  const numbers = shown
    .flatMap((p) => [p.value, p.median, p.lowerQuartile, p.upperQuartile])
    .filter((n): n is number => n !== null)
  if (shown.length === 0 || numbers.length === 0) return ''
  let min = Math.min(...numbers)
  let max = Math.max(...numbers)
  if (min === max) {
    min -= 1
    max += 1
  }
  const span = max - min
  min -= span * 0.08
  max += span * 0.08
  const innerW = WIDTH - PAD.left - PAD.right
  const innerH = HEIGHT - PAD.top - PAD.bottom
  const x = (i: number) =>
    PAD.left + (shown.length === 1 ? innerW / 2 : (i / (shown.length - 1)) * innerW)
  const y = (v: number) => PAD.top + innerH - ((v - min) / (max - min)) * innerH
  const fmt = (v: number) => formatMeasureValue(v, measure.unit, Math.min(measure.decimals, 1))
  const line = (pick: (p: BenchmarkPoint) => number | null) => {
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
  const banded = shown
    .map((p, i) => ({ i, lq: p.lowerQuartile, uq: p.upperQuartile }))
    .filter((b): b is { i: number; lq: number; uq: number } => b.lq !== null && b.uq !== null)
  const band =
    banded.length > 1
      ? 'M' +
        banded.map((b) => `${x(b.i).toFixed(1)} ${y(b.uq).toFixed(1)}`).join('L') +
        'L' +
        [...banded]
          .reverse()
          .map((b) => `${x(b.i).toFixed(1)} ${y(b.lq).toFixed(1)}`)
          .join('L') +
        'Z'
      : ''
  const ticks = [0, 0.5, 1].map((f) => min + (max - min) * f)
  const labelEvery = Math.max(1, Math.ceil(shown.length / 8))
  const last = shown.at(-1)
  const description =
    `${shown.length} periods from ${shown[0]?.period.label ?? ''} to ${last?.period.label ?? ''}. ` +
    (last && last.value !== null
      ? `Latest ${fmt(last.value)}, ${last.rankText}` +
        (last.median !== null ? `, against a group median of ${fmt(last.median)}.` : '.')
      : '') +
    ' The table gives every figure.'
  const keyY = HEIGHT - 14
  return [
    `<svg class="gt-chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" focusable="false">`,
    `<title id="${id}-title">${escape(title)}</title>`,
    `<desc id="${id}-desc">${escape(description)}</desc>`,
    ...ticks.map(
      (t) =>
        `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#b1b4b6" stroke-width="1"/>` +
        `<text x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="#0b0c0c">${escape(fmt(t))}</text>`,
    ),
    ...shown.map((p, i) =>
      i % labelEvery === 0 || i === shown.length - 1
        ? `<text x="${x(i).toFixed(1)}" y="${HEIGHT - 34}" text-anchor="middle" font-size="12" fill="#0b0c0c">${escape(p.period.label)}</text>`
        : '',
    ),
    band ? `<path d="${band}" fill="#b1b4b6" fill-opacity="0.45" stroke="none"/>` : '',
    `<path d="${line((p) => p.median)}" fill="none" stroke="#505a5f" stroke-width="2" stroke-dasharray="6 4"/>`,
    `<path d="${line((p) => p.value)}" fill="none" stroke="#1d70b8" stroke-width="2.5"/>`,
    ...shown.map((p, i) =>
      p.value === null
        ? ''
        : `<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="4.5" fill="#1d70b8"/>`,
    ),
    `<line x1="${PAD.left}" x2="${PAD.left + 24}" y1="${keyY - 4}" y2="${keyY - 4}" stroke="#1d70b8" stroke-width="2.5"/>`,
    `<text x="${PAD.left + 30}" y="${keyY}" font-size="12" fill="#0b0c0c">This council</text>`,
    `<line x1="${PAD.left + 130}" x2="${PAD.left + 154}" y1="${keyY - 4}" y2="${keyY - 4}" stroke="#505a5f" stroke-width="2" stroke-dasharray="6 4"/>`,
    `<text x="${PAD.left + 160}" y="${keyY}" font-size="12" fill="#0b0c0c">Group median</text>`,
    `<rect x="${PAD.left + 270}" y="${keyY - 10}" width="24" height="12" fill="#b1b4b6" fill-opacity="0.45"/>`,
    `<text x="${PAD.left + 300}" y="${keyY}" font-size="12" fill="#0b0c0c">Middle half of the group (quartiles)</text>`,
    '</svg>',
  ].join('')
}
