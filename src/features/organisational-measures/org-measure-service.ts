import {
  canViewMeasure,
  scopeOf,
  measureRepository as measureRepo,
  writeValues,
  type ValueWrite,
} from '../measures/index.ts'
import { unitTreeOf } from '../organisation/index.ts'
import { actorOf, recordAudit, type AuditActor } from '../audit/index.ts'
import { ukDate } from '../../core/dates.ts'
import type { Kysely } from 'kysely'
import { formatDate, formatNumber } from '../../core/format.ts'
import { financialYearOf } from '../../core/periods.ts'
import type { DB, MeasureRow } from '../../db/schema.ts'
import { Conflict, Forbidden, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { canShapeFramework } from '../framework/index.ts'
import { periodsToCompute, type ComputationRegistry } from './computations.ts'
import * as repo from './org-measure-repository.ts'

/** How far back a recomputation goes: this financial year and the three before it. */
export const HISTORY_YEARS = 3

export const RECOMPUTED_REASON = 'Recomputed: the data it is computed from has changed'

export interface RecomputeResult {
  readonly code: string
  readonly added: number
  readonly restated: number
  readonly removed: number
  /** Provisional figures of a period under way that moved or were made final. */
  readonly updated: number
}

const PROVISIONAL = / to date: provisional until /

/**
 * Works out every computed measure of an organisation (or one of them) for each ended period
 * and stores the figures as approved, calculated values. A figure that differs from the one
 * stored is a restatement: flagged, with the earlier figure kept. One audit record per measure
 * that changed. Run it inside the caller's transaction.
 */
export async function recomputeOrganisation(
  trx: Kysely<DB>,
  organisationId: string,
  computations: ComputationRegistry,
  actor: AuditActor,
  clock: () => Date,
  only?: MeasureRow,
): Promise<RecomputeResult[]> {
  const at = clock()
  const today = ukDate(at)
  const measures = only ? [only] : await repo.computedMeasures(trx, organisationId)
  const results: RecomputeResult[] = []
  for (const measure of measures) {
    const computation = computations.get(measure.computation ?? '')
    if (!computation) continue
    const periods = periodsToCompute(computation, financialYearOf(today) - HISTORY_YEARS, today)
    const figures = await computation.compute({ db: trx, organisationId, today, periods })
    const stored = new Map(
      (await measureRepo.listValues(trx, organisationId, [measure.id])).map((v) => [
        v.period_start,
        v,
      ]),
    )
    let added = 0
    let restated = 0
    let removed = 0
    let updated = 0
    const writes: ValueWrite[] = []
    for (const period of periods) {
      const figure = figures.get(period.start)
      const existing = stored.get(period.start)
      // The period under way (a to-date computation's last) has a provisional figure.
      const open = period.end >= today
      const commentary =
        figure && figure.value !== null
          ? (figure.counts ??
              `${formatNumber(figure.numerator)} of ${formatNumber(figure.denominator)}`) +
            (open
              ? ` to date: provisional until the period ends on ${formatDate(period.end)} (computed ${formatDate(today)})`
              : ` (computed ${formatDate(today)})`)
          : null
      if (!figure || figure.value === null) {
        if (existing) {
          writes.push({ op: 'delete', before: existing })
          removed++
        }
        continue
      }
      if (!existing) {
        writes.push({
          op: 'insert',
          row: {
            period_start: period.start,
            value: figure.value,
            numerator: figure.numerator,
            denominator: figure.denominator,
            commentary,
            status: 'approved',
            calculated: true,
            target: null,
            rag: null,
            year_to_date: null,
            approved_at: at,
          },
        })
        added++
      } else if (
        existing.value !== figure.value ||
        existing.numerator !== figure.numerator ||
        existing.denominator !== figure.denominator ||
        // A provisional figure made final when its period has ended, even if it has not moved.
        (!open && PROVISIONAL.test(existing.commentary ?? ''))
      ) {
        // A figure computed while its period was under way was provisional: moving it, or
        // making it final, is not a restatement.
        const provisional =
          existing.approved_at !== null && ukDate(existing.approved_at) <= period.end
        if (provisional) {
          writes.push({
            op: 'update',
            before: existing,
            changes: {
              value: figure.value,
              numerator: figure.numerator,
              denominator: figure.denominator,
              commentary,
              status: 'approved',
              approved_at: at,
              updated_at: at,
            },
          })
          updated++
          continue
        }
        writes.push({
          op: 'update',
          before: existing,
          changes: {
            value: figure.value,
            numerator: figure.numerator,
            denominator: figure.denominator,
            commentary,
            status: 'approved',
            approved_at: at,
            restated: true,
            restatement_reason: RECOMPUTED_REASON,
            restated_from: existing.value,
            updated_at: at,
          },
        })
        restated++
      }
    }
    if (added + restated + removed + updated > 0) {
      // One ledger write per measure: derived once, whatever the number of periods.
      await writeValues(trx, organisationId, [{ measure, writes }], at)
      await recordAudit(
        trx,
        {
          organisationId,
          actor,
          action: 'measure_values_computed',
          itemType: 'measure',
          itemId: measure.id,
          summary:
            `${measure.code} computed for ${periods.length} periods: ${added} added, ` +
            `${restated} restated, ${removed} removed` +
            (updated > 0 ? `, ${updated} provisional updated` : ''),
          after: { added, restated, removed, updated, computation: computation.key },
        },
        clock,
      )
    }
    results.push({ code: measure.code, added, restated, removed, updated })
  }
  return results
}

/** Creates the measure of a computation and computes its history. */
export async function setUpComputedMeasure(
  trx: Kysely<DB>,
  organisationId: string,
  computations: ComputationRegistry,
  key: string,
  actor: AuditActor,
  clock: () => Date,
): Promise<MeasureRow> {
  const computation = computations.get(key)
  if (!computation) throw new NotFound('No such organisational measure')
  const existing = (await repo.computedMeasures(trx, organisationId)).find(
    (m) => m.computation === key,
  )
  if (existing) throw new Conflict(`${computation.title} is already set up as ${existing.code}`)
  let code = computation.code
  for (let n = 2; (await measureRepo.findMeasuresByCode(trx, organisationId, [code])).length; n++) {
    code = `${computation.code}-${n}`
  }
  const row = await measureRepo.insertMeasure(trx, organisationId, {
    code,
    title: computation.title,
    definition: computation.definition,
    rationale: 'An organisational measure of how well the council manages its performance.',
    unit: computation.unit ?? 'percent',
    decimals: computation.unit === 'currency' ? 0 : 1,
    polarity: 'higher_is_better',
    frequency: computation.frequency,
    kind: 'strategic',
    cumulative: false,
    data_source: computation.dataSource,
    collection_method: 'Computed by Golden Thread; recomputed on demand and by the CLI',
    public: false,
    quality: JSON.stringify({}),
    status: 'active',
    forecast_method: 'last_value',
    allow_out_of_range: false,
    computation: key,
  })
  await recordAudit(
    trx,
    {
      organisationId,
      actor,
      action: 'measure_created',
      itemType: 'measure',
      itemId: row.id,
      summary: `Organisational measure ${code} set up: ${computation.title}`,
      after: { code, computation: key },
    },
    clock,
  )
  await recomputeOrganisation(trx, organisationId, computations, actor, clock, row)
  return (await measureRepo.findMeasure(trx, organisationId, row.id)) ?? row
}

export type OrgMeasureService = ReturnType<typeof createOrgMeasureService>

export function createOrgMeasureService({
  db,
  clock,
  computations,
}: {
  db: Kysely<DB>
  clock: () => Date
  computations: ComputationRegistry
}) {
  function requireManager(principal: Principal) {
    if (!canShapeFramework(principal)) throw new Forbidden()
  }

  return {
    computations,

    /** Every registered computation, with its measure once set up. */
    async list(principal: Principal) {
      if (principal.roles.length === 0) throw new Forbidden()
      const [measures, tree] = await Promise.all([
        repo.computedMeasures(db, principal.organisationId),
        unitTreeOf(db, principal.organisationId),
      ])
      // A partner sees the computations but links only to the measures they may read.
      const visible = measures.filter((row) => canViewMeasure(principal, scopeOf(row), tree))
      return computations.list().map((c) => {
        const m = visible.find((row) => row.computation === c.key)
        const setUp = measures.some((row) => row.computation === c.key)
        return {
          key: c.key,
          title: c.title,
          definition: c.definition,
          setUp,
          measure: m ? { id: m.id, code: m.code, latestPeriodStart: m.latest_period_start } : null,
        }
      })
    },

    canManage: (principal: Principal) => canShapeFramework(principal),

    async setUp(principal: Principal, key: string) {
      requireManager(principal)
      return db
        .transaction()
        .execute((trx) =>
          setUpComputedMeasure(
            trx,
            principal.organisationId,
            computations,
            key,
            actorOf(principal),
            clock,
          ),
        )
    },

    async recompute(principal: Principal) {
      requireManager(principal)
      return db
        .transaction()
        .execute((trx) =>
          recomputeOrganisation(
            trx,
            principal.organisationId,
            computations,
            actorOf(principal),
            clock,
          ),
        )
    },
  }
}
