// A report as a Word document: Word's own Title and Heading styles (so the navigation pane and a
// committee system's table of contents work), tables with repeating header rows, footnotes as
// Word footnotes, charts as PNG images with alternative text, A4 with page numbers.
import {
  AlignmentType,
  Document,
  ExternalHyperlink,
  Footer,
  FootnoteReferenceRun,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  Packer,
  PageBreak,
  PageNumber,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table as WordTable,
  TableCell as WordTableCell,
  TableLayoutType,
  TableRow,
  TextRun as WordTextRun,
  WidthType,
  type IRunOptions,
  type ParagraphChild,
} from 'docx'
import type { Block, Chart, Inline, ReportDocument, Table } from '../report-document.ts'
import { chartPngs, type ChartImage } from './chart-image.ts'
import {
  alignsRight,
  badgeText,
  cellRuns,
  layoutTable,
  SYMBOL_SPACE,
  tablePart,
  type TableLayout,
} from './render-helpers.ts'
import { dejaVuMeasure } from './report-fonts.ts'

const FONT = 'Arial'
/** Symbols Arial lacks; Word falls back from this font on other systems too. */
const SYMBOL_FONT = 'Segoe UI Symbol'
// A4 in twentieths of a point, with 2 cm margins.
const PAGE = { width: 11906, height: 16838 } as const
const MARGIN = 1134
const CONTENT_TWIPS = PAGE.width - 2 * MARGIN
const LANDSCAPE_TWIPS = PAGE.height - 2 * MARGIN
/** Table text in half-points (9 pt), and the cell margins either side in twentieths of a point. */
const TABLE_SIZE = 18
const CELL_MARGIN = 80
/** The content width in the pixels (at 96 dpi) image sizes are given in. */
const CONTENT_PIXELS = Math.floor((CONTENT_TWIPS / 1440) * 96)
const ORDERED = 'report-ordered-list'
/** Table text is measured in DejaVu Sans at 9 pt, wider than Arial: every word fits. */
const MEASURE = () => dejaVuMeasure(TABLE_SIZE / 2)

type Orientation = 'portrait' | 'landscape'

export async function reportDocx(doc: ReportDocument): Promise<Buffer> {
  const charts = doc.blocks.flatMap((b) => (b.type === 'chart' ? [b] : []))
  const writer = new DocxWriter(await chartPngs(charts))
  const children: (Paragraph | WordTable)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new WordTextRun(doc.title)] }),
  ]
  if (doc.subtitle) children.push(new Paragraph({ style: 'Subtitle', text: doc.subtitle }))
  for (const m of doc.meta) {
    children.push(
      new Paragraph({
        spacing: { after: 40 },
        children: [textRun({ text: `${m.label}: `, bold: true }), new WordTextRun(m.value)],
      }),
    )
  }
  children.push(new Paragraph({ spacing: { after: 240 }, children: [] }))
  // A table too wide for portrait is set in a landscape section of its own, with the headings
  // that lead into it; the document turns back to portrait after it.
  const sections: { orientation: Orientation; children: (Paragraph | WordTable)[] }[] = [
    { orientation: 'portrait', children },
  ]
  doc.blocks.forEach((block, i) => {
    const orientation = writer.orientationAt(doc.blocks, i)
    let section = sections.at(-1) ?? { orientation, children: [] }
    if (section.orientation !== orientation) {
      section = { orientation, children: [] }
      sections.push(section)
    }
    section.children.push(...writer.block(block))
  })
  const footer = () => ({
    default: new Footer({
      children: [
        new Paragraph({
          alignment: AlignmentType.CENTER,
          children: [
            textRun({
              size: 18,
              children: [
                `${doc.organisation}: ${doc.title}. Page `,
                PageNumber.CURRENT,
                ' of ',
                PageNumber.TOTAL_PAGES,
              ],
            }),
          ],
        }),
      ],
    }),
  })

  const document = new Document({
    title: doc.title,
    subject: doc.subtitle ?? doc.title,
    creator: doc.organisation,
    lastModifiedBy: 'Golden Thread',
    description: doc.meta.map((m) => `${m.label}: ${m.value}`).join('; '),
    styles: STYLES,
    numbering: {
      config: [
        {
          reference: ORDERED,
          levels: [
            {
              level: 0,
              format: LevelFormat.DECIMAL,
              text: '%1.',
              alignment: AlignmentType.START,
              style: { paragraph: { indent: { left: 567, hanging: 340 } } },
            },
          ],
        },
      ],
    },
    footnotes: writer.footnotes,
    sections: sections.map((section) => ({
      properties: {
        page: {
          size: {
            ...PAGE,
            orientation:
              section.orientation === 'landscape'
                ? PageOrientation.LANDSCAPE
                : PageOrientation.PORTRAIT,
          },
          margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
        },
      },
      footers: footer(),
      children: section.children,
    })),
  })
  return Packer.toBuffer(document)
}

