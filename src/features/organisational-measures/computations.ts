// The named computations behind organisational measures ("% of corporate PIs on track" and the
// like): each works out its figure for every period from the council's own data as it stood at
// the period's end. Features register theirs; the savings register adds "% of savings delivered".
import type { Kysely } from 'kysely'
import {
  greenShare,
  onTrackShare,
  projectStatusOn,
  returnedOnTime,
  type DataReturn,
  type Share,
} from '../../core/dashboards.ts'
import { addMonths, mitigationSeries, type ScoredReview } from '../../core/risk-scoring.ts'
import {
  parsePeriodStart,
  periodContaining,
  periodsBetween,
  previousPeriod,
  type Frequency,
  type Period,
} from '../../core/periods.ts'
import type { DB, MeasureFrequency } from '../../db/schema.ts'
import { statusMeasure, dueDateOf } from '../measures/index.ts'
import { ukDate } from '../../core/dates.ts'
import { riskRepository as riskRepo, presentMatrix } from '../risks/index.ts'
import * as repo from './org-measure-repository.ts'

export interface ComputationInput {
  /** The transaction the values are written in; read only through it. */
  readonly db: Kysely<DB>
  readonly organisationId: string
  readonly today: string
  /**
   * Periods that have ended, oldest first, in the measure's frequency; for a computation
   * `toDate`, the current period too, last, to be worked out as it stands today.
   */
  readonly periods: readonly Period[]
}

/** A period's figure. */
export interface Figure extends Share {
  /** Its numerator and denominator in words, for the value's commentary; "N of M" if left out. */
  readonly counts?: string
}

export interface OrganisationalComputation {
  /** Stored on the measure: stable, never renamed. */
  readonly key: string
  readonly code: string
  readonly title: string
  readonly definition: string
  readonly dataSource: string
  readonly frequency: MeasureFrequency
  /**
   * Whether it also gives a figure for the period under way, to date: provisional until the
   * period ends, and not a restatement when it moves meanwhile.
   */
  readonly toDate?: boolean
  /** What the value counts: a percentage unless said otherwise. */
  readonly unit?: 'percent' | 'currency'
  /** The figure for each period, by its first day; a null value means nothing to count. */
  compute(input: ComputationInput): Promise<ReadonlyMap<string, Figure>>
}

export interface ComputationRegistry {
  register(...computations: OrganisationalComputation[]): void
  get(key: string): OrganisationalComputation | undefined
  list(): OrganisationalComputation[]
}

export function createComputationRegistry(): ComputationRegistry {
  const byKey = new Map<string, OrganisationalComputation>()
  return {
    register(...computations) {
      for (const c of computations) {
        if (byKey.has(c.key)) throw new Error(`Computation ${c.key} is registered twice`)
        byKey.set(c.key, c)
      }
    },
    get: (key) => byKey.get(key),
    list: () => [...byKey.values()],
  }
}

/** The ended periods of `frequency` from the start of `fromYear` to the last one before today. */
export function endedPeriods(frequency: Frequency, fromYear: number, today: string): Period[] {
  const first = periodContaining(`${fromYear}-04-01`, frequency)
  const last = previousPeriod(periodContaining(today, frequency))
  return last.start < first.start ? [] : periodsBetween(first, last)
}

/** The periods a computation is worked out for: the ended ones, and the current one if to date. */
export function periodsToCompute(
  computation: Pick<OrganisationalComputation, 'frequency' | 'toDate'>,
  fromYear: number,
  today: string,
): Period[] {
  const ended = endedPeriods(computation.frequency, fromYear, today)
  return computation.toDate ? [...ended, periodContaining(today, computation.frequency)] : ended
}

const periodCache = new Map<string, Period>()
function periodOf(frequency: Frequency, start: string): Period {
  const key = `${frequency}:${start}`
  let period = periodCache.get(key)
  if (!period) {
    period = parsePeriodStart({ frequency, start })
    if (periodCache.size > 10_000) periodCache.clear()
    periodCache.set(key, period)
  }
  return period
}

const byStart = (periods: readonly Period[], f: (p: Period) => Share) =>
  new Map(periods.map((p) => [p.start, f(p)]))

export const corporatePisOnTrack: OrganisationalComputation = {
  key: 'corporate_pis_on_track',
  code: 'ORG-PI',
  title: 'Corporate performance indicators on track',
  definition:
    'Of the corporate performance indicators (measures linked to a council-wide plan: city, ' +
    'corporate, delivery or improvement plan; not contextual or computed ones) ' +
    'judged green, amber or red at the end of the period, the ' +
    'percentage green. Each indicator counts with its latest approved value for a period ending ' +
    'in the twelve months to the end of the period.',
  dataSource: 'Computed by Golden Thread from the approved values of corporate indicators',
  frequency: 'quarterly',
  async compute({ db, organisationId, periods }) {
    const linked = new Set(await repo.linkedToCorporatePlans(db, organisationId, 'measure'))
    const measures = (await repo.judgedMeasures(db, organisationId)).filter(
      (m) => linked.has(m.id) && m.kind !== 'contextual',
    )
    const facts = await repo.valueFacts(
      db,
      organisationId,
      measures.map((m) => m.id),
    )
    const approved = measures.map((m) =>
      facts
        .filter((f) => f.measure_id === m.id && f.status === 'approved')
        .map((f) => ({ end: periodOf(m.frequency, f.period_start).end, rag: f.rag })),
    )
    return byStart(periods, (p) => {
      const yearBefore = addMonths(p.end, -12)
      return greenShare(
        approved.map(
          (values) =>
            values.filter((v) => v.end <= p.end && v.end > yearBefore).at(-1)?.rag ?? null,
        ),
      )
    })
  },
}

