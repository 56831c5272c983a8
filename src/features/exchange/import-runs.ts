// Imports in the background (docs/exchange.md, "Large files"): an upload is kept as a run and
// processed after the request has answered; the person follows its progress and finds its
// result afterwards in the council's import history. The run's result is written in the
// import's own transaction, so a run either committed its rows and says so, or wrote nothing;
// a run a restart cut short is shown as failed when the service starts again.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { AppError, Conflict, Invalid, NotFound } from '../../errors.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import { canDefineAnyMeasure } from '../measures/index.ts'
import type { ImportSheet } from './exchange-columns.ts'
import type { ParsedFile, RowError } from './exchange-reader.ts'
import {
  ImportInvalid,
  problemsMessage,
  type ExchangeService,
  type ImportChange,
  type ImportProgress,
  type ImportSummary,
} from './exchange-service.ts'

/** Files this size or larger are imported in the background, whoever sends them. */
export const BACKGROUND_BYTES = 256 * 1024

/** How many of a run's changes its kept result lists. */
const CHANGES_KEPT = 1000

/** How long a dry run's file is kept so that it can be imported without a second upload. */
const KEEP_FILE_HOURS = 6

/** A run still queued or running after this long is taken to have died with its process. */
const STALE_MINUTES = 15

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed'

/** What a run left behind: what changed (or would), or why nothing was imported. */
interface RunResult {
  readonly summary?: {
    readonly counts: Record<ImportSheet, { created: number; updated: number; unchanged: number }>
    readonly total: number
    readonly changes: readonly ImportChange[]
  }
  readonly error?: {
    readonly id: string
    readonly message: string
    readonly details?: readonly RowError[]
    readonly total?: number
  }
}

/** One import as its page and the API show it. */
export interface ImportRunView {
  readonly id: string
  readonly status: RunStatus
  readonly dryRun: boolean
  readonly fileName: string
  readonly sha256: string
  readonly sizeBytes: number
  readonly by: { readonly id: string | null; readonly name: string }
  readonly historyReason: string | null
  readonly createdAt: Date
  readonly startedAt: Date | null
  readonly finishedAt: Date | null
  readonly progress: ImportProgress
  /** Every change (for a dry run, that would be made); the first 1,000 are listed. */
  readonly summary: (ImportSummary & { readonly listed: number }) | null
  readonly error: RunResult['error'] | null
  /** A dry run with changes whose file is still kept: it can be imported as it is. */
  readonly canConfirm: boolean
}

export interface SubmitOptions {
  readonly dryRun: boolean
  readonly fileName: string
  readonly historyReason?: string | undefined
}

export interface ImportRunDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly exchange: ExchangeService
  /** Told of a run that failed for a reason of the service's own, not of the file. */
  readonly onError?: ((error: unknown) => void) | undefined
}

export type ImportRunService = ReturnType<typeof createImportRunService>

