import type { Kysely } from 'kysely'
import type { Period, PeriodInput } from '../../core/periods.ts'
import { TRIAL_LIMITS_BELOW } from '../../core/spc.ts'
import { variationSentence } from '../../core/spc-sentence.ts'
import type { DB, MeasureRow, MeasureSpcSettingRow } from '../../db/schema.ts'
import { Forbidden, Invalid, NotFound, type FieldError } from '../../errors.ts'
import { recordAudit, actorOf } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import {
  canDefineMeasure,
  periodOf,
  presentPeriod,
  measureRepository as measureRepo,
  readPeriod,
  type MeasureService,
  spcOf,
  spcSettingsChanged,
  presentSpcHistory,
  presentSpcSettings,
  measureSpcRepository as spcRepo,
} from '../measures/index.ts'
import type { UnitTree } from '../../core/unit-tree.ts'
import type { BaselineInput, ChangePointInput } from './spc-schemas.ts'

/**
 * Fewest approved values a baseline may fix limits from. Limits from fewer are trial limits
 * (NHSRplotthedots warns below 12), and a baseline stops them being revised as data arrives.
 */
export const MIN_BASELINE_POINTS = TRIAL_LIMITS_BELOW

export interface SpcDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly measures: MeasureService
}

export type SpcService = ReturnType<typeof createSpcService>

