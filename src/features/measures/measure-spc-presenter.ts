import type { Frequency } from '../../core/periods.ts'
import type { MeasureSpcSettingRow } from '../../db/schema.ts'
import { periodOf, presentPeriod } from './measure-presenter.ts'
import type { SpcBaselineView, SpcChangePointView, SpcSettingsView } from './measure-spc.ts'

function baselineOf(frequency: Frequency, row: MeasureSpcSettingRow): SpcBaselineView {
  return {
    id: row.id,
    from: presentPeriod(periodOf(frequency, row.period_start)),
    to: presentPeriod(periodOf(frequency, row.period_end ?? row.period_start)),
    reason: row.reason,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at.toISOString(),
  }
}

function changePointOf(frequency: Frequency, row: MeasureSpcSettingRow): SpcChangePointView {
  return {
    id: row.id,
    period: presentPeriod(periodOf(frequency, row.period_start)),
    reason: row.reason ?? '',
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at.toISOString(),
  }
}

/** The settings in force: removed ones are left out. */
export function presentSpcSettings(
  frequency: Frequency,
  rows: readonly MeasureSpcSettingRow[],
): SpcSettingsView {
  const live = rows.filter((r) => r.removed_at === null)
  const baseline = live.find((r) => r.kind === 'baseline')
  return {
    baseline: baseline ? baselineOf(frequency, baseline) : null,
    changePoints: live
      .filter((r) => r.kind === 'change_point')
      .map((r) => changePointOf(frequency, r)),
  }
}

/** Every setting ever recorded, removed ones with who removed them and when. */
export function presentSpcHistory(frequency: Frequency, rows: readonly MeasureSpcSettingRow[]) {
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    /** A change point's period, or a baseline's first period. */
    period: presentPeriod(periodOf(frequency, row.period_start)),
    /** A baseline's last period. */
    to: row.period_end === null ? null : presentPeriod(periodOf(frequency, row.period_end)),
    reason: row.reason,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at.toISOString(),
    removedBy: row.removed_by,
    removedAt: row.removed_at?.toISOString() ?? null,
  }))
}
export type SpcHistoryEntry = ReturnType<typeof presentSpcHistory>[number]
