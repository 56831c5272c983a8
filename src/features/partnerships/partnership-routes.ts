import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { Forbidden, Invalid, NotFound } from '../../errors.ts'
import type { Config } from '../../config.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams, requiredText } from '../../web/fields.ts'
import { handleForm } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { setFlash } from '../auth/index.ts'
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

  const newForm = {
    template: 'partnerships/views/new.njk',
    context: { title: 'Set up a partnership' },
  }
  app.get('/partnerships/new', hide, async (request, reply) => {
    if (!partnerships.canCreate(requirePrincipal(request))) throw new Forbidden()
    return reply.view(newForm.template, { ...newForm.context, values: {} })
  })
  app.post('/partnerships/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const body = (request.body ?? {}) as Body
    return handleForm(reply, { ...newForm, values: body }, async () => {
      const created = await partnerships.create(principal, parseInput(PartnershipInput, body))
      return reply.redirect(`/partnerships/${created.id}`, 303)
    })
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
  function formPage(
    path: string,
    template: string,
    title: string,
    context: (principal: Principal, id: string) => Promise<Record<string, unknown>>,
    save: (principal: Principal, id: string, body: Body) => Promise<unknown>,
    flashTo: (id: string) => string = (id) => `/partnerships/${id}`,
  ) {
    app.get(`/partnerships/:id/${path}`, hide, async (request, reply) => {
      const principal = requirePrincipal(request)
      const { id } = parseParams(IdParams, request.params)
      const partnership = await partnerships.get(principal, id)
      return reply.view(template, {
        title,
        partnership,
        ...(await context(principal, id)),
        values: {},
      })
    })
    app.post(`/partnerships/:id/${path}`, hide, async (request, reply) => {
      const principal = requirePrincipal(request)
      const { id } = parseParams(IdParams, request.params)
      const partnership = await partnerships.get(principal, id)
      const body = (request.body ?? {}) as Body
      return handleForm(
        reply,
        {
          template,
          context: { title, partnership, ...(await context(principal, id)) },
          values: body,
        },
        async () => {
          await save(principal, id, body)
          return reply.redirect(flashTo(id), 303)
        },
      )
    })
  }

  formPage(
    'members/new',
    'partnerships/views/member-form.njk',
    'Add a member organisation',
    async (principal, id) => {
      const view = await partnerships.overview(principal, id)
      if (!view.canManage) throw new Forbidden()
      return {}
    },
    (principal, id, body) => partnerships.addMember(principal, id, parseInput(MemberInput, body)),
  )

  formPage(
    'priorities/new',
    'partnerships/views/priority-form.njk',
    'Add a priority to the shared plan',
    async (principal, id) => {
      const view = await partnerships.overview(principal, id)
      if (!view.canEditPlan) throw new Forbidden()
      return {}
    },
    (principal, id, body) =>
      partnerships.addPriority(principal, id, parseInput(PriorityInput, body)),
  )

  formPage(
    'shares/new',
    'partnerships/views/share-form.njk',
    'Share an item with the partnership',
    async (principal, id) => {
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
    (principal, id, body) => {
      // One select per kind of item; the chosen kind says which one counts.
      const kind = typeof body.itemKind === 'string' ? body.itemKind : ''
      const itemId = body[`${kind}Id`]
      try {
        return partnerships.share(principal, id, parseInput(ShareInput, { ...body, itemId }))
      } catch (error) {
        // The error belongs on the select the person used; with no kind chosen, on the kind (whose
        // own message is the one shown: one message per field).
        if (!(error instanceof Invalid)) throw error
        const field = ['measure', 'project', 'risk'].includes(kind) ? `${kind}Id` : 'itemKind'
        throw new Invalid(error.fields.map((f) => (f.field === 'itemId' ? { ...f, field } : f)))
      }
    },
  )

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

  app.get('/partnerships/:id/shares/:shareId/withdraw', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, shareId } = parseParams(ShareParams, request.params)
    return reply.view('partnerships/views/withdraw.njk', {
      title: 'Withdraw a shared item',
      ...(await withdrawable(principal, id, shareId)),
      values: {},
    })
  })

  // Withdrawing is destructive, so the form needs its reason (the API's DELETE cannot carry one).
  app.post('/partnerships/:id/shares/:shareId/withdraw', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, shareId } = parseParams(ShareParams, request.params)
    const found = await withdrawable(principal, id, shareId)
    const body = (request.body ?? {}) as Record<string, unknown>
    return handleForm(
      reply,
      {
        template: 'partnerships/views/withdraw.njk',
        context: { title: 'Withdraw a shared item', ...found },
        values: body,
      },
      async () => {
        const input = parseInput(WithdrawForm, body)
        await partnerships.withdraw(principal, id, shareId, input)
        setFlash(
          reply,
          `Withdrew the ${found.share.itemKind} from ${found.partnership.name}, with your reason`,
          config,
        )
        return reply.redirect(`/partnerships/${id}`, 303)
      },
    )
  })
}
