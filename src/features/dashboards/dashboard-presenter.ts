import { LIST_NAMES, type ListKind } from './dashboard-schemas.ts'
import type { DashboardRow, TileRow } from './dashboard-repository.ts'

export function presentTile(row: TileRow) {
  return {
    id: row.id,
    position: row.position,
    kind: row.item_kind,
    itemId: row.item_id,
    list: row.list_kind,
    listName: row.list_kind
      ? ((LIST_NAMES[row.list_kind as ListKind] as string | undefined) ?? row.list_kind)
      : null,
    section: row.section,
  }
}
export type TileView = ReturnType<typeof presentTile>

export function presentDashboard(row: DashboardRow, tiles: readonly TileRow[], canEdit: boolean) {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    description: row.description,
    ownerId: row.owner_id,
    sharedUnitId: row.shared_unit_id,
    version: row.version,
    canEdit,
    tiles: tiles.map(presentTile),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
export type DashboardView = ReturnType<typeof presentDashboard>

/**
 * One line instead of a box for each item the reader cannot see: partner people see only what
 * is theirs or shared with them, and an item may have been removed since it was put here.
 */
export function hiddenTilesText(count: number, asAt: boolean): string | null {
  if (count === 0) return null
  const when = asAt ? ' as at that period' : ''
  return count === 1
    ? `1 item on this dashboard is hidden because you cannot see it${when} or it no longer exists.`
    : `${count} items on this dashboard are hidden because you cannot see them${when} or they no longer exist.`
}

const SPARK_WIDTH = 120
const SPARK_HEIGHT = 32

/** A small trend line; the tile prints the same figures as text beside it. */
export function sparkline(points: readonly { value: number }[]): string {
  if (points.length < 2) return ''
  const values = points.map((p) => p.value)
  const min = Math.min(...values)
  const max = Math.max(...values)
  const span = max - min || 1
  const step = SPARK_WIDTH / (points.length - 1)
  const coords = values
    .map(
      (v, i) =>
        `${(i * step).toFixed(1)},${(SPARK_HEIGHT - 3 - ((v - min) / span) * (SPARK_HEIGHT - 6)).toFixed(1)}`,
    )
    .join(' ')
  const [lastX, lastY] = coords.split(' ').at(-1)?.split(',') ?? ['0', '0']
  return (
    `<svg class="gt-tile__spark" aria-hidden="true" focusable="false" width="${SPARK_WIDTH}" height="${SPARK_HEIGHT}" viewBox="-2 0 ${SPARK_WIDTH + 4} ${SPARK_HEIGHT}">` +
    `<polyline points="${coords}" fill="none" stroke="#0b0c0c" stroke-width="2" stroke-linejoin="round"/>` +
    `<circle cx="${lastX}" cy="${lastY}" r="3" fill="#0b0c0c"/></svg>`
  )
}
