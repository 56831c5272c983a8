// The Plans, Plan items and Links sheets of the exchange workbook (issue 25): the golden thread
// itself, imported by the performance team over the whole council (who shape the framework),
// row by row inside the import's one transaction, each change audited with the framework
// pages' own actions. A plan is matched by its title, an item by its plan, parent and title, a
// link by its item and what it links; so a second import updates rather than duplicates.
import type { Kysely } from 'kysely'
import { formatFinancialYear, parseFinancialYear } from '../../core/periods.ts'
import type { DB, PlanKind, PlanStatus } from '../../db/schema.ts'
import { actorOf, recordAudit } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import {
  canSeePlan,
  canShapeFramework,
  frameworkRepository as repo,
  MAX_LEVELS,
  NodeInput,
  PLAN_KIND_NAMES,
  PLAN_STATUS_NAMES,
  PlanInput,
} from '../framework/index.ts'
import { linkRepository as linkRepo } from '../links/index.ts'
import type { ParsedSheet } from './exchange-reader.ts'
import type { CellOut } from './exchange-workbook.ts'
import type { ProjectSheetRun } from './project-sheets.ts'

export interface PlanSheetDeps {
  readonly clock: () => Date
}

const REFUSED =
  'Only administrators and performance officers over the whole council can import plans, plan items and links'

const text = (cell: unknown) =>
  typeof cell === 'string' || typeof cell === 'number' ? String(cell).trim() : ''
const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ')

function choose<K extends string>(names: Readonly<Record<K, string>>, value: string): K | null {
  const v = norm(value)
  for (const [key, name] of Object.entries(names) as [K, string][]) {
    if (norm(name) === v || key === v || norm(name).replace(/ plan$/, '') === v) return key
  }
  return null
}

const levelsOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : (JSON.parse(String(value)) as string[])

/** The thread as the transaction sees it: plans and active items, looked up by title. */
class Framework {
  plans: repo.PlanRow[] = []
  nodes: repo.NodeRow[] = []
  async read(trx: Kysely<DB>, organisationId: string) {
    this.plans = await repo.listPlans(trx, organisationId)
    this.nodes = (await repo.listNodes(trx, organisationId)).filter((n) => n.status === 'active')
  }
  plan(title: string) {
    return this.plans.filter((p) => norm(p.title) === norm(title))
  }
  depth(nodeId: string): number {
    let depth = 0
    for (let n = this.nodes.find((x) => x.id === nodeId); n?.parent_id; depth++) {
      const parentId = n.parent_id
      n = this.nodes.find((x) => x.id === parentId)
    }
    return depth
  }
  /** "Plan title: item title", or an item title no other active item has. */
  node(ref: string): { row: repo.NodeRow } | { problem: string } {
    const planTitle = new Map(this.plans.map((p) => [p.id, p.title]))
    const whole = this.nodes.filter(
      (n) => norm(`${planTitle.get(n.plan_id) ?? ''}: ${n.title}`) === norm(ref),
    )
    if (whole.length === 1 && whole[0]) return { row: whole[0] }
    const titled = this.nodes.filter((n) => norm(n.title) === norm(ref))
    if (titled.length === 1 && titled[0]) return { row: titled[0] }
    if (whole.length > 1 || titled.length > 1) {
      return {
        problem: `${Math.max(whole.length, titled.length)} plan items are called “${ref}”: write the plan’s title, a colon and the item’s title`,
      }
    }
    return { problem: `No active plan item is called “${ref}”` }
  }
  /** The plan's active item of this title under this parent. */
  item(planId: string, parentId: string | null, title: string) {
    return this.nodes.filter(
      (n) => n.plan_id === planId && n.parent_id === parentId && norm(n.title) === norm(title),
    )
  }
  /** Whether `planId` sits under (anywhere beneath) the plan with `aboveId`. */
  isBelow(planId: string, aboveId: string): boolean {
    const seen = new Set<string>()
    for (let p = this.plans.find((x) => x.id === planId); p?.parent_plan_id;) {
      if (seen.has(p.id)) return false
      seen.add(p.id)
      if (p.parent_plan_id === aboveId) return true
      const parentId = p.parent_plan_id
      p = this.plans.find((x) => x.id === parentId)
    }
    return false
  }
}

