import type { Kysely } from 'kysely'
import { parsePeriodStart } from '../../core/periods.ts'
import type { DB } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { recordAudit, actorOf } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import {
  measurePolicy,
  measureRepository as measureRepo,
  scopeOf,
  type MeasureService,
} from '../measures/index.ts'
import { unitTreeOf } from '../organisation/index.ts'
import {
  principalsWithRole,
  notificationRepository as notificationRepo,
} from '../notifications/index.ts'
import { holdsRole } from '../../core/roles.ts'
import type { UnitTree } from '../../core/unit-tree.ts'
import { monthLabel, updateRepository as updateRepo } from '../project-updates/index.ts'
import { projectPolicy, type ProjectService } from '../projects/index.ts'
import * as repo from './query-repository.ts'

export interface QueryDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly measures: MeasureService
  readonly projects: ProjectService
}

export const QUERY_MAX = 2000

/** What a query is about, and who is on it: the thread's participants besides its raiser. */
interface Subject {
  readonly title: string
  readonly href: string
  readonly unitId: string | null
  /** The people who entered, submitted or sign off the item; asked to answer. */
  readonly answerers: readonly string[]
  /** Roles over the unit that answer when nobody is named. */
  readonly fallbackRoles: readonly ('data_entry' | 'approver')[]
  readonly auditType: 'measure' | 'project_update'
  readonly auditId: string
}

export interface QueryView {
  readonly id: string
  readonly status: 'open' | 'closed'
  readonly itemTitle: string
  readonly href: string
  readonly periodStart: string | null
  readonly messages: readonly { author: string; body: string; at: string }[]
  readonly lastAuthor: string
  readonly lastAuthorId: string | null
  readonly lastMessage: string
  readonly canReply: boolean
  readonly canClose: boolean
}

export type QueryService = ReturnType<typeof createQueryService>

const named = (ids: readonly (string | null)[]) => [
  ...new Set(ids.filter((id): id is string => id !== null)),
]

/**
 * Critical friend (Redditch): the performance team queries a value or a project update; the
 * officer and the approver answer in a thread kept with the item. A query returns nothing: the
 * item's status is untouched.
 */
