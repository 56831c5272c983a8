import fastifyMultipart from '@fastify/multipart'
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../../config.ts'
import { Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { handleError, isApiRequest } from '../../web/error-pages.ts'
import { formErrors } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { setFlash } from '../auth/index.ts'
import type { Principal } from '../../core/principal.ts'
import { IMPORT_SHEETS } from './exchange-columns.ts'
import { summaryLines } from './exchange-cli.ts'
import { canImport } from './exchange-policy.ts'
import { canDefineAnyMeasure } from '../measures/index.ts'
import { ImportTooLarge } from './exchange-reader.ts'
import { describeRowError, ImportInvalid, type ImportSummary } from './exchange-service.ts'
import { templateWorkbook } from './exchange-workbook.ts'
import { importRunRoutes } from './import-run-routes.ts'

const hide = { schema: { hide: true } }
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
export const UPLOAD_LIMIT = 10 * 1024 * 1024

export function exportFilename(principal: Principal): string {
  return `${principal.organisationSlug}-golden-thread-${new Date().toISOString().slice(0, 10)}.xlsx`
}

/**
 * Multipart bodies for uploads, parsed before the CSRF check so the form's `_csrf` field is
 * read like any other form's. Registered in the exchange's own scope: nowhere else takes files.
 */
/** The name the uploaded file had on the sender's machine, kept by acceptUploads. */
const SENT_NAME = Symbol('uploaded file name')

export async function acceptUploads(app: Parameters<FastifyPluginAsync>[0]) {
  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    async onFile(part) {
      await part.toBuffer()
      ;(this as unknown as Record<symbol, string>)[SENT_NAME] = part.filename
    },
    // The confirm step re-posts the file as base64 text, a third larger than the file.
    limits: {
      fileSize: UPLOAD_LIMIT,
      fieldSize: Math.ceil((UPLOAD_LIMIT * 4) / 3) + 1024,
      files: 1,
      fields: 5,
    },
  })
}

/**
 * Route options for an upload: who may import is settled when the request arrives, before the
 * multipart body is read (that happens in preValidation), so the refused send no file through.
 */
export function checkBeforeReading(services: Services) {
  return {
    onRequest: async (request: FastifyRequest) => {
      await services.exchange.checkMayImport(requirePrincipal(request))
    },
  }
}

/** How many changes the preview lists. */
const CHANGES_LISTED = 1000

/** The reason given for bringing past figures in as history, or '' for none. */
function historyReasonOf(body: unknown): string {
  const value = ((body ?? {}) as Record<string, unknown>).historyReason
  return typeof value === 'string' ? value.trim() : ''
}

/** The uploaded file: the `file` part, or the `content` the preview re-posts as base64. */
/**
 * The uploaded file's name, for the audit and the migration report: the `fileName` given
 * (query or form field) or else the multipart file's own name; only its last part, trimmed.
 */
export function uploadedFileName(request: FastifyRequest, given?: string): string {
  const field = ((request.body ?? {}) as Record<string, unknown>).fileName
  const sent = (request as unknown as Record<symbol, string | undefined>)[SENT_NAME]
  const name = [given, typeof field === 'string' ? field : undefined, sent].find(
    (n) => n !== undefined && n.trim() !== '',
  )
  return (name ?? '').split(/[\\/]/).at(-1)?.trim().slice(0, 300) ?? ''
}

export function uploadedFile(body: unknown): Buffer | null {
  const fields = (body ?? {}) as Record<string, unknown>
  if (Buffer.isBuffer(fields.file) && fields.file.length > 0) return fields.file
  if (typeof fields.content === 'string' && fields.content !== '') {
    return Buffer.from(fields.content, 'base64')
  }
  return null
}

