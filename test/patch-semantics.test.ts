import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../src/app.ts'
import * as authRepo from '../src/features/auth/auth-repository.ts'
import { buildDemoCouncil, DEMO_PEOPLE } from '../src/features/demo/demo-council.ts'
import { bearer } from './helpers/browser-agent.ts'
import { createTestContext, type TestContext } from './helpers/context.ts'
import { testModes } from './helpers/database.ts'

type Json = Record<string, unknown>
interface Property {
  type?: string | string[]
  enum?: unknown[]
  format?: string
  pattern?: string
  anyOf?: Property[]
  default?: unknown
}
interface BodySchema {
  properties?: Record<string, Property>
  required?: string[]
}
interface Operation {
  requestBody?: { content?: Record<string, { schema?: BodySchema }> }
}
type OpenApi = { paths: Record<string, Record<string, Operation>> }

const PREFIX = '/api/v1'
/** Fields read, in this order of preference, as the one text field a PATCH changes. */
const TEXT_FIELDS = [
  'description',
  'vision',
  'highlights',
  'title',
  'name',
  'jobTitle',
  'commentary',
]
const IN_APPROVAL = new Set(['submitted', 'approved'])
/** What changes on every write, whatever was sent. */
const BOOKKEEPING = new Set(['version', 'updatedAt', 'updatedBy', 'lastUpdatedAt', 'changedAt'])

const bodyOf = (operation: Operation | undefined): BodySchema =>
  operation?.requestBody?.content?.['application/json']?.schema ?? {}

const itemsOf = (body: unknown): Json[] => {
  if (Array.isArray(body)) return body as Json[]
  const items = (body as { items?: unknown } | null)?.items
  return Array.isArray(items) ? (items as Json[]) : []
}

const keyOf = (item: Json, param: string): string | undefined => {
  if (param === 'start') return (item.period as { start?: string } | undefined)?.start
  return typeof item.id === 'string' ? item.id : undefined
}

const isPlainText = (property: Property | undefined): boolean => {
  if (!property || property.enum || property.format || property.pattern) return false
  const options = property.anyOf ?? [property]
  return options.some((o) => o.type === 'string' && !o.enum && !o.format && !o.pattern)
}

/** Where a field sent shows when the item is read, when not under its own name. */
const SHOWN_AS: Record<string, string[]> = { meetingDate: ['date', 'due'] }

/** The item as read, at every depth without what every write moves on and the field sent. */
function comparable(value: unknown, changed: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v: unknown) => comparable(v, changed))
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !BOOKKEEPING.has(k) && !changed.includes(k))
      .map(([k, v]) => [k, comparable(v, changed)]),
  )
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

