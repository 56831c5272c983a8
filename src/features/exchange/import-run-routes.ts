import type { FastifyPluginAsync } from 'fastify'
import { formatDateTime, formatNumber } from '../../core/format.ts'
import type { Services } from '../../services.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { IMPORT_SHEETS } from './exchange-columns.ts'
import type { ImportRunView } from './import-runs.ts'

const hide = { schema: { hide: true } }

/** How many imports one page of the history lists. */
const HISTORY_PAGE = 50

const STATUS_TAGS: Record<ImportRunView['status'], { text: string; classes: string }> = {
  queued: { text: 'Waiting', classes: 'govuk-tag--grey' },
  running: { text: 'In progress', classes: 'govuk-tag--blue' },
  succeeded: { text: 'Finished', classes: 'govuk-tag--green' },
  failed: { text: 'Failed', classes: 'govuk-tag--red' },
}

/** What the run is, in a few words: for its page's title and the history. */
function headlineOf(run: ImportRunView): string {
  const what = run.dryRun ? 'Check' : 'Import'
  if (run.status === 'queued' || run.status === 'running') {
    return run.dryRun ? 'Checking your file' : 'Importing your file'
  }
  if (run.status === 'failed') return `${what} failed: nothing was imported`
  return run.dryRun ? 'Check finished: nothing has been saved yet' : 'Import finished'
}

function outcomeOf(run: ImportRunView): string {
  if (run.status === 'queued' || run.status === 'running') return ''
  if (run.error) {
    return run.error.total !== undefined
      ? `${formatNumber(run.error.total)} ${run.error.total === 1 ? 'problem' : 'problems'}`
      : run.error.message
  }
  const total = run.summary?.total ?? 0
  const changes = `${formatNumber(total)} ${total === 1 ? 'change' : 'changes'}`
  return run.dryRun ? `${changes} to make` : `${changes} made`
}

/**
 * The import history and each import's page: its progress while it runs (a Refresh link, and
 * with JavaScript the figures update in place), then its result, kept afterwards.
 */
export const importRunRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const { importRuns } = services

  app.get<{ Querystring: { page?: string } }>('/exchange/imports', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const page = Math.max(1, Math.min(100_000, Number.parseInt(request.query.page ?? '1') || 1))
    const { items, total } = await importRuns.list(principal, { page, pageSize: HISTORY_PAGE })
    return reply.view('exchange/views/import-runs.njk', {
      title: 'Import history',
      total,
      page,
      previous: page > 1 ? page - 1 : null,
      next: page * HISTORY_PAGE < total ? page + 1 : null,
      rows: items.map((run) => [
        {
          html: `<a class="govuk-link" href="/exchange/imports/${run.id}">${escape(formatDateTime(run.createdAt))}</a>`,
        },
        { text: run.fileName },
        { text: run.by.name },
        { text: run.dryRun ? 'Check only' : 'Import' },
        {
          html: `<strong class="govuk-tag ${STATUS_TAGS[run.status].classes}">${STATUS_TAGS[run.status].text}</strong>`,
        },
        { text: outcomeOf(run) },
      ]),
    })
  })

  app.get<{ Params: { id: string } }>('/exchange/imports/:id', hide, async (request, reply) => {
    const run = await importRuns.get(requirePrincipal(request), request.params.id)
    const over = run.status === 'succeeded' || run.status === 'failed'
    return reply.view('exchange/views/import-run.njk', {
      title: headlineOf(run),
      run,
      over,
      status: STATUS_TAGS[run.status],
      stage: {
        reading: 'Reading the file',
        checking: run.dryRun ? 'Checking the rows' : 'Checking and writing the rows',
        saving: 'Saving',
        done: 'Done',
      }[run.progress.stage],
      outcome: outcomeOf(run),
      countRows: run.summary
        ? IMPORT_SHEETS.filter((sheet) => {
            const c = run.summary?.counts[sheet]
            return c !== undefined && c.created + c.updated + c.unchanged > 0
          }).map((sheet) => {
            const c = run.summary?.counts[sheet] ?? { created: 0, updated: 0, unchanged: 0 }
            return [
              { text: sheet },
              { text: formatNumber(c.created), format: 'numeric' },
              { text: formatNumber(c.updated), format: 'numeric' },
              { text: formatNumber(c.unchanged), format: 'numeric' },
            ]
          })
        : [],
      changeRows: (run.summary?.changes ?? []).map((c) => [
        { text: c.sheet },
        { text: String(c.row), format: 'numeric' },
        { text: c.action === 'create' ? 'New' : 'Change' },
        { text: c.item },
        { text: c.detail },
      ]),
      rowErrorRows: (run.error?.details ?? []).map((r) => [
        { text: r.sheet },
        { text: String(r.row), format: 'numeric' },
        { text: r.column },
        { text: r.message },
      ]),
    })
  })

  app.post<{ Params: { id: string } }>(
    '/exchange/imports/:id/confirm',
    hide,
    async (request, reply) => {
      const run = await importRuns.confirm(requirePrincipal(request), request.params.id)
      return reply.redirect(`/exchange/imports/${run.id}`, 303)
    },
  )
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