export function createImportRunService({ db, clock, exchange, onError }: ImportRunDeps) {
  /** Progress of the runs this process is working on, by id. */
  const live = new Map<string, ImportProgress>()
  /** The work of each run this process started, until it is over (for shutdown and tests). */
  const working = new Map<string, Promise<void>>()

  /** Whether a file this size goes to the background even if the sender did not ask. */
  function inBackground(file: Uint8Array): boolean {
    return file.length >= BACKGROUND_BYTES
  }

  /**
   * Accepts a file for import in the background: who may import and the history's reason are
   * checked now (403, 400), and another of the council's imports still running is refused (409);
   * the rows are read and checked by the run, after this answers.
   */
  async function submit(
    principal: Principal,
    file: Buffer,
    options: SubmitOptions,
  ): Promise<ImportRunView> {
    const { id, outcome } = await begin(principal, file, options, true)
    // The outcome is kept in the run; whoever asked has been answered already.
    outcome.catch(() => undefined)
    return get(principal, id)
  }

  /**
   * Imports a small file while the request waits, answering as the import itself does (its
   * summary, or the error that stopped it); the run is kept in the history all the same.
   */
  async function runNow(
    principal: Principal,
    file: Buffer,
    options: SubmitOptions,
  ): Promise<ImportSummary & { runId: string }> {
    const { id, outcome } = await begin(principal, file, options, false)
    return { ...(await outcome), runId: id }
  }

  async function begin(
    principal: Principal,
    file: Buffer,
    options: SubmitOptions,
    keepFile: boolean,
  ): Promise<{ id: string; outcome: Promise<ImportSummary> }> {
    await exchange.checkMayImport(principal)
    const history =
      options.historyReason !== undefined && options.historyReason.trim() !== ''
        ? { reason: options.historyReason, source: options.fileName }
        : undefined
    exchange.checkHistory(principal, { dryRun: options.dryRun, history })
    if (file.length === 0) throw Invalid.field('file', 'The selected file is empty')
    // Read now, so a file over the limits (413) or not in our layout (400) is refused at once.
    const parsed = await exchange.readFile(file)
    const now = clock()
    const id = await db.transaction().execute(async (trx) => {
      // Files of finished runs are not kept past their time, whoever's they were.
      await trx
        .updateTable('import_runs')
        .set({ content: null })
        .where('content', 'is not', null)
        .where('finished_at', '<', new Date(now.getTime() - KEEP_FILE_HOURS * 3600_000))
        .execute()
      const busy = await trx
        .selectFrom('import_runs')
        .select('id')
        .where('organisation_id', '=', principal.organisationId)
        .where('status', 'in', ['queued', 'running'])
        .where('created_at', '>', new Date(now.getTime() - STALE_MINUTES * 60_000))
        .executeTakeFirst()
      if (busy) {
        throw new Conflict(
          'Another import for your organisation is running: try again when it has finished',
        )
      }
      const row = await trx
        .insertInto('import_runs')
        .values({
          organisation_id: principal.organisationId,
          person_id: recordedPersonId(principal),
          person_name: principal.name,
          file_name: options.fileName.trim().slice(0, 300) || 'a file with no name',
          sha256: createHash('sha256').update(file).digest('hex'),
          size_bytes: file.length,
          dry_run: options.dryRun,
          history_reason: history?.reason.trim() ?? null,
          status: 'queued',
          content: keepFile ? file.toString('base64') : null,
          result: null,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    })
    return { id, outcome: start(id, principal, file, parsed, { ...options, history }) }
  }

  /** Imports for real the file of the person's own dry run, kept since, without a new upload. */
  async function confirm(principal: Principal, id: string): Promise<ImportRunView> {
    const row = await own(principal, id)
    if (!row.dry_run || row.status !== 'succeeded' || row.content === null) {
      throw new Conflict(
        'That check’s file is no longer kept, or it had problems: upload the file again',
      )
    }
    const run = await submit(principal, Buffer.from(row.content, 'base64'), {
      dryRun: false,
      fileName: row.file_name,
      historyReason: row.history_reason ?? undefined,
    })
    // The checked file has served: it is imported (or being) under the new run.
    await db.updateTable('import_runs').set({ content: null }).where('id', '=', id).execute()
    return run
  }

  function start(
    id: string,
    principal: Principal,
    file: Buffer,
    parsed: ParsedFile,
    options: SubmitOptions & { history: { reason: string; source: string } | undefined },
  ): Promise<ImportSummary> {
    const progress: ImportProgress = { stage: 'reading', read: 0, checked: 0, written: 0 }
    live.set(id, progress)
    const work = (async (): Promise<ImportSummary> => {
      // Let the request that submitted the run answer before the work starts.
      await new Promise<void>((resolve) => setImmediate(resolve))
      await db
        .updateTable('import_runs')
        .set({ status: 'running', started_at: clock() })
        .where('id', '=', id)
        .execute()
      const finish = async (trx: Kysely<DB>, status: RunStatus, result: RunResult) => {
        await trx
          .updateTable('import_runs')
          .set({
            status,
            result: JSON.stringify(result),
            rows_read: progress.read,
            rows_checked: progress.checked,
            rows_written: progress.written,
            finished_at: clock(),
            // A dry run's file is kept so that it can be imported as it is; nothing else's.
            ...(!(options.dryRun && status === 'succeeded') && { content: null }),
          })
          .where('id', '=', id)
          .execute()
      }
      try {
        const summary = await exchange.importFile(principal, file, {
          dryRun: options.dryRun,
          fileName: options.fileName,
          history: options.history,
          parsed,
          progress,
          // A real run's result commits with its rows: a restart can never find them written
          // and the run not finished, or the other way round.
          beforeCommit: async (trx, written) => {
            progress.written = written.total
            progress.stage = 'done'
            await finish(trx, 'succeeded', { summary: kept(written) })
          },
        })
        if (options.dryRun) {
          progress.stage = 'done'
          await finish(db, 'succeeded', { summary: kept(summary) })
        }
        return summary
      } catch (error) {
        progress.stage = 'done'
        progress.written = 0
        try {
          await finish(db, 'failed', { error: failure(error) })
        } catch (recording) {
          onError?.(recording)
        }
        if (!(error instanceof AppError)) onError?.(error)
        throw error
      } finally {
        live.delete(id)
        working.delete(id)
      }
    })()
    working.set(
      id,
      work.then(
        () => undefined,
        () => undefined,
      ),
    )
    return work
  }

  /** A run of the person's own, or (for the performance team) anyone's in the council. */
  async function own(principal: Principal, id: string) {
    if (!UUID.test(id)) throw new NotFound('No import has that reference')
    const row = await db
      .selectFrom('import_runs')
      .selectAll()
      .where('id', '=', id)
      .where('organisation_id', '=', principal.organisationId)
      .executeTakeFirst()
    if (!row || !mayView(principal, row.person_id)) {
      throw new NotFound('No import has that reference')
    }
    return row
  }

  function mayView(principal: Principal, personId: string | null): boolean {
    return canDefineAnyMeasure(principal) || personId === recordedPersonId(principal)
  }

  async function get(principal: Principal, id: string): Promise<ImportRunView> {
    await exchange.checkMayImport(principal)
    return viewOf(principal, await own(principal, id))
  }

  /** The council's imports, newest first: the performance team sees everyone's, others their own. */
  async function list(
    principal: Principal,
    { page, pageSize }: { page: number; pageSize: number },
  ): Promise<{ items: ImportRunView[]; total: number }> {
    await exchange.checkMayImport(principal)
    let query = db.selectFrom('import_runs').where('organisation_id', '=', principal.organisationId)
    if (!canDefineAnyMeasure(principal)) {
      const me = recordedPersonId(principal)
      query = me === null ? query.where('person_id', 'is', null) : query.where('person_id', '=', me)
    }
    const [rows, count] = await Promise.all([
      query
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ])
    return { items: rows.map((r) => viewOf(principal, r)), total: count.n }
  }

  type RunRow = Awaited<ReturnType<typeof own>>

  function viewOf(principal: Principal, row: RunRow): ImportRunView {
    const result = (row.result ?? {}) as RunResult
    const progress = live.get(row.id) ?? {
      stage: row.status === 'queued' ? 'reading' : row.status === 'running' ? 'checking' : 'done',
      read: row.rows_read,
      checked: row.rows_checked,
      written: row.rows_written,
    }
    return {
      id: row.id,
      status: row.status,
      dryRun: row.dry_run,
      fileName: row.file_name,
      sha256: row.sha256,
      sizeBytes: row.size_bytes,
      by: { id: row.person_id, name: row.person_name },
      historyReason: row.history_reason,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      progress: { ...progress },
      summary: result.summary
        ? {
            dryRun: row.dry_run,
            counts: result.summary.counts,
            total: result.summary.total,
            changes: result.summary.changes,
            listed: result.summary.changes.length,
          }
        : null,
      error: result.error ?? null,
      canConfirm:
        row.dry_run &&
        row.status === 'succeeded' &&
        row.content !== null &&
        (result.summary?.total ?? 0) > 0 &&
        row.person_id === recordedPersonId(principal),
    }
  }

  /**
   * At start: runs left queued or running by a process that stopped are shown as failed. Their
   * rows were never written (a run's rows and its result commit together), so nothing is undone.
   */
  async function recoverInterrupted(): Promise<number> {
    const rows = await db
      .updateTable('import_runs')
      .set({
        status: 'failed',
        content: null,
        finished_at: clock(),
        result: JSON.stringify({
          error: {
            id: 'import_interrupted',
            message:
              'The import was interrupted (the service restarted) before it finished, so nothing was imported: import the file again',
          },
        } satisfies RunResult),
      })
      .where('status', 'in', ['queued', 'running'])
      .where('id', 'not in', [...live.keys(), '00000000-0000-0000-0000-000000000000'])
      .returning('id')
      .execute()
    return rows.length
  }

  /** Resolves once the run (if this process is working on it) is over. */
  async function settled(id: string): Promise<void> {
    await working.get(id)
  }

  /** Resolves once every run this process started is over (for a graceful shutdown). */
  async function idle(): Promise<void> {
    await Promise.all(working.values())
  }

  return { inBackground, submit, runNow, confirm, get, list, recoverInterrupted, settled, idle }
}

/** The summary as the run keeps it: the counts, and the first changes. */
function kept(summary: ImportSummary): NonNullable<RunResult['summary']> {
  return {
    counts: summary.counts,
    total: summary.total,
    changes: summary.changes.slice(0, CHANGES_KEPT),
  }
}

/** Why nothing was imported, as the API would have answered it. */
function failure(error: unknown): NonNullable<RunResult['error']> {
  if (error instanceof ImportInvalid) {
    return {
      id: error.id,
      message: problemsMessage(error),
      details: error.rows,
      total: error.total,
    }
  }
  if (error instanceof Invalid) {
    return { id: error.id, message: error.fields.map((f) => f.message).join('; ') }
  }
  if (error instanceof AppError) return { id: error.id, message: error.message }
  return {
    id: 'import_failed',
    message: 'The import failed for a reason of the service’s own, so nothing was imported',
  }
}
