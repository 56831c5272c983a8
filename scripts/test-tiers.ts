// Which tier a test file belongs to, decided by where it lives and what it imports, so a new file
// lands in the right tier without a list to keep:
//   browser  under test/browser/ (Chromium, axe)
//   http     drives the application over HTTP: imports the test agent or calls inject()
//   db       opens a database (the test context or database helpers, src/db/database.ts) or
//            runs the command line, which opens one
//   unit     everything else: pure logic, no database, no HTTP
import { globSync, readFileSync } from 'node:fs'

export const TIERS = ['unit', 'db', 'http', 'browser'] as const
export type Tier = (typeof TIERS)[number]

const HTTP = /helpers\/browser-agent\.ts'|\.inject\(/
const DATABASE = /helpers\/(?:context|database)\.ts'|db\/database\.ts'|\/main\.ts'/

export function tierOf(file: string, source: string): Tier {
  if (file.startsWith('test/browser/')) return 'browser'
  if (HTTP.test(source)) return 'http'
  if (DATABASE.test(source)) return 'db'
  return 'unit'
}

/** Every test file, from the project root. */
export function testFiles(): string[] {
  return [...globSync('test/**/*.test.ts'), ...globSync('src/**/*.test.ts')]
}

export function tierOfFile(file: string): Tier {
  return tierOf(file, readFileSync(file, 'utf8'))
}
