// Runs the test files, two at a time (CI has two cores), the slowest first: node --test sorts
// the files it finds by name, which left the browser crawl, the tenant walk and the command line
// (test/…) to start last and run on alone. `--tier=unit|db|http|browser` runs one tier (see
// scripts/test-tiers.ts for the rule); other arguments, if any, narrow the run to matching paths.
import { run } from 'node:test'
import { spec } from 'node:test/reporters'
import { testFiles, tierOfFile, TIERS, type Tier } from './test-tiers.ts'

const SLOWEST_FIRST = [
  'test/browser/accessibility.test.ts',
  'test/tenant-isolation.test.ts',
  'test/cli.test.ts',
  'test/browser/',
  'test/',
]
const rank = (file: string) => {
  const at = SLOWEST_FIRST.findIndex((prefix) => file.startsWith(prefix))
  return at === -1 ? SLOWEST_FIRST.length : at
}

const args = process.argv.slice(2)
const tiers = args.flatMap((a) => (a.startsWith('--tier=') ? a.slice(7).split(',') : []))
for (const tier of tiers) {
  if (!TIERS.includes(tier as Tier)) {
    console.error(`Unknown tier "${tier}": use ${TIERS.join(', ')}`)
    process.exit(2)
  }
}
const wanted = args.filter((a) => !a.startsWith('--tier='))
const files = testFiles()
  .filter((file) => wanted.length === 0 || wanted.some((w) => file.includes(w)))
  .filter((file) => tiers.length === 0 || tiers.includes(tierOfFile(file)))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
if (files.length === 0) {
  console.error('No test files match')
  process.exit(1)
}

const stream = run({ files, concurrency: 2 })
stream.on('test:fail', () => (process.exitCode = 1))
stream.compose(spec).pipe(process.stdout)
