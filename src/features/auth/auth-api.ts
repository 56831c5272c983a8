import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'

const tags = ['Account']

export const authApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/me',
    { schema: { tags, summary: 'The signed-in person and their roles' } },
    async (request) => {
      const p = requirePrincipal(request)
      return {
        id: p.personId,
        name: p.name,
        email: p.email,
        organisation: { id: p.organisationId, name: p.organisationName, slug: p.organisationSlug },
        roles: p.roles,
      }
    },
  )

  app.get(
    '/tokens',
    {
      schema: {
        tags,
        summary: 'API tokens: your own, or everyone’s for an organisation administrator',
        querystring: z.object({ scope: z.enum(['mine', 'all']).default('mine') }),
      },
    },
    async (request) => {
      const rows = await services.auth.listTokens(requirePrincipal(request), request.query.scope)
      return {
        items: rows.map((t) => ({
          id: t.id,
          name: t.name,
          prefix: t.token_prefix,
          personId: t.person_id,
          personName: t.person_name,
          createdAt: t.created_at.toISOString(),
          lastUsedAt: t.last_used_at?.toISOString() ?? null,
          revokedAt: t.revoked_at?.toISOString() ?? null,
        })),
      }
    },
  )

  app.post(
    '/tokens',
    {
      schema: {
        tags,
        summary: 'Create an API token for yourself; the token is shown only in this response',
        body: z.object({ name: z.string() }),
      },
    },
    async (request, reply) => {
      const created = await services.auth.createToken(requirePrincipal(request), request.body.name)
      return reply.code(201).send(created)
    },
  )

  app.delete(
    '/tokens/:id',
    { schema: { tags, summary: 'Revoke an API token', params: IdParams } },
    async (request, reply) => {
      await services.auth.revokeToken(requirePrincipal(request), request.params.id)
      return reply.code(204).send()
    },
  )
}
