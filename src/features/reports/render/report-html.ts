// A report as HTML: a fragment in GOV.UK Frontend classes for the app's own pages, and a
// standalone accessible document (inline styles, inline SVG, no external requests) to download.
import type {
  Badge,
  Block,
  Chart,
  Inline,
  ReportDocument,
  Table,
  TableCell,
} from '../report-document.ts'
import { alignsRight, cellRuns, Footnotes } from './render-helpers.ts'

export interface HtmlFragmentOptions {
  /** Prefix for every id, so two reports can share a page; default `report-`. */
  readonly idPrefix?: string
}

/** The report's body (title, meta, sections, notes) for embedding in a page's main element. */
export function reportHtmlFragment(doc: ReportDocument, options: HtmlFragmentOptions = {}): string {
  const writer = new HtmlWriter(options.idPrefix ?? 'report-')
  return writer.document(doc)
}

/** A standalone HTML document: landmarks, skip link, print styles; opens without a network. */
export function reportHtmlDocument(doc: ReportDocument): string {
  const title = `${doc.title} – ${doc.organisation}`
  return [
    '<!DOCTYPE html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLES}</style>`,
    '</head>',
    '<body>',
    '<a class="govuk-skip-link gt-skip-link" href="#main-content">Skip to main content</a>',
    `<header class="gt-report-header"><p class="gt-report-header__organisation">${escapeHtml(doc.organisation)}</p></header>`,
    `<main id="main-content" class="gt-report-main" tabindex="-1">${reportHtmlFragment(doc)}</main>`,
    `<footer class="gt-report-footer"><p>${escapeHtml(doc.organisation)}: ${escapeHtml(doc.title)}. Produced with Golden Thread.</p></footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

class HtmlWriter {
  private readonly footnotes = new Footnotes()
  private readonly prefix: string

  constructor(prefix: string) {
    this.prefix = prefix.replace(/[^A-Za-z0-9_-]/g, '-')
  }

  document(doc: ReportDocument): string {
    const parts = [
      `<article class="gt-report">`,
      `<h1 class="govuk-heading-xl">${escapeHtml(doc.title)}</h1>`,
    ]
    if (doc.subtitle) parts.push(`<p class="govuk-body-l">${escapeHtml(doc.subtitle)}</p>`)
    if (doc.meta.length > 0) {
      const rows = doc.meta
        .map(
          (m) =>
            `<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${escapeHtml(m.label)}</dt><dd class="govuk-summary-list__value">${escapeHtml(m.value)}</dd></div>`,
        )
        .join('')
      parts.push(`<dl class="govuk-summary-list gt-report-meta">${rows}</dl>`)
    }
    for (const block of doc.blocks) parts.push(this.block(block))
    parts.push(this.notes(), '</article>')
    return parts.join('\n')
  }

  private block(block: Block): string {
    switch (block.type) {
      case 'heading': {
        const level = block.level + 1
        const size = ['l', 'm', 's'][block.level - 1] ?? 's'
        return `<h${level} class="govuk-heading-${size}">${escapeHtml(block.text)}</h${level}>`
      }
      case 'paragraph': {
        const key = block.editableKey ? ` data-editable-key="${escapeHtml(block.editableKey)}"` : ''
        return `<p class="govuk-body"${key}>${this.inlines(block.content)}</p>`
      }
      case 'list': {
        const tag = block.ordered ? 'ol' : 'ul'
        const style = block.ordered ? 'govuk-list--number' : 'govuk-list--bullet'
        const items = block.items.map((item) => `<li>${this.inlines(item)}</li>`).join('')
        return `<${tag} class="govuk-list ${style}">${items}</${tag}>`
      }
      case 'table':
        return this.table(block)
      case 'chart':
        return this.chart(block)
      case 'page_break':
        return '<div class="gt-page-break"></div>'
    }
  }

  private table(table: Table): string {
    const totals = new Set(table.totalRows ?? [])
    const numeric = (i: number) => alignsRight(table, i)
    const head = table.columns
      .map(
        (c, i) =>
          `<th scope="col" class="govuk-table__header${numeric(i) ? ' govuk-table__header--numeric' : ''}">${escapeHtml(c.label)}</th>`,
      )
      .join('')
    const body = table.rows
      .map((row, r) => {
        const cells = row
          .map((cell: TableCell, i) => {
            const content = this.inlines(cellRuns(cell))
            return `<td class="govuk-table__cell${numeric(i) ? ' govuk-table__cell--numeric' : ''}">${totals.has(r) ? `<strong>${content}</strong>` : content}</td>`
          })
          .join('')
        return `<tr class="govuk-table__row${totals.has(r) ? ' gt-total-row' : ''}">${cells}</tr>`
      })
      .join('\n')
    return [
      '<table class="govuk-table gt-report-table">',
      `<caption class="govuk-table__caption govuk-table__caption--s">${escapeHtml(table.caption)}</caption>`,
      `<thead class="govuk-table__head"><tr class="govuk-table__row">${head}</tr></thead>`,
      `<tbody class="govuk-table__body">${body}</tbody>`,
      '</table>',
    ].join('\n')
  }

  private chart(chart: Chart): string {
    const caption = chart.caption
      ? `<figcaption class="govuk-body govuk-!-font-weight-bold">${escapeHtml(chart.caption)}</figcaption>`
      : ''
    const data = chart.data ? this.table(chart.data) : ''
    return `<figure class="gt-report-chart">${caption}<div class="gt-report-chart__image">${labelledSvg(chart.svg, chart.alt)}</div>${data}</figure>`
  }

  private inlines(content: readonly Inline[]): string {
    return content.map((run) => this.inline(run)).join('')
  }

  private inline(run: Inline): string {
    if (typeof run === 'string') return escapeHtml(run)
    switch (run.type) {
      case 'text': {
        let html = escapeHtml(run.text)
        if (run.italic) html = `<em>${html}</em>`
        if (run.bold) html = `<strong>${html}</strong>`
        return html
      }
      case 'link':
        return safeHref(run.href)
          ? `<a class="govuk-link" href="${escapeHtml(run.href)}">${escapeHtml(run.text)}</a>`
          : escapeHtml(run.text)
      case 'badge':
        return badgeHtml(run)
      case 'footnote': {
        const n = this.footnotes.add(run.text)
        return `<sup class="gt-footnote-ref"><a class="govuk-link" id="${this.prefix}note-ref-${n}" href="#${this.prefix}note-${n}"><span class="govuk-visually-hidden">Note </span>${n}</a></sup>`
      }
    }
  }

  private notes(): string {
    if (this.footnotes.notes.length === 0) return ''
    const items = this.footnotes.notes
      .map(
        (text, i) =>
          `<li id="${this.prefix}note-${i + 1}">${escapeHtml(text)} <a class="govuk-link" href="#${this.prefix}note-ref-${i + 1}">Back to text<span class="govuk-visually-hidden"> for note ${i + 1}</span></a></li>`,
      )
      .join('')
    return `<section class="gt-report-notes" aria-labelledby="${this.prefix}notes"><h2 class="govuk-heading-m" id="${this.prefix}notes">Notes</h2><ol class="govuk-list govuk-list--number">${items}</ol></section>`
  }
}

const TAG_COLOURS: Readonly<Record<string, string>> = {
  green: 'green',
  on_track: 'green',
  completed: 'green',
  improving: 'green',
  low: 'green',
  consistent_pass: 'green',
  special_cause_improvement: 'blue',
  amber: 'yellow',
  at_risk: 'yellow',
  medium: 'yellow',
  inconsistent: 'yellow',
  red: 'red',
  off_track: 'red',
  worsening: 'red',
  high: 'red',
  overdue: 'red',
  consistent_fail: 'red',
  special_cause_concern: 'orange',
}

/** A status as GOV.UK tag: the symbol (hidden from screen readers, the word says it) and word. */
function badgeHtml(badge: Badge): string {
  const colour = TAG_COLOURS[badge.value] ?? 'grey'
  const symbol = badge.symbol ? `<span aria-hidden="true">${escapeHtml(badge.symbol)}</span> ` : ''
  return `<strong class="govuk-tag govuk-tag--${colour} gt-badge" data-kind="${escapeHtml(badge.kind)}" data-value="${escapeHtml(badge.value)}">${symbol}${escapeHtml(badge.label)}</strong>`
}

/** The chart's root element named by the report's alternative text, whatever the SVG said. */
function labelledSvg(svg: string, alt: string): string {
  return svg.replace(/<svg\b([^>]*)>/, (_, attributes: string) => {
    const kept = attributes.replace(
      /\s(?:role|aria-label|aria-labelledby|aria-describedby)="[^"]*"/g,
      '',
    )
    return `<svg${kept} role="img" aria-label="${escapeHtml(alt)}" focusable="false">`
  })
}

function safeHref(href: string): boolean {
  return /^(?:https?:|mailto:|\/(?!\/)|#)/i.test(href)
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

// The GOV.UK Frontend classes the fragment uses, for the standalone file, which carries no
// stylesheet link; colours are GOV.UK's, each with at least 4.5:1 contrast.
const STYLES = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:1rem;line-height:1.45;color:#0b0c0c;background:#fff}
.gt-skip-link{position:absolute;left:-9999px;top:0;padding:.5rem 1rem;background:#fd0;color:#0b0c0c;font-weight:700}
.gt-skip-link:focus{left:0;outline:3px solid #0b0c0c}
.gt-report-header{background:#0b0c0c;color:#fff;padding:.75rem 1.5rem}
.gt-report-header__organisation{margin:0;font-weight:700;font-size:1.125rem}
.gt-report-main{display:block;max-width:1000px;margin:0 auto;padding:1.5rem}
.gt-report-main:focus{outline:none}
.gt-report-footer{border-top:1px solid #b1b4b6;margin-top:2rem;padding:1rem 1.5rem;color:#484949;font-size:.875rem}
.govuk-heading-xl{font-size:2.25rem;line-height:1.1;margin:0 0 1rem}
.govuk-heading-l{font-size:1.75rem;margin:2rem 0 .75rem}
.govuk-heading-m{font-size:1.375rem;margin:1.5rem 0 .5rem}
.govuk-heading-s{font-size:1.125rem;margin:1.25rem 0 .5rem}
.govuk-body,.govuk-body-l{margin:0 0 1rem}
.govuk-body-l{font-size:1.25rem}
.govuk-list{margin:0 0 1rem;padding-left:1.25rem}
.govuk-link{color:#1d70b8;text-decoration:underline}
.govuk-link:focus{outline:3px solid transparent;background:#fd0;color:#0b0c0c;box-shadow:0 -2px #fd0,0 4px #0b0c0c;text-decoration:none}
.govuk-visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}
.govuk-summary-list{margin:0 0 1.5rem;display:table;width:100%}
.govuk-summary-list__row{display:table-row}
.govuk-summary-list__key,.govuk-summary-list__value{display:table-cell;margin:0;padding:.4rem 1rem .4rem 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
.govuk-summary-list__key{font-weight:700;width:30%}
.govuk-table{width:100%;border-collapse:collapse;margin:0 0 1.5rem;font-size:.95rem}
.govuk-table__caption{text-align:left;font-weight:700;font-size:1.125rem;margin-bottom:.5rem}
.govuk-table__header,.govuk-table__cell{padding:.5rem .75rem .5rem 0;border-bottom:1px solid #b1b4b6;text-align:left;vertical-align:top}
.govuk-table__header--numeric,.govuk-table__cell--numeric{text-align:right}
.govuk-tag{display:inline-block;max-width:100%;padding:.1rem .4rem;font-weight:400;color:#0c2d4a;background:#bbd4ea}
.govuk-tag--grey{color:#282d30;background:#e5e6e7}
.govuk-tag--green{color:#005a30;background:#cce2d8}
.govuk-tag--yellow{color:#594d00;background:#fff7bf}
.govuk-tag--red{color:#2a0b06;background:#f4cdc6}
.govuk-tag--orange{color:#6e3619;background:#fcd6c3}
.gt-report-table-wrap{max-width:100%;overflow-x:auto}
.gt-report-chart{margin:0 0 1.5rem}
.gt-report-chart__image svg{max-width:100%;height:auto}
.gt-footnote-ref{line-height:0}
.gt-report-notes{border-top:1px solid #b1b4b6;margin-top:2rem}
@page{size:A4;margin:18mm 15mm}
@media print{
  body{font-size:10.5pt}
  .gt-skip-link{display:none}
  .gt-report-header{background:none;color:#0b0c0c;padding:0}
  .gt-report-main{max-width:none;padding:0}
  .gt-page-break{break-before:page}
  thead{display:table-header-group}
  tr,figure .gt-report-chart__image{break-inside:avoid}
  h2,h3,h4,caption,figcaption{break-after:avoid}
  figure{break-inside:avoid}
  .govuk-link{color:#0b0c0c}
}
`
