// The demo council's SPC settings: a process redesign with its recorded change point, and a
// baseline, so the demo's charts show both.
import type { Kysely } from 'kysely'
import { shiftPeriod, type Period } from '../../core/periods.ts'
import type { DB } from '../../db/schema.ts'
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts'
import { reportingPeriod } from './measure-status.ts'
import { ukDate } from '../../core/dates.ts'
import * as spcRepo from './measure-spc-repository.ts'

interface DemoChange {
  /** The change took effect this many periods before the latest. */
  readonly periodsAgo: number
  /** What it did to the values, in the measure's units. */
  readonly step: number
  /** The reason recorded as a change point; null for a change nobody has recorded. */
  readonly reason: string | null
}

/** Housing Benefit processing redesigned the Redditch way: study, check–plan–do, then roll out. */
const CHANGES: Readonly<Record<string, DemoChange>> = {
  BE01: {
    periodsAgo: 14,
    step: -6,
    reason:
      'System redesign after the check–plan–do trial: new claims are now assessed on the day, ' +
      'by one officer, with the customer',
  },
  // A real deterioration, not noise: the exceptions list shows it.
  HO01: { periodsAgo: 8, step: 28, reason: null },
}

interface DemoBaseline {
  /** The baseline is the measure's first this many periods. */
  readonly periods: number
  readonly reason: string
}

const BASELINES: Readonly<Record<string, DemoBaseline>> = {
  WS02: {
    periods: 12,
    reason:
      'The year before the new collection rounds: later months are judged against how the old ' +
      'rounds performed',
  },
}

function changeStart(change: DemoChange, latest: Period): string {
  return shiftPeriod(latest, 1 - change.periodsAgo).start
}

/** What a demo redesign adds to a measure's value for `period`, `latest` being the newest. */
export function demoStep(code: string, period: Period, latest: Period): number {
  const change = CHANGES[code]
  return change && period.start >= changeStart(change, latest) ? change.step : 0
}

/** Records the demo's change points and baselines, once the values are in. */
export async function addDemoSpcSettings(
  trx: Kysely<DB>,
  organisationId: string,
  recordedBy: string | null,
  clock: () => Date,
): Promise<void> {
  if (recordedBy === null) return
  const codes = [...Object.keys(CHANGES), ...Object.keys(BASELINES)]
  const measures = await trx
    .selectFrom('measures')
    .select(['id', 'code', 'frequency'])
    .where('organisation_id', '=', organisationId)
    .where('code', 'in', codes)
    .execute()
  for (const measure of measures) {
    const starts = (
      await trx
        .selectFrom('measure_values')
        .select('period_start')
        .where('organisation_id', '=', organisationId)
        .where('measure_id', '=', measure.id)
        .where('status', '=', 'approved')
        .orderBy('period_start')
        .execute()
    ).map((v) => v.period_start)
    const change = CHANGES[measure.code]
    const latest = reportingPeriod(measure.frequency, ukDate(clock()))
    const atChange = change ? changeStart(change, latest) : undefined
    if (change?.reason && atChange && starts.includes(atChange)) {
      await spcRepo.insertSetting(trx, organisationId, {
        measure_id: measure.id,
        kind: 'change_point',
        period_start: atChange,
        period_end: null,
        reason: change.reason,
        recorded_by: recordedBy,
        recorded_at: clock(),
      })
      await audit(trx, organisationId, measure.id, `${measure.code}: change recorded`, clock)
    }
    const baseline = BASELINES[measure.code]
    const from = starts[0]
    const to = baseline ? starts[baseline.periods - 1] : undefined
    if (baseline && from && to) {
      await spcRepo.insertSetting(trx, organisationId, {
        measure_id: measure.id,
        kind: 'baseline',
        period_start: from,
        period_end: to,
        reason: baseline.reason,
        recorded_by: recordedBy,
        recorded_at: clock(),
      })
      await audit(trx, organisationId, measure.id, `${measure.code}: SPC baseline set`, clock)
    }
  }
}

function audit(
  trx: Kysely<DB>,
  organisationId: string,
  measureId: string,
  summary: string,
  clock: () => Date,
) {
  return recordAudit(
    trx,
    {
      organisationId,
      actor: SYSTEM_ACTOR,
      action: 'spc_demo_setting',
      itemType: 'measure',
      itemId: measureId,
      summary,
    },
    clock,
  )
}