function refused(run: ProjectSheetRun, sheet: ParsedSheet, row: number, state: { told: boolean }) {
  if (canShapeFramework(run.principal)) return false
  if (!state.told) run.error(sheet.name, row, '', REFUSED)
  state.told = true
  return true
}

function audit(
  trx: Kysely<DB>,
  principal: Principal,
  deps: PlanSheetDeps,
  entry: {
    action: string
    itemType: 'plan' | 'node'
    itemId: string
    summary: string
    before?: unknown
    after?: unknown
  },
) {
  return recordAudit(
    trx,
    { organisationId: principal.organisationId, actor: actorOf(principal), ...entry },
    deps.clock,
  )
}

/** The Plans sheet: each plan with its period, status and the names of its levels. */
export async function importPlans(
  run: ProjectSheetRun,
  trx: Kysely<DB>,
  sheet: ParsedSheet,
  deps: PlanSheetDeps,
): Promise<void> {
  const org = run.principal.organisationId
  const framework = new Framework()
  await framework.read(trx, org)
  const has = (field: string) => sheet.columns.some((c) => c.field === field)
  const seen = new Map<string, number>()
  const told = { told: false }
  for (const row of sheet.rows) {
    run.checkTime()
    const raw = run.rawInput(sheet, row)
    if (!raw) continue
    const title = text(raw.title)
    const earlier = seen.get(norm(title))
    if (earlier !== undefined) {
      run.error(
        sheet.name,
        row.row,
        'Plan',
        `“${title}” is already on row ${earlier} of this sheet`,
      )
      continue
    }
    seen.set(norm(title), row.row)
    const state = { ok: true }
    const fail = (column: string, message: string) => {
      run.error(sheet.name, row.row, column, message)
      state.ok = false
    }
    const matches = framework.plan(title)
    if (matches.length > 1) {
      fail('Plan', `${matches.length} plans are called “${title}”: rename one on its page`)
      continue
    }
    const existing = matches[0] ?? null
    let kind: PlanKind | undefined
    if (has('kind') && text(raw.kind) !== '') {
      const chosen = choose(PLAN_KIND_NAMES, text(raw.kind))
      if (chosen) kind = chosen
      else
        fail(
          'Kind',
          `“${text(raw.kind)}” is not one of: ${Object.values(PLAN_KIND_NAMES).join(', ')}`,
        )
    }
    let status: PlanStatus | undefined
    if (has('status') && text(raw.status) !== '') {
      const chosen = choose(PLAN_STATUS_NAMES, text(raw.status))
      if (chosen) status = chosen
      else fail('Status', `“${text(raw.status)}” is not one of: Draft, Active, Archived`)
    }
    const levels = has('levels')
      ? text(raw.levels)
          .split('>')
          .map((l) => l.trim())
          .filter((l) => l !== '')
      : undefined
    let parentPlanId: string | null | undefined
    if (has('parentPlanId')) {
      const ref = text(raw.parentPlanId)
      if (ref === '') parentPlanId = null
      else {
        const [parent, ...more] = framework.plan(ref)
        if (!parent) fail('Part of', `No plan is called “${ref}”`)
        else if (more.length > 0) fail('Part of', `${more.length + 1} plans are called “${ref}”`)
        else parentPlanId = parent.id
      }
    }
    if (!state.ok) continue
    const fields: Record<string, unknown> = {
      title,
      ...(kind !== undefined && { kind }),
      ...(has('firstYear') && { firstYear: text(raw.firstYear) }),
      ...(has('lastYear') && { lastYear: text(raw.lastYear) }),
      ...(status !== undefined && { status }),
      ...(levels !== undefined && { levels }),
      ...(parentPlanId !== undefined && { parentPlanId }),
      ...(has('ownerUnitId') && { ownerUnitId: raw.ownerUnitId ?? null }),
      ...(has('vision') && { vision: text(raw.vision) || null }),
      ...(has('mission') && { mission: text(raw.mission) || null }),
    }
    if (!existing) {
      const input = run.parse(sheet, row, PlanInput, fields)
      if (!input) continue
      const first = parseFinancialYear(input.firstYear)
      const last = parseFinancialYear(input.lastYear)
      if (last < first) {
        run.error(
          sheet.name,
          row.row,
          'Last year',
          'The last financial year must be the same as or after the first financial year',
        )
        continue
      }
      if (refused(run, sheet, row.row, told)) continue
      const plan = await repo.insertPlan(trx, org, {
        parent_plan_id: input.parentPlanId ?? null,
        title: input.title,
        kind: input.kind,
        first_year: first,
        last_year: last,
        status: input.status,
        owner_unit_id: input.ownerUnitId ?? null,
        vision: input.vision ?? null,
        mission: input.mission ?? null,
        levels: input.levels,
      })
      await audit(trx, run.principal, deps, {
        action: 'plan_created',
        itemType: 'plan',
        itemId: plan.id,
        summary: `Plan "${plan.title}" created (imported)`,
        after: plan,
      })
      await framework.read(trx, org)
      run.counts.Plans.created++
      run.changes.push({
        sheet: 'Plans',
        row: row.row,
        action: 'create',
        item: plan.title,
        detail: `New plan with levels ${input.levels.join(' > ')}`,
      })
      continue
    }
    // An update: only what differs.
    const stillOk = () => state.ok
    const storedLevels = levelsOf(existing.levels)
    const changes: Record<string, unknown> = {}
    if (kind !== undefined && kind !== existing.kind) changes.kind = kind
    if (status !== undefined && status !== existing.status) changes.status = status
    for (const [field, stored] of [
      ['firstYear', existing.first_year],
      ['lastYear', existing.last_year],
    ] as const) {
      if (!has(field)) continue
      let year: number
      try {
        year = parseFinancialYear(text(raw[field]))
      } catch {
        fail(
          field === 'firstYear' ? 'First year' : 'Last year',
          'Enter the financial year in the form 2024/25',
        )
        continue
      }
      if (year !== stored) changes[field === 'firstYear' ? 'first_year' : 'last_year'] = year
    }
    if (levels !== undefined && JSON.stringify(levels) !== JSON.stringify(storedLevels)) {
      if (levels.length === 0 || levels.length > MAX_LEVELS) {
        fail('Levels', `Enter from 1 to ${MAX_LEVELS} level names, separated by ">"`)
      } else {
        const deepest = Math.max(
          -1,
          ...framework.nodes
            .filter((n) => n.plan_id === existing.id)
            .map((n) => framework.depth(n.id)),
        )
        if (levels.length <= deepest) {
          fail(
            'Levels',
            `The plan has items ${deepest + 1} levels deep: give at least ${deepest + 1} level names`,
          )
        } else changes.levels = levels
      }
    }
    if (parentPlanId !== undefined && parentPlanId !== existing.parent_plan_id) {
      fail('Part of', 'A plan is moved under another on its page, not by the import')
    }
    if (has('ownerUnitId') && (raw.ownerUnitId ?? null) !== existing.owner_unit_id) {
      changes.owner_unit_id = raw.ownerUnitId ?? null
    }
    for (const field of ['vision', 'mission'] as const) {
      if (has(field) && (text(raw[field]) || null) !== existing[field]) {
        changes[field] = text(raw[field]) || null
      }
    }
    if (!stillOk()) continue
    const first = (changes.first_year as number | undefined) ?? existing.first_year
    const last = (changes.last_year as number | undefined) ?? existing.last_year
    if (last < first) {
      run.error(
        sheet.name,
        row.row,
        'Last year',
        'The last financial year must be the same as or after the first financial year',
      )
      continue
    }
    if (Object.keys(changes).length === 0) {
      run.counts.Plans.unchanged++
      continue
    }
    if (refused(run, sheet, row.row, told)) continue
    const after = await repo.updatePlan(trx, org, existing.id, changes, deps.clock())
    await audit(trx, run.principal, deps, {
      action: 'plan_updated',
      itemType: 'plan',
      itemId: existing.id,
      summary: `Plan "${after.title}" updated (imported)`,
      before: existing,
      after,
    })
    await framework.read(trx, org)
    run.counts.Plans.updated++
    run.changes.push({
      sheet: 'Plans',
      row: row.row,
      action: 'update',
      item: existing.title,
      detail: `Changed: ${Object.keys(changes).join(', ')}`,
    })
  }
}

