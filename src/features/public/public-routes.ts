import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { NotFound } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { cooperate } from '../../core/cooperate.ts'
import { RAG_NAMES } from '../measures/index.ts'
import { etagOf, type BuiltFile, type PublishedSet } from './public-build.ts'
import { atomFeedOf, measureJson, toCsv } from './public-files.ts'
import type { PublicMeasurePage } from './public-service.ts'

const gzip = promisify(gzipCallback)
const hide = { schema: { hide: true } }
const CACHE_CONTROL = 'public, max-age=60'
const TYPES = {
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
} as const

/** Only a snippet on another website may frame the embed; it has no forms or actions. */
const EMBED_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; " +
  "object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors *"

const STATUSES = ['green', 'amber', 'red', 'no_target'] as const
const DashboardQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  theme: z.string().max(40).optional().catch(undefined),
  status: z.enum(STATUSES).optional().catch(undefined),
})
type DashboardQuery = z.infer<typeof DashboardQuery>

/** Rows of the dashboard's tables rendered at a time. */
const ROWS_AT_A_TIME = 100

const Params = z.object({ slug: z.string().max(100), file: z.string().max(120).optional() })

/** A response built once and sent as it is: its bytes, its ETag and, when asked for, gzipped. */
interface Built {
  readonly body: Buffer
  readonly etag: string
  readonly type: string
  gzipped?: Promise<{ readonly body: Buffer; readonly etag: string }>
}

async function built(text: string, type: string): Promise<Built> {
  const body = Buffer.from(text)
  return { body, etag: await etagOf(body), type }
}

/** A file the published set brought finished (from a worker thread, say): its bytes as they are. */
function builtFile(file: BuiltFile, type: string): Built {
  const { body, etag } = file
  return { body: Buffer.from(body.buffer, body.byteOffset, body.length), etag, type }
}

/**
 * The gzipped form, made the first time a client asks for it (off the event loop, in libuv's
 * thread pool); worth it only for larger bodies.
 */
async function gzipped(page: Built): Promise<{ body: Buffer; etag: string } | null> {
  if (page.body.length < 1024) return null
  page.gzipped ??= gzip(page.body).then((body) => ({
    body,
    etag: `${page.etag.slice(0, -1)}-gzip"`,
  }))
  return page.gzipped
}

/** True when the client takes gzip (and has not refused it with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase())
    if (coding !== 'gzip' && coding !== 'x-gzip') return false
    const q = params.find((p) => p.startsWith('q='))
    return q === undefined || Number(q.slice(2)) > 0
  })
}

/** RFC 9110: If-None-Match wins over If-Modified-Since. */
function notModified(request: FastifyRequest, etag: string, lastModified: Date): boolean {
  const tags = request.headers['if-none-match']
  if (tags !== undefined) {
    return tags === '*' || tags.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)
  }
  const since = request.headers['if-modified-since']
  if (since === undefined) return false
  const time = Date.parse(since)
  return !Number.isNaN(time) && Math.floor(lastModified.getTime() / 1000) * 1000 <= time
}

async function send(
  request: FastifyRequest,
  reply: FastifyReply,
  page: Built,
  lastModified: Date,
  filename?: string,
) {
  const zipped = acceptsGzip(request.headers['accept-encoding']) ? await gzipped(page) : null
  const etag = zipped?.etag ?? page.etag
  reply.headers({
    'cache-control': CACHE_CONTROL,
    vary: 'accept-encoding',
    etag,
    'last-modified': lastModified.toUTCString(),
  })
  if (filename) reply.header('content-disposition', `attachment; filename="${filename}"`)
  if (notModified(request, etag, lastModified)) return reply.code(304).send()
  if (zipped) reply.header('content-encoding', 'gzip')
  return reply.type(page.type).send(zipped?.body ?? page.body)
}

