// Appraisal work: what waits on whom as of a day (the stages open or overdue of this year's cycle and
// last year's), for each person's inbox and the daily reminders.
import { STAGE_NAMES, STAGES, type Stage, type StageState } from '../../core/appraisal-stages.ts'
import { formatDate } from '../../core/format.ts'
import { addDays, formatFinancialYear } from '../../core/periods.ts'
import { type Principal } from '../../core/principal.ts'
import { stageStates, windowsOf } from './appraisal-presenter.ts'
import * as repo from './appraisal-repository.ts'
import type { AppraisalCore } from './appraisal-core.ts'

/** The inbox and the reminders look at this many of the latest cycles. */
const CYCLES_IN_VIEW = 2
/** Reminders that a window is closing start this many days before it closes. */
const REMIND_DAYS = 14

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

/** The inbox and the reminders; part of the appraisal service (appraisal-service.ts). */
export function workOperations(core: AppraisalCore) {
  const { db, today } = core

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