/** The Plan items sheet: the items of each plan, at the levels the plan names. */
export async function importPlanItems(
  run: ProjectSheetRun,
  trx: Kysely<DB>,
  sheet: ParsedSheet,
  deps: PlanSheetDeps,
): Promise<void> {
  const org = run.principal.organisationId
  const framework = new Framework()
  await framework.read(trx, org)
  const has = (field: string) => sheet.columns.some((c) => c.field === field)
  const seen = new Map<string, number>()
  const told = { told: false }
  for (const row of sheet.rows) {
    run.checkTime()
    const raw = run.rawInput(sheet, row)
    if (!raw) continue
    const title = text(raw.title)
    const state = { ok: true }
    const fail = (column: string, message: string) => {
      run.error(sheet.name, row.row, column, message)
      state.ok = false
    }
    const [plan, ...others] = framework.plan(text(raw.plan))
    if (!plan || others.length > 0) {
      fail(
        'Plan',
        plan
          ? `${others.length + 1} plans are called “${text(raw.plan)}”`
          : `No plan is called “${text(raw.plan)}”: add it on the Plans sheet`,
      )
      continue
    }
    if (plan.status === 'archived') {
      fail('Plan', `“${plan.title}” is archived. Make it active or draft again to change it.`)
      continue
    }
    let parentId: string | null = null
    const parentRef = text(raw.parentId)
    if (parentRef !== '') {
      const parents = framework.nodes.filter(
        (n) => n.plan_id === plan.id && norm(n.title) === norm(parentRef),
      )
      if (parents.length !== 1 || !parents[0]) {
        fail(
          'Part of',
          parents.length > 1
            ? `${parents.length} items of “${plan.title}” are called “${parentRef}”`
            : `“${plan.title}” has no active item called “${parentRef}”`,
        )
        continue
      }
      parentId = parents[0].id
    }
    let contributesToId: string | null = null
    const contributesRef = text(raw.contributesToId)
    if (contributesRef !== '') {
      const found = framework.node(contributesRef)
      if ('problem' in found) fail('Contributes to', found.problem)
      else if (parentId !== null) {
        fail(
          'Contributes to',
          'Only a top-level item can sit under an item of a plan above: leave Part of or Contributes to empty',
        )
      } else if (!framework.isBelow(plan.id, found.row.plan_id)) {
        fail(
          'Contributes to',
          `“${found.row.title}” is not in a plan above “${plan.title}” (a plan sits under another in its Part of)`,
        )
      } else contributesToId = found.row.id
    }
    const key = `${plan.id}|${parentId ?? ''}|${norm(title)}`
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      fail('Item', `“${title}” is already on row ${earlier} of this sheet`)
      continue
    }
    seen.set(key, row.row)
    const depth = parentId === null ? 0 : framework.depth(parentId) + 1
    const levels = levelsOf(plan.levels)
    if (depth >= levels.length) {
      fail(
        'Part of',
        `“${plan.title}” has ${levels.length} levels (${levels.join(' > ')}): this item would be a level deeper`,
      )
    }
    if (!state.ok) continue
    const fields = {
      title,
      ...(has('description') && { description: text(raw.description) || null }),
      ...(has('whatSuccessLooksLike') && {
        whatSuccessLooksLike: text(raw.whatSuccessLooksLike) || null,
      }),
      ...(has('ownerId') && { ownerId: raw.ownerId ?? null }),
      ...(has('leadUnitId') && { leadUnitId: raw.leadUnitId ?? null }),
      parentId,
      contributesToId,
    }
    const input = run.parse(sheet, row, NodeInput, fields)
    if (!input) continue
    const matches = framework.item(plan.id, parentId, title)
    const existing = matches[0]
    if (!existing) {
      if (refused(run, sheet, row.row, told)) continue
      const position = framework.nodes
        .filter((n) => n.plan_id === plan.id && n.parent_id === parentId)
        .reduce((max, s) => Math.max(max, s.position + 1), 0)
      const node = await repo.insertNode(trx, org, {
        plan_id: plan.id,
        parent_id: parentId,
        contributes_to_id: contributesToId,
        title: input.title,
        description: input.description ?? null,
        success: input.whatSuccessLooksLike ?? null,
        owner_id: input.ownerId ?? null,
        lead_unit_id: input.leadUnitId ?? null,
        position,
        status: 'active',
      })
      await audit(trx, run.principal, deps, {
        action: 'node_created',
        itemType: 'node',
        itemId: node.id,
        summary: `"${node.title}" added to "${plan.title}" (imported)`,
        after: node,
      })
      await framework.read(trx, org)
      run.counts['Plan items'].created++
      run.changes.push({
        sheet: 'Plan items',
        row: row.row,
        action: 'create',
        item: `${plan.title}: ${node.title}`,
        detail: `New ${levels[depth] ?? 'item'}`,
      })
      continue
    }
    const changes: Record<string, unknown> = {}
    if (existing.contributes_to_id !== contributesToId && has('contributesToId')) {
      changes.contributes_to_id = contributesToId
    }
    if (has('description') && (input.description ?? null) !== existing.description) {
      changes.description = input.description ?? null
    }
    if (has('whatSuccessLooksLike') && (input.whatSuccessLooksLike ?? null) !== existing.success) {
      changes.success = input.whatSuccessLooksLike ?? null
    }
    if (has('ownerId') && (input.ownerId ?? null) !== existing.owner_id) {
      changes.owner_id = input.ownerId ?? null
    }
    if (has('leadUnitId') && (input.leadUnitId ?? null) !== existing.lead_unit_id) {
      changes.lead_unit_id = input.leadUnitId ?? null
    }
    if (Object.keys(changes).length === 0) {
      run.counts['Plan items'].unchanged++
      continue
    }
    if (refused(run, sheet, row.row, told)) continue
    const after = await repo.updateNode(trx, org, existing.id, changes, deps.clock())
    await audit(trx, run.principal, deps, {
      action: 'node_updated',
      itemType: 'node',
      itemId: existing.id,
      summary: `"${after.title}" in "${plan.title}" updated (imported)`,
      before: existing,
      after,
    })
    await framework.read(trx, org)
    run.counts['Plan items'].updated++
    run.changes.push({
      sheet: 'Plan items',
      row: row.row,
      action: 'update',
      item: `${plan.title}: ${title}`,
      detail: `Changed: ${Object.keys(changes).join(', ')}`,
    })
  }
}

