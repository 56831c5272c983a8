// A report as a tagged PDF: a structure tree (H1–H4, P, L/LI, Table/TR/TH/TD, Figure with Alt,
// Link, Note) that screen readers and reflow follow, everything else marked as an artifact;
// DejaVu Sans embedded so the status symbols print; charts drawn as vectors from the same SVG.
import PDFDocument from 'pdfkit'
import SVGtoPDF from 'svg-to-pdfkit'
import {
  inlineText,
  type Block,
  type Chart,
  type Inline,
  type ReportDocument,
  type Table,
} from '../report-document.ts'
import {
  alignsRight,
  badgeText,
  cellRuns,
  Footnotes,
  layoutTable,
  tablePart,
  type TableLayout,
} from './render-helpers.ts'
import { FONT_FILES } from './report-fonts.ts'

type StructureElement = PDFKit.PDFStructureElement
type Orientation = 'portrait' | 'landscape'
type FontName = keyof typeof FONTS

/** Structure options pdfkit supports beyond those its types declare. */
interface StructureOptions extends PDFKit.Mixins.StructureElementOptions {
  scope?: 'Column' | 'Row'
  bbox?: [number, number, number, number]
  placement?: 'Block'
}

/** A stretch of text in one font; link pieces become Link elements. */
interface Piece {
  readonly text: string
  readonly font: FontName
  readonly link?: string
}

// The regular face goes by its file, the name it is first opened under as the document's
// font: pdfkit caches a font under the first name it meets and would otherwise parse the file
// again for every run of text set in it.
const FONTS = {
  regular: FONT_FILES.regular,
  bold: 'DejaVu-Bold',
  italic: 'DejaVu-Italic',
  boldItalic: 'DejaVu-BoldItalic',
} as const

const MM = 72 / 25.4
const MARGINS = { top: 18 * MM, bottom: 20 * MM, left: 18 * MM, right: 18 * MM }
// A4 is 595 × 842 points.
const PORTRAIT_WIDTH = 595.28 - MARGINS.left - MARGINS.right
const LANDSCAPE_WIDTH = 841.89 - MARGINS.left - MARGINS.right
const INK = '#0b0c0c'
const GREY = '#484949'
const LINK = '#1d70b8'
const RULE = '#b1b4b6'
const HEADER_FILL = '#e5e6e7'
const BODY_SIZE = 10
const TABLE_SIZE = 8.5
const CELL_PADDING = 3.5
const HEADING_SIZES = { 1: 20, 2: 15, 3: 12.5, 4: 11 } as const
const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹'

export function reportPdf(doc: ReportDocument): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margins: MARGINS,
    tagged: true,
    // PDF/UA-1 (pdfkit supports it; its type declarations list only the PDF/A subsets).
    subset: 'PDF/UA' as string as PDFKit.Mixins.PDFSubsets,
    lang: 'en-GB',
    displayTitle: true,
    pdfVersion: '1.7',
    bufferPages: true,
    font: FONT_FILES.regular,
    info: {
      Title: doc.title,
      Author: doc.organisation,
      Subject: doc.subtitle ?? doc.title,
      Keywords: doc.meta.map((m) => m.value).join(', '),
      Creator: 'Golden Thread',
    },
  })
  pdf.registerFont(FONTS.bold, FONT_FILES.bold)
  pdf.registerFont(FONTS.italic, FONT_FILES.italic)
  pdf.registerFont(FONTS.boldItalic, FONT_FILES.boldItalic)
  const chunks: Buffer[] = []
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk))
    pdf.on('end', () => resolve(Buffer.concat(chunks)))
    pdf.on('error', reject)
  })
  new PdfWriter(pdf).write(doc)
  pdf.end()
  return done
}

class PdfWriter {
  private readonly pdf: PDFKit.PDFDocument
  private readonly root: StructureElement
  private readonly footnotes = new Footnotes()
  private outline: PDFKit.PDFOutline | null = null