function dashboardContext(data: PublishedSet, query: DashboardQuery) {
  const words = (query.q ?? '').toLowerCase()
  const matches = data.measures.filter(
    (m) =>
      (!words ||
        [m.code, m.title, m.definition ?? '', m.whyItMatters ?? '', m.service ?? '']
          .join(' ')
          .toLowerCase()
          .includes(words)) &&
      (!query.theme || m.themes.some((t) => t.id === query.theme)) &&
      (!query.status || m.latest?.status === query.status),
  )
  const groups = data.themes
    .filter((t) => !query.theme || t.id === query.theme)
    .map((t) => ({
      title: t.title,
      plan: t.plan,
      measures: matches.filter((m) => m.themes.some((mt) => mt.id === t.id)),
    }))
  const other = matches.filter((m) => m.themes.length === 0)
  if (!query.theme && other.length > 0)
    groups.push({ title: 'Other measures', plan: '', measures: other })
  return {
    title: `How ${data.organisation.name} is doing`,
    organisation: data.organisation,
    query,
    filtered: Boolean(query.q || query.theme || query.status),
    total: data.measures.length,
    shown: matches.length,
    groups: groups.filter((g) => g.measures.length > 0),
    themeItems: [
      { value: '', text: 'Any theme' },
      ...data.themes.map((t) => ({ value: t.id, text: t.title, selected: t.id === query.theme })),
    ],
    statusItems: [
      { value: '', text: 'Any status' },
      ...STATUSES.map((s) => ({ value: s, text: RAG_NAMES[s], selected: s === query.status })),
    ],
  }
}

function measureContext(page: PublicMeasurePage, origin: string) {
  const { measure: m } = page
  const embedUrl = `${origin}${m.links.embed}`
  return {
    title: m.title,
    organisation: page.organisation,
    m,
    spc: page.spc,
    chart: page.chart,
    embedCode: `<iframe src="${embedUrl}" title="${m.title.replaceAll('"', '&quot;')}: latest figure and chart" width="100%" height="460" style="border: 0"></iframe>`,
  }
}

