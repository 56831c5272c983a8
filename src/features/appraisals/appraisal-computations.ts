// The organisational measures appraisals feed: "% of appraisals completed on time" (seed 000's
// "% PDR completion") and "% of staff with objectives linked to the thread" (seed 001).
import { onTimeShare, STAGES } from '../../core/appraisal-stages.ts'
import { addMonths } from '../../core/risk-scoring.ts'
import { financialYearOf, formatFinancialYear } from '../../core/periods.ts'
import { ukDate } from '../../core/dates.ts'
import type { OrganisationalComputation } from '../organisational-measures/index.ts'
import { completedOn, windowsOf } from './appraisal-presenter.ts'
import * as repo from './appraisal-repository.ts'

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
  async compute({ db, organisationId, periods }) {
    const cycles = await repo.listCycles(db, organisationId)
    const appraisals = await repo.listAppraisals(db, organisationId)
    const reviews = appraisals.flatMap((a) => {
      const cycle = cycles.find((c) => c.id === a.cycle_id)
      if (!cycle) return []
      const windows = windowsOf(cycle)
      const done = completedOn(a)
      return STAGES.map((s) => ({ closes: windows[s].closes, completedOn: done[s] }))
    })
    return new Map(
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
  async compute({ db, organisationId, periods }) {
    const cycles = await repo.listCycles(db, organisationId)
    const appraisals = await repo.listAppraisals(db, organisationId)
    const objectives = await repo.listObjectives(
      db,
      organisationId,
      appraisals.map((a) => a.id),
    )
    const firstObjective = new Map<string, string>()
    for (const o of objectives) {
      const day = ukDate(o.created_at)
      const seen = firstObjective.get(o.appraisal_id)
      if (!seen || day < seen) firstObjective.set(o.appraisal_id, day)
    }
    return new Map(
      periods.map((p) => {
        const cycle = cycles.find((c) => c.year === financialYearOf(p.end))
        const inCycle = cycle
          ? appraisals.filter((a) => a.cycle_id === cycle.id && ukDate(a.created_at) <= p.end)
          : []
        const linked = inCycle.filter((a) => {
          const agreed = a.objectives_agreed_at ? ukDate(a.objectives_agreed_at) : null
          const first = firstObjective.get(a.id)
          return agreed !== null && agreed <= p.end && first !== undefined && first <= p.end
        }).length
        return [
          p.start,
          {
            numerator: linked,
            denominator: inCycle.length,
            value: inCycle.length === 0 ? null : (linked / inCycle.length) * 100,
            counts: `${linked} of ${inCycle.length} staff`,
          },
        ]
      }),
    )
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
  async compute({ db, organisationId, periods, today }) {
    const cycles = await repo.listCycles(db, organisationId)
    const appraisals = await repo.listAppraisals(db, organisationId)
    return new Map(
      periods.map((p) => {
        const asAt = p.end < today ? p.end : today
        const cycle = cycles
          .filter((c) => c.year_end_opens <= asAt)
          .sort((a, b) => b.year - a.year)[0]
        const inCycle = cycle
          ? appraisals.filter((a) => a.cycle_id === cycle.id && ukDate(a.created_at) <= asAt)
          : []
        const done = inCycle.filter(
          (a) => a.signed_off_at !== null && ukDate(a.signed_off_at) <= asAt,
        ).length
        return [
          p.start,
          {
            numerator: done,
            denominator: inCycle.length,
            value: inCycle.length === 0 ? null : (done / inCycle.length) * 100,
            counts: cycle
              ? `${done} of ${inCycle.length} staff in the ${formatFinancialYear(cycle.year)} cycle signed off`
              : '',
          },
        ]
      }),
    )
  },
}

export const APPRAISAL_MEASURES: readonly OrganisationalComputation[] = [
  appraisalsOnTime,
  staffObjectivesLinked,
  appraisalsCompleted,
]
