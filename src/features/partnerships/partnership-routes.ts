import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { Forbidden, Invalid, NotFound } from '../../errors.ts'
import type { Config } from '../../config.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams, requiredText } from '../../web/fields.ts'
import { handleForm } from '../../web/forms.ts'
import { formPages, type FormValues } from '../../web/form-page.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import { ValueInput } from '../measure-values/index.ts'
import {
  MemberInput,
  PartnershipInput,
  PriorityInput,
  ShareInput,
  ShareParams,
} from './partnership-schemas.ts'

const hide = { schema: { hide: true } }
type Body = Record<string, unknown>
const ReportQuery = z.object({ format: z.enum(['html', 'docx', 'pdf']).catch('html') })

const WithdrawForm = z.object({ reason: requiredText('why you are withdrawing it', 2000) })

export const partnershipRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const partnerships = services.partnerships

  app.get('/partnerships', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    return reply.view('partnerships/views/index.njk', {
      title: 'Partnerships',
      partnerships: await partnerships.list(principal),
      canCreate: partnerships.canCreate(principal),
    })
  })

  const formPage = formPages(app, config)

  formPage({
    path: '/partnerships/new',
    load: async ({ principal }) => {
      if (!partnerships.canCreate(principal)) throw new Forbidden()
    },
    template: 'partnerships/views/new.njk',
    view: () => ({ title: 'Set up a partnership' }),
    schema: PartnershipInput,
    save: ({ principal }, input) => partnerships.create(principal, input),
    redirect: (_ctx, created) => `/partnerships/${created.id}`,
  })

  app.get('/partnerships/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const view = await partnerships.overview(principal, id)
    return reply.view('partnerships/views/dashboard.njk', {
      title: view.partnership.name,
      ...view,
    })
  })

  app.get('/partnerships/:id/thread', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const view = await partnerships.overview(principal, id)
    return reply.view('partnerships/views/thread.njk', {
      title: `${view.partnership.name}: shared plan`,
      ...view,
    })
  })

  // One path parameter: the format is a query, so the route stays cheap to walk in tests.
  app.get('/partnerships/:id/report', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { format } = ReportQuery.parse(request.query)
    const { name, rendered } = await partnerships.report(principal, id, format)
    const file = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.${rendered.extension}`
    reply.type(rendered.contentType)
    // A standalone document with its own styles, downloaded like every report file (shown in the
    // app's own pages it would break the content security policy).
    reply.header('content-disposition', `attachment; filename="${file}"`)
    return reply.send(rendered.body)
  })

  /** A form page of one partnership: the partnership is checked before anything is shown. */
  function partnershipForm<I>(spec: {
    path: string
    template: string
    title: string
    context: (principal: Principal, id: string) => Promise<Record<string, unknown>>
    schema: z.ZodType<I>
    input?: (body: FormValues) => unknown
    fields?: (invalid: Invalid, body: FormValues) => Invalid
    save: (principal: Principal, id: string, input: I) => Promise<unknown>
  }) {
    formPage({
      path: `/partnerships/:id/${spec.path}`,
      params: IdParams,
      load: async ({ principal, params }) => ({
        partnership: await partnerships.get(principal, params.id),
        ...(await spec.context(principal, params.id)),
      }),
      template: spec.template,
      view: ({ model }) => ({ title: spec.title, ...model }),
      schema: spec.schema,
      ...(spec.input && { input: spec.input }),
      ...(spec.fields && { fields: spec.fields }),
      save: ({ principal, params }, input) => spec.save(principal, params.id, input),
      redirect: ({ params }) => `/partnerships/${params.id}`,
    })
  }

  partnershipForm({
    path: 'members/new',
    template: 'partnerships/views/member-form.njk',
    title: 'Add a member organisation',
    context: async (principal, id) => {
      const view = await partnerships.overview(principal, id)
      if (!view.canManage) throw new Forbidden()
      return {}
    },
    schema: MemberInput,
    save: (principal, id, input) => partnerships.addMember(principal, id, input),
  })

  partnershipForm({
    path: 'priorities/new',
    template: 'partnerships/views/priority-form.njk',
    title: 'Add a priority to the shared plan',
    context: async (principal, id) => {
      const view = await partnerships.overview(principal, id)
      if (!view.canEditPlan) throw new Forbidden()
      return {}
    },
    schema: PriorityInput,
    save: (principal, id, input) => partnerships.addPriority(principal, id, input),
  })

  /** One select per kind of item; the chosen kind says which one counts. */
  const kindOf = (body: FormValues) => (typeof body.itemKind === 'string' ? body.itemKind : '')
  partnershipForm({
    path: 'shares/new',
    template: 'partnerships/views/share-form.njk',
    title: 'Share an item with the partnership',
    context: async (principal, id) => {
      const items = await partnerships.shareableItems(principal, id)
      const priorities = await partnerships.priorities(principal, id)
      const options = (list: readonly { id: string; label: string }[], what: string) => [
        { value: '', text: `Select ${what}` },
        ...list.map((i) => ({ value: i.id, text: i.label })),
      ]
      return {
        itemOptions: {
          measure: options(items.measure, 'a measure'),
          project: options(items.project, 'a programme or project'),
          risk: options(items.risk, 'a risk'),
        },
        priorityItems: [
          { value: '', text: 'None' },
          ...priorities.map((p) => ({ value: p.id, text: p.title })),
        ],
      }
    },
    schema: ShareInput,
    input: (body) => ({ ...body, itemId: body[`${kindOf(body)}Id`] }),
    // The error belongs on the select the person used; with no kind chosen, on the kind (whose
    // own message is the one shown: one message per field).
    fields: (invalid, body) => {
      const kind = kindOf(body)
      const field = ['measure', 'project', 'risk'].includes(kind) ? `${kind}Id` : 'itemKind'
      return new Invalid(invalid.fields.map((f) => (f.field === 'itemId' ? { ...f, field } : f)))
    },
    save: (principal, id, input) => partnerships.share(principal, id, input),
  })

  app.get('/partnerships/:id/shares/:shareId', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, shareId } = parseParams(ShareParams, request.params)
    const view = await partnerships.sharedItem(principal, id, shareId)
    return reply.view('partnerships/views/item.njk', {
      title: view.item.label,
      ...view,
      values: {},
    })
  })

  app.post('/partnerships/:id/shares/:shareId/values', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, shareId } = parseParams(ShareParams, request.params)
    const view = await partnerships.sharedItem(principal, id, shareId)
    if (view.item.kind !== 'measure') throw new NotFound()
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'partnerships/views/item.njk',
        context: { title: view.item.label, ...view },
        values: body,
      },
      async () => {
        await partnerships.contributeValue(principal, id, shareId, parseInput(ValueInput, body))
        return reply.redirect(`/partnerships/${id}/shares/${shareId}?entered=1`, 303)
      },
    )
  })

  /** The share to withdraw, if this person may withdraw it, with its partnership. */
  async function withdrawable(principal: Principal, id: string, shareId: string) {
    const shares = await partnerships.shares(principal, id)
    const share = shares.find((s) => s.id === shareId)
    if (!share) throw new NotFound()
    if (!share.canWithdraw) throw new Forbidden()
    return { share, partnership: await partnerships.get(principal, id) }
  }

  // Withdrawing is destructive, so the form needs its reason (the API's DELETE cannot carry one).
  formPage({
    path: '/partnerships/:id/shares/:shareId/withdraw',
    params: ShareParams,
    load: ({ principal, params }) => withdrawable(principal, params.id, params.shareId),
    template: 'partnerships/views/withdraw.njk',
    view: ({ model }) => ({ title: 'Withdraw a shared item', ...model }),
    schema: WithdrawForm,
    save: ({ principal, params }, input) =>
      partnerships.withdraw(principal, params.id, params.shareId, input),
    flash: ({ model }) =>
      `Withdrew the ${model.share.itemKind} from ${model.partnership.name}, with your reason`,
    redirect: ({ params }) => `/partnerships/${params.id}`,
  })
}