export function createSpcService({ db, clock, measures }: SpcDeps) {
  /** The starts of a measure's approved values (the chart's points) and its settings. */
  async function chart(executor: Kysely<DB>, organisationId: string, id: string) {
    const values = await measureRepo.listValues(executor, organisationId, [id])
    const starts = values
      .filter((v) => v.status === 'approved' && v.value !== null)
      .map((v) => v.period_start)
    const rows = await spcRepo.listSettings(executor, organisationId, [id], {
      includeRemoved: true,
    })
    return { starts, rows, live: rows.filter((r) => r.removed_at === null) }
  }
  type Chart = Awaited<ReturnType<typeof chart>>

  async function load(principal: Principal, id: string) {
    const { row, tree } = await measures.requireMeasure(principal, id)
    return { row, tree, ...(await chart(db, principal.organisationId, id)) }
  }

  function requireManage(principal: Principal, row: MeasureRow, tree: UnitTree): void {
    if (!canDefineMeasure(principal, row.unit_id, tree)) {
      throw new Forbidden(
        'Only people who may change this measure’s definition can record baselines and changes',
      )
    }
  }

  /** A period of the measure's own frequency that has an approved value (a point on the chart). */
  function chartPeriod(
    row: MeasureRow,
    starts: readonly string[],
    input: PeriodInput,
    field: string,
    problems: FieldError[],
  ): Period | null {
    let period: Period
    try {
      period = readPeriod(input, field, [row.frequency], row.frequency)
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      problems.push(...error.fields)
      return null
    }
    if (!starts.includes(period.start)) {
      problems.push({
        field,
        message: `${period.label} has no approved value of ${row.code}: choose a period shown on the chart`,
      })
      return null
    }
    return period
  }

  function label(row: MeasureRow, start: string): string {
    return periodOf(row.frequency, start).label
  }

  interface AuditEntry {
    action: string
    summary: string
    before?: unknown
    after?: unknown
  }

  /**
   * Everything written commits with its audit record and the measure's stored variation. The
   * measure is locked and its chart read again under the lock, and `change` checks and writes
   * against that: of two people changing the settings at once, the second waits and is judged
   * against what the first wrote, as if they had sent it later.
   */
  async function write(
    principal: Principal,
    row: MeasureRow,
    change: (trx: Kysely<DB>, current: Chart) => Promise<AuditEntry>,
  ): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await spcRepo.lockMeasure(trx, principal.organisationId, row.id)
      const entry = await change(trx, await chart(trx, principal.organisationId, row.id))
      await spcSettingsChanged(trx, principal.organisationId, row, clock())
      await recordAudit(
        trx,
        {
          organisationId: principal.organisationId,
          actor: actorOf(principal),
          itemType: 'measure',
          itemId: row.id,
          ...entry,
        },
        clock,
      )
    })
  }

  function settingSnapshot(row: MeasureRow, setting: MeasureSpcSettingRow) {
    return setting.kind === 'baseline'
      ? {
          baseline: {
            from: label(row, setting.period_start),
            to: label(row, setting.period_end ?? setting.period_start),
            reason: setting.reason,
          },
        }
      : { changePoint: { period: label(row, setting.period_start), reason: setting.reason } }
  }

  /** Removes the setting in force that `find` picks, or says there is none. */
  async function remove(
    principal: Principal,
    row: MeasureRow,
    find: (live: readonly MeasureSpcSettingRow[]) => MeasureSpcSettingRow | undefined,
    missing: string,
  ) {
    await write(principal, row, async (trx, { live }) => {
      const setting = find(live)
      if (!setting) throw new NotFound(missing)
      await spcRepo.removeSetting(
        trx,
        principal.organisationId,
        setting.id,
        principal.personId,
        clock(),
      )
      const what =
        setting.kind === 'baseline'
          ? `the SPC baseline ${label(row, setting.period_start)} to ${label(row, setting.period_end ?? setting.period_start)}`
          : `the change recorded from ${label(row, setting.period_start)}`
      return {
        action: setting.kind === 'baseline' ? 'spc_baseline_removed' : 'spc_change_removed',
        summary: `${row.code}: removed ${what}`,
        before: settingSnapshot(row, setting),
      }
    })
  }

  return {
    /** A measure's baseline and change points in force, their history and the chart's periods. */
    async settings(principal: Principal, id: string) {
      const { row, tree, starts, rows } = await load(principal, id)
      const names = await measureRepo.peopleNames(
        db,
        principal.organisationId,
        rows.flatMap((r) => [r.recorded_by, r.removed_by]).filter((p) => p !== null),
      )
      return {
        measure: { id: row.id, code: row.code, title: row.title, frequency: row.frequency },
        ...presentSpcSettings(row.frequency, rows),
        history: presentSpcHistory(row.frequency, rows),
        removed: presentSpcHistory(
          row.frequency,
          rows.filter((r) => r.removed_at !== null),
        ),
        periods: starts.map((s) => presentPeriod(periodOf(row.frequency, s))),
        personNames: Object.fromEntries(names),
        canManage: canDefineMeasure(principal, row.unit_id, tree),
      }
    },

    /** Fixes the limits from a range of periods, replacing any baseline set before. */
    async setBaseline(principal: Principal, id: string, input: BaselineInput) {
      const { row, tree } = await measures.requireMeasure(principal, id)
      requireManage(principal, row, tree)
      let stored: MeasureSpcSettingRow | undefined
      await write(principal, row, async (trx, { starts, live }) => {
        const problems: FieldError[] = []
        const from = chartPeriod(row, starts, input.from, 'from', problems)
        const to = chartPeriod(row, starts, input.to, 'to', problems)
        if (problems.length > 0 || !from || !to) throw new Invalid(problems)
        if (to.start < from.start) {
          throw Invalid.field('to', `The baseline must end in or after ${from.label}`)
        }
        const count = starts.filter((s) => s >= from.start && s <= to.start).length
        if (count < MIN_BASELINE_POINTS) {
          throw Invalid.field(
            'to',
            `A baseline needs at least ${MIN_BASELINE_POINTS} approved values, so that its limits ` +
              `are not trial limits; ${from.label} to ${to.label} has ${count}`,
          )
        }
        const crossed = live.find(
          (s) =>
            s.kind === 'change_point' && s.period_start > from.start && s.period_start <= to.start,
        )
        if (crossed) {
          const at = label(row, crossed.period_start)
          throw Invalid.field(
            'to',
            `The baseline crosses the change recorded from ${at}: end it before ${at}, or remove that change first`,
          )
        }
        const previous = live.find((s) => s.kind === 'baseline')
        const reason = input.reason ?? null
        if (previous) {
          await spcRepo.removeSetting(
            trx,
            principal.organisationId,
            previous.id,
            principal.personId,
            clock(),
          )
        }
        stored = await spcRepo.insertSetting(trx, principal.organisationId, {
          measure_id: row.id,
          kind: 'baseline',
          period_start: from.start,
          period_end: to.start,
          reason,
          recorded_by: principal.personId,
          recorded_at: clock(),
        })
        return {
          action: 'spc_baseline_set',
          summary: `${row.code}: SPC limits fixed from the baseline ${from.label} to ${to.label}`,
          ...(previous && { before: settingSnapshot(row, previous) }),
          after: { baseline: { from: from.label, to: to.label, reason } },
        }
      })
      // What this request stored, even if someone else's baseline has replaced it since.
      const baseline = presentSpcSettings(row.frequency, stored ? [stored] : []).baseline
      if (!baseline) throw new Error('the baseline was not stored')
      return baseline
    },

    async removeBaseline(principal: Principal, id: string) {
      const { row, tree } = await measures.requireMeasure(principal, id)
      requireManage(principal, row, tree)
      await remove(
        principal,
        row,
        (live) => live.find((s) => s.kind === 'baseline'),
        `${row.code} has no SPC baseline`,
      )
    },

    /** Records that the process changed from a period: limits are worked out again from it. */
    async addChangePoint(principal: Principal, id: string, input: ChangePointInput) {
      const { row, tree } = await measures.requireMeasure(principal, id)
      requireManage(principal, row, tree)
      let stored: MeasureSpcSettingRow | undefined
      await write(principal, row, async (trx, { starts, live }) => {
        const problems: FieldError[] = []
        const period = chartPeriod(row, starts, input.period, 'period', problems)
        if (problems.length > 0 || !period) throw new Invalid(problems)
        if (period.start === starts[0]) {
          throw Invalid.field(
            'period',
            `${period.label} is the first value on the chart: a change must come after at least one value of the old process`,
          )
        }
        if (live.some((s) => s.kind === 'change_point' && s.period_start === period.start)) {
          throw Invalid.field('period', `A change is already recorded from ${period.label}`)
        }
        const baseline = live.find((s) => s.kind === 'baseline')
        if (
          baseline?.period_end &&
          period.start > baseline.period_start &&
          period.start <= baseline.period_end
        ) {
          throw Invalid.field(
            'period',
            `${period.label} falls inside the baseline (${label(row, baseline.period_start)} to ` +
              `${label(row, baseline.period_end)}): shorten or remove the baseline first`,
          )
        }
        stored = await spcRepo.insertSetting(trx, principal.organisationId, {
          measure_id: row.id,
          kind: 'change_point',
          period_start: period.start,
          period_end: null,
          reason: input.reason,
          recorded_by: principal.personId,
          recorded_at: clock(),
        })
        return {
          action: 'spc_change_recorded',
          summary: `${row.code}: change recorded from ${period.label}, "${input.reason}"`,
          after: { changePoint: { period: period.label, reason: input.reason } },
        }
      })
      const view = presentSpcSettings(row.frequency, stored ? [stored] : []).changePoints[0]
      if (!view) throw new Error('the change point was not stored')
      return view
    },

    /** Removes a baseline or change point; it stays in the history, marked removed. */
    async removeSetting(
      principal: Principal,
      id: string,
      settingId: string,
      kind?: 'baseline' | 'change_point',
    ) {
      const { row, tree, live } = await load(principal, id)
      const matches = (s: MeasureSpcSettingRow) => s.id === settingId && (!kind || s.kind === kind)
      if (!live.some(matches)) {
        throw new NotFound('There is no such baseline or change on this measure')
      }
      requireManage(principal, row, tree)
      await remove(
        principal,
        row,
        (current) => current.find(matches),
        'That setting has already been removed',
      )
    },
    /** One setting in force, for the removal page. */
    async setting(principal: Principal, id: string, settingId: string) {
      const { row, tree, live } = await load(principal, id)
      const setting = live.find((s) => s.id === settingId)
      if (!setting) throw new NotFound('There is no such baseline or change on this measure')
      requireManage(principal, row, tree)
      return {
        measure: { id: row.id, code: row.code, title: row.title },
        kind: setting.kind,
        period: label(row, setting.period_start),
        to: setting.period_end === null ? null : label(row, setting.period_end),
        reason: setting.reason,
      }
    },

    /**
     * Measures whose latest point is special cause, concerning, with the sentence that says why:
     * 50 a page, only those the person may read.
     */
    async exceptions(principal: Principal, query: { unitId?: string | undefined; page: number }) {
      const result = await measures.list(principal, {
        page: query.page,
        pageSize: 50,
        measureStatus: 'active',
        variation: 'special_cause_concern',
        ...(query.unitId && { unitId: query.unitId }),
      })
      const org = principal.organisationId
      const ids = result.items.map((m) => m.id)
      const rows = await measureRepo.findMeasuresById(db, org, ids)
      const values = Map.groupBy(await measureRepo.listValues(db, org, ids), (v) => v.measure_id)
      const settings = Map.groupBy(await spcRepo.listSettings(db, org, ids), (s) => s.measure_id)
      const sentences = new Map(
        rows.map((row) => {
          const approved = (values.get(row.id) ?? []).flatMap((v) =>
            v.status === 'approved' && v.value !== null
              ? [{ start: v.period_start, value: v.value, target: v.target }]
              : [],
          )
          const spc = spcOf(
            row,
            approved,
            presentSpcSettings(row.frequency, settings.get(row.id) ?? []),
          )
          const sentence = variationSentence({
            unit: row.unit,
            decimals: row.decimals,
            result: spc.result,
            labels: approved.map((p) => label(row, p.start)),
            frequency: row.frequency,
            target: spc.target,
          })
          return [row.id, sentence]
        }),
      )
      return {
        ...result,
        items: result.items.map((m) => ({ ...m, sentence: sentences.get(m.id) ?? '' })),
      }
    },
  }
}
