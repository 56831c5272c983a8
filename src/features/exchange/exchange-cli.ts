import { plural } from '../../core/format.ts'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { Invalid } from '../../errors.ts'
import { COMMAND_LINE_PERSON_ID, type Principal } from '../../core/principal.ts'
import { resolveOrganisation } from '../organisation/index.ts'
import { IMPORT_SHEETS } from './exchange-columns.ts'
import {
  describeRowError,
  ImportInvalid,
  type ExchangeService,
  type ImportSummary,
} from './exchange-service.ts'
import type { ImportRunService } from './import-runs.ts'

export interface ImportCliOptions {
  readonly file: string | undefined
  readonly dryRun?: boolean | undefined
  readonly organisation?: string | undefined
  /** Past periods' values come in approved, for this reason (history). */
  readonly history?: string | undefined
}

export function summaryLines(summary: ImportSummary): string[] {
  const [create, update] = summary.dryRun ? ['to create', 'to update'] : ['created', 'updated']
  const lines = IMPORT_SHEETS.map((sheet) => {
    const c = summary.counts[sheet]
    return `${sheet}: ${c.created} ${create}, ${c.updated} ${update}, ${c.unchanged} unchanged`
  })
  lines.push(
    summary.total === 0
      ? '0 changes'
      : `${plural(summary.total, 'change', 'changes')}${summary.dryRun ? ' (dry run: nothing was written)' : ''}`,
  )
  return lines
}

/**
 * `golden-thread import FILE [--dry-run] [--history REASON]`: the summary on stdout, or every
 * row error on stderr. The import is kept in the council's import history as the page's and the
 * API's are, by "Command line" (no person), as the audit records it.
 */
export async function importCommand(
  db: Kysely<DB>,
  exchange: ExchangeService,
  runs: Pick<ImportRunService, 'runNow'>,
  options: ImportCliOptions,
): Promise<number> {
  if (!options.file) throw new Invalid('Give the file to import, like measures.xlsx')
  const organisation = await resolveOrganisation(db, options.organisation)
  const principal: Principal = {
    personId: COMMAND_LINE_PERSON_ID,
    organisationId: organisation.id,
    organisationName: organisation.name,
    organisationSlug: organisation.slug,
    name: 'Command line',
    email: '',
    roles: [{ role: 'administrator', unitId: null }],
  }
  let file: Buffer
  try {
    file = await readFile(options.file)
  } catch (error) {
    throw new Invalid(`Cannot read ${options.file}: ${(error as Error).message}`)
  }
  try {
    const fileName = basename(options.file)
    // A blank reason is a field error here, as it always was (the history takes it as none).
    if (options.history !== undefined) {
      exchange.checkHistory(principal, {
        dryRun: options.dryRun ?? false,
        history: { reason: options.history, source: fileName },
      })
    }
    const summary = await runs.runNow(principal, file, {
      dryRun: options.dryRun ?? false,
      fileName,
      historyReason: options.history,
    })
    for (const line of summaryLines(summary)) console.log(line)
    return 0
  } catch (error) {
    if (!(error instanceof ImportInvalid)) throw error
    console.error(
      `Nothing was imported: ${options.file} has ${plural(error.rows.length, 'problem', 'problems')}`,
    )
    for (const row of error.rows) console.error(describeRowError(row))
    return 1
  }
}
