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
  Paragraph,
  ShadingType,
  Table as WordTable,
  TableCell as WordTableCell,
  TableRow,
  TextRun as WordTextRun,
  WidthType,
  type IRunOptions,
  type ParagraphChild,
} from 'docx'
import type { Block, Chart, Inline, ReportDocument, Table } from '../report-document.ts'
import { chartPngs, type ChartImage } from './chart-image.ts'
import { cellRuns, columnShares } from './render-helpers.ts'

const FONT = 'Arial'
/** Symbols Arial lacks; Word falls back from this font on other systems too. */
const SYMBOL_FONT = 'Segoe UI Symbol'
// A4 in twentieths of a point, with 2 cm margins.
const PAGE = { width: 11906, height: 16838 } as const
const MARGIN = 1134
const CONTENT_TWIPS = PAGE.width - 2 * MARGIN
/** The content width in the pixels (at 96 dpi) image sizes are given in. */
const CONTENT_PIXELS = Math.floor((CONTENT_TWIPS / 1440) * 96)
const ORDERED = 'report-ordered-list'

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
  for (const block of doc.blocks) children.push(...writer.block(block))

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
    sections: [
      {
        properties: {
          page: {
            size: PAGE,
            margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
          },
        },
        footers: {
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
        },
        children,
      },
    ],
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

  private table(table: Table): (Paragraph | WordTable)[] {
    const shares = columnShares(table)
    const totals = new Set(table.totalRows ?? [])
    const cell = (runs: ParagraphChild[], i: number, header: boolean) =>
      new WordTableCell({
        width: { size: Math.round((shares[i] ?? 0) * CONTENT_TWIPS), type: WidthType.DXA },
        margins: { top: 40, bottom: 40, left: 80, right: 80 },
        ...(header ? { shading: { type: ShadingType.CLEAR, fill: 'E5E6E7', color: 'auto' } } : {}),
        children: [
          new Paragraph({
            alignment:
              table.columns[i]?.align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT,
            children: runs,
          }),
        ],
      })
    const header = new TableRow({
      tableHeader: true,
      cantSplit: true,
      children: table.columns.map((c, i) =>
        cell([textRun({ text: c.label, bold: true })], i, true),
      ),
    })
    const rows = table.rows.map(
      (row, r) =>
        new TableRow({
          cantSplit: true,
          children: row.map((value, i) =>
            cell(this.runs(cellRuns(value), totals.has(r)), i, false),
          ),
        }),
    )
    return [
      new Paragraph({ style: 'Caption', keepNext: true, text: table.caption }),
      new WordTable({
        width: { size: CONTENT_TWIPS, type: WidthType.DXA },
        columnWidths: shares.map((s) => Math.round(s * CONTENT_TWIPS)),
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

  private runs(content: readonly Inline[], bold = false): ParagraphChild[] {
    return content.flatMap((run): ParagraphChild[] => {
      if (typeof run === 'string') return [textRun({ text: run, bold })]
      switch (run.type) {
        case 'text':
          return [
            textRun({
              text: run.text,
              bold: bold || (run.bold ?? false),
              italics: run.italic ?? false,
            }),
          ]
        case 'link':
          return [
            new ExternalHyperlink({
              link: run.href,
              children: [textRun({ text: run.text, style: 'Hyperlink', bold })],
            }),
          ]
        case 'badge':
          return [
            ...(run.symbol
              ? [textRun({ text: `${run.symbol} `, bold: true, font: SYMBOL_FONT })]
              : []),
            textRun({ text: run.label, bold: true }),
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
    document: { run: { font: FONT, size: 22, color: INK }, paragraph: { spacing: { after: 120 } } },
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
