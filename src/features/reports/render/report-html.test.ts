import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import type { Browser } from 'playwright-core'
import {
  axeViolations,
  chromiumMissing,
  launchBrowser,
  newAxeContext,
  structureProblems,
} from '../../../../test/browser/browser.ts'
import { scratch, writeTo } from '../../../../test/helpers/documents.ts'
import { sampleReport } from '../../../../test/helpers/sample-report.ts'
import type { ReportDocument } from '../report-document.ts'
import { renderReport, reportHtmlFragment } from './index.ts'

const doc = sampleReport()

async function html(document: ReportDocument = doc): Promise<string> {
  const rendered = await renderReport(document, 'html')
  assert.equal(rendered.contentType, 'text/html; charset=utf-8')
  assert.equal(rendered.extension, 'html')
  return rendered.body.toString('utf8')
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length
}

describe('report as HTML', () => {
  it('is a standalone English document with a title, landmarks and a skip link', async () => {
    const page = await html()
    assert.match(page, /^<!DOCTYPE html>\n<html lang="en-GB">/)
    assert.match(
      page,
      /<title>Quarterly performance report: 2025\/26 Q4 – Example City Council<\/title>/,
    )
    assert.match(
      page,
      /<a class="govuk-skip-link gt-skip-link" href="#main-content">Skip to main content<\/a>/,
    )
    for (const landmark of ['<header', '<main id="main-content"', '<footer']) {
      assert.equal(count(page, new RegExp(landmark, 'g')), 1, landmark)
    }
  })

  it('makes no request of its own: no scripts, stylesheets, images or fonts from elsewhere', async () => {
    const page = await html()
    assert.doesNotMatch(page, /<script|<link|<img|<iframe|@import|url\(/)
    assert.doesNotMatch(page, /\ssrc=/)
  })

  it('has one h1 and headings that never skip a level', async () => {
    const page = await html()
    const levels = [...page.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]))
    assert.equal(levels.filter((l) => l === 1).length, 1)
    assert.equal(levels[0], 1)
    for (let i = 1; i < levels.length; i++) {
      assert.ok(
        (levels[i] ?? 0) <= (levels[i - 1] ?? 0) + 1,
        `h${levels[i - 1]} then h${levels[i]}`,
      )
    }
  })

  it('gives every table its caption and scoped column headers', async () => {
    const page = await html()
    const tables = count(page, /<table\b/g)
    // Measures, two chart data tables, projects, finance and risks.
    assert.equal(tables, 6)
    assert.equal(count(page, /<caption\b/g), tables)
    assert.equal(count(page, /<th scope="col"/g), count(page, /<th\b/g))
    assert.match(page, /<caption[^>]*>Corporate measures by theme, 2025\/26 Q4<\/caption>/)
  })

  it('shows each status as symbol and word, the symbol hidden from screen readers', async () => {
    const page = await html()
    assert.match(
      page,
      /<strong class="govuk-tag govuk-tag--red gt-badge" data-kind="rag" data-value="red"><span aria-hidden="true">✖<\/span> Red<\/strong>/,
    )
    const badges = count(page, /class="govuk-tag /g)
    // 40 measures with a status and a direction, 8 projects, 6 risks, one in the summary.
    assert.equal(badges, 40 * 2 + 8 + 6 + 1)
  })

  it('numbers footnotes in order and links each to its note and back', async () => {
    const page = await html()
    const refs = [...page.matchAll(/id="report-note-ref-(\d+)" href="#report-note-(\d+)"/g)]
    assert.deepEqual(
      refs.map((m) => [m[1], m[2]]),
      [
        ['1', '1'],
        ['2', '2'],
        ['3', '3'],
      ],
    )
    assert.match(
      page,
      /<li id="report-note-1">The portal went live on 3 February 2026\. <a class="govuk-link" href="#report-note-ref-1">Back to text/,
    )
    assert.match(page, /<li id="report-note-2">Figures for March are provisional\./)
    assert.match(page, /<li id="report-note-3">Before the use of earmarked reserves\./)
  })

  it('inlines each chart as an image named by its alternative text, with its data table', async () => {
    const page = await html()
    const chart = doc.blocks.find((b) => b.type === 'chart')
    assert.ok(chart?.type === 'chart')
    const svg = /<svg\b[^>]*>/.exec(page)?.[0] ?? ''
    assert.match(svg, /role="img"/)
    assert.ok(svg.includes(`aria-label="${chart.alt.replace(/&/g, '&amp;')}"`))
    assert.doesNotMatch(svg, /aria-labelledby/)
    assert.match(page, /<figcaption[^>]*>Council tax collected: monthly values/)
    assert.match(page, /<caption[^>]*>Council tax collected: the chart&#39;s data<\/caption>/)
  })

  it('breaks the page where the report says, and prints A4 with repeated table headers', async () => {
    const page = await html()
    assert.equal(count(page, /<div class="gt-page-break"><\/div>/g), 1)
    assert.match(page, /@page\{size:A4/)
    assert.match(page, /\.gt-page-break\{break-before:page\}/)
    assert.match(page, /thead\{display:table-header-group\}/)
  })

  it('escapes what people wrote and refuses links that are not web or mail addresses', async () => {
    const page = await html({
      ...doc,
      title: 'Q1 <script>alert(1)</script> & more',
      blocks: [
        {
          type: 'paragraph',
          content: [
            { type: 'link', text: 'click', href: 'javascript:alert(1)' },
            { type: 'link', text: 'data', href: 'https://example.gov.uk/?a=1&b="2"' },
          ],
        },
      ],
    })
    assert.doesNotMatch(page, /<script>/)
    assert.match(page, /Q1 &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; more/)
    assert.doesNotMatch(page, /javascript:/)
    assert.match(page, /href="https:\/\/example\.gov\.uk\/\?a=1&amp;b=&quot;2&quot;"/)
  })

  it('gives the fragment ids of its own, so two reports can share a page', () => {
    const fragment = reportHtmlFragment(doc, { idPrefix: 'draft-' })
    assert.doesNotMatch(fragment, /<html|<main|<body/)
    assert.match(fragment, /^<article class="gt-report">/)
    assert.match(fragment, /id="draft-note-1"/)
    assert.doesNotMatch(fragment, /id="report-/)
  })
})

describe('report as HTML in the browser', { skip: chromiumMissing() }, () => {
  let browser: Browser
  let file: string
  let done: () => Promise<void>

  before(async () => {
    const dir = await scratch()
    done = dir.remove
    ;[browser, file] = await Promise.all([
      launchBrowser(),
      html().then((page) => writeTo(dir.dir, 'report.html', Buffer.from(page))),
    ])
  })
  after(async () => {
    await browser.close()
    await done()
  })

  it('passes axe, has the structure every page needs and requests nothing', async () => {
    const context = await newAxeContext(browser)
    const page = await context.newPage()
    const requests: string[] = []
    page.on('request', (request) => requests.push(request.url()))
    const url = pathToFileURL(file).href
    await page.goto(url)
    assert.deepEqual(await axeViolations(page), [])
    assert.deepEqual(await structureProblems(page), [])
    assert.deepEqual(
      requests.filter((r) => r !== url),
      [],
    )
    await context.close()
  })
})
