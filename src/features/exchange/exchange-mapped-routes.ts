// The page for importing a council's own file: upload, map its columns and answer the
// questions, check (a dry run), import, and the migration report. The file is kept on the
// server between the steps (exchange-mapped-service); the form only ever names it by its id.
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { formErrors } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import { POLARITIES } from '../../core/status.ts'
import {
  MEASURE_UNITS,
  POLARITY_NAMES,
  UNIT_NAMES,
  canDefineAnyMeasure,
} from '../measures/index.ts'
import { COLUMNS, IMPORT_SHEETS } from './exchange-columns.ts'
import { mappingFromForm, type MappedAnalysis, type Upload } from './exchange-mapped-service.ts'
import {
  OTHER_SHEETS,
  ROLE_NAMES,
  ROLES,
  suggestFields,
  type Mapping,
  type OtherSheet,
} from './exchange-mapping.ts'
import { ImportTooLarge } from './exchange-reader.ts'
import {
  acceptUploads,
  checkBeforeReading,
  uploadedFile,
  uploadedFileName,
} from './exchange-routes.ts'
import { ImportInvalid, type ImportSummary } from './exchange-service.ts'

const hide = { schema: { hide: true } }

function text(body: unknown, name: string): string {
  const v = ((body ?? {}) as Record<string, unknown>)[name]
  return typeof v === 'string' ? v.trim() : ''
}

/** What a council's own file may hold, as the mapping page offers it. */
const KINDS: readonly { value: OtherSheet | 'measures'; text: string }[] = [
  { value: 'measures', text: 'Measures and their figures' },
  { value: 'Projects', text: 'Programmes, projects and actions' },
  { value: 'Milestones', text: 'Milestones of projects' },
  { value: 'Plan items', text: 'Plan items (priorities, outcomes and objectives)' },
]

function countRows(summary: ImportSummary, sheet?: OtherSheet) {
  const shown = sheet ? [sheet] : ['Measures', 'Targets', 'Values']
  return IMPORT_SHEETS.filter((s) => shown.includes(s)).map((sheet) => [
    { text: sheet },
    { text: String(summary.counts[sheet].created), format: 'numeric' },
    { text: String(summary.counts[sheet].updated), format: 'numeric' },
    { text: String(summary.counts[sheet].unchanged), format: 'numeric' },
  ])
}

/** The mapping as hidden fields, so the confirm form sends exactly what was checked. */
function hiddenFields(headings: readonly string[], mapping: Mapping, historyReason: string) {
  const fields: { name: string; value: string }[] = headings.flatMap((h, i) =>
    h === ''
      ? []
      : [
          {
            name: `column_${i}`,
            value: (mapping.sheet ? mapping.fields?.[h] : mapping.columns[h]) ?? 'ignore',
          },
        ],
  )
  fields.push({ name: 'layout', value: mapping.layout })
  if (mapping.sheet) fields.push({ name: 'sheet', value: mapping.sheet })
  if (mapping.only) {
    fields.push({ name: 'onlyColumn', value: mapping.only.column })
    fields.push({ name: 'onlyValue', value: mapping.only.value })
  }
  if (mapping.unit) fields.push({ name: 'unit', value: mapping.unit })
  if (mapping.polarity) fields.push({ name: 'polarity', value: mapping.polarity })
  if (mapping.fractionsArePercentages)
    fields.push({ name: 'fractionsArePercentages', value: 'yes' })
  if (historyReason !== '') fields.push({ name: 'historyReason', value: historyReason })
  return fields
}