class DocxWriter {
  private readonly images: ReadonlyMap<Chart, ChartImage>
  readonly footnotes: Record<string, { children: Paragraph[] }> = {}
  private footnoteCount = 0
  private orderedLists = 0

  constructor(images: ReadonlyMap<Chart, ChartImage>) {
    this.images = images
  }

  block(block: Block): (Paragraph | WordTable)[] {
    switch (block.type) {
      case 'heading':
        return [
          new Paragraph({
            heading: HEADINGS[block.level],
            children: [new WordTextRun(block.text)],
          }),
        ]
      case 'paragraph':
        return [new Paragraph({ children: this.runs(block.content) })]
      case 'list': {
        const instance = block.ordered ? ++this.orderedLists : 0
        return block.items.map(
          (item) =>
            new Paragraph({
              ...(block.ordered
                ? { numbering: { reference: ORDERED, level: 0, instance } }
                : { bullet: { level: 0 } }),
              children: this.runs(item),
            }),
        )
      }
      case 'table':
        return this.table(block)
      case 'chart':
        return this.chart(block)
      case 'page_break':
        return [new Paragraph({ children: [new PageBreak()] })]
    }
  }

  private readonly layouts = new Map<Table, TableLayout>()

  private layout(table: Table): TableLayout {
    let layout = this.layouts.get(table)
    if (!layout) {
      layout = layoutTable(table, MEASURE(), {
        portrait: CONTENT_TWIPS / 20,
        landscape: LANDSCAPE_TWIPS / 20,
        padding: CELL_MARGIN / 20,
      })
      this.layouts.set(table, layout)
    }
    return layout
  }

  /** Landscape for a table too wide for portrait, and for the headings that lead into it. */
  orientationAt(blocks: readonly Block[], index: number): Orientation {
    let i = index
    while (blocks[i]?.type === 'heading') i++
    const block = blocks[i]
    return block?.type === 'table' && this.layout(block).landscape ? 'landscape' : 'portrait'
  }

  private table(table: Table): (Paragraph | WordTable)[] {
    const { parts } = this.layout(table)
    return parts.flatMap((part, k) =>
      this.tableOf(
        tablePart(table, part.columns, k, parts.length),
        part.widths.map((w) => Math.floor(w * 20)),
      ),
    )
  }

  private tableOf(table: Table, widths: readonly number[]): (Paragraph | WordTable)[] {
    const totals = new Set(table.totalRows ?? [])
    const cell = (runs: ParagraphChild[], i: number, header: boolean) =>
      new WordTableCell({
        width: { size: widths[i] ?? 0, type: WidthType.DXA },
        margins: { top: 40, bottom: 40, left: CELL_MARGIN, right: CELL_MARGIN },
        ...(header ? { shading: { type: ShadingType.CLEAR, fill: 'E5E6E7', color: 'auto' } } : {}),
        children: [
          new Paragraph({
            alignment: alignsRight(table, i) ? AlignmentType.RIGHT : AlignmentType.LEFT,
            spacing: { after: 0 },
            // The header row keeps with the first row, as the caption keeps with the table.
            keepNext: header,
            children: runs,
          }),
        ],
      })
    const header = new TableRow({
      tableHeader: true,
      cantSplit: true,
      children: table.columns.map((c, i) =>
        cell([textRun({ text: c.label, bold: true, size: TABLE_SIZE })], i, true),
      ),
    })
    const rows = table.rows.map(
      (row, r) =>
        new TableRow({
          cantSplit: true,
          children: row.map((value, i) =>
            cell(this.runs(cellRuns(value), totals.has(r), TABLE_SIZE), i, false),
          ),
        }),
    )
    return [
      new Paragraph({ style: 'Caption', keepNext: true, text: table.caption }),
      new WordTable({
        width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
        columnWidths: [...widths],
        layout: TableLayoutType.FIXED,
        rows: [header, ...rows],
      }),
      new Paragraph({ spacing: { after: 120 }, children: [] }),
    ]
  }

