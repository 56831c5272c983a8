/**
 * Wide tables scroll inside their own region, so the page never scrolls sideways at 320 CSS px
 * (WCAG 2.2, 1.4.10 Reflow). Applied by the layouts to the whole page content, so every table
 * gets it, today's and tomorrow's:
 * `<div class="gt-table-scroll" role="region" aria-label="…" tabindex="0">` around each
 * `govuk-table`. The region is named after the table's caption, or else the heading before it;
 * it is focusable so a keyboard can scroll it.
 */

const TABLE_OPEN = /<table\b[^>]*>/gi
const CAPTION = /<caption\b[^>]*>([\s\S]*?)<\/caption>/i
const HEADING = /<h[1-6]\b[^>]*>([\s\S]*?)<\/h[1-6]>/gi
const WRAPPER = 'gt-table-scroll'

/** Visible words of a piece of already escaped HTML, safe inside a double-quoted attribute. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replaceAll('"', '&quot;')
}

/** Where the `</table>` closing the table that opens at `from` ends, nested tables counted. */
function tableEnd(html: string, from: number): number {
  const tags = /<\/?table\b[^>]*>/gi
  tags.lastIndex = from
  let depth = 0
  for (let match = tags.exec(html); match; match = tags.exec(html)) {
    depth += match[0].startsWith('</') ? -1 : 1
    if (depth === 0) return match.index + match[0].length
  }
  return -1
}

function labelFor(heading: string | undefined, table: string): string {
  const head = table.slice(0, table.search(/<(tr|thead|tbody)\b/i) >>> 0)
  const caption = CAPTION.exec(head)?.[1]
  if (caption && textOf(caption)) return textOf(caption)
  const text = heading ? textOf(heading) : ''
  return text ? `Table: ${text}` : 'Table'
}

/**
 * The last heading wholly before each position asked for, positions asked in order: the page
 * is read once from start to end, not again from its start for each table.
 */
function headingsBefore(html: string) {
  const headings = new RegExp(HEADING.source, HEADING.flags)
  let last: string | undefined
  let next = headings.exec(html)
  return (position: number): string | undefined => {
    while (next && next.index + next[0].length <= position) {
      last = next[1]
      next = headings.exec(html)
    }
    return last
  }
}

export function wrapTables(html: string): string {
  let out = ''
  let at = 0
  const headingBefore = headingsBefore(html)
  TABLE_OPEN.lastIndex = 0
  for (let match = TABLE_OPEN.exec(html); match; match = TABLE_OPEN.exec(html)) {
    const open = match[0]
    const start = match.index
    if (!/class="[^"]*\bgovuk-table\b/.test(open) || /\bdata-no-scroll\b/.test(open)) continue
    const end = tableEnd(html, start)
    if (end < 0) break
    const alreadyWrapped = /<div class="gt-table-scroll"[^>]*>\s*$/.test(html.slice(at, start))
    const table = html.slice(start, end)
    if (!alreadyWrapped) {
      const label = labelFor(headingBefore(start), table)
      out += `${html.slice(at, start)}<div class="${WRAPPER}" role="region" aria-label="${label}" tabindex="0">${table}</div>`
    } else {
      out += html.slice(at, end)
    }
    at = end
    TABLE_OPEN.lastIndex = end
  }
  return out + html.slice(at)
}
