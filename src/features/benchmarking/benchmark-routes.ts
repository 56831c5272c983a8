import fastifyMultipart from '@fastify/multipart'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { z } from 'zod'
import type { Config } from '../../config.ts'
import { Forbidden, Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { formErrors } from '../../web/forms.ts'
import { formPages } from '../../web/form-page.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { setFlash } from '../auth/index.ts'
import type { Principal } from '../../core/principal.ts'
import { POLARITY_NAMES, UNIT_NAMES } from '../measures/index.ts'
import { LGBF_FILES } from './benchmark-readers.ts'
import {
  GroupInput,
  MatchInput,
  PublishInput,
  SOURCE_KIND_NAMES,
  SOURCE_KINDS,
  SourceInput,
} from './benchmark-schemas.ts'

const hide = { schema: { hide: true } }
const MatchParams = z.object({
  id: z.uuid({ error: 'Not a valid id' }),
  matchId: z.uuid({ error: 'Not a valid id' }),
})
type Body = Record<string, unknown>

const UPLOAD_LIMIT = 25 * 1024 * 1024
const UPLOAD_FIELDS = ['file', ...Object.keys(LGBF_FILES)] as const

const kindItems = (selected: unknown) =>
  SOURCE_KINDS.map((k) => ({ value: k, text: SOURCE_KIND_NAMES[k], checked: selected === k }))

export const benchmarkRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const benchmarking = services.benchmarking
  // Uploaded copies of a source's files, in this feature's own scope.
  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: UPLOAD_LIMIT, files: 4, fields: 5 },
  })

  app.get('/benchmarking', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const [sources, groups, summary] = await Promise.all([
      benchmarking.listSources(principal),
      benchmarking.listGroups(principal),
      benchmarking.summary(principal),
    ])
    return reply.view('benchmarking/views/index.njk', {
      title: 'Benchmarking',
      sources,
      groups,
      summary,
      canManage: benchmarking.canManage(principal),
    })
  })

  const formPage = formPages(app, config)
  const manager = async ({ principal }: { principal: Principal }) => {
    if (!benchmarking.canManage(principal)) throw new Forbidden()
  }

  formPage({
    path: '/benchmarking/sources/new',
    load: manager,
    template: 'benchmarking/views/source-form.njk',
    view: (_ctx, values) => ({ title: 'Add a benchmark source', kinds: kindItems(values.kind) }),
    values: () => ({ refreshHours: '24' }),
    schema: SourceInput,
    save: async ({ principal, request }, input) => {
      const created = await benchmarking.createSource(principal, input)
      if (created.url) {
        await benchmarking.refreshInBackground(principal, created.id, (error) =>
          request.log.error({ err: error }, 'benchmark source refresh failed'),
        )
      }
      return created
    },
    flash: (_ctx, created) =>
      created.url
        ? `${created.name} was set up and is being fetched`
        : `${created.name} was set up: upload its files`,
    redirect: (_ctx, created) => `/benchmarking/sources/${created.id}`,
  })

  async function sourcePage(
    principal: Principal,
    id: string,
    reply: FastifyReply,
    extra: Body = {},
  ) {
    const detail = await benchmarking.getSource(principal, id)
    return reply.view('benchmarking/views/source.njk', {
      title: detail.source.name,
      ...detail,
      lgbfFiles: Object.entries(LGBF_FILES).map(([field, name]) => ({ field, name })),
      canManage: benchmarking.canManage(principal),
      unitNames: UNIT_NAMES,
      polarityNames: POLARITY_NAMES,
      ...extra,
    })
  }

  app.get('/benchmarking/sources/:id', hide, async (request, reply) => {
    const { id } = parseParams(IdParams, request.params)
    return sourcePage(requirePrincipal(request), id, reply)
  })

  app.post('/benchmarking/sources/:id/refresh', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    try {
      await benchmarking.refreshInBackground(principal, id, (error) =>
        request.log.error({ err: error }, 'benchmark source refresh failed'),
      )
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      return sourcePage(principal, id, reply.code(400), { ...formErrors(error) })
    }
    setFlash(reply, 'Checking the source now: refresh this page in a moment', config)
    return reply.redirect(`/benchmarking/sources/${id}`, 303)
  })

  app.post('/benchmarking/sources/:id/upload', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    await benchmarking.getSource(principal, id)
    const body = (request.body ?? {}) as Body
    const files = UPLOAD_FIELDS.flatMap((field) => {
      const value = body[field]
      if (!Buffer.isBuffer(value) || value.length === 0) return []
      const name = field === 'file' ? 'data.json' : LGBF_FILES[field as keyof typeof LGBF_FILES]
      return [{ name, content: value.toString('utf8') }]
    })
    try {
      if (files.length === 0) throw Invalid.field('files', 'Select the file or files to upload')
      await benchmarking.loadFiles(principal, id, { files })
    } catch (error) {
      if (!(error instanceof Invalid)) throw error
      return sourcePage(principal, id, reply.code(400), { ...formErrors(error) })
    }
    setFlash(reply, 'The new copy was loaded', config)
    return reply.redirect(`/benchmarking/sources/${id}`, 303)
  })

  const groupTemplate = 'benchmarking/views/group-form.njk'
  formPage({
    path: '/benchmarking/groups/new',
    load: manager,
    template: groupTemplate,
    view: () => ({ title: 'Add a comparison group' }),
    schema: GroupInput,
    save: ({ principal }, input) => benchmarking.createGroup(principal, input),
    flash: (_ctx, group) => `${group.name} was added`,
    redirect: () => '/benchmarking#groups',
  })
  formPage({
    path: '/benchmarking/groups/:id',
    params: IdParams,
    load: async ({ principal, params }) => {
      const group = await benchmarking.getGroup(principal, params.id)
      await manager({ principal })
      return group
    },
    template: groupTemplate,
    view: ({ model: group }) => ({ title: `Change ${group.name}`, group }),
    values: ({ model: group }) => ({ ...group, members: group.members.join('\n') }),
    schema: GroupInput,
    save: ({ principal, params }, input) => benchmarking.updateGroup(principal, params.id, input),
    flash: ({ model: group }) => `${group.name} was changed`,
    redirect: () => '/benchmarking#groups',
  })

  // Matching one measure: suggestions to confirm, refusals with their reasons.
  formPage({
    path: '/measures/:id/benchmarking',
    params: IdParams,
    load: ({ principal, params }) => services.measures.get(principal, params.id),
    template: 'benchmarking/views/match.njk',
    view: async ({ principal, params }) => {
      const [comparison, suggestions] = await Promise.all([
        benchmarking.compareMeasure(principal, params.id),
        benchmarking.suggestions(principal, params.id),
      ])
      if (!comparison.canManage) throw new Forbidden()
      return {
        title: `Match ${comparison.measure.code} to peers’ indicators`,
        ...comparison,
        suggestions,
      }
    },
    schema: MatchInput,
    input: (body, { params }) => ({ ...body, measureId: params.id }),
    save: ({ principal }, input) => benchmarking.confirmMatch(principal, input),
    flash: () => 'The match was confirmed',
    redirect: ({ params }) => `/measures/${params.id}#how-we-compare`,
  })

  app.post('/measures/:id/benchmarking/publish', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    await services.measures.get(principal, id)
    const { group } = parseInput(PublishInput, request.body ?? {})
    await benchmarking.publish(principal, id, group)
    setFlash(
      reply,
      group
        ? 'How this measure compares is now on its public page'
        : 'It is no longer on the public page',
      config,
    )
    return reply.redirect(`/measures/${id}#how-we-compare`, 303)
  })

  // Removing a source, a group or a confirmed match: a page that says what goes with it, then
  // the service's own checks (the performance team only) and its audit record.
  const removeTemplate = 'benchmarking/views/remove.njk'
  app.get('/benchmarking/sources/:id/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { source } = await benchmarking.getSource(principal, id)
    if (!benchmarking.canManage(principal)) throw new Forbidden()
    return reply.view(removeTemplate, {
      title: `Remove ${source.name}?`,
      consequences: [
        'Its copy, and every match the performance team confirmed to its indicators, are removed.',
        'Measures matched to it by national indicator reference are no longer compared with it.',
      ],
      action: `/benchmarking/sources/${id}/remove`,
      buttonText: 'Remove the source',
      cancelHref: `/benchmarking/sources/${id}`,
    })
  })
  app.post('/benchmarking/sources/:id/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { source } = await benchmarking.getSource(principal, id)
    await benchmarking.deleteSource(principal, id)
    setFlash(reply, `${source.name} was removed`, config)
    return reply.redirect('/benchmarking', 303)
  })

  app.get('/benchmarking/groups/:id/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const group = await benchmarking.getGroup(principal, id)
    if (!benchmarking.canManage(principal)) throw new Forbidden()
    return reply.view(removeTemplate, {
      title: `Remove ${group.name}?`,
      consequences: [
        'Measures are no longer compared with this group, and a comparison with it published on a public measure page is taken off.',
      ],
      action: `/benchmarking/groups/${id}/remove`,
      buttonText: 'Remove the group',
      cancelHref: `/benchmarking/groups/${id}`,
    })
  })
  app.post('/benchmarking/groups/:id/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const group = await benchmarking.getGroup(principal, id)
    await benchmarking.deleteGroup(principal, id)
    setFlash(reply, `${group.name} was removed`, config)
    return reply.redirect('/benchmarking#groups', 303)
  })

  app.post('/measures/:id/benchmarking/matches/:matchId/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, matchId } = parseParams(MatchParams, request.params)
    const match = await benchmarking.deleteMatch(principal, matchId, id)
    setFlash(reply, `The match to ${match.code} of ${match.sourceName} was removed`, config)
    return reply.redirect(`/measures/${id}/benchmarking`, 303)
  })
}

/** The measure page's "How we compare" section: the group chosen in `?compare=`. */
export const CompareQuery = z.object({ compare: z.string().max(100).optional().catch(undefined) })
