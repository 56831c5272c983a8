import { createHash } from 'node:crypto'
import { plural } from '../../core/format.ts'
import { displayedFigure } from '../../core/measure-figure.ts'
import { sql, type Kysely } from 'kysely'
import type { z } from 'zod'
import { formatFinancialYear, parsePeriodStart, type Period } from '../../core/periods.ts'
import type { DB, MeasureRow } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { actorOf, recordAudit } from '../audit/index.ts'
import {
  type ImportedOutcome,
  type ImportedValue,
  type ValueService,
  ValueInput,
} from '../measure-values/index.ts'
import { cooperate } from '../../core/cooperate.ts'
import {
  measurePolicy as policy,
  measureRepository as measureRepo,
  MeasureChanges,
  MeasureInput,
  TargetInput,
  readPeriod,
  scopeOf,
  type MeasureService,
} from '../measures/index.ts'
import { unitTreeOf, organisationRepository as orgRepo } from '../organisation/index.ts'
import type { UnitTree } from '../../core/unit-tree.ts'
import type { ProjectService } from '../projects/index.ts'
import { RiskChanges, RiskInput, type RiskService } from '../risks/index.ts'
import {
  savingsRepository as savingsRepo,
  LineChanges,
  LineInput,
  type SavingsService,
} from '../savings/index.ts'
import {
  COLUMNS,
  IMPORT_SHEETS,
  MEASURE_COLUMNS,
  RISK_COLUMNS,
  SAVINGS_COLUMNS,
  type Column,
  type ImportSheet,
} from './exchange-columns.ts'
import {
  analyse,
  mappedSheets,
  readTable,
  type Analysis,
  type Mapping,
  type Table,
} from './exchange-mapping.ts'
import { mayUpload } from './exchange-policy.ts'
import { exportWorkbook, type CellOut } from './exchange-workbook.ts'
import type { ComputationRegistry } from '../organisational-measures/index.ts'
import {
  appraisalExportRows,
  importLineManagers,
  importObjectives,
  type AppraisalSheetDeps,
} from './appraisal-sheets.ts'
import {
  importMilestones,
  importProjects,
  importUpdates,
  projectExportRows,
} from './project-sheets.ts'
import type { UpdateService } from '../project-updates/index.ts'
import { importLinks, importPlanItems, importPlans, planExportRows } from './plan-sheets.ts'
import {
  IMPORT_LIMITS,
  ImportTooLarge,
  readUpload,
  type Cell,
  type ImportLimits,
  type ParsedFile,
  type ParsedSheet,
  type RowError,
  type SheetRow,
} from './exchange-reader.ts'

export interface ImportChange {
  readonly sheet: ImportSheet
  readonly row: number
  readonly action: 'create' | 'update'
  readonly item: string
  readonly detail: string
}

export interface ImportOptions {
  /** Check every row and say what would change, writing nothing. */
  readonly dryRun: boolean
  /**
   * The file's values of periods that have ended come in already approved (history), recorded
   * in the audit with the file's name and this reason; later periods go for sign-off as usual.
   * Administrators and performance officers only.
   */
  readonly history?: { readonly reason: string; readonly source?: string } | undefined
  /** The file's name as its sender gave it, for the import's own audit record. */
  readonly fileName?: string | undefined
  /** The file as readFile read it already, so that it is not read twice. */
  readonly parsed?: ParsedFile | undefined
  /** Filled in as the import goes, for a progress page (import-runs). */
  readonly progress?: ImportProgress | undefined
  /**
   * Called inside the import's own transaction once every row is written, so whatever it
   * records (the run's result) commits with the rows or not at all. Not called for a dry run.
   */
  readonly beforeCommit?: ((trx: Kysely<DB>, summary: ImportSummary) => Promise<void>) | undefined
}

/** How far an import has got: rows of the file read, checked and (once committed) written. */
export interface ImportProgress {
  stage: 'reading' | 'checking' | 'saving' | 'done'
  read: number
  checked: number
  written: number
}

export interface ImportSummary {
  readonly dryRun: boolean
  readonly counts: Record<ImportSheet, { created: number; updated: number; unchanged: number }>
  readonly changes: readonly ImportChange[]
  /** Rows that create or change something. */
  readonly total: number
}

export function describeRowError(e: RowError): string {
  return `Sheet ${e.sheet}, row ${e.row}${e.column ? `, column ${e.column}` : ''}: ${e.message}`
}

/** However many problems a file has, the answer lists this many (and says how many in all). */
export const ROW_ERRORS_LISTED = 100

/**
 * A file with problems: the first hundred row errors, so most can be fixed at once, and how
 * many there are in all. Nothing was written.
 */
export class ImportInvalid extends Invalid {
  readonly rows: readonly RowError[]
  /** Every problem found, of which `rows` are the first. */
  readonly total: number
  constructor(all: readonly RowError[]) {
    const rows = all.slice(0, ROW_ERRORS_LISTED)
    super(
      rows.map((r) => ({ field: `${r.sheet}.${r.row}.${r.column}`, message: describeRowError(r) })),
    )
    this.rows = rows
    this.total = all.length
  }
}

/** What the answer says of a file with problems, counting those not listed. */
export function problemsMessage(error: ImportInvalid): string {
  const listed =
    error.total > error.rows.length ? `; the first ${error.rows.length} are listed` : ''
  return `Nothing was imported: the file has ${plural(error.total, 'problem', 'problems')}${listed}`
}

export interface ExchangeDeps {
  readonly db: Kysely<DB>
  readonly measures: MeasureService
  readonly values: ValueService
  readonly projects: ProjectService
  /** For the Updates sheet: monthly updates written through their own service. */
  readonly projectUpdates?: UpdateService
  readonly risks: RiskService
  readonly savings: SavingsService
  /** Bounds on one upload's work; the defaults unless a test or the command line says. */
  readonly limits?: Partial<ImportLimits>
  /** For the Line managers and Objectives sheets (appraisal-sheets): audit times, recompute. */
  readonly clock?: () => Date
  readonly computations?: ComputationRegistry
}

/** Thrown to roll back a dry run, or a run with errors, after validating every row. */
class Rollback extends Error {}

const EPSILON = 1e-9
function same(a: unknown, b: unknown): boolean {
  const x = a ?? null
  const y = b ?? null
  if (typeof x === 'number' && typeof y === 'number') {
    return Math.abs(x - y) <= EPSILON * Math.max(1, Math.abs(x), Math.abs(y))
  }
  return x === y
}

const normal = (text: string) => text.toLowerCase().replace(/[^a-z0-9%£]/g, '')