/** Kinds of linked item the sheet names, and how each is found by its reference. */
const LINK_KINDS = {
  measure: { name: 'Measure', words: ['measure', 'kpi', 'pi', 'indicator'] },
  project: { name: 'Project', words: ['project', 'programme', 'action'] },
  risk: { name: 'Risk', words: ['risk'] },
  saving: { name: 'Savings line', words: ['savings line', 'saving', 'savings'] },
  unit: { name: 'Unit', words: ['unit', 'team', 'service', 'directorate'] },
  person: { name: 'Person', words: ['person'] },
} as const
type LinkKind = keyof typeof LINK_KINDS

/** Every linkable item of the council by kind, with its reference as the sheet writes it. */
async function linkables(trx: Kysely<DB>, org: string) {
  const [measures, projects, risks, savings, units, people] = await Promise.all([
    trx
      .selectFrom('measures')
      .select(['id', 'code as ref', 'title'])
      .where('organisation_id', '=', org)
      .execute(),
    trx
      .selectFrom('projects')
      .select(['id', 'code', 'title'])
      .where('organisation_id', '=', org)
      .execute(),
    trx
      .selectFrom('risks')
      .select(['id', 'reference as ref', 'title'])
      .where('organisation_id', '=', org)
      .execute(),
    trx
      .selectFrom('saving_lines')
      .select(['id', 'reference as ref', 'title'])
      .where('organisation_id', '=', org)
      .execute(),
    trx
      .selectFrom('units')
      .select(['id', 'code', 'name as title'])
      .where('organisation_id', '=', org)
      .execute(),
    trx
      .selectFrom('people')
      .select(['id', 'email as ref', 'name as title'])
      .where('organisation_id', '=', org)
      .execute(),
  ])
  return {
    measure: measures,
    project: projects.map((p) => ({ id: p.id, ref: p.code ?? p.title, title: p.title })),
    risk: risks,
    saving: savings,
    unit: units.map((u) => ({ id: u.id, ref: u.code ?? u.title, title: u.title })),
    person: people,
  } satisfies Record<LinkKind, readonly { id: string; ref: string; title: string }[]>
}