  constructor(pdf: PDFKit.PDFDocument) {
    this.pdf = pdf
    this.root = pdf.struct('Document')
    pdf.addStructure(this.root)
  }

  write(doc: ReportDocument): void {
    const { pdf } = this
    this.heading(1, doc.title)
    if (doc.subtitle) {
      this.paragraph([{ text: doc.subtitle, font: 'regular' }], { size: 13, colour: GREY })
    }
    for (const m of doc.meta) {
      this.paragraph(
        [
          { text: `${m.label}: `, font: 'bold' },
          { text: m.value, font: 'regular' },
        ],
        { after: 1 },
      )
    }
    pdf.y += 8
    doc.blocks.forEach((block, i) => {
      this.turn(this.orientationAt(doc.blocks, i))
      this.block(block, this.keepHeight(doc.blocks, i + 1))
    })
    this.turn('portrait')
    this.notes()
    this.root.end()
    this.pageNumbers(doc)
  }

  private get left(): number {
    return this.pdf.page.margins.left
  }

  private get width(): number {
    const { page } = this.pdf
    return page.width - page.margins.left - page.margins.right
  }

  private get bottom(): number {
    return this.pdf.page.height - this.pdf.page.margins.bottom
  }

  private atTop(): boolean {
    return this.pdf.y <= this.pdf.page.margins.top + 0.5
  }

  /** A new page unless `height` fits below the current position. */
  private ensure(height: number): void {
    if (!this.atTop() && this.pdf.y + height > this.bottom) this.pdf.addPage()
  }

  /** Landscape for a table too wide for portrait, and for the headings that lead into it. */
  private orientationAt(blocks: readonly Block[], index: number): Orientation {
    let i = index
    while (blocks[i]?.type === 'heading') i++
    const block = blocks[i]
    return block?.type === 'table' && this.layout(block).landscape ? 'landscape' : 'portrait'
  }

  /** A new page turned the other way, unless this one already is. */
  private turn(orientation: Orientation): void {
    const current = this.pdf.page.width > this.pdf.page.height ? 'landscape' : 'portrait'
    if (current !== orientation) this.pdf.addPage({ layout: orientation, margins: MARGINS })
  }

  /**
   * The height the start of the block at `index` needs on the page of the heading before it, so
   * that a heading never ends a page: a few lines of a paragraph, a table's caption, header
   * and first row, a chart with its caption, and the next heading with what follows it.
   */
  private keepHeight(blocks: readonly Block[], index: number): number {
    const { pdf } = this
    const block = blocks[index]
    if (!block) return 0
    switch (block.type) {
      case 'heading': {
        const size = HEADING_SIZES[(block.level + 1) as 2 | 3 | 4]
        pdf.font(FONTS.bold).fontSize(size)
        const own = pdf.heightOfString(block.text, { width: this.width }) + size * 1.15
        return own + this.keepHeight(blocks, index + 1)
      }
      case 'paragraph': {
        pdf.font(FONTS.regular).fontSize(BODY_SIZE)
        const text = block.content.map((run) => inlineText(run)).join('')
        const height = pdf.heightOfString(text, { width: this.width })
        return Math.min(height, BODY_SIZE * 1.2 * 3) + BODY_SIZE
      }
      case 'list':
        return BODY_SIZE * 1.2 * 2 + 3
      case 'table':
        return this.tableLeadHeight(block)
      case 'chart':
        return this.chartHeight(block).total
      case 'page_break':
        return 0
    }
  }

  private block(block: Block, keep = 0): void {
    switch (block.type) {
      case 'heading':
        this.heading((block.level + 1) as 2 | 3 | 4, block.text, keep)
        return
      case 'paragraph':
        this.paragraph(this.pieces(block.content))
        return
      case 'list':
        this.list(block.items, block.ordered ?? false)
        return
      case 'table':
        this.table(block)
        return
      case 'chart':
        this.chart(block)
        return
      case 'page_break':
        if (!this.atTop()) this.pdf.addPage()
        return
    }
  }

