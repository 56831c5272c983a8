import type { Kysely } from 'kysely'
import {
  isIsoDate,
  parseFinancialYear,
  parsePeriodLabel,
  periodContaining,
  PeriodError,
} from '../../core/periods.ts'
import { suggestStatus, type Confidence } from '../../core/project-status.ts'
import type { DB, DuePrecision } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { auditor } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import {
  organisationRepository as orgRepo,
  type OrganisationService,
} from '../organisation/index.ts'
import { savingsRepository as savingsRepo } from '../savings/index.ts'
import { UnitTree } from '../../core/unit-tree.ts'
import * as policy from './project-policy.ts'
import {
  dueLabel,
  presentBenefit,
  presentDependency,
  presentMilestone,
  presentProject,
  type ProjectView,
} from './project-presenter.ts'
import * as repo from './project-repository.ts'
import {
  ASSURANCE_NAMES,
  LEVEL_NAMES,
  LEVEL_RANK,
  STAGE_NAMES,
  type BenefitChanges,
  type BenefitInput,
  type DependencyInput,
  type MilestoneChanges,
  type MilestoneInput,
  type ProjectChanges,
  type ProjectInput,
} from './project-schemas.ts'

export interface ProjectDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly organisation: OrganisationService
}

export interface ProjectFilters {
  readonly level?: string | undefined
  readonly status?: string | undefined
  readonly parentId?: string | null | undefined
  readonly leadUnitId?: string | undefined
  readonly q?: string | undefined
}

/** The organisation's projects in memory, with what each one's status is judged from. */
interface Portfolio {
  readonly rows: Map<string, repo.ProjectRow>
  readonly views: Map<string, ProjectView>
  readonly children: Map<string, repo.ProjectRow[]>
  readonly tree: UnitTree
  scope(id: string): policy.ProjectScope
  subtree(id: string): string[]
  ancestors(id: string): repo.ProjectRow[]
}

const lower = (level: string) => LEVEL_NAMES[level as keyof typeof LEVEL_NAMES].toLowerCase()
const stale = () =>
  new Conflict(
    'Someone else changed this since you opened it. Reload it and make your change again.',
  )

export type ProjectService = ReturnType<typeof createProjectService>

