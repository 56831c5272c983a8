// The benchmarking service: how the council's measures compare with other councils'. Its parts:
// benchmark-sources (the sources and their copies), benchmark-groups (comparison groups),
// benchmark-matches (measures matched to indicators), benchmark-comparison (the comparisons
// themselves), all on benchmark-core (permissions, the audit, the matches in force).
import { createBenchmarkCore, type BenchmarkDeps } from './benchmark-core.ts'
import { comparisonOperations } from './benchmark-comparison.ts'
import { groupOperations } from './benchmark-groups.ts'
import { matchOperations } from './benchmark-matches.ts'
import { sourceOperations } from './benchmark-sources.ts'

export { disagreements } from './benchmark-core.ts'
export type { BenchmarkDeps } from './benchmark-core.ts'
export type { RefreshOutcome } from './benchmark-sources.ts'

export type BenchmarkService = ReturnType<typeof createBenchmarkService>

export function createBenchmarkService(deps: BenchmarkDeps) {
  const core = createBenchmarkCore(deps)
  return {
    ...sourceOperations(core),
    ...groupOperations(core),
    ...matchOperations(core),
    ...comparisonOperations(core),
  }
}
