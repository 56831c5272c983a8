import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { Forbidden } from '../../errors.ts'
import type { Config } from '../../config.ts'
import { formatDate } from '../../core/format.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { formPages, type LoadContext } from '../../web/form-page.ts'
import { handleForm } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { KINDS, REPORT_KINDS, canManageReports } from '../reports/index.ts'
import {
  CommitteeEdit,
  CommitteeInput,
  MeetingCancellation,
  MeetingChanges,
  MeetingInput,
} from './committee-schemas.ts'

const hide = { schema: { hide: true } }
type Body = Record<string, unknown>
const MeetingParams = IdParams.extend({ meetingId: z.uuid() })

function kindItems(values: Body) {
  const chosen = Array.isArray(values.reportKinds) ? values.reportKinds : [values.reportKinds]
  return REPORT_KINDS.map((k) => ({ value: k, text: KINDS[k].name, checked: chosen.includes(k) }))
}

export const committeeRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const committees = services.committees
  const formPage = formPages(app, config)

  app.get('/committees', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    return reply.view('committees/views/committees.njk', {
      title: 'Committees and meetings',
      committees: await committees.list(principal),
      meetings: await committees.calendar(principal),
      canManage: canManageReports(principal),
    })
  })

  formPage({
    path: '/committees/new',
    load: ({ principal }) => {
      if (!canManageReports(principal)) throw new Forbidden()
      return Promise.resolve()
    },
    template: 'committees/views/committee-form.njk',
    view: (_, values) => ({ title: 'Add a committee', kindItems: kindItems(values) }),
    schema: CommitteeInput,
    save: ({ principal }, input) => committees.create(principal, input),
    redirect: (_, committee) => `/committees/${committee.id}`,
  })

  formPage({
    path: '/committees/:id/edit',
    params: IdParams,
    load: ({ principal, params: { id } }) => committees.editableCommittee(principal, id),
    template: 'committees/views/committee-form.njk',
    values: ({ model: committee }) => ({
      name: committee.name,
      description: committee.description,
      reportKinds: committee.reportKinds,
      version: committee.version,
    }),
    view: ({ model: committee }, values) => ({
      title: `Change ${committee.name}`,
      committee,
      action: `/committees/${committee.id}/edit`,
      kindItems: kindItems(values),
    }),
    schema: CommitteeEdit,
    save: ({ principal, params: { id } }, input) => committees.update(principal, id, input),
    redirect: ({ params: { id } }) => `/committees/${id}`,
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

  const editableMeeting = ({ principal, params }: LoadContext<z.output<typeof MeetingParams>>) =>
    committees.editableMeeting(principal, params.id, params.meetingId)

  formPage({
    path: '/committees/:id/meetings/:meetingId/edit',
    params: MeetingParams,
    load: editableMeeting,
    template: 'committees/views/meeting-form.njk',
    values: ({ model: { meeting } }) => ({ meetingDate: meeting.date, version: meeting.version }),
    view: ({ model: { committee, meeting } }) => ({
      title: 'Change the meeting date',
      committee,
      meeting,
    }),
    schema: MeetingChanges,
    save: ({ principal, params: { id, meetingId } }, input) =>
      committees.changeMeeting(principal, id, meetingId, input),
    redirect: ({ params: { id } }) => `/committees/${id}`,
  })

  formPage({
    path: '/committees/:id/meetings/:meetingId/cancel',
    params: MeetingParams,
    load: editableMeeting,
    template: 'committees/views/meeting-cancel.njk',
    values: ({ model: { meeting } }) => ({ version: meeting.version }),
    view: ({ model: { committee, meeting } }) => ({
      title: 'Cancel the meeting',
      committee,
      meeting,
    }),
    schema: MeetingCancellation,
    save: ({ principal, params: { id, meetingId } }, input) =>
      committees.cancelMeeting(principal, id, meetingId, input),
    flash: ({ model: { committee, meeting } }) =>
      `${committee.name} meeting of ${formatDate(meeting.date)} cancelled, with your reason`,
    redirect: ({ params: { id } }) => `/committees/${id}`,
  })
}
