import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  convertToPdf,
  pdfInfo,
  pdfText,
  popplerMissing,
  readZip,
  scratch,
  sofficeMissing,
  writeTo,
} from '../../../../test/helpers/documents.ts'
import { sampleReport } from '../../../../test/helpers/sample-report.ts'
import { renderReport } from './index.ts'

const doc = sampleReport()
const chart = doc.blocks.find((b) => b.type === 'chart')

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

describe('report as Word', () => {
  let files: Map<string, Buffer>
  let body: string

  before(async () => {
    const rendered = await renderReport(doc, 'docx')
    assert.equal(rendered.extension, 'docx')
    assert.equal(
      rendered.contentType,
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    )
    files = readZip(rendered.body)
    body = files.get('word/document.xml')?.toString('utf8') ?? ''
  })

  function part(name: string): string {
    const file = files.get(name)
    assert.ok(file, `${name} is missing`)
    return file.toString('utf8')
  }

  it('names the document: title, subject, organisation and the meta in its properties', () => {
    const core = part('docProps/core.xml')
    assert.match(core, /<dc:title>Quarterly performance report: 2025\/26 Q4<\/dc:title>/)
    assert.match(core, /<dc:creator>Example City Council<\/dc:creator>/)
    assert.match(core, /<dc:description>Committee: Cabinet; Meeting date: 18 June 2026;/)
  })

  it("uses Word's Title and Heading styles, with outline levels for the navigation pane", () => {
    const headings = [...body.matchAll(/<w:pStyle w:val="(Title|Heading[1-3])"\/>/g)].map(
      (m) => m[1],
    )
    const expected = doc.blocks.flatMap((b) => (b.type === 'heading' ? [`Heading${b.level}`] : []))
    assert.deepEqual(headings, ['Title', ...expected])
    const styles = part('word/styles.xml')
    for (const [level, outline] of [
      [1, 0],
      [2, 1],
      [3, 2],
    ]) {
      assert.match(
        styles,
        new RegExp(
          `w:styleId="Heading${level}"><w:name w:val="Heading ${level}"/>.*?<w:outlineLvl w:val="${outline}"/>`,
        ),
      )
    }
  })

  it('prints the meta block under the title', () => {
    assert.match(
      body,
      /<w:t xml:space="preserve">Committee: <\/w:t>.*?<w:t xml:space="preserve">Cabinet<\/w:t>/,
    )
  })

  it('captions every table and repeats its header row on each page', () => {
    const tables = count(body, /<w:tbl>/g)
    assert.equal(tables, 6)
    const captions = count(body, /<w:pStyle w:val="Caption"\/>/g)
    // Each table has a caption, and each chart one more of its own.
    assert.equal(captions, tables + 2)
    assert.equal(count(body, /<w:tblHeader\/>/g), tables)
    const rows = count(body, /<w:tr>/g)
    assert.equal(count(body, /<w:cantSplit\/>/g), rows)
  })

  it('shows each status as its symbol and word, in bold', () => {
    assert.match(
      body,
      /<w:r><w:rPr><w:rFonts[^>]*w:ascii="Segoe UI Symbol"[^>]*\/><w:b\/><w:bCs\/><\/w:rPr><w:t xml:space="preserve">✖\u00a0<\/w:t><\/w:r><w:r><w:rPr><w:b\/><w:bCs\/><\/w:rPr><w:t xml:space="preserve">Red<\/w:t><\/w:r>/,
    )
  })

  it('makes footnotes Word footnotes, numbered in order', () => {
    const references = [...body.matchAll(/<w:footnoteReference w:id="(\d+)"\/>/g)].map((m) => m[1])
    assert.deepEqual(references, ['1', '2', '3'])
    const notes = part('word/footnotes.xml')
    assert.match(notes, /<w:footnote w:id="1">.*The portal went live on 3 February 2026\./)
    assert.match(notes, /<w:footnote w:id="2">.*Figures for March are provisional\./)
    assert.match(notes, /<w:footnote w:id="3">.*Before the use of earmarked reserves\./)
  })

  it('embeds each chart as a PNG with its alternative text', () => {
    assert.ok(chart?.type === 'chart')
    const pictures = [...body.matchAll(/<wp:docPr id="\d+" name="([^"]*)" descr="([^"]*)"/g)]
    assert.equal(pictures.length, 2)
    assert.equal(unescapeXml(pictures[0]?.[2] ?? ''), chart.alt)
    const media = [...files.keys()].filter((name) => name.startsWith('word/media/'))
    assert.equal(media.length, 2)
    for (const name of media) {
      assert.deepEqual(files.get(name)?.subarray(1, 4), Buffer.from('PNG'))
    }
  })

  it('is A4 portrait with page numbers in the footer and the page break it was given', () => {
    assert.match(body, /<w:pgSz w:w="11906" w:h="16838"/)
    const footer = [...files.keys()].find((name) => /^word\/footer\d*\.xml$/.test(name))
    assert.ok(footer)
    assert.match(part(footer), /PAGE.*NUMPAGES/s)
    assert.equal(count(body, /<w:br w:type="page"\/>/g), 1)
  })
})

describe('report as Word in LibreOffice', { skip: sofficeMissing() ?? popplerMissing() }, () => {
  let dir: { dir: string; remove: () => Promise<void> }
  before(async () => {
    dir = await scratch()
  })
  after(async () => {
    await dir.remove()
  })

  it('opens and converts to a PDF that reads like the report', async () => {
    const docx = await writeTo(dir.dir, 'report.docx', (await renderReport(doc, 'docx')).body)
    const pdf = await convertToPdf(docx, dir.dir)
    const info = await pdfInfo(pdf)
    assert.equal(info.get('Title'), doc.title)
    const pages = Number(info.get('Pages'))
    assert.ok(pages >= 5 && pages <= 15, `${pages} pages`)
    assert.match(info.get('Page size') ?? '', /595\.\d* x 841\.\d* pts \(A4\)/)
    // A status symbol is held to its word by a no-break space.
    const text = (await pdfText(pdf)).replace(/\u00a0/g, ' ')
    for (const expected of [
      'Quarterly performance report: 2025/26 Q4',
      'Committee: Cabinet',
      'Corporate measures by theme, 2025/26 Q4',
      '✖ Red',
      '▲ Amber',
      'The portal went live on 3 February 2026.',
      'Corporate risk register',
      `Page 1 of ${pages}`,
    ]) {
      assert.ok(text.includes(expected), `the PDF does not say "${expected}"`)
    }
    // The page break puts the projects at the top of a page of their own.
    const projectsPage = text.split('\f').find((page) => page.includes('Programmes and projects'))
    assert.match(projectsPage ?? '', /^\s*Programmes and projects/)
  })
})
