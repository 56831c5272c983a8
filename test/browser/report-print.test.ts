// Committee papers at print quality: every report kind of the demo council rendered as PDF and
// as Word (turned into PDF by LibreOffice, as a committee system or a member's laptop would open
// it), read back with pdftotext. No word of the document is broken across lines or cells, no
// page ends with a heading or a caption, and the downloaded HTML fits a 1,280 px window.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import type { Principal } from '../../src/core/principal.ts'
import { buildDemoCouncil } from '../../src/features/demo/index.ts'
import {
  renderReport,
  cellRuns,
  inlineText,
  type Block,
  type ReportDocument,
  type TableCell,
  REPORT_KINDS,
  type ReportKind,
} from '../../src/features/reports/index.ts'
import { createTestContext, type TestContext } from '../helpers/context.ts'
import { chromiumMissing, launchBrowser } from './browser.ts'

const run = promisify(execFile)

function toolsMissing(): string | undefined {
  for (const tool of ['/usr/bin/soffice', '/usr/bin/pdftotext']) {
    if (!existsSync(tool)) return `${tool} is not installed (LibreOffice, poppler-utils)`
  }
  return chromiumMissing()
}

const PERIODS: Readonly<Record<ReportKind, string>> = {
  'quarterly-performance': '2026/27 Q2',
  scrutiny: '2026/27 Q2',
  executive: '2026/27 B4',
  highlight: 'Oct 2026',
  'report-card': '2026/27 Q2',
  'year-end': '2025/26',
}

/** Words as the checks compare them: split at spaces, dashes and slashes, edges trimmed. */
function words(text: string): string[] {
  return text
    .split(/[\s\-‐–—/]+/)
    .map((w) => w.replace(/^[("“‘'[]+|[)"”’',.:;!?\]]+$/g, ''))
    .filter((w) => w.length > 0)
}

function cellText(cell: TableCell): string {
  return inlineText(cell)
}

/** Every text the document model holds, and the headings and captions that must not end a page. */
function vocabulary(doc: ReportDocument) {
  const texts: string[] = [doc.title, doc.subtitle ?? '', doc.organisation]
  const keep: string[] = []
  for (const m of doc.meta) texts.push(m.label, m.value)
  const table = (t: Extract<Block, { type: 'table' }>) => {
    texts.push(t.caption, 'part', 'of', ...t.columns.map((c) => c.label))
    keep.push(t.caption)
    for (const row of t.rows) for (const cell of row) texts.push(cellText(cell))
    for (const row of t.rows) {
      for (const cell of row) {
        for (const run of cellRuns(cell))
          if (typeof run === 'object' && run.type === 'footnote') texts.push(run.text)
      }
    }
  }
  for (const block of doc.blocks) {
    switch (block.type) {
      case 'heading':
        texts.push(block.text)
        keep.push(block.text)
        break
      case 'paragraph':
        texts.push(block.content.map((c) => inlineText(c)).join(''))
        for (const c of block.content)
          if (typeof c === 'object' && c.type === 'footnote') texts.push(c.text)
        break
      case 'list':
        for (const item of block.items) texts.push(item.map((c) => inlineText(c)).join(''))
        break
      case 'table':
        table(block)
        break
      case 'chart':
        texts.push(block.caption ?? '')
        if (block.caption) keep.push(block.caption)
        // The chart's own labels (axis ticks, legend), drawn as text in the PDF.
        for (const m of block.svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)) {
          texts.push((m[1] ?? '').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&'))
        }
        if (block.data) table(block.data)
        break
      case 'page_break':
        break
    }
  }
  texts.push('Notes', 'Page', 'Produced with Golden Thread')
  const known = new Set(texts.flatMap(words))
  // pdftotext joins a word broken at its own hyphen ("first-" "year") back as "firstyear", and
  // sometimes to the next cell's first word instead ("medium-" "Alex" as "mediumAlex").
  const heads = new Set<string>()
  for (const w of texts.flatMap((t) => t.split(/\s+/))) {
    if (!w.includes('-')) continue
    for (const joined of words(w.replace(/-/g, ''))) known.add(joined)
    for (const head of w.split('-').slice(0, -1)) heads.add(words(head).at(-1) ?? head)
  }
  return { known, keep, heads }
}

/** Words on the pages that are not words of the document: the pieces of a broken word. */
function brokenWords(
  pdfText: string,
  known: ReadonlySet<string>,
  heads: ReadonlySet<string>,
): string[] {
  const rejoined = (w: string) =>
    [...heads].some((h) => h !== '' && w.startsWith(h) && known.has(w.slice(h.length)))
  const strange = new Set<string>()
  for (const w of words(pdfText)) {
    // Page numbers, footnote marks and the chart's axis numbers are not the model's words.
    if (/^[\d⁰¹²³⁴⁵⁶⁷⁸⁹.,%£−]+$/.test(w) && !/^\d{1,3},\d{1,2}$/.test(w)) continue
    // A footnote mark follows its word: a superscript in PDF, a digit in Word's text.
    const bare = w.replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹]+$/, '').replace(/([.)])\d+$/, '$1')
    if (
      !known.has(w) &&
      !known.has(bare) &&
      !known.has(bare.replace(/[).,:;]+$/, '')) &&
      !rejoined(bare)
    )
      strange.add(w)
  }
  return [...strange]
}

const normal = (text: string) => text.replace(/\s+/g, ' ').trim()

/** Pages whose last line of text (above the footer) is the end of a heading or a caption. */
function pagesEndingInHeading(pdfText: string, keep: readonly string[], footer: RegExp) {
  const pages = pdfText.split('\f').slice(0, -1)
  const found: string[] = []
  pages.forEach((page, i) => {
    if (i === pages.length - 1) return
    const body = normal(page).replace(footer, '').trim()
    const ending = keep.find((k) => k.length > 0 && body.endsWith(normal(k)))
    if (ending) found.push(`page ${i + 1} ends with "${ending}"`)
  })
  return found
}

