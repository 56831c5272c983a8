import { formatDateTime } from '../../core/format.ts'
import type { GroupRow, SourceRow } from './benchmark-repository.ts'
import { SOURCE_KIND_NAMES } from './benchmark-schemas.ts'

const unit = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`

/** How old a copy is, in words: "3 hours old", "2 days old". */
export function ageText(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000))
  if (minutes < 1) return 'less than a minute old'
  if (minutes < 60) return `${unit(minutes, 'minute')} old`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${unit(hours, 'hour')} old`
  return `${unit(Math.floor(hours / 24), 'day')} old`
}

export function presentSource(row: SourceRow, now: Date) {
  const stale =
    row.fetched_at !== null &&
    row.url !== null &&
    now.getTime() - row.fetched_at.getTime() > row.refresh_hours * 2 * 3_600_000
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    kindText: SOURCE_KIND_NAMES[row.kind],
    url: row.url,
    memberName: row.member_name,
    refreshHours: row.refresh_hours,
    publisher: row.publisher,
    fetchedAt: row.fetched_at?.toISOString() ?? null,
    fetchedAtText: row.fetched_at ? formatDateTime(row.fetched_at) : null,
    ageText: row.fetched_at ? ageText(row.fetched_at, now) : null,
    checkedAt: row.checked_at?.toISOString() ?? null,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at?.toISOString() ?? null,
    lastErrorAtText: row.last_error_at ? formatDateTime(row.last_error_at) : null,
    refreshing: row.refreshing_since !== null,
    indicatorCount: row.indicator_count,
    figureCount: row.figure_count,
    /** In words, for the sources page: what the copy is and whether it is current. */
    statusText:
      row.fetched_at === null
        ? row.last_error
          ? 'Not loaded: the last attempt failed'
          : 'Not loaded yet'
        : row.last_error
          ? `Last attempt failed; showing the copy from ${formatDateTime(row.fetched_at)} (${ageText(row.fetched_at, now)})`
          : stale
            ? `Out of date: the copy is ${ageText(row.fetched_at, now)}`
            : `Current: the copy is ${ageText(row.fetched_at, now)}`,
    version: row.version,
  }
}
export type SourceView = ReturnType<typeof presentSource>

export function presentGroup(row: GroupRow) {
  return {
    id: row.id,
    key: row.id,
    name: row.name,
    description: row.description,
    members: row.members,
    version: row.version,
  }
}
