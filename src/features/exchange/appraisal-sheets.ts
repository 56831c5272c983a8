// The Line managers and Objectives sheets of the exchange workbook (issue 26): imported by the
// performance team over the whole council, row by row inside the import's one transaction, each
// change audited; a re-import updates what it names rather than adding it again.
import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { formatFinancialYear, parseFinancialYear } from '../../core/periods.ts'
import type { DB } from '../../db/schema.ts'
import { Invalid } from '../../errors.ts'
import {
  appraisalRepository as appraisalRepo,
  ObjectiveInput,
  recomputeAppraisalMeasures,
} from '../appraisals/index.ts'
import { recordAudit, actorOf } from '../audit/index.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import type { ComputationRegistry } from '../organisational-measures/index.ts'
import type { CellOut } from './exchange-workbook.ts'
import type { ImportSheet } from './exchange-columns.ts'
import type { ParsedSheet, SheetRow } from './exchange-reader.ts'

/** What the sheets need of the import run (exchange-service's ImportRun). */
export interface AppraisalSheetRun {
  readonly principal: Principal
  readonly counts: Record<ImportSheet, { created: number; updated: number; unchanged: number }>
  readonly changes: {
    sheet: ImportSheet
    row: number
    action: 'create' | 'update'
    item: string
    detail: string
  }[]
  error(sheet: ImportSheet, row: number, column: string, message: string): void
  checkTime(): void
  rawInput(sheet: ParsedSheet, row: SheetRow): Record<string, unknown> | null
  parse<S extends z.ZodType>(
    sheet: ParsedSheet,
    row: SheetRow,
    schema: S,
    raw: unknown,
  ): z.output<S> | null
}

export interface AppraisalSheetDeps {
  readonly clock: () => Date
  /** To recompute the appraisal measures in the import's transaction, when given. */
  readonly computations?: ComputationRegistry | undefined
}

/** Line managers and objectives of the whole council: administrators and performance officers over it. */
export function mayImportAppraisals(principal: Principal): boolean {
  return principal.roles.some(
    (g) => g.unitId === null && (g.role === 'administrator' || g.role === 'performance_officer'),
  )
}

const REFUSED =
  'Only administrators and performance officers over the whole council can import line managers and objectives'

function refuse(run: AppraisalSheetRun, sheet: ParsedSheet): boolean {
  if (mayImportAppraisals(run.principal)) return false
  const first = sheet.rows[0]
  if (first) run.error(sheet.name, first.row, '', REFUSED)
  return true
}

const text = (cell: unknown) =>
  typeof cell === 'string' || typeof cell === 'number' ? String(cell).trim() : ''

/** The Line managers sheet: each person's line manager, refusing loops across the whole sheet. */
export async function importLineManagers(
  run: AppraisalSheetRun,
  trx: Kysely<DB>,
  sheet: ParsedSheet,
  deps: AppraisalSheetDeps,
): Promise<void> {
  if (refuse(run, sheet)) return
  const org = run.principal.organisationId
  const people = await trx
    .selectFrom('people')
    .select(['id', 'name', 'email', 'active', 'line_manager_id'])
    .where('organisation_id', '=', org)
    .execute()
  const byId = new Map(people.map((p) => [p.id, p]))
  const managers = new Map(people.map((p) => [p.id, p.line_manager_id]))
  const wanted: { row: number; personId: string; managerId: string | null }[] = []
  const seen = new Map<string, number>()
  for (const row of sheet.rows) {
    run.checkTime()
    const input = run.rawInput(sheet, row)
    if (!input) continue
    const personId = input.personId as string | null | undefined
    const managerId = (input.lineManagerId as string | null | undefined) ?? null
    if (!personId) {
      run.error(sheet.name, row.row, 'Person email', 'Enter the person’s email address')
      continue
    }
    const earlier = seen.get(personId)
    if (earlier !== undefined) {
      run.error(sheet.name, row.row, 'Person email', `Already on row ${earlier} of this sheet`)
      continue
    }
    seen.set(personId, row.row)
    if (managerId !== null && byId.get(managerId)?.active !== true) {
      run.error(
        sheet.name,
        row.row,
        'Line manager email',
        'The line manager’s account is not active',
      )
      continue
    }
    if (managerId === personId) {
      run.error(
        sheet.name,
        row.row,
        'Line manager email',
        'A person cannot be their own line manager',
      )
      continue
    }
    managers.set(personId, managerId)
    wanted.push({ row: row.row, personId, managerId })
  }
  // Loops are judged on the council's lines as the whole sheet leaves them.
  for (const w of wanted) {
    const visited = new Set<string>()
    for (let at = w.managerId; at; at = managers.get(at) ?? null) {
      if (at === w.personId) {
        const manager = byId.get(w.managerId ?? '')
        run.error(
          sheet.name,
          w.row,
          'Line manager email',
          `${manager?.name ?? 'The line manager'} is managed by ${byId.get(w.personId)?.name ?? 'this person'}, directly or down the line: choose someone else`,
        )
        break
      }
      if (visited.has(at)) break
      visited.add(at)
    }
  }
  const actor = actorOf(run.principal)
  for (const w of wanted) {
    const person = byId.get(w.personId)
    if (!person) continue
    if (person.line_manager_id === w.managerId) {
      run.counts['Line managers'].unchanged++
      continue
    }
    const manager = w.managerId ? byId.get(w.managerId) : undefined
    await trx
      .updateTable('people')
      .set({ line_manager_id: w.managerId, updated_at: deps.clock() })
      .where('organisation_id', '=', org)
      .where('id', '=', w.personId)
      .execute()
    const detail = manager ? `line manager ${manager.name}` : 'no line manager'
    await recordAudit(
      trx,
      {
        organisationId: org,
        actor,
        action: 'person_updated',
        itemType: 'person',
        itemId: w.personId,
        summary: `${person.name}: ${detail} (imported)`,
        before: { lineManagerId: person.line_manager_id },
        after: { lineManagerId: w.managerId },
      },
      deps.clock,
    )
    run.counts['Line managers'].updated++
    run.changes.push({
      sheet: 'Line managers',
      row: w.row,
      action: 'update',
      item: person.email,
      detail,
    })
  }
}