export const corporateProjectsOnTrack: OrganisationalComputation = {
  key: 'corporate_projects_on_track',
  code: 'ORG-PROJ',
  title: 'Corporate projects on track',
  definition:
    'Of the corporate programmes and projects (those linked to a council-wide plan) under way at ' +
    'the end of the period, the percentage on track. Status is worked out as it stood then: from ' +
    'milestones (completed only from their completion date), dates and the latest approved ' +
    'monthly confidence; a status set by hand counts only for the current day.',
  dataSource: 'Computed by Golden Thread from programme and project milestones and updates',
  frequency: 'quarterly',
  async compute({ db, organisationId, periods, today }) {
    const ids = await repo.linkedToCorporatePlans(db, organisationId, 'project')
    const projects = await repo.projectsByIds(db, organisationId, ids)
    const tree = await repo.projectTree(db, organisationId)
    const children = new Map<string, string[]>()
    for (const row of tree) {
      if (row.parent_id)
        children.set(row.parent_id, [...(children.get(row.parent_id) ?? []), row.id])
    }
    const subtree = (id: string) => {
      const out = new Set<string>()
      const stack = [id]
      while (stack.length > 0) {
        const next = stack.pop() as string
        if (out.has(next)) continue
        out.add(next)
        stack.push(...(children.get(next) ?? []))
      }
      return out
    }
    const milestones = await repo.milestonesOf(
      db,
      organisationId,
      tree.map((t) => t.id),
    )
    const updates = await repo.approvedUpdatesOf(
      db,
      organisationId,
      projects.map((p) => p.id),
    )
    const histories = projects.map((p) => {
      const within = subtree(p.id)
      return {
        start: p.start_date,
        end: p.end_date,
        statusOverride: p.status_override,
        ownConfidence: p.confidence,
        milestones: milestones
          .filter((m) => within.has(m.project_id))
          .map((m) => ({
            status: m.status,
            due: m.due_date,
            rescheduled: m.original_due_date !== null,
            completedDate: m.completed_date,
          })),
        updates: updates
          .filter((u) => u.project_id === p.id)
          .map((u) => ({ month: u.month, confidence: u.confidence })),
      }
    })
    return byStart(periods, (p) =>
      onTrackShare(histories.map((h) => projectStatusOn(h, p.end, today))),
    )
  },
}

export const redRisksMitigated: OrganisationalComputation = {
  key: 'red_risks_mitigated',
  code: 'ORG-RISK',
  title: 'Red corporate risks mitigated to tolerable within 3 months',
  definition:
    'Of the red episodes of corporate risks whose three months ended in the period, the ' +
    'percentage brought to the tolerable threshold in time (see "% of corporate red risks ' +
    'mitigated to tolerable within 3 months" in the decisions).',
  dataSource: 'Computed by Golden Thread from the review history of corporate risks',
  frequency: 'quarterly',
  async compute({ db, organisationId, periods, today }) {
    const matrix = presentMatrix(await riskRepo.findMatrix(db, organisationId))
    const reviews = await repo.corporateRiskReviews(db, organisationId)
    const histories = new Map<string, ScoredReview[]>()
    for (const r of reviews) {
      histories.set(r.risk_id, [
        ...(histories.get(r.risk_id) ?? []),
        { date: r.reviewed_on, likelihood: r.likelihood, impact: r.impact },
      ])
    }
    const series = mitigationSeries(matrix, [...histories.values()], periods, today)
    return new Map(series.map((s) => [s.period.start, s]))
  },
}

export const dataReturnedOnTime: OrganisationalComputation = {
  key: 'data_returned_on_time',
  code: 'ORG-DATA',
  title: 'Performance data returned on time',
  definition:
    'Of the values of entered measures that fell due in the period (each measure from its first ' +
    'value on, by its due-date rule), the percentage submitted on or before the due date. A value ' +
    'still missing counts as late.',
  dataSource: 'Computed by Golden Thread from when each value was submitted',
  frequency: 'quarterly',
  async compute({ db, organisationId, periods, today }) {
    const measures = (await repo.judgedMeasures(db, organisationId)).filter(
      (m) => m.formula === null && m.due_working_days !== null,
    )
    const facts = await repo.valueFacts(
      db,
      organisationId,
      measures.map((m) => m.id),
    )
    const returns: DataReturn[] = []
    const lastEnded = (f: Frequency) => previousPeriod(periodContaining(today, f))
    for (const m of measures) {
      const own = facts.filter((f) => f.measure_id === m.id)
      const first = own[0]
      if (!first) continue
      const sm = statusMeasure(m)
      const byPeriod = new Map(own.map((f) => [f.period_start, f]))
      const last = lastEnded(m.frequency)
      const from = periodOf(m.frequency, first.period_start)
      if (last.start < from.start) continue
      for (const period of periodsBetween(from, last)) {
        const due = dueDateOf(sm, period)
        if (due === null) continue
        const fact = byPeriod.get(period.start)
        const at = fact && fact.status !== 'draft' ? (fact.submitted_at ?? fact.approved_at) : null
        returns.push({ due, returnedOn: at ? ukDate(at) : null })
      }
    }
    return byStart(periods, (p) => returnedOnTime(returns, p.start, p.end, today))
  },
}

/** The organisational measures Golden Thread computes from its own data. */
export const BUILT_IN_COMPUTATIONS: readonly OrganisationalComputation[] = [
  corporatePisOnTrack,
  corporateProjectsOnTrack,
  redRisksMitigated,
  dataReturnedOnTime,
]