interface Lookup {
  readonly units: ReadonlyMap<string, string>
  readonly people: ReadonlyMap<string, string>
  /** Registers by lower-case name; more than one id when two share a name. */
  readonly registers: ReadonlyMap<string, readonly string[]>
}

/** A cell as the app's input schema expects the field, or a problem with the cell itself. */
function inputOf(
  column: Column,
  cell: Cell,
  lookup: Lookup,
): { value: unknown } | { problem: string } {
  const text =
    cell === null ? '' : typeof cell === 'boolean' ? (cell ? 'yes' : 'no') : String(cell).trim()
  switch (column.kind) {
    case 'number':
      if (cell === null || text === '')
        return { value: column.field === 'decimals' ? undefined : null }
      return { value: typeof cell === 'number' ? cell : text }
    case 'yes_no': {
      if (text === '') return { value: undefined }
      if (['yes', 'y', 'true', '1'].includes(text.toLowerCase())) return { value: true }
      if (['no', 'n', 'false', '0'].includes(text.toLowerCase())) return { value: false }
      return { problem: 'Enter yes or no' }
    }
    case 'choice': {
      if (text === '') return { value: column.required ? null : undefined }
      const choices = Object.entries(column.choices ?? {})
      const found = choices.find(
        ([key, name]) => normal(key) === normal(text) || normal(name) === normal(text),
      )
      if (found) return { value: found[0] }
      return { problem: `"${text}" is not one of: ${choices.map(([, name]) => name).join(', ')}` }
    }
    case 'unit': {
      if (text === '') return { value: null }
      const id = lookup.units.get(text.toLowerCase())
      return id ? { value: id } : { problem: `No unit has the code or name "${text}"` }
    }
    case 'register': {
      if (text === '') return { value: null }
      const ids = lookup.registers.get(text.toLowerCase()) ?? []
      if (ids.length > 1) return { problem: `Two registers are called "${text}": rename one` }
      return ids[0] ? { value: ids[0] } : { problem: `No risk register is called "${text}"` }
    }
    case 'person': {
      if (text === '') return { value: null }
      const id = lookup.people.get(text.toLowerCase())
      return id ? { value: id } : { problem: `No one in the council has the email address ${text}` }
    }
    default:
      return { value: text === '' ? null : text }
  }
}

export type ExchangeService = ReturnType<typeof createExchangeService>

