// The author's edits to generated narrative, and what changed between a published report and
// the same report rebuilt from today's data. Pure functions over the document model.
import { inlineText, type Block, type ReportDocument, type Table } from './report-document.ts'

export type Edits = Readonly<Record<string, string>>

/** The document with each edited paragraph's text replaced by the author's. */
export function applyEdits(doc: ReportDocument, edits: Edits): ReportDocument {
  return {
    ...doc,
    blocks: doc.blocks.map((block) => {
      if (block.type !== 'paragraph' || !block.editableKey) return block
      const text = edits[block.editableKey]
      return text === undefined ? block : { ...block, content: [text] }
    }),
  }
}

/** The editable paragraphs, in order, with the section heading each sits under. */
export function editableParagraphs(doc: ReportDocument) {
  const out: { key: string; section: string; text: string }[] = []
  let section = doc.title
  for (const block of doc.blocks) {
    if (block.type === 'heading') section = block.text
    if (block.type === 'paragraph' && block.editableKey) {
      out.push({ key: block.editableKey, section, text: inlineText([...block.content]) })
    }
  }
  return out
}

export interface CellChange {
  readonly column: string
  readonly before: string
  readonly after: string
}

export type Change =
  | { readonly type: 'row_added'; readonly table: string; readonly row: string }
  | { readonly type: 'row_removed'; readonly table: string; readonly row: string }
  | {
      readonly type: 'row_changed'
      readonly table: string
      readonly row: string
      readonly cells: readonly CellChange[]
    }
  | { readonly type: 'table_added' | 'table_removed'; readonly table: string }
  | {
      readonly type: 'text_changed'
      readonly key: string
      readonly before: string
      readonly after: string
    }

const tablesOf = (blocks: readonly Block[]) =>
  new Map(blocks.filter((b): b is Table => b.type === 'table').map((t) => [t.caption, t] as const))

/** Rows by their first cell, which names the measure, project or risk. */
const rowsOf = (table: Table) =>
  new Map(table.rows.map((row) => [inlineText(row[0] ?? ''), row.map((c) => inlineText(c))]))

/**
 * What differs between the frozen document and today's: rows of each table (matched by
 * caption, then by first cell) added, removed or with changed cells, and generated paragraphs
 * whose text changed where the author did not reword them.
 */
export function compareDocuments(
  frozen: ReportDocument,
  current: ReportDocument,
  edits: Edits = {},
): Change[] {
  const changes: Change[] = []
  const before = tablesOf(frozen.blocks)
  const after = tablesOf(current.blocks)
  for (const [caption, table] of before) {
    const now = after.get(caption)
    if (!now) {
      changes.push({ type: 'table_removed', table: caption })
      continue
    }
    const oldRows = rowsOf(table)
    const newRows = rowsOf(now)
    for (const [key, cells] of oldRows) {
      const next = newRows.get(key)
      if (!next) {
        changes.push({ type: 'row_removed', table: caption, row: key })
        continue
      }
      const cellChanges = cells.flatMap((value, i) =>
        next[i] === value
          ? []
          : [{ column: now.columns[i]?.label ?? '', before: value, after: next[i] ?? '' }],
      )
      if (cellChanges.length > 0) {
        changes.push({ type: 'row_changed', table: caption, row: key, cells: cellChanges })
      }
    }
    for (const key of newRows.keys()) {
      if (!oldRows.has(key)) changes.push({ type: 'row_added', table: caption, row: key })
    }
  }
  for (const caption of after.keys()) {
    if (!before.has(caption)) changes.push({ type: 'table_added', table: caption })
  }
  const oldText = new Map(editableParagraphs(frozen).map((p) => [p.key, p.text]))
  for (const paragraph of editableParagraphs(current)) {
    if (paragraph.key in edits) continue
    const was = oldText.get(paragraph.key)
    if (was !== undefined && was !== paragraph.text) {
      changes.push({
        type: 'text_changed',
        key: paragraph.key,
        before: was,
        after: paragraph.text,
      })
    }
  }
  return changes
}
