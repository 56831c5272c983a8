// The Projects and Milestones sheets of the exchange workbook (issue 25): programmes, projects
// and actions with their owners, and their milestones, imported row by row inside the import's
// one transaction through the project service's own checks and audit (createIn, updateIn,
// addMilestoneIn, updateMilestoneIn). An item is matched by its code, or with none by its title
// under the same parent; a milestone by its project and title, and when the title recurs under
// the project, by its due date too; so a second import updates rather than duplicates. Pentana (Covalent)'s action export arrives here as a Projects sheet.
import type { Kysely } from 'kysely'
import { isIsoDate, parsePeriodLabel, periodContaining, PeriodError } from '../../core/periods.ts'
import type {
  DB,
  DuePrecision,
  MilestoneStatus,
  ProjectLevel,
  ProjectStatus,
} from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'
import {
  projectRepository as repo,
  type ProjectService,
  canSeeUnapprovedUpdates,
  CONFIDENCE_NAMES,
  LEVEL_NAMES,
  MILESTONE_STATUS_NAMES,
  NO_DUE_DATE,
  MilestoneChanges,
  MilestoneInput,
  ProjectChanges,
  ProjectInput,
  STATUS_NAMES,
} from '../projects/index.ts'
import {
  monthLabel,
  readMonth,
  updateRepository as updateRepo,
  UpdateInput,
  type UpdateService,
} from '../project-updates/index.ts'
import type { ImportSheet } from './exchange-columns.ts'
import type { ParsedSheet } from './exchange-reader.ts'
import type { AppraisalSheetRun } from './appraisal-sheets.ts'
import type { CellOut } from './exchange-workbook.ts'

/** What these sheets need of the import run beyond what every sheet does. */
export interface ProjectSheetRun extends AppraisalSheetRun {
  guarded<T>(trx: Kysely<DB>, work: () => Promise<T>): Promise<T>
  refusal(sheet: ImportSheet, row: number, error: unknown, forbidden: string): boolean
}

/** The thread's delivery side is imported by administrators and performance officers. */
export function mayImportProjects(principal: Principal): boolean {
  return principal.roles.some((g) => g.role === 'administrator' || g.role === 'performance_officer')
}

const REFUSED =
  'Only administrators and performance officers can import programmes, projects, actions and milestones'

const text = (cell: unknown) =>
  typeof cell === 'string' || typeof cell === 'number' ? String(cell).trim() : ''
const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ')

/** A choice by its name or stored value, with other systems' words for it. */
function choose<K extends string>(
  names: Readonly<Record<K, string>>,
  value: string,
  synonyms: Readonly<Record<string, K>> = {},
): K | null {
  const v = norm(value).replace(/_/g, ' ')
  for (const [key, name] of Object.entries(names) as [K, string][]) {
    if (norm(name) === v || key.replace(/_/g, ' ') === v) return key
  }
  return synonyms[v] ?? null
}

const STATUS_WORDS: Readonly<Record<ProjectStatus, string>> = Object.fromEntries(
  Object.entries(STATUS_NAMES).map(([k, v]) => [k, v.text]),
) as Record<ProjectStatus, string>
const MILESTONE_WORDS: Readonly<Record<MilestoneStatus, string>> = Object.fromEntries(
  Object.entries(MILESTONE_STATUS_NAMES).map(([k, v]) => [k, v.text]),
) as Record<MilestoneStatus, string>

/** Pentana (Covalent)'s action statuses, as its export writes them. */
const PENTANA_STATUS: Readonly<Record<string, ProjectStatus>> = {
  'in progress': 'on_track',
  assigned: 'not_started',
  overdue: 'off_track',
  'check progress': 'at_risk',
  warning: 'at_risk',
  cancelled: 'closed',
  postponed: 'on_hold',
  complete: 'completed',
}
const MILESTONE_SYNONYMS: Readonly<Record<string, MilestoneStatus>> = {
  complete: 'completed',
  overdue: 'delayed',
  'not yet started': 'not_started',
}

interface Person {
  readonly id: string
  readonly name: string
  readonly email: string
}