export function createExchangeService(deps: ExchangeDeps) {
  const { db, measures, values } = deps
  const limits: ImportLimits = { ...IMPORT_LIMITS, ...deps.limits }
  /** Organisations with an import running in this process. */
  const running = new Set<string>()

  /**
   * Refuses (403) anyone who could write nothing from any file: called before the upload is
   * read, so a viewer cannot make the service parse a file at all.
   */
  async function checkMayImport(principal: Principal): Promise<void> {
    if (principal.roles.length === 0) throw new Forbidden()
    if (mayUpload(principal, false)) return
    const me = principal.personId
    const org = principal.organisationId
    const named = await db
      .selectFrom('measures')
      .select('id')
      .where('organisation_id', '=', org)
      .where('data_entry_id', '=', me)
      .unionAll(
        db
          .selectFrom('risks')
          .select('id')
          .where('organisation_id', '=', org)
          .where('owner_id', '=', me),
      )
      .unionAll(
        db
          .selectFrom('saving_lines')
          .select('id')
          .where('organisation_id', '=', org)
          .where('owner_id', '=', me),
      )
      .limit(1)
      .executeTakeFirst()
    if (!mayUpload(principal, named !== undefined)) {
      throw new Forbidden(
        'You cannot import: only those who enter figures or look after measures, risks or savings can',
      )
    }
  }

  function anotherImport(): Conflict {
    return new Conflict(
      'Another import for your organisation is running: try again when it has finished',
    )
  }

  /**
   * Imports a file: every row is checked and applied through the services' own transactional
   * pieces inside one transaction, which is rolled back for a dry run or when any row fails.
   * One import at a time per organisation: in this process by a guard, across processes on one
   * PostgreSQL by an advisory lock held by the import's transaction.
   */
  /** Refuses history from anyone but the performance team, and without a reason. */
  function checkHistory(principal: Principal, options: ImportOptions) {
    if (!options.history) return
    const reason = options.history.reason.trim()
    if (reason === '') {
      throw Invalid.field(
        'historyReason',
        'Enter why these past figures come in as approved, like "Published in the 2023/24 annual report"',
      )
    }
    if (reason.length > 2000) {
      throw Invalid.field('historyReason', 'Must be 2000 characters or fewer')
    }
    if (!policy.canDefineAnyMeasure(principal)) {
      throw new Forbidden(
        'Only administrators and performance officers can import past figures as approved',
      )
    }
  }

  async function importFile(
    principal: Principal,
    file: Uint8Array,
    options: ImportOptions,
  ): Promise<ImportSummary> {
    await checkMayImport(principal)
    checkHistory(principal, options)
    return once(principal, async () => {
      if (options.progress) options.progress.stage = 'reading'
      return importNow(principal, file, options.parsed ?? (await readFile(file)), options)
    })
  }

  /** Reads an upload's sheets: 413 past the limits, 400 for a file that is not one of ours. */
  async function readFile(file: Uint8Array): Promise<ParsedFile> {
    const parsed = await readUpload(file, limits)
    if (parsed.errors.length > 0) throw new ImportInvalid(parsed.errors)
    return parsed
  }

  /** One import at a time per organisation in this process. */
  async function once<T>(principal: Principal, work: () => Promise<T>): Promise<T> {
    const org = principal.organisationId
    if (running.has(org)) throw anotherImport()
    running.add(org)
    try {
      return await work()
    } finally {
      running.delete(org)
    }
  }

  /** A council's own file: its columns, a sample and a suggested mapping (exchange-mapping). */
  async function analyseFile(principal: Principal, file: Uint8Array): Promise<Analysis> {
    await checkMayImport(principal)
    const table = await tableOf(file)
    return analyse(table)
  }

  async function tableOf(file: Uint8Array): Promise<Table> {
    if (file.length === 0) throw Invalid.field('file', 'The selected file is empty')
    let table: Table
    try {
      table = await readTable(file)
    } catch (error) {
      throw Invalid.field('file', `The file could not be read: ${(error as Error).message}`)
    }
    if (table.rows.length > limits.maxRows) {
      throw new ImportTooLarge(
        `The file has more than ${limits.maxRows.toLocaleString('en-GB')} rows: split it into smaller files and import each`,
      )
    }
    return table
  }

  /**
   * Imports a council's own file through a confirmed mapping: the file becomes the product's
   * Measures (new codes only), Targets and Values sheets, checked and applied like any import.
   */
  async function importMapped(
    principal: Principal,
    file: Uint8Array,
    mapping: Mapping,
    options: ImportOptions,
  ): Promise<ImportSummary> {
    await checkMayImport(principal)
    checkHistory(principal, options)
    const table = await tableOf(file)
    const codes = await db
      .selectFrom('measures')
      .select('code')
      .where('organisation_id', '=', principal.organisationId)
      .execute()
    const { sheets, errors } = mappedSheets(table, mapping, new Set(codes.map((c) => c.code)))
    if (errors.length > 0) throw new ImportInvalid(errors)
    return once(principal, () => importNow(principal, file, { sheets, errors: [] }, options))
  }

  async function importNow(
    principal: Principal,
    file: Uint8Array,
    parsed: ParsedFile,
    options: ImportOptions,
  ): Promise<ImportSummary> {
    const org = principal.organisationId
    const tree = await unitTreeOf(db, org)
    const units = await orgRepo.listUnits(db, org)
    const people = await db
      .selectFrom('people')
      .select(['id', 'email'])
      .where('organisation_id', '=', org)
      .execute()
    const lookup: Lookup = {
      units: new Map([
        ...units.map((u) => [u.name.toLowerCase(), u.id] as const),
        ...units.flatMap((u) => (u.code ? [[u.code.toLowerCase(), u.id] as const] : [])),
      ]),
      people: new Map(people.map((p) => [p.email.toLowerCase(), p.id])),
      registers: await registersByName(org),
    }
    const run = new ImportRun(
      principal,
      tree,
      lookup,
      {
        measures,
        values,
        risks: deps.risks,
        savings: deps.savings,
        projects: deps.projects,
        projectUpdates: deps.projectUpdates,
      },
      { deadline: performance.now() + limits.timeBudgetMs, seconds: limits.timeBudgetMs / 1000 },
    )
    run.appraisal = { clock: deps.clock ?? (() => new Date()), computations: deps.computations }
    const progress = options.progress
    if (progress) {
      progress.stage = 'checking'
      progress.read = parsed.sheets.reduce((n, sheet) => n + sheet.rows.length, 0)
      run.progress = progress
    }
    if (options.history) {
      // The file itself is named by its SHA-256, so the audit says exactly which file it was.
      const digest = createHash('sha256').update(file).digest('hex').slice(0, 16)
      run.history = {
        source: `${options.history.source ?? 'an uploaded file'} (SHA-256 ${digest}…)`,
        reason: options.history.reason.trim(),
      }
    }
    try {
      await db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ locked: boolean }>`
          select pg_try_advisory_xact_lock(hashtext('golden-thread import'), hashtext(${org})) as locked`.execute(
          trx,
        )
        if (rows[0]?.locked !== true) throw anotherImport()
        for (const sheet of parsed.sheets) await run.sheet(trx, sheet)
        if (run.errors.length > 0 || options.dryRun) throw new Rollback()
        if (progress) progress.stage = 'saving'
        if (run.changes.length > 0) await recordImport(trx, principal, file, options, run)
        await options.beforeCommit?.(trx, run.summary(false))
      })
      if (progress) progress.written = run.changes.length
    } catch (error) {
      if (!(error instanceof Rollback)) throw error
    }
    if (run.errors.length > 0) throw new ImportInvalid(run.errors)
    return run.summary(options.dryRun)
  }

  /**
   * The import itself, in its transaction: which file (by the name it was sent with and its
   * SHA-256) brought how many changes, so the audit trail and the migration report name it.
   */
  async function recordImport(
    trx: Kysely<DB>,
    principal: Principal,
    file: Uint8Array,
    options: ImportOptions,
    run: ImportRun,
  ) {
    const digest = createHash('sha256').update(file).digest('hex')
    const name = options.fileName?.trim() || 'a file with no name'
    const counts = Object.fromEntries(
      Object.entries(run.counts).filter(([, c]) => c.created + c.updated > 0),
    )
    const said = Object.entries(counts)
      .map(([sheet, c]) => `${sheet} ${c.created} new, ${c.updated} changed`)
      .join('; ')
    await recordAudit(
      trx,
      {
        organisationId: principal.organisationId,
        actor: actorOf(principal),
        action: 'import_applied',
        itemType: 'import',
        itemId: digest.slice(0, 16),
        summary: `Imported ${name} (SHA-256 ${digest.slice(0, 16)}…): ${said}`,
        after: { fileName: name, sha256: digest, counts, history: options.history?.reason ?? null },
      },
      deps.clock,
    )
  }

  async function registersByName(organisationId: string) {
    const registers = await db
      .selectFrom('risk_registers')
      .select(['id', 'name'])
      .where('organisation_id', '=', organisationId)
      .execute()
    const byName = new Map<string, string[]>()
    for (const r of registers) {
      const key = r.name.toLowerCase()
      byName.set(key, [...(byName.get(key) ?? []), r.id])
    }
    return byName
  }

  /** Everything the person may see, in the import's layout, plus read-only sheets. */
  async function exportFile(principal: Principal): Promise<Buffer> {
    if (principal.roles.length === 0) throw new Forbidden()
    const org = principal.organisationId
    const tree = await unitTreeOf(db, org)
    const listed = (await measureRepo.listMeasures(db, org, {})).filter((m) =>
      policy.canViewMeasure(principal, scopeOf(m), tree),
    )
    const rows = (
      await measureRepo.findMeasuresById(
        db,
        org,
        listed.map((m) => m.id),
      )
    ).sort((a, b) => a.code.localeCompare(b.code))
    const ids = rows.map((r) => r.id)
    const units = await orgRepo.listUnits(db, org)
    const unitRef = new Map(units.map((u) => [u.id, u.code ?? u.name]))
    const people = await db
      .selectFrom('people')
      .select(['id', 'email'])
      .where('organisation_id', '=', org)
      .execute()
    const email = new Map(people.map((p) => [p.id, p.email]))
    const code = new Map(rows.map((r) => [r.id, r.code]))
    const label = (frequency: string, start: string) => parsePeriodStart({ frequency, start }).label

    const refs: ExportRefs = { unitRef, email, registerName: new Map() }
    const measureRows = rows.map((row) =>
      cellsOf(MEASURE_COLUMNS, measures.definitionOf(row) as Record<string, unknown>, refs),
    )
    const targetRows = (await measureRepo.listTargets(db, org, ids)).map((t) => [
      code.get(t.measure_id) ?? '',
      label(t.frequency, t.period_start),
      t.value,
      t.lower,
      t.upper,
    ])
    const frequencyOf = new Map(rows.map((r) => [r.id, r.frequency]))
    const cumulativeOf = new Map(rows.map((r) => [r.id, r.cumulative]))
    const scopes = new Map(rows.map((r) => [r.id, scopeOf(r)]))
    // Unapproved values only for those who may see them (measure-policy).
    const valueRows = (await measureRepo.listValues(db, org, ids))
      .filter((v) => {
        const scope = scopes.get(v.measure_id)
        return scope !== undefined && policy.visibleValues(principal, scope, [v]).length === 1
      })
      .map((v) => {
        const shown = displayedFigure({
          value: v.value,
          yearToDate: v.year_to_date,
          status: v.status,
          restated: v.restated,
          cumulative: cumulativeOf.get(v.measure_id) ?? false,
          calculated: v.calculated,
        })
        return [
          code.get(v.measure_id) ?? '',
          label(frequencyOf.get(v.measure_id) ?? 'monthly', v.period_start),
          v.value,
          v.commentary,
          v.status,
          shown.value,
          shown.basis,
          v.target,
          v.value === null ? null : (v.rag ?? 'no_target'),
          shown.approval,
        ]
      })
    const risks = await deps.risks.listRisks(principal)
    const riskRefs = {
      ...refs,
      registerName: new Map(risks.map((r) => [r.registerId, r.registerName])),
    }
    const riskRows = risks.map((r) =>
      cellsOf(
        RISK_COLUMNS,
        {
          ...r,
          currentLikelihood: r.current.likelihood,
          currentImpact: r.current.impact,
          inherentLikelihood: r.inherent.likelihood,
          inherentImpact: r.inherent.impact,
          targetLikelihood: r.target.likelihood,
          targetImpact: r.target.impact,
          currentScore: r.current.score,
        },
        riskRefs,
      ),
    )
    const savingsRows = (await deps.savings.allLines(principal)).flatMap((l) =>
      l.years.map((y) =>
        cellsOf(
          SAVINGS_COLUMNS,
          {
            ...l,
            financialYear: y.financialYear,
            amount: y.amount.pence / 100,
            cost: y.cost.pence / 100,
            net: y.net.pence / 100,
          },
          refs,
        ),
      ),
    )
    const staff = await appraisalExportRows(db, principal)
    const thread = await projectExportRows(db, principal, deps.projects, unitRef, email)
    const framework = await planExportRows(db, principal, unitRef, email)
    return exportWorkbook(
      principal.organisationName,
      {
        Measures: measureRows,
        Targets: targetRows,
        Values: valueRows,
        Risks: riskRows,
        Savings: savingsRows,
        Projects: thread.projects,
        Milestones: thread.milestones,
        Updates: thread.updates,
        Plans: framework.plans,
        'Plan items': framework.items,
        Links: framework.links,
        'Line managers': staff.lineManagers,
        Objectives: staff.objectives,
      },
      [],
    )
  }

  return {
    importFile,
    importMapped,
    analyseFile,
    exportFile,
    checkMayImport,
    checkHistory,
    readFile,
    limits,
  }
}

