import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const main = fileURLToPath(new URL('../../main.ts', import.meta.url))

function cli(dataDir: string, args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 180_000,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** The first bytes each format's file must start with. */
const STARTS: Record<string, string> = {
  html: '<!DOCTYPE html>',
  docx: 'PK',
  xlsx: 'PK',
  pdf: '%PDF-',
  csv: '',
}

describe('golden-thread report', () => {
  let dir: string
  let dataDir: string
  let period: string

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gt-report-cli-'))
    dataDir = join(dir, 'data')
    const demo = cli(dataDir, ['demo'])
    assert.equal(demo.code, 0, demo.stderr)
    // The last complete quarter, which the demo has data for.
    const now = new Date()
    const month = now.getUTCMonth() + 1
    const year = now.getUTCFullYear() - (month < 4 ? 1 : 0)
    const quarter = Math.floor(((month + 8) % 12) / 3) + 1
    period =
      quarter === 1
        ? `${String(year - 1)}/${String(year).slice(2)} Q4`
        : `${String(year)}/${String(year + 1).slice(2)} Q${String(quarter - 1)}`
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  for (const format of Object.keys(STARTS)) {
    it(`writes the quarterly Cabinet report as ${format}`, () => {
      const out = join(dir, `cabinet.${format}`)
      const result = cli(dataDir, [
        'report',
        'quarterly-performance',
        '--period',
        period,
        '--format',
        format,
        '--out',
        out,
      ])
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stdout, /Wrote "Quarterly performance report, .+" to /)
      const body = readFileSync(out)
      assert.ok(body.length > 1000, `${format} has content`)
      assert.equal(body.subarray(0, STARTS[format]?.length).toString('latin1'), STARTS[format])
      if (format === 'csv') assert.match(body.toString('utf8'), /WS01/)
    })
  }

  it('writes a highlight report for a programme named by its code', () => {
    const out = join(dir, 'highlight.html')
    const month = new Date().toLocaleDateString('en-GB', { month: 'short', year: 'numeric' })
    const result = cli(dataDir, [
      'report',
      'highlight',
      '--period',
      month,
      '--scope',
      'OIP',
      '--format',
      'html',
      '--out',
      out,
    ])
    assert.equal(result.code, 0, result.stderr)
    assert.match(
      readFileSync(out, 'utf8'),
      /Highlight report: Organisational Improvement Programme/,
    )
  })

  it('refuses a bad kind, period, format or missing programme with a clear message and exit 1', () => {
    const cases: [string[], RegExp][] = [
      [
        ['report', 'weekly', '--period', period, '--format', 'pdf', '--out', 'x'],
        /There is no report kind "weekly": choose one of quarterly-performance/,
      ],
      [
        ['report', 'scrutiny', '--period', 'Sep 2024', '--format', 'pdf', '--out', 'x'],
        /--period: An overview and scrutiny performance report covers a quarter/,
      ],
      [
        ['report', 'scrutiny', '--period', 'next year', '--format', 'pdf', '--out', 'x'],
        /--period: /,
      ],
      [
        ['report', 'scrutiny', '--period', period, '--format', 'odt', '--out', 'x'],
        /--format: Choose one of html, docx, pdf, xlsx, csv/,
      ],
      [
        ['report', 'highlight', '--period', 'Sep 2024', '--format', 'pdf', '--out', 'x'],
        /--scope: Say which programme/,
      ],
    ]
    for (const [args, message] of cases) {
      const result = cli(dataDir, args)
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stdout}`)
      assert.match(result.stderr, message)
    }
  })
})
