import type { Kysely } from 'kysely'
import { addDays } from '../../core/periods.ts'
import type { DB } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import type { ValueService } from '../measure-values/index.ts'
import { ukDate } from '../../core/dates.ts'
import type { WorkflowNotifier } from '../notifications/index.ts'
import { holdsRoleAnywhere } from '../../core/roles.ts'
import type { UpdateService } from '../project-updates/index.ts'
import type { QueryService } from '../queries/index.ts'
import type { AppraisalService } from '../appraisals/index.ts'
import { changeMark } from '../audit/index.ts'
import * as repo from './task-repository.ts'

export type TaskKind =
  | 'value_to_enter'
  | 'value_to_approve'
  | 'update_to_approve'
  | 'update_to_write'
  | 'query_to_answer'
  | 'risk_review'
  | 'milestone_overdue'
  | 'report_narrative'
  | 'appraisal'

/** One thing a person must do, with where it is done. */
export interface Task {
  readonly kind: TaskKind
  readonly title: string
  /** What state it is in, in words ("Overdue", "Returned to you: …"). */
  readonly detail: string
  readonly href: string
  readonly due: string | null
  readonly overdue: boolean
  /** Set on what may be approved in bulk: the key the approval form sends back. */
  readonly approvalKey: string | null
}

export const TASK_GROUPS: readonly { kind: TaskKind; heading: string }[] = [
  { kind: 'value_to_enter', heading: 'Values to enter' },
  { kind: 'value_to_approve', heading: 'Values waiting for your sign-off' },
  { kind: 'update_to_approve', heading: 'Project updates waiting for your sign-off' },
  { kind: 'update_to_write', heading: 'Project updates returned to you' },
  { kind: 'query_to_answer', heading: 'Queries waiting for your answer' },
  { kind: 'risk_review', heading: 'Risk reviews due' },
  { kind: 'milestone_overdue', heading: 'Milestones past their date' },
  { kind: 'report_narrative', heading: 'Report narratives to write' },
  { kind: 'appraisal', heading: 'Appraisals and objectives' },
]

/** Risk reviews appear this many days before they fall due. */
const REVIEW_AHEAD_DAYS = 14
/** Draft reports appear when their meeting is this close. */
const MEETING_AHEAD_DAYS = 42
/** Task counts kept at most, one a person (the oldest goes first). */
const COUNTS_KEPT = 5000

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
})
const spell = (date: string) => longDate.format(new Date(`${date}T00:00:00Z`))

const VALUE_KEY = /^value:([0-9a-f-]{36}):(\d{4}-\d{2}-\d{2}):(\d+)$/
const UPDATE_KEY = /^update:([0-9a-f-]{36}):([0-9a-f-]{36}):(\d+)$/

export interface TaskDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly values: ValueService
  readonly projectUpdates: UpdateService
  readonly queries: QueryService
  readonly appraisals?: Pick<AppraisalService, 'dueFor'>
  readonly notify?: WorkflowNotifier
}

export type TaskService = ReturnType<typeof createTaskService>

