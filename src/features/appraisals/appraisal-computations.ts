// The organisational measures appraisals feed: "% of appraisals completed on time" (seed 000's
// "% PDR completion") and "% of staff with objectives linked to the thread" (seed 001).
//
// All three are worked out from one read: the council's appraisals counted by cycle and by the
// days that matter (each stage's completion, the day a person joined the cycle, the day their
// objectives were both written and agreed), a few hundred counts however many staff there are.
// An appraisal change recomputes them with that one read, not three readings of every row.
import { sql, type Kysely } from 'kysely'
import { onTimeShare, type Stage } from '../../core/appraisal-stages.ts'
import { addMonths } from '../../core/risk-scoring.ts'
import { financialYearOf, formatFinancialYear, type Period } from '../../core/periods.ts'
import type { DB } from '../../db/schema.ts'
import type { AuditActor } from '../audit/index.ts'
import {
  orgMeasureRepository as orgMeasureRepo,
  recomputeOrganisation,
  type ComputationRegistry,
  type Figure,
  type OrganisationalComputation,
} from '../organisational-measures/index.ts'
import { windowsOf } from './appraisal-presenter.ts'
import * as repo from './appraisal-repository.ts'

/** The organisational measures appraisals feed; recomputed with each change that moves them. */
export const APPRAISAL_COMPUTATIONS = [
  'appraisals_on_time',
  'staff_objectives_linked',
  'appraisals_completed',
] as const

/** How many appraisals of a cycle share a day (or none: null). */
interface DayCount {
  readonly cycleId: string
  readonly day: string | null
  readonly count: number
}

/** The counts the three measures are worked out from. */
export interface AppraisalFacts {
  readonly cycles: readonly repo.CycleRow[]
  /** By cycle and stage, the day the stage was completed: agreed, reviewed, signed off. */
  readonly stages: readonly (DayCount & { readonly stage: Stage })[]
  /** By cycle, day joined and the day the objectives were both written and agreed. */
  readonly linked: readonly (DayCount & { readonly created: string })[]
  /** By cycle, day joined and the day of sign-off. */
  readonly signedOff: readonly (DayCount & { readonly created: string })[]
}

/** Reads the counts of the organisation's appraisals: two statements, whatever its size. */
export async function appraisalFacts(
  db: Kysely<DB>,
  organisationId: string,
): Promise<AppraisalFacts> {
  const cycles = await repo.listCycles(db, organisationId)
  const { rows } = await sql<{
    kind: Stage | 'linked' | 'signed_off'
    cycle_id: string
    day: string | null
    created: string | null
    n: number
  }>`
    with a as (
      select a.cycle_id,
             to_char(a.created_at at time zone 'Europe/London', 'YYYY-MM-DD') as created,
             to_char(a.objectives_agreed_at at time zone 'Europe/London', 'YYYY-MM-DD') as objectives,
             to_char(a.mid_year_manager_at at time zone 'Europe/London', 'YYYY-MM-DD') as mid_year,
             to_char(a.signed_off_at at time zone 'Europe/London', 'YYYY-MM-DD') as year_end,
             case when a.objectives_agreed_at is null or o.first_at is null then null
                  else to_char(greatest(a.objectives_agreed_at, o.first_at) at time zone 'Europe/London', 'YYYY-MM-DD')
             end as linked
        from appraisals a
        left join (select appraisal_id, min(created_at) as first_at
                     from objectives
                    where organisation_id = ${organisationId}
                    group by appraisal_id) o on o.appraisal_id = a.id
       where a.organisation_id = ${organisationId}
    )
    select 'objectives' as kind, cycle_id, objectives as day, null::text as created, count(*)::int as n
      from a group by cycle_id, objectives
    union all
    select 'mid_year', cycle_id, mid_year, null::text, count(*)::int from a group by cycle_id, mid_year
    union all
    select 'year_end', cycle_id, year_end, null::text, count(*)::int from a group by cycle_id, year_end
    union all
    select 'linked', cycle_id, linked, created, count(*)::int from a group by cycle_id, created, linked
    union all
    select 'signed_off', cycle_id, year_end, created, count(*)::int
      from a group by cycle_id, created, year_end`.execute(db)
  const stages: (DayCount & { stage: Stage })[] = []
  const linked: (DayCount & { created: string })[] = []
  const signedOff: (DayCount & { created: string })[] = []
  for (const r of rows) {
    const count = { cycleId: r.cycle_id, day: r.day, count: r.n }
    if (r.kind === 'linked') linked.push({ ...count, created: r.created ?? '' })
    else if (r.kind === 'signed_off') signedOff.push({ ...count, created: r.created ?? '' })
    else stages.push({ ...count, stage: r.kind })
  }
  return { cycles, stages, linked, signedOff }
}

interface FigureInput {
  readonly periods: readonly Period[]
  readonly today: string
}

function onTimeFigures(facts: AppraisalFacts, { periods }: FigureInput) {
  const windows = new Map(facts.cycles.map((c) => [c.id, windowsOf(c)]))
  const reviews = facts.stages.flatMap((r) => {
    const w = windows.get(r.cycleId)
    return w ? [{ closes: w[r.stage].closes, completedOn: r.day, count: r.count }] : []
  })
  return new Map<string, Figure>(
    periods.map((p) => {
      const share = onTimeShare(reviews, addMonths(p.end, -12), p.end)
      return [
        p.start,
        {
          ...share,
          counts: `${share.numerator} of ${share.denominator} appraisal stages completed on time`,
        },
      ]
    }),
  )
}