describe('committee documents at print quality', { skip: toolsMissing() }, () => {
  let ctx: TestContext
  let dir: string
  const docs = new Map<ReportKind, ReportDocument>()
  const html = new Map<ReportKind, string>()

  before(async () => {
    ctx = await createTestContext('pglite')
    ctx.clock.now = new Date('2026-11-20T12:00:00Z')
    const org = await buildDemoCouncil(ctx.database.db, ctx.clock.read)
    const db = ctx.database.db
    const person = await db
      .selectFrom('people')
      .select(['id', 'name', 'email'])
      .where('organisation_id', '=', org.id)
      .where('email', '=', 'performance@example-city.gov.uk')
      .executeTakeFirstOrThrow()
    const officer: Principal = {
      personId: person.id,
      organisationId: org.id,
      organisationName: org.name,
      organisationSlug: org.slug,
      name: person.name,
      email: person.email,
      roles: [{ role: 'performance_officer', unitId: null }],
    }
    const programme = await db
      .selectFrom('projects')
      .select('id')
      .where('organisation_id', '=', org.id)
      .where('level', '=', 'programme')
      .orderBy('code')
      .executeTakeFirstOrThrow()
    const directorate = await db
      .selectFrom('units')
      .select('id')
      .where('organisation_id', '=', org.id)
      .where('code', '=', 'WSS')
      .executeTakeFirstOrThrow()
    const focus = await db
      .selectFrom('plan_nodes')
      .select('id')
      .where('organisation_id', '=', org.id)
      .where('parent_id', 'is', null)
      .orderBy('position')
      .limit(2)
      .execute()
    dir = await mkdtemp(join(tmpdir(), 'gt-print-'))
    for (const kind of REPORT_KINDS) {
      const scopeId =
        kind === 'highlight' ? programme.id : kind === 'report-card' ? directorate.id : null
      const doc = await ctx.services.reports.buildNow(officer, {
        kind,
        period: PERIODS[kind],
        scopeId,
        focusNodeIds: kind === 'executive' ? focus.map((f) => f.id) : [],
      })
      docs.set(kind, doc)
      for (const format of ['pdf', 'docx', 'html'] as const) {
        const rendered = await renderReport(doc, format)
        if (format === 'html') html.set(kind, rendered.body.toString('utf8'))
        await writeFile(join(dir, `${kind}.${format}`), rendered.body)
      }
    }
    // One LibreOffice run turns every Word document into PDF, as a member's laptop opens it.
    await run(
      'soffice',
      [
        '--headless',
        `-env:UserInstallation=file://${join(dir, 'profile')}`,
        '--convert-to',
        'pdf',
        '--outdir',
        join(dir, 'word'),
        ...REPORT_KINDS.map((k) => join(dir, `${k}.docx`)),
      ],
      { timeout: 120_000 },
    )
  })

  after(async () => {
    await ctx.close()
    if (process.env.KEEP_PRINT_OUTPUT) console.log(`Rendered reports kept in ${dir}`)
    else await rm(dir, { recursive: true, force: true })
  })

  const text = async (file: string) => (await run('pdftotext', [file, '-'])).stdout

  for (const kind of REPORT_KINDS) {
    for (const [format, file] of [
      ['PDF', (k: string) => `${k}.pdf`],
      ['Word', (k: string) => join('word', `${k}.pdf`)],
    ] as const) {
      it(`breaks no word and ends no page with a heading: ${kind}, ${format}`, async () => {
        const doc = docs.get(kind)
        assert.ok(doc)
        const { known, keep, heads } = vocabulary(doc)
        const pdfText = await text(join(dir, file(kind)))
        assert.ok(pdfText.includes(doc.title.split(',')[0] ?? ''), 'the title is printed')
        assert.deepEqual(
          brokenWords(pdfText, known, heads),
          [],
          'words split across lines or cells',
        )
        const footer = new RegExp(
          `${escapeRegExp(normal(`${doc.organisation}: ${doc.title}. Page`))} \\d+ of \\d+`,
        )
        assert.deepEqual(pagesEndingInHeading(pdfText, keep, footer), [])
      })
    }
  }

  it('declares PDF/UA, the title and the language; Word says en-GB', async () => {
    const pdf = await readFile(join(dir, 'quarterly-performance.pdf'), 'latin1')
    assert.match(pdf, /<pdfuaid:part>1<\/pdfuaid:part>/)
    assert.match(pdf, /\/Lang \(en-GB\)/)
    assert.match(pdf, /\/DisplayDocTitle true/)
    const info = (await run('pdfinfo', [join(dir, 'quarterly-performance.pdf')])).stdout
    assert.match(info, /Title:\s+Quarterly performance report, July–September 2026 \(quarter 2\)/)
    const docx = await readFile(join(dir, 'quarterly-performance.docx'))
    const unzipped = (
      await run('unzip', ['-p', join(dir, 'quarterly-performance.docx'), 'word/styles.xml'])
    ).stdout
    assert.ok(docx.length > 0)
    assert.match(unzipped, /<w:lang w:val="en-GB"\/>/)
  })

  it('fits the downloaded HTML report in a 1,280 px window', async () => {
    const browser = await launchBrowser()
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      for (const kind of ['quarterly-performance', 'highlight'] as const) {
        await page.setContent(html.get(kind) ?? '')
        const width = await page.evaluate(() => document.documentElement.scrollWidth)
        assert.ok(width <= 1280, `${kind}: ${String(width)} px wide`)
      }
    } finally {
      await browser.close()
    }
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
