// The yearly appraisal cycles the performance team runs: their windows, who is in them, the
// cycle in figures and the export for HR systems.
import { RATING_NAMES, windowProblem, type Stage } from '../../core/appraisal-stages.ts'
import { financialYearOf, formatFinancialYear } from '../../core/periods.ts'
import { csvText } from '../../core/csv.ts'
import { suppressDistribution } from '../../core/small-numbers.ts'
import { Forbidden, Invalid } from '../../errors.ts'
import { recordAudit, actorOf } from '../audit/index.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import { ukDate } from '../../core/dates.ts'
import * as policy from './appraisal-policy.ts'
import { presentCycle, stageStates } from './appraisal-presenter.ts'
import * as repo from './appraisal-repository.ts'
import type { CycleInput } from './appraisal-schemas.ts'
import type { AppraisalCore } from './appraisal-core.ts'

/** The columns of the export for HR systems. */
export const EXPORT_COLUMNS = [
  'person',
  'jobTitle',
  'unit',
  'lineManager',
  'year',
  'objectiveSetting',
  'objectivesAgreedOn',
  'objectives',
  'objectiveTitles',
  'midYear',
  'midYearSelfRating',
  'midYearManagerRating',
  'yearEnd',
  'yearEndSelfRating',
  'yearEndManagerRating',
  'signedOffOn',
] as const

