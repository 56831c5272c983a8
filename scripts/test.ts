// Runs every test file, two at a time (CI has two cores), the slowest first: node --test sorts
// the files it finds by name, which left the browser crawl, the tenant walk and the command line
// (test/…) to start last and run on alone. Arguments, if any, narrow the run to matching paths.
import { globSync } from 'node:fs'
import { run } from 'node:test'
import { spec } from 'node:test/reporters'

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

const wanted = process.argv.slice(2)
const files = [...globSync('test/**/*.test.ts'), ...globSync('src/**/*.test.ts')]
  .filter((file) => wanted.length === 0 || wanted.some((w) => file.includes(w)))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))

const stream = run({ files, concurrency: 2 })
stream.on('test:fail', () => (process.exitCode = 1))
stream.compose(spec).pipe(process.stdout)