function linkedFigures(facts: AppraisalFacts, { periods }: FigureInput) {
  return new Map<string, Figure>(
    periods.map((p) => {
      const cycle = facts.cycles.find((c) => c.year === financialYearOf(p.end))
      let inCycle = 0
      let linked = 0
      for (const r of facts.linked) {
        if (r.cycleId !== cycle?.id || r.created > p.end) continue
        inCycle += r.count
        if (r.day !== null && r.day <= p.end) linked += r.count
      }
      return [
        p.start,
        {
          numerator: linked,
          denominator: inCycle,
          value: inCycle === 0 ? null : (linked / inCycle) * 100,
          counts: `${linked} of ${inCycle} staff`,
        },
      ]
    }),
  )
}

function completedFigures(facts: AppraisalFacts, { periods, today }: FigureInput) {
  return new Map<string, Figure>(
    periods.map((p) => {
      const asAt = p.end < today ? p.end : today
      const cycle = facts.cycles
        .filter((c) => c.year_end_opens <= asAt)
        .sort((a, b) => b.year - a.year)[0]
      let inCycle = 0
      let done = 0
      for (const r of facts.signedOff) {
        if (r.cycleId !== cycle?.id || r.created > asAt) continue
        inCycle += r.count
        if (r.day !== null && r.day <= asAt) done += r.count
      }
      return [
        p.start,
        {
          numerator: done,
          denominator: inCycle,
          value: inCycle === 0 ? null : (done / inCycle) * 100,
          counts: cycle
            ? `${done} of ${inCycle} staff in the ${formatFinancialYear(cycle.year)} cycle signed off`
            : '',
        },
      ]
    }),
  )
}

type FromFacts = (facts: AppraisalFacts, input: FigureInput) => ReadonlyMap<string, Figure>

const FIGURES: Readonly<Record<(typeof APPRAISAL_COMPUTATIONS)[number], FromFacts>> = {
  appraisals_on_time: onTimeFigures,
  staff_objectives_linked: linkedFigures,
  appraisals_completed: completedFigures,
}

export const appraisalsOnTime: OrganisationalComputation = {
  key: 'appraisals_on_time',
  code: 'ORG-PDR',
  title: 'Appraisals completed on time',
  definition:
    'Of the appraisal stages (objectives agreed, mid-year review held, year-end review signed ' +
    'off) whose window closed in the twelve months to the end of the period, the percentage ' +
    'completed by the day the window closed. A stage not completed counts as late.',
  dataSource: 'Computed by Golden Thread from the appraisal cycle and each person’s appraisal',
  frequency: 'quarterly',
  async compute(input) {
    return onTimeFigures(await appraisalFacts(input.db, input.organisationId), input)
  },
}

export const staffObjectivesLinked: OrganisationalComputation = {
  key: 'staff_objectives_linked',
  code: 'ORG-OBJ',
  title: 'Staff with objectives linked to the golden thread',
  definition:
    'Of the staff in the appraisal cycle of the year at the end of the period, the percentage ' +
    'whose objectives, each linked to an item of a plan, had been agreed with their manager by ' +
    'then.',
  dataSource: 'Computed by Golden Thread from individual objectives and appraisals',
  frequency: 'quarterly',
  async compute(input) {
    return linkedFigures(await appraisalFacts(input.db, input.organisationId), input)
  },
}

export const appraisalsCompleted: OrganisationalComputation = {
  key: 'appraisals_completed',
  code: 'ORG-PDR-DONE',
  title: 'Appraisals completed',
  definition:
    'Of the staff in the latest appraisal cycle whose year-end window had opened by the end of ' +
    'the period, the percentage whose year-end review their manager had signed off by then, late ' +
    'or not. The quarter under way is shown to date, provisional until it ends, so a sign-off ' +
    'moves it the same day; an ended quarter keeps the figure it had at its end.',
  dataSource: 'Computed by Golden Thread from the appraisal cycle and each person’s appraisal',
  frequency: 'quarterly',
  toDate: true,
  async compute(input) {
    return completedFigures(await appraisalFacts(input.db, input.organisationId), input)
  },
}

export const APPRAISAL_MEASURES: readonly OrganisationalComputation[] = [
  appraisalsOnTime,
  staffObjectivesLinked,
  appraisalsCompleted,
]

/**
 * The appraisal measures the organisation has set up, worked out again inside the transaction
 * that moved them: the counts read once for all three, each figure stored as recomputeOrganisation
 * stores any computed measure's (restatements flagged, one audit record per measure changed).
 */
export async function recomputeAppraisalMeasures(
  trx: Kysely<DB>,
  organisationId: string,
  computations: ComputationRegistry,
  actor: AuditActor,
  clock: () => Date,
): Promise<void> {
  const keys: readonly string[] = APPRAISAL_COMPUTATIONS
  const measures = (await orgMeasureRepo.computedMeasures(trx, organisationId)).filter((m) =>
    keys.includes(m.computation ?? ''),
  )
  if (measures.length === 0) return
  let read: Promise<AppraisalFacts> | undefined
  const facts = () => (read ??= appraisalFacts(trx, organisationId))
  const once: ComputationRegistry = {
    ...computations,
    get(key) {
      const registered = computations.get(key)
      const figures = FIGURES[key as keyof typeof FIGURES] as FromFacts | undefined
      if (!registered || !figures) return registered
      return { ...registered, compute: async (input) => figures(await facts(), input) }
    },
  }
  for (const measure of measures) {
    await recomputeOrganisation(trx, organisationId, once, actor, clock, measure)
  }
}