const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`

/**
 * The public dashboard: no sign-in, no cookies (authentication.ts leaves /public alone), the
 * app's security headers, HTTP caching with ETag and Last-Modified, and a server cache per
 * organisation that a publication empties.
 */
export const publicRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app: FastifyInstance,
  { services },
) => {
  const publicData = services.publicDashboard
  const cache = publicData.cache
  const render = (template: string, context: Record<string, unknown>) =>
    app.view(`public/views/${template}`, context)
  // The worker that builds the published sets, if one runs, stops with the app.
  app.addHook('onClose', async () => publicData.close())

  async function cached(
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    key: string,
    build: () => Promise<Built>,
    filename?: string,
  ) {
    const { value, stamp } = await cache.get(slug, key, build)
    return send(request, reply, value, stamp.lastModified, filename)
  }

  /** Like `cached`, for what is made from the whole data set: the last good copy during a rebuild. */
  async function cachedWhole(
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    key: string,
    build: (data: PublishedSet) => Promise<Built>,
    filename?: string,
  ) {
    const { value, stamp } = await cache.getWhole(slug, key, build)
    return send(request, reply, value, stamp.lastModified, filename)
  }

  const measure = (slug: string, code: string) => publicData.measure(slug, code)

  app.get('/public', hide, async (request, reply) => {
    const organisations = await publicData.organisations()
    const body = await render('organisations.njk', {
      title: 'Public performance dashboards',
      organisations,
    })
    const latest = organisations
      .map((o) => o.lastPublished)
      .sort()
      .at(-1)
    return send(request, reply, await built(body, TYPES.html), new Date(latest ?? 0))
  })

  /**
   * The dashboard's page: its tables' rows rendered a run at a time, letting other requests run
   * between (a large council's page has 2,000 rows), then the page around them.
   */
  async function dashboardPage(data: PublishedSet, query: DashboardQuery): Promise<string> {
    const context = dashboardContext(data, query)
    const breathe = cooperate()
    const groups = []
    for (const group of context.groups) {
      const rows: string[] = []
      for (let from = 0; from < group.measures.length; from += ROWS_AT_A_TIME) {
        await breathe()
        const measures = group.measures.slice(from, from + ROWS_AT_A_TIME)
        rows.push(await render('dashboard-rows.njk', { measures }))
      }
      groups.push({ ...group, rows: rows.join('') })
    }
    await breathe()
    return render('dashboard.njk', { ...context, groups })
  }

  app.get('/public/:slug', hide, async (request, reply) => {
    const { slug } = Params.parse(request.params)
    const query = DashboardQuery.parse(request.query ?? {})
    const key = `dashboard:${JSON.stringify([query.q, query.theme, query.status])}`
    return cachedWhole(request, reply, slug, key, async (data) =>
      built(await dashboardPage(data, query), TYPES.html),
    )
  })

  app.get('/public/:slug/accessibility', hide, async (request, reply) => {
    const { slug } = Params.parse(request.params)
    return cachedWhole(request, reply, slug, 'accessibility', async ({ organisation }) => {
      return built(
        await render('accessibility.njk', { title: 'Accessibility statement', organisation }),
        TYPES.html,
      )
    })
  })

  app.get('/public/:slug/data.csv', hide, async (request, reply) => {
    const { slug } = Params.parse(request.params)
    return cachedWhole(
      request,
      reply,
      slug,
      'data.csv',
      async (data) => builtFile(data.files.csv, TYPES.csv),
      `${slug}-performance.csv`,
    )
  })

  app.get('/public/:slug/data.json', hide, async (request, reply) => {
    const { slug } = Params.parse(request.params)
    return cachedWhole(request, reply, slug, 'data.json', async (data) =>
      builtFile(data.files.json, TYPES.json),
    )
  })

  app.get('/public/:slug/feed.atom', hide, async (request, reply) => {
    const { slug } = Params.parse(request.params)
    const origin = originOf(request)
    return cachedWhole(request, reply, slug, `feed:${origin}`, async (data) =>
      built(atomFeedOf(origin, data.organisation, data.feed), TYPES.atom),
    )
  })

  // A measure's page, or its data when the address ends in .csv or .json.
  app.get('/public/:slug/measures/:file', hide, async (request, reply) => {
    const { slug, file = '' } = Params.parse(request.params)
    const match = /^(.+?)(?:\.(csv|json))?$/.exec(file)
    const code = match?.[1]
    if (!code) throw new NotFound()
    const format = match[2]
    const origin = originOf(request)
    if (format === 'csv') {
      return cached(
        request,
        reply,
        slug,
        `measure.csv:${code}`,
        async () => {
          const page = await measure(slug, code)
          return built(await toCsv(page.organisation, [page.measure]), TYPES.csv)
        },
        `${slug}-${code}.csv`.replace(/[^A-Za-z0-9._-]/g, '_'),
      )
    }
    if (format === 'json') {
      return cached(request, reply, slug, `measure.json:${code}`, async () => {
        const page = await measure(slug, code)
        return built(measureJson(page.organisation, page.measure), TYPES.json)
      })
    }
    return cached(request, reply, slug, `measure:${origin}:${code}`, async () =>
      built(
        await render('measure.njk', {
          ...measureContext(await measure(slug, code), origin),
          // How the measure compares with its peers, when the council chose to publish it.
          compare: await services.benchmarking.publicComparisonByCode(slug, code),
        }),
        TYPES.html,
      ),
    )
  })

  app.get('/public/:slug/measures/:file/embed', hide, async (request, reply) => {
    const { slug, file: code = '' } = Params.parse(request.params)
    reply.header('content-security-policy', EMBED_CSP)
    reply.removeHeader('x-frame-options')
    return cached(request, reply, slug, `embed:${code}`, async () => {
      const page = await measure(slug, code)
      return built(
        await render('embed.njk', {
          organisation: page.organisation,
          m: page.measure,
          chart: page.embedChart,
        }),
        TYPES.html,
      )
    })
  })
}
