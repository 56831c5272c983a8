import type { Kysely } from 'kysely'
import {
  RATING_NAMES,
  STAGE_NAMES,
  STAGES,
  windowProblem,
  type Stage,
  type StageState,
} from '../../core/appraisal-stages.ts'
import { formatDate } from '../../core/format.ts'
import { addDays, financialYearOf, formatFinancialYear } from '../../core/periods.ts'
import { csvText } from '../../core/csv.ts'
import { suppressDistribution } from '../../core/small-numbers.ts'
import type { DB } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { recordAudit, type AuditActor, actorOf } from '../audit/index.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import type { FrameworkService } from '../framework/index.ts'
import { ukDate } from '../../core/dates.ts'
import type { ComputationRegistry } from '../organisational-measures/index.ts'
import type { OrganisationService } from '../organisation/index.ts'
import { recomputeAppraisalMeasures } from './appraisal-computations.ts'
import * as policy from './appraisal-policy.ts'
import {
  presentAppraisal,
  presentCycle,
  presentObjective,
  presentStages,
  stageStates,
  windowsOf,
  type ObjectiveView,
} from './appraisal-presenter.ts'
import * as repo from './appraisal-repository.ts'
import type {
  CycleInput,
  ObjectiveChanges,
  ObjectiveInput,
  ReviewInput,
} from './appraisal-schemas.ts'

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

/** The inbox and the reminders look at this many of the latest cycles. */
const CYCLES_IN_VIEW = 2
/** Reminders that a window is closing start this many days before it closes. */
const REMIND_DAYS = 14

export interface AppraisalDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly organisation: Pick<OrganisationService, 'unitTree'>
  readonly framework: Pick<FrameworkService, 'pathsOf'>
  readonly computations?: ComputationRegistry
}

/** One piece of appraisal work waiting on someone, for the inbox and the reminders. */
export interface AppraisalWork {
  readonly personId: string
  readonly appraisalId: string
  readonly stage: Stage
  readonly side: 'self' | 'manager'
  readonly title: string
  readonly detail: string
  readonly href: string
  readonly due: string
  readonly overdue: boolean
}

export type AppraisalService = ReturnType<typeof createAppraisalService>

/**
 * Individual objectives and the yearly appraisal (PDR): the last link of the golden thread.
 * Privacy is decided here: an appraisal is read only by the person, their line managers and
 * the performance team over their unit (appraisal-policy), and every read by anyone but the
 * person is audited.
 */
