import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  pdfAltTexts,
  pdfInfo,
  pdfStructure,
  pdfText,
  popplerMissing,
  scratch,
  writeTo,
} from '../../../../test/helpers/documents.ts'
import { sampleReport } from '../../../../test/helpers/sample-report.ts'
import { renderReport } from './index.ts'

const doc = sampleReport()
const charts = doc.blocks.flatMap((b) => (b.type === 'chart' ? [b] : []))
const tables = doc.blocks.flatMap((b) =>
  b.type === 'table' ? [b] : b.type === 'chart' && b.data ? [b.data] : [],
)

/** The element names of a structure tree, in order, each with its depth. */
function elements(structure: string): { name: string; depth: number }[] {
  return structure.split('\n').flatMap((line) => {
    const match = /^( *)([A-Z][A-Za-z0-9]*)(?: \(\w+\))?:?$/.exec(line)
    return match ? [{ name: match[2] ?? '', depth: (match[1] ?? '').length / 2 }] : []
  })
}

describe('report as tagged PDF', () => {
  let body: Buffer

  before(async () => {
    const rendered = await renderReport(doc, 'pdf')
    assert.equal(rendered.contentType, 'application/pdf')
    assert.equal(rendered.extension, 'pdf')
    body = rendered.body
  })

  it('is marked as tagged, in British English, showing its title in the window', () => {
    const text = body.toString('latin1')
    assert.match(text, /^%PDF-1\.7/)
    assert.match(text, /\/MarkInfo \d+ 0 R/)
    assert.match(text, /\/Marked true/)
    assert.match(text, /\/Lang \(en-GB\)/)
    assert.match(text, /\/DisplayDocTitle true/)
  })

  it('embeds DejaVu Sans and no font it does not carry', () => {
    const text = body.toString('latin1')
    const fonts = [...text.matchAll(/\/BaseFont \/(\w+\+)?([\w-]+)/g)].map((m) => m[2])
    assert.ok(fonts.length >= 2)
    for (const font of fonts) assert.match(font ?? '', /^DejaVuSans/)
    assert.match(text, /\/FontFile2 \d+ 0 R/)
  })

  it("gives each chart's figure its alternative text", () => {
    assert.deepEqual(
      pdfAltTexts(body),
      charts.map((c) => c.alt),
    )
  })

  describe('read by poppler', { skip: popplerMissing() }, () => {
    let dir: { dir: string; remove: () => Promise<void> }
    let file: string
    before(async () => {
      dir = await scratch()
      file = await writeTo(dir.dir, 'report.pdf', body)
    })
    after(async () => {
      await dir.remove()
    })

    it('is tagged A4 with the title and a sensible number of pages', async () => {
      const info = await pdfInfo(file)
      assert.equal(info.get('Tagged'), 'yes')
      assert.equal(info.get('Title'), doc.title)
      assert.equal(info.get('Author'), doc.organisation)
      assert.match(info.get('Page size') ?? '', /^595\.28 x 841\.89 pts \(A4\)/)
      const pages = Number(info.get('Pages'))
      assert.ok(pages >= 4 && pages <= 12, `${pages} pages`)
    })

    it('has headings in document order: the title H1, then H2 to H4', async () => {
      const names = elements(await pdfStructure(file)).map((e) => e.name)
      const headings = names.filter((n) => /^H\d$/.test(n))
      const expected = doc.blocks.flatMap((b) => (b.type === 'heading' ? [`H${b.level + 1}`] : []))
      assert.deepEqual(headings, ['H1', ...expected, 'H2'])
    })

    it('tags tables with captions, scoped header cells and data cells, and lists and notes', async () => {
      const structure = await pdfStructure(file)
      const names = elements(structure).map((e) => e.name)
      const count = (name: string) => names.filter((n) => n === name).length
      assert.equal(count('Table'), tables.length)
      assert.equal(count('Caption'), tables.length)
      // Header rows repeated on a new page are artifacts: each header cell is read once.
      assert.equal(
        count('TH'),
        tables.reduce((n, t) => n + t.columns.length, 0),
      )
      assert.equal(
        count('TD'),
        tables.reduce((n, t) => n + t.rows.length * t.columns.length, 0),
      )
      assert.equal([...structure.matchAll(/\/Scope \/Column/g)].length, count('TH'))
      assert.equal(count('Figure'), charts.length)
      assert.equal(count('L'), 3)
      assert.equal(count('LI'), 10)
      assert.equal(count('Link'), 1)
      assert.equal(count('Note'), 3)
      assert.match(structure, /TD\n\s+"✖\u00a0Red"/)
      assert.match(structure, /Note \(inline\)\n\s+"2\. Figures for March are provisional\."/)
    })

    it('prints symbols, notes and page numbers, and starts a page where it was told to', async () => {
      // A status symbol is held to its word by a no-break space.
      const text = (await pdfText(file)).replace(/\u00a0/g, ' ')
      const pages = text.split('\f').filter((p) => p.trim() !== '')
      // Each symbol with its word; a badge of two words may wrap between them in a narrow cell.
      for (const expected of ['✔ Green', '▲ Amber', '✖ Red', '○ No data', '▼ Worsening']) {
        assert.ok(text.replace(/\s+/g, ' ').includes(expected), expected)
      }
      assert.match(text, /went live¹\./)
      assert.match(text, /1\. The portal went live on 3 February 2026\./)
      pages.forEach((page, i) => {
        assert.ok(page.includes(`Page ${i + 1} of ${pages.length}`), `page ${i + 1} is numbered`)
      })
      const projects = pages.find((p) => p.includes('Programmes and projects'))
      assert.match(projects ?? '', /^\s*Programmes and projects/)
    })

    it('repeats the header row when a table runs on, and never splits a row', async () => {
      const pages = (await pdfText(file)).split('\f')
      const continued = pages.filter((p) => /^\s*Code\s+Measure\s+Theme\s+Value\s+Target/.test(p))
      assert.ok(continued.length >= 1, 'a measures table runs onto a new page')
      for (const page of continued) {
        const next = page.split('\n').find((line, i) => i > 0 && line.trim() !== '')
        assert.match(next ?? '', /^\s*[A-Z]{2}\d{3}\s/, 'the page starts with a whole row')
      }
    })
  })
})