  private chart(chart: Chart): (Paragraph | WordTable)[] {
    const image = this.images.get(chart)
    if (!image) throw new Error('a chart was not drawn before the document was written')
    const width = Math.min(CONTENT_PIXELS, chart.width)
    const height = Math.round((width * image.height) / image.width)
    const parts: (Paragraph | WordTable)[] = []
    if (chart.caption) {
      parts.push(new Paragraph({ style: 'Caption', keepNext: true, text: chart.caption }))
    }
    parts.push(
      new Paragraph({
        keepNext: chart.data !== undefined,
        children: [
          new ImageRun({
            type: 'png',
            data: image.png,
            transformation: { width, height },
            altText: {
              name: chart.caption ?? 'Chart',
              title: chart.caption ?? 'Chart',
              description: chart.alt,
            },
          }),
        ],
      }),
    )
    if (chart.data) parts.push(...this.table(chart.data))
    return parts
  }

  private runs(content: readonly Inline[], bold = false, size?: number): ParagraphChild[] {
    const sized = size === undefined ? {} : { size }
    return content.flatMap((run): ParagraphChild[] => {
      if (typeof run === 'string') return [textRun({ text: run, bold, ...sized })]
      switch (run.type) {
        case 'text':
          return [
            textRun({
              text: run.text,
              bold: bold || (run.bold ?? false),
              italics: run.italic ?? false,
              ...sized,
            }),
          ]
        case 'link':
          return [
            new ExternalHyperlink({
              link: run.href,
              children: [textRun({ text: run.text, style: 'Hyperlink', bold, ...sized })],
            }),
          ]
        case 'badge':
          return [
            ...(run.symbol
              ? [
                  textRun({
                    text: `${run.symbol}${SYMBOL_SPACE}`,
                    bold: true,
                    font: SYMBOL_FONT,
                    ...sized,
                  }),
                ]
              : []),
            textRun({ text: badgeText(run, false), bold: true, ...sized }),
          ]
        case 'footnote': {
          const id = ++this.footnoteCount
          this.footnotes[String(id)] = { children: [new Paragraph({ text: run.text })] }
          return [new FootnoteReferenceRun(id)]
        }
      }
    })
  }
}

/** A run from options only; `TextRun`'s string overload would make `bold` look like `String#bold`. */
function textRun(options: IRunOptions): WordTextRun {
  return new WordTextRun(options)
}

const HEADINGS = {
  1: HeadingLevel.HEADING_1,
  2: HeadingLevel.HEADING_2,
  3: HeadingLevel.HEADING_3,
} as const

const INK = '0B0C0C'

const STYLES = {
  default: {
    document: {
      run: { font: FONT, size: 22, color: INK, language: { value: 'en-GB' } },
      paragraph: { spacing: { after: 120 } },
    },
    title: {
      run: { font: FONT, size: 48, bold: true, color: INK },
      paragraph: { spacing: { after: 120 } },
    },
    heading1: {
      run: { font: FONT, size: 36, bold: true, color: INK },
      paragraph: { spacing: { before: 360, after: 120 }, keepNext: true, outlineLevel: 0 },
    },
    heading2: {
      run: { font: FONT, size: 28, bold: true, color: INK },
      paragraph: { spacing: { before: 280, after: 100 }, keepNext: true, outlineLevel: 1 },
    },
    heading3: {
      run: { font: FONT, size: 24, bold: true, color: INK },
      paragraph: { spacing: { before: 240, after: 80 }, keepNext: true, outlineLevel: 2 },
    },
    caption: {
      run: { font: FONT, size: 20, bold: true, italics: false, color: INK },
      paragraph: { spacing: { before: 120, after: 60 }, keepNext: true },
    },
    hyperlink: { run: { color: '1D70B8', underline: {} } },
  },
  paragraphStyles: [
    {
      id: 'Subtitle',
      name: 'Subtitle',
      basedOn: 'Normal',
      next: 'Normal',
      quickFormat: true,
      run: { font: FONT, size: 28, color: '484949' },
      paragraph: { spacing: { after: 200 } },
    },
  ],
}