export const mappedImportRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  await acceptUploads(app)
  const { mappedImports } = services

  function uploadPage(reply: FastifyReply, extra: Record<string, unknown> = {}) {
    return reply.view('exchange/views/exchange-mapped-upload.njk', {
      title: 'Import a council’s own file',
      ...extra,
    })
  }

  function mappingPage(
    reply: FastifyReply,
    principal: Principal,
    upload: Upload,
    analysis: MappedAnalysis,
    mapping: Mapping,
    extra: Record<string, unknown> = {},
  ) {
    const cell = (v: string | number | boolean | null | undefined) => ({
      text: v === null || v === undefined ? '' : String(v),
    })
    const sheet = mapping.sheet
    const itemsFor = (h: string) =>
      sheet
        ? [
            {
              value: 'ignore',
              text: 'Not imported',
              selected: (mapping.fields?.[h] ?? 'ignore') === 'ignore',
            },
            ...COLUMNS[sheet].map((c) => ({
              value: c.field,
              text: c.heading,
              selected: mapping.fields?.[h] === c.field,
            })),
          ]
        : ROLES.map((r) => ({
            value: r,
            text: ROLE_NAMES[r],
            selected: mapping.columns[h] === r,
          }))
    return reply.view('exchange/views/exchange-mapped.njk', {
      title: 'Map the file’s columns',
      upload,
      analysis,
      canImportHistory: canDefineAnyMeasure(principal),
      sampleHead: analysis.headings.map((h) => ({ text: h })),
      sampleRows: analysis.sample.map((row) => analysis.headings.map((_, i) => cell(row[i]))),
      columnFields: analysis.headings.flatMap((h, i) =>
        h === ''
          ? []
          : [
              {
                id: `column_${i}`,
                heading: h,
                example: analysis.sample.map((r) => r[i]).find((v) => v !== null && v !== '') ?? '',
                items: itemsFor(h),
              },
            ],
      ),
      layoutItems: [
        {
          value: 'long',
          text: 'One row per measure and period',
          hint: { text: 'A Period column says which period each row’s value is for' },
          checked: mapping.layout === 'long',
        },
        {
          value: 'wide',
          text: 'One row per measure, a column per period',
          hint: { text: 'Headings like “2024/25 Q1” or “Apr-24” hold each period’s value' },
          checked: mapping.layout === 'wide',
        },
      ],
      onlyItems: [
        { value: '', text: 'Every row is ours', selected: !mapping.only },
        ...analysis.headings
          .filter((h) => h !== '')
          .map((h) => ({ value: h, text: h, selected: mapping.only?.column === h })),
      ],
      unitItems: [
        { value: '', text: 'The file’s Unit column says', selected: !mapping.unit },
        ...MEASURE_UNITS.map((u) => ({
          value: u,
          text: UNIT_NAMES[u],
          selected: mapping.unit === u,
        })),
      ],
      polarityItems: [
        { value: '', text: 'The file’s Polarity column says', selected: !mapping.polarity },
        ...POLARITIES.map((p) => ({
          value: p,
          text: POLARITY_NAMES[p],
          selected: mapping.polarity === p,
        })),
      ],
      mapping,
      kinds: KINDS.map((k) => ({
        ...k,
        href: `/exchange/mapped/${upload.id}?kind=${encodeURIComponent(k.value)}`,
        current: (sheet ?? 'measures') === k.value,
      })),
      ...extra,
    })
  }

  /** The mapping page again, 400, with what is wrong: fields, or the file's rows and columns. */
  function problems(
    reply: FastifyReply,
    principal: Principal,
    upload: Upload,
    analysis: MappedAnalysis,
    mapping: Mapping,
    error: Invalid,
    historyReason: string,
  ) {
    const rows = error instanceof ImportInvalid ? error.rows : []
    const { errors, fieldErrors } = formErrors(error)
    return mappingPage(reply.code(400), principal, upload, analysis, mapping, {
      errors:
        rows.length > 0
          ? rows.slice(0, 20).map((r) => ({
              text: `Row ${r.row}${r.column ? `, column ${r.column}` : ''}: ${r.message}`,
              href: '#row-errors',
            }))
          : errors,
      fieldErrors,
      historyReason,
      rowErrors: rows,
      rowErrorTotal: error instanceof ImportInvalid ? error.total : rows.length,
      rowErrorRows: rows.map((r) => [
        { text: String(r.row), format: 'numeric' },
        { text: r.column },
        { text: r.message },
      ]),
    })
  }

  app.get('/exchange/mapped', hide, async (request, reply) => {
    await services.exchange.checkMayImport(requirePrincipal(request))
    return uploadPage(reply)
  })

  app.post(
    '/exchange/mapped',
    { ...hide, ...checkBeforeReading(services) },
    async (request, reply) => {
      const principal = requirePrincipal(request)
      const file = uploadedFile(request.body)
      try {
        if (!file) throw Invalid.field('file', 'Select a file to import')
        const id = await mappedImports.stage(
          principal,
          file,
          uploadedFileName(request) || 'the uploaded file',
        )
        return await reply.redirect(`/exchange/mapped/${id}`, 303)
      } catch (error) {
        if (error instanceof Invalid || error instanceof ImportTooLarge) {
          const invalid = error instanceof Invalid ? error : Invalid.field('file', error.message)
          return uploadPage(reply.code(error instanceof Invalid ? 400 : 413), {
            ...formErrors(invalid),
          })
        }
        throw error
      }
    },
  )

  app.get('/exchange/mapped/:uploadId', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { uploadId } = request.params as { uploadId: string }
    const upload = await mappedImports.load(principal, uploadId)
    const analysis = await mappedImports.analysis(principal, upload)
    // The kind of file chosen by its link; else what the remembered mapping (or nothing) says.
    const asked = (request.query as { kind?: string }).kind
    const kind = OTHER_SHEETS.find((k) => k === asked)
    let mapping = analysis.offered
    if (kind && mapping.sheet !== kind) {
      mapping = {
        columns: analysis.suggested.columns,
        layout: 'long',
        sheet: kind,
        fields: suggestFields(analysis.headings, kind),
      }
    } else if (asked === 'measures' && mapping.sheet) mapping = analysis.suggested
    return mappingPage(reply, principal, upload, analysis, mapping)
  })

  /** The upload, its analysis and the mapping the form sent, or the page with its errors. */
  async function read(principal: Principal, uploadId: string, body: unknown) {
    const upload = await mappedImports.load(principal, uploadId)
    const analysis = await mappedImports.analysis(principal, upload)
    const historyReason = text(body, 'historyReason')
    try {
      const mapping = mappingFromForm(analysis.headings, (body ?? {}) as Record<string, unknown>)
      return { upload, analysis, historyReason, mapping, error: null }
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      return { upload, analysis, historyReason, mapping: analysis.offered, error }
    }
  }

  app.post('/exchange/mapped/:uploadId/preview', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { uploadId } = request.params as { uploadId: string }
    const { upload, analysis, historyReason, mapping, error } = await read(
      principal,
      uploadId,
      request.body,
    )
    if (error) return problems(reply, principal, upload, analysis, mapping, error, historyReason)
    let summary: ImportSummary
    try {
      summary = await mappedImports.preview(principal, upload, mapping, historyReason)
    } catch (e) {
      if (e instanceof Invalid) {
        return problems(reply, principal, upload, analysis, mapping, e, historyReason)
      }
      throw e
    }
    return reply.view('exchange/views/exchange-mapped-preview.njk', {
      title: 'Check the import',
      upload,
      summary,
      historyReason,
      hidden: hiddenFields(analysis.headings, mapping, historyReason),
      countRows: countRows(summary, mapping.sheet),
      changeRows: summary.changes
        .slice(0, 1000)
        .map((c) => [
          { text: c.sheet },
          { text: String(c.row), format: 'numeric' },
          { text: c.action === 'create' ? 'New' : 'Change' },
          { text: c.item },
          { text: c.detail },
        ]),
    })
  })

  app.post('/exchange/mapped/:uploadId/import', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { uploadId } = request.params as { uploadId: string }
    const { upload, analysis, historyReason, mapping, error } = await read(
      principal,
      uploadId,
      request.body,
    )
    if (error) return problems(reply, principal, upload, analysis, mapping, error, historyReason)
    try {
      const report = await mappedImports.importUpload(principal, upload, mapping, historyReason)
      return await reply.view('exchange/views/exchange-mapped-result.njk', {
        title: 'File imported',
        report,
        countRows: countRows(report.summary, mapping.sheet),
      })
    } catch (e) {
      if (e instanceof Invalid) {
        return problems(reply, principal, upload, analysis, mapping, e, historyReason)
      }
      throw e
    }
  })
}