/** An email address, or a full name no one else in the council has (Pentana writes names). */
function personFinder(people: readonly Person[]) {
  return (ref: string): { id: string | null } | { problem: string } => {
    if (ref === '') return { id: null }
    const byEmail = people.find((p) => p.email.toLowerCase() === ref.toLowerCase())
    if (byEmail) return { id: byEmail.id }
    const named = people.filter((p) => norm(p.name) === norm(ref))
    const [only] = named
    if (named.length === 1 && only) return { id: only.id }
    if (named.length > 1) {
      return { problem: `${named.length} people are called ${ref}: give their email address` }
    }
    return { problem: `No one in the council has the email address or name “${ref}”` }
  }
}

async function peopleOf(trx: Kysely<DB>, organisationId: string): Promise<Person[]> {
  return trx
    .selectFrom('people')
    .select(['id', 'name', 'email'])
    .where('organisation_id', '=', organisationId)
    .execute()
}

/** Items by code (case aside) or, with no code, by title under a parent. */
class Portfolio {
  rows: repo.ProjectRow[] = []
  async read(trx: Kysely<DB>, organisationId: string) {
    this.rows = await repo.listProjects(trx, organisationId)
  }
  /**
   * The one item a row has just written, as stored, in place of what was read: later rows may
   * name it as their parent. One row read by id, not the whole portfolio again.
   */
  async refresh(trx: Kysely<DB>, organisationId: string, id: string) {
    const row = await repo.findProject(trx, organisationId, id)
    this.rows = this.rows.filter((r) => r.id !== id)
    if (row) this.rows.push(row)
  }
  byCode(code: string) {
    return this.rows.filter((r) => r.code !== null && norm(r.code) === norm(code))
  }
  /** A parent or project named by code, or by a title only one item has. */
  find(ref: string): { row: repo.ProjectRow } | { problem: string } {
    const coded = this.byCode(ref)
    if (coded.length > 1) {
      return { problem: `${coded.length} items have the code ${ref}: give each its own code` }
    }
    if (coded[0]) return { row: coded[0] }
    const titled = this.rows.filter((r) => norm(r.title) === norm(ref))
    if (titled.length > 1) {
      return { problem: `${titled.length} items are called “${ref}”: give them codes` }
    }
    if (titled[0]) return { row: titled[0] }
    return { problem: `No programme, project or action has the code or title “${ref}”` }
  }
  /** The item a row means: by its code; with none, by its title under the same parent. */
  match(code: string, title: string, parentId: string | null) {
    if (code !== '') return this.byCode(code)
    return this.rows.filter(
      (r) => r.code === null && r.parent_id === parentId && norm(r.title) === norm(title),
    )
  }
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/** A UK date as Pentana and Excel write it (31/03/2025, 31-Mar-2025) as 2025-03-31; else as it is. */
export function ukDate(value: string): string {
  const slash = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value)
  const named = /^(\d{1,2})[- ]([A-Za-z]{3})[a-z]*[- ](\d{4})$/.exec(value)
  const [day, month, year] = slash
    ? [slash[1], Number(slash[2]), slash[3]]
    : named
      ? [named[1], MONTHS.indexOf((named[2] ?? '').toLowerCase()) + 1, named[3]]
      : []
  if (!day || !month || !year) return value
  return `${year}-${String(month).padStart(2, '0')}-${day.padStart(2, '0')}`
}

/** A Due cell that sets no date: blank, or "No date set" as the export writes it. */
function undated(value: string): boolean {
  return value === '' || norm(value) === norm(NO_DUE_DATE)
}

/** A due date, or a quarter (its last day), as the milestone form reads it. */
function dueOf(value: string): { date: string; precision: DuePrecision } | null {
  if (isIsoDate(value)) return { date: value, precision: 'day' }
  try {
    const period = parsePeriodLabel(value)
    if (period.frequency === 'quarterly') return { date: period.end, precision: 'quarter' }
  } catch (error) {
    if (!(error instanceof PeriodError)) throw error
  }
  return null
}

