// Importing a council's own file from the web page, step by step: the upload is kept on the
// server (one person's, for a few hours) between the mapping, the dry run and the import; the
// mapping confirmed by an import is remembered under the file's heading signature, so next
// month's file with the same headings is mapped the same way; and a migration report says
// what came in, what was left out and what still needs a person. See docs/exchange.md.
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { Invalid, NotFound } from '../../errors.ts'
import { recordAudit, actorOf } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import {
  analyse,
  codeOf,
  Mapping,
  OTHER_SHEETS,
  readFigure,
  readTable,
  ROLE_NAMES,
  type Analysis,
  type Role,
  type Table,
} from './exchange-mapping.ts'
import { COLUMNS, sheetOfHeadings } from './exchange-columns.ts'
import { recognisePeriod } from './exchange-periods.ts'
import type { ExchangeService, ImportSummary } from './exchange-service.ts'

/** How long an uploaded file is kept between the steps of the page. */
export const UPLOAD_HOURS = 6

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface Upload {
  readonly id: string
  readonly fileName: string
  readonly file: Buffer
}

export interface MappedAnalysis extends Analysis {
  /** The mapping to offer: the remembered one where the headings were seen before. */
  readonly offered: Mapping
  /** When the offered mapping is the one confirmed for a file with these headings. */
  readonly remembered: { readonly at: Date } | null
}

export interface MigrationReport {
  /** The file's name as it was uploaded or sent, also in the import's audit record. */
  readonly fileName: string
  readonly summary: ImportSummary
  /** What was not brought in, and why. */
  readonly skipped: readonly string[]
  /** What still needs a person, each with the codes concerned. */
  readonly needs: readonly { readonly text: string; readonly codes: readonly string[] }[]
}

export interface MappedImportDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly exchange: ExchangeService
}

export type MappedImportService = ReturnType<typeof createMappedImportService>

