import { plural } from '../../core/format.ts'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { z } from 'zod'
import { APPROVAL_WORDS } from '../../core/measure-figure.ts'
import { periodsBetween, shiftPeriod } from '../../core/periods.ts'
import type { Config } from '../../config.ts'
import { Forbidden, Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { formErrors } from '../../web/forms.ts'
import { formPages } from '../../web/form-page.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { setFlash } from '../auth/index.ts'
import type { Principal } from '../../core/principal.ts'
import { formatValue, RAG_NAMES, RAG_SYMBOLS, reportingPeriod } from '../measures/index.ts'
import { ukDate } from '../../core/dates.ts'
import { ValueInput } from './value-schemas.ts'

const hide = { schema: { hide: true } }
const ValueParams = IdParams.extend({ start: z.iso.date() })
const PeriodQuery = z.object({ period: z.string().max(40).optional().catch(undefined) })
type Body = Record<string, unknown>
const names = { ragNames: RAG_NAMES, ragSymbols: RAG_SYMBOLS }

export const valueRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const { measures, values } = services

  async function entryContext(principal: Principal, id: string) {
    const detail = await measures.detail(principal, id)
    if (!detail.canEnter) throw new Forbidden()
    const m = detail.measure
    const last = reportingPeriod(m.frequency, ukDate(new Date()))
    const periods = periodsBetween(shiftPeriod(last, -11), last).reverse()
    const existing = new Map(detail.values.map((v) => [v.period.start, v]))
    return {
      m,
      periodItems: (selected: unknown) => [
        { value: '', text: 'Select a period' },
        ...periods.map((p) => {
          const v = existing.get(p.start)
          return {
            value: p.label,
            text: v ? `${p.label} (${v.status}: ${formatValue(v.value, m)})` : p.label,
            selected: p.label === selected,
          }
        }),
      ],
      existing,
    }
  }

  type Entry = Awaited<ReturnType<typeof entryContext>>
  const currentIn = (entry: Entry, period: unknown) =>
    [...entry.existing.values()].find((v) => v.period.label === period)

  formPages(
    app,
    config,
  )({
    path: '/measures/:id/values/new',
    params: IdParams,
    load: ({ principal, params }) => entryContext(principal, params.id),
    template: 'measure-values/views/value-form.njk',
    view: ({ model: entry }, values) => ({
      title: `Enter a value for ${entry.m.code}`,
      m: entry.m,
      current: currentIn(entry, values.period),
      periodItems: entry.periodItems(values.period),
    }),
    values: ({ model: entry, request }) => {
      const { period } = PeriodQuery.parse(request.query ?? {})
      const current = currentIn(entry, period)
      return current
        ? {
            period,
            value: current.numerator === null ? String(current.value ?? '') : '',
            numerator: current.numerator ?? '',
            denominator: current.denominator ?? '',
            commentary: current.commentary ?? '',
            version: String(current.version),
          }
        : { period: period ?? '' }
    },
    schema: ValueInput,
    input: (body) => ({ ...body, submit: body.send === 'submit' ? 'true' : 'false' }),
    save: ({ principal, params, model: entry }, input, body) =>
      values.save(principal, params.id, {
        ...input,
        version: input.version ?? currentIn(entry, body.period)?.version,
      }),
    flash: ({ model: entry }, saved) =>
      `${entry.m.code} ${saved.value.period.label}: ${formatValue(saved.value.value, entry.m)} ` +
      (saved.value.status === 'submitted' ? 'sent for approval' : 'saved as a draft'),
    redirect: ({ params }) => `/measures/${params.id}#values`,
  })

  async function myUpdatesPage(principal: Principal, reply: FastifyReply, extra: Body = {}) {
    const items = await values.myUpdates(principal)
    return reply.view('measure-values/views/my-updates.njk', {
      title: 'My updates',
      items: items.map((item) => ({
        ...item,
        key: `${item.measure.id}-${item.period.start}`,
        showsText: item.shows ? formatValue(item.shows.value, item.measure) : null,
        showsTargetText: item.shows ? formatValue(item.shows.target, item.measure) : null,
      })),
      ragNames: RAG_NAMES,
      approvalWords: APPROVAL_WORDS,
      counts: {
        overdue: items.filter((i) => i.state === 'overdue').length,
        returned: items.filter((i) => i.state === 'returned').length,
        due: items.filter((i) => i.state === 'due').length,
        draft: items.filter((i) => i.state === 'draft').length,
      },
      ...extra,
    })
  }

  app.get('/my-updates', hide, async (request, reply) =>
    myUpdatesPage(requirePrincipal(request), reply),
  )

  app.post('/my-updates', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const body = (request.body ?? {}) as Body
    const keys = [
      ...new Set(
        Object.keys(body).flatMap((k) => {
          const m = /^rows\.([0-9a-f-]{36}-\d{4}-\d{2}-\d{2})\.measureId$/.exec(k)
          return m?.[1] ? [m[1]] : []
        }),
      ),
    ]
    const field = (key: string, name: string) => body[`rows.${key}.${name}`]
    const fieldText = (key: string, name: string) => {
      const value = field(key, name)
      return typeof value === 'string' ? value : ''
    }
    const filled = keys.filter((key) =>
      ['value', 'numerator', 'denominator'].some((n) => fieldText(key, n).trim() !== ''),
    )
    try {
      const rows = filled.map((key) => {
        try {
          return {
            key,
            measureId: String(field(key, 'measureId')),
            input: parseInput(ValueInput, {
              period: field(key, 'period'),
              value: field(key, 'value'),
              numerator: field(key, 'numerator'),
              denominator: field(key, 'denominator'),
              commentary: field(key, 'commentary'),
              version: field(key, 'version'),
              submit: body.send === 'submit' ? 'true' : 'false',
            }),
          }
        } catch (error) {
          if (!(error instanceof Invalid)) throw error
          throw new Invalid(error.fields.map((f) => ({ ...f, field: `rows.${key}.${f.field}` })))
        }
      })
      // The summary's link goes to the first row's value, a field that can take focus.
      if (rows.length === 0) {
        throw Invalid.field(keys[0] ? `rows.${keys[0]}.value` : 'rows', 'Enter at least one value')
      }
      const saved = await values.saveMany(principal, rows)
      setFlash(
        reply,
        `${plural(saved, 'value', 'values')} ${body.send === 'submit' ? 'sent for approval' : 'saved as drafts'}`,
        config,
      )
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      reply.code(400)
      return await myUpdatesPage(principal, reply, { values: body, ...formErrors(error) })
    }
    return reply.redirect('/my-updates', 303)
  })

  async function approvalsPage(principal: Principal, reply: FastifyReply, extra: Body = {}) {
    const items = await values.approvalQueue(principal)
    return reply.view('measure-values/views/approvals.njk', {
      title: 'Approvals',
      ...names,
      items: items.map((i) => ({
        ...i,
        key: `${i.measure.id}-${i.period.start}`,
        ownText: formatValue(i.value, i.measure),
      })),
      // Project updates waiting for this person reach them here too, not only on the project.
      updates: await services.projectUpdates.awaitingMe(principal),
      ...extra,
    })
  }

  app.get('/approvals', hide, async (request, reply) =>
    approvalsPage(requirePrincipal(request), reply),
  )

  app.post('/measures/:id/values/:start/approve', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, start } = parseParams(ValueParams, request.params)
    const approved = await values.approve(principal, id, start)
    const { measure } = await measures.detail(principal, id)
    setFlash(reply, `Approved ${measure.code} ${measure.title}, ${approved.period.label}`, config)
    return reply.redirect('/approvals', 303)
  })

  app.post('/measures/:id/values/:start/return', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, start } = parseParams(ValueParams, request.params)
    const body = (request.body ?? {}) as Body
    const reasonField = `reason-${id}-${start}`
    try {
      const reason = typeof body.reason === 'string' ? body.reason.trim() : ''
      if (reason === '') {
        await values.get(principal, id, start)
        throw Invalid.field(reasonField, 'Enter the reason for returning the value')
      }
      const returned = await values.return(principal, id, start, { reason })
      const { measure } = await measures.detail(principal, id)
      setFlash(
        reply,
        `Returned ${measure.code} ${measure.title}, ${returned.period.label}, with your reason`,
        config,
      )
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      reply.code(400)
      return await approvalsPage(principal, reply, {
        values: { [reasonField]: body.reason },
        ...formErrors(
          new Invalid(
            error.fields.map((f) => ({
              ...f,
              field: f.field === 'reason' ? reasonField : f.field,
            })),
          ),
        ),
      })
    }
    return reply.redirect('/approvals', 303)
  })

  app.post('/measures/:id/values/:start/submit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, start } = parseParams(ValueParams, request.params)
    await values.submit(principal, id, start)
    setFlash(reply, 'Sent for approval', config)
    return reply.redirect(`/measures/${id}#values`, 303)
  })
}