export function createQueryService({ db, clock, measures, projects }: QueryDeps) {
  async function subjectOf(
    principal: Principal,
    row: repo.QueryRow,
    tree: UnitTree,
  ): Promise<Subject | null> {
    const org = principal.organisationId
    if (row.item_type === 'measure_value' && row.measure_id && row.period_start) {
      const m = await measureRepo.findMeasure(db, org, row.measure_id)
      if (!m || !measurePolicy.canViewMeasure(principal, scopeOf(m), tree)) return null
      const v = await measureRepo.findValue(db, org, m.id, row.period_start)
      const period = parsePeriodStart({ frequency: m.frequency, start: row.period_start })
      return {
        title: `${m.code} ${m.title}, ${period.label}`,
        href: `/measures/${m.id}#queries`,
        unitId: m.unit_id,
        answerers: named([
          m.data_entry_id,
          m.approver_id,
          v?.entered_by ?? null,
          v?.submitted_by ?? null,
          v?.approved_by ?? null,
        ]),
        fallbackRoles: ['data_entry', 'approver'],
        auditType: 'measure',
        auditId: m.id,
      }
    }
    if (row.item_type === 'project_update' && row.update_id) {
      const u = await updateRepo.findUpdate(db, org, row.update_id)
      if (!u) return null
      const portfolio = await projects.load(org)
      const project = portfolio.rows.get(u.project_id)
      const scope = portfolio.scope(u.project_id)
      if (!project || !projectPolicy.canViewProject(principal, scope, portfolio.tree)) return null
      return {
        title: `the ${monthLabel(u.month)} update of "${project.title}"`,
        href: `/projects/${u.project_id}/updates/${u.id}#queries`,
        unitId: project.lead_unit_id,
        answerers: named([
          u.author_id,
          u.submitted_by,
          u.approved_by,
          project.manager_id,
          project.sro_id,
        ]),
        fallbackRoles: ['approver'],
        auditType: 'project_update',
        auditId: u.id,
      }
    }
    return null
  }

  const isTeam = (principal: Principal, unitId: string | null, tree: UnitTree) =>
    holdsRole(principal, ['performance_officer'], unitId, tree)

  /** May answer: on the thread by name, by role when nobody is named, or the raising team. */
  function mayReply(principal: Principal, row: repo.QueryRow, s: Subject, tree: UnitTree) {
    const me = principal.personId
    return (
      row.raised_by === me ||
      isTeam(principal, s.unitId, tree) ||
      s.answerers.includes(me) ||
      holdsRole(principal, s.fallbackRoles, s.unitId, tree)
    )
  }

  /** Everyone to tell of a new message: raiser, answerers (or role holders), past authors. */
  async function audience(
    org: string,
    row: repo.QueryRow,
    s: Subject,
    tree: UnitTree,
    authors: readonly (string | null)[],
  ): Promise<string[]> {
    let answerers = [...s.answerers]
    if (answerers.length === 0) {
      const holders = await principalsWithRole(db, org, s.fallbackRoles)
      answerers = holders
        .filter((p) => holdsRole(p, s.fallbackRoles, s.unitId, tree))
        .map((p) => p.personId)
    }
    return named([row.raised_by, ...answerers, ...authors])
  }

  async function post(
    principal: Principal,
    row: repo.QueryRow,
    s: Subject,
    tree: UnitTree,
    body: string,
    action: 'query_raised' | 'query_answered',
  ) {
    const org = principal.organisationId
    const now = clock()
    const earlier = await repo.messagesOf(db, org, [row.id])
    await db.transaction().execute(async (trx) => {
      const message = await repo.insertMessage(trx, {
        organisation_id: org,
        query_id: row.id,
        author_id: principal.personId,
        author_name: principal.name,
        body,
        created_at: now,
      })
      await repo.touchQuery(trx, org, row.id, now)
      // Answering ends this person's own notices of the thread.
      await notificationRepo.resolve(trx, org, [`query:${row.id}:%`], now, principal.personId)
      const to = (
        await audience(
          org,
          row,
          s,
          tree,
          earlier.map((m) => m.author_id),
        )
      ).filter((id) => id !== principal.personId)
      await notificationRepo.insertNew(
        trx,
        to.map((personId) => ({
          organisation_id: org,
          person_id: personId,
          kind: action === 'query_raised' ? 'query_raised' : 'query_answered',
          subject:
            action === 'query_raised'
              ? `Query on ${s.title}`
              : `${principal.name} replied to the query on ${s.title}`,
          body: `${principal.name}: "${body}"`,
          link: `/queries/${row.id}`,
          dedupe_key: `query:${row.id}:${message.id}`,
        })),
        now,
      )
      await recordAudit(
        trx,
        {
          organisationId: org,
          actor: actorOf(principal),
          action,
          itemType: s.auditType,
          itemId: s.auditId,
          summary: `${action === 'query_raised' ? 'Queried' : 'Replied on the query on'} ${s.title}: "${body}"`,
          after: { queryId: row.id, body },
        },
        clock,
      )
    })
  }

  function readBody(body: string | undefined): string {
    const text = (body ?? '').trim()
    if (text === '') throw Invalid.field('body', 'Enter your comment')
    if (text.length > QUERY_MAX) {
      throw Invalid.field('body', `Your comment must be ${QUERY_MAX} characters or fewer`)
    }
    return text
  }

  async function present(
    principal: Principal,
    rows: readonly repo.QueryRow[],
    tree: UnitTree,
  ): Promise<QueryView[]> {
    const org = principal.organisationId
    const messages = await repo.messagesOf(
      db,
      org,
      rows.map((r) => r.id),
    )
    const out: QueryView[] = []
    for (const row of rows) {
      const s = await subjectOf(principal, row, tree)
      if (!s) continue
      const own = messages.filter((m) => m.query_id === row.id)
      const last = own.at(-1)
      const open = row.status === 'open'
      out.push({
        id: row.id,
        status: row.status,
        itemTitle: s.title,
        href: s.href,
        periodStart: row.period_start,
        messages: own.map((m) => ({
          author: m.author_name,
          body: m.body,
          at: m.created_at.toISOString(),
        })),
        lastAuthor: last?.author_name ?? '',
        lastAuthorId: last?.author_id ?? null,
        lastMessage: last?.body ?? '',
        canReply: open && mayReply(principal, row, s, tree),
        canClose:
          open && (row.raised_by === principal.personId || isTeam(principal, s.unitId, tree)),
      })
    }
    return out
  }

  async function requireQuery(principal: Principal, id: string) {
    const tree = await unitTreeOf(db, principal.organisationId)
    const row = await repo.findQuery(db, principal.organisationId, id)
    const s = row ? await subjectOf(principal, row, tree) : null
    if (!row || !s) throw new NotFound('Query not found')
    return { row, s, tree }
  }

  return {
    /** The performance team queries a value, without returning it. */
    async raiseOnValue(principal: Principal, measureId: string, start: string, text?: string) {
      const { row: m, tree } = await measures.requireMeasure(principal, measureId)
      if (!isTeam(principal, m.unit_id, tree)) {
        throw new Forbidden('Only the performance team can query a value')
      }
      const value = await measureRepo.findValue(db, principal.organisationId, m.id, start)
      if (!value) throw new NotFound(`${m.code} has no value for that period`)
      const body = readBody(text)
      const row = await repo.insertQuery(db, {
        organisation_id: principal.organisationId,
        item_type: 'measure_value',
        measure_id: m.id,
        period_start: value.period_start,
        update_id: null,
        raised_by: principal.personId,
      })
      const s = await subjectOf(principal, row, tree)
      if (!s) throw new NotFound('Measure not found')
      await post(principal, row, s, tree, body, 'query_raised')
      return (await present(principal, [row], tree))[0]
    },

    /** The performance team queries a project update, without returning it. */
    async raiseOnUpdate(principal: Principal, projectId: string, updateId: string, text?: string) {
      const { row: project, portfolio } = await projects
        .requireProject(principal, projectId)
        .then((r) => ({ row: r.project, portfolio: r.portfolio }))
      const update = await updateRepo.findUpdate(db, principal.organisationId, updateId)
      if (update?.project_id !== projectId) throw new NotFound('Update not found')
      if (!isTeam(principal, project.leadUnitId, portfolio.tree)) {
        throw new Forbidden('Only the performance team can query a project update')
      }
      const body = readBody(text)
      const row = await repo.insertQuery(db, {
        organisation_id: principal.organisationId,
        item_type: 'project_update',
        measure_id: null,
        period_start: null,
        update_id: updateId,
        raised_by: principal.personId,
      })
      const s = await subjectOf(principal, row, portfolio.tree)
      if (!s) throw new NotFound('Update not found')
      await post(principal, row, s, portfolio.tree, body, 'query_raised')
      return (await present(principal, [row], portfolio.tree))[0]
    },

    async get(principal: Principal, id: string): Promise<QueryView> {
      const { row, tree } = await requireQuery(principal, id)
      const [view] = await present(principal, [row], tree)
      if (!view) throw new NotFound('Query not found')
      return view
    },

    async reply(principal: Principal, id: string, text?: string) {
      const { row, s, tree } = await requireQuery(principal, id)
      if (!mayReply(principal, row, s, tree)) throw new Forbidden('You are not on this query')
      if (row.status !== 'open') throw new Conflict('This query is closed')
      const body = readBody(text)
      await post(principal, row, s, tree, body, 'query_answered')
    },

    async close(principal: Principal, id: string) {
      const { row, s, tree } = await requireQuery(principal, id)
      if (row.raised_by !== principal.personId && !isTeam(principal, s.unitId, tree)) {
        throw new Forbidden('Only the performance team can close a query')
      }
      const now = clock()
      await db.transaction().execute(async (trx) => {
        const closed = await repo.closeQuery(
          trx,
          principal.organisationId,
          id,
          principal.personId,
          now,
        )
        if (!closed) throw new Conflict('This query is already closed')
        await notificationRepo.resolve(trx, principal.organisationId, [`query:${id}:%`], now)
        await recordAudit(
          trx,
          {
            organisationId: principal.organisationId,
            actor: actorOf(principal),
            action: 'query_closed',
            itemType: s.auditType,
            itemId: s.auditId,
            summary: `Closed the query on ${s.title}`,
          },
          clock,
        )
      })
    },

    /**
     * The threads kept with a measure's values, or with one project update, and whether this
     * person may raise a new one there.
     */
    async on(principal: Principal, on: { measureId: string } | { updateId: string }) {
      const org = principal.organisationId
      const tree = await unitTreeOf(db, org)
      const rows = await repo.queriesOn(db, org, on)
      let unitId: string | null
      if ('measureId' in on) {
        unitId = (await measureRepo.findMeasure(db, org, on.measureId))?.unit_id ?? null
      } else {
        const u = await updateRepo.findUpdate(db, org, on.updateId)
        const p = u ? (await projects.load(org)).rows.get(u.project_id) : undefined
        unitId = p?.lead_unit_id ?? null
      }
      return {
        threads: await present(principal, rows, tree),
        mayRaise: isTeam(principal, unitId, tree),
      }
    },

    /** Open threads where the last word is someone else's and this person is to answer. */
    async awaitingMe(principal: Principal): Promise<QueryView[]> {
      const tree = await unitTreeOf(db, principal.organisationId)
      const rows = await repo.openQueries(db, principal.organisationId)
      const views = await present(principal, rows, tree)
      const mine: QueryView[] = []
      for (const [i, view] of views.entries()) {
        const row = rows.find((r) => r.id === view.id) ?? rows[i]
        if (!row || !view.canReply || view.lastAuthorId === principal.personId) continue
        const s = await subjectOf(principal, row, tree)
        if (!s) continue
        // The team sees its own threads back, not every thread in its units.
        const named_ =
          row.raised_by === principal.personId || s.answerers.includes(principal.personId)
        const byRole =
          s.answerers.length === 0 && holdsRole(principal, s.fallbackRoles, s.unitId, tree)
        if (named_ || byRole) mine.push(view)
      }
      return mine
    },
  }
}
