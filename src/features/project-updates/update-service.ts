import type { Kysely } from 'kysely'
import { periodContaining } from '../../core/periods.ts'
import { quarterHeading, quarterRange } from '../../core/project-status.ts'
import type { DB } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { auditor } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import { organisationRepository as orgRepo } from '../organisation/index.ts'
import {
  projectPolicy as policy,
  NO_DUE_DATE,
  presentMilestone,
  type MilestoneView,
  type ProjectView,
  projectRepository as projectRepo,
  type ProjectService,
  type ProjectScope,
} from '../projects/index.ts'
import {
  monthLabel,
  presentRestatement,
  presentUpdate,
  readMonth,
  type UpdateView,
} from './update-presenter.ts'
import * as repo from './update-repository.ts'
import {
  latestApproved,
  reportedUpdates,
  type ReportedUpdate,
  type RollupTree,
} from './update-rollup.ts'
import type { UpdateChanges, UpdateInput } from './update-schemas.ts'
import type { UpdateNotifier } from './update-notifier.ts'
import type { UnitTree } from '../../core/unit-tree.ts'

export interface UpdateDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly projects: ProjectService
  /** The open risks linked to items of a programme; the risks feature provides it. */
  readonly linkedRisks?: LinkedRiskSource
  /** Tells those who must act next, in the same transaction as the step. */
  readonly notify?: UpdateNotifier
}

const stale = () =>
  new Conflict('Someone else changed this update since you opened it. Reload it and try again.')

/** An open risk linked to items of a programme, as the risks feature gives it. */
export interface LinkedRisk {
  readonly id: string
  readonly reference: string
  readonly title: string
  readonly registerName: string
  readonly ownerId: string | null
  readonly current: { readonly score: number; readonly band: string; readonly bandName: string }
  /** The ids of the items among those asked about that the risk is linked to. */
  readonly linkedTo: readonly string[]
  readonly actions: readonly {
    readonly description: string
    readonly ownerId: string | null
    readonly dueDate: string | null
    readonly status: string
    readonly statusName: string
    readonly overdue: boolean
  }[]
}

export type LinkedRiskSource = (
  principal: Principal,
  projectIds: readonly string[],
) => Promise<readonly LinkedRisk[]>

/** A risk in a highlight report, with its owner's name and its mitigating actions. */
export interface HighlightRisk {
  readonly id: string
  readonly reference: string
  readonly title: string
  readonly registerName: string
  readonly owner: string | null
  readonly current: LinkedRisk['current']
  readonly mitigatingActions: readonly {
    readonly description: string
    readonly owner: string | null
    readonly dueDate: string | null
    readonly status: string
    readonly statusName: string
    readonly overdue: boolean
  }[]
  /** Other items of the report the risk is linked to; it is listed once only. */
  readonly alsoLinkedTo: readonly ProjectView[]
}

const ownReported = (item: ProjectView, update: UpdateView): ReportedUpdate => ({
  item,
  own: true,
  source: '',
  update,
})

export type UpdateService = ReturnType<typeof createUpdateService>

/** Milestones by quarter, as the columns of a highlight report's strip. */
function strip(milestones: readonly MilestoneView[]) {
  const quarters = quarterRange(
    milestones.flatMap((m) => m.due.date ?? []),
    6,
  ).map((q) => ({
    label: q.label,
    heading: quarterHeading(q),
    milestones: milestones.filter((m) => m.quarter === q.label),
  }))
  // Milestones with no date set follow the quarters, in a column of their own.
  const undated = milestones.filter((m) => m.due.date === null)
  return undated.length === 0
    ? quarters
    : [...quarters, { label: NO_DUE_DATE, heading: NO_DUE_DATE, milestones: undated }]
}

/** Approved updates for everyone who sees the project; the rest for those who do the work. */
function visible(
  principal: Principal,
  row: repo.UpdateRow,
  scope: ProjectScope,
  tree: UnitTree,
): boolean {
  return row.status === 'approved' || policy.canSeeUnapprovedUpdates(principal, scope, tree)
}

