import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Services } from '../../services.ts'
import { existsFirst } from '../../web/api-guards.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { ValueInput } from '../measure-values/index.ts'
import { UpdateInput } from '../project-updates/index.ts'
import {
  MemberInput,
  PartnershipInput,
  PriorityInput,
  ShareInput,
  ShareParams,
  WithdrawInput,
} from './partnership-schemas.ts'

const tags = ['Partnerships']

/** Membership is checked before the body, so a non-member learns nothing from a 400. */
export function partnershipGuard(services: Services) {
  return existsFirst((principal, { id }) => services.partnerships.requirePartnership(principal, id))
}

export const partnershipApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const partnerships = services.partnerships
  const guard = partnershipGuard(services)

  app.get(
    '/partnerships',
    {
      schema: {
        tags,
        summary: 'Partnerships your organisation is a member of',
        querystring: PageQuerySchema,
      },
    },
    async (request) =>
      paginate(
        await partnerships.list(requirePrincipal(request)),
        request.query.page,
        request.query.pageSize,
      ),
  )

  app.post(
    '/partnerships',
    {
      schema: {
        tags,
        summary:
          'Set up a partnership hosted by your organisation (organisation-wide administrators)',
        body: PartnershipInput,
      },
    },
    async (request, reply) =>
      reply.code(201).send(await partnerships.create(requirePrincipal(request), request.body)),
  )

  app.get(
    '/partnerships/:id',
    {
      schema: {
        tags,
        summary:
          'The partnership dashboard: members, shared plan priorities with the items shared ' +
          'under each (with their owner), how many items are hidden and why, and the log of ' +
          'every share and withdrawal',
        params: IdParams,
      },
    },
    async (request) => partnerships.overview(requirePrincipal(request), request.params.id),
  )

  app.get(
    '/partnerships/:id/members',
    { schema: { tags, summary: 'Member organisations and their role', params: IdParams } },
    async (request) => partnerships.members(requirePrincipal(request), request.params.id),
  )

  app.post(
    '/partnerships/:id/members',
    {
      preValidation: guard,
      schema: {
        tags,
        summary: 'Add a member organisation by its short name (host administrators)',
        params: IdParams,
        body: MemberInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await partnerships.addMember(requirePrincipal(request), request.params.id, request.body),
        ),
  )

  app.get(
    '/partnerships/:id/priorities',
    { schema: { tags, summary: 'Priorities of the shared plan', params: IdParams } },
    async (request) => partnerships.priorities(requirePrincipal(request), request.params.id),
  )

  app.post(
    '/partnerships/:id/priorities',
    {
      preValidation: guard,
      schema: {
        tags,
        summary: 'Add a priority to the shared plan (host administrators and performance officers)',
        params: IdParams,
        body: PriorityInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await partnerships.addPriority(
            requirePrincipal(request),
            request.params.id,
            request.body,
          ),
        ),
  )

  app.get(
    '/partnerships/:id/shares',
    {
      schema: {
        tags,
        summary: 'Every share and withdrawal with the partnership, newest first',
        params: IdParams,
      },
    },
    async (request) => partnerships.shares(requirePrincipal(request), request.params.id),
  )

  app.post(
    '/partnerships/:id/shares',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Share one of your organisation’s measures, projects or risks with the partnership, ' +
          'to read or to contribute, under a stated data-sharing basis',
        params: IdParams,
        body: ShareInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await partnerships.share(requirePrincipal(request), request.params.id, request.body)),
  )

  app.get(
    '/partnerships/:id/shares/:shareId',
    {
      schema: {
        tags,
        summary: 'A shared item with its approved history; 404 once it is withdrawn',
        params: ShareParams,
      },
    },
    async (request) =>
      partnerships.sharedItem(requirePrincipal(request), request.params.id, request.params.shareId),
  )

  const withdrawSummary =
    'Withdraw a share at once (the owner’s administrators and performance officers)'
  app.post(
    '/partnerships/:id/shares/:shareId/withdraw',
    {
      preValidation: guard,
      schema: { tags, summary: withdrawSummary, params: ShareParams, body: WithdrawInput },
    },
    async (request) =>
      partnerships.withdraw(
        requirePrincipal(request),
        request.params.id,
        request.params.shareId,
        request.body,
      ),
  )
  app.delete(
    '/partnerships/:id/shares/:shareId',
    { preValidation: guard, schema: { tags, summary: withdrawSummary, params: ShareParams } },
    async (request) =>
      partnerships.withdraw(
        requirePrincipal(request),
        request.params.id,
        request.params.shareId,
        {},
      ),
  )

  app.post(
    '/partnerships/:id/shares/:shareId/values',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Enter a value for a measure shared to contribute; the owner’s approvers sign it off. ' +
          '403 when it is shared to read only',
        params: ShareParams,
        body: ValueInput,
      },
    },
    async (request, reply) => {
      const saved = await partnerships.contributeValue(
        requirePrincipal(request),
        request.params.id,
        request.params.shareId,
        request.body,
      )
      return reply.code(saved.created ? 201 : 200).send(saved.value)
    },
  )

  app.post(
    '/partnerships/:id/shares/:shareId/updates',
    {
      preValidation: guard,
      schema: {
        tags,
        summary: 'Write a monthly update for a project shared to contribute; the owner approves it',
        params: ShareParams,
        body: UpdateInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await partnerships.contributeUpdate(
            requirePrincipal(request),
            request.params.id,
            request.params.shareId,
            request.body,
          ),
        ),
  )
}