interface ExportRefs {
  readonly unitRef: ReadonlyMap<string, string>
  readonly email: ReadonlyMap<string, string>
  readonly registerName: ReadonlyMap<string, string>
}

/** An item's fields as the cells of its sheet, written as the import reads them back. */
function cellsOf(
  columns: readonly Column[],
  item: Readonly<Record<string, unknown>>,
  refs: ExportRefs,
): CellOut[] {
  return columns.map((c): CellOut => {
    const value = item[c.field]
    if (typeof value === 'boolean') return value ? 'yes' : 'no'
    if (typeof value === 'number') return value
    if (typeof value !== 'string') return null
    switch (c.kind) {
      case 'choice':
        return c.choices?.[value] ?? value
      case 'unit':
        return refs.unitRef.get(value) ?? null
      case 'person':
        return refs.email.get(value) ?? null
      case 'register':
        return refs.registerName.get(value) ?? null
      default:
        return value
    }
  })
}

interface ImportServices {
  readonly projects: ProjectService
  readonly projectUpdates?: UpdateService | undefined
  readonly measures: MeasureService
  readonly values: ValueService
  readonly risks: RiskService
  readonly savings: SavingsService
}

/** The state of one import: what changed and what failed, row by row. */
class ImportRun {
  readonly errors: RowError[] = []
  readonly changes: ImportChange[] = []
  readonly counts = Object.fromEntries(
    IMPORT_SHEETS.map((s) => [s, { created: 0, updated: 0, unchanged: 0 }]),
  ) as Record<ImportSheet, { created: number; updated: number; unchanged: number }>
  /** Codes of measures whose row failed, so their targets and values say why they are missing. */
  readonly failedCodes = new Set<string>()
  /** Rows of later sheets left out because their measure failed: one error per code, not per row. */
  readonly leftOut = new Map<string, { code: string; first: number; count: number }>()
  /** Measures of the sheet being read, by code (null: no such measure), read at its start. */
  readonly measureCache = new Map<string, MeasureRow | null>()
  /** Past periods' values come in approved, with this file name and reason (the performance team). */
  history: { readonly source: string; readonly reason: string } | undefined
  appraisal: AppraisalSheetDeps = { clock: () => new Date() }
  readonly principal: Principal
  readonly tree: UnitTree
  readonly lookup: Lookup
  readonly measures: MeasureService
  readonly values: ValueService
  readonly risks: RiskService
  readonly savings: SavingsService
  readonly projects: ProjectService
  readonly projectUpdates: UpdateService | undefined
  /** Whether monthly updates went for approval, so their approvers are told once it commits. */
  updatesSubmitted = false

  /** Where the rows checked are counted, for a progress page. */
  progress: ImportProgress | undefined

  /** When (performance.now()) the run must give up, and its budget in seconds for the message. */
  readonly budget: { readonly deadline: number; readonly seconds: number }

  constructor(
    principal: Principal,
    tree: UnitTree,
    lookup: Lookup,
    services: ImportServices,
    budget: { readonly deadline: number; readonly seconds: number },
  ) {
    this.budget = budget
    this.principal = principal
    this.tree = tree
    this.lookup = lookup
    this.measures = services.measures
    this.values = services.values
    this.risks = services.risks
    this.savings = services.savings
    this.projects = services.projects
    this.projectUpdates = services.projectUpdates
  }

  summary(dryRun: boolean): ImportSummary {
    return { dryRun, counts: this.counts, changes: this.changes, total: this.changes.length }
  }

  error(sheet: ImportSheet, row: number, column: string, message: string) {
    this.errors.push({ sheet, row, column, message })
  }