export function createMappedImportService({ db, clock, exchange }: MappedImportDeps) {
  /** Keeps an uploaded file for its person; refuses a file that cannot be read as a table. */
  async function stage(principal: Principal, file: Buffer, fileName: string): Promise<string> {
    // Reads it now, so a file that is not a spreadsheet is refused on the upload page.
    const { headings } = await exchange.analyseFile(principal, file)
    // A sheet of the product's own layout (or Pentana's action export) is not mapped: its
    // columns already say what they hold, and the mapping knows only measures and figures.
    const sheet = sheetOfHeadings(headings)
    if (sheet !== null && !['Measures', 'Targets', 'Values'].includes(sheet)) {
      throw Invalid.field(
        'file',
        `This file is a ${sheet} sheet${headings.some((h) => h.trim().toLowerCase() === 'action code') ? ' (Pentana’s action export)' : ''}: import it as it is with “Upload a file” on the Import and export page`,
      )
    }
    const now = clock()
    return db.transaction().execute(async (trx) => {
      // Whatever has expired goes, anyone's; and this person's earlier uploads.
      await trx.deleteFrom('import_uploads').where('expires_at', '<', now).execute()
      await trx
        .deleteFrom('import_uploads')
        .where('organisation_id', '=', principal.organisationId)
        .where('person_id', '=', principal.personId)
        .execute()
      const row = await trx
        .insertInto('import_uploads')
        .values({
          organisation_id: principal.organisationId,
          person_id: principal.personId,
          file_name: fileName.slice(0, 300) || 'file',
          content: file.toString('base64'),
          created_at: now,
          expires_at: new Date(now.getTime() + UPLOAD_HOURS * 3600_000),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    })
  }

  /** The person's own upload, unexpired; anyone else's (or another council's) is not found. */
  async function load(principal: Principal, id: string): Promise<Upload> {
    await exchange.checkMayImport(principal)
    const gone = new NotFound(
      'That file is no longer kept (uploads are kept for 6 hours): upload it again',
    )
    if (!UUID.test(id)) throw gone
    const row = await db
      .selectFrom('import_uploads')
      .select(['id', 'file_name', 'content'])
      .where('id', '=', id)
      .where('organisation_id', '=', principal.organisationId)
      .where('person_id', '=', principal.personId)
      .where('expires_at', '>', clock())
      .executeTakeFirst()
    if (!row) throw gone
    return { id: row.id, fileName: row.file_name, file: Buffer.from(row.content, 'base64') }
  }

  async function rememberedMapping(organisationId: string, signature: string) {
    return db
      .selectFrom('import_mappings')
      .select(['mapping', 'updated_at'])
      .where('organisation_id', '=', organisationId)
      .where('signature', '=', signature)
      .executeTakeFirst()
  }

  /** The file's analysis, offering the remembered mapping for headings seen before. */
  async function analysis(principal: Principal, upload: Upload): Promise<MappedAnalysis> {
    const found = await exchange.analyseFile(principal, upload.file)
    const row = await rememberedMapping(principal.organisationId, found.signature)
    const parsed = row ? Mapping.safeParse(row.mapping) : null
    if (!row || !parsed?.success) return { ...found, offered: found.suggested, remembered: null }
    const kept = parsed.data
    // A heading the remembered mapping names keeps its role; this month's period headings (not
    // in the signature) take the suggestion, which makes them values in a wide file.
    const columns = Object.fromEntries(
      found.headings
        .filter((h) => h !== '')
        .map((h) => [h, kept.columns[h] ?? found.suggested.columns[h] ?? 'ignore']),
    )
    const offered: Mapping = { ...kept, columns }
    return {
      ...found,
      offered,
      // The remembered mapping answers the questions it settles; those it does not are asked.
      questions: found.questions.filter((q) => !settled(q, offered)),
      remembered: { at: row.updated_at },
    }
  }

  /** Remembers the mapping confirmed by an import for files with these headings; audited. */
  async function remember(principal: Principal, signature: string, mapping: Mapping) {
    const at = clock()
    await db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('import_mappings')
        .select(['id', 'mapping'])
        .where('organisation_id', '=', principal.organisationId)
        .where('signature', '=', signature)
        .forUpdate()
        .executeTakeFirst()
      if (before && JSON.stringify(before.mapping) === JSON.stringify(mapping)) return
      const row = await trx
        .insertInto('import_mappings')
        .values({
          organisation_id: principal.organisationId,
          signature,
          mapping: JSON.stringify(mapping),
          updated_by: principal.personId,
          updated_at: at,
        })
        .onConflict((oc) =>
          oc.columns(['organisation_id', 'signature']).doUpdateSet({
            mapping: JSON.stringify(mapping),
            updated_by: principal.personId,
            updated_at: at,
          }),
        )
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(
        trx,
        {
          organisationId: principal.organisationId,
          actor: actorOf(principal),
          action: before ? 'update' : 'create',
          itemType: 'import_mapping',
          itemId: row.id,
          summary: `${before ? 'Changed' : 'Remembered'} the column mapping for files headed ${signature.split('|').join(', ')}`,
          before: before?.mapping ?? null,
          after: mapping,
        },
        () => at,
      )
    })
  }

  function optionsOf(upload: Upload, historyReason: string, dryRun: boolean) {
    return {
      dryRun,
      fileName: upload.fileName,
      ...(historyReason !== '' && {
        history: {
          reason: historyReason,
          source: `${upload.fileName}, uploaded on the import page`,
        },
      }),
    }
  }

  /** What the import would do, writing nothing. */
  async function preview(
    principal: Principal,
    upload: Upload,
    mapping: Mapping,
    historyReason: string,
  ): Promise<ImportSummary> {
    return exchange.importMapped(
      principal,
      upload.file,
      mapping,
      optionsOf(upload, historyReason, true),
    )
  }

  /** Imports the file, remembers its mapping, lets the upload go and reports on what came in. */
  async function importUpload(
    principal: Principal,
    upload: Upload,
    mapping: Mapping,
    historyReason: string,
  ): Promise<MigrationReport> {
    const summary = await exchange.importMapped(
      principal,
      upload.file,
      mapping,
      optionsOf(upload, historyReason, false),
    )
    const table = await readTable(upload.file)
    await remember(principal, analyse(table).signature, mapping)
    await db
      .deleteFrom('import_uploads')
      .where('id', '=', upload.id)
      .where('organisation_id', '=', principal.organisationId)
      .execute()
    return report(principal, table, mapping, summary, upload.fileName)
  }

  /**
   * The API's mapped import (POST /api/v1/imports/mapped): as the page, a real run remembers
   * the mapping for files with these headings and answers the migration report, naming the file.
   */
  async function importSent(
    principal: Principal,
    file: Buffer,
    fileName: string,
    mapping: Mapping,
    options: { dryRun: boolean; historyReason?: string | undefined },
  ): Promise<ImportSummary & { report?: Omit<MigrationReport, 'summary'> }> {
    const sent = {
      dryRun: options.dryRun,
      fileName,
      ...(options.historyReason !== undefined && {
        history: { reason: options.historyReason, source: `${fileName}, sent to the API` },
      }),
    }
    const summary = await exchange.importMapped(principal, file, mapping, sent)
    if (options.dryRun) return summary
    const table = await readTable(file)
    await remember(principal, analyse(table).signature, mapping)
    const full = await report(principal, table, mapping, summary, fileName)
    return {
      ...summary,
      report: { fileName: full.fileName, skipped: full.skipped, needs: full.needs },
    }
  }

  /** The migration report: what came in, what was skipped and why, what needs a person. */
  async function report(
    principal: Principal,
    table: Table,
    mapping: Mapping,
    summary: ImportSummary,
    fileName: string,
  ): Promise<MigrationReport> {
    const skipped: string[] = []
    const ignored = table.headings.filter(
      (h) =>
        h !== '' &&
        (mapping.sheet ? (mapping.fields?.[h] ?? 'ignore') : mapping.columns[h]) === 'ignore',
    )
    if (ignored.length > 0) {
      skipped.push(
        `${ignored.length === 1 ? 'Column' : `${ignored.length} columns`} not imported, as the mapping says: ${ignored.join(', ')}`,
      )
    }
    // Projects, milestones or plan items: what came in is the summary; no measure to follow up.
    if (mapping.sheet) return { fileName, summary, skipped, needs: [] }
    const codeAt = table.headings.findIndex((h) => mapping.columns[h] === 'code')
    const onlyAt = mapping.only ? table.headings.indexOf(mapping.only.column) : -1
    const mine = table.rows.filter(
      (r) => !mapping.only || String(r.cells[onlyAt] ?? '').trim() === mapping.only.value,
    )
    if (mapping.only && mine.length < table.rows.length) {
      skipped.push(
        `${table.rows.length - mine.length} rows of other organisations (where ${mapping.only.column} is not “${mapping.only.value}”)`,
      )
    }
    const valueColumns = table.headings
      .map((h, i) => ({ h, i }))
      .filter(({ h }) =>
        mapping.layout === 'wide'
          ? mapping.columns[h] === 'value' && 'period' in recognisePeriod(h)
          : mapping.columns[h] === 'value',
      )
    const blank = mine.reduce(
      (n, r) => n + valueColumns.filter(({ i }) => readFigure(r.cells[i] ?? null) === null).length,
      0,
    )
    if (blank > 0) {
      skipped.push(
        `${blank} blank or “n/a” ${blank === 1 ? 'figure' : 'figures'}: no value is recorded for ${blank === 1 ? 'its period' : 'those periods'}`,
      )
    }
    const codes = [...new Set(mine.map((r) => codeOf(r.cells[codeAt] ?? null)).filter(Boolean))]
    const needs: { text: string; codes: string[] }[] = []
    if (codes.length > 0) {
      const org = principal.organisationId
      const measures = await db
        .selectFrom('measures')
        .select(['id', 'code', 'owner_id'])
        .where('organisation_id', '=', org)
        .where('code', 'in', codes)
        .orderBy('code')
        .execute()
      const ids = measures.map((m) => m.id)
      const codeOfId = new Map(measures.map((m) => [m.id, m.code]))
      const noOwner = measures.filter((m) => m.owner_id === null).map((m) => m.code)
      if (noOwner.length > 0) {
        needs.push({ text: 'Measures with no owner: give each one on its page', codes: noOwner })
      }
      if (ids.length > 0) {
        const values = await db
          .selectFrom('measure_values')
          .select(['measure_id', 'period_start'])
          .where('organisation_id', '=', org)
          .where('measure_id', 'in', ids)
          .execute()
        const targets = await db
          .selectFrom('measure_targets')
          .select(['measure_id', 'period_start', 'frequency'])
          .where('organisation_id', '=', org)
          .where('measure_id', 'in', ids)
          .execute()
        const has = new Set(targets.map((t) => `${t.measure_id}|${t.period_start}`))
        const yearStart = (start: string) => {
          const [y = '0', m = '1'] = start.split('-')
          return `${Number(m) >= 4 ? y : String(Number(y) - 1)}-04-01`
        }
        const untargeted = new Map<string, number>()
        for (const v of values) {
          if (has.has(`${v.measure_id}|${v.period_start}`)) continue
          if (has.has(`${v.measure_id}|${yearStart(v.period_start)}`)) continue
          untargeted.set(v.measure_id, (untargeted.get(v.measure_id) ?? 0) + 1)
        }
        if (untargeted.size > 0) {
          const count = [...untargeted.values()].reduce((a, b) => a + b, 0)
          needs.push({
            text: `${count} ${count === 1 ? 'value has' : 'values have'} no target: set targets on the measures' pages or import them`,
            codes: [...untargeted.keys()].map((id) => codeOfId.get(id) ?? '').sort(),
          })
        }
        const linked = await db
          .selectFrom('node_links')
          .select('item_id')
          .where('organisation_id', '=', org)
          .where('item_kind', '=', 'measure')
          .where('item_id', 'in', ids)
          .execute()
        const linkedIds = new Set(linked.map((l) => l.item_id))
        const unlinked = measures.filter((m) => !linkedIds.has(m.id)).map((m) => m.code)
        if (unlinked.length > 0) {
          needs.push({
            text: 'Measures linked to nothing in the golden thread: link each to a priority or outcome in the plan',
            codes: unlinked,
          })
        }
      }
    }
    return { fileName, summary, skipped, needs }
  }

  return { stage, load, analysis, preview, importUpload, importSent, report }
}