/** The Projects sheet: programmes, projects and actions, matched by code for a re-import. */
export async function importProjects(
  run: ProjectSheetRun,
  trx: Kysely<DB>,
  sheet: ParsedSheet,
  projects: ProjectService,
): Promise<void> {
  const org = run.principal.organisationId
  const portfolio = new Portfolio()
  await portfolio.read(trx, org)
  const person = personFinder(await peopleOf(trx, org))
  const has = (field: string) => sheet.columns.some((c) => c.field === field)
  // Pentana's action export has no Level column: its rows are actions, its statuses its own.
  const pentana = !has('level')
  // The first row of each item, and what it said: a later row saying exactly the same (a file of
  // milestones naming its action on every row, as councils' own files do) is the same item.
  const seen = new Map<string, { row: number; said: string }>()
  let refused = false
  for (const row of sheet.rows) {
    run.checkTime()
    const raw = run.rawInput(sheet, row)
    if (!raw) continue
    const code = text(raw.code)
    const title = text(raw.title)
    const state = { ok: true }
    const fail = (column: string, message: string) => {
      run.error(sheet.name, row.row, column, message)
      state.ok = false
    }
    // Where it sits.
    let parentId: string | null = null
    let parentUnit: string | null = null
    const parentRef = text(raw.parentId)
    if (parentRef !== '') {
      const found = portfolio.find(parentRef)
      if ('problem' in found) fail('Part of', found.problem)
      else {
        parentId = found.row.id
        parentUnit = found.row.lead_unit_id
      }
    }
    const key = code !== '' ? `code|${norm(code)}` : `title|${parentId ?? ''}|${norm(title)}`
    const said = JSON.stringify(sheet.columns.map((c) => raw[c.field] ?? null))
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      if (earlier.said !== said) {
        fail(
          code !== '' ? 'Code' : 'Title',
          `${code !== '' ? code : `“${title}”`} is already on row ${earlier.row} of this sheet, with different details`,
        )
      }
      continue
    }
    seen.set(key, { row: row.row, said })
    const matches = portfolio.match(code, title, parentId)
    if (matches.length > 1) {
      fail('Code', `${matches.length} items have the code ${code}: give each its own code`)
      continue
    }
    const existing = matches[0] ?? null
    // Choices and people, read the way the forms and Pentana write them.
    let level: ProjectLevel | undefined
    if (has('level')) {
      const v = text(raw.level)
      const chosen = v === '' ? null : choose(LEVEL_NAMES, v)
      if (v !== '' && !chosen) fail('Level', `“${v}” is not one of: Programme, Project, Action`)
      else if (chosen) level = chosen
      else if (!existing) fail('Level', 'Enter whether this is a programme, project or action')
    } else if (!existing) level = 'action'
    const people: Record<string, string | null> = {}
    for (const [field, heading] of [
      ['sroId', 'SRO'],
      ['managerId', 'Owner'],
    ] as const) {
      if (!has(field)) continue
      const found = person(text(raw[field]))
      if ('problem' in found) fail(heading, found.problem)
      else people[field] = found.id
    }
    let confidence: string | null | undefined
    if (has('confidence')) {
      const v = text(raw.confidence)
      confidence = v === '' ? null : choose(CONFIDENCE_NAMES, v)
      if (confidence === null && v !== '')
        fail('Confidence', `“${v}” is not one of: High, Medium, Low`)
    }
    const progress = raw.progress
    if (
      progress !== undefined &&
      progress !== null &&
      !(typeof progress === 'number' && progress >= 0 && progress <= 100)
    ) {
      const n = Number(text(progress).replace('%', ''))
      if (!Number.isFinite(n) || n < 0 || n > 100) {
        fail('Progress (%)', 'Enter how far along it is as a number from 0 to 100')
      } else raw.progress = n
    }
    const percent = typeof raw.progress === 'number' ? raw.progress : null
    let status: ProjectStatus | null | undefined
    if (has('status')) {
      const v = text(raw.status)
      status = v === '' ? null : choose(STATUS_WORDS, v, PENTANA_STATUS)
      if (status === null && v !== '') {
        fail(
          'Status',
          `“${v}” is not one of: ${Object.values(STATUS_WORDS).join(', ')} (or blank for the suggested status)`,
        )
      }
    }
    if ((status ?? null) === null && percent === 100) status = 'completed'
    let statusReason = has('statusReason') ? text(raw.statusReason) || null : undefined
    if (status && !statusReason && (pentana || percent !== null)) {
      statusReason =
        percent !== null ? `${percent}% complete (imported)` : 'Status as imported from Pentana'
    }
    if (!state.ok) continue
    const fields = {
      ...(level !== undefined && { level }),
      parentId,
      ...(has('code') && { code: code === '' ? null : code }),
      title,
      ...(has('description') && { description: text(raw.description) || null }),
      ...people,
      // A blank lead unit is the parent's, as on the form.
      ...(has('leadUnitId') && {
        leadUnitId: raw.leadUnitId ?? parentUnit ?? null,
      }),
      ...(has('startDate') && { startDate: ukDate(text(raw.startDate)) || null }),
      ...(has('endDate') && { endDate: ukDate(text(raw.endDate)) || null }),
      ...(has('budget') && { budget: raw.budget ?? null }),
      ...(confidence !== undefined && { confidence }),
    }
    const item = code !== '' ? code : title
    const mayWrite = () => {
      if (mayImportProjects(run.principal)) return true
      if (!refused) run.error(sheet.name, row.row, '', REFUSED)
      refused = true
      return false
    }
    const forbidden = `You cannot manage ${item}: only its managers and those over its lead unit can`
    if (!existing) {
      const input = run.parse(sheet, row, ProjectInput, fields)
      if (!input || !mayWrite()) continue
      try {
        const id = await run.guarded(trx, async () => {
          const created = await projects.createIn(trx, run.principal, input)
          if (status) {
            await projects.updateIn(trx, run.principal, created, { status, statusReason })
          }
          return created
        })
        await portfolio.refresh(trx, org, id)
      } catch (error) {
        if (run.refusal(sheet.name, row.row, error, forbidden)) continue
        throw error
      }
      run.counts.Projects.created++
      run.changes.push({
        sheet: 'Projects',
        row: row.row,
        action: 'create',
        item,
        detail: `New ${LEVEL_NAMES[input.level].toLowerCase()} “${input.title}”`,
      })
      continue
    }
    // An update: only what differs from the item as stored.
    const stored: Record<string, unknown> = {
      level: existing.level,
      parentId: existing.parent_id,
      code: existing.code,
      title: existing.title,
      description: existing.description,
      sroId: existing.sro_id,
      managerId: existing.manager_id,
      leadUnitId: existing.lead_unit_id,
      startDate: existing.start_date,
      endDate: existing.end_date,
      budget: existing.budget,
      confidence: existing.confidence,
    }
    const parsed = run.parse(sheet, row, ProjectChanges, fields)
    if (!parsed) continue
    const changes: Record<string, unknown> = {}
    for (const [field, value] of Object.entries(parsed)) {
      const before = stored[field]
      if (field === 'budget' ? !sameNumber(before, value) : (before ?? null) !== (value ?? null)) {
        changes[field] = value
      }
    }
    if (status !== undefined) {
      const reason = status === null ? null : (statusReason ?? existing.status_reason)
      if (
        status !== existing.status_override ||
        (status !== null && reason !== existing.status_reason)
      ) {
        changes.status = status
        changes.statusReason = reason
      }
    } else if (
      statusReason !== undefined &&
      existing.status_override !== null &&
      statusReason !== existing.status_reason
    ) {
      changes.statusReason = statusReason
    }
    if (Object.keys(changes).length === 0) {
      run.counts.Projects.unchanged++
      continue
    }
    if (!mayWrite()) continue
    try {
      await run.guarded(trx, () =>
        projects.updateIn(trx, run.principal, existing.id, changes as ProjectChanges),
      )
    } catch (error) {
      if (run.refusal(sheet.name, row.row, error, forbidden)) continue
      throw error
    }
    await portfolio.refresh(trx, org, existing.id)
    run.counts.Projects.updated++
    run.changes.push({
      sheet: 'Projects',
      row: row.row,
      action: 'update',
      item,
      detail: `Changed: ${Object.keys(changes).join(', ')}`,
    })
  }
}