  /**
   * Notes the row `key` is on; if an earlier row of the sheet already had it, says so against
   * `column` (naming the item as `what`) and answers false.
   */
  firstOnSheet(
    seen: Map<string, number>,
    key: string,
    at: { sheet: ImportSheet; row: number; column: string; what: string },
  ): boolean {
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      this.error(
        at.sheet,
        at.row,
        at.column,
        `${at.what} is already on row ${earlier} of this sheet`,
      )
      return false
    }
    seen.set(key, at.row)
    return true
  }

  headingOf(sheet: ImportSheet, field: string): string {
    const name = field.split('.').at(-1) ?? field
    return COLUMNS[sheet].find((c) => c.field === name)?.heading ?? ''
  }

  /** A service's refusal as errors of the row, each under the column its field fills. */
  refusal(sheet: ImportSheet, row: number, error: unknown, forbidden: string): boolean {
    if (error instanceof Invalid) {
      for (const f of error.fields)
        this.error(sheet, row, this.headingOf(sheet, f.field), f.message)
      return true
    }
    if (error instanceof Forbidden) {
      this.error(sheet, row, '', forbidden)
      return true
    }
    if (error instanceof Conflict || error instanceof NotFound) {
      this.error(sheet, row, '', error.message)
      return true
    }
    return false
  }

  /** The row's cells as schema input; cell problems are recorded and make it null. */
  rawInput(sheet: ParsedSheet, row: SheetRow): Record<string, unknown> | null {
    const input: Record<string, unknown> = {}
    let ok = true
    for (const column of sheet.columns) {
      if (!row.cells.has(column.field)) continue
      const read = inputOf(column, row.cells.get(column.field) ?? null, this.lookup)
      if ('problem' in read) {
        this.error(sheet.name, row.row, column.heading, read.problem)
        ok = false
      } else if (read.value !== undefined) input[column.field] = read.value
    }
    return ok ? input : null
  }

  /** Parses with the app's own schema; issues become errors under their columns. */
  parse<S extends z.ZodType>(sheet: ParsedSheet, row: SheetRow, schema: S, raw: unknown) {
    const result = schema.safeParse(raw)
    if (result.success) return result.data
    for (const issue of result.error.issues) {
      const field = String(issue.path[0] ?? '')
      const column = sheet.columns.find((c) => c.field === field)
      const allowed =
        column?.kind === 'choice' && column.choices
          ? `: one of ${Object.values(column.choices).join(', ')}`
          : ''
      this.error(sheet.name, row.row, column?.heading ?? '', `${issue.message}${allowed}`)
    }
    return null
  }

  /** Runs one row's writes under a savepoint, so a failed row leaves nothing behind. */
  async guarded<T>(trx: Kysely<DB>, work: () => Promise<T>): Promise<T> {
    await sql`savepoint exchange_row`.execute(trx)
    try {
      const result = await work()
      await sql`release savepoint exchange_row`.execute(trx)
      return result
    } catch (error) {
      await sql`rollback to savepoint exchange_row`.execute(trx)
      throw error
    }
  }

  /** Called once per row checked: counts it, and gives up once the run has used its time. */
  checkTime() {
    if (this.progress) this.progress.checked++
    this.overTime()
  }

  /** Gives up (rolling everything back) once the run has used its time. */
  overTime() {
    if (performance.now() > this.budget.deadline) {
      throw new ImportTooLarge(
        `The import took longer than ${this.budget.seconds} seconds, so nothing was imported: split the file into smaller files and import each`,
      )
    }
  }

  async sheet(trx: Kysely<DB>, sheet: ParsedSheet) {
    this.overTime()
    const checkedBefore = this.progress?.checked ?? 0
    if (sheet.name === 'Measures') await this.measureSheet(trx, sheet)
    else if (sheet.name === 'Targets') await this.targetSheet(trx, sheet)
    else if (sheet.name === 'Values') await this.valueSheet(trx, sheet)
    else if (sheet.name === 'Risks') await this.riskSheet(trx, sheet)
    else if (sheet.name === 'Projects') await importProjects(this, trx, sheet, this.projects)
    else if (sheet.name === 'Milestones') await importMilestones(this, trx, sheet, this.projects)
    else if (sheet.name === 'Updates') {
      const { submitted } = await importUpdates(this, trx, sheet, this.projectUpdates)
      this.updatesSubmitted ||= submitted
    } else if (sheet.name === 'Plans') await importPlans(this, trx, sheet, this.appraisal)
    else if (sheet.name === 'Plan items') await importPlanItems(this, trx, sheet, this.appraisal)
    else if (sheet.name === 'Links') await importLinks(this, trx, sheet, this.appraisal)
    else if (sheet.name === 'Line managers')
      await importLineManagers(this, trx, sheet, this.appraisal)
    else if (sheet.name === 'Objectives') await importObjectives(this, trx, sheet, this.appraisal)
    else await this.savingsSheet(trx, sheet)
    for (const { code, first, count } of this.leftOut.values()) {
      this.error(
        sheet.name,
        first,
        'Measure code',
        count === 1
          ? `${code} is not imported (see the Measures sheet), so this row is left out too`
          : `${code} is not imported (see the Measures sheet), so its ${count} rows here, from this one, are left out too`,
      )
    }
    this.leftOut.clear()
    // Some sheets look at a row more than once: the count says rows, however often.
    if (this.progress) this.progress.checked = checkedBefore + sheet.rows.length
  }

  /** The measure a Targets or Values row names, visible to the person; or an error. */
  async measureOf(trx: Kysely<DB>, sheet: ParsedSheet, row: SheetRow): Promise<MeasureRow | null> {
    const cell = row.cells.get('code')
    const code = cell === null || cell === undefined ? '' : String(cell).trim().toUpperCase()
    if (code === '') {
      this.error(sheet.name, row.row, 'Measure code', 'Enter the code of a measure, like HR01')
      return null
    }
    if (this.failedCodes.has(code)) {
      const left = this.leftOut.get(code)
      if (left) left.count++
      else this.leftOut.set(code, { code, first: row.row, count: 1 })
      return null
    }
    const found = this.measureCache.has(code)
      ? this.measureCache.get(code)
      : (await measureRepo.findMeasuresByCode(trx, this.principal.organisationId, [code]))[0]
    if (!found || !policy.canViewMeasure(this.principal, scopeOf(found), this.tree)) {
      this.error(sheet.name, row.row, 'Measure code', `No measure has the code ${code}`)
      return null
    }
    return found
  }

  periodOf(
    sheet: ParsedSheet,
    row: SheetRow,
    measure: MeasureRow,
    input: unknown,
    allowed: string[],
  ) {
    try {
      return readPeriod(input as string, 'period', allowed, measure.frequency)
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      for (const f of error.fields) this.error(sheet.name, row.row, 'Period', f.message)
      return null
    }
  }

  async measureSheet(trx: Kysely<DB>, sheet: ParsedSheet) {
    const seen = new Map<string, number>()
    const forbidden =
      'You cannot define measures for this unit: only administrators and performance officers over it can'
    for (const row of sheet.rows) {
      this.checkTime()
      const rawCode = row.cells.get('code')
      const code =
        rawCode === null || rawCode === undefined ? '' : String(rawCode).trim().toUpperCase()
      const raw = this.rawInput(sheet, row)
      const at = { sheet: sheet.name, row: row.row, column: 'Code', what: code }
      if (code !== '' && !this.firstOnSheet(seen, code, at)) {
        this.failedCodes.add(code)
        continue
      }
      const [existing] = code
        ? await measureRepo.findMeasuresByCode(trx, this.principal.organisationId, [code])
        : []
      const input = raw && this.parse(sheet, row, existing ? MeasureChanges : MeasureInput, raw)
      if (!input) {
        this.failedCodes.add(code)
        continue
      }
      if (existing) {
        const before = this.measures.definitionOf(existing) as Record<string, unknown>
        const changed = Object.entries(input).filter(([k, v]) => !same(v, before[k]))
        if (changed.length === 0) {
          this.counts.Measures.unchanged++
          continue
        }
        try {
          await this.guarded(trx, () =>
            this.measures.updateIn(
              trx,
              this.principal,
              this.tree,
              existing,
              input as MeasureChanges,
            ),
          )
        } catch (error) {
          this.failedCodes.add(code)
          if (this.refusal(sheet.name, row.row, error, forbidden)) continue
          throw error
        }
        this.counts.Measures.updated++
        this.changes.push({
          sheet: 'Measures',
          row: row.row,
          action: 'update',
          item: code,
          detail: `Changes ${changed.map(([k]) => this.headingOf('Measures', k).toLowerCase()).join(', ')}`,
        })
      } else {
        try {
          await this.guarded(trx, () =>
            this.measures.createIn(trx, this.principal, this.tree, input as MeasureInput),
          )
        } catch (error) {
          this.failedCodes.add(code)
          if (this.refusal(sheet.name, row.row, error, forbidden)) continue
          throw error
        }
        this.counts.Measures.created++
        this.changes.push({
          sheet: 'Measures',
          row: row.row,
          action: 'create',
          item: code,
          detail: `New measure "${(input as MeasureInput).title}"`,
        })
      }
    }
  }

  async targetSheet(trx: Kysely<DB>, sheet: ParsedSheet) {
    type Entry = {
      row: SheetRow
      period: Period
      value: number | null
      lower: number | null
      upper: number | null
    }
    const groups = new Map<string, { measure: MeasureRow; entries: Entry[] }>()
    const seen = new Map<string, number>()
    await this.preloadMeasures(trx, sheet)
    for (const row of sheet.rows) {
      this.checkTime()
      const raw = this.rawInput(sheet, row)
      const measure = await this.measureOf(trx, sheet, row)
      if (!raw || !measure) continue
      const input = this.parse(sheet, row, TargetInput, raw)
      if (!input) continue
      const period = this.periodOf(sheet, row, measure, input.period, [measure.frequency, 'annual'])
      if (!period) continue
      const what = `${measure.code} ${period.label}`
      const key = `${measure.id}:${period.frequency}:${period.start}`
      if (
        !this.firstOnSheet(seen, key, { sheet: sheet.name, row: row.row, column: 'Period', what })
      )
        continue
      const group = groups.get(measure.id) ?? { measure, entries: [] }
      group.entries.push({
        row,
        period,
        value: input.value ?? null,
        lower: input.lower ?? null,
        upper: input.upper ?? null,
      })
      groups.set(measure.id, group)
    }
    const org = this.principal.organisationId
    for (const { measure, entries } of groups.values()) {
      this.checkTime()
      const existing = await measureRepo.listTargets(trx, org, [measure.id])
      const byKey = new Map(existing.map((t) => [`${t.frequency}:${t.period_start}`, t]))
      const changed: { entry: Entry; action: 'create' | 'update' }[] = []
      for (const entry of entries) {
        const old = byKey.get(`${entry.period.frequency}:${entry.period.start}`)
        if (
          old &&
          same(old.value, entry.value) &&
          same(old.lower, entry.lower) &&
          same(old.upper, entry.upper)
        ) {
          this.counts.Targets.unchanged++
        } else changed.push({ entry, action: old ? 'update' : 'create' })
      }
      if (changed.length === 0) continue
      // Targets of periods the sheet does not name are kept: the sheet's override theirs.
      const named = new Set(entries.map((e) => `${e.period.frequency}:${e.period.start}`))
      const kept = existing.filter((t) => !named.has(`${t.frequency}:${t.period_start}`))
      const targets = [
        ...kept.map((t) => ({
          period: { frequency: t.frequency, start: t.period_start },
          value: t.value,
          lower: t.lower,
          upper: t.upper,
        })),
        ...entries.map((e) => ({
          period: { frequency: e.period.frequency, start: e.period.start },
          value: e.value,
          lower: e.lower,
          upper: e.upper,
        })),
      ]
      try {
        await this.guarded(trx, () =>
          this.measures.putTargetsIn(trx, this.principal, this.tree, measure, { targets }),
        )
      } catch (error) {
        if (error instanceof Invalid) {
          for (const f of error.fields) {
            const index = Number(/^targets\.(\d+)\./.exec(f.field)?.[1] ?? -1) - kept.length
            const entry = entries[index] ?? changed[0]?.entry
            if (entry)
              this.error(sheet.name, entry.row.row, this.headingOf('Targets', f.field), f.message)
          }
          continue
        }
        const first = changed[0]?.entry.row.row ?? 0
        if (
          this.refusal(
            sheet.name,
            first,
            error,
            `You cannot set the targets of ${measure.code}: only administrators and performance officers over its unit can`,
          )
        )
          continue
        throw error
      }
      for (const { entry, action } of changed) {
        this.counts.Targets[action === 'create' ? 'created' : 'updated']++
        this.changes.push({
          sheet: 'Targets',
          row: entry.row.row,
          action,
          item: `${measure.code} ${entry.period.label}`,
          detail: `Target ${[entry.value, entry.lower, entry.upper].filter((v) => v !== null).join(' to ')}`,
        })
      }
    }
  }

  /**
   * Values: every row read and checked first, then all of them handed to the value service at
   * once, which judges each measure once and writes in a few statements (issue 24).
   */
  async valueSheet(trx: Kysely<DB>, sheet: ParsedSheet) {
    const seen = new Map<string, number>()
    const tick = cooperate()
    await this.preloadMeasures(trx, sheet)
    const items: (ImportedValue & { row: SheetRow; label: string })[] = []
    for (const row of sheet.rows) {
      this.checkTime()
      await tick()
      const raw = this.rawInput(sheet, row)
      const measure = await this.measureOf(trx, sheet, row)
      if (!raw || !measure) continue
      const input = this.parse(sheet, row, ValueInput, raw)
      if (!input) continue
      const period = this.periodOf(sheet, row, measure, input.period, [measure.frequency])
      if (!period) continue
      const what = `${measure.code} ${period.label}`
      const key = `${measure.id}:${period.start}`
      if (
        !this.firstOnSheet(seen, key, { sheet: sheet.name, row: row.row, column: 'Period', what })
      )
        continue
      items.push({
        key: String(items.length),
        row,
        label: what,
        measure,
        input: {
          ...input,
          period: { frequency: period.frequency, start: period.start },
          commentary: input.commentary ?? null,
          submit: true,
        },
      })
    }
    if (items.length === 0) return
    let outcomes: ImportedOutcome[]
    try {
      outcomes = await this.guarded(trx, () =>
        this.values.importIn(trx, this.principal, this.tree, items, {
          ...(this.history && { history: this.history }),
        }),
      )
    } catch (error) {
      if (error instanceof Invalid) {
        for (const f of error.fields) {
          const [index = '', field = ''] = f.field.split('.')
          const item = items[Number(index)]
          const heading = field === 'code' ? 'Measure code' : this.headingOf('Values', field)
          this.error(sheet.name, item?.row.row ?? 0, heading, f.message)
        }
        return
      }
      if (this.refusal(sheet.name, items[0]?.row.row ?? 0, error, 'You cannot enter these values'))
        return
      throw error
    }
    for (const [i, outcome] of outcomes.entries()) {
      await tick()
      const item = items[i]
      if (!item) continue
      if (outcome.action === 'unchanged') {
        this.counts.Values.unchanged++
        continue
      }
      this.counts.Values[outcome.action === 'create' ? 'created' : 'updated']++
      this.changes.push({
        sheet: 'Values',
        row: item.row.row,
        action: outcome.action,
        item: item.label,
        detail: `${outcome.action === 'update' ? `${outcome.before ?? 'blank'} becomes ` : ''}${item.input.value ?? ''}, ${outcome.approved ? 'approved as history' : 'sent for approval'}`,
      })
    }
  }

  /** The measures a sheet names, read in one statement, for `measureOf`. */
  async preloadMeasures(trx: Kysely<DB>, sheet: ParsedSheet) {
    const codes = new Set<string>()
    const tick = cooperate()
    for (const row of sheet.rows) {
      await tick()
      const cell = row.cells.get('code')
      const code = cell === null || cell === undefined ? '' : String(cell).trim().toUpperCase()
      if (code !== '') codes.add(code)
    }
    const list = [...codes]
    this.measureCache.clear()
    for (let i = 0; i < list.length; i += 1000) {
      const chunk = list.slice(i, i + 1000)
      const found = await measureRepo.findMeasuresByCode(trx, this.principal.organisationId, chunk)
      const byCode = new Map(found.map((m) => [m.code, m]))
      for (const code of chunk) this.measureCache.set(code, byCode.get(code) ?? null)
    }
  }

  async riskSheet(trx: Kysely<DB>, sheet: ParsedSheet) {
    const seen = new Map<string, number>()
    const org = this.principal.organisationId
    const forbidden =
      'You cannot manage the risks of this register: only administrators, performance officers and approvers over its unit can'
    const columnOf: Readonly<Record<string, string>> = {
      reference: 'reference',
      title: 'title',
      category: 'category',
      status: 'status',
      cause: 'cause',
      event: 'event',
      effect: 'effect',
      ownerId: 'owner_id',
      reviewFrequency: 'review_frequency',
      nextReviewDate: 'next_review_date',
      inherentLikelihood: 'inherent_likelihood',
      inherentImpact: 'inherent_impact',
      targetLikelihood: 'target_likelihood',
      targetImpact: 'target_impact',
    }
    for (const row of sheet.rows) {
      this.checkTime()
      const cell = row.cells.get('reference')
      const reference = cell === null || cell === undefined ? '' : String(cell).trim()
      const raw = this.rawInput(sheet, row)
      const at = { sheet: sheet.name, row: row.row, column: 'Reference', what: reference }
      if (reference !== '' && !this.firstOnSheet(seen, reference, at)) continue
      if (!raw) continue
      const existing = reference
        ? await trx
            .selectFrom('risks')
            .selectAll()
            .where('organisation_id', '=', org)
            .where('reference', '=', reference)
            .executeTakeFirst()
        : undefined
      if (!existing) {
        if (raw.status === 'closed') {
          this.error(sheet.name, row.row, 'Status', 'A new risk is raised open: close it later')
          continue
        }
        const rest = { ...raw }
        delete rest.status
        const input = this.parse(sheet, row, RiskInput, rest)
        if (!input) continue
        try {
          await this.guarded(trx, () => this.risks.createRiskIn(trx, this.principal, input))
        } catch (error) {
          if (this.refusal(sheet.name, row.row, error, forbidden)) continue
          throw error
        }
        this.counts.Risks.created++
        this.changes.push({
          sheet: 'Risks',
          row: row.row,
          action: 'create',
          item: input.reference,
          detail: `New risk "${input.title}"`,
        })
        continue
      }
      // A register and a current score change by escalation and by review, on the risk's page.
      const stored = existing as unknown as Record<string, unknown>
      let fixed = true
      for (const [field, column, message] of [
        [
          'registerId',
          'register_id',
          'A risk moves to another register only by escalation, on its page',
        ],
        [
          'currentLikelihood',
          'current_likelihood',
          'The current score changes only by a review, recorded on the risk\u2019s page',
        ],
        [
          'currentImpact',
          'current_impact',
          'The current score changes only by a review, recorded on the risk\u2019s page',
        ],
      ] as const) {
        const given = raw[field]
        if (given === undefined) continue
        const value = typeof given === 'string' && /^\d+$/.test(given) ? Number(given) : given
        if (!same(value, stored[column])) {
          this.error(sheet.name, row.row, this.headingOf('Risks', field), message)
          fixed = false
        }
      }
      if (!fixed) continue
      const rest = { ...raw }
      delete rest.registerId
      delete rest.currentLikelihood
      delete rest.currentImpact
      const changes = this.parse(sheet, row, RiskChanges, rest)
      if (!changes) continue
      const changed = Object.entries(changes).filter(([k, v]) => !same(v, stored[columnOf[k] ?? k]))
      if (changed.length === 0) {
        this.counts.Risks.unchanged++
        continue
      }
      try {
        await this.guarded(trx, () =>
          this.risks.updateRiskIn(
            trx,
            this.principal,
            existing.id,
            Object.fromEntries(changed) as RiskChanges,
          ),
        )
      } catch (error) {
        if (this.refusal(sheet.name, row.row, error, forbidden)) continue
        throw error
      }
      this.counts.Risks.updated++
      this.changes.push({
        sheet: 'Risks',
        row: row.row,
        action: 'update',
        item: existing.reference,
        detail: `Changes ${changed.map(([k]) => this.headingOf('Risks', k).toLowerCase()).join(', ')}`,
      })
    }
  }
  /**
   * Savings lines by reference, one row per line and financial year. Years of a line the file
   * does not name are kept; monthly profiles and actuals are not part of the sheet.
   */
  async savingsSheet(trx: Kysely<DB>, sheet: ParsedSheet) {
    const org = this.principal.organisationId
    const forbidden =
      'You cannot manage savings lines in this unit: only administrators, performance officers and approvers over it can'
    const lineFields = [
      'reference',
      'title',
      'unitId',
      'programme',
      'priorityBoard',
      'savingType',
      'durability',
      'status',
      'ownerId',
    ] as const
    const columnOf: Readonly<Record<string, string>> = {
      reference: 'reference',
      title: 'title',
      unitId: 'unit_id',
      programme: 'programme',
      priorityBoard: 'priority_board',
      savingType: 'saving_type',
      durability: 'durability',
      status: 'status',
      ownerId: 'owner_id',
    }
    type YearEntry = { row: SheetRow; year: LineInput['years'][number] }
    type Group = {
      first: number
      line: Record<string, unknown>
      years: YearEntry[]
      failed: boolean
    }
    const groups = new Map<string, Group>()
    const seen = new Map<string, number>()
    const YearInput = LineInput.shape.years.element
    for (const row of sheet.rows) {
      this.checkTime()
      const cell = row.cells.get('reference')
      const reference = cell === null || cell === undefined ? '' : String(cell).trim()
      const raw = this.rawInput(sheet, row)
      if (reference === '') {
        this.error(sheet.name, row.row, 'Reference', 'Enter the reference of the savings line')
        continue
      }
      const line = raw
        ? Object.fromEntries(lineFields.filter((f) => f in raw).map((f) => [f, raw[f]]))
        : {}
      let group = groups.get(reference)
      if (!group) {
        group = { first: row.row, line, years: [], failed: false }
        groups.set(reference, group)
      } else if (raw) {
        // Every row of a line repeats its cells: one that differs is a mistake, not a choice.
        for (const f of lineFields.filter((f) => f !== 'reference')) {
          if (!same(line[f], group.line[f])) {
            this.error(
              sheet.name,
              row.row,
              this.headingOf('Savings', f),
              `Differs from row ${group.first}, the first row of ${reference}: the rows of a line must agree`,
            )
            group.failed = true
          }
        }
      }
      if (!raw) {
        group.failed = true
        continue
      }
      const year = this.parse(sheet, row, YearInput, {
        financialYear: raw.financialYear,
        amount: raw.amount,
        cost: raw.cost,
      })
      if (!year) {
        group.failed = true
        continue
      }
      const at = {
        sheet: sheet.name,
        row: row.row,
        column: 'Financial year',
        what: `${reference} ${String(raw.financialYear)}`,
      }
      if (!this.firstOnSheet(seen, `${reference}:${year.financialYear}`, at)) {
        group.failed = true
        continue
      }
      group.years.push({ row, year })
    }
    for (const [reference, group] of groups) {
      this.checkTime()
      if (group.failed) continue
      const firstRow = group.years[0]?.row
      if (!firstRow) continue
      const existing = await trx
        .selectFrom('saving_lines')
        .selectAll()
        .where('organisation_id', '=', org)
        .where('reference', '=', reference)
        .executeTakeFirst()
      const named = new Set(group.years.map((e) => e.year.financialYear))
      const stored = existing ? await savingsRepo.listYears(trx, org, [existing.id]) : []
      const kept = stored
        .filter((y) => !named.has(y.financial_year))
        .map((y) => ({
          financialYear: y.financial_year,
          amount: y.amount_pence,
          cost: y.cost_pence,
        }))
      const years = [...kept, ...group.years.map((e) => e.year)]
      const failed = (error: unknown): boolean => {
        if (error instanceof Invalid) {
          for (const f of error.fields) {
            const index = Number(/^years\.(\d+)\./.exec(f.field)?.[1] ?? -1) - kept.length
            const entry = group.years[index]
            this.error(
              sheet.name,
              (entry?.row ?? firstRow).row,
              this.headingOf('Savings', f.field),
              f.message,
            )
          }
          return true
        }
        return this.refusal(sheet.name, firstRow.row, error, forbidden)
      }
      if (!existing) {
        const input = this.parse(sheet, firstRow, LineInput.omit({ years: true }), group.line)
        if (!input) continue
        try {
          await this.guarded(trx, () =>
            this.savings.createLineIn(trx, this.principal, { ...input, years }),
          )
        } catch (error) {
          if (failed(error)) continue
          throw error
        }
        this.counts.Savings.created++
        this.changes.push({
          sheet: 'Savings',
          row: firstRow.row,
          action: 'create',
          item: input.reference,
          detail: `New savings line "${input.title}"`,
        })
        continue
      }
      const changes = this.parse(sheet, firstRow, LineChanges.omit({ years: true }), group.line)
      if (!changes) continue
      const before = existing as unknown as Record<string, unknown>
      const changed = Object.entries(changes).filter(([k, v]) => !same(v, before[columnOf[k] ?? k]))
      const storedYear = new Map(stored.map((y) => [y.financial_year, y]))
      const changedYears = group.years.filter(({ year }) => {
        const old = storedYear.get(year.financialYear)
        return !old || old.amount_pence !== year.amount || old.cost_pence !== (year.cost ?? 0)
      })
      if (changed.length === 0 && changedYears.length === 0) {
        this.counts.Savings.unchanged++
        continue
      }
      try {
        await this.guarded(trx, () =>
          this.savings.updateLineIn(trx, this.principal, existing.id, {
            ...(Object.fromEntries(changed) as LineChanges),
            ...(changedYears.length > 0 && { years }),
          }),
        )
      } catch (error) {
        if (failed(error)) continue
        throw error
      }
      this.counts.Savings.updated++
      const what = [
        ...changed.map(([k]) => this.headingOf('Savings', k).toLowerCase()),
        ...changedYears.map((e) => formatFinancialYear(e.year.financialYear)),
      ]
      this.changes.push({
        sheet: 'Savings',
        row: firstRow.row,
        action: 'update',
        item: reference,
        detail: `Changes ${what.join(', ')}`,
      })
    }
  }
}