/** Whether a question of the analysis is answered by the mapping offered. */
function settled(question: string, mapping: Mapping): boolean {
  const roles = new Set(Object.values(mapping.columns))
  const asks = /Which column holds the (.+)\?/.exec(question)
  if (asks) {
    const wanted: Record<string, string> = {
      'measure code': 'code',
      period: 'period',
      value: 'value',
    }
    const role = wanted[asks[1] ?? '']
    return role !== undefined && roles.has(role as never)
  }
  if (question.startsWith('For measures the file creates')) return mapping.polarity !== undefined
  if (question.startsWith('The file has the same measure and period'))
    return mapping.only !== undefined
  return false
}

/** The mapping as the page's form sends it: column_<n> per heading, and the answers. */
export function mappingFromForm(headings: readonly string[], body: Record<string, unknown>) {
  const text = (name: string) => {
    const v = body[name]
    return typeof v === 'string' ? v.trim() : ''
  }
  const columns: Record<string, string> = {}
  headings.forEach((h, i) => {
    if (h !== '') columns[h] = text(`column_${i}`) || 'ignore'
  })
  const onlyColumn = text('onlyColumn')
  const onlyValue = text('onlyValue')
  const sheet = OTHER_SHEETS.find((s) => s === text('sheet'))
  if (sheet) {
    const fields: Record<string, string> = {}
    headings.forEach((h, i) => {
      if (h !== '') fields[h] = text(`column_${i}`) || 'ignore'
    })
    const known = new Set(COLUMNS[sheet].map((c) => c.field))
    const wrong = headings.findIndex(
      (h) => h !== '' && fields[h] !== 'ignore' && !known.has(fields[h] ?? ''),
    )
    if (wrong >= 0) throw Invalid.field(`column_${wrong}`, `Select a column of the ${sheet} sheet`)
    const missing = COLUMNS[sheet].filter(
      (c) => c.required && !Object.values(fields).includes(c.field),
    )
    if (missing.length > 0) {
      throw new Invalid(
        missing.map((c) => ({
          field: 'column_0',
          message: `Select which column holds the ${c.heading.toLowerCase()}`,
        })),
      )
    }
    if (onlyColumn !== '' && onlyValue === '') {
      throw Invalid.field('onlyValue', 'Enter the value that marks your council’s rows')
    }
    return {
      columns: Object.fromEntries(
        headings.filter((h) => h !== '').map((h) => [h, 'ignore' as const]),
      ),
      layout: 'long' as const,
      sheet,
      fields,
      ...(onlyColumn !== '' && { only: { column: onlyColumn, value: onlyValue } }),
    }
  }
  const candidate = {
    columns,
    layout: text('layout'),
    ...(onlyColumn !== '' && { only: { column: onlyColumn, value: onlyValue } }),
    ...(text('unit') !== '' && { unit: text('unit') }),
    ...(text('polarity') !== '' && { polarity: text('polarity') }),
    ...(text('fractionsArePercentages') === 'yes' && { fractionsArePercentages: true }),
  }
  const parsed = Mapping.safeParse(candidate)
  if (!parsed.success) {
    throw new Invalid(
      parsed.error.issues.map((issue) => {
        const [first, second] = issue.path.map(String)
        const field =
          first === 'columns'
            ? `column_${headings.indexOf(second ?? '')}`
            : first === 'only'
              ? 'onlyColumn'
              : (first ?? 'layout')
        const message =
          first === 'layout'
            ? 'Select whether the file has one row per period or a column per period'
            : first === 'columns'
              ? `Select what the column “${second ?? ''}” holds`
              : first === 'only' && onlyValue === ''
                ? 'Enter the value that marks your council’s rows'
                : `Select a ${first ?? 'value'} from the list`
        return { field, message }
      }),
    )
  }
  // The columns an import cannot do without are asked for, never guessed.
  const roles = new Set(Object.values(parsed.data.columns))
  const needed: Role[] = parsed.data.layout === 'wide' ? ['code'] : ['code', 'period', 'value']
  const missing = needed.filter((r) => !roles.has(r))
  if (missing.length > 0) {
    throw new Invalid(
      missing.map((r) => ({
        field: 'column_0',
        message: `Select which column holds the ${ROLE_NAMES[r].toLowerCase()}`,
      })),
    )
  }
  if (onlyColumn !== '' && onlyValue === '') {
    throw Invalid.field('onlyValue', 'Enter the value that marks your council’s rows')
  }
  if (onlyColumn !== '' && !headings.includes(onlyColumn)) {
    throw Invalid.field('onlyColumn', 'Select a column of the file')
  }
  return parsed.data
}