function handsOnUpdate(row: repo.UpdateRow): policy.UpdateHands {
  return { submittedBy: row.submitted_by, authorId: row.author_id, changedBy: row.changed_by }
}

/**
 * Monthly highlight updates: written as a draft, submitted by the lead, approved or returned by
 * the SRO or an approver. Approval locks the month; later changes are restatements with a reason.
 */
export function createUpdateService({ db, clock, projects, linkedRisks, notify }: UpdateDeps) {
  async function requireUpdate(principal: Principal, projectId: string, updateId: string) {
    const found = await projects.requireProject(principal, projectId)
    const row = await repo.findUpdate(db, principal.organisationId, updateId)
    if (row?.project_id !== projectId) throw new NotFound('Update not found')
    return { ...found, row }
  }

  function checkVersion(row: repo.UpdateRow, version: number | undefined) {
    if (version !== undefined && version !== row.version) throw stale()
  }

  const audit = auditor({ clock, itemType: 'project_update' })

  /** The workflow step as the notifier hears it. */
  interface Step {
    readonly change: 'submitted' | 'returned' | 'approved'
    readonly scope: ProjectScope
    readonly tree: UnitTree
    readonly reason?: string
  }

  async function told(
    trx: Kysely<DB>,
    principal: Principal,
    project: ProjectView,
    after: repo.UpdateRow,
    step: Step,
  ) {
    await notify?.updateChanged(trx, {
      organisationId: principal.organisationId,
      actorId: principal.personId,
      change: step.change,
      project: { id: project.id, title: project.title },
      scope: step.scope,
      update: {
        id: after.id,
        monthLabel: monthLabel(after.month),
        version: after.version,
        authorId: after.author_id,
        submittedBy: after.submitted_by,
      },
      reason: step.reason ?? null,
      tree: step.tree,
    })
  }

  /** A change of an update in `trx`, with its audit record and (for a workflow step) notices. */
  async function transitionIn(
    trx: Kysely<DB>,
    principal: Principal,
    row: repo.UpdateRow,
    project: ProjectView,
    changes: Parameters<typeof repo.updateUpdate>[4],
    action: string,
    summary: string,
    step?: Step,
  ): Promise<UpdateView> {
    const after = await repo.updateUpdate(
      trx,
      principal.organisationId,
      row.id,
      row.version,
      changes,
      clock(),
    )
    if (!after) throw stale()
    await audit(trx, principal, {
      action,
      itemId: row.id,
      summary: `${summary}: ${monthLabel(row.month)} update of "${project.title}"`,
      before: row,
      after,
    })
    if (step) await told(trx, principal, project, after, step)
    return presentUpdate(after)
  }

  async function transition(
    principal: Principal,
    row: repo.UpdateRow,
    project: ProjectView,
    changes: Parameters<typeof repo.updateUpdate>[4],
    action: string,
    summary: string,
    step?: Step,
  ): Promise<UpdateView> {
    const view = await db
      .transaction()
      .execute((trx) => transitionIn(trx, principal, row, project, changes, action, summary, step))
    if (step) await notify?.deliver(principal.organisationId)
    return view
  }

  /** Every check of an approval, made before anything is written. */
  async function prepareApproval(
    principal: Principal,
    projectId: string,
    updateId: string,
    version?: number,
  ) {
    const { row, project, scope, portfolio } = await requireUpdate(principal, projectId, updateId)
    if (policy.hadAHandInUpdate(principal, handsOnUpdate(row))) {
      throw new Forbidden(
        'You cannot approve an update you wrote, changed or submitted: someone else must approve it',
      )
    }
    if (!policy.canApproveUpdate(principal, scope, handsOnUpdate(row), portfolio.tree)) {
      throw new Forbidden()
    }
    checkVersion(row, version)
    if (row.status !== 'submitted') throw new Conflict('Only a submitted update can be approved.')
    const step: Step = { change: 'approved', scope, tree: portfolio.tree }
    const changes = { status: 'approved' as const, approved_by: principal.personId }
    return {
      label: `${monthLabel(row.month)} update of "${project.title}"`,
      apply: (trx: Kysely<DB>) =>
        transitionIn(
          trx,
          principal,
          row,
          project,
          { ...changes, approved_at: clock() },
          'update_approved',
          'Approved',
          step,
        ),
    }
  }

  const service = {
    /** An update by its id alone, if the person may see its project. */
    async find(principal: Principal, updateId: string) {
      const row = await repo.findUpdate(db, principal.organisationId, updateId)
      if (!row) throw new NotFound('Update not found')
      const { project, scope, portfolio } = await projects.requireProject(principal, row.project_id)
      if (!visible(principal, row, scope, portfolio.tree)) throw new NotFound('Update not found')
      return { project, update: presentUpdate(row) }
    },

    async list(principal: Principal, projectId: string): Promise<UpdateView[]> {
      const { scope, portfolio } = await projects.requireProject(principal, projectId)
      return (await repo.listUpdates(db, principal.organisationId, [projectId]))
        .filter((r) => visible(principal, r, scope, portfolio.tree))
        .map(presentUpdate)
    },

    async get(principal: Principal, projectId: string, updateId: string) {
      const { row, project, scope, portfolio } = await requireUpdate(principal, projectId, updateId)
      if (!visible(principal, row, scope, portfolio.tree)) throw new NotFound('Update not found')
      const restatements = await repo.listRestatements(db, principal.organisationId, updateId)
      const names = new Map<string, string>()
      for (const id of [row.author_id, row.submitted_by, row.approved_by]) {
        if (id && !names.has(id)) {
          names.set(id, (await orgRepo.findPerson(db, principal.organisationId, id))?.name ?? '')
        }
      }
      const update = presentUpdate(row)
      const tree = portfolio.tree
      return {
        project,
        update,
        names: Object.fromEntries(names),
        restatements: restatements.map(presentRestatement),
        canEdit:
          (row.status === 'draft' || row.status === 'returned') &&
          policy.canWriteUpdate(principal, scope, tree),
        canSubmit:
          (row.status === 'draft' || row.status === 'returned') &&
          policy.canWriteUpdate(principal, scope, tree),
        canApprove:
          row.status === 'submitted' &&
          policy.canApproveUpdate(principal, scope, handsOnUpdate(row), tree),
        ownSubmission:
          row.status === 'submitted' && policy.hadAHandInUpdate(principal, handsOnUpdate(row)),
        canRestate: row.status === 'approved' && policy.canRestateUpdate(principal, scope, tree),
      }
    },

    async create(principal: Principal, projectId: string, input: UpdateInput): Promise<UpdateView> {
      const created = await db
        .transaction()
        .execute((trx) => service.createIn(trx, principal, projectId, input))
      if (input.submit) await notify?.deliver(principal.organisationId)
      return created
    },

    /**
     * Writes (and with `submit`, submits) a month's update inside `trx` (an import's), with its
     * audit record and the approvers' notice; the caller delivers notices once it commits.
     */
    async createIn(
      trx: Kysely<DB>,
      principal: Principal,
      projectId: string,
      input: UpdateInput,
    ): Promise<UpdateView> {
      const { project, scope, portfolio } = await projects.requireProject(principal, projectId, trx)
      if (!policy.canWriteUpdate(principal, scope, portfolio.tree)) throw new Forbidden()
      const month = readMonth(input.month)
      if (month === null)
        throw Invalid.field('month', 'Enter the month reported on, like 2025-04 or Apr 2025')
      if (month > clock().toISOString().slice(0, 10)) {
        throw Invalid.field('month', 'You cannot report on a month that has not started')
      }
      if (await repo.findUpdateForMonth(trx, principal.organisationId, projectId, month)) {
        throw Invalid.field(
          'month',
          `There is already an update for ${monthLabel(month)}: change that one`,
        )
      }
      const now = clock()
      {
        const row = await repo.insertUpdate(trx, principal.organisationId, {
          project_id: projectId,
          month,
          highlights: input.highlights,
          next_steps: input.nextSteps ?? null,
          when_text: input.when ?? null,
          who: input.who ?? null,
          confidence: input.confidence,
          author_id: principal.personId,
          status: input.submit ? 'submitted' : 'draft',
          submitted_by: input.submit ? principal.personId : null,
          submitted_at: input.submit ? now : null,
        })
        await audit(trx, principal, {
          action: input.submit ? 'update_submitted' : 'update_drafted',
          itemId: row.id,
          summary: `${monthLabel(month)} update of "${project.title}" ${input.submit ? 'submitted for approval' : 'drafted'}`,
          after: row,
        })
        if (input.submit) {
          await told(trx, principal, project, row, {
            change: 'submitted',
            scope,
            tree: portfolio.tree,
          })
        }
        return presentUpdate(row)
      }
    },

    /** Drafts and returned updates change freely; an approved one only as a restatement. */
    async change(
      principal: Principal,
      projectId: string,
      updateId: string,
      changes: UpdateChanges,
    ) {
      const { row, project, scope, portfolio } = await requireUpdate(principal, projectId, updateId)
      const tree = portfolio.tree
      checkVersion(row, changes.version)
      const values = {
        ...(changes.highlights !== undefined && { highlights: changes.highlights }),
        ...(changes.nextSteps !== undefined && { next_steps: changes.nextSteps ?? null }),
        ...(changes.when !== undefined && { when_text: changes.when ?? null }),
        ...(changes.who !== undefined && { who: changes.who ?? null }),
        ...(changes.confidence !== undefined && { confidence: changes.confidence }),
      }
      if (row.status === 'approved') {
        if (!policy.canRestateUpdate(principal, scope, tree)) throw new Forbidden()
        const reason = changes.reason
        if (!reason) throw Invalid.field('reason', 'Enter why the approved update is restated')
        return db.transaction().execute(async (trx) => {
          const after = await repo.updateUpdate(
            trx,
            principal.organisationId,
            updateId,
            row.version,
            { ...values, restated: true },
            clock(),
          )
          if (!after) throw stale()
          await repo.insertRestatement(trx, principal.organisationId, {
            update_id: updateId,
            reason,
            before: presentUpdate(row),
            by_id: principal.personId,
            by_name: principal.name,
            at: clock(),
          })
          await audit(trx, principal, {
            action: 'update_restated',
            itemId: updateId,
            summary: `${monthLabel(row.month)} update of "${project.title}" restated: ${reason}`,
            before: row,
            after,
          })
          return presentUpdate(after)
        })
      }
      if (!policy.canWriteUpdate(principal, scope, tree)) throw new Forbidden()
      if (row.status === 'submitted') {
        throw new Conflict(
          'This update is waiting for approval: it can be changed once it is returned.',
        )
      }
      return transition(
        principal,
        row,
        project,
        { ...values, changed_by: principal.personId },
        'update_changed',
        'Changed',
      )
    },

    async submit(principal: Principal, projectId: string, updateId: string, version?: number) {
      const { row, project, scope, portfolio } = await requireUpdate(principal, projectId, updateId)
      if (!policy.canWriteUpdate(principal, scope, portfolio.tree)) throw new Forbidden()
      checkVersion(row, version)
      if (row.status !== 'draft' && row.status !== 'returned') {
        throw new Conflict(
          `This update is ${row.status === 'approved' ? 'already approved' : 'already submitted'}.`,
        )
      }
      return transition(
        principal,
        row,
        project,
        {
          status: 'submitted',
          submitted_by: principal.personId,
          submitted_at: clock(),
          returned_reason: null,
        },
        'update_submitted',
        'Submitted for approval',
        { change: 'submitted', scope, tree: portfolio.tree },
      )
    },

    async approve(principal: Principal, projectId: string, updateId: string, version?: number) {
      const { apply } = await prepareApproval(principal, projectId, updateId, version)
      const view = await db.transaction().execute(apply)
      await notify?.deliver(principal.organisationId)
      return view
    },

    /** For approving many at once: checks now, `apply` in the caller's transaction. */
    prepareApproval,

    async returnUpdate(
      principal: Principal,
      projectId: string,
      updateId: string,
      reason: string,
      version?: number,
    ) {
      const { row, project, scope, portfolio } = await requireUpdate(principal, projectId, updateId)
      if (!policy.canApproveUpdate(principal, scope, handsOnUpdate(row), portfolio.tree)) {
        throw new Forbidden()
      }
      checkVersion(row, version)
      if (row.status !== 'submitted') throw new Conflict('Only a submitted update can be returned.')
      return transition(
        principal,
        row,
        project,
        { status: 'returned', returned_reason: reason },
        'update_returned',
        `Returned (${reason})`,
        { change: 'returned', scope, tree: portfolio.tree, reason },
      )
    },

    /** Updates waiting for this person's approval, across every project they may approve. */
    async awaitingMe(principal: Principal) {
      const portfolio = await projects.load(principal.organisationId)
      const rows = await repo.listUpdates(db, principal.organisationId)
      return rows
        .filter(
          (r) =>
            r.status === 'submitted' &&
            portfolio.rows.has(r.project_id) &&
            policy.canApproveUpdate(
              principal,
              portfolio.scope(r.project_id),
              handsOnUpdate(r),
              portfolio.tree,
            ),
        )
        .map((r) => ({ update: presentUpdate(r), project: portfolio.views.get(r.project_id) }))
    },

    /**
     * The monthly highlight report of a programme, laid out as Birmingham's: a section per item
     * beneath it, each with its quarterly milestone strip and its actions' latest approved
     * highlights. Only approved updates are reported.
     */
    async highlightReport(principal: Principal, programmeId: string, monthText?: string) {
      const { portfolio, project } = await projects.requireProject(principal, programmeId)
      const org = principal.organisationId
      const month =
        (monthText ? readMonth(monthText) : null) ??
        periodContaining(clock().toISOString().slice(0, 10), 'monthly').start
      const today = clock().toISOString().slice(0, 10)
      const seen = (id: string) =>
        portfolio.rows.has(id) &&
        policy.canViewProject(principal, portfolio.scope(id), portfolio.tree)
      const all = portfolio.subtree(programmeId).filter(seen)
      const milestones = await projectRepo.listMilestones(db, org, all)
      // Every level's updates: an action's rolls up into its project's row when it has none.
      const latest = latestApproved(await repo.listUpdates(db, org, all), month)
      const childrenOf = (id: string): ProjectView[] =>
        (portfolio.children.get(id) ?? []).flatMap((r) => {
          const view = seen(r.id) ? portfolio.views.get(r.id) : undefined
          return view ? [view] : []
        })
      const tree: RollupTree = {
        item: (id) => (seen(id) ? portfolio.views.get(id) : undefined),
        children: childrenOf,
      }
      const people = new Map<string, string>()
      const nameOf = async (id: string | null) => {
        if (!id) return null
        if (!people.has(id)) people.set(id, (await orgRepo.findPerson(db, org, id))?.name ?? '')
        return people.get(id) ?? null
      }
      const units = new Map((await orgRepo.listUnits(db, org)).map((u) => [u.id, u.name]))
      const viewOf = (id: string) => portfolio.views.get(id)
      /** Rows of a table: one per update reported for the item, or one saying there is none. */
      const rowsOf = async (item: ProjectView, reported: readonly ReportedUpdate[]) => {
        const lead = await nameOf(item.managerId)
        if (reported.length === 0) return [{ project: item, lead, update: null, from: null }]
        return reported.map((r) => ({
          project: item,
          lead,
          update: r.update,
          from: r.own ? null : r.source,
        }))
      }
      const sectionRoots = (portfolio.children.get(programmeId) ?? []).filter((r) => seen(r.id))
      const roots = sectionRoots.length > 0 ? sectionRoots.map((r) => r.id) : [programmeId]
      const sections = []
      for (const rootId of roots) {
        const root = viewOf(rootId)
        if (!root) continue
        const within = new Set(portfolio.subtree(rootId).filter(seen))
        const own: MilestoneView[] = milestones
          .filter((m) => within.has(m.project_id))
          .map((m) => presentMilestone(m, today))
        const childRows = childrenOf(rootId)
        const actions = []
        if (childRows.length === 0) {
          actions.push(...(await rowsOf(root, reportedUpdates(rootId, latest, tree))))
        } else {
          // The project's own update heads its table; each action beneath follows.
          const ownUpdate = latest.get(rootId)
          if (ownUpdate) actions.push(...(await rowsOf(root, [ownReported(root, ownUpdate)])))
          for (const child of childRows) {
            actions.push(...(await rowsOf(child, reportedUpdates(child.id, latest, tree))))
          }
        }
        sections.push({
          project: root,
          sro: await nameOf(root.sroId),
          lead: await nameOf(root.managerId),
          leadUnit: root.leadUnitId ? (units.get(root.leadUnitId) ?? null) : null,
          strip: strip(own),
          actions,
        })
      }
      // The programme's own update, when its sections are the items beneath it.
      const programmeUpdate = sectionRoots.length > 0 ? (latest.get(programmeId) ?? null) : null
      // Risks and mitigating actions: each risk once, under the highest item it is linked to
      // (the programme first, then each item beneath it in order), naming the others.
      const linked = linkedRisks ? await linkedRisks(principal, all) : []
      const inOrder = (id: string): string[] => [
        id,
        ...(portfolio.children.get(id) ?? [])
          .filter((r) => seen(r.id))
          .flatMap((r) => inOrder(r.id)),
      ]
      const order = inOrder(programmeId)
      const risks: { project: ProjectView; risks: HighlightRisk[] }[] = []
      const listed = new Set<string>()
      for (const itemId of order) {
        const item = viewOf(itemId)
        const here = linked.filter((r) => r.linkedTo.includes(itemId) && !listed.has(r.id))
        if (!item || here.length === 0) continue
        const shown: HighlightRisk[] = []
        for (const r of here) {
          listed.add(r.id)
          const mitigatingActions = []
          for (const a of r.actions) {
            mitigatingActions.push({
              description: a.description,
              owner: await nameOf(a.ownerId),
              dueDate: a.dueDate,
              status: a.status,
              statusName: a.statusName,
              overdue: a.overdue,
            })
          }
          shown.push({
            id: r.id,
            reference: r.reference,
            title: r.title,
            registerName: r.registerName,
            owner: await nameOf(r.ownerId),
            current: { score: r.current.score, band: r.current.band, bandName: r.current.bandName },
            mitigatingActions,
            alsoLinkedTo: order
              .filter((id) => id !== itemId && r.linkedTo.includes(id))
              .flatMap((id) => viewOf(id) ?? []),
          })
        }
        risks.push({ project: item, risks: shown })
      }
      return {
        /** The programme's own milestones, when its sections are the items beneath it. */
        strip:
          sectionRoots.length > 0
            ? strip(
                milestones
                  .filter((m) => m.project_id === programmeId)
                  .map((m) => presentMilestone(m, today)),
              )
            : [],
        programme: project,
        sro: await nameOf(project.sroId),
        lead: await nameOf(project.managerId),
        leadUnit: project.leadUnitId ? (units.get(project.leadUnitId) ?? null) : null,
        month: month.slice(0, 7),
        monthLabel: monthLabel(month),
        programmeUpdate,
        sections,
        risks,
      }
    },
  }
  return service
}