  private heading(level: 1 | 2 | 3 | 4, text: string, keep = 60): void {
    const { pdf } = this
    const size = HEADING_SIZES[level]
    pdf.font(FONTS.bold).fontSize(size)
    const height = pdf.heightOfString(text, { width: this.width })
    if (level > 1 && !this.atTop()) pdf.y += size * 0.8
    // A heading keeps with the start of what follows it (a page at most: a chart is taller).
    this.ensure(height + size * 0.35 + Math.min(keep, this.bottom - MARGINS.top - height - 20))
    const y = pdf.y
    this.root.add(
      pdf.struct(`H${level}`, {}, [
        () => pdf.fillColor(INK).text(text, this.left, y, { width: this.width }),
      ]),
    )
    pdf.y += size * 0.35
    if (level === 2) this.outline = pdf.outline.addItem(text)
    if (level === 3) (this.outline ?? pdf.outline).addItem(text)
  }

  private paragraph(
    pieces: readonly Piece[],
    options: { size?: number; colour?: string; after?: number } = {},
  ): void {
    const { pdf } = this
    if (pieces.length === 0) return
    const size = options.size ?? BODY_SIZE
    pdf.fontSize(size)
    this.ensure(size * 1.6)
    const p = pdf.struct('P')
    this.root.add(p)
    this.drawPieces(p, pieces, this.left, pdf.y, {
      width: this.width,
      size,
      colour: options.colour ?? INK,
    })
    p.end()
    pdf.y += options.after ?? size * 0.6
  }

  private list(items: readonly (readonly Inline[])[], ordered: boolean): void {
    const { pdf } = this
    const indent = 18
    const list = pdf.struct('L')
    this.root.add(list)
    items.forEach((item, i) => {
      pdf.fontSize(BODY_SIZE)
      this.ensure(BODY_SIZE * 1.6)
      const y = pdf.y
      const li = pdf.struct('LI')
      list.add(li)
      li.add(
        pdf.struct('Lbl', {}, [
          () =>
            pdf
              .font(FONTS.regular)
              .fillColor(INK)
              .text(ordered ? `${i + 1}.` : '•', this.left + 4, y, {
                width: indent - 4,
                lineBreak: false,
              }),
        ]),
      )
      const body = pdf.struct('LBody')
      li.add(body)
      this.drawPieces(body, this.pieces(item), this.left + indent, y, {
        width: this.width - indent,
        size: BODY_SIZE,
        colour: INK,
      })
      body.end()
      li.end()
      pdf.y += 3
    })
    list.end()
    pdf.y += BODY_SIZE * 0.4
  }

  private readonly layouts = new Map<Table, TableLayout>()

  private layout(table: Table): TableLayout {
    let layout = this.layouts.get(table)
    if (!layout) {
      const measure = (text: string, bold: boolean) =>
        this.pdf
          .font(bold ? FONTS.bold : FONTS.regular)
          .fontSize(TABLE_SIZE)
          .widthOfString(text)
      layout = layoutTable(table, measure, {
        portrait: PORTRAIT_WIDTH,
        landscape: LANDSCAPE_WIDTH,
        padding: CELL_PADDING,
      })
      this.layouts.set(table, layout)
    }
    return layout
  }

  private table(table: Table): void {
    const { parts } = this.layout(table)
    parts.forEach((part, k) => {
      this.tableOf(tablePart(table, part.columns, k, parts.length), part.widths)
    })
  }

  /** What a table needs on the page it starts on: caption, header row and first row. */
  private tableLeadHeight(table: Table): number {
    const part = this.layout(table).parts[0]
    if (!part) return 0
    const shown = tablePart(table, part.columns, 0, this.layout(table).parts.length)
    const header = shown.columns.map((c): Piece[] => [{ text: c.label, font: 'bold' }])
    const first = shown.rows[0]
    const firstRow = first
      ? this.rowHeight(
          first.map((cell) => this.pieces(cellRuns(cell), false, false)),
          part.widths,
        )
      : 0
    this.pdf.font(FONTS.bold).fontSize(BODY_SIZE)
    const caption = this.pdf.heightOfString(shown.caption, { width: this.width }) + 4
    return caption + this.rowHeight(header, part.widths) + firstRow
  }