/** The Links sheet: which measures, projects, risks … each plan item is linked to. */
export async function importLinks(
  run: ProjectSheetRun,
  trx: Kysely<DB>,
  sheet: ParsedSheet,
  deps: PlanSheetDeps,
): Promise<void> {
  const org = run.principal.organisationId
  const framework = new Framework()
  await framework.read(trx, org)
  const items = await linkables(trx, org)
  const links = await linkRepo.listLinks(trx, org)
  const seen = new Map<string, number>()
  const told = { told: false }
  for (const row of sheet.rows) {
    run.checkTime()
    const raw = run.rawInput(sheet, row)
    if (!raw) continue
    const found = framework.node(text(raw.node))
    if ('problem' in found) {
      run.error(sheet.name, row.row, 'Plan item', found.problem)
      continue
    }
    const node = found.row
    const word = norm(text(raw.kind))
    const kind = (Object.keys(LINK_KINDS) as LinkKind[]).find((k) =>
      LINK_KINDS[k].words.some((w) => w === word || norm(LINK_KINDS[k].name) === word),
    )
    if (!kind) {
      run.error(
        sheet.name,
        row.row,
        'Linked kind',
        `“${text(raw.kind)}” is not one of: ${Object.values(LINK_KINDS)
          .map((k) => k.name)
          .join(', ')}`,
      )
      continue
    }
    const ref = text(raw.reference)
    const candidates = items[kind].filter((i) => norm(i.ref) === norm(ref))
    const [item] = candidates
    if (!item || candidates.length > 1) {
      run.error(
        sheet.name,
        row.row,
        'Linked reference',
        item
          ? `${candidates.length} of the council’s ${LINK_KINDS[kind].name.toLowerCase()}s have the reference ${ref}`
          : `No ${LINK_KINDS[kind].name.toLowerCase()} has the reference “${ref}”`,
      )
      continue
    }
    const key = `${node.id}|${kind}|${item.id}`
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      run.error(
        sheet.name,
        row.row,
        'Linked reference',
        `The same link is already on row ${earlier}`,
      )
      continue
    }
    seen.set(key, row.row)
    if (links.some((l) => l.node_id === node.id && l.item_kind === kind && l.item_id === item.id)) {
      run.counts.Links.unchanged++
      continue
    }
    const plan = framework.plans.find((p) => p.id === node.plan_id)
    if (plan?.status === 'archived') {
      run.error(sheet.name, row.row, 'Plan item', `“${plan.title}” is archived`)
      continue
    }
    if (refused(run, sheet, row.row, told)) continue
    const link = await linkRepo.insertLink(trx, {
      organisationId: org,
      nodeId: node.id,
      itemKind: kind,
      itemId: item.id,
    })
    links.push(link)
    await audit(trx, run.principal, deps, {
      action: 'item_linked',
      itemType: 'node',
      itemId: node.id,
      summary: `${item.title} (${LINK_KINDS[kind].name.toLowerCase()}) linked to "${node.title}" (imported)`,
      after: { linkId: link.id, itemKind: kind, itemId: item.id, title: item.title },
    })
    run.counts.Links.created++
    run.changes.push({
      sheet: 'Links',
      row: row.row,
      action: 'create',
      item: `${node.title} → ${item.ref}`,
      detail: `${LINK_KINDS[kind].name} linked`,
    })
  }
}

