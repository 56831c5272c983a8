// Which monthly updates a report shows for an item: its own latest approved update, or, when it
// has none, those of the items beneath it, each saying where it came from. One rule, used by the
// highlight report and by the Cabinet, scrutiny and executive reports alike.
import type { Confidence } from '../../core/project-status.ts'
import type { ProjectLevel } from '../../db/schema.ts'
import { CONFIDENCE_NAMES, LEVEL_NAMES } from '../projects/index.ts'
import type { UpdateRow } from './update-repository.ts'
import { presentUpdate, type UpdateView } from './update-presenter.ts'

export interface RollupItem {
  readonly id: string
  readonly level: ProjectLevel
  readonly title: string
  readonly code: string | null
}

export interface RollupTree {
  item(id: string): RollupItem | undefined
  /** The items directly beneath, in order, that the reader may see. */
  children(id: string): readonly RollupItem[]
}

export interface ReportedUpdate {
  /** The item the update was written on. */
  readonly item: RollupItem
  /** True when written on the item reported; false when rolled up from beneath it. */
  readonly own: boolean
  /** Where it came from, in words: "Project update" or "From action “Caddies”". */
  readonly source: string
  readonly update: UpdateView
}

/** Each item's latest approved update for a month up to `month` (YYYY-MM-01). */
export function latestApproved(rows: readonly UpdateRow[], month: string) {
  const latest = new Map<string, UpdateRow>()
  for (const row of rows) {
    if (row.status !== 'approved' || row.month > month) continue
    const seen = latest.get(row.project_id)
    if (!seen || seen.month < row.month) latest.set(row.project_id, row)
  }
  return new Map([...latest].map(([id, row]) => [id, presentUpdate(row)]))
}

const named = (item: RollupItem) => `${item.code ? `${item.code} ` : ''}${item.title}`

/**
 * The item's own update, else the updates rolled up from beneath it (depth first, in order).
 * `skip` names items beneath that the report lists on rows of their own, so nothing is told twice.
 */
export function reportedUpdates(
  id: string,
  latest: ReadonlyMap<string, UpdateView>,
  tree: RollupTree,
  skip: (id: string) => boolean = () => false,
): ReportedUpdate[] {
  const item = tree.item(id)
  if (!item) return []
  const own = latest.get(id)
  if (own) return [{ item, own: true, source: `${LEVEL_NAMES[item.level]} update`, update: own }]
  const beneath = (childId: string): ReportedUpdate[] => {
    const child = tree.item(childId)
    if (!child || skip(childId)) return []
    const update = latest.get(childId)
    if (update) {
      return [
        {
          item: child,
          own: false,
          source: `From ${LEVEL_NAMES[child.level].toLowerCase()} “${named(child)}”`,
          update,
        },
      ]
    }
    return tree.children(childId).flatMap((c) => beneath(c.id))
  }
  return tree.children(id).flatMap((c) => beneath(c.id))
}

const RANK: Readonly<Record<Confidence, number>> = { low: 0, medium: 1, high: 2 }

/** The confidence to show: the item's own, or the lowest of those rolled up, saying so. */
export function reportedConfidence(reported: readonly ReportedUpdate[]): string {
  const first = reported[0]
  if (!first) return '—'
  if (first.own || reported.length === 1) return first.update.confidenceText
  const lowest = reported
    .map((r) => r.update.confidence)
    .reduce((a, b) => (RANK[b] < RANK[a] ? b : a))
  return `${CONFIDENCE_NAMES[lowest]} (lowest of ${String(reported.length)} beneath)`
}

/** One line per update: "Project update, November 2026: …". */
export function reportedText(reported: readonly ReportedUpdate[]): string {
  if (reported.length === 0) return 'No approved update.'
  return reported
    .map((r) => `${r.source}, ${r.update.monthLabel}: ${r.update.highlights}`)
    .join('\n')
}