function sameNumber(a: unknown, b: unknown): boolean {
  if ((a ?? null) === null || (b ?? null) === null) return (a ?? null) === (b ?? null)
  return Math.abs(Number(a) - Number(b)) < 0.005
}

/**
 * The Milestones sheet: each programme's, project's or action's milestones, by title. A title
 * that recurs under one project on other dates (a quarterly "Review progress") is a milestone
 * for each date: the reference is the project, the title and the due date. A title on one row of
 * the file matching one milestone held is that milestone whatever its date (so moving its date
 * reschedules it); otherwise the due date chooses among them (docs/decisions.md, "Milestones
 * with no date, and titles that recur").
 */
export async function importMilestones(
  run: ProjectSheetRun,
  trx: Kysely<DB>,
  sheet: ParsedSheet,
  projects: ProjectService,
): Promise<void> {
  const org = run.principal.organisationId
  const portfolio = new Portfolio()
  await portfolio.read(trx, org)
  const milestones = await repo.listMilestones(trx, org)
  const person = personFinder(await peopleOf(trx, org))
  const has = (field: string) => sheet.columns.some((c) => c.field === field)
  // How many rows name each project and title: one row matches the one milestone held by title.
  const rowsOf = new Map<string, number>()
  const rowKey = (raw: Record<string, unknown>) => {
    const found = portfolio.find(text(raw.project))
    return 'problem' in found ? null : `${found.row.id}|${norm(text(raw.title))}`
  }
  for (const row of sheet.rows) {
    const key = rowKey(Object.fromEntries(row.cells))
    if (key !== null) rowsOf.set(key, (rowsOf.get(key) ?? 0) + 1)
  }
  const seen = new Map<string, { row: number; said: string }>()
  let refused = false
  for (const row of sheet.rows) {
    run.checkTime()
    const raw = run.rawInput(sheet, row)
    if (!raw) continue
    const ref = text(raw.project)
    const title = text(raw.title)
    if (ref === '') {
      run.error(
        sheet.name,
        row.row,
        'Project code',
        'Enter the code of a programme, project or action',
      )
      continue
    }
    const found = portfolio.find(ref)
    if ('problem' in found) {
      run.error(sheet.name, row.row, 'Project code', found.problem)
      continue
    }
    const project = found.row
    const dueText = ukDate(text(raw.due))
    const noDate = undated(dueText)
    const due = noDate ? null : dueOf(dueText)
    const dueKey = noDate ? '' : due ? `${due.date}|${due.precision}` : dueText
    // The same milestone on several rows: once, if they say the same.
    const key = `${project.id}|${norm(title)}|${dueKey}`
    const said = JSON.stringify(sheet.columns.map((c) => raw[c.field] ?? null))
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      if (earlier.said !== said) {
        run.error(
          sheet.name,
          row.row,
          'Milestone',
          `“${title}” of ${ref}${noDate ? ' with no date' : ` due ${dueText}`} is already on row ${earlier.row} of this sheet, with different details`,
        )
      }
      continue
    }
    seen.set(key, { row: row.row, said })
    let ok = true
    let status: MilestoneStatus | undefined
    if (has('status') && text(raw.status) !== '') {
      const chosen = choose(MILESTONE_WORDS, text(raw.status), MILESTONE_SYNONYMS)
      if (chosen) status = chosen
      else {
        run.error(
          sheet.name,
          row.row,
          'Status',
          `“${text(raw.status)}” is not one of: ${Object.values(MILESTONE_WORDS).join(', ')}`,
        )
        ok = false
      }
    }
    let ownerId: string | null | undefined
    if (has('ownerId')) {
      const owner = person(text(raw.ownerId))
      if ('problem' in owner) {
        run.error(sheet.name, row.row, 'Owner', owner.problem)
        ok = false
      } else ownerId = owner.id
    }
    if (!ok) continue
    const completedDate = has('completedDate') ? ukDate(text(raw.completedDate)) || null : undefined
    const held = milestones.filter(
      (m) => m.project_id === project.id && norm(m.title) === norm(title),
    )
    const existing =
      held.length === 1 && (rowsOf.get(`${project.id}|${norm(title)}`) ?? 0) <= 1
        ? held[0]
        : held.find((m) =>
            noDate
              ? m.due_date === null
              : due !== null && m.due_date === due.date && m.due_precision === due.precision,
          )
    const item = `${ref}: ${title}`
    const forbidden = `You cannot manage ${ref}: only its managers and those over its lead unit can`
    const mayWrite = () => {
      if (mayImportProjects(run.principal)) return true
      if (!refused) run.error(sheet.name, row.row, '', REFUSED)
      refused = true
      return false
    }
    if (!existing) {
      const input = run.parse(sheet, row, MilestoneInput, {
        title,
        due: noDate ? null : dueText,
        ...(ownerId !== undefined && { ownerId }),
        ...(status !== undefined && { status }),
        ...(completedDate !== undefined && { completedDate }),
      })
      if (!input || !mayWrite()) continue
      try {
        const created = await run.guarded(trx, () =>
          projects.addMilestoneIn(trx, run.principal, project.id, input),
        )
        milestones.push(created)
      } catch (error) {
        if (run.refusal(sheet.name, row.row, error, forbidden)) continue
        throw error
      }
      run.counts.Milestones.created++
      run.changes.push({
        sheet: 'Milestones',
        row: row.row,
        action: 'create',
        item,
        detail: 'added',
      })
      continue
    }
    const changes: Record<string, unknown> = {}
    const sameDue = noDate
      ? existing.due_date === null
      : due !== null && due.date === existing.due_date && due.precision === existing.due_precision
    if (has('due') && !sameDue) {
      changes.due = noDate ? null : dueText
      if (has('rescheduleReason')) changes.rescheduleReason = text(raw.rescheduleReason) || null
    }
    if (ownerId !== undefined && ownerId !== existing.owner_id) changes.ownerId = ownerId
    if (status !== undefined && status !== existing.status) changes.status = status
    if (
      completedDate !== undefined &&
      (status ?? existing.status) === 'completed' &&
      completedDate !== null &&
      completedDate !== existing.completed_date
    ) {
      changes.completedDate = completedDate
    }
    if (Object.keys(changes).length === 0) {
      run.counts.Milestones.unchanged++
      continue
    }
    const parsed = run.parse(sheet, row, MilestoneChanges, changes)
    if (!parsed || !mayWrite()) continue
    try {
      const after = await run.guarded(trx, () =>
        projects.updateMilestoneIn(trx, run.principal, project.id, existing.id, parsed),
      )
      milestones.splice(milestones.indexOf(existing), 1, after)
    } catch (error) {
      if (run.refusal(sheet.name, row.row, error, forbidden)) continue
      throw error
    }
    run.counts.Milestones.updated++
    run.changes.push({
      sheet: 'Milestones',
      row: row.row,
      action: 'update',
      item,
      detail: `Changed: ${Object.keys(changes).join(', ')}`,
    })
  }
}