export function createProjectService({ db, clock, organisation }: ProjectDeps) {
  const today = () => clock().toISOString().slice(0, 10)

  /** The portfolio as `executor` sees it: inside an import's transaction, with its rows. */
  async function load(organisationId: string, executor: Kysely<DB> = db): Promise<Portfolio> {
    const rowList = await repo.listProjects(executor, organisationId)
    const milestones = await repo.listMilestones(executor, organisationId)
    const approved = await executor
      .selectFrom('project_updates')
      .select(['project_id', 'confidence', 'month'])
      .where('organisation_id', '=', organisationId)
      .where('status', '=', 'approved')
      .orderBy('month', 'desc')
      .execute()
    const tree =
      executor === db
        ? (await organisation.unitTree(organisationId)).tree
        : new UnitTree(
            (await orgRepo.listUnits(executor, organisationId)).map((u) => ({
              id: u.id,
              parentId: u.parent_id,
            })),
          )
    const rows = new Map(rowList.map((r) => [r.id, r]))
    const children = new Map<string, repo.ProjectRow[]>()
    for (const row of rowList) {
      if (row.parent_id === null) continue
      children.set(row.parent_id, [...(children.get(row.parent_id) ?? []), row])
    }
    const subtree = (id: string): string[] => {
      const out: string[] = []
      const stack = [id]
      while (stack.length > 0) {
        const next = stack.pop()
        if (next === undefined || out.includes(next)) continue
        out.push(next)
        stack.push(...(children.get(next) ?? []).map((c) => c.id))
      }
      return out
    }
    const ancestors = (id: string): repo.ProjectRow[] => {
      const out: repo.ProjectRow[] = []
      for (let row = rows.get(id); row && out.length < 50; row = rows.get(row.parent_id ?? '')) {
        out.push(row)
      }
      return out
    }
    const latestConfidence = new Map<string, Confidence>()
    for (const u of approved) {
      if (!latestConfidence.has(u.project_id)) latestConfidence.set(u.project_id, u.confidence)
    }
    const now = today()
    const views = new Map<string, ProjectView>()
    for (const row of rowList) {
      const ids = new Set(subtree(row.id))
      const confidence = latestConfidence.get(row.id) ?? row.confidence
      const suggestion = suggestStatus({
        today: now,
        start: row.start_date,
        end: row.end_date,
        milestones: milestones
          .filter((m) => ids.has(m.project_id))
          .map((m) => ({
            status: m.status,
            due: m.due_date,
            rescheduled: m.original_due_date !== null,
          })),
        confidence,
      })
      views.set(row.id, presentProject(row, suggestion, confidence))
    }
    return {
      rows,
      views,
      children,
      tree,
      subtree,
      ancestors,
      scope(id) {
        const chain = ancestors(id)
        const row = rows.get(id)
        return {
          leadUnitId: row?.lead_unit_id ?? null,
          partnerUnitIds: views.get(id)?.partnerUnitIds ?? [],
          leadId: row?.manager_id ?? null,
          sroIds: chain.flatMap((r) => (r.sro_id ? [r.sro_id] : [])),
          managerIds: chain.flatMap((r) => (r.manager_id ? [r.manager_id] : [])),
        }
      },
    }
  }

  function visible(principal: Principal, portfolio: Portfolio, id: string): boolean {
    return (
      portfolio.rows.has(id) &&
      policy.canViewProject(principal, portfolio.scope(id), portfolio.tree)
    )
  }

  async function requireProject(principal: Principal, id: string, executor: Kysely<DB> = db) {
    if (principal.roles.length === 0) throw new Forbidden()
    const portfolio = await load(principal.organisationId, executor)
    const view = portfolio.views.get(id)
    if (!view || !visible(principal, portfolio, id)) throw new NotFound('Project not found')
    return { portfolio, project: view, scope: portfolio.scope(id) }
  }

  async function requireManager(principal: Principal, id: string, executor: Kysely<DB> = db) {
    const found = await requireProject(principal, id, executor)
    if (!policy.canManageProject(principal, found.scope, found.portfolio.tree))
      throw new Forbidden()
    return found
  }

  /** A benefit may be linked to a savings line of the same organisation only. */
  async function checkSavingLine(principal: Principal, id: string | null | undefined) {
    if (id && !(await savingsRepo.findLine(db, principal.organisationId, id))) {
      throw Invalid.field('savingLineId', 'Select the savings line from the list')
    }
  }

  async function checkPerson(
    principal: Principal,
    field: string,
    id: string | null | undefined,
    executor: Kysely<DB> = db,
  ) {
    if (id && !(await orgRepo.findPerson(executor, principal.organisationId, id))) {
      throw Invalid.field(field, 'Select a person from the list')
    }
  }

  async function checkUnits(
    principal: Principal,
    field: string,
    ids: readonly (string | null | undefined)[],
    executor: Kysely<DB> = db,
  ) {
    for (const id of ids) {
      if (id && !(await orgRepo.findUnit(executor, principal.organisationId, id))) {
        throw Invalid.field(field, 'Select a unit from the list')
      }
    }
  }

  function checkDates(start: string | null, end: string | null): void {
    if (start && end && end < start) {
      throw Invalid.field('endDate', 'The end date must be the same as or after the start date')
    }
  }

  function checkParent(
    principal: Principal,
    portfolio: Portfolio,
    level: ProjectInput['level'],
    parentId: string | null,
    movingId: string | null,
  ) {
    if (parentId === null) return null
    if (!visible(principal, portfolio, parentId)) {
      throw Invalid.field('parentId', 'Select what this sits under from the list')
    }
    const parent = portfolio.rows.get(parentId)
    if (!parent) throw Invalid.field('parentId', 'Select what this sits under from the list')
    if (LEVEL_RANK[level] < LEVEL_RANK[parent.level]) {
      throw Invalid.field(
        'parentId',
        `A ${lower(level)} cannot sit under ${parent.level === 'action' ? 'an' : 'a'} ${lower(parent.level)}`,
      )
    }
    if (movingId !== null && portfolio.subtree(movingId).includes(parentId)) {
      throw Invalid.field('parentId', 'An item cannot sit under itself or something beneath it')
    }
    return parent
  }

  /** A due date, or a quarter (its last day); either must overlap the project's dates. */
  function readDue(text: string): { date: string; precision: DuePrecision; start: string } {
    if (isIsoDate(text)) return { date: text, precision: 'day', start: text }
    try {
      const period = parsePeriodLabel(text)
      if (period.frequency === 'quarterly') {
        return { date: period.end, precision: 'quarter', start: period.start }
      }
    } catch (error) {
      if (!(error instanceof PeriodError)) throw error
    }
    throw Invalid.field(
      'due',
      'Enter when it is due, as a date like 2025-06-30 or a quarter like 2025/26 Q1',
    )
  }

  function checkDueWithin(project: ProjectView, due: { date: string; start: string }) {
    if (
      (project.startDate && due.date < project.startDate) ||
      (project.endDate && due.start > project.endDate)
    ) {
      const range = [project.startDate, project.endDate].map((d) => (d ? dueLabel(d, 'day') : '…'))
      throw Invalid.field(
        'due',
        `The milestone must be due within the ${lower(project.level)}’s dates, ${range[0]} to ${range[1]}`,
      )
    }
  }

  function checkCompleted(status: string, completedDate: string | null | undefined) {
    if (completedDate && status !== 'completed') {
      throw Invalid.field('completedDate', 'Only a completed milestone has a completion date')
    }
    if (completedDate && completedDate > today()) {
      throw Invalid.field('completedDate', 'The completion date cannot be in the future')
    }
  }

  const audit = auditor({ clock, itemType: 'project' })

  async function fresh(principal: Principal, id: string): Promise<ProjectView> {
    const portfolio = await load(principal.organisationId)
    const view = portfolio.views.get(id)
    if (!view) throw new NotFound('Project not found')
    return view
  }

  const service = {
    load,
    requireProject,

    /** Every item the person may see, each followed by those beneath it. */
    async list(
      principal: Principal,
      filters: ProjectFilters = {},
    ): Promise<(ProjectView & { depth: number })[]> {
      if (principal.roles.length === 0) throw new Forbidden()
      const portfolio = await load(principal.organisationId)
      const out: (ProjectView & { depth: number })[] = []
      const walk = (rows: readonly repo.ProjectRow[], depth: number) => {
        for (const row of rows) {
          const view = portfolio.views.get(row.id)
          if (view && visible(principal, portfolio, row.id)) out.push({ ...view, depth })
          walk(portfolio.children.get(row.id) ?? [], depth + 1)
        }
      }
      walk(
        [...portfolio.rows.values()].filter(
          (r) => r.parent_id === null || !portfolio.rows.has(r.parent_id),
        ),
        0,
      )
      const q = filters.q?.toLowerCase()
      return out.filter(
        (p) =>
          (filters.level === undefined || p.level === filters.level) &&
          (filters.status === undefined || p.status === filters.status) &&
          (filters.parentId === undefined || p.parentId === filters.parentId) &&
          (filters.leadUnitId === undefined || p.leadUnitId === filters.leadUnitId) &&
          (q === undefined || `${p.code ?? ''} ${p.title}`.toLowerCase().includes(q)),
      )
    },

    async get(principal: Principal, id: string): Promise<ProjectView> {
      return (await requireProject(principal, id)).project
    },

    /** An item with where it sits, what is beneath it, its milestones, benefits and dependencies. */
    async detail(principal: Principal, id: string) {
      const { portfolio, project, scope } = await requireProject(principal, id)
      const org = principal.organisationId
      const now = today()
      const titles = new Map(
        [...portfolio.rows.values()]
          .filter((r) => visible(principal, portfolio, r.id))
          .map((r) => [r.id, { title: r.title, code: r.code }]),
      )
      const dependencies = (await repo.listDependencies(db, org)).map((d) =>
        presentDependency(d, titles),
      )
      const tree = portfolio.tree
      return {
        project,
        ancestors: portfolio
          .ancestors(id)
          .slice(1)
          .reverse()
          .flatMap((r) =>
            visible(principal, portfolio, r.id) ? [portfolio.views.get(r.id) ?? []].flat() : [],
          ),
        children: (portfolio.children.get(id) ?? [])
          .filter((r) => visible(principal, portfolio, r.id))
          .flatMap((r) => [portfolio.views.get(r.id) ?? []].flat()),
        milestones: (await repo.listMilestones(db, org, [id])).map((m) => presentMilestone(m, now)),
        benefits: (await repo.listBenefits(db, org, id)).map(presentBenefit),
        dependsOn: dependencies.filter((d) => d.projectId === id),
        dependedOnBy: dependencies.filter((d) => d.dependsOnId === id && d.projectTitle !== null),
        canManage: policy.canManageProject(principal, scope, tree),
        canWriteUpdate: policy.canWriteUpdate(principal, scope, tree),
      }
    },

    async create(principal: Principal, input: ProjectInput): Promise<ProjectView> {
      const id = await db.transaction().execute((trx) => service.createIn(trx, principal, input))
      return fresh(principal, id)
    },

    /** Creates an item inside `trx` (an import's), with its audit record; answers its id. */
    async createIn(trx: Kysely<DB>, principal: Principal, input: ProjectInput): Promise<string> {
      if (principal.roles.length === 0) throw new Forbidden()
      const portfolio = await load(principal.organisationId, trx)
      const parentId = input.parentId ?? null
      const parent = checkParent(principal, portfolio, input.level, parentId, null)
      const leadUnitId = input.leadUnitId ?? parent?.lead_unit_id ?? null
      if (
        !policy.canCreateProject(
          principal,
          parentId ? portfolio.scope(parentId) : null,
          leadUnitId,
          portfolio.tree,
        )
      ) {
        throw new Forbidden()
      }
      checkDates(input.startDate ?? null, input.endDate ?? null)
      await checkPerson(principal, 'sroId', input.sroId, trx)
      await checkPerson(principal, 'managerId', input.managerId, trx)
      await checkUnits(principal, 'leadUnitId', [input.leadUnitId], trx)
      await checkUnits(principal, 'partnerUnitIds', input.partnerUnitIds ?? [], trx)
      const siblings = parentId
        ? (portfolio.children.get(parentId) ?? [])
        : [...portfolio.rows.values()].filter((r) => r.parent_id === null)
      {
        const row = await repo.insertProject(trx, principal.organisationId, {
          parent_id: parentId,
          level: input.level,
          code: input.code ?? null,
          title: input.title,
          description: input.description ?? null,
          sro_id: input.sroId ?? null,
          manager_id: input.managerId ?? null,
          lead_unit_id: leadUnitId,
          partner_unit_ids: JSON.stringify(input.partnerUnitIds ?? []),
          start_date: input.startDate ?? null,
          end_date: input.endDate ?? null,
          budget: input.budget ?? null,
          confidence: input.confidence ?? null,
          position: siblings.reduce((max, s) => Math.max(max, s.position + 1), 0),
        })
        await audit(trx, principal, {
          action: 'project_created',
          itemId: row.id,
          summary: `${LEVEL_NAMES[row.level]} "${row.title}" created${parent ? ` under "${parent.title}"` : ''}`,
          after: row,
        })
        return row.id
      }
    },

    /** Edits, moves (parentId), or sets the status with a reason (status null: the suggestion). */
    async update(principal: Principal, id: string, changes: ProjectChanges): Promise<ProjectView> {
      await db.transaction().execute((trx) => service.updateIn(trx, principal, id, changes))
      return fresh(principal, id)
    },

    /** Edits an item inside `trx` (an import's), with its audit record. */
    async updateIn(
      trx: Kysely<DB>,
      principal: Principal,
      id: string,
      changes: ProjectChanges,
    ): Promise<void> {
      const { portfolio, project, scope } = await requireProject(principal, id, trx)
      if (!policy.canManageProject(principal, scope, portfolio.tree)) throw new Forbidden()
      const before = portfolio.rows.get(id)
      if (!before) throw new NotFound('Project not found')
      if (changes.version !== undefined && changes.version !== before.version) throw stale()
      const level = changes.level ?? before.level
      const parentId =
        changes.parentId !== undefined ? (changes.parentId ?? null) : before.parent_id
      if (parentId !== before.parent_id || level !== before.level) {
        checkParent(principal, portfolio, level, parentId, id)
        if (parentId !== before.parent_id) {
          const newParentScope = parentId ? portfolio.scope(parentId) : null
          const unit =
            changes.leadUnitId !== undefined ? (changes.leadUnitId ?? null) : before.lead_unit_id
          if (!policy.canCreateProject(principal, newParentScope, unit, portfolio.tree)) {
            throw new Forbidden()
          }
        }
        for (const child of portfolio.children.get(id) ?? []) {
          if (LEVEL_RANK[child.level] < LEVEL_RANK[level]) {
            throw Invalid.field(
              'level',
              `"${child.title}" beneath it is ${child.level === 'action' ? 'an' : 'a'} ${lower(child.level)}, which cannot sit under ${level === 'action' ? 'an' : 'a'} ${lower(level)}`,
            )
          }
        }
      }
      const start =
        changes.startDate !== undefined ? (changes.startDate ?? null) : before.start_date
      const end = changes.endDate !== undefined ? (changes.endDate ?? null) : before.end_date
      checkDates(start, end)
      if (start !== before.start_date || end !== before.end_date) {
        const milestones = await repo.listMilestones(trx, principal.organisationId, [id])
        // A milestone with no date set is within any dates.
        const dated = milestones.flatMap((m) =>
          m.due_date === null ? [] : [{ ...m, due_date: m.due_date }],
        )
        const outside = dated.find(
          (m) =>
            (start && m.due_date < start) ||
            (end &&
              (m.due_precision === 'day'
                ? m.due_date
                : periodContaining(m.due_date, 'quarterly').start) > end),
        )
        if (outside) {
          throw Invalid.field(
            start && outside.due_date < start ? 'startDate' : 'endDate',
            `The milestone "${outside.title}" is due ${dueLabel(outside.due_date, outside.due_precision)}, outside these dates: move it first`,
          )
        }
      }
      let statusOverride = before.status_override
      let statusReason = before.status_reason
      if (changes.status !== undefined) {
        statusOverride = changes.status
        statusReason = changes.status === null ? null : (changes.statusReason ?? null)
        if (statusOverride !== null && !statusReason) {
          throw Invalid.field('statusReason', 'Enter why the status is set this way')
        }
      } else if (changes.statusReason !== undefined && statusOverride !== null) {
        if (!changes.statusReason)
          throw Invalid.field('statusReason', 'Enter why the status is set this way')
        statusReason = changes.statusReason
      }
      await checkPerson(principal, 'sroId', changes.sroId, trx)
      await checkPerson(principal, 'managerId', changes.managerId, trx)
      await checkUnits(principal, 'leadUnitId', [changes.leadUnitId], trx)
      await checkUnits(principal, 'partnerUnitIds', changes.partnerUnitIds ?? [], trx)
      {
        const after = await repo.updateProject(
          trx,
          principal.organisationId,
          id,
          before.version,
          {
            ...(changes.code !== undefined && { code: changes.code ?? null }),
            ...(changes.title !== undefined && { title: changes.title }),
            ...(changes.description !== undefined && { description: changes.description ?? null }),
            ...(changes.sroId !== undefined && { sro_id: changes.sroId ?? null }),
            ...(changes.managerId !== undefined && { manager_id: changes.managerId ?? null }),
            ...(changes.leadUnitId !== undefined && { lead_unit_id: changes.leadUnitId ?? null }),
            ...(changes.partnerUnitIds !== undefined && {
              partner_unit_ids: JSON.stringify(changes.partnerUnitIds),
            }),
            ...(changes.budget !== undefined && { budget: changes.budget ?? null }),
            ...(changes.confidence !== undefined && { confidence: changes.confidence ?? null }),
            ...(changes.stage !== undefined && { stage: changes.stage }),
            ...(changes.assurance !== undefined && { assurance: changes.assurance }),
            level,
            parent_id: parentId,
            start_date: start,
            end_date: end,
            status_override: statusOverride,
            status_reason: statusReason,
          },
          clock(),
        )
        if (!after) throw stale()
        const statusChanged =
          changes.status !== undefined && statusOverride !== before.status_override
        const stageChanged = after.stage !== before.stage || after.assurance !== before.assurance
        await audit(trx, principal, {
          action: statusChanged
            ? 'project_status_set'
            : parentId !== before.parent_id
              ? 'project_moved'
              : stageChanged
                ? 'project_stage_set'
                : 'project_updated',
          itemId: id,
          summary: statusChanged
            ? statusOverride
              ? `Status of "${after.title}" set to ${statusOverride.replace('_', ' ')} (suggested: ${project.suggestedStatus.status.replace('_', ' ')}): ${statusReason ?? ''}`
              : `Status of "${after.title}" returned to the suggested one`
            : stageChanged
              ? `Stage of "${after.title}" set to ${after.stage ? STAGE_NAMES[after.stage] : 'none'}, assurance ${after.assurance ? ASSURANCE_NAMES[after.assurance].text : 'none'}`
              : `"${after.title}" updated`,
          before,
          after,
        })
      }
    },

    async milestones(principal: Principal, id: string) {
      await requireProject(principal, id)
      return (await repo.listMilestones(db, principal.organisationId, [id])).map((m) =>
        presentMilestone(m, today()),
      )
    },

    async getMilestone(principal: Principal, id: string, milestoneId: string) {
      await requireProject(principal, id)
      const row = await repo.findMilestone(db, principal.organisationId, milestoneId)
      if (row?.project_id !== id) throw new NotFound('Milestone not found')
      return presentMilestone(row, today())
    },

    async addMilestone(principal: Principal, id: string, input: MilestoneInput) {
      const row = await db
        .transaction()
        .execute((trx) => service.addMilestoneIn(trx, principal, id, input))
      return presentMilestone(row, today())
    },

    /** Adds a milestone inside `trx` (an import's), with its audit record. */
    async addMilestoneIn(trx: Kysely<DB>, principal: Principal, id: string, input: MilestoneInput) {
      const { project } = await requireManager(principal, id, trx)
      // No date set yet: it comes in as "No date set", never overdue.
      const due = input.due ? readDue(input.due) : null
      if (due) checkDueWithin(project, due)
      checkCompleted(input.status, input.completedDate)
      await checkPerson(principal, 'ownerId', input.ownerId, trx)
      {
        const row = await repo.insertMilestone(trx, principal.organisationId, {
          project_id: id,
          title: input.title,
          due_date: due?.date ?? null,
          due_precision: due?.precision ?? 'day',
          owner_id: input.ownerId ?? null,
          status: input.status,
          completed_date: input.status === 'completed' ? (input.completedDate ?? today()) : null,
        })
        await audit(trx, principal, {
          action: 'milestone_added',
          itemId: id,
          summary: `Milestone "${row.title}" (${row.due_date === null ? 'no date set' : `due ${dueLabel(row.due_date, row.due_precision)}`}) added to "${project.title}"`,
          after: row,
        })
        return row
      }
    },

    /** Moving the due date is a rescheduling: it needs a reason, and the first date is kept. */
    async updateMilestone(
      principal: Principal,
      id: string,
      milestoneId: string,
      changes: MilestoneChanges,
    ) {
      const row = await db
        .transaction()
        .execute((trx) => service.updateMilestoneIn(trx, principal, id, milestoneId, changes))
      return presentMilestone(row, today())
    },

    /** Changes a milestone inside `trx` (an import's), with its audit record. */
    async updateMilestoneIn(
      trx: Kysely<DB>,
      principal: Principal,
      id: string,
      milestoneId: string,
      changes: MilestoneChanges,
    ) {
      const { project } = await requireManager(principal, id, trx)
      const before = await repo.findMilestone(trx, principal.organisationId, milestoneId)
      if (before?.project_id !== id) throw new NotFound('Milestone not found')
      if (changes.version !== undefined && changes.version !== before.version) throw stale()
      const due = changes.due ? readDue(changes.due) : null
      // A milestone keeps a date once it has one (moving it is a rescheduling, with its reason);
      // giving a date to one with none set is not a rescheduling.
      if (changes.due === null && before.due_date !== null) {
        throw Invalid.field(
          'due',
          'Enter when it is due: a milestone with a due date keeps one (a new date reschedules it)',
        )
      }
      const dating = due !== null && before.due_date === null
      const moving =
        due !== null &&
        before.due_date !== null &&
        (due.date !== before.due_date || due.precision !== before.due_precision)
      if (due) checkDueWithin(project, due)
      if (moving && !changes.rescheduleReason) {
        throw Invalid.field('rescheduleReason', 'Enter why the milestone is rescheduled')
      }
      let status = changes.status ?? before.status
      if (moving && changes.status === undefined && status !== 'completed') status = 'rescheduled'
      const completedDate =
        status === 'completed'
          ? changes.completedDate !== undefined
            ? (changes.completedDate ?? today())
            : (before.completed_date ?? today())
          : null
      checkCompleted(status, changes.completedDate)
      await checkPerson(principal, 'ownerId', changes.ownerId, trx)
      {
        const after = await repo.updateMilestone(
          trx,
          principal.organisationId,
          milestoneId,
          before.version,
          {
            ...(changes.title !== undefined && { title: changes.title }),
            ...(changes.ownerId !== undefined && { owner_id: changes.ownerId ?? null }),
            ...(due !== null && dating && { due_date: due.date, due_precision: due.precision }),
            ...(due !== null &&
              moving && {
                due_date: due.date,
                due_precision: due.precision,
                original_due_date: before.original_due_date ?? before.due_date,
                original_due_precision: before.original_due_precision ?? before.due_precision,
                reschedule_reason: changes.rescheduleReason ?? null,
              }),
            status,
            completed_date: completedDate,
          },
          clock(),
        )
        if (!after) throw stale()
        await audit(trx, principal, {
          action: moving ? 'milestone_rescheduled' : 'milestone_updated',
          itemId: id,
          summary: moving
            ? `Milestone "${after.title}" rescheduled from ${dueLabel(before.due_date ?? '', before.due_precision)} to ${dueLabel(after.due_date ?? '', after.due_precision)}: ${after.reschedule_reason ?? ''}`
            : `Milestone "${after.title}" updated (${after.status.replace('_', ' ')})`,
          before,
          after,
        })
        return after
      }
    },

    async benefits(principal: Principal, id: string) {
      await requireProject(principal, id)
      return (await repo.listBenefits(db, principal.organisationId, id)).map(presentBenefit)
    },

    async getBenefit(principal: Principal, id: string, benefitId: string) {
      await requireProject(principal, id)
      const row = await repo.findBenefit(db, principal.organisationId, benefitId)
      if (row?.project_id !== id) throw new NotFound('Benefit not found')
      return presentBenefit(row)
    },

    async addBenefit(principal: Principal, id: string, input: BenefitInput) {
      const { project } = await requireManager(principal, id)
      await checkSavingLine(principal, input.savingLineId)
      return db.transaction().execute(async (trx) => {
        const row = await repo.insertBenefit(trx, principal.organisationId, {
          project_id: id,
          kind: input.kind,
          title: input.title,
          description: input.description ?? null,
          financial_year: parseFinancialYear(input.financialYear),
          measure_unit: input.kind === 'financial' ? null : (input.measureUnit ?? null),
          planned: input.planned ?? null,
          realised: input.realised ?? null,
          saving_line_id: input.savingLineId ?? null,
        })
        await audit(trx, principal, {
          action: 'benefit_added',
          itemId: id,
          summary: `Benefit "${row.title}" added to "${project.title}"`,
          after: row,
        })
        return presentBenefit(row)
      })
    },

    async updateBenefit(
      principal: Principal,
      id: string,
      benefitId: string,
      changes: BenefitChanges,
    ) {
      const { project } = await requireManager(principal, id)
      const before = await repo.findBenefit(db, principal.organisationId, benefitId)
      if (before?.project_id !== id) throw new NotFound('Benefit not found')
      await checkSavingLine(principal, changes.savingLineId)
      const kind = changes.kind ?? before.kind
      return db.transaction().execute(async (trx) => {
        const row = await repo.updateBenefit(
          trx,
          principal.organisationId,
          benefitId,
          {
            kind,
            ...(changes.title !== undefined && { title: changes.title }),
            ...(changes.description !== undefined && { description: changes.description ?? null }),
            ...(changes.financialYear !== undefined && {
              financial_year: parseFinancialYear(changes.financialYear),
            }),
            ...(changes.measureUnit !== undefined && { measure_unit: changes.measureUnit ?? null }),
            ...(kind === 'financial' && { measure_unit: null }),
            ...(changes.planned !== undefined && { planned: changes.planned ?? null }),
            ...(changes.realised !== undefined && { realised: changes.realised ?? null }),
            ...(changes.savingLineId !== undefined && {
              saving_line_id: changes.savingLineId ?? null,
            }),
          },
          clock(),
        )
        await audit(trx, principal, {
          action: 'benefit_updated',
          itemId: id,
          summary: `Benefit "${row.title}" of "${project.title}" updated`,
          before,
          after: row,
        })
        return presentBenefit(row)
      })
    },

    async removeBenefit(principal: Principal, id: string, benefitId: string) {
      const { project } = await requireManager(principal, id)
      const before = await repo.findBenefit(db, principal.organisationId, benefitId)
      if (before?.project_id !== id) throw new NotFound('Benefit not found')
      await db.transaction().execute(async (trx) => {
        await repo.deleteBenefit(trx, principal.organisationId, benefitId)
        await audit(trx, principal, {
          action: 'benefit_removed',
          itemId: id,
          summary: `Benefit "${before.title}" removed from "${project.title}"`,
          before,
        })
      })
    },

    async dependencies(principal: Principal, id: string) {
      const detail = await this.detail(principal, id)
      return { dependsOn: detail.dependsOn, dependedOnBy: detail.dependedOnBy }
    },

    /** "This depends on that": never on itself, never in a circle. */
    async addDependency(principal: Principal, id: string, input: DependencyInput) {
      const { portfolio, project } = await requireManager(principal, id)
      if (input.dependsOnId === id) {
        throw Invalid.field('dependsOnId', 'An item cannot depend on itself')
      }
      if (!visible(principal, portfolio, input.dependsOnId)) {
        throw Invalid.field('dependsOnId', 'Select what this depends on from the list')
      }
      const all = await repo.listDependencies(db, principal.organisationId)
      if (all.some((d) => d.project_id === id && d.depends_on_id === input.dependsOnId)) {
        throw Invalid.field('dependsOnId', 'This dependency is already recorded')
      }
      // A circle: what it would depend on already depends, step by step, on this item.
      const reach = new Set<string>([input.dependsOnId])
      for (let grew = true; grew;) {
        grew = false
        for (const d of all) {
          if (reach.has(d.project_id) && !reach.has(d.depends_on_id)) {
            reach.add(d.depends_on_id)
            grew = true
          }
        }
      }
      if (reach.has(id)) {
        throw Invalid.field(
          'dependsOnId',
          'That would make a circle: it already depends on this one',
        )
      }
      const other = portfolio.rows.get(input.dependsOnId)
      const titles = new Map(
        [...portfolio.rows.values()].map((r) => [r.id, { title: r.title, code: r.code }]),
      )
      return db.transaction().execute(async (trx) => {
        const row = await repo.insertDependency(trx, principal.organisationId, {
          project_id: id,
          depends_on_id: input.dependsOnId,
          description: input.description ?? null,
        })
        await audit(trx, principal, {
          action: 'dependency_added',
          itemId: id,
          summary: `"${project.title}" depends on "${other?.title ?? ''}"`,
          after: row,
        })
        return presentDependency(row, titles)
      })
    },

    async removeDependency(principal: Principal, id: string, dependencyId: string) {
      const { project } = await requireManager(principal, id)
      const row = (await repo.listDependencies(db, principal.organisationId)).find(
        (d) => d.id === dependencyId && d.project_id === id,
      )
      if (!row) throw new NotFound('Dependency not found')
      await db.transaction().execute(async (trx) => {
        await repo.deleteDependency(trx, principal.organisationId, dependencyId)
        await audit(trx, principal, {
          action: 'dependency_removed',
          itemId: id,
          summary: `"${project.title}" no longer depends on another item`,
          before: row,
        })
      })
    },
  }
  return service
}
