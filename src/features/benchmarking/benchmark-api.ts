import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Services } from '../../services.ts'
import { existsFirst } from '../../web/api-guards.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import {
  ComparisonQuery,
  FilesInput,
  GroupInput,
  MatchInput,
  PublishInput,
  SourceChanges,
  SourceInput,
} from './benchmark-schemas.ts'

const tags = ['Benchmarking']

/** The four LGBF files as text, with room: the figures file alone is a few megabytes. */
const FILES_BODY_LIMIT = 40 * 1024 * 1024

export const benchmarkApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const benchmarking = services.benchmarking
  // The item is checked before the body, so another council's id answers 404, never 400.
  const source = existsFirst((p, { id }) => benchmarking.getSource(p, id))
  const group = existsFirst((p, { id }) => benchmarking.getGroup(p, id))
  const measure = existsFirst((p, { id }) => services.measures.get(p, id))

  app.get(
    '/benchmark-sources',
    {
      schema: {
        tags,
        summary:
          'Sources of peers’ published figures, each with the age of the copy held and the ' +
          'last error',
        querystring: PageQuerySchema,
      },
    },
    async (request) =>
      paginate(
        await benchmarking.listSources(requirePrincipal(request)),
        request.query.page,
        request.query.pageSize,
      ),
  )

  app.post(
    '/benchmark-sources',
    {
      schema: {
        tags,
        summary:
          'Set up a source: `golden_thread` (another council’s data.json) or `lgbf` (the folder ' +
          'of LGBF files, its address ending in /); without a `url`, upload its files',
        body: SourceInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await benchmarking.createSource(requirePrincipal(request), request.body)),
  )

  app.get(
    '/benchmark-sources/:id',
    {
      schema: {
        tags,
        summary: 'One source: its indicators, councils and family groups in the copy held',
        params: IdParams,
      },
    },
    async (request) => benchmarking.getSource(requirePrincipal(request), request.params.id),
  )

  app.patch(
    '/benchmark-sources/:id',
    {
      preValidation: source,
      schema: {
        tags,
        summary: 'Change a source’s name, address, this council’s name in it, or schedule',
        params: IdParams,
        body: SourceChanges,
      },
    },
    async (request) =>
      benchmarking.updateSource(requirePrincipal(request), request.params.id, request.body),
  )

  app.delete(
    '/benchmark-sources/:id',
    { schema: { tags, summary: 'Remove a source with its copy and matches', params: IdParams } },
    async (request, reply) => {
      await benchmarking.deleteSource(requirePrincipal(request), request.params.id)
      return reply.code(204).send()
    },
  )

  app.post(
    '/benchmark-sources/:id/refresh',
    {
      schema: {
        tags,
        summary:
          'Fetch the source now (conditional on its ETag) and answer when done: `updated`, ' +
          '`not_modified`, `failed` (the last good copy kept, with the reason) or `busy`',
        params: IdParams,
      },
    },
    async (request) => {
      const principal = requirePrincipal(request)
      const outcome = await benchmarking.refresh(principal, request.params.id)
      return {
        ...outcome,
        source: (await benchmarking.getSource(principal, request.params.id)).source,
      }
    },
  )

  app.post(
    '/benchmark-sources/:id/files',
    {
      bodyLimit: FILES_BODY_LIMIT,
      preValidation: source,
      schema: {
        tags,
        summary:
          'Load a copy from files: `{files: [{name, content}]}`, the data.json, or the four LGBF ' +
          'files by their published names. All or nothing: a bad copy leaves the last good one',
        params: IdParams,
        body: FilesInput,
      },
    },
    async (request) =>
      benchmarking.loadFiles(requirePrincipal(request), request.params.id, request.body),
  )

  app.get(
    '/benchmark-groups',
    {
      schema: {
        tags,
        summary:
          'Comparison groups: those that come with the sources (all councils of a source, its ' +
          'family group, other Golden Thread councils) by key, and the groups entered by hand',
      },
    },
    async (request) => benchmarking.listGroups(requirePrincipal(request)),
  )

  app.post(
    '/benchmark-groups',
    {
      schema: {
        tags,
        summary: 'Enter a group by hand, e.g. nearest neighbours: `members` is council names',
        body: GroupInput,
      },
    },
    async (request, reply) =>
      reply.code(201).send(await benchmarking.createGroup(requirePrincipal(request), request.body)),
  )

  app.get(
    '/benchmark-groups/:id',
    { schema: { tags, summary: 'One group entered by hand', params: IdParams } },
    async (request) => benchmarking.getGroup(requirePrincipal(request), request.params.id),
  )

  app.put(
    '/benchmark-groups/:id',
    {
      preValidation: group,
      schema: {
        tags,
        summary: 'Replace a group’s name and members',
        params: IdParams,
        body: GroupInput,
      },
    },
    async (request) =>
      benchmarking.updateGroup(requirePrincipal(request), request.params.id, request.body),
  )

  app.delete(
    '/benchmark-groups/:id',
    { schema: { tags, summary: 'Remove a group entered by hand', params: IdParams } },
    async (request, reply) => {
      await benchmarking.deleteGroup(requirePrincipal(request), request.params.id)
      return reply.code(204).send()
    },
  )

  app.get(
    '/benchmark-matches',
    {
      schema: {
        tags,
        summary:
          'Measures matched to sources’ indicators: by national indicator reference or ' +
          'confirmed; `refused` gives the reasons a match cannot be used (units, polarity)',
        querystring: PageQuerySchema,
      },
    },
    async (request) =>
      paginate(
        await benchmarking.listMatches(requirePrincipal(request)),
        request.query.page,
        request.query.pageSize,
      ),
  )

  app.post(
    '/benchmark-matches',
    {
      schema: {
        tags,
        summary:
          'Confirm a match of a measure to a source’s indicator; refused (400, with the reason) ' +
          'when their units or polarity differ',
        body: MatchInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await benchmarking.confirmMatch(requirePrincipal(request), request.body)),
  )

  app.delete(
    '/benchmark-matches/:id',
    { schema: { tags, summary: 'Remove a confirmed match', params: IdParams } },
    async (request, reply) => {
      await benchmarking.deleteMatch(requirePrincipal(request), request.params.id)
      return reply.code(204).send()
    },
  )

  app.get(
    '/measures/:id/benchmark-suggestions',
    {
      schema: {
        tags,
        summary: 'Indicators that may match the measure, by reference, code and title',
        params: IdParams,
      },
    },
    async (request) => benchmarking.suggestions(requirePrincipal(request), request.params.id),
  )

  app.get(
    '/measures/:id/comparisons',
    {
      preValidation: measure,
      schema: {
        tags,
        summary:
          'The measure against a group (`group`: a key from /benchmark-groups) for a period ' +
          '(`period`, default the latest ranked): value, group median and quartiles, rank (ties ' +
          'share the best rank), quartile, movement, and the same for every period',
        params: IdParams,
        querystring: ComparisonQuery,
      },
    },
    async (request) =>
      benchmarking.compareMeasure(requirePrincipal(request), request.params.id, request.query),
  )

  app.put(
    '/measures/:id/comparisons/publication',
    {
      preValidation: measure,
      schema: {
        tags,
        summary:
          'Show how the measure compares on its public page, with this group (`group`), or ' +
          'stop (`group: null`)',
        params: IdParams,
        body: PublishInput,
      },
    },
    async (request, reply) => {
      await benchmarking.publish(requirePrincipal(request), request.params.id, request.body.group)
      return reply.code(204).send()
    },
  )
}