/** The Objectives sheet: a person's objectives for a year, matched by title for a re-import. */
export async function importObjectives(
  run: AppraisalSheetRun,
  trx: Kysely<DB>,
  sheet: ParsedSheet,
  deps: AppraisalSheetDeps,
): Promise<void> {
  if (refuse(run, sheet)) return
  const org = run.principal.organisationId
  const [cycles, appraisals, nodes, people] = await Promise.all([
    appraisalRepo.listCycles(trx, org),
    appraisalRepo.listAppraisals(trx, org),
    appraisalRepo.linkableNodes(trx, org),
    trx
      .selectFrom('people')
      .select(['id', 'name', 'email'])
      .where('organisation_id', '=', org)
      .execute(),
  ])
  const objectives = await appraisalRepo.listObjectives(
    trx,
    org,
    appraisals.map((a) => a.id),
  )
  const person = new Map(people.map((p) => [p.id, p]))
  const node = nodeFinder(nodes)
  const seen = new Map<string, number>()
  let changed = false
  const actor = actorOf(run.principal)
  for (const row of sheet.rows) {
    run.checkTime()
    const raw = run.rawInput(sheet, row)
    if (!raw) continue
    const personId = raw.personId as string | null | undefined
    if (!personId) {
      run.error(sheet.name, row.row, 'Person email', 'Enter the person’s email address')
      continue
    }
    let year: number
    try {
      year = parseFinancialYear(text(raw.year))
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      run.error(sheet.name, row.row, 'Year', 'Enter the financial year of the cycle, like 2026/27')
      continue
    }
    const cycle = cycles.find((c) => c.year === year)
    if (!cycle) {
      run.error(
        sheet.name,
        row.row,
        'Year',
        `No appraisal cycle is open for ${formatFinancialYear(year)}`,
      )
      continue
    }
    const appraisal = appraisals.find((a) => a.cycle_id === cycle.id && a.person_id === personId)
    const name = person.get(personId)?.name ?? 'This person'
    if (!appraisal) {
      run.error(
        sheet.name,
        row.row,
        'Person email',
        `${name} is not in the ${formatFinancialYear(year)} cycle: bring in the staff who joined since it opened first`,
      )
      continue
    }
    const nodeRef = text(raw.nodeId)
    const found = nodeRef === '' ? { id: undefined } : node(nodeRef)
    if ('problem' in found) {
      run.error(sheet.name, row.row, 'Plan item', found.problem)
      continue
    }
    const input = run.parse(sheet, row, ObjectiveInput, { ...raw, nodeId: found.id })
    if (!input) continue
    const key = `${personId}|${year}|${input.title.toLowerCase()}`
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      run.error(
        sheet.name,
        row.row,
        'Title',
        `The same objective is already on row ${earlier} of this sheet`,
      )
      continue
    }
    seen.set(key, row.row)
    const own = objectives.filter((o) => o.appraisal_id === appraisal.id)
    const existing = own.find((o) => o.title.toLowerCase() === input.title.toLowerCase())
    const item = `${person.get(personId)?.email ?? ''} ${formatFinancialYear(year)}: ${input.title}`
    if (
      existing &&
      existing.success_measure === input.successMeasure &&
      existing.due_date === input.dueDate &&
      existing.node_id === input.nodeId
    ) {
      run.counts.Objectives.unchanged++
      continue
    }
    // A signed-off year is history: the same row again is fine, a change is refused.
    if (appraisal.signed_off_at !== null) {
      run.error(
        sheet.name,
        row.row,
        'Year',
        `${name}’s ${formatFinancialYear(year)} appraisal is signed off: its objectives can no longer change`,
      )
      continue
    }
    if (existing) {
      const after = await appraisalRepo.updateObjective(
        trx,
        org,
        existing.id,
        {
          success_measure: input.successMeasure,
          due_date: input.dueDate,
          node_id: input.nodeId,
        },
        deps.clock(),
      )
      await recordAudit(
        trx,
        {
          organisationId: org,
          actor,
          action: 'objective_updated',
          itemType: 'appraisal',
          itemId: appraisal.id,
          summary: `Objective "${after.title}" of ${name} changed (imported)`,
          before: existing,
          after,
        },
        deps.clock,
      )
      run.counts.Objectives.updated++
      run.changes.push({
        sheet: 'Objectives',
        row: row.row,
        action: 'update',
        item,
        detail: 'changed',
      })
    } else {
      const created = await appraisalRepo.insertObjective(trx, {
        organisation_id: org,
        appraisal_id: appraisal.id,
        title: input.title,
        success_measure: input.successMeasure,
        due_date: input.dueDate,
        node_id: input.nodeId,
        measure_id: null,
        project_id: null,
        position: own.length,
        created_by: recordedPersonId(run.principal),
        created_at: deps.clock(),
        updated_at: deps.clock(),
      })
      objectives.push(created)
      await recordAudit(
        trx,
        {
          organisationId: org,
          actor,
          action: 'objective_added',
          itemType: 'appraisal',
          itemId: appraisal.id,
          summary: `Objective "${created.title}" added to ${name}’s appraisal (imported)`,
          after: created,
        },
        deps.clock,
      )
      run.counts.Objectives.created++
      run.changes.push({
        sheet: 'Objectives',
        row: row.row,
        action: 'create',
        item,
        detail: 'added',
      })
    }
    changed = true
  }
  if (changed && deps.computations) {
    await recomputeAppraisalMeasures(trx, org, deps.computations, actor, deps.clock)
  }
}

