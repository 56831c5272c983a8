import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { Forbidden } from '../../errors.ts'
import type { Config } from '../../config.ts'
import { formatDate } from '../../core/format.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { handleForm } from '../../web/forms.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { setFlash } from '../auth/index.ts'
import { KINDS, REPORT_KINDS, canManageReports } from '../reports/index.ts'
import {
  CommitteeEdit,
  CommitteeInput,
  MeetingCancellation,
  MeetingChanges,
  MeetingInput,
} from './committee-schemas.ts'
import type { CommitteeView } from './committee-service.ts'

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

  function editContext(committee: CommitteeView, values: Body) {
    return {
      title: `Change ${committee.name}`,
      committee,
      action: `/committees/${committee.id}/edit`,
      kindItems: kindItems(values),
    }
  }

  app.get('/committees/:id/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const committee = await committees.editableCommittee(principal, id)
    const values = {
      name: committee.name,
      description: committee.description,
      reportKinds: committee.reportKinds,
      version: committee.version,
    }
    return reply.view('committees/views/committee-form.njk', {
      ...editContext(committee, values),
      values,
    })
  })

  app.post('/committees/:id/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const committee = await committees.editableCommittee(principal, id)
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'committees/views/committee-form.njk',
        context: editContext(committee, body),
        values: body,
      },
      async () => {
        await committees.update(principal, id, parseInput(CommitteeEdit, body))
        return reply.redirect(`/committees/${id}`, 303)
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

  app.get('/committees/:id/meetings/:meetingId/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, meetingId } = parseParams(MeetingParams, request.params)
    const { committee, meeting } = await committees.editableMeeting(principal, id, meetingId)
    return reply.view('committees/views/meeting-form.njk', {
      title: 'Change the meeting date',
      committee,
      meeting,
      values: { meetingDate: meeting.date, version: meeting.version },
    })
  })

  app.post('/committees/:id/meetings/:meetingId/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, meetingId } = parseParams(MeetingParams, request.params)
    const { committee, meeting } = await committees.editableMeeting(principal, id, meetingId)
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'committees/views/meeting-form.njk',
        context: { title: 'Change the meeting date', committee, meeting },
        values: body,
      },
      async () => {
        await committees.changeMeeting(principal, id, meetingId, parseInput(MeetingChanges, body))
        return reply.redirect(`/committees/${id}`, 303)
      },
    )
  })

  app.get('/committees/:id/meetings/:meetingId/cancel', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, meetingId } = parseParams(MeetingParams, request.params)
    const { committee, meeting } = await committees.editableMeeting(principal, id, meetingId)
    return reply.view('committees/views/meeting-cancel.njk', {
      title: 'Cancel the meeting',
      committee,
      meeting,
      values: { version: meeting.version },
    })
  })

  app.post('/committees/:id/meetings/:meetingId/cancel', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, meetingId } = parseParams(MeetingParams, request.params)
    const { committee, meeting } = await committees.editableMeeting(principal, id, meetingId)
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'committees/views/meeting-cancel.njk',
        context: { title: 'Cancel the meeting', committee, meeting },
        values: body,
      },
      async () => {
        await committees.cancelMeeting(
          principal,
          id,
          meetingId,
          parseInput(MeetingCancellation, body),
        )
        setFlash(
          reply,
          `${committee.name} meeting of ${formatDate(meeting.date)} cancelled, with your reason`,
          config,
        )
        return reply.redirect(`/committees/${id}`, 303)
      },
    )
  })
}