export function createAppraisalService({
  db,
  clock,
  organisation,
  framework,
  computations,
}: AppraisalDeps) {
  const today = () => ukDate(clock())

  /**
   * People, line management and units for permissions and names: the whole organisation's, or
   * (with `personId`) only that person's and their managers' up the line, which is all that
   * deciding who may read one appraisal needs.
   */
  async function context(organisationId: string, personId?: string) {
    const [people, { tree }] = await Promise.all([
      personId
        ? repo.personAndManagers(db, organisationId, personId)
        : repo.people(db, organisationId),
      organisation.unitTree(organisationId),
    ])
    const byId = new Map(people.map((p) => [p.id, p]))
    const managerOf = new Map(people.map((p) => [p.id, p.line_manager_id]))
    return { people, byId, managerOf, tree }
  }
  type Context = Awaited<ReturnType<typeof context>>

  function standing(principal: Principal, personId: string, ctx: Context) {
    const person = ctx.byId.get(personId)
    if (!person) return null
    return policy.standingOf(
      principal,
      { id: person.id, unitId: person.unit_id },
      policy.managerChain(person.id, ctx.managerOf),
      ctx.tree,
    )
  }

  function audit(
    trx: Kysely<DB>,
    organisationId: string,
    actor: AuditActor,
    entry: { action: string; itemId: string; summary: string; before?: unknown; after?: unknown },
  ) {
    return recordAudit(trx, { organisationId, actor, itemType: 'appraisal', ...entry }, clock)
  }

  /** The appraisal measures, worked out again inside the transaction that moved them. */
  async function recompute(trx: Kysely<DB>, organisationId: string, actor: AuditActor) {
    if (!computations) return
    await recomputeAppraisalMeasures(trx, organisationId, computations, actor, clock)
  }

  async function requireCycle(organisationId: string, id: string) {
    const cycle = await repo.findCycle(db, organisationId, id)
    if (!cycle) throw new NotFound('Appraisal cycle not found')
    return cycle
  }

  /** The appraisal with the reader's standing; NotFound to anyone who may not read it. */
  async function requireAppraisal(principal: Principal, id: string) {
    const row = await repo.findAppraisal(db, principal.organisationId, id)
    if (!row) throw new NotFound('Appraisal not found')
    const ctx = await context(principal.organisationId, row.person_id)
    const seat = standing(principal, row.person_id, ctx)
    if (!seat) throw new NotFound('Appraisal not found')
    const cycle = await requireCycle(principal.organisationId, row.cycle_id)
    const person = ctx.byId.get(row.person_id)
    if (!person) throw new NotFound('Appraisal not found')
    return { row, cycle, ctx, seat, person }
  }

  async function objectiveViews(
    organisationId: string,
    appraisalIds: readonly string[],
  ): Promise<ObjectiveView[]> {
    const objectives = await repo.listObjectives(db, organisationId, appraisalIds)
    const [nodes, measures, projects] = await Promise.all([
      repo.nodesByIds(db, organisationId, [...new Set(objectives.map((o) => o.node_id))]),
      repo.measuresByIds(db, organisationId, [
        ...new Set(objectives.flatMap((o) => (o.measure_id ? [o.measure_id] : []))),
      ]),
      repo.projectsByIds(db, organisationId, [
        ...new Set(objectives.flatMap((o) => (o.project_id ? [o.project_id] : []))),
      ]),
    ])
    const node = new Map(nodes.map((n) => [n.id, { ...n, planTitle: n.plan_title }]))
    const measure = new Map(
      measures.map((m) => [m.id, { id: m.id, title: `${m.code}: ${m.title}` }]),
    )
    const project = new Map(projects.map((p) => [p.id, p]))
    return objectives.map((o) => {
      const n = node.get(o.node_id)
      const m = o.measure_id ? measure.get(o.measure_id) : undefined
      const p = o.project_id ? project.get(o.project_id) : undefined
      return presentObjective(o, {
        ...(n && { node: n }),
        ...(m && { measure: m }),
        ...(p && { project: p }),
      })
    })
  }

  /** Each reference of an objective must be an item of the person's own organisation. */
  async function checkReferences(
    organisationId: string,
    input: { nodeId?: string; measureId?: string | null; projectId?: string | null },
  ) {
    if (input.nodeId) {
      const [node] = await repo.nodesByIds(db, organisationId, [input.nodeId])
      if (!node || node.status !== 'active') {
        throw Invalid.field(
          'nodeId',
          'Select the plan item the objective contributes to from the list',
        )
      }
    }
    if (
      input.measureId &&
      (await repo.measuresByIds(db, organisationId, [input.measureId])).length === 0
    ) {
      throw Invalid.field('measureId', 'Select the measure from the list')
    }
    if (
      input.projectId &&
      (await repo.projectsByIds(db, organisationId, [input.projectId])).length === 0
    ) {
      throw Invalid.field('projectId', 'Select the project from the list')
    }
  }

  function checkWritable(row: repo.AppraisalRecord) {
    if (row.signed_off_at) {
      throw new Conflict('This appraisal has been signed off: its year is closed')
    }
  }

  /** What each person must do for appraisals still in play on `day`, for everyone. */
  /**
   * Appraisal work as of `day`: everyone's, or only what falls to `onlyFor` (their own
   * appraisals and those of the people they line-manage, read alone: a page's task count must
   * not read the whole council's staff).
   */
  async function work(
    organisationId: string,
    day: string,
    onlyFor?: string,
  ): Promise<AppraisalWork[]> {
    // This year's cycle and last year's: last year's stragglers stay in view until done, older
    // years' are left to the performance team's figures.
    const cycles = (await repo.listCycles(db, organisationId))
      .filter((c) => day >= c.objectives_opens)
      .slice(0, CYCLES_IN_VIEW)
    if (cycles.length === 0) return []
    const people = onlyFor
      ? await repo.peopleAround(db, organisationId, onlyFor)
      : await repo.people(db, organisationId)
    const ctx = { byId: new Map(people.map((p) => [p.id, p])) }
    const appraisals = await repo.listAppraisals(db, organisationId, {
      cycleIds: cycles.map((c) => c.id),
      ...(onlyFor && {
        personIds: people
          .filter((p) => p.id === onlyFor || p.line_manager_id === onlyFor)
          .map((p) => p.id),
      }),
    })
    const counts = new Map<string, number>()
    for (const o of await repo.listObjectives(
      db,
      organisationId,
      appraisals.map((a) => a.id),
    )) {
      counts.set(o.appraisal_id, (counts.get(o.appraisal_id) ?? 0) + 1)
    }
    const out: AppraisalWork[] = []
    for (const a of appraisals) {
      const cycle = cycles.find((c) => c.id === a.cycle_id)
      const person = ctx.byId.get(a.person_id)
      if (!cycle || !person?.active) continue
      const states = stageStates(a, cycle, day)
      const windows = windowsOf(cycle)
      const year = formatFinancialYear(cycle.year)
      const managerId = person.line_manager_id
      const manager = managerId ? ctx.byId.get(managerId) : undefined
      const href = `/appraisals/${a.id}`
      const add = (
        stage: Stage,
        side: 'self' | 'manager',
        to: string,
        title: string,
        state: StageState,
      ) => {
        const due = windows[stage].closes
        out.push({
          personId: to,
          appraisalId: a.id,
          stage,
          side,
          title,
          detail:
            state === 'overdue'
              ? `Overdue: the ${STAGE_NAMES[stage].toLowerCase()} window for ${year} closed on ${formatDate(due)}`
              : `Due by ${formatDate(due)} (${STAGE_NAMES[stage].toLowerCase()}, ${year})`,
          href,
          due,
          overdue: state === 'overdue',
        })
      }
      for (const stage of STAGES) {
        const state = states[stage]
        if (state !== 'open' && state !== 'overdue') continue
        // A mid-year review not held by the time the year end opens is past doing.
        if (stage === 'mid_year' && day >= windows.year_end.opens) continue
        if (stage === 'objectives') {
          if ((counts.get(a.id) ?? 0) === 0) {
            add(stage, 'self', a.person_id, `Set your objectives for ${year}`, state)
          }
          if (manager?.active) {
            add(stage, 'manager', manager.id, `Agree ${person.name}’s objectives`, state)
          }
        } else {
          const selfDone = stage === 'mid_year' ? a.mid_year_self_at : a.year_end_self_at
          if (!selfDone) {
            add(
              stage,
              'self',
              a.person_id,
              `Write your ${STAGE_NAMES[stage].toLowerCase()} for ${year}`,
              state,
            )
          }
          if (manager?.active && a.objectives_agreed_at) {
            add(
              stage,
              'manager',
              manager.id,
              stage === 'mid_year'
                ? `Hold ${person.name}’s mid-year review`
                : `Complete and sign off ${person.name}’s year-end review`,
              state,
            )
          }
        }
      }
    }
    return out
  }

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

    /** The person's own appraisals, newest year first: their history. */
    async mine(principal: Principal) {
      const cycles = await repo.listCycles(db, principal.organisationId)
      const rows = await repo.listAppraisals(db, principal.organisationId, {
        personIds: [principal.personId],
      })
      const day = today()
      return cycles.flatMap((cycle) => {
        const a = rows.find((r) => r.cycle_id === cycle.id)
        return a
          ? [
              {
                id: a.id,
                yearLabel: formatFinancialYear(cycle.year),
                stages: presentStages(a, cycle, day),
              },
            ]
          : []
      })
    },

    /**
     * A manager's team in one cycle (the latest by default): each direct report's stages and
     * objectives, and the items of the team's plans with who works on each, so the items no one
     * is working on stand out.
     */
    async team(principal: Principal, cycleId?: string) {
      const cycles = await repo.listCycles(db, principal.organisationId)
      const cycle = cycleId ? cycles.find((c) => c.id === cycleId) : cycles[0]
      if (!cycle) throw new NotFound('Appraisal cycle not found')
      const ctx = await context(principal.organisationId)
      const reports = ctx.people
        .filter((p) => p.line_manager_id === principal.personId)
        .sort((a, b) => a.name.localeCompare(b.name))
      const appraisals = await repo.listAppraisals(db, principal.organisationId, {
        cycleIds: [cycle.id],
        personIds: reports.map((p) => p.id),
      })
      const objectives = await objectiveViews(
        principal.organisationId,
        appraisals.map((a) => a.id),
      )
      const day = today()
      const members = reports.map((p) => {
        const a = appraisals.find((x) => x.person_id === p.id)
        return {
          person: { id: p.id, name: p.name, jobTitle: p.job_title },
          appraisalId: a?.id ?? null,
          stages: a ? presentStages(a, cycle, day) : [],
          objectives: a ? objectives.filter((o) => o.appraisalId === a.id) : [],
        }
      })
      // Plan coverage counts everyone beneath the manager, not only those reporting directly.
      const below = ctx.people.filter((p) =>
        policy.managerChain(p.id, ctx.managerOf).includes(principal.personId),
      )
      const belowAppraisals = await repo.listAppraisals(db, principal.organisationId, {
        cycleIds: [cycle.id],
        personIds: below.map((p) => p.id),
      })
      const everyone = await objectiveViews(
        principal.organisationId,
        belowAppraisals.map((a) => a.id),
      )
      const nameOf = new Map(
        belowAppraisals.map((a) => [a.id, ctx.byId.get(a.person_id)?.name ?? '']),
      )
      const me = ctx.byId.get(principal.personId)
      const teamUnits = new Set(
        [me?.unit_id, ...below.map((r) => r.unit_id)].filter((u): u is string => !!u),
      )
      const nodes = (await repo.linkableNodes(db, principal.organisationId)).filter(
        (n) =>
          (n.plan_kind === 'team' || n.plan_kind === 'service') &&
          n.owner_unit_id !== null &&
          teamUnits.has(n.owner_unit_id),
      )
      const plans = [...new Map(nodes.map((n) => [n.plan_id, n.plan_title])).entries()].map(
        ([planId, title]) => ({
          planId,
          title,
          items: nodes
            .filter((n) => n.plan_id === planId)
            .map((n) => {
              const who = [
                ...new Set(
                  everyone
                    .filter((o) => o.nodeId === n.id)
                    .map((o) => nameOf.get(o.appraisalId) ?? ''),
                ),
              ].sort()
              return {
                nodeId: n.id,
                title: n.title,
                people: who,
                uncovered: who.length === 0,
              }
            }),
        }),
      )
      return {
        cycle: presentCycle(cycle, day),
        cycles: cycles.map((c) => presentCycle(c, day)),
        members,
        plans,
        uncovered: plans.reduce((n, p) => n + p.items.filter((i) => i.uncovered).length, 0),
      }
    },

    /**
     * The whole appraisal with each objective's path up the thread. A read by anyone but the
     * person is audited: ratings are personal data.
     */
    async detail(principal: Principal, id: string) {
      const { row, cycle, ctx, seat, person } = await requireAppraisal(principal, id)
      const managerId = person.line_manager_id
      const manager = managerId ? (ctx.byId.get(managerId) ?? null) : null
      const objectives = await objectiveViews(principal.organisationId, [row.id])
      const paths = await framework.pathsOf(
        principal.organisationId,
        objectives.map((o) => o.nodeId),
      )
      const view = presentAppraisal(
        row,
        cycle,
        { id: person.id, name: person.name, jobTitle: person.job_title },
        manager,
        today(),
      )
      if (seat !== 'self') {
        await db.transaction().execute((trx) =>
          audit(trx, principal.organisationId, actorOf(principal), {
            action: 'appraisal_viewed',
            itemId: row.id,
            summary: `${principal.name} read ${person.name}’s ${view.yearLabel} appraisal (as ${seat.replace('_', ' ')})`,
          }),
        )
      }
      // The manager reviews only agreed objectives; the person may write theirs at any time.
      const reviewable =
        !row.signed_off_at && (seat === 'self' || row.objectives_agreed_at !== null)
      const started = (stage: Stage) => today() >= windowsOf(cycle)[stage].opens
      return {
        appraisal: view,
        cycle: presentCycle(cycle, today()),
        standing: seat,
        objectives: objectives.map((o) => ({ ...o, path: paths.get(o.nodeId) ?? null })),
        can: {
          writeObjectives: !row.signed_off_at && policy.canWriteObjectives(seat),
          agree:
            !row.signed_off_at &&
            seat === 'line_manager' &&
            objectives.length > 0 &&
            !row.objectives_agreed_at,
          reviewMidYear:
            reviewable && (seat === 'self' || seat === 'line_manager') && started('mid_year'),
          reviewYearEnd:
            reviewable && (seat === 'self' || seat === 'line_manager') && started('year_end'),
          signOff: reviewable && seat === 'line_manager' && row.year_end_manager_at !== null,
        },
      }
    },

    /** NotFound unless the appraisal exists in the organisation and is the reader's to see. */
    async check(principal: Principal, id: string): Promise<void> {
      await requireAppraisal(principal, id)
    },

    /** Plan items, measures and projects an objective may link to, for the form. */
    async linkOptions(principal: Principal) {
      if (principal.roles.length === 0) throw new Forbidden()
      const [nodes, measures, projects] = await Promise.all([
        repo.linkableNodes(db, principal.organisationId),
        repo.activeMeasures(db, principal.organisationId),
        repo.openProjects(db, principal.organisationId),
      ])
      const order = (kind: string) => (kind === 'team' ? 0 : kind === 'service' ? 1 : 2)
      return {
        nodes: [...nodes]
          .sort((a, b) => order(a.plan_kind) - order(b.plan_kind))
          .map((n) => ({ id: n.id, title: n.title, planTitle: n.plan_title })),
        measures: measures.map((m) => ({ id: m.id, title: `${m.code}: ${m.title}` })),
        projects: projects.map((p) => ({
          id: p.id,
          title: p.code ? `${p.code}: ${p.title}` : p.title,
        })),
      }
    },

    async objective(principal: Principal, appraisalId: string, objectiveId: string) {
      const { seat } = await requireAppraisal(principal, appraisalId)
      if (!policy.canWriteObjectives(seat)) throw new Forbidden()
      const found = (await objectiveViews(principal.organisationId, [appraisalId])).find(
        (o) => o.id === objectiveId,
      )
      if (!found) throw new NotFound('Objective not found')
      return found
    },

    async addObjective(principal: Principal, appraisalId: string, input: ObjectiveInput) {
      const { row, seat, person } = await requireAppraisal(principal, appraisalId)
      if (!policy.canWriteObjectives(seat)) {
        throw new Forbidden('Only the person and their line manager write their objectives')
      }
      checkWritable(row)
      await checkReferences(principal.organisationId, input)
      const existing = await repo.listObjectives(db, principal.organisationId, [row.id])
      return db.transaction().execute(async (trx) => {
        const created = await repo.insertObjective(trx, {
          organisation_id: principal.organisationId,
          appraisal_id: row.id,
          title: input.title,
          success_measure: input.successMeasure,
          due_date: input.dueDate,
          node_id: input.nodeId,
          measure_id: input.measureId ?? null,
          project_id: input.projectId ?? null,
          position: existing.length,
          created_by: recordedPersonId(principal),
          created_at: clock(),
          updated_at: clock(),
        })
        const reopened = seat === 'self' && row.objectives_agreed_at !== null
        if (reopened) {
          await repo.updateAppraisal(
            trx,
            principal.organisationId,
            row.id,
            { objectives_agreed_at: null, objectives_agreed_by: null },
            clock(),
          )
        }
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'objective_added',
          itemId: row.id,
          summary: `Objective "${created.title}" added to ${person.name}’s appraisal${reopened ? '; the objectives go back to the manager to agree' : ''}`,
          after: created,
        })
        await recompute(trx, principal.organisationId, actorOf(principal))
        return created
      })
    },

    async updateObjective(
      principal: Principal,
      appraisalId: string,
      objectiveId: string,
      changes: ObjectiveChanges,
    ) {
      const { row, seat, person } = await requireAppraisal(principal, appraisalId)
      if (!policy.canWriteObjectives(seat)) {
        throw new Forbidden('Only the person and their line manager write their objectives')
      }
      checkWritable(row)
      const before = (await repo.listObjectives(db, principal.organisationId, [row.id])).find(
        (o) => o.id === objectiveId,
      )
      if (!before) throw new NotFound('Objective not found')
      await checkReferences(principal.organisationId, changes)
      return db.transaction().execute(async (trx) => {
        const after = await repo.updateObjective(
          trx,
          principal.organisationId,
          objectiveId,
          {
            ...(changes.title !== undefined && { title: changes.title }),
            ...(changes.successMeasure !== undefined && {
              success_measure: changes.successMeasure,
            }),
            ...(changes.dueDate !== undefined && { due_date: changes.dueDate }),
            ...(changes.nodeId !== undefined && { node_id: changes.nodeId }),
            ...(changes.measureId !== undefined && { measure_id: changes.measureId }),
            ...(changes.projectId !== undefined && { project_id: changes.projectId }),
          },
          clock(),
        )
        const reopened = seat === 'self' && row.objectives_agreed_at !== null
        if (reopened) {
          await repo.updateAppraisal(
            trx,
            principal.organisationId,
            row.id,
            { objectives_agreed_at: null, objectives_agreed_by: null },
            clock(),
          )
        }
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'objective_updated',
          itemId: row.id,
          summary: `Objective "${after.title}" of ${person.name} changed${reopened ? '; the objectives go back to the manager to agree' : ''}`,
          before,
          after,
        })
        await recompute(trx, principal.organisationId, actorOf(principal))
        return after
      })
    },

    async removeObjective(principal: Principal, appraisalId: string, objectiveId: string) {
      const { row, seat, person } = await requireAppraisal(principal, appraisalId)
      if (!policy.canWriteObjectives(seat)) throw new Forbidden()
      checkWritable(row)
      const before = (await repo.listObjectives(db, principal.organisationId, [row.id])).find(
        (o) => o.id === objectiveId,
      )
      if (!before) throw new NotFound('Objective not found')
      await db.transaction().execute(async (trx) => {
        await repo.deleteObjective(trx, principal.organisationId, objectiveId)
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'objective_removed',
          itemId: row.id,
          summary: `Objective "${before.title}" removed from ${person.name}’s appraisal`,
          before,
        })
        await recompute(trx, principal.organisationId, actorOf(principal))
      })
    },

    /** The line manager agrees the objectives: the objective-setting stage is done. */
    async agree(principal: Principal, appraisalId: string) {
      const { row, seat, person, cycle } = await requireAppraisal(principal, appraisalId)
      if (seat !== 'line_manager') {
        throw new Forbidden(`Only ${person.name}’s line manager can agree their objectives`)
      }
      checkWritable(row)
      if (today() < cycle.objectives_opens) {
        throw new Conflict(`Objective setting opens on ${formatDate(cycle.objectives_opens)}`)
      }
      if (row.objectives_agreed_at) throw new Conflict('The objectives are already agreed')
      const count = (await repo.listObjectives(db, principal.organisationId, [row.id])).length
      if (count === 0) {
        throw Invalid.field('objectives', 'Add at least one objective before agreeing them')
      }
      return db.transaction().execute(async (trx) => {
        const after = await repo.updateAppraisal(
          trx,
          principal.organisationId,
          row.id,
          { objectives_agreed_at: clock(), objectives_agreed_by: recordedPersonId(principal) },
          clock(),
        )
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'objectives_agreed',
          itemId: row.id,
          summary: `${count} objectives of ${person.name} for ${formatFinancialYear(cycle.year)} agreed`,
        })
        await recompute(trx, principal.organisationId, actorOf(principal))
        return after
      })
    },

    /**
     * A mid-year or year-end review: the person writes their own, the line manager theirs; each
     * a rating on the scale and a comment. Writing it again replaces it until sign-off.
     */
    async review(
      principal: Principal,
      appraisalId: string,
      stage: 'mid_year' | 'year_end',
      input: ReviewInput,
    ) {
      const { row, seat, person, cycle } = await requireAppraisal(principal, appraisalId)
      if (seat !== 'self' && seat !== 'line_manager') {
        throw new Forbidden('Only the person and their line manager write reviews')
      }
      checkWritable(row)
      const window = windowsOf(cycle)[stage]
      if (today() < window.opens) {
        throw new Conflict(
          `The ${STAGE_NAMES[stage].toLowerCase()} opens on ${formatDate(window.opens)}`,
        )
      }
      if (seat === 'line_manager' && !row.objectives_agreed_at) {
        throw new Conflict('Agree the objectives before reviewing them')
      }
      const side = seat === 'self' ? 'self' : 'manager'
      const at = clock()
      const changes =
        stage === 'mid_year'
          ? side === 'self'
            ? {
                mid_year_self_rating: input.rating,
                mid_year_self_comment: input.comment,
                mid_year_self_at: at,
              }
            : {
                mid_year_manager_rating: input.rating,
                mid_year_manager_comment: input.comment,
                mid_year_manager_at: at,
                mid_year_manager_id: principal.personId,
              }
          : side === 'self'
            ? {
                year_end_self_rating: input.rating,
                year_end_self_comment: input.comment,
                year_end_self_at: at,
              }
            : {
                year_end_manager_rating: input.rating,
                year_end_manager_comment: input.comment,
                year_end_manager_at: at,
                year_end_manager_id: principal.personId,
              }
      return db.transaction().execute(async (trx) => {
        const after = await repo.updateAppraisal(trx, principal.organisationId, row.id, changes, at)
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: `${stage}_review_${side === 'self' ? 'written' : 'recorded'}`,
          itemId: row.id,
          summary: `${STAGE_NAMES[stage]} of ${person.name} for ${formatFinancialYear(cycle.year)}: ${side === 'self' ? 'their own' : 'the manager’s'} review written`,
          after: changes,
        })
        await recompute(trx, principal.organisationId, actorOf(principal))
        return after
      })
    },

    /** The line manager signs off the year: the appraisal is complete and closed. */
    async signOff(principal: Principal, appraisalId: string) {
      const { row, seat, person, cycle } = await requireAppraisal(principal, appraisalId)
      if (seat === 'self') throw new Forbidden('You cannot sign off your own appraisal')
      if (seat !== 'line_manager') {
        throw new Forbidden(`Only ${person.name}’s line manager can sign off their appraisal`)
      }
      checkWritable(row)
      if (!row.year_end_manager_at) {
        throw new Conflict('Record your year-end review before signing off')
      }
      return db.transaction().execute(async (trx) => {
        const after = await repo.updateAppraisal(
          trx,
          principal.organisationId,
          row.id,
          { signed_off_at: clock(), signed_off_by: principal.personId },
          clock(),
        )
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'appraisal_signed_off',
          itemId: row.id,
          summary: `${person.name}’s ${formatFinancialYear(cycle.year)} appraisal signed off`,
        })
        await recompute(trx, principal.organisationId, actorOf(principal))
        return after
      })
    },

    /** What is waiting on this person, for their inbox. */
    async dueFor(principal: Principal): Promise<AppraisalWork[]> {
      return (await work(principal.organisationId, today(), principal.personId)).filter(
        (w) => w.personId === principal.personId,
      )
    },

    /** Everyone's appraisal work as of `day`, for the daily reminders. */
    work: (organisationId: string, day: string) => work(organisationId, day),

    /** Reminders for the daily run: windows closing within two weeks, and overdue stages. */
    async reminders(organisationId: string, day: string) {
      return (await work(organisationId, day))
        .filter((w) => w.overdue || addDays(day, REMIND_DAYS) >= w.due)
        .map((w) => ({
          personId: w.personId,
          kind: w.overdue ? ('appraisal_overdue' as const) : ('appraisal_due' as const),
          subject: w.overdue ? `Overdue: ${w.title}` : w.title,
          body: `${w.title}. ${w.detail}.`,
          link: w.href,
          dedupeKey: `appraisal:${w.appraisalId}:${w.stage}:${w.side}:${w.overdue ? 'overdue' : 'due'}`,
        }))
    },
  }
}