for (const mode of testModes()) {
  describe(`PATCH changes only what is sent (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let token: string
    let spec: OpenApi

    const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
      bearer(app, token, method, `${PREFIX}${url}`, payload)

    const getJson = async (url: string): Promise<unknown> => {
      const response = await call('GET', url)
      return response.statusCode === 200 ? response.json() : undefined
    }

    /** Items a path's collection holds: its list, or the parent's field of that name. */
    async function candidates(
      prefix: string,
      template: string,
      collection: string,
    ): Promise<Json[]> {
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

    /**
     * Every way of filling the path's parameters with demo items, the nested ones searched
     * under each parent in turn; those unlike a new item (per the create defaults) first.
     */
    interface Binding {
      url: string
      item: Json
      /** The item read afresh, whole (as its page of the API shows it). */
      read(): Promise<unknown>
      /** The item itself inside that read. */
      subject(read: unknown): Json | undefined
    }

    async function* bindings(template: string): AsyncGenerator<Binding> {
      const segments = template.split('/').filter(Boolean)
      async function* walk(index: number, url: string): AsyncGenerator<Binding> {
        const segment = segments[index] ?? ''
        const param = /^\{(.+)\}$/.exec(segment)?.[1]
        if (param === undefined) {
          yield* walk(index + 1, `${url}/${segment}`)
          return
        }
        const collection = segments[index - 1] ?? ''
        const template = `/${segments.slice(0, index).join('/')}`
        const items = await candidates(url, template, collection)
        const last = index === segments.length - 1
        for (const item of items.slice(0, last ? items.length : 25)) {
          const key = keyOf(item, param)
          if (key === undefined) continue
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

    before(async () => {
      ctx = await createTestContext(mode)
      app = await ctx.app()
      const org = await buildDemoCouncil(ctx.database.db, ctx.clock.read)
      const admin = DEMO_PEOPLE.find((p) => p.role === 'administrator')
      const person = await ctx.database.db
        .selectFrom('people')
        .select('id')
        .where('organisation_id', '=', org.id)
        .where('email', '=', admin?.email ?? '')
        .executeTakeFirstOrThrow()
      const principal = await authRepo.loadPrincipal(ctx.database.db, person.id)
      assert.ok(principal)
      token = (await ctx.services.auth.createToken(principal, 'patch test')).token
      spec = (await app.inject({ url: `${PREFIX}/openapi.json` })).json<OpenApi>()
      // The demo's project updates are all sent for approval or approved: add one in draft.
      const project = itemsOf(await getJson('/projects?pageSize=500')).find(
        (p) => p.level === 'project',
      )
      const draft = await call('POST', `/projects/${String(project?.id)}/updates`, {
        month: '2026-11',
        highlights: 'A draft update',
        confidence: 'medium',
      })
      assert.equal(draft.statusCode, 201, draft.body)
      // Likewise its figures: enter one, as a draft, for a period long past.
      const labels: Record<string, string> = {
        quarterly: '2018/19 Q1',
        monthly: 'Apr 2018',
        annual: '2018/19',
      }
      let entered = false
      for (const measure of itemsOf(await getJson('/measures?pageSize=500')).slice(0, 20)) {
        const period = labels[String(measure.frequency)]
        if (!period) continue
        const response = await call('POST', `/measures/${String(measure.id)}/values`, {
          period,
          value: 1,
          commentary: 'A draft figure',
        })
        entered = response.statusCode === 201
        if (entered) break
      }
      assert.ok(entered, 'no draft figure could be entered')
    })
    after(() => ctx.close())

    it('changes one field of every kind of item and leaves the rest as it was', async () => {
      const patches = Object.entries(spec.paths).filter(([, ops]) => ops.patch)
      assert.ok(patches.length >= 15, `only ${patches.length} PATCH routes found`)
      const problems: string[] = []
      for (const [path, ops] of patches) {
        const template = path.slice(PREFIX.length)
        const schema = bodyOf(ops.patch)
        const properties = schema.properties ?? {}
        const field = TEXT_FIELDS.find((f) => isPlainText(properties[f]))
        const dateField = Object.keys(properties).find((f) => /Date$/.test(f))
        // The defaults a new item of this kind gets: an item unlike them shows a reset.
        const createPath = path.replace(/\/\{[^}]+\}$/, '')
        const defaults = Object.entries(bodyOf(spec.paths[createPath]?.post).properties ?? {})
          .filter(([, p]) => p.default !== undefined && typeof p.default !== 'object')
          .map(([name, p]) => [name, p.default] as const)
        const changed = field ?? dateField
        if (!changed) {
          problems.push(`${path}: no field to change`)
          continue
        }
        // Items unlike a new one first; one whose state refuses the change (409, or a restatement
        // that needs a reason) is passed over.
        const found: Binding[] = []
        for await (const binding of bindings(template)) {
          found.push(binding)
          if (found.length >= 300) break
        }
        // A change to a figure sent for approval withdraws it: that is the workflow, not a reset.
        const rank = (b: Binding) =>
          (defaults.every(([name, v]) => b.item[name] !== v) ? 0 : 1) +
          (IN_APPROVAL.has(String(b.item.status)) ? 2 : 0)
        const ordered = found
          .map((binding, index) => ({ binding, index }))
          .sort((x, y) => rank(x.binding) - rank(y.binding) || x.index - y.index)
          .map((x) => x.binding)
        if (ordered.length === 0) problems.push(`${path}: no demo item to change`)
        const value = field ? `Changed by the PATCH test ${field}` : '2031-01-15'
        const refusals: string[] = []
        for (const chosen of ordered) {
          const before = await chosen.read()
          const subject = chosen.subject(before) ?? {}
          const body: Json = { [changed]: value }
          if ('version' in properties && typeof subject.version === 'number') {
            body.version = subject.version
          }
          const response = await call('PATCH', chosen.url, body)
          const needsReason =
            response.statusCode === 400 &&
            response.json<{ error: { details?: { field: string }[] } }>().error.details?.[0]
              ?.field === 'reason'
          if (response.statusCode === 409 || needsReason) {
            refusals.push(response.body)
            continue
          }
          if (response.statusCode !== 200) {
            problems.push(
              `${path}: ${JSON.stringify(body)} answered ${response.statusCode} ${response.body}`,
            )
            break
          }
          const after = await chosen.read()
          const shownAs = SHOWN_AS[changed] ?? [changed]
          if (field && chosen.subject(after)?.[changed] !== value) {
            problems.push(`${path}: ${changed} is not the value sent`)
          }
          try {
            assert.deepEqual(comparable(after, shownAs), comparable(before, shownAs))
          } catch (error) {
            problems.push(`${path}: ${(error as Error).message}`)
          }
          refusals.length = 0
          break
        }
        if (refusals.length > 0) problems.push(`${path}: every item refused: ${refusals[0] ?? ''}`)
      }
      assert.deepEqual(problems, [])
    })

    it('keeps the other quality assessments when one note is sent', async () => {
      const measures = itemsOf(await getJson('/measures?pageSize=500'))
      const measure = measures[0]
      assert.ok(measure)
      const url = `/measures/${String(measure.id)}`
      const assessed = {
        relevant: { assessment: 'met', notes: 'From the corporate plan' },
        wellDefined: { assessment: 'partly_met', notes: null },
        timely: { assessment: 'not_met', notes: null },
        reliable: { assessment: 'met', notes: null },
        verifiable: { assessment: 'met', notes: null },
        accurate: { assessment: 'partly_met', notes: null },
      }
      assert.equal((await call('PATCH', url, { quality: assessed })).statusCode, 200)
      const response = await call('PATCH', url, { quality: { timely: { notes: 'Late twice' } } })
      assert.equal(response.statusCode, 200, response.body)
      const quality = ((await getJson(url)) as Json).quality
      assert.deepEqual(quality, {
        ...assessed,
        timely: { assessment: 'not_met', notes: 'Late twice' },
      })
    })
  })
}
