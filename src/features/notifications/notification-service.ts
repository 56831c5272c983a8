import type { Kysely } from 'kysely'
import type { Config } from '../../config.ts'
import { formatDate, plural } from '../../core/format.ts'
import { isIsoDate, parsePeriodStart } from '../../core/periods.ts'
import type { DB } from '../../db/schema.ts'
import { Invalid, NotFound } from '../../errors.ts'
import { recordAudit } from '../audit/index.ts'
import { authRepository as authRepo } from '../auth/index.ts'
import type { Principal } from '../../core/principal.ts'
import { entersFor, handsOn, outstandingFrom, outstandingPeriods } from '../measure-values/index.ts'
import { measurePolicy, measureRepository as measureRepo, scopeOf } from '../measures/index.ts'
import { ukDate } from '../../core/dates.ts'
import { unitTreeOf, organisationRepository as orgRepo } from '../organisation/index.ts'
import {
  canViewProject,
  type ProjectService,
  projectRepository as projectRepo,
} from '../projects/index.ts'
import { monthLabel } from '../project-updates/index.ts'
import { canViewRegister, riskRepository as riskRepo } from '../risks/index.ts'
import { createWorkflowNotifier, updateApprovers } from './notification-events.ts'
import { digestEmail, notificationEmail, type Mailer } from './notification-mailer.ts'
import * as repo from './notification-repository.ts'
import {
  isPast,
  valueReminder,
  type NotificationKind,
  type ReminderSettings,
  type ReminderSource,
} from './notification-rules.ts'

export interface NotificationDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly config: Pick<Config, 'publicUrl' | 'serviceName'> & {
    readonly reminders: ReminderSettings
  }
  /** null: e-mail is off; notifications stay in the service. */
  readonly mailer: Mailer | null
  /** The portfolio of programmes and projects, to ask approvers to sign off updates. */
  readonly projects?: Pick<ProjectService, 'load'>
  /** Reminders other features raise in the same daily run. */
  readonly extraReminders?: readonly ReminderSource[]
  /** Where e-mail failures are reported (they are retried on the next run). */
  readonly warn?: (message: string) => void
}

export interface RunCounts {
  readonly created: Record<NotificationKind, number>
  readonly emailed: number
  readonly emailFailed: number
  /** A run of `once` found the day already run (by another instance): it did nothing. */
  readonly alreadyRun?: boolean
}

/** The run is the system, not a person: its audit record names it so. */
const REMINDERS_ACTOR = { personId: null, name: 'Daily reminders' }
/** An e-mail is worth sending for a few days; older unsent ones (e-mail was off) stay in-app. */
const EMAIL_WITHIN_MS = 7 * 24 * 60 * 60 * 1000
/** A claim on an e-mail this old belongs to a run that died while sending: try it again. */
const CLAIM_STALE_MS = 60 * 60 * 1000

const KINDS: readonly NotificationKind[] = [
  'value_due',
  'value_overdue',
  'value_escalated',
  'approval_requested',
  'update_approval_requested',
  'risk_review_overdue',
  'milestone_overdue',
  'appraisal_due',
  'appraisal_overdue',
]

const spell = (date: string) => formatDate(date)

function idsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** "3 notifications (1 value due, …)": for the audit trail and the command line. */
export function describeCounts(counts: Record<NotificationKind, number>): string {
  const total = KINDS.reduce((sum, k) => sum + counts[k], 0)
  const each = KINDS.map((k) => `${counts[k]} ${k.replaceAll('_', ' ')}`).join(', ')
  return `${plural(total, 'notification', 'notifications')} (${each})`
}

export type NotificationService = ReturnType<typeof createNotificationService>