/** Opening and reading cycles; part of the appraisal service (appraisal-service.ts). */
export function cycleOperations(core: AppraisalCore) {
  const { db, clock, organisation, today, context, recompute, requireCycle, objectiveViews } = core
  return {
    /** Cycles are no secret: every member of staff may see the windows. */
    async listCycles(principal: Principal) {
      if (principal.roles.length === 0) throw new Forbidden()
      return (await repo.listCycles(db, principal.organisationId)).map((c) =>
        presentCycle(c, today()),
      )
    },

    canRunCycles: policy.canRunCycles,
    canReadCycleFigures: policy.canReadCycleFigures,
    canExportAppraisals: policy.canExportAppraisals,

    /**
     * The windows a new cycle is offered with: this financial year, objectives in
     * April and May, mid-year in October and November, year end in the April and May after.
     */
    suggestedCycle(): Record<string, string> {
      const year = financialYearOf(today())
      return {
        year: String(year),
        objectivesOpens: `${year}-04-01`,
        objectivesCloses: `${year}-05-31`,
        midYearOpens: `${year}-10-01`,
        midYearCloses: `${year}-11-30`,
        yearEndOpens: `${year + 1}-04-01`,
        yearEndCloses: `${year + 1}-05-31`,
      }
    },

    async getCycle(principal: Principal, id: string) {
      if (principal.roles.length === 0) throw new Forbidden()
      return presentCycle(await requireCycle(principal.organisationId, id), today())
    },

    /**
     * Opens a year's cycle with its windows and an appraisal for every member of staff; those
     * who join later are brought in with addJoiners.
     */
    async openCycle(principal: Principal, input: CycleInput) {
      if (!policy.canRunCycles(principal)) {
        throw new Forbidden('Only the performance team or HR can open an appraisal cycle')
      }
      const windows = {
        objectives: { opens: input.objectivesOpens, closes: input.objectivesCloses },
        mid_year: { opens: input.midYearOpens, closes: input.midYearCloses },
        year_end: { opens: input.yearEndOpens, closes: input.yearEndCloses },
      }
      const problem = windowProblem(windows)
      if (problem) {
        const field = {
          objectives: 'objectivesCloses',
          mid_year: 'midYearOpens',
          year_end: 'yearEndOpens',
        }
        throw Invalid.field(field[problem.stage], problem.message)
      }
      const existing = await repo.listCycles(db, principal.organisationId)
      if (existing.some((c) => c.year === input.year)) {
        throw Invalid.field(
          'year',
          `There is already a cycle for ${formatFinancialYear(input.year)}`,
        )
      }
      const staff = await repo.staff(db, principal.organisationId)
      return db.transaction().execute(async (trx) => {
        const cycle = await repo.insertCycle(trx, {
          organisation_id: principal.organisationId,
          year: input.year,
          objectives_opens: input.objectivesOpens,
          objectives_closes: input.objectivesCloses,
          mid_year_opens: input.midYearOpens,
          mid_year_closes: input.midYearCloses,
          year_end_opens: input.yearEndOpens,
          year_end_closes: input.yearEndCloses,
          opened_by: recordedPersonId(principal),
          created_at: clock(),
          updated_at: clock(),
        })
        await repo.insertAppraisals(
          trx,
          staff.map((p) => ({
            organisation_id: principal.organisationId,
            cycle_id: cycle.id,
            person_id: p.id,
            created_at: clock(),
            updated_at: clock(),
          })),
        )
        const view = presentCycle(cycle, today())
        await recordAudit(
          trx,
          {
            organisationId: principal.organisationId,
            actor: actorOf(principal),
            action: 'appraisal_cycle_opened',
            itemType: 'appraisal_cycle',
            itemId: cycle.id,
            summary: `Appraisal cycle ${view.label} opened for ${staff.length} members of staff`,
            after: { ...view, staff: staff.length },
          },
          clock,
        )
        await recompute(trx, principal.organisationId, actorOf(principal))
        return view
      })
    },

    /** Brings into the cycle the staff who joined since it opened. */
    async addJoiners(principal: Principal, cycleId: string): Promise<number> {
      if (!policy.canRunCycles(principal)) throw new Forbidden()
      const cycle = await requireCycle(principal.organisationId, cycleId)
      const have = new Set(
        (await repo.listAppraisals(db, principal.organisationId, { cycleIds: [cycle.id] })).map(
          (a) => a.person_id,
        ),
      )
      const joiners = (await repo.staff(db, principal.organisationId)).filter(
        (p) => !have.has(p.id),
      )
      if (joiners.length === 0) return 0
      return db.transaction().execute(async (trx) => {
        await repo.insertAppraisals(
          trx,
          joiners.map((p) => ({
            organisation_id: principal.organisationId,
            cycle_id: cycle.id,
            person_id: p.id,
            created_at: clock(),
            updated_at: clock(),
          })),
        )
        await recordAudit(
          trx,
          {
            organisationId: principal.organisationId,
            actor: actorOf(principal),
            action: 'appraisal_cycle_joiners_added',
            itemType: 'appraisal_cycle',
            itemId: cycle.id,
            summary: `${joiners.length} members of staff brought into the ${formatFinancialYear(cycle.year)} cycle: ${joiners.map((p) => p.name).join(', ')}`,
          },
          clock,
        )
        await recompute(trx, principal.organisationId, actorOf(principal))
        return joiners.length
      })
    },

    /**
     * The cycle in figures for the performance team: by unit (each directorate and what is
     * beneath it), and the year-end ratings only in aggregate, small numbers withheld.
     */
    async cycleSummary(principal: Principal, cycleId: string) {
      if (!policy.canReadCycleFigures(principal)) {
        throw new Forbidden('Only the council’s own staff and members can see the cycle’s figures')
      }
      const cycle = await requireCycle(principal.organisationId, cycleId)
      const day = today()
      const [{ units }, groups, below] = await Promise.all([
        organisation.unitTree(principal.organisationId),
        repo.cycleCounts(db, principal.organisationId, cycle.id, day),
        repo.suppressBelow(db, principal.organisationId),
      ])
      const share = (n: number, d: number) => ({
        numerator: n,
        denominator: d,
        value: d === 0 ? null : Math.round((n / d) * 1000) / 10,
      })
      const figures = (list: readonly repo.CycleCounts[]) => {
        const sum = (f: (g: repo.CycleCounts) => number) => list.reduce((n, g) => n + f(g), 0)
        const onTime = (stage: Stage) =>
          share(
            sum((g) => g.onTime[stage]),
            sum((g) => g.due[stage]),
          )
        return {
          staff: sum((g) => g.staff),
          objectivesLinked: share(
            sum((g) => g.linked),
            sum((g) => g.staff),
          ),
          objectivesOnTime: onTime('objectives'),
          midYearOnTime: onTime('mid_year'),
          yearEndOnTime: onTime('year_end'),
        }
      }
      const byUnit = units
        .filter((u) => u.parentId === null)
        .map((u) => ({
          unitId: u.id,
          unitName: u.name,
          ...figures(groups.filter((g) => g.topUnitId === u.id)),
        }))
        .filter((u) => u.staff > 0)
      const counts = [1, 2, 3, 4].map((r) => ({
        rating: r,
        name: RATING_NAMES[r] ?? String(r),
        count: groups.reduce((n, g) => n + (g.ratings[r - 1] ?? 0), 0),
      }))
      const shown = suppressDistribution(
        counts.map((c) => c.count),
        below,
      )
      return {
        cycle: presentCycle(cycle, day),
        overall: figures(groups),
        byUnit,
        ratings: {
          suppressBelow: below,
          total: shown.total,
          items: counts.map((c, i) => {
            const count = shown.counts[i] ?? null
            return {
              ...c,
              count,
              share:
                count === null || !shown.total
                  ? null
                  : Math.round((count / shown.total) * 1000) / 10,
            }
          }),
        },
      }
    },

    /**
     * The cycle person by person, for HR systems: stages, ratings and objectives. Only for a
     * performance officer over the whole organisation, who may read every appraisal; audited.
     */
    async exportCycle(principal: Principal, cycleId: string) {
      const cycle = await requireCycle(principal.organisationId, cycleId)
      if (!policy.canExportAppraisals(principal)) {
        throw new Forbidden(
          'Only the performance team over the whole organisation can export appraisals',
        )
      }
      const ctx = await context(principal.organisationId)
      const { units } = await organisation.unitTree(principal.organisationId)
      const unitName = new Map(units.map((u) => [u.id, u.name]))
      const rows = await repo.listAppraisals(db, principal.organisationId, { cycleIds: [cycle.id] })
      const objectives = await objectiveViews(
        principal.organisationId,
        rows.map((a) => a.id),
      )
      const day = today()
      const at = (d: Date | null) => (d ? ukDate(d) : null)
      const records = rows
        .map((a) => {
          const person = ctx.byId.get(a.person_id)
          const managerId = person?.line_manager_id
          const states = stageStates(a, cycle, day)
          const own = objectives.filter((o) => o.appraisalId === a.id)
          return [
            person?.name ?? '',
            person?.job_title ?? null,
            person?.unit_id ? (unitName.get(person.unit_id) ?? null) : null,
            managerId ? (ctx.byId.get(managerId)?.name ?? null) : null,
            formatFinancialYear(cycle.year),
            states.objectives,
            at(a.objectives_agreed_at),
            own.length,
            own.map((o) => `${o.title} [${o.nodeTitle ?? ''}]`).join('; '),
            states.mid_year,
            a.mid_year_self_rating,
            a.mid_year_manager_rating,
            states.year_end,
            a.year_end_self_rating,
            a.year_end_manager_rating,
            at(a.signed_off_at),
          ] as const
        })
        .sort((x, y) => x[0].localeCompare(y[0]))
      await db.transaction().execute((trx) =>
        recordAudit(
          trx,
          {
            organisationId: principal.organisationId,
            actor: actorOf(principal),
            action: 'appraisals_exported',
            itemType: 'appraisal_cycle',
            itemId: cycle.id,
            summary: `${records.length} appraisals of ${formatFinancialYear(cycle.year)} exported, ratings included`,
          },
          clock,
        ),
      )
      return {
        filename: `appraisals-${formatFinancialYear(cycle.year).replace('/', '-')}.csv`,
        csv: csvText(EXPORT_COLUMNS, records),
      }
    },
  }
}
