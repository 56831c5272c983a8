import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { IdParams, PageQuerySchema } from '../../web/api-helpers.ts'
import {
  acceptUploads,
  checkBeforeReading,
  exportFilename,
  uploadedFile,
  uploadedFileName,
  XLSX,
} from './exchange-routes.ts'
import { Mapping } from './exchange-mapping.ts'
import { ImportInvalid, problemsMessage } from './exchange-service.ts'
import { BACKGROUND_BYTES, type ImportRunView } from './import-runs.ts'

/** An import run as the API shows it; `links.self` is where to follow it. */
export function runJson(run: ImportRunView) {
  const { summary, ...rest } = run
  return {
    ...rest,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    summary: summary && {
      dryRun: summary.dryRun,
      counts: summary.counts,
      total: summary.total,
      changes: summary.changes,
    },
    links: { self: `/api/v1/imports/${run.id}` },
  }
}

const tags = ['Import and export']

export const exchangeApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  await acceptUploads(app)
  const { exchange, importRuns } = services

  app.get(
    '/exports/workbook',
    {
      schema: {
        tags,
        summary:
          'Everything you may see as one .xlsx workbook: Measures, Targets, Values, Risks, Savings, Projects, Milestones, Updates, Plans, Plan items, Links, Line managers and Objectives (the last two for the performance team over the whole council), all in the import layout, so it can be edited and imported again',
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request)
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="${exportFilename(principal)}"`)
        .send(await exchange.exportFile(principal))
    },
  )

  app.post(
    '/imports/analysis',
    {
      ...checkBeforeReading(services),
      schema: {
        tags,
        summary:
          'A council\'s own file (any CSV or .xlsx, first sheet) in a multipart "file" field: its headings, the first rows, a suggested column mapping (long or wide), and the questions that must be answered before it is imported (never guessed). Nothing is written.',
      },
    },
    async (request) => {
      const principal = requirePrincipal(request)
      const file = uploadedFile(request.body)
      if (!file) throw Invalid.field('file', 'Send the file in a multipart "file" field')
      return exchange.analyseFile(principal, file)
    },
  )

  app.post(
    '/imports/mapped',
    {
      ...checkBeforeReading(services),
      schema: {
        tags,
        summary:
          'Imports a council\'s own file through a column mapping: the multipart body has the file in "file" and the mapping (as /imports/analysis suggests it, with the answers) as JSON in "mapping". New codes become measures; targets and values follow, checked like any import. dryRun and historyReason as for /imports.',
        querystring: z.object({
          dryRun: z.enum(['true', 'false']).default('false'),
          historyReason: z.string().max(2000).optional(),
          fileName: z.string().max(300).optional(),
        }),
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request)
      const file = uploadedFile(request.body)
      if (!file) throw Invalid.field('file', 'Send the file in a multipart "file" field')
      const text = ((request.body ?? {}) as Record<string, unknown>).mapping
      let json: unknown
      try {
        json = JSON.parse(typeof text === 'string' ? text : '')
      } catch {
        throw Invalid.field('mapping', 'Send the mapping as JSON in a "mapping" field')
      }
      const parsed = Mapping.safeParse(json)
      if (!parsed.success) {
        throw new Invalid(
          parsed.error.issues.map((i) => ({
            field: ['mapping', ...i.path.map(String)].join('.'),
            message: i.message,
          })),
        )
      }
      const { historyReason } = request.query
      try {
        return await services.mappedImports.importSent(
          principal,
          file,
          uploadedFileName(request, request.query.fileName),
          parsed.data,
          { dryRun: request.query.dryRun === 'true', historyReason },
        )
      } catch (error) {
        if (!(error instanceof ImportInvalid)) throw error
        return reply.code(400).send({
          error: {
            id: error.id,
            message: problemsMessage(error),
            details: error.rows,
            total: error.total,
          },
        })
      }
    },
  )

  app.post(
    '/imports',
    {
      ...checkBeforeReading(services),
      schema: {
        tags,
        summary: `Import measures, targets, values, risks, savings, projects, milestones, monthly updates, plans, plan items, links, line managers and objectives (or a Pentana action export): a multipart/form-data body with the .xlsx or .csv file in the "file" field. All or nothing; dryRun=true checks without writing; historyReason (administrators and performance officers) brings the values of periods that have ended in as approved history, audited with fileName and the reason. Refused (403) before the file is read for those who may import nothing; 413 for a file over the limits (10 MB, 200,000 rows, 1,000,000 cells); 409 while another import of the organisation runs; row problems (400) list the first 100 with the total. A file of ${BACKGROUND_BYTES / 1024} KB or more, or any file sent with "Prefer: respond-async" (or background=true), is imported in the background: the answer is 202 with the import (as GET /imports/{id} shows it) and its address in Location; follow it there until its status is succeeded or failed. Otherwise the answer is the summary, with importId naming the import in the history.`,
        querystring: z.object({
          dryRun: z.enum(['true', 'false']).default('false'),
          /**
           * Why the file's past periods come in as approved history (administrators and
           * performance officers); without it every value goes for sign-off.
           */
          historyReason: z.string().max(2000).optional(),
          /** The file's name, for the audit record of history. */
          fileName: z.string().max(300).optional(),
          /** Import in the background whatever the file's size (as Prefer: respond-async). */
          background: z.enum(['true', 'false']).optional(),
        }),
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request)
      const file = uploadedFile(request.body)
      if (!file) throw Invalid.field('file', 'Send the file in a multipart "file" field')
      const { historyReason, fileName } = request.query
      const options = {
        dryRun: request.query.dryRun === 'true',
        fileName: uploadedFileName(request, fileName),
        historyReason,
      }
      const asked =
        request.query.background === 'true' ||
        /\brespond-async\b/i.test(String(request.headers.prefer ?? ''))
      try {
        if (request.query.background !== 'false' && (asked || importRuns.inBackground(file))) {
          const run = await importRuns.submit(principal, file, options)
          return await reply
            .code(202)
            .header('location', `/api/v1/imports/${run.id}`)
            .header('preference-applied', 'respond-async')
            .send(runJson(run))
        }
        const { runId, ...summary } = await importRuns.runNow(principal, file, options)
        return { ...summary, importId: runId }
      } catch (error) {
        if (!(error instanceof ImportInvalid)) throw error
        return reply.code(400).send({
          error: {
            id: error.id,
            message: problemsMessage(error),
            details: error.rows,
            total: error.total,
          },
        })
      }
    },
  )

  app.get(
    '/imports',
    {
      schema: {
        tags,
        summary:
          'The organisation’s imports, newest first (the performance team sees everyone’s, others their own): who sent which file (name and SHA-256) when, whether a dry run, its status and what it changed or why nothing was imported.',
        querystring: PageQuerySchema,
      },
    },
    async (request) => {
      const { page, pageSize } = request.query
      const { items, total } = await importRuns.list(requirePrincipal(request), {
        page,
        pageSize,
      })
      return { items: items.map(runJson), page, pageSize, total }
    },
  )

  app.get(
    '/imports/:id',
    {
      schema: {
        tags,
        summary:
          'One import: status (queued, running, succeeded, failed), progress (rows read, checked and written), and once over its summary (counts and the first 1,000 changes) or its error (row problems in details, the first 100, with their total). Kept afterwards.',
        params: IdParams,
      },
    },
    async (request) => runJson(await importRuns.get(requirePrincipal(request), request.params.id)),
  )
}
