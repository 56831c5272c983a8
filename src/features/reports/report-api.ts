import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { existsFirst } from '../../web/api-guards.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { REPORT_KINDS } from './report-kinds.ts'
import { EditsInput, FormatQuery, ReportInput } from './report-schemas.ts'

const tags = ['Reports']

export const reportApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const reports = services.reports
  // Another organisation's report is 404 whatever the body holds.
  const exists = existsFirst((p, { id }) => reports.get(p, id))

  app.get(
    '/reports',
    {
      schema: {
        tags,
        summary:
          'Reports: drafts for the performance team, published reports for everyone in the council',
        querystring: PageQuerySchema.extend({
          kind: z.enum(REPORT_KINDS).optional(),
          status: z.enum(['draft', 'published']).optional(),
          meetingId: z.uuid().optional(),
        }),
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query
      return paginate(await reports.list(requirePrincipal(request), filters), page, pageSize)
    },
  )

  app.post(
    '/reports',
    {
      schema: {
        tags,
        summary:
          'Create a draft report: kind, period ("2025/26 Q1" or {frequency, start}), and optionally a meeting, what it is about (scopeId: a programme for highlight, a directorate or plan node for report-card, a theme for scrutiny) and focus areas (executive)',
        body: ReportInput,
      },
    },
    async (request, reply) =>
      reply.code(201).send(await reports.create(requirePrincipal(request), request.body)),
  )

  app.get(
    '/reports/:id',
    {
      schema: {
        tags,
        summary:
          'A report with its document (a draft as built now with its edits; a published one as frozen) and, once published, what has changed since',
        params: IdParams,
      },
    },
    async (request) => {
      const opened = await reports.open(requirePrincipal(request), request.params.id)
      return {
        ...opened.report,
        document: opened.document,
        editable: opened.editable,
        changes: opened.changes,
      }
    },
  )

  app.put(
    '/reports/:id/narrative',
    {
      preValidation: exists,
      schema: {
        tags,
        summary:
          'Reword generated paragraphs of a draft, by editable key; null or "" restores the generated text',
        params: IdParams,
        body: EditsInput,
      },
    },
    async (request) =>
      reports.saveEdits(requirePrincipal(request), request.params.id, request.body),
  )

  app.post(
    '/reports/:id/publish',
    {
      preValidation: exists,
      schema: {
        tags,
        summary: 'Publish a draft: freezes its document and stores it in every format',
        params: IdParams,
      },
    },
    async (request) => reports.publish(requirePrincipal(request), request.params.id),
  )

  app.get(
    '/reports/:id/download',
    {
      preValidation: exists,
      schema: {
        tags,
        summary: 'The report as a file: html, docx, pdf, xlsx or csv',
        params: IdParams,
        querystring: FormatQuery,
      },
    },
    async (request, reply) => {
      const file = await reports.download(
        requirePrincipal(request),
        request.params.id,
        request.query.format,
      )
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .send(file.body)
    },
  )
}
