// The one document model every committee report is built as. Builders produce it from the
// data once; renderers turn it into HTML, Word, PDF, Excel and CSV. It holds presented values
// only (words, formatted numbers), so no renderer decides what a field says.

/** Every status a report can show: always its word and its symbol, never colour alone. */
export type BadgeKind = 'rag' | 'direction' | 'variation' | 'assurance' | 'project' | 'risk'

export interface Badge {
  readonly type: 'badge'
  readonly kind: BadgeKind
  /** The machine value, e.g. `red`, `special_cause_concern`, `improving`. */
  readonly value: string
  /** The word or words shown, e.g. `Red`, `Special cause: concern`. */
  readonly label: string
  /** A text symbol shown before the label, e.g. `▲`, `●`, `✖`; empty where the kind has none. */
  readonly symbol: string
}

export interface TextRun {
  readonly type: 'text'
  readonly text: string
  readonly bold?: boolean
  readonly italic?: boolean
  /**
   * The number the text shows, in the text's own units (87.5 for `87.5%`, 1200000 for
   * `£1,200,000`), so spreadsheets store a number rather than words.
   */
  readonly number?: number
}

export interface LinkRun {
  readonly type: 'link'
  readonly text: string
  readonly href: string
}

/** A note numbered by the renderer and printed at the end of the document. */
export interface FootnoteRun {
  readonly type: 'footnote'
  readonly text: string
}

export type Inline = string | TextRun | LinkRun | Badge | FootnoteRun

export interface Heading {
  readonly type: 'heading'
  /** 1 is the document's sections; the title is not a heading block. */
  readonly level: 1 | 2 | 3
  readonly text: string
}

export interface Paragraph {
  readonly type: 'paragraph'
  readonly content: readonly Inline[]
  /** Narrative the author may edit before publishing; `key` names it in the report's edits. */
  readonly editableKey?: string
}

export interface BulletList {
  readonly type: 'list'
  readonly ordered?: boolean
  readonly items: readonly (readonly Inline[])[]
}

export interface TableColumn {
  readonly label: string
  /** Numbers align right. */
  readonly align?: 'left' | 'right'
  /** Relative width; renderers share the page width out in proportion. */
  readonly width?: number
}

/** A cell is a plain string, one inline run, or several runs. */
export type TableCell = Inline | readonly Inline[]

export interface Table {
  readonly type: 'table'
  /** Every table has a caption: it is the table's accessible name and the Excel sheet title. */
  readonly caption: string
  readonly columns: readonly TableColumn[]
  readonly rows: readonly (readonly TableCell[])[]
  /** Rows that are totals, by index; rendered bold. */
  readonly totalRows?: readonly number[]
}

export interface Chart {
  readonly type: 'chart'
  /** The same server-rendered SVG as on screen. */
  readonly svg: string
  /** Alternative text for Word and PDF, where the SVG becomes an image. */
  readonly alt: string
  readonly width: number
  readonly height: number
  readonly caption?: string
  /** The chart's data, shown beside it as a table. */
  readonly data?: Table
}

export interface PageBreak {
  readonly type: 'page_break'
}

export type Block = Heading | Paragraph | BulletList | Table | Chart | PageBreak

export interface ReportDocument {
  readonly title: string
  readonly subtitle?: string
  readonly organisation: string
  /** Lines printed under the title: committee, meeting date, period, author, status. */
  readonly meta: readonly { readonly label: string; readonly value: string }[]
  readonly blocks: readonly Block[]
}

export type ReportFormat = 'html' | 'docx' | 'pdf' | 'xlsx' | 'csv'

export interface RenderedReport {
  readonly body: Buffer
  readonly contentType: string
  /** File extension without the dot. */
  readonly extension: ReportFormat
}

/** The plain text of inline content: for CSV, Excel and search. */
export function inlineText(content: TableCell): string {
  if (typeof content === 'string') return content
  if (isInlineArray(content)) return content.map(inlineText).join('')
  switch (content.type) {
    case 'badge':
      return content.symbol ? `${content.symbol} ${content.label}` : content.label
    case 'footnote':
      return ''
    default:
      return content.text
  }
}

function isInlineArray(content: TableCell): content is readonly Inline[] {
  return Array.isArray(content)
}
