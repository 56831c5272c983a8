// What every chart shares: a value axis at "nice" steps (1, 2, 2.5 or 5 × a power of ten) over
// a range that makes sense for the unit, category labels that never overlap or run off the
// edge, and the service font, named on the SVG so that no renderer falls back to a serif.

/** The service font; resvg (Word's chart images) and the PDF map it to DejaVu Sans. */
export const CHART_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

export interface AxisOptions {
  /** About how many ticks: the step is the nice one nearest to the range over `count − 1`. */
  readonly count?: number
  /** Start at zero when the values are all positive and zero is not far below them. */
  readonly zero?: boolean
  /** The largest value the unit has, e.g. 100 for a percentage that cannot exceed it. */
  readonly ceiling?: number
}

export interface Axis {
  readonly ticks: readonly number[]
  readonly step: number
  /** Decimal places a tick label needs: 1 for a step of 2.5, 0 for 25. */
  readonly decimals: number
}

const STEPS = [1, 2, 2.5, 5, 10] as const

/**
 * Ticks covering every value: never below zero unless a value is, never above the unit's
 * ceiling unless a value is, from zero where zero is close enough to be honest about.
 */
export function niceAxis(values: readonly number[], options: AxisOptions = {}): Axis {
  const finite = values.filter((v) => Number.isFinite(v))
  let lo = finite.length > 0 ? Math.min(...finite) : 0
  let hi = finite.length > 0 ? Math.max(...finite) : 1
  const nonNegative = lo >= 0
  if (options.zero && nonNegative && lo <= hi - lo) lo = 0
  // A flat or microscopic range gets room around it, so the scale never divides by zero.
  if (hi - lo <= Math.max(Math.abs(hi), 1) * 1e-9) {
    const pad = Math.abs(hi) >= 1e-6 ? Math.abs(hi) * 0.1 : 1
    lo = nonNegative ? Math.max(0, lo - pad) : lo - pad
    hi += pad
  }
  const step = niceStep((hi - lo) / Math.max(1, (options.count ?? 5) - 1))
  let first = Math.floor(lo / step + 1e-9)
  let last = Math.ceil(hi / step - 1e-9)
  if (nonNegative && first < 0) first = 0
  const ceiling = options.ceiling
  if (ceiling !== undefined && hi <= ceiling && last * step > ceiling) {
    const top = Math.floor(ceiling / step + 1e-9)
    if (top * step >= hi) last = top
  }
  if (last === first) last = first + 1
  const ticks: number[] = []
  for (let k = first; k <= last && ticks.length < 30; k++) ticks.push(round(k * step))
  return { ticks, step, decimals: decimalsOf(step) }
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw))
  const fraction = raw / power
  // The smallest nice step at least as large, so there are never more ticks than asked for.
  const best = STEPS.find((step) => fraction <= step + 1e-9) ?? 10
  return round(best * power)
}

function decimalsOf(step: number): number {
  for (let d = 0; d < 8; d++) {
    const scaled = step * 10 ** d
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6) return d
  }
  return 8
}

// Steps like 0.1 × 3 are not exact in binary: twelve significant figures hide that.
function round(value: number): number {
  return Number(value.toPrecision(12))
}

export interface PlacedLabel {
  readonly index: number
  readonly x: number
  readonly anchor: 'start' | 'middle' | 'end'
}

/**
 * Which category labels to print and where: every `k`th, counted back from the latest so it is
 * always labelled, `k` as small as keeps a gap between neighbours; a label that would run off
 * the chart's edge is anchored to it instead.
 */
export function placeLabels(
  labels: readonly string[],
  x: (index: number) => number,
  options: { fontSize: number; width: number; gap?: number },
): PlacedLabel[] {
  const n = labels.length
  if (n === 0) return []
  const width = (i: number) => textWidth(labels[i] ?? '', options.fontSize)
  const gap = options.gap ?? options.fontSize
  const placeAll = (every: number): PlacedLabel[] => {
    const placed: PlacedLabel[] = []
    for (let i = n - 1; i >= 0; i -= every) {
      const cx = x(i)
      const half = width(i) / 2
      const anchor = cx - half < 2 ? 'start' : cx + half > options.width - 2 ? 'end' : 'middle'
      const tx = anchor === 'start' ? 2 : anchor === 'end' ? options.width - 2 : cx
      placed.unshift({ index: i, x: tx, anchor })
    }
    return placed
  }
  const extent = (p: PlacedLabel): [number, number] => {
    const w = width(p.index)
    return p.anchor === 'start'
      ? [p.x, p.x + w]
      : p.anchor === 'end'
        ? [p.x - w, p.x]
        : [p.x - w / 2, p.x + w / 2]
  }
  for (let every = 1; every <= n; every++) {
    const placed = placeAll(every)
    const clear = placed.every((p, k) => {
      const next = placed[k + 1]
      return !next || extent(p)[1] + gap <= extent(next)[0]
    })
    if (clear) return placed
  }
  return placeAll(n)
}

// Average glyph width of the sans-serif fonts the charts use, generous so labels never collide.
const CHAR_WIDTH = 0.6

export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * CHAR_WIDTH
}
