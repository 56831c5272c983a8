import { readdirSync } from 'node:fs'
import { withinBudget, type BenchResult } from './harness.ts'

// `npm run bench [name]`: every bench/*.bench.ts, or those whose file name contains `name`.
const filter = process.argv[2] ?? ''
const files = readdirSync(new URL('./', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort()

let failed = 0
for (const file of files) {
  const module = (await import(new URL(file, import.meta.url).href)) as {
    default: () => Promise<BenchResult[]>
  }
  console.log(`\n${file}`)
  for (const result of await module.default()) {
    const ok = withinBudget(result)
    if (!ok) failed++
    const budget = result.budget
      ? ` (budget ${result.budget.better === 'lower' ? '≤' : '≥'} ${result.budget.limit} ${result.unit})`
      : ''
    console.log(
      `  ${ok ? '✔' : '✖'} ${result.name}: ${result.value.toFixed(1)} ${result.unit}${budget}`,
    )
  }
}
if (failed > 0) {
  console.error(`\n${failed} result(s) over budget`)
  process.exitCode = 1
}
