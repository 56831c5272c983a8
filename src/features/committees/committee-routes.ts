import type { FastifyPluginAsync } from 'fastify'
import { Forbidden } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { handleForm } from '../../web/forms.ts'
import { requirePrincipal } from '../auth/authentication.ts'
import { KINDS, REPORT_KINDS } from '../reports/report-kinds.ts'
import { canManageReports } from '../reports/report-policy.ts'
import { CommitteeInput, MeetingInput } from './committee-schemas.ts'

const hide = { schema: { hide: true } }
type Body = Record<string, unknown>

function kindItems(values: Body) {
  const chosen = Array.isArray(values.reportKinds) ? values.reportKinds : [values.reportKinds]
  return REPORT_KINDS.map((k) => ({ value: k, text: KINDS[k].name, checked: chosen.includes(k) }))
}

export const committeeRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const committees = services.committees

  app.get('/committees', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    return reply.view('committees/views/committees.njk', {
      title: 'Committees and meetings',
      committees: await committees.list(principal),
      meetings: await committees.calendar(principal),
      canManage: canManageReports(principal),
    })
  })

  app.get('/committees/new', hide, async (request, reply) => {
    if (!canManageReports(requirePrincipal(request))) throw new Forbidden()
    return reply.view('committees/views/committee-form.njk', {
      title: 'Add a committee',
      values: {},
      kindItems: kindItems({}),
    })
  })

  app.post('/committees/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    if (!canManageReports(principal)) throw new Forbidden()
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'committees/views/committee-form.njk',
        context: { title: 'Add a committee', kindItems: kindItems(body) },
        values: body,
      },
      async () => {
        const committee = await committees.create(principal, parseInput(CommitteeInput, body))
        return reply.redirect(`/committees/${committee.id}`, 303)
      },
    )
  })

  app.get('/committees/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await committees.detail(principal, id)
    return reply.view('committees/views/committee.njk', {
      title: detail.committee.name,
      ...detail,
      values: {},
      canManage: canManageReports(principal),
    })
  })

  app.post('/committees/:id/meetings', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await committees.detail(principal, id)
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'committees/views/committee.njk',
        context: {
          title: detail.committee.name,
          ...detail,
          canManage: canManageReports(principal),
        },
        values: body,
      },
      async () => {
        await committees.addMeeting(principal, id, parseInput(MeetingInput, body))
        return reply.redirect(`/committees/${id}`, 303)
      },
    )
  })
}