export const exchangeRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  await acceptUploads(app)
  await app.register(importRunRoutes, { services })
  const { exchange, importRuns } = services

  function page(principal: Principal, reply: FastifyReply, extra: Record<string, unknown> = {}) {
    return reply.view('exchange/views/exchange.njk', {
      title: 'Import and export',
      canImport: canImport(principal),
      canImportHistory: canDefineAnyMeasure(principal),
      ...extra,
    })
  }

  function tooLarge(reply: FastifyReply, principal: Principal, error: ImportTooLarge) {
    const { errors, fieldErrors } = formErrors(Invalid.field('file', error.message))
    return page(principal, reply.code(413), { errors, fieldErrors })
  }

  function problems(reply: FastifyReply, principal: Principal, error: Invalid) {
    const rows = error instanceof ImportInvalid ? error.rows : []
    const { errors, fieldErrors } = formErrors(error)
    return page(principal, reply.code(400), {
      // Row errors are listed in the table below the form; the summary links to it.
      errors:
        rows.length > 0
          ? rows.slice(0, 20).map((r) => ({ text: describeRowError(r), href: '#row-errors' }))
          : errors,
      fieldErrors,
      rowErrors: rows,
      rowErrorTotal: error instanceof ImportInvalid ? error.total : rows.length,
      rowErrorRows: rows.map((r) => [
        { text: r.sheet },
        { text: String(r.row), format: 'numeric' },
        { text: r.column },
        { text: r.message },
      ]),
    })
  }

  /**
   * Imports the upload: a large file in the background (the answer is its run's address), a
   * small one while the request waits; either way it is kept in the import history.
   */
  async function run(principal: Principal, request: FastifyRequest, dryRun: boolean) {
    const body = request.body
    const file = uploadedFile(body)
    if (!file) throw Invalid.field('file', 'Select a file to import')
    const reason = historyReasonOf(body)
    const fileName = uploadedFileName(request)
    const options = {
      dryRun,
      fileName: fileName || 'a file uploaded on the import page',
      historyReason: reason === '' ? undefined : reason,
    }
    if (importRuns.inBackground(file)) {
      return { background: (await importRuns.submit(principal, file, options)).id }
    }
    return {
      file,
      fileName,
      historyReason: reason,
      summary: await importRuns.runNow(principal, file, options),
    }
  }

  // A file over the limit is refused while the body is read, before the route runs: say so on
  // the page, against the file field, as the GOV.UK file upload pattern does.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (
      error.code === 'FST_REQ_FILE_TOO_LARGE' &&
      !isApiRequest(request) &&
      request.principal !== null
    ) {
      const { errors, fieldErrors } = formErrors(
        Invalid.field('file', 'The selected file must be smaller than 10 MB'),
      )
      return page(request.principal, reply.code(413), { errors, fieldErrors })
    }
    return handleError(error, request, reply)
  })

  app.get('/exchange', hide, async (request, reply) => page(requirePrincipal(request), reply))

  app.get('/exchange/template.xlsx', hide, async (request, reply) => {
    requirePrincipal(request)
    return reply
      .type(XLSX)
      .header('content-disposition', 'attachment; filename="golden-thread-import-template.xlsx"')
      .send(await templateWorkbook())
  })

  app.get('/exchange/export.xlsx', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    return reply
      .type(XLSX)
      .header('content-disposition', `attachment; filename="${exportFilename(principal)}"`)
      .send(await exchange.exportFile(principal))
  })

  const upload = { ...hide, ...checkBeforeReading(services) }

  app.post('/exchange/preview', upload, async (request, reply) => {
    const principal = requirePrincipal(request)
    let ran: Awaited<ReturnType<typeof run>>
    try {
      ran = await run(principal, request, true)
    } catch (error) {
      if (error instanceof Invalid) return problems(reply, principal, error)
      if (error instanceof ImportTooLarge) return tooLarge(reply, principal, error)
      throw error
    }
    if ('background' in ran) return reply.redirect(`/exchange/imports/${ran.background}`, 303)
    const result = ran
    const { file, fileName, summary, historyReason } = result
    return reply.view('exchange/views/exchange-preview.njk', {
      title: 'Check the import',
      summary,
      historyReason,
      fileName,
      // The file goes back in the confirm form: nothing is kept on the server between steps,
      // and the import checks every row again, so an edited field can do no more than a new upload.
      content: file.toString('base64'),
      countRows: IMPORT_SHEETS.map((sheet) => [
        { text: sheet },
        { text: String(summary.counts[sheet].created), format: 'numeric' },
        { text: String(summary.counts[sheet].updated), format: 'numeric' },
        { text: String(summary.counts[sheet].unchanged), format: 'numeric' },
      ]),
      // A file of years of history may change 100,000 values: the page lists the first few.
      changeRows: summary.changes
        .slice(0, CHANGES_LISTED)
        .map((c) => [
          { text: c.sheet },
          { text: String(c.row), format: 'numeric' },
          { text: c.action === 'create' ? 'New' : 'Change' },
          { text: c.item },
          { text: c.detail },
        ]),
    })
  })

  app.post('/exchange/import', upload, async (request, reply) => {
    const principal = requirePrincipal(request)
    let ran: Awaited<ReturnType<typeof run>>
    try {
      ran = await run(principal, request, false)
    } catch (error) {
      if (error instanceof Invalid) return problems(reply, principal, error)
      if (error instanceof ImportTooLarge) return tooLarge(reply, principal, error)
      throw error
    }
    if ('background' in ran) return reply.redirect(`/exchange/imports/${ran.background}`, 303)
    const summary: ImportSummary = ran.summary
    setFlash(reply, `Imported. ${summaryLines(summary).join('. ')}.`, config)
    return reply.redirect('/exchange', 303)
  })
}