  private tableOf(table: Table, widths: readonly number[]): void {
    const { pdf } = this
    const totals = new Set(table.totalRows ?? [])
    const header = table.columns.map((c): Piece[] => [{ text: c.label, font: 'bold' }])
    const rows = table.rows.map((row, r) =>
      row.map((cell) => this.pieces(cellRuns(cell), totals.has(r))),
    )
    const headerHeight = this.rowHeight(header, widths)
    const firstRow = rows[0] ? this.rowHeight(rows[0], widths) : 0
    pdf.font(FONTS.bold).fontSize(BODY_SIZE)
    const captionHeight = pdf.heightOfString(table.caption, { width: this.width }) + 4
    this.ensure(captionHeight + headerHeight + firstRow)

    const structure = pdf.struct('Table')
    this.root.add(structure)
    const captionY = pdf.y
    structure.add(
      pdf.struct('Caption', {}, [
        () =>
          pdf
            .font(FONTS.bold)
            .fontSize(BODY_SIZE)
            .fillColor(INK)
            .text(table.caption, this.left, captionY, { width: this.width }),
      ]),
    )
    let y = captionY + captionHeight
    const head = pdf.struct('THead')
    structure.add(head)
    this.row(head, header, widths, y, headerHeight, { header: true, align: table })
    head.end()
    y += headerHeight
    const body = pdf.struct('TBody')
    structure.add(body)
    rows.forEach((row) => {
      const height = this.rowHeight(row, widths)
      // A row never splits: it moves to the next page, under a repeat of the header row.
      if (y + height > this.bottom) {
        pdf.addPage({ layout: this.orientation, margins: MARGINS })
        y = pdf.page.margins.top
        this.artifact('Pagination', () =>
          this.drawRow(header, widths, y, headerHeight, true, table),
        )
        y += headerHeight
      }
      this.row(body, row, widths, y, height, { header: false, align: table })
      y += height
    })
    body.end()
    structure.end()
    pdf.x = this.left
    pdf.y = y + 12
  }

  private get orientation(): Orientation {
    return this.pdf.page.width > this.pdf.page.height ? 'landscape' : 'portrait'
  }

  private row(
    parent: StructureElement,
    cells: readonly (readonly Piece[])[],
    widths: readonly number[],
    y: number,
    height: number,
    options: { header: boolean; align: Table },
  ): void {
    const { pdf } = this
    this.artifact('Layout', () => this.drawRowFrame(widths, y, height, options.header))
    const tr = pdf.struct('TR')
    parent.add(tr)
    let x = this.left
    cells.forEach((pieces, i) => {
      const width = widths[i] ?? 0
      const structureOptions: StructureOptions = options.header ? { scope: 'Column' } : {}
      const cell = pdf.struct(options.header ? 'TH' : 'TD', structureOptions)
      tr.add(cell)
      this.drawPieces(cell, pieces, x + CELL_PADDING, y + CELL_PADDING, {
        width: width - 2 * CELL_PADDING,
        size: TABLE_SIZE,
        colour: INK,
        align: alignsRight(options.align, i) ? 'right' : 'left',
      })
      cell.end()
      x += width
    })
    tr.end()
  }

  /** A header row repeated on a new page: drawn, but not read again. */
  private drawRow(
    cells: readonly (readonly Piece[])[],
    widths: readonly number[],
    y: number,
    height: number,
    header: boolean,
    table: Table,
  ): void {
    this.drawRowFrame(widths, y, height, header)
    let x = this.left
    cells.forEach((pieces, i) => {
      const width = widths[i] ?? 0
      const align = alignsRight(table, i) ? 'right' : 'left'
      this.pdf
        .font(FONTS.bold)
        .fontSize(TABLE_SIZE)
        .fillColor(INK)
        .text(pieces.map((p) => p.text).join(''), x + CELL_PADDING, y + CELL_PADDING, {
          width: width - 2 * CELL_PADDING,
          align,
        })
      x += width
    })
  }

