import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { IdParams, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import { measureGuard, PeriodField } from '../measures/index.ts'
import { ApproveInput, ReturnInput, ValueInput } from './value-schemas.ts'

const tags = ['Measure values']
const ValueParams = IdParams.extend({ start: z.string().min(4).max(40) })
const ValueChanges = ValueInput.extend({ period: PeriodField.optional() })
const ValuesQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(500),
})

export const valueApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const values = services.values
  const guard = measureGuard(services)

  app.get(
    '/measures/:id/values',
    {
      schema: {
        tags,
        summary:
          'The measure’s values, oldest first, each with its target, RAG, direction of travel ' +
          '(against the previous period and the same period last year, approved values) and ' +
          'year-end forecast',
        params: IdParams,
        querystring: ValuesQuery,
      },
    },
    async (request) => {
      const all = await values.list(requirePrincipal(request), request.params.id)
      return paginate(all, request.query.page, request.query.pageSize)
    },
  )

  app.post(
    '/measures/:id/values',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Enter a value (or numerator and denominator) and commentary for a period; submit: true ' +
          'sends it for approval. Changing an existing value needs its version (409 when stale); ' +
          'changing an approved one is a restatement and needs a reason. 201 when new, 200 when changed',
        params: IdParams,
        body: ValueInput,
      },
    },
    async (request, reply) => {
      const saved = await values.save(requirePrincipal(request), request.params.id, request.body)
      return reply.code(saved.created ? 201 : 200).send(saved.value)
    },
  )

  app.get(
    '/measures/:id/values/:start',
    {
      schema: {
        tags,
        summary: 'One period’s value; the period is its first day (or its label)',
        params: ValueParams,
      },
    },
    async (request) =>
      values.get(requirePrincipal(request), request.params.id, request.params.start),
  )

  /** A change to a value with what it does not send filled from the value as it is. */
  async function withCurrent(principal: Principal, id: string, start: string, changes: ValueInput) {
    const current = await values.get(principal, id, start)
    const figures =
      changes.value !== undefined ||
      changes.numerator !== undefined ||
      changes.denominator !== undefined
    return {
      ...changes,
      ...(!figures &&
        (current.numerator !== null && current.denominator !== null
          ? { numerator: current.numerator, denominator: current.denominator }
          : { value: current.value })),
      commentary: changes.commentary !== undefined ? changes.commentary : current.commentary,
    }
  }

  for (const method of ['patch', 'put'] as const) {
    app[method](
      '/measures/:id/values/:start',
      {
        preValidation: guard,
        schema: {
          tags,
          summary: 'Change a period’s value: send its current version (409 when stale)',
          params: ValueParams,
          body: ValueChanges,
        },
      },
      async (request) => {
        const { id, start } = request.params
        const principal = requirePrincipal(request)
        const changes = { ...request.body, period: request.body.period ?? start }
        // PUT sends the whole value; PATCH only what changes, the rest staying as it is.
        const input = method === 'put' ? changes : await withCurrent(principal, id, start, changes)
        return (await values.save(principal, id, input)).value
      },
    )
  }

  app.post(
    '/measures/:id/values/:start/submit',
    {
      preValidation: guard,
      schema: {
        tags,
        summary: 'Send a draft or returned value for approval',
        params: ValueParams,
        body: ApproveInput,
      },
    },
    async (request) =>
      values.submit(
        requirePrincipal(request),
        request.params.id,
        request.params.start,
        request.body.version,
      ),
  )

  app.post(
    '/measures/:id/values/:start/approve',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Approve a submitted value: its approver, or an approver over its unit, but never the ' +
          'person who submitted it. Approval locks the period',
        params: ValueParams,
        body: ApproveInput,
      },
    },
    async (request) =>
      values.approve(
        requirePrincipal(request),
        request.params.id,
        request.params.start,
        request.body.version,
      ),
  )

  app.post(
    '/measures/:id/values/:start/return',
    {
      preValidation: guard,
      schema: {
        tags,
        summary: 'Return a submitted value to the officer with a reason',
        params: ValueParams,
        body: ReturnInput,
      },
    },
    async (request) =>
      values.return(
        requirePrincipal(request),
        request.params.id,
        request.params.start,
        request.body,
      ),
  )

  app.get(
    '/my-updates',
    { schema: { tags, summary: 'What is due from me now, overdue first' } },
    async (request) => ({ items: await values.myUpdates(requirePrincipal(request)) }),
  )

  app.get(
    '/approvals',
    { schema: { tags, summary: 'Values waiting for my approval' } },
    async (request) => ({ items: await values.approvalQueue(requirePrincipal(request)) }),
  )
}
