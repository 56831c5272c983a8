import { performance } from 'node:perf_hooks'
import { periodAt } from '../src/core/periods.ts'
import { xmr, type ImprovementDirection } from '../src/core/spc.ts'
import { renderSpcChart } from '../src/web/charts/spc-chart.ts'
import type { BenchResult } from './harness.ts'

const SERIES = 2000
const POINTS_PER_SERIES = 100
const DIRECTIONS: ImprovementDirection[] = ['increase', 'decrease', 'neutral']

// A seeded generator, so every run times the same data.
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function series(next: () => number, length: number): number[] {
  const level = 20 + next() * 60
  // Some series shift part-way, so the rules have special causes to find.
  const shiftAt = next() < 0.3 ? Math.floor(next() * length) : length
  return Array.from(
    { length },
    (_, i) => level + (next() - 0.5) * 10 + (i >= shiftAt ? 8 : 0) + (next() < 0.02 ? 25 : 0),
  )
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

/** SPC for a whole council's measures, and one long chart, as a page would render it. */
export default async function spc(): Promise<BenchResult[]> {
  const next = random(42)
  const data = Array.from({ length: SERIES }, () => series(next, POINTS_PER_SERIES))

  // The first passes run before the JIT has optimised xmr(); a server computes SPC all day.
  const computeRuns: number[] = []
  for (let run = -3; run < 9; run++) {
    const start = performance.now()
    data.forEach((values, i) =>
      xmr(values, { improvement: DIRECTIONS[i % 3] ?? 'increase', target: 55 }),
    )
    if (run >= 0) computeRuns.push(performance.now() - start)
  }

  const values = series(next, 120)
  const labels = values.map(
    (_, i) => periodAt('monthly', 2015 + Math.floor(i / 12), (i % 12) + 1).label,
  )
  const result = xmr(values, { improvement: 'increase', target: 60, changePoints: [60] })
  const input = {
    title: 'Bench measure',
    unit: 'percent' as const,
    decimals: 1,
    labels,
    result,
    target: 60,
    changePoints: [{ index: 60, reason: 'New service model' }],
    frequency: 'monthly' as const,
  }
  for (let i = 0; i < 50; i++) renderSpcChart(input)
  const renderRuns: number[] = []
  for (let i = 0; i < 500; i++) {
    const start = performance.now()
    renderSpcChart(input)
    renderRuns.push(performance.now() - start)
  }

  return [
    {
      name: `xmr() for ${SERIES.toLocaleString('en-GB')} series, ${(SERIES * POINTS_PER_SERIES).toLocaleString('en-GB')} points (median of 9, after 3 warm-up passes)`,
      value: median(computeRuns),
      unit: 'ms',
      budget: { limit: 200, better: 'lower' },
    },
    {
      name: 'renderSpcChart() for 120 points (median of 500)',
      value: median(renderRuns),
      unit: 'ms',
      budget: { limit: 10, better: 'lower' },
    },
  ]
}