  private drawRowFrame(widths: readonly number[], y: number, height: number, header: boolean) {
    const { pdf } = this
    const total = widths.reduce((a, b) => a + b, 0)
    pdf.save()
    if (header) pdf.rect(this.left, y, total, height).fill(HEADER_FILL)
    pdf
      .moveTo(this.left, y + height)
      .lineTo(this.left + total, y + height)
      .lineWidth(header ? 1 : 0.5)
      .stroke(RULE)
    pdf.restore()
  }

  private rowHeight(cells: readonly (readonly Piece[])[], widths: readonly number[]): number {
    const { pdf } = this
    const heights = cells.map((pieces, i) => {
      // Text in one face is measured in it; mixed faces in bold, the widest, so it always fits.
      const [first] = pieces
      const single = first !== undefined && pieces.every((p) => p.font === first.font)
      pdf.font(FONTS[single ? first.font : 'bold']).fontSize(TABLE_SIZE)
      return pdf.heightOfString(pieces.map((p) => p.text).join('') || ' ', {
        width: (widths[i] ?? 0) - 2 * CELL_PADDING,
      })
    })
    return Math.max(...heights, TABLE_SIZE) + 2 * CELL_PADDING
  }

  /** A chart's drawn size, and with its caption the height it keeps together on a page. */
  private chartHeight(chart: Chart): { width: number; height: number; total: number } {
    const size = svgSize(chart)
    const width = Math.min(this.width, size.width * 0.75)
    const height = (width * size.height) / size.width
    this.pdf.font(FONTS.bold).fontSize(BODY_SIZE)
    const caption = chart.caption
      ? this.pdf.heightOfString(chart.caption, { width: this.width }) + 4
      : 0
    return { width, height, total: caption + height + 8 }
  }

  private chart(chart: Chart): void {
    const { pdf } = this
    const { width, height, total } = this.chartHeight(chart)
    // The caption never parts from its chart.
    this.ensure(total)
    if (chart.caption) this.paragraph([{ text: chart.caption, font: 'bold' }], { after: 4 })
    const [x, y] = [this.left, pdf.y]
    const options: StructureOptions = {
      alt: chart.alt,
      bbox: [x, y, x + width, y + height],
      placement: 'Block',
    }
    this.root.add(
      pdf.struct('Figure', options, [
        () =>
          SVGtoPDF(pdf, sizelessSvg(chart.svg), x, y, {
            width,
            height,
            preserveAspectRatio: 'xMinYMin meet',
            fontCallback: (_family, bold) => (bold ? FONTS.bold : FONTS.regular),
            warningCallback: () => undefined,
          }),
      ]),
    )
    pdf.x = this.left
    pdf.y = y + height + 8
    if (chart.data) this.table(chart.data)
  }

  private notes(): void {
    const { pdf } = this
    if (this.footnotes.notes.length === 0) return
    this.heading(2, 'Notes')
    this.footnotes.notes.forEach((text, i) => {
      pdf.font(FONTS.regular).fontSize(9)
      this.ensure(14)
      const y = pdf.y
      this.root.add(
        pdf.struct('Note', {}, [
          () => pdf.fillColor(INK).text(`${i + 1}. ${text}`, this.left, y, { width: this.width }),
        ]),
      )
      pdf.y += 3
    })
  }

