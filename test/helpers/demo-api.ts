import type { App } from '../../src/app.ts'
import { authRepository as authRepo } from '../../src/features/auth/index.ts'
import { buildDemoCouncil, DEMO_PEOPLE } from '../../src/features/demo/index.ts'
import { bearer } from './browser-agent.ts'
import type { TestContext } from './context.ts'

export type Json = Record<string, unknown>
export interface Property {
  type?: string | string[]
  enum?: unknown[]
  format?: string
  pattern?: string
  anyOf?: Property[]
  default?: unknown
  properties?: Record<string, Property>
  required?: string[]
  items?: Property
  minItems?: number
  minimum?: number
  maximum?: number
}
export interface Operation {
  requestBody?: { content?: Record<string, { schema?: Property }> }
}
export interface OpenApi {
  paths: Record<string, Record<string, Operation>>
}
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export const PREFIX = '/api/v1'

export const bodyOf = (operation: Operation | undefined): Property =>
  operation?.requestBody?.content?.['application/json']?.schema ?? {}

export const itemsOf = (body: unknown): Json[] => {
  if (Array.isArray(body)) return body as Json[]
  const items = (body as { items?: unknown } | null)?.items
  return Array.isArray(items) ? (items as Json[]) : []
}

const keyOf = (item: Json, param: string): string | undefined => {
  if (param === 'start') return (item.period as { start?: string } | undefined)?.start
  return typeof item.id === 'string' ? item.id : undefined
}

/** The item itself from a read that wraps it, like `{committee, meetings}`. */
function subjectOf(read: unknown, id: string | undefined): Json | undefined {
  if (read === null || typeof read !== 'object') return undefined
  const json = read as Json
  if (json.id === id || id === undefined) return json
  const inner = Object.values(json).find(
    (v) => v !== null && typeof v === 'object' && (v as Json).id === id,
  )
  return (inner as Json | undefined) ?? json
}

/** One way of filling a path's parameters with demo items. */
export interface Binding {
  readonly url: string
  readonly item: Json
  /** The item read afresh, whole (as its page of the API shows it). */
  read(): Promise<unknown>
  /** The item itself inside that read. */
  subject(read: unknown): Json | undefined
}

/** The demo council through the API, as its administrator with a bearer token. */
export interface DemoApi {
  readonly app: App
  readonly organisationId: string
  readonly token: string
  readonly tokenId: string
  readonly spec: OpenApi
  call(method: Method, url: string, payload?: unknown): ReturnType<typeof bearer>
  getJson(url: string): Promise<unknown>
  /** Every binding of the template's parameters, nested ones searched under each parent. */
  bindings(template: string): AsyncGenerator<Binding>
}

export async function demoApi(ctx: TestContext): Promise<DemoApi> {
  const app = await ctx.app()
  const org = await buildDemoCouncil(ctx.database.db, ctx.clock.read)
  const admin = DEMO_PEOPLE.find((p) => p.role === 'administrator')
  const person = await ctx.database.db
    .selectFrom('people')
    .select('id')
    .where('organisation_id', '=', org.id)
    .where('email', '=', admin?.email ?? '')
    .executeTakeFirstOrThrow()
  const principal = await authRepo.loadPrincipal(ctx.database.db, person.id)
  if (!principal) throw new Error('the demo administrator could not be loaded')
  const created = await ctx.services.auth.createToken(principal, 'API walk')
  const spec = (await app.inject({ url: `${PREFIX}/openapi.json` })).json<OpenApi>()

  const call = (method: Method, url: string, payload?: unknown) =>
    bearer(app, created.token, method, `${PREFIX}${url}`, payload)
  const getJson = async (url: string): Promise<unknown> => {
    const response = await call('GET', url)
    return response.statusCode === 200 ? response.json() : undefined
  }

  /** Items a path's collection holds: its list, or the parent's field of that name. */
  async function candidates(prefix: string, template: string, collection: string) {
    const listed = spec.paths[`${PREFIX}${template}`]?.get ? await getJson(prefix) : undefined
    if (listed !== undefined) return itemsOf(listed)
    const parentPath = prefix.slice(0, prefix.length - collection.length - 1)
    if (parentPath) {
      const parent = (await getJson(parentPath)) as Json | undefined
      const field = parent?.[collection]
      if (Array.isArray(field)) return field as Json[]
    }
    // Plan nodes are listed under their plans only.
    if (collection === 'nodes') {
      const plans = itemsOf(await getJson('/plans'))
      const lists = await Promise.all(plans.map((p) => getJson(`/plans/${String(p.id)}/nodes`)))
      return lists.flatMap(itemsOf)
    }
    return []
  }

  async function* bindings(template: string): AsyncGenerator<Binding> {
    const segments = template.split('/').filter(Boolean)
    async function* walk(index: number, url: string): AsyncGenerator<Binding> {
      const segment = segments[index] ?? ''
      const param = /^\{(.+)\}$/.exec(segment)?.[1]
      if (param === undefined) {
        if (index < segments.length) yield* walk(index + 1, `${url}/${segment}`)
        return
      }
      const collection = segments[index - 1] ?? ''
      const template = `/${segments.slice(0, index).join('/')}`
      const items = await candidates(url, template, collection)
      const last = index === segments.length - 1
      for (const item of items.slice(0, last ? items.length : 25)) {
        const key = keyOf(item, param)
        // The walk's own token stays, or every later request would be refused.
        if (key === undefined || key === created.id) continue
        const next = `${url}/${encodeURIComponent(key)}`
        const fromList = async () =>
          (await candidates(url, template, collection)).find((i) => keyOf(i, param) === key)
        if (last)
          yield {
            url: next,
            item,
            read: spec.paths[`${PREFIX}${template}/{${param}}`]?.get
              ? () => getJson(next)
              : fromList,
            subject: (read) => subjectOf(read, param === 'start' ? undefined : key),
          }
        else yield* walk(index + 1, next)
      }
    }
    yield* walk(0, '')
  }

  return {
    app,
    organisationId: org.id,
    token: created.token,
    tokenId: created.id,
    spec,
    call,
    getJson,
    bindings,
  }
}
