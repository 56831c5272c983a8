import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { authRepository as authRepo } from '../auth/index.ts'
import type { Principal } from '../../core/principal.ts'
import { measurePolicy } from '../measures/index.ts'
import { projectPolicy } from '../projects/index.ts'
import * as repo from './notification-repository.ts'
import type { ValueEvent, ValueNotifier } from '../measure-values/index.ts'
import type { UpdateEvent, UpdateNotifier } from '../project-updates/index.ts'

/** What a feature calls when its workflow moves; the notifications feature provides it. */
export interface WorkflowNotifier extends ValueNotifier, UpdateNotifier {}

/** The dedupe keys a value's notices use, so they can be resolved once the task is done. */
export const valueKeys = (measureId: string, start: string) => ({
  due: `value_due:${measureId}:${start}`,
  overdue: `value_overdue:${measureId}:${start}`,
  escalated: `value_escalated:${measureId}:${start}`,
  approval: (version: number | '%') => `approval_requested:${measureId}:${start}:${version}`,
  returned: (version: number | '%') => `value_returned:${measureId}:${start}:${version}`,
  approved: (version: number) => `value_approved:${measureId}:${start}:${version}`,
})

export const updateKeys = (updateId: string) => ({
  approval: (version: number | '%') => `update_approval_requested:${updateId}:${version}`,
  returned: (version: number | '%') => `update_returned:${updateId}:${version}`,
  approved: (version: number) => `update_approved:${updateId}:${version}`,
})

/** Active people of the organisation holding one of `roles` anywhere, as principals. */
export async function principalsWithRole(
  db: Kysely<DB>,
  organisationId: string,
  roles: readonly string[],
  named: readonly (string | null)[] = [],
): Promise<Principal[]> {
  const rows = await db
    .selectFrom('role_assignments')
    .select('person_id')
    .distinct()
    .where('organisation_id', '=', organisationId)
    .where('role', 'in', roles as never)
    .execute()
  const ids = new Set([
    ...rows.map((r) => r.person_id),
    ...named.filter((id): id is string => id !== null),
  ])
  const out: Principal[] = []
  for (const id of ids) {
    const p = await authRepo.loadPrincipal(db, id)
    if (p?.organisationId === organisationId) out.push(p)
  }
  return out
}

/** Whom to ask to sign off a submitted value: approvers of it who did not submit it. */
export async function valueApprovers(
  db: Kysely<DB>,
  e: Pick<ValueEvent, 'organisationId' | 'measure' | 'submittedBy' | 'enteredBy' | 'tree'>,
): Promise<Principal[]> {
  const candidates = await principalsWithRole(
    db,
    e.organisationId,
    ['approver'],
    [e.measure.approverId],
  )
  return candidates.filter(
    (p) =>
      measurePolicy.canViewMeasure(p, e.measure, e.tree) &&
      measurePolicy.canApproveValue(
        p,
        e.measure,
        { submittedBy: e.submittedBy, enteredBy: e.enteredBy },
        e.tree,
      ),
  )
}

/** Whom to ask to sign off a submitted project update. */
export async function updateApprovers(
  db: Kysely<DB>,
  e: Pick<UpdateEvent, 'organisationId' | 'scope' | 'update' | 'tree'>,
): Promise<Principal[]> {
  const candidates = await principalsWithRole(db, e.organisationId, ['approver'], e.scope.sroIds)
  return candidates.filter(
    (p) =>
      projectPolicy.canViewProject(p, e.scope, e.tree) &&
      projectPolicy.canApproveUpdate(
        p,
        e.scope,
        { submittedBy: e.update.submittedBy, authorId: e.update.authorId },
        e.tree,
      ),
  )
}

const others = (ids: readonly (string | null)[], actorId: string | null) => [
  ...new Set(ids.filter((id): id is string => id !== null && id !== actorId)),
]