  private pageNumbers(doc: ReportDocument): void {
    const { pdf } = this
    const range = pdf.bufferedPageRange()
    for (let i = range.start; i < range.start + range.count; i++) {
      pdf.switchToPage(i)
      const bottomMargin = pdf.page.margins.bottom
      pdf.page.margins.bottom = 0
      this.artifact('Pagination', () =>
        pdf
          .font(FONTS.regular)
          .fontSize(8)
          .fillColor(GREY)
          .text(
            `${doc.organisation}: ${doc.title}. Page ${i + 1} of ${range.count}`,
            this.left,
            pdf.page.height - 12 * MM,
            { width: this.width, align: 'center', lineBreak: false },
          ),
      )
      pdf.page.margins.bottom = bottomMargin
    }
  }

  private artifact(type: 'Pagination' | 'Layout', draw: () => void): void {
    this.pdf.markContent('Artifact', { type })
    draw()
    this.pdf.endMarkedContent()
  }

  /** Draws runs of text as one flow, each link run a Link element of its own. */
  private drawPieces(
    parent: StructureElement,
    pieces: readonly Piece[],
    x: number,
    y: number,
    options: { width: number; size: number; colour: string; align?: 'left' | 'right' },
  ): void {
    const { pdf } = this
    const drawn = pieces.filter((p) => p.text !== '')
    let first = true
    const draw = (piece: Piece, last: boolean) => {
      pdf
        .font(FONTS[piece.font])
        .fontSize(options.size)
        .fillColor(piece.link ? LINK : options.colour)
      const textOptions: PDFKit.Mixins.TextOptions = {
        width: options.width,
        align: options.align ?? 'left',
        continued: !last,
        ...(piece.link ? { link: piece.link, underline: true } : { link: null, underline: false }),
      }
      if (first) pdf.text(piece.text, x, y, textOptions)
      else pdf.text(piece.text, textOptions)
      first = false
    }
    let i = 0
    while (i < drawn.length) {
      const start = i
      const link = drawn[i]?.link
      while (i < drawn.length && drawn[i]?.link === link) i++
      const group = drawn.slice(start, i)
      const end = i
      const closure = () =>
        group.forEach((p, k) => draw(p, start + k === end - 1 && end === drawn.length))
      parent.add(link ? pdf.struct('Link', {}, [closure]) : closure)
    }
  }

  /** `number` false measures a footnote mark without numbering the note. */
  private pieces(content: readonly Inline[], bold = false, number = true): Piece[] {
    const face = (b: boolean, italic: boolean): FontName =>
      b ? (italic ? 'boldItalic' : 'bold') : italic ? 'italic' : 'regular'
    return content.map((run): Piece => {
      if (typeof run === 'string') return { text: run, font: face(bold, false) }
      switch (run.type) {
        case 'text':
          return { text: run.text, font: face(bold || (run.bold ?? false), run.italic ?? false) }
        case 'link':
          return { text: run.text, font: face(bold, false), link: run.href }
        case 'badge':
          return {
            text: badgeText(run),
            font: 'bold',
          }
        case 'footnote':
          return {
            text: superscript(
              number ? this.footnotes.add(run.text) : this.footnotes.notes.length + 1,
            ),
            font: 'regular',
          }
      }
    })
  }
}

function superscript(n: number): string {
  return String(n).replace(/\d/g, (d) => SUPERSCRIPTS[Number(d)] ?? d)
}

/** The SVG's own size in pixels, from its root element, else the size the report gives. */
function svgSize(chart: Chart): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(chart.svg)?.[0] ?? ''
  const viewBox = /\sviewBox="[\d.-]+[\s,]+[\d.-]+[\s,]+([\d.]+)[\s,]+([\d.]+)"/.exec(root)
  const width = Number(viewBox?.[1] ?? chart.width)
  const height = Number(viewBox?.[2] ?? chart.height)
  return width > 0 && height > 0 ? { width, height } : { width: chart.width, height: chart.height }
}

/** Without width and height on its root, the SVG scales to the box it is drawn in. */
function sizelessSvg(svg: string): string {
  return svg.replace(/<svg\b[^>]*>/, (root) => root.replace(/\s(?:width|height)="[^"]*"/g, ''))
}
