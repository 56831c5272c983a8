import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Services } from '../../services.ts'
import { existsFirst } from '../../web/api-guards.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { measureSpc } from './measure-spc.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import {
  BenchmarkInput,
  MeasureChanges,
  MeasureInput,
  MeasureListQuery,
  TargetsInput,
} from './measure-schemas.ts'

const tags = ['Measures']

/**
 * Before a body is validated, the measure named in the path must exist for this person: another
 * organisation's id is 404 whatever the body holds.
 */
export function measureGuard(services: Services) {
  return existsFirst((principal, { id }) => services.measures.guardMeasure(principal, id))
}

export const measureApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const measures = services.measures
  const guard = measureGuard(services)

  app.get(
    '/measures',
    {
      schema: {
        tags,
        summary:
          'Measures in code order, each with its latest value and its status today; filter by ' +
          'unit (and the units beneath it), node of the golden thread (nodeId, with everything ' +
          'beneath it), status (RAG today), frequency, owner, kind, measureStatus, search, or ' +
          'variation (the SPC variation of the latest approved value: ' +
          'variation=special_cause_concern lists the exceptions)',
        querystring: MeasureListQuery,
      },
    },
    async (request) => measures.list(requirePrincipal(request), request.query),
  )

  app.post(
    '/measures',
    { schema: { tags, summary: 'Define a measure', body: MeasureInput } },
    async (request, reply) =>
      reply.code(201).send(await measures.create(requirePrincipal(request), request.body)),
  )

  app.get(
    '/measures/:id',
    { schema: { tags, summary: 'A measure, with its latest value', params: IdParams } },
    async (request) => measures.get(requirePrincipal(request), request.params.id),
  )

  app.get(
    '/measures/:id/spc',
    {
      schema: {
        tags,
        summary:
          'Statistical process control (XmR) over the approved values: mean, limits, each point’s ' +
          'type and rule, the variation and assurance icons, and the baseline and change points ' +
          'the limits come from',
        params: IdParams,
      },
    },
    async (request) => {
      const detail = await measures.detail(requirePrincipal(request), request.params.id)
      const spc = measureSpc(detail.measure, detail.values, detail.spcSettings)
      return {
        mean: spc.mean,
        lowerLimit: spc.lowerLimit,
        upperLimit: spc.upperLimit,
        target: spc.target,
        points: spc.points,
        variation: spc.variation,
        assurance: spc.assurance,
        baseline: spc.baseline,
        changePoints: spc.changePoints,
      }
    },
  )

  app.patch(
    '/measures/:id',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Change a measure’s definition (send its version to be warned of a change made since); ' +
          'retire it with status "retired"',
        params: IdParams,
        body: MeasureChanges,
      },
    },
    async (request) => measures.update(requirePrincipal(request), request.params.id, request.body),
  )

  app.get(
    '/measures/:id/targets',
    { schema: { tags, summary: 'The measure’s annual and per-period targets', params: IdParams } },
    async (request) => {
      const targets = await measures.targets(requirePrincipal(request), request.params.id)
      return { targets, items: targets }
    },
  )

  app.put(
    '/measures/:id/targets',
    {
      preValidation: guard,
      schema: {
        tags,
        summary:
          'Replace the measure’s targets. An annual target (period "2024/25") applies to every ' +
          'period of its year unless a period has its own; lower and upper make a band',
        params: IdParams,
        body: TargetsInput,
      },
    },
    async (request) => {
      const targets = await measures.putTargets(
        requirePrincipal(request),
        request.params.id,
        request.body,
      )
      return { targets, items: targets }
    },
  )

  app.get(
    '/measures/:id/benchmarks',
    {
      schema: {
        tags,
        summary: 'Comparator figures: family group average, national median and quartiles',
        params: IdParams,
      },
    },
    async (request) => ({
      items: await measures.benchmarks(requirePrincipal(request), request.params.id),
    }),
  )

  app.post(
    '/measures/:id/benchmarks',
    {
      preValidation: guard,
      schema: {
        tags,
        summary: 'Store comparator figures for a period (replacing any for the same period)',
        params: IdParams,
        body: BenchmarkInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await measures.saveBenchmark(requirePrincipal(request), request.params.id, request.body),
        ),
  )
}