/** One inbox per person: everything waiting on them, gathered from the features that hold it. */
export function createTaskService({
  db,
  clock,
  values,
  projectUpdates,
  queries,
  appraisals,
  notify,
}: TaskDeps) {
  const today = () => ukDate(clock())
  /**
   * Each person's task count as last worked out, and what it was worked out against: the day,
   * their roles and their organisation's audit mark. What is in a person's inbox changes only
   * with an audited write in their organisation (every write is one) or with the day.
   */
  const counted = new Map<string, { against: string; count: number }>()

  async function list(principal: Principal): Promise<Task[]> {
    const day = today()
    const org = principal.organisationId
    const tasks: Task[] = []
    const stateWords = {
      overdue: 'Overdue',
      returned: 'Returned to you',
      due: 'Due',
      draft: 'Draft, not yet submitted',
    }
    for (const item of await values.myUpdates(principal)) {
      const reason = item.state === 'returned' ? `: "${item.value?.returnReason ?? ''}"` : ''
      tasks.push({
        kind: 'value_to_enter',
        title: `${item.measure.code}: ${item.measure.title}, ${item.period.label}`,
        detail: `${stateWords[item.state]}${reason}${item.due ? `. Due ${spell(item.due)}` : ''}`,
        href: `/my-updates#row-${item.measure.id}-${item.period.start}-state`,
        due: item.due,
        overdue: item.state === 'overdue',
        approvalKey: null,
      })
    }
    for (const item of await values.approvalQueue(principal)) {
      if (item.ownSubmission) continue
      tasks.push({
        kind: 'value_to_approve',
        title: `${item.measure.code}: ${item.measure.title}, ${item.period.label}`,
        detail: `${item.valueText} (target ${item.targetText}), submitted by ${item.submittedByName ?? 'unknown'}`,
        href: `/approvals#${item.measure.id}-${item.period.start}`,
        due: null,
        overdue: false,
        approvalKey: `value:${item.measure.id}:${item.period.start}:${item.version}`,
      })
    }
    for (const { update, project } of await projectUpdates.awaitingMe(principal)) {
      if (!project) continue
      tasks.push({
        kind: 'update_to_approve',
        title: `${project.title}: ${update.monthLabel} update`,
        detail: `Confidence ${update.confidence}. Submitted for approval`,
        href: `/projects/${project.id}/updates/${update.id}`,
        due: null,
        overdue: false,
        approvalKey: `update:${project.id}:${update.id}:${update.version}`,
      })
    }
    for (const u of await repo.updatesReturnedTo(db, org, principal.personId)) {
      tasks.push({
        kind: 'update_to_write',
        title: `${u.project_title}: update returned to you`,
        detail: `Returned: "${u.returned_reason ?? ''}"`,
        href: `/projects/${u.project_id}/updates/${u.id}`,
        due: null,
        overdue: false,
        approvalKey: null,
      })
    }
    for (const q of await queries.awaitingMe(principal)) {
      tasks.push({
        kind: 'query_to_answer',
        title: `Query on ${q.itemTitle}`,
        detail: `${q.lastAuthor}: "${q.lastMessage}"`,
        href: `/queries/${q.id}`,
        due: null,
        overdue: false,
        approvalKey: null,
      })
    }
    for (const r of await repo.reviewsDue(
      db,
      org,
      principal.personId,
      addDays(day, REVIEW_AHEAD_DAYS),
    )) {
      const date = r.next_review_date ?? day
      tasks.push({
        kind: 'risk_review',
        title: `Risk ${r.reference}: ${r.title}`,
        detail: `${date < day ? 'Review overdue: it was' : 'Review'} due ${spell(date)}`,
        href: `/risks/${r.id}`,
        due: date,
        overdue: date < day,
        approvalKey: null,
      })
    }
    for (const m of await repo.milestonesOverdue(db, org, principal.personId, day)) {
      tasks.push({
        kind: 'milestone_overdue',
        title: `${m.project_title}: ${m.title}`,
        detail: `Was due ${spell(m.due_date)} and is not completed`,
        href: `/projects/${m.project_id}`,
        due: m.due_date,
        overdue: true,
        approvalKey: null,
      })
    }
    const everyDraft = holdsRoleAnywhere(principal, ['performance_officer', 'administrator'])
    for (const r of await repo.reportsToWrite(
      db,
      org,
      everyDraft ? null : principal.personId,
      day,
      addDays(day, MEETING_AHEAD_DAYS),
    )) {
      tasks.push({
        kind: 'report_narrative',
        title: r.title,
        detail: `Draft for the ${r.committee_name} meeting on ${spell(r.meeting_date)}: write its narrative and publish it`,
        href: `/reports/${r.id}`,
        due: r.meeting_date,
        overdue: false,
        approvalKey: null,
      })
    }
    for (const w of (await appraisals?.dueFor(principal)) ?? []) {
      tasks.push({
        kind: 'appraisal',
        title: w.title,
        detail: w.detail,
        href: w.href,
        due: w.due,
        overdue: w.overdue,
        approvalKey: null,
      })
    }
    return tasks
  }

  /** Each approval the person asked for, checked before anything is written. */
  async function prepare(principal: Principal, keys: readonly string[]) {
    const prepared: { label: string; apply: (trx: Kysely<DB>) => Promise<unknown> }[] = []
    const refused: string[] = []
    for (const key of new Set(keys)) {
      const value = VALUE_KEY.exec(key)
      const update = UPDATE_KEY.exec(key)
      try {
        if (value?.[1] && value[2] && value[3]) {
          prepared.push(
            await values.prepareApproval(principal, value[1], value[2], Number(value[3])),
          )
        } else if (update?.[1] && update[2] && update[3]) {
          prepared.push(
            await projectUpdates.prepareApproval(
              principal,
              update[1],
              update[2],
              Number(update[3]),
            ),
          )
        } else {
          throw Invalid.field('items', 'Select items from the list to approve')
        }
      } catch (error) {
        if (error instanceof Forbidden || error instanceof NotFound || error instanceof Conflict) {
          refused.push(error.message)
        } else throw error
      }
    }
    return { prepared, refused }
  }

  return {
    list,

    /**
     * How many items `list` gives the person: one statement (the organisation's audit mark)
     * when nothing was written in their organisation since it was last worked out today.
     */
    async count(principal: Principal): Promise<number> {
      const mark = await changeMark(db, principal.organisationId)
      const against = JSON.stringify([principal.organisationId, mark, today(), principal.roles])
      const known = counted.get(principal.personId)
      if (known?.against === against) return known.count
      const count = (await list(principal)).length
      counted.delete(principal.personId)
      counted.set(principal.personId, { against, count })
      if (counted.size > COUNTS_KEPT) {
        const oldest = counted.keys().next().value
        if (oldest !== undefined) counted.delete(oldest)
      }
      return count
    },

    /** What approving `keys` would approve, for the confirmation page; refuses what it may not. */
    async confirmApproval(principal: Principal, keys: readonly string[]) {
      if (keys.length === 0) throw Invalid.field('items', 'Select at least one item to approve')
      const { prepared, refused } = await prepare(principal, keys)
      if (refused.length > 0) {
        throw new Forbidden(`Nothing was approved. ${refused.join('. ')}`)
      }
      return prepared.map((p) => p.label)
    },

    /**
     * Approves every item in one transaction, each with its audit record and notices; if any one
     * may not be approved by this person, or changed since it was listed, nothing is written.
     */
    async approveMany(principal: Principal, keys: readonly string[]): Promise<string[]> {
      if (keys.length === 0) throw Invalid.field('items', 'Select at least one item to approve')
      const { prepared, refused } = await prepare(principal, keys)
      if (refused.length > 0) {
        throw new Forbidden(`Nothing was approved. ${refused.join('. ')}`)
      }
      await db.transaction().execute(async (trx) => {
        for (const p of prepared) await p.apply(trx)
      })
      await notify?.deliver(principal.organisationId)
      return prepared.map((p) => p.label)
    },
  }
}
