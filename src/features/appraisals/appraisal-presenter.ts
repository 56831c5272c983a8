import {
  RATING_NAMES,
  STAGE_NAMES,
  STAGE_STATE_NAMES,
  STAGES,
  stageState,
  type Stage,
  type StageState,
  type Window,
} from '../../core/appraisal-stages.ts'
import { formatDate } from '../../core/format.ts'
import { formatFinancialYear } from '../../core/periods.ts'
import { ukDate } from '../../core/dates.ts'
import type { AppraisalRecord, CycleRow, ObjectiveRecord } from './appraisal-repository.ts'

export function windowsOf(cycle: CycleRow): Record<Stage, Window> {
  return {
    objectives: { opens: cycle.objectives_opens, closes: cycle.objectives_closes },
    mid_year: { opens: cycle.mid_year_opens, closes: cycle.mid_year_closes },
    year_end: { opens: cycle.year_end_opens, closes: cycle.year_end_closes },
  }
}

export function presentCycle(cycle: CycleRow, today: string) {
  const windows = windowsOf(cycle)
  const current =
    STAGES.find((s) => today >= windows[s].opens && today <= windows[s].closes) ?? null
  return {
    id: cycle.id,
    year: cycle.year,
    label: formatFinancialYear(cycle.year),
    windows: STAGES.map((stage) => ({
      stage,
      name: STAGE_NAMES[stage],
      opens: windows[stage].opens,
      closes: windows[stage].closes,
      text: `${formatDate(windows[stage].opens)} to ${formatDate(windows[stage].closes)}`,
    })),
    currentStage: current,
    currentStageName: current ? STAGE_NAMES[current] : null,
    createdAt: cycle.created_at.toISOString(),
  }
}
export type CycleView = ReturnType<typeof presentCycle>

/** The day each stage was completed: objectives agreed, mid-year reviewed, year end signed off. */
export function completedOn(a: AppraisalRecord): Record<Stage, string | null> {
  const day = (at: Date | null) => (at ? ukDate(at) : null)
  return {
    objectives: day(a.objectives_agreed_at),
    mid_year: day(a.mid_year_manager_at),
    year_end: day(a.signed_off_at),
  }
}

export function stageStates(
  a: AppraisalRecord,
  cycle: CycleRow,
  today: string,
): Record<Stage, StageState> {
  const windows = windowsOf(cycle)
  const done = completedOn(a)
  return {
    objectives: stageState(windows.objectives, done.objectives, today),
    mid_year: stageState(windows.mid_year, done.mid_year, today),
    year_end: stageState(windows.year_end, done.year_end, today),
  }
}

const TAGS: Readonly<Record<StageState, string>> = {
  not_open: 'govuk-tag--grey',
  open: 'govuk-tag--blue',
  overdue: 'govuk-tag--red',
  done_on_time: 'govuk-tag--green',
  done_late: 'govuk-tag--yellow',
}

export function presentStages(a: AppraisalRecord, cycle: CycleRow, today: string) {
  const states = stageStates(a, cycle, today)
  return STAGES.map((stage) => ({
    stage,
    name: STAGE_NAMES[stage],
    state: states[stage],
    stateText: STAGE_STATE_NAMES[states[stage]],
    tagClass: TAGS[states[stage]],
  }))
}

function review(rating: number | null, comment: string | null, at: Date | null) {
  return at
    ? {
        rating,
        ratingText: rating !== null ? `${rating}: ${RATING_NAMES[rating]}` : null,
        comment,
        at: at.toISOString(),
        atText: formatDate(at),
      }
    : null
}

export interface NamedItem {
  readonly id: string
  readonly title: string
}

export function presentObjective(
  o: ObjectiveRecord,
  names: {
    readonly node?: NamedItem & { readonly planTitle: string }
    readonly measure?: NamedItem
    readonly project?: NamedItem
  },
) {
  return {
    id: o.id,
    appraisalId: o.appraisal_id,
    title: o.title,
    successMeasure: o.success_measure,
    dueDate: o.due_date,
    dueDateText: formatDate(o.due_date),
    nodeId: o.node_id,
    nodeTitle: names.node?.title ?? null,
    planTitle: names.node?.planTitle ?? null,
    measureId: o.measure_id,
    measureTitle: names.measure?.title ?? null,
    projectId: o.project_id,
    projectTitle: names.project?.title ?? null,
    position: o.position,
  }
}
export type ObjectiveView = ReturnType<typeof presentObjective>

/** The whole appraisal, ratings and all: the service gives it only to those who may read it. */
export function presentAppraisal(
  a: AppraisalRecord,
  cycle: CycleRow,
  person: { readonly id: string; readonly name: string; readonly jobTitle: string | null },
  manager: { readonly id: string; readonly name: string } | null,
  today: string,
) {
  return {
    id: a.id,
    cycleId: a.cycle_id,
    year: cycle.year,
    yearLabel: formatFinancialYear(cycle.year),
    person: { id: person.id, name: person.name, jobTitle: person.jobTitle },
    lineManager: manager ? { id: manager.id, name: manager.name } : null,
    stages: presentStages(a, cycle, today),
    objectivesAgreedAt: a.objectives_agreed_at?.toISOString() ?? null,
    objectivesAgreedText: a.objectives_agreed_at ? formatDate(a.objectives_agreed_at) : null,
    midYear: {
      self: review(a.mid_year_self_rating, a.mid_year_self_comment, a.mid_year_self_at),
      manager: review(a.mid_year_manager_rating, a.mid_year_manager_comment, a.mid_year_manager_at),
    },
    yearEnd: {
      self: review(a.year_end_self_rating, a.year_end_self_comment, a.year_end_self_at),
      manager: review(a.year_end_manager_rating, a.year_end_manager_comment, a.year_end_manager_at),
    },
    signedOffAt: a.signed_off_at?.toISOString() ?? null,
    signedOffText: a.signed_off_at ? formatDate(a.signed_off_at) : null,
    version: a.version,
  }
}
export type AppraisalView = ReturnType<typeof presentAppraisal>