/** The Updates sheet: each project's monthly updates, one a month, submitted for approval. */
export async function importUpdates(
  run: ProjectSheetRun,
  trx: Kysely<DB>,
  sheet: ParsedSheet,
  updates: UpdateService | undefined,
): Promise<{ submitted: boolean }> {
  const org = run.principal.organisationId
  const portfolio = new Portfolio()
  await portfolio.read(trx, org)
  const existing = await updateRepo.listUpdates(trx, org)
  const seen = new Map<string, number>()
  let refused = false
  let submitted = false
  for (const row of sheet.rows) {
    run.checkTime()
    const raw = run.rawInput(sheet, row)
    if (!raw) continue
    const ref = text(raw.project)
    const found =
      ref === ''
        ? { problem: 'Enter the code of a programme, project or action' }
        : portfolio.find(ref)
    if ('problem' in found) {
      run.error(sheet.name, row.row, 'Project code', found.problem)
      continue
    }
    const project = found.row
    const month = readMonth(text(raw.month))
    if (month === null) {
      run.error(
        sheet.name,
        row.row,
        'Month',
        'Enter the month reported on, like Sep 2025 or 2025-09',
      )
      continue
    }
    const key = `${project.id}|${month}`
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      run.error(
        sheet.name,
        row.row,
        'Month',
        `${ref}’s ${monthLabel(month)} update is already on row ${earlier} of this sheet`,
      )
      continue
    }
    seen.set(key, row.row)
    const confidence = choose(CONFIDENCE_NAMES, text(raw.confidence))
    if (text(raw.confidence) !== '' && confidence === null) {
      run.error(
        sheet.name,
        row.row,
        'Confidence',
        `“${text(raw.confidence)}” is not one of: High, Medium, Low`,
      )
      continue
    }
    const input = run.parse(sheet, row, UpdateInput, {
      month: text(raw.month),
      highlights: text(raw.highlights),
      nextSteps: text(raw.nextSteps) || null,
      when: text(raw.when) || null,
      who: text(raw.who) || null,
      confidence: confidence ?? '',
      submit: true,
    })
    if (!input) continue
    const held = existing.find((u) => u.project_id === project.id && u.month === month)
    if (held) {
      const same =
        held.highlights === input.highlights &&
        (held.next_steps ?? null) === (input.nextSteps ?? null) &&
        (held.when_text ?? null) === (input.when ?? null) &&
        (held.who ?? null) === (input.who ?? null) &&
        held.confidence === input.confidence
      if (same) {
        run.counts.Updates.unchanged++
        continue
      }
      run.error(
        sheet.name,
        row.row,
        'Highlights',
        `${ref} already has a ${monthLabel(month)} update (${held.status}) that says something else: change it on its page`,
      )
      continue
    }
    if (!updates) {
      run.error(sheet.name, row.row, '', 'Monthly updates cannot be imported here')
      continue
    }
    if (!mayImportProjects(run.principal)) {
      if (!refused) run.error(sheet.name, row.row, '', REFUSED)
      refused = true
      continue
    }
    try {
      await run.guarded(trx, () => updates.createIn(trx, run.principal, project.id, input))
    } catch (error) {
      if (
        run.refusal(
          sheet.name,
          row.row,
          error,
          `You cannot write ${ref}’s updates: only its lead, its managers and data entry over its unit can`,
        )
      ) {
        continue
      }
      throw error
    }
    submitted = true
    run.counts.Updates.created++
    run.changes.push({
      sheet: 'Updates',
      row: row.row,
      action: 'create',
      item: `${ref} ${monthLabel(month)}`,
      detail: 'submitted for approval',
    })
  }
  return { submitted }
}