export function createNotificationService({
  db,
  clock,
  config,
  mailer,
  projects: portfolioSource,
  extraReminders = [],
  warn = (message) => console.warn(message),
}: NotificationDeps) {
  /** Everyone active in the organisation, as the permission rules see them. */
  async function principalsOf(organisationId: string): Promise<Map<string, Principal>> {
    const people = await db
      .selectFrom('people')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('active', '=', true)
      .execute()
    const principals = new Map<string, Principal>()
    for (const { id } of people) {
      const principal = await authRepo.loadPrincipal(db, id)
      if (principal) principals.set(id, principal)
    }
    return principals
  }

  /** Every notification due as of `today`, before dedupe. */
  async function reminders(organisationId: string, today: string): Promise<repo.NewNotification[]> {
    const people = await principalsOf(organisationId)
    const everyone = [...people.values()]
    const tree = await unitTreeOf(db, organisationId)
    const out: repo.NewNotification[] = []
    const notify = (
      to: readonly Principal[],
      n: Omit<repo.NewNotification, 'organisation_id' | 'person_id'>,
    ) => {
      for (const p of new Set(to)) {
        out.push({ ...n, organisation_id: organisationId, person_id: p.personId })
      }
    }

    // Measures: the named officer or approver when there is one, else those holding the role.
    const measures = await measureRepo.listMeasures(db, organisationId, {})
    const named = (id: string | null) => (id === null ? undefined : people.get(id))
    const sees = (m: measureRepo.MeasureListRow) => (p: Principal) =>
      measurePolicy.canViewMeasure(p, scopeOf(m), tree)
    const enterersOf = (m: measureRepo.MeasureListRow) => {
      const officer = named(m.data_entry_id)
      const list = officer ? [officer] : everyone.filter((p) => entersFor(p, m, tree))
      return list.filter(sees(m))
    }
    const approversOf = (m: measureRepo.MeasureListRow) => {
      const approver = named(m.approver_id)
      const list = approver
        ? [approver]
        : everyone.filter((p) => measurePolicy.isApproverOf(p, scopeOf(m), tree))
      return list.filter(sees(m))
    }
    const active = measures.filter((m) => m.status === 'active' && m.formula === null)
    const values = await measureRepo.listValues(
      db,
      organisationId,
      active.map((m) => m.id),
      outstandingFrom(today),
    )
    const byKey = new Map(values.map((v) => [`${v.measure_id}:${v.period_start}`, v]))
    for (const m of active) {
      for (const { period, due } of outstandingPeriods(m, byKey, today)) {
        const reminder = valueReminder(due, today, config.reminders)
        if (reminder === null || due === null) continue
        const what = `${m.code} ${m.title}, ${period.label}`
        const link = `/measures/${m.id}`
        const key = `${m.id}:${period.start}`
        if (reminder === 'due') {
          notify(enterersOf(m), {
            kind: 'value_due',
            subject: `${m.code} ${period.label} is due on ${spell(due)}`,
            body: `A value for ${what} is due on ${spell(due)}.`,
            link,
            dedupe_key: `value_due:${key}`,
          })
          continue
        }
        notify(enterersOf(m), {
          kind: 'value_overdue',
          subject: `${m.code} ${period.label} is overdue`,
          body: `A value for ${what} was due on ${spell(due)} and has not been submitted.`,
          link,
          dedupe_key: `value_overdue:${key}`,
        })
        if (reminder === 'escalate') {
          notify(approversOf(m), {
            kind: 'value_escalated',
            subject: `${m.code} ${period.label} is overdue by more than ${config.reminders.escalateAfter} working days`,
            body: `A value for ${what} was due on ${spell(due)} and has still not been submitted. You approve this measure.`,
            link,
            dedupe_key: `value_escalated:${key}`,
          })
        }
      }
    }

    const byId = new Map(measures.map((m) => [m.id, m]))
    for (const v of await measureRepo.submittedValues(db, organisationId, null)) {
      const m = byId.get(v.measure_id)
      if (!m) continue
      const period = parsePeriodStart({ frequency: m.frequency, start: v.period_start })
      // Never ask someone to approve a value they entered, changed or submitted: they may not.
      const to = approversOf(m).filter((p) =>
        measurePolicy.canApproveValue(p, scopeOf(m), handsOn(v), tree),
      )
      notify(to, {
        kind: 'approval_requested',
        subject: `${m.code} ${period.label} is waiting for your approval`,
        body: `A value for ${m.code} ${m.title}, ${period.label}, has been submitted for approval.`,
        link: '/tasks',
        dedupe_key: `approval_requested:${m.id}:${v.period_start}:${v.version}`,
      })
    }

    const registers = new Map(
      (await riskRepo.listRegisters(db, organisationId)).map((r) => [r.id, r]),
    )
    for (const risk of await riskRepo.listRisks(db, organisationId)) {
      if (risk.status !== 'open' || !isPast(risk.next_review_date, today)) continue
      const owner = named(risk.owner_id)
      const register = registers.get(risk.register_id)
      if (!owner || !register || !canViewRegister(owner, { unitId: register.unit_id }, tree))
        continue
      const reviewDate = risk.next_review_date ?? today
      notify([owner], {
        kind: 'risk_review_overdue',
        subject: `Risk ${risk.reference} was due for review on ${spell(reviewDate)}`,
        body: `Risk ${risk.reference} ${risk.title} was due for review on ${spell(reviewDate)}. You own this risk.`,
        link: `/risks/${risk.id}`,
        dedupe_key: `risk_review_overdue:${risk.id}:${reviewDate}`,
      })
    }

    const projects = new Map(
      (await projectRepo.listProjects(db, organisationId)).map((p) => [p.id, p]),
    )
    for (const milestone of await projectRepo.listMilestones(db, organisationId)) {
      // A milestone with no date set is never overdue.
      if (milestone.due_date === null) continue
      if (milestone.status === 'completed' || !isPast(milestone.due_date, today)) continue
      const project = projects.get(milestone.project_id)
      if (!project) continue
      const manager = named(project.manager_id) ?? named(project.sro_id)
      // The project's own scope, without those it sits under: it can only narrow who sees it.
      const scope = {
        leadUnitId: project.lead_unit_id,
        partnerUnitIds: idsOf(project.partner_unit_ids),
        leadId: project.manager_id,
        sroIds: project.sro_id ? [project.sro_id] : [],
        managerIds: project.manager_id ? [project.manager_id] : [],
      }
      if (!manager || !canViewProject(manager, scope, tree)) continue
      notify([manager], {
        kind: 'milestone_overdue',
        subject: `Milestone overdue: ${milestone.title}`,
        body: `The milestone "${milestone.title}" of ${project.code ? `${project.code} ` : ''}${project.title} was due on ${spell(milestone.due_date)} and is not completed.`,
        link: `/projects/${project.id}`,
        dedupe_key: `milestone_overdue:${milestone.id}:${milestone.due_date}`,
      })
    }

    // Project updates waiting for sign-off, to those who may approve them.
    if (portfolioSource) {
      const portfolio = await portfolioSource.load(organisationId)
      const waiting = await db
        .selectFrom('project_updates')
        .select(['id', 'project_id', 'month', 'version', 'author_id', 'submitted_by'])
        .where('organisation_id', '=', organisationId)
        .where('status', '=', 'submitted')
        .execute()
      for (const u of waiting) {
        const project = portfolio.rows.get(u.project_id)
        if (!project) continue
        const update = {
          id: u.id,
          monthLabel: monthLabel(u.month),
          version: u.version,
          authorId: u.author_id,
          submittedBy: u.submitted_by,
        }
        const scope = portfolio.scope(u.project_id)
        const to = await updateApprovers(db, { organisationId, scope, update, tree })
        const what = `The ${update.monthLabel} update of "${project.title}"`
        notify(to, {
          kind: 'update_approval_requested',
          subject: `${what} is waiting for your approval`,
          body: `${what} has been submitted for approval.`,
          link: `/projects/${u.project_id}/updates/${u.id}`,
          dedupe_key: `update_approval_requested:${u.id}:${u.version}`,
        })
      }
    }

    // Other features' reminders (appraisal windows closing or passed), to active people only.
    for (const source of extraReminders) {
      for (const r of await source(organisationId, today)) {
        const person = people.get(r.personId)
        if (!person) continue
        notify([person], {
          kind: r.kind,
          subject: r.subject,
          body: r.body,
          link: r.link,
          dedupe_key: r.dedupeKey,
        })
      }
    }
    return out
  }

  /**
   * Sends each un-e-mailed notification once: one e-mail each to those who take them at once,
   * and (in the daily run only) one digest each to those who asked for one. Each notification
   * is claimed atomically before it is sent, so runs racing on one database never both send
   * it. A failure is reported and retried on the next run.
   */
  async function sendEmails(organisationId: string, digests: boolean) {
    if (mailer === null) return { emailed: 0, emailFailed: 0 }
    const since = new Date(clock().getTime() - EMAIL_WITHIN_MS)
    const stale = () => new Date(clock().getTime() - CLAIM_STALE_MS)
    let emailed = 0
    let emailFailed = 0
    for (const n of await repo.awaitingEmail(db, organisationId, since, stale(), false)) {
      if (!(await repo.claimEmail(db, n.id, clock(), stale()))) continue
      try {
        await mailer(notificationEmail(n, config.publicUrl, config.serviceName))
      } catch (error) {
        emailFailed++
        await repo.releaseEmail(db, n.id)
        warn(`Notification e-mail to ${n.email} failed (retried next run): ${String(error)}`)
        continue
      }
      await repo.markEmailed(db, n.id, clock())
      emailed++
    }
    if (!digests) return { emailed, emailFailed }
    const byPerson = new Map<string, Awaited<ReturnType<typeof repo.awaitingEmail>>>()
    for (const n of await repo.awaitingEmail(db, organisationId, since, stale(), true)) {
      if (!(await repo.claimEmail(db, n.id, clock(), stale()))) continue
      byPerson.set(n.person_id, [...(byPerson.get(n.person_id) ?? []), n])
    }
    for (const list of byPerson.values()) {
      const first = list[0]
      if (!first) continue
      try {
        await mailer(digestEmail(list, config.publicUrl, config.serviceName))
      } catch (error) {
        emailFailed++
        for (const n of list) await repo.releaseEmail(db, n.id)
        warn(`Daily digest to ${first.email} failed (retried next run): ${String(error)}`)
        continue
      }
      for (const n of list) await repo.markEmailed(db, n.id, clock())
      emailed++
    }
    return { emailed, emailFailed }
  }

  /**
   * The daily run for one organisation as of `date` (UK today by default): creates the
   * reminders not already made, audits the run once with its counts, then sends e-mails.
   * With `once` (the scheduled run), the first instance to claim the organisation's day runs
   * it and any other finds it done: several instances on one database remind once.
   */
  async function run(
    organisationId: string,
    date?: string,
    options: { once?: boolean } = {},
  ): Promise<RunCounts> {
    const today = date ?? ukDate(clock())
    const wanted = await reminders(organisationId, today)
    const created = await db.transaction().execute(async (trx) => {
      if (options.once && !(await repo.claimRun(trx, organisationId, today, clock()))) return null
      // A reminder no longer called for (the value came in, the review was done) resolves.
      const still = new Set(wanted.map((n) => `${n.person_id} ${n.dedupe_key}`))
      const stale = (await repo.unresolvedOfKinds(trx, organisationId, KINDS)).filter(
        (n) => !still.has(`${n.person_id} ${n.dedupe_key}`),
      )
      await repo.resolveIds(
        trx,
        stale.map((n) => n.id),
        clock(),
      )
      const made = await repo.insertNew(trx, wanted, clock())
      const counts = Object.fromEntries(
        KINDS.map((k) => [k, made.filter((n) => n.kind === k).length]),
      ) as Record<NotificationKind, number>
      await recordAudit(
        trx,
        {
          organisationId,
          actor: REMINDERS_ACTOR,
          action: 'reminders_run',
          itemType: 'organisation',
          itemId: organisationId,
          summary: `Reminders for ${spell(today)}: ${describeCounts(counts)}`,
          after: counts,
        },
        clock,
      )
      return counts
    })
    if (created === null) {
      const none = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<NotificationKind, number>
      return { created: none, emailed: 0, emailFailed: 0, alreadyRun: true }
    }
    return { created, ...(await sendEmails(organisationId, true)) }
  }

  return {
    run,

    /**
     * The daily run for every organisation, or the one with short name `slug`; `once` for the
     * scheduled run, which skips an organisation whose day another instance has run.
     */
    async runAll(
      options: { slug?: string | undefined; date?: string | undefined; once?: boolean } = {},
    ) {
      if (options.date !== undefined && !isIsoDate(options.date)) {
        throw Invalid.field('date', 'Write the date as YYYY-MM-DD, like 2025-06-30')
      }
      const organisations = options.slug
        ? [await orgRepo.findOrganisationBySlug(db, options.slug)]
        : await orgRepo.listOrganisations(db)
      if (options.slug && organisations[0] === undefined) {
        throw new NotFound(`No organisation has the short name "${options.slug}"`)
      }
      const results: { slug: string; counts: RunCounts }[] = []
      for (const organisation of organisations) {
        if (!organisation) continue
        results.push({
          slug: organisation.slug,
          counts: await run(organisation.id, options.date, { once: options.once === true }),
        })
      }
      return results
    },

    async list(principal: Principal, page: number, pageSize: number) {
      const { rows, total } = await repo.listFor(
        db,
        principal.organisationId,
        principal.personId,
        (page - 1) * pageSize,
        pageSize,
      )
      return {
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          subject: r.subject,
          body: r.body,
          link: r.link,
          createdAt: r.created_at.toISOString(),
          readAt: r.read_at?.toISOString() ?? null,
          emailedAt: r.emailed_at?.toISOString() ?? null,
        })),
        page,
        pageSize,
        total,
      }
    },

    unreadCount: (principal: Principal) =>
      repo.countUnread(db, principal.organisationId, principal.personId),

    // Reading one's own messages changes nothing anyone else relies on: not audited.
    async markRead(principal: Principal, id: string): Promise<void> {
      const found = await repo.markRead(
        db,
        principal.organisationId,
        principal.personId,
        id,
        clock(),
      )
      if (!found) throw new NotFound('Notification not found')
    },

    markAllRead: (principal: Principal) =>
      repo.markAllRead(db, principal.organisationId, principal.personId, clock()),

    emailEnabled: () => mailer !== null,

    emailMode: (principal: Principal) => repo.emailMode(db, principal.personId),

    setEmailMode: (principal: Principal, mode: repo.EmailMode) =>
      repo.setEmailMode(db, principal.organisationId, principal.personId, mode, clock()),

    async emailPreference(principal: Principal): Promise<boolean> {
      return (await repo.emailMode(db, principal.personId)) !== 'off'
    },

    setEmailPreference: (principal: Principal, email: boolean) =>
      repo.setEmailMode(
        db,
        principal.organisationId,
        principal.personId,
        email ? 'immediate' : 'off',
        clock(),
      ),

    /** What features call as their workflow moves: notices in their transaction, e-mail after. */
    workflow: createWorkflowNotifier({
      clock,
      deliver: async (organisationId) => {
        try {
          await sendEmails(organisationId, false)
        } catch (error) {
          // The step is done and committed; an e-mail that cannot go waits for the next run.
          warn(`Notification e-mail failed (retried next run): ${String(error)}`)
        }
      },
    }),
  }
}