/** The three sheets' rows for the export: the plans the person may see, their items and links. */
export async function planExportRows(
  db: Kysely<DB>,
  principal: Principal,
  unitRef: ReadonlyMap<string, string>,
  email: ReadonlyMap<string, string>,
): Promise<{ plans: CellOut[][]; items: CellOut[][]; links: CellOut[][] }> {
  const org = principal.organisationId
  if (principal.roles.length === 0) return { plans: [], items: [], links: [] }
  const framework = new Framework()
  await framework.read(db, org)
  const plans = framework.plans.filter((p) => canSeePlan(principal, p))
  const visible = new Set(plans.map((p) => p.id))
  const byId = new Map(framework.plans.map((p) => [p.id, p]))
  // Parents before the plans under them.
  const planDepth = (p: repo.PlanRow) => {
    let d = 0
    for (let q = p; q.parent_plan_id && d < 20; d++) {
      const next = byId.get(q.parent_plan_id)
      if (!next) break
      q = next
    }
    return d
  }
  const orderedPlans = [...plans].sort((a, b) => planDepth(a) - planDepth(b))
  const nodes = framework.nodes.filter((n) => visible.has(n.plan_id))
  const nodeById = new Map(framework.nodes.map((n) => [n.id, n]))
  const nodeRef = (id: string) => {
    const n = nodeById.get(id)
    if (!n) return null
    return `${byId.get(n.plan_id)?.title ?? ''}: ${n.title}`
  }
  const depthOfPlan = (n: repo.NodeRow) => {
    const plan = byId.get(n.plan_id)
    return plan ? planDepth(plan) : 0
  }
  const orderedNodes = [...nodes].sort(
    (a, b) =>
      depthOfPlan(a) - depthOfPlan(b) ||
      framework.depth(a.id) - framework.depth(b.id) ||
      a.position - b.position,
  )
  const unit = (id: string | null) => (id ? (unitRef.get(id) ?? null) : null)
  const items = await linkables(db, org)
  const refOf = new Map<string, string>()
  for (const [kind, list] of Object.entries(items))
    for (const i of list) refOf.set(`${kind}|${i.id}`, i.ref)
  const links = (await linkRepo.listLinks(db, org)).flatMap((l): CellOut[][] => {
    const ref = refOf.get(`${l.item_kind}|${l.item_id}`)
    const kind = LINK_KINDS[l.item_kind as LinkKind] as (typeof LINK_KINDS)[LinkKind] | undefined
    if (!nodeById.has(l.node_id) || !visible.has(nodeById.get(l.node_id)?.plan_id ?? '')) return []
    if (!ref || !kind) return []
    return [[nodeRef(l.node_id), kind.name, ref]]
  })
  return {
    plans: orderedPlans.map((p) => [
      p.title,
      PLAN_KIND_NAMES[p.kind],
      formatFinancialYear(p.first_year),
      formatFinancialYear(p.last_year),
      PLAN_STATUS_NAMES[p.status],
      levelsOf(p.levels).join(' > '),
      p.parent_plan_id ? (byId.get(p.parent_plan_id)?.title ?? null) : null,
      unit(p.owner_unit_id),
      p.vision,
      p.mission,
    ]),
    items: orderedNodes.map((n) => {
      const plan = byId.get(n.plan_id)
      const levels = plan ? levelsOf(plan.levels) : []
      return [
        plan?.title ?? null,
        n.title,
        levels[framework.depth(n.id)] ?? levels.at(-1) ?? null,
        n.parent_id ? (nodeById.get(n.parent_id)?.title ?? null) : null,
        n.contributes_to_id ? nodeRef(n.contributes_to_id) : null,
        n.description,
        n.success,
        n.owner_id ? (email.get(n.owner_id) ?? null) : null,
        unit(n.lead_unit_id),
      ]
    }),
    links,
  }
}