/** The two sheets' rows for the export: what the person may see, as the import reads it. */
export async function projectExportRows(
  db: Kysely<DB>,
  principal: Principal,
  projects: ProjectService,
  unitRef: ReadonlyMap<string, string>,
  email: ReadonlyMap<string, string>,
): Promise<{ projects: CellOut[][]; milestones: CellOut[][]; updates: CellOut[][] }> {
  const org = principal.organisationId
  const visible = await projects.list(principal)
  const rows = new Map((await repo.listProjects(db, org)).map((r) => [r.id, r]))
  const refOf = (id: string | null) => {
    const r = id ? rows.get(id) : undefined
    return r ? (r.code ?? r.title) : null
  }
  const person = (id: string | null) => (id ? (email.get(id) ?? null) : null)
  const projectRows = visible.flatMap((v): CellOut[][] => {
    const r = rows.get(v.id)
    if (!r) return []
    return [
      [
        r.code,
        r.title,
        LEVEL_NAMES[r.level],
        refOf(r.parent_id),
        r.description,
        r.lead_unit_id ? (unitRef.get(r.lead_unit_id) ?? null) : null,
        person(r.sro_id),
        person(r.manager_id),
        r.start_date,
        r.end_date,
        r.budget,
        r.status_override ? STATUS_NAMES[r.status_override].text : null,
        r.status_override ? r.status_reason : null,
        r.confidence ? CONFIDENCE_NAMES[r.confidence] : null,
        null,
      ],
    ]
  })
  const ids = visible.map((v) => v.id)
  const milestoneRows = (ids.length === 0 ? [] : await repo.listMilestones(db, org, ids)).map(
    (m): CellOut[] => [
      refOf(m.project_id),
      m.title,
      m.due_date === null
        ? NO_DUE_DATE
        : m.due_precision === 'quarter'
          ? periodContaining(m.due_date, 'quarterly').label
          : m.due_date,
      MILESTONE_STATUS_NAMES[m.status].text,
      m.completed_date,
      person(m.owner_id),
      null,
    ],
  )
  // Updates: approved ones for all who see the project, the others for those who may see them.
  const portfolio = await projects.load(org)
  const updateRows = (ids.length === 0 ? [] : await updateRepo.listUpdates(db, org, ids))
    .filter(
      (u) =>
        u.status === 'approved' ||
        canSeeUnapprovedUpdates(principal, portfolio.scope(u.project_id), portfolio.tree),
    )
    .sort((a, b) => a.month.localeCompare(b.month))
    .map((u): CellOut[] => [
      refOf(u.project_id),
      monthLabel(u.month),
      u.highlights,
      u.next_steps,
      u.when_text,
      u.who,
      CONFIDENCE_NAMES[u.confidence],
      u.status,
    ])
  return { projects: projectRows, milestones: milestoneRows, updates: updateRows }
}
