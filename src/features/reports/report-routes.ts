import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { Forbidden } from '../../errors.ts'
import type { Config } from '../../config.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { formPages } from '../../web/form-page.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { setFlash } from '../auth/index.ts'
import type { Principal } from '../../core/principal.ts'
import { reportHtmlFragment } from './render/index.ts'
import type { Change } from './report-changes.ts'
import { KINDS, REPORT_KINDS } from './report-kinds.ts'
import { canManageReports } from './report-policy.ts'
import { FORMAT_NAMES, FormatQuery, REPORT_FORMATS, ReportInput } from './report-schemas.ts'

const hide = { schema: { hide: true } }
type Body = Record<string, unknown>

const ListQuery = z.object({
  kind: z.enum(REPORT_KINDS).optional().catch(undefined),
  status: z.enum(['draft', 'published']).optional().catch(undefined),
})

/** One line of plain English per change. */
export function describeChange(change: Change): string {
  switch (change.type) {
    case 'row_changed':
      return `${change.row} (${change.table}): ${change.cells.map((c) => `${c.column} was ${c.before}, now ${c.after}`).join('; ')}`
    case 'row_added':
      return `${change.row} is now in “${change.table}”`
    case 'row_removed':
      return `${change.row} is no longer in “${change.table}”`
    case 'table_added':
      return `The report would now have a table “${change.table}”`
    case 'table_removed':
      return `The table “${change.table}” would no longer be in the report`
    case 'text_changed':
      return `The generated text would now read: “${change.after}” (it read “${change.before}”)`
  }
}

export const reportRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const reports = services.reports

  async function formContext(principal: Principal, values: Body) {
    const choices = await reports.choices(principal)
    const selected = (v: unknown, id: string) => v === id
    const focus = Array.isArray(values.focusNodeIds)
      ? values.focusNodeIds
      : values.focusNodeIds
        ? [values.focusNodeIds]
        : []
    return {
      kindItems: REPORT_KINDS.map((k) => ({
        value: k,
        text: KINDS[k].name,
        hint: { text: KINDS[k].description },
        checked: values.kind === k,
      })),
      meetingItems: [
        { value: '', text: 'Not for a meeting' },
        ...choices.meetings.map((m) => ({
          value: m.id,
          text: `${m.committee}, ${new Date(`${m.date}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}`,
          selected: selected(values.meetingId, m.id),
        })),
      ],
      scopeItems: [
        { value: '', text: 'The whole council' },
        ...choices.programmes.map((p) => ({
          value: p.id,
          text: `Programme: ${p.title}`,
          selected: selected(values.scopeId, p.id),
        })),
        ...choices.directorates.map((d) => ({
          value: d.id,
          text: `Directorate: ${d.title}`,
          selected: selected(values.scopeId, d.id),
        })),
        ...choices.nodes.map((n) => ({
          value: n.id,
          text: `${n.plan}: ${n.title}`,
          selected: selected(values.scopeId, n.id),
        })),
      ],
      focusItems: choices.nodes
        .filter((n) => n.top)
        .map((n) => ({
          value: n.id,
          text: `${n.title} (${n.plan})`,
          checked: focus.includes(n.id),
        })),
    }
  }

  app.get('/reports', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const filters = ListQuery.parse(request.query)
    const list = await reports.list(principal, filters)
    return reply.view('reports/views/reports.njk', {
      title: 'Reports',
      reports: list,
      filters,
      canManage: canManageReports(principal),
      kindItems: [
        { value: '', text: 'All kinds' },
        ...REPORT_KINDS.map((k) => ({
          value: k,
          text: KINDS[k].name,
          selected: filters.kind === k,
        })),
      ],
      statusItems: [
        { value: '', text: 'Drafts and published' },
        { value: 'draft', text: 'Drafts', selected: filters.status === 'draft' },
        { value: 'published', text: 'Published', selected: filters.status === 'published' },
      ],
    })
  })

  const formPage = formPages(app)

  formPage({
    path: '/reports/new',
    load: async ({ principal }) => {
      if (!canManageReports(principal)) throw new Forbidden()
    },
    template: 'reports/views/report-form.njk',
    view: async ({ principal }, values) => ({
      title: 'Create a report',
      ...(await formContext(principal, values)),
    }),
    values: ({ request }) => ({
      kind: 'quarterly-performance',
      meetingId: (request.query as Body).meetingId,
    }),
    schema: ReportInput,
    save: ({ principal }, input) => reports.create(principal, input),
    redirect: (_ctx, report) => `/reports/${report.id}`,
  })

  app.get('/reports/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const opened = await reports.open(principal, id)
    return reply.view('reports/views/report.njk', {
      title: opened.report.title,
      ...opened,
      changes: opened.changes?.map(describeChange) ?? null,
      fragment: reportHtmlFragment(opened.document),
      canManage: canManageReports(principal),
      formats: REPORT_FORMATS.map((f) => ({ format: f, name: FORMAT_NAMES[f] })),
    })
  })

  app.get('/reports/:id/download', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    await reports.get(principal, id)
    const { format } = parseInput(FormatQuery, request.query)
    const file = await reports.download(principal, id, format)
    return reply
      .type(file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .send(file.body)
  })

  async function narrativeContext(principal: Principal, id: string) {
    const opened = await reports.open(principal, id)
    if (!canManageReports(principal) || opened.report.status !== 'draft') throw new Forbidden()
    return {
      title: 'Edit the summary text',
      report: opened.report,
      paragraphs: opened.editable.map((p, i) => ({ ...p, field: `edit-${String(i)}` })),
    }
  }

  formPage({
    path: '/reports/:id/narrative',
    params: IdParams,
    load: ({ principal, params }) => narrativeContext(principal, params.id),
    template: 'reports/views/narrative-form.njk',
    view: ({ model: context }) => context,
    values: ({ model: context }) =>
      Object.fromEntries(context.paragraphs.map((p) => [p.field, p.edited ?? p.text])),
    // Each paragraph's field is read below: text left as generated is not stored as an edit, so
    // it follows the data until published.
    schema: z.record(z.string(), z.unknown()),
    save: ({ principal, params, model: context }, _input, body) => {
      const edits = Object.fromEntries(
        context.paragraphs.map((p) => {
          const given = body[p.field]
          const text = typeof given === 'string' ? given.trim() : ''
          return [p.key, text === '' || text === p.text.trim() ? null : text]
        }),
      )
      return reports.saveEdits(principal, params.id, {
        edits,
        version: Number(body.version) || context.report.version,
      })
    },
    redirect: ({ params }) => `/reports/${params.id}`,
  })

  app.get('/reports/:id/publish', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const report = await reports.get(principal, id)
    if (!canManageReports(principal) || report.status !== 'draft') throw new Forbidden()
    return reply.view('reports/views/publish.njk', { title: 'Publish this report', report })
  })

  app.post('/reports/:id/publish', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const published = await reports.publish(principal, id)
    setFlash(reply, `Published ${published.title}`, config)
    return reply.redirect(`/reports/${id}`, 303)
  })
}