type NodeRow = Awaited<ReturnType<typeof appraisalRepo.linkableNodes>>[number]

/** "Plan title: item title", or an item title no other active item has. */
function nodeFinder(nodes: readonly NodeRow[]) {
  const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ')
  return (ref: string): { id: string } | { problem: string } => {
    const whole = nodes.filter((n) => norm(`${n.plan_title}: ${n.title}`) === norm(ref))
    const [first] = whole
    if (first) return { id: first.id }
    const titled = nodes.filter((n) => norm(n.title) === norm(ref))
    const [only] = titled
    if (titled.length === 1 && only) return { id: only.id }
    if (titled.length > 1) {
      return {
        problem: `${titled.length} plan items are called "${ref}": write the plan’s title, a colon and the item’s title`,
      }
    }
    return { problem: `No active plan item is called "${ref}"` }
  }
}

/** The two sheets' rows for the export: the performance team over the whole council only. */
export async function appraisalExportRows(
  db: Kysely<DB>,
  principal: Principal,
): Promise<{ lineManagers: CellOut[][]; objectives: CellOut[][] }> {
  if (!mayImportAppraisals(principal)) return { lineManagers: [], objectives: [] }
  const org = principal.organisationId
  const people = await db
    .selectFrom('people')
    .select(['id', 'email', 'line_manager_id'])
    .where('organisation_id', '=', org)
    .where('active', '=', true)
    .orderBy('email')
    .execute()
  const email = new Map(people.map((p) => [p.id, p.email]))
  const [cycles, appraisals, nodes] = await Promise.all([
    appraisalRepo.listCycles(db, org),
    appraisalRepo.listAppraisals(db, org),
    appraisalRepo.linkableNodes(db, org),
  ])
  const objectives = await appraisalRepo.listObjectives(
    db,
    org,
    appraisals.map((a) => a.id),
  )
  const titleCount = new Map<string, number>()
  for (const n of nodes) titleCount.set(n.title, (titleCount.get(n.title) ?? 0) + 1)
  const nodeRef = new Map(
    nodes.map((n) => [
      n.id,
      titleCount.get(n.title) === 1 ? n.title : `${n.plan_title}: ${n.title}`,
    ]),
  )
  const yearOf = new Map(cycles.map((c) => [c.id, c.year]))
  const appraisalOf = new Map(appraisals.map((a) => [a.id, a]))
  return {
    lineManagers: people.map((p) => [
      p.email,
      p.line_manager_id ? (email.get(p.line_manager_id) ?? null) : null,
    ]),
    objectives: objectives.flatMap((o) => {
      const a = appraisalOf.get(o.appraisal_id)
      const year = a ? yearOf.get(a.cycle_id) : undefined
      if (!a || year === undefined) return []
      return [
        [
          email.get(a.person_id) ?? null,
          formatFinancialYear(year),
          o.title,
          o.success_measure,
          o.due_date,
          o.node_id ? (nodeRef.get(o.node_id) ?? null) : null,
        ],
      ]
    }),
  }
}