/** The notifier: in-app notices made and resolved in the caller's transaction. */
export function createWorkflowNotifier(deps: {
  readonly clock: () => Date
  readonly deliver: (organisationId: string) => Promise<void>
}): WorkflowNotifier {
  const { clock } = deps

  async function add(
    trx: Kysely<DB>,
    organisationId: string,
    to: readonly string[],
    n: Omit<repo.NewNotification, 'organisation_id' | 'person_id'>,
  ) {
    await repo.insertNew(
      trx,
      to.map((personId) => ({ ...n, organisation_id: organisationId, person_id: personId })),
      clock(),
    )
  }

  return {
    async valueChanged(trx, e) {
      const keys = valueKeys(e.measure.id, e.period.start)
      const what = `${e.measure.code} ${e.period.label}`
      const link = `/measures/${e.measure.id}`
      const enterers = others([e.submittedBy, e.enteredBy, e.measure.dataEntryOfficerId], e.actorId)
      // Entering the value ends every reminder to enter it; a decision ends the request for one.
      const done =
        e.change === 'submitted'
          ? [keys.due, keys.overdue, keys.escalated, keys.returned('%')]
          : [keys.approval('%'), keys.due, keys.overdue, keys.escalated]
      await repo.resolve(trx, e.organisationId, done, clock())
      if (e.change === 'submitted') {
        const approvers = await valueApprovers(trx, e)
        await add(
          trx,
          e.organisationId,
          approvers.map((p) => p.personId),
          {
            kind: 'approval_requested',
            subject: `${what} is waiting for your approval`,
            body: `A value for ${e.measure.code} ${e.measure.title}, ${e.period.label}, has been submitted for approval.`,
            link: '/tasks',
            dedupe_key: keys.approval(e.version),
          },
        )
      } else if (e.change === 'returned') {
        await add(trx, e.organisationId, enterers, {
          kind: 'value_returned',
          subject: `${what} was returned to you`,
          body: `The value for ${e.measure.code} ${e.measure.title}, ${e.period.label}, was returned: "${e.reason ?? ''}". Correct it and submit it again.`,
          link: '/my-updates',
          dedupe_key: keys.returned(e.version),
        })
      } else {
        await add(trx, e.organisationId, enterers, {
          kind: 'value_approved',
          subject: `${what} was approved`,
          body: `The value for ${e.measure.code} ${e.measure.title}, ${e.period.label}, was approved.`,
          link,
          dedupe_key: keys.approved(e.version),
        })
      }
    },

    async valuesChanged(trx, events) {
      const [first] = events
      if (!first) return
      const org = first.organisationId
      if (events.length === 1 || events.some((e) => e.change === 'returned')) {
        for (const e of events) await this.valueChanged(trx, e)
        return
      }
      // What each step ends, as valueChanged resolves it, matched in memory: notices still
      // open are few, the values many.
      const ending = new Map<string, Set<string>>()
      for (const e of events) {
        const ends =
          e.change === 'submitted'
            ? ['value_due', 'value_overdue', 'value_escalated', 'value_returned']
            : ['approval_requested', 'value_due', 'value_overdue', 'value_escalated']
        ending.set(`${e.measure.id}:${e.period.start}`, new Set(ends))
      }
      const open = await repo.unresolvedOfKinds(trx, org, [
        'value_due',
        'value_overdue',
        'value_escalated',
        'value_returned',
        'approval_requested',
      ])
      const done = open.filter((n) => {
        const [kind = '', measureId, start] = n.dedupe_key.split(':')
        return ending.get(`${measureId}:${start}`)?.has(kind) === true
      })
      const now = clock()
      await repo.resolveIds(
        trx,
        done.map((n) => n.id),
        now,
      )
      // Approvers are the same people for every value: read once, then judged per value.
      const approverIds = [...new Set(events.map((e) => e.measure.approverId))]
      const candidates = events.some((e) => e.change === 'submitted')
        ? await principalsWithRole(trx, org, ['approver'], approverIds)
        : []
      const rows: repo.NewNotification[] = []
      for (const e of events) {
        const keys = valueKeys(e.measure.id, e.period.start)
        const what = `${e.measure.code} ${e.period.label}`
        const to =
          e.change === 'submitted'
            ? candidates
                .filter(
                  (p) =>
                    (p.roles.some((r) => r.role === 'approver') ||
                      p.personId === e.measure.approverId) &&
                    measurePolicy.canViewMeasure(p, e.measure, e.tree) &&
                    measurePolicy.canApproveValue(
                      p,
                      e.measure,
                      { submittedBy: e.submittedBy, enteredBy: e.enteredBy },
                      e.tree,
                    ),
                )
                .map((p) => p.personId)
            : e.change === 'approved'
              ? others([e.submittedBy, e.enteredBy, e.measure.dataEntryOfficerId], e.actorId)
              : []
        const notice =
          e.change === 'submitted'
            ? {
                kind: 'approval_requested',
                subject: `${what} is waiting for your approval`,
                body: `A value for ${e.measure.code} ${e.measure.title}, ${e.period.label}, has been submitted for approval.`,
                link: '/tasks',
                dedupe_key: keys.approval(e.version),
              }
            : {
                kind: 'value_approved',
                subject: `${what} was approved`,
                body: `The value for ${e.measure.code} ${e.measure.title}, ${e.period.label}, was approved.`,
                link: `/measures/${e.measure.id}`,
                dedupe_key: keys.approved(e.version),
              }
        for (const personId of to) {
          rows.push({ ...notice, organisation_id: org, person_id: personId })
        }
      }
      await repo.insertNew(trx, rows, now)
    },

    async updateChanged(trx, e) {
      const keys = updateKeys(e.update.id)
      const what = `The ${e.update.monthLabel} update of "${e.project.title}"`
      const link = `/projects/${e.project.id}/updates/${e.update.id}`
      const writers = others([e.update.submittedBy, e.update.authorId], e.actorId)
      await repo.resolve(
        trx,
        e.organisationId,
        e.change === 'submitted' ? [keys.returned('%')] : [keys.approval('%')],
        clock(),
      )
      if (e.change === 'submitted') {
        const approvers = await updateApprovers(trx, e)
        await add(
          trx,
          e.organisationId,
          approvers.map((p) => p.personId),
          {
            kind: 'update_approval_requested',
            subject: `${what} is waiting for your approval`,
            body: `${what} has been submitted for approval.`,
            link,
            dedupe_key: keys.approval(e.update.version),
          },
        )
      } else if (e.change === 'returned') {
        await add(trx, e.organisationId, writers, {
          kind: 'update_returned',
          subject: `${what} was returned to you`,
          body: `${what} was returned: "${e.reason ?? ''}". Change it and submit it again.`,
          link,
          dedupe_key: keys.returned(e.update.version),
        })
      } else {
        await add(trx, e.organisationId, writers, {
          kind: 'update_approved',
          subject: `${what} was approved`,
          body: `${what} was approved.`,
          link,
          dedupe_key: keys.approved(e.update.version),
        })
      }
    },

    deliver: deps.deliver,
  }
}
