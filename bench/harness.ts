import autocannon from 'autocannon'
import type { App } from '../src/app.ts'

export interface BenchResult {
  readonly name: string
  readonly value: number
  readonly unit: string
  /** The budget an issue names; lower is better for ms, higher for req/s. */
  readonly budget?: { readonly limit: number; readonly better: 'lower' | 'higher' }
}

export interface LoadOptions {
  readonly path: string
  readonly headers?: Record<string, string>
  readonly seconds?: number
  readonly connections?: number
}

/** Drives a listening app over real HTTP and reports throughput and latency percentiles. */
export async function load(app: App, options: LoadOptions) {
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the app is not listening')
  const result = await autocannon({
    url: `http://127.0.0.1:${address.port}${options.path}`,
    headers: options.headers ?? {},
    duration: options.seconds ?? 5,
    connections: options.connections ?? 10,
  })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${options.path}: ${result.non2xx} non-2xx responses and ${result.errors} errors`,
    )
  }
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
  }
}

export function withinBudget(result: BenchResult): boolean {
  if (!result.budget) return true
  return result.budget.better === 'lower'
    ? result.value <= result.budget.limit
    : result.value >= result.budget.limit
}
