import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { DEMO_PASSWORD, DEMO_PEOPLE } from '../src/features/demo/index.ts'
import { Agent } from './helpers/browser-agent.ts'
import { createTestContext, type TestContext } from './helpers/context.ts'
import { testModes } from './helpers/database.ts'
import {
  bodyOf,
  demoApi,
  itemsOf,
  PREFIX,
  type DemoApi,
  type Json,
  type Property,
} from './helpers/demo-api.ts'

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE'
const WRITE_METHODS: readonly Method[] = ['POST', 'PUT', 'PATCH', 'DELETE']

/** Where the id of a field named like this comes from, so a body reaches past its checks. */
const REFERENCES: readonly [RegExp, string][] = [
  [/register/i, '/risk-registers'],
  [/unit/i, '/units'],
  [/owner|sro|manager|approver|officer|person/i, '/people'],
  [/plan/i, '/plans'],
  [/project|dependsOn|^parentId$/i, '/projects'],
  [/measure/i, '/measures'],
  [/saving/i, '/savings'],
  [/committee/i, '/committees'],
  [/risk/i, '/risks'],
]

const CONTROL = ['\u0001', '\u0007', '\u000b', '\u001b', '\u007f', '\u0085', '\u009f']
const HUGE = [1e308, -1e308, 1e300, 1e16, -1e16, 2 ** 31, 2 ** 53, 2 ** 63]
const WRONG = [true, false, [], {}, 'true', 1.5, -1, null, '', [[]], { $gt: '' }]

interface Sample {
  body: Json
  /** Paths of the free-text strings in it, and of its numbers. */
  text: string[][]
  numbers: string[][]
}

const isUuid = (p: Property): boolean =>
  p.format === 'uuid' || (p.anyOf ?? []).some((o) => isUuid(o))

/** A body that passes the route's schema as far as can be told from its OpenAPI document. */
function sample(schema: Property, ids: Map<string, string>): Sample {
  const text: string[][] = []
  const numbers: string[][] = []
  let counter = 0
  const value = (p: Property, name: string, path: string[]): unknown => {
    const options = p.anyOf?.filter((o) => o.type !== 'null') ?? []
    if (options[0] && !p.type) return value(options[0], name, path)
    if (p.enum) return p.enum[0]
    const type = Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type
    if (type === 'object' || p.properties) {
      return Object.fromEntries(
        Object.entries(p.properties ?? {})
          .map(([key, child]) => [key, value(child, key, [...path, key])] as const)
          .filter(([, v]) => v !== undefined),
      )
    }
    if (type === 'array') {
      return Array.from({ length: p.minItems ?? 0 }, (_, i) =>
        value(p.items ?? {}, name, [...path, String(i)]),
      )
    }
    if (type === 'boolean') return false
    if (type === 'number' || type === 'integer') {
      numbers.push(path)
      return Math.max(p.minimum ?? 1, 1)
    }
    if (isUuid(p)) {
      const source = REFERENCES.find(([pattern]) => pattern.test(name))?.[1]
      return source ? ids.get(source) : undefined
    }
    if (p.format === 'email' || name === 'email') return `fuzz${counter++}@example.org`
    if (/Date$|^due$|reviewedOn|^date$/.test(name)) return '2025-06-30'
    if (/[Yy]ear$/.test(name)) return '2025/26'
    if (name === 'month') return '2025-06'
    if (/period|^from$|^to$/.test(name)) return '2024/25 Q2'
    if (/code|reference|slug|kind$/i.test(name)) return `FZ${counter++}`
    if (name === 'password') return undefined
    text.push(path)
    return 'Fuzz text'
  }
  const body = value(schema, '', [])
  return { body: (body ?? {}) as Json, text, numbers }
}

function setAt(body: unknown, path: readonly string[], change: (old: unknown) => unknown): unknown {
  if (path.length === 0) return change(body)
  const [head = '', ...rest] = path
  const copy = (Array.isArray(body) ? [...(body as unknown[])] : { ...(body as Json) }) as Json
  copy[head] = setAt(copy[head], rest, change)
  return copy
}

const deepJunk = (depth: number): unknown => (depth === 0 ? 'x' : { a: [deepJunk(depth - 1)] })

/** Hostile bodies built on the route's plausible one, each kind a fast-check arbitrary. */
function hostile(base: Sample): fc.Arbitrary<unknown>[] {
  const withControl = fc
    .tuple(fc.constantFrom(...CONTROL), fc.nat(), fc.constantFrom(...base.text, []))
    .map(([character, at, extra]) =>
      // Every free-text field at once: no valid field to stop the body before the database.
      [...base.text, extra].reduce<unknown>(
        (body, path) =>
          setAt(body, path, (old) => {
            const text = typeof old === 'string' ? old : 'Fuzz'
            const i = at % (text.length + 1)
            // NUL always, which PostgreSQL refuses in text, and one more of the others.
            return `${text.slice(0, i)}\u0000${character}${text.slice(i)}`
          }),
        base.body,
      ),
    )
  const keys = Object.keys(base.body)
  const numberPaths = base.numbers.length > 0 ? base.numbers : keys.map((k) => [k])
  const withHuge = fc
    .constantFrom(...HUGE)
    .map((huge) =>
      numberPaths.reduce<unknown>((body, path) => setAt(body, path, () => huge), base.body),
    )
  const withWrongType = fc
    .tuple(fc.constantFrom(...WRONG), fc.constantFrom(...(keys.length > 0 ? keys : ['x'])))
    .map(([wrong, key]) => ({ ...base.body, [key]: wrong }))
  const withJunk = fc.oneof(
    fc.integer({ min: 20, max: 200 }).map((depth) => ({ ...base.body, junk: deepJunk(depth) })),
    fc
      .anything({ maxDepth: 4 })
      .map((junk) => ({ ...base.body, ...(keys[0] && { [keys[0]]: junk }) })),
  )
  const empty = fc.constantFrom(undefined, {}, [], '', 'null', 0)
  return [withControl, withHuge, withWrongType, withJunk, empty]
}

const describeBody = (body: unknown) => {
  // JSON.stringify gives undefined for undefined, whatever its type says.
  const text = body === undefined ? 'undefined' : JSON.stringify(body)
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}

for (const mode of testModes()) {
  describe(`bad input gives 4xx, never 5xx, and writes nothing (${mode})`, () => {
    let ctx: TestContext
    let api: DemoApi
    const ids = new Map<string, string>()

    const auditCount = async () =>
      Number(
        (
          await ctx.database.db
            .selectFrom('audit_records')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('organisation_id', '=', api.organisationId)
            .executeTakeFirstOrThrow()
        ).n,
      )

    before(async () => {
      ctx = await createTestContext(mode)
      api = await demoApi(ctx)
      for (const list of new Set(REFERENCES.map(([, list]) => list))) {
        const first = itemsOf(await api.getJson(list))[0]
        if (typeof first?.id === 'string') ids.set(list, first.id)
      }
    })
    after(() => ctx.close())

    it('answers hostile bodies on every write route of the OpenAPI document', async () => {
      const routes = Object.entries(api.spec.paths).flatMap(([path, operations]) =>
        WRITE_METHODS.filter((m) => operations[m.toLowerCase()]).map((method) => ({
          method,
          template: path.slice(PREFIX.length),
          schema: bodyOf(operations[method.toLowerCase()]),
        })),
      )
      assert.ok(routes.length >= 60, `only ${routes.length} write routes found`)
      const failures: string[] = []
      let requests = 0
      let audits = await auditCount()
      for (const route of routes) {
        // A real item where the path names one, so the body is what decides the answer.
        let url = route.template.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000')
        for await (const binding of api.bindings(route.template)) {
          url = binding.url
          break
        }
        const base = sample(route.schema, ids)
        for (const arbitrary of hostile(base)) {
          await fc.assert(
            fc.asyncProperty(arbitrary, async (body) => {
              const response = await api.call(route.method, url, body)
              requests++
              const label = `${route.method} ${url} ${describeBody(body)}`
              const before = audits
              audits = await auditCount()
              if (response.statusCode >= 500) {
                failures.push(`${label} answered ${response.statusCode} ${response.body}`)
              } else if (response.statusCode >= 400 && audits !== before) {
                failures.push(`${label} answered ${response.statusCode} but wrote an audit record`)
              }
            }),
            { numRuns: 1 },
          )
        }
      }
      assert.ok(requests >= 300, `only ${requests} requests sent`)
      assert.deepEqual(failures, [])
    })

    it('refuses malformed multipart bodies with 400', async () => {
      const malformed = [
        { type: 'multipart/form-data', payload: 'no boundary at all' },
        { type: 'multipart/form-data; boundary=X', payload: '--X\r\nContent-Disposition: form' },
        {
          type: 'multipart/form-data; boundary=X',
          payload: '--X\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nab',
        },
        { type: 'multipart/form-data; boundary=X', payload: '--Y--\r\n' },
      ]
      for (const { type, payload } of malformed) {
        const response = await api.app.inject({
          method: 'POST',
          url: `${PREFIX}/imports`,
          headers: { authorization: `Bearer ${api.token}`, 'content-type': type },
          payload,
        })
        assert.equal(response.statusCode, 400, `${type} ${payload}: ${response.body}`)
      }
    })

    it('re-shows a form with its error, not a server error, when text holds a NUL', async () => {
      const admin = DEMO_PEOPLE.find((p) => p.role === 'administrator')
      const agent = await Agent.signedIn(api.app, admin?.email ?? '', DEMO_PASSWORD)
      await agent.get('/units/new')
      const audits = await auditCount()
      const response = await agent.post('/units/new', { name: 'Null\u0000Team', kind: 'team' })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /Remove the control characters/)
      assert.equal(await auditCount(), audits)
    })

    it('refuses true where a whole number is expected instead of reading it as 1', async () => {
      const matrix = (await api.getJson('/risk-matrix')) as Json
      const response = await api.call('PUT', '/risk-matrix', { ...matrix, appetite: true })
      assert.equal(response.statusCode, 400, response.body)
      assert.equal(
        response.json<{ error: { details: { field: string }[] } }>().error.details[0]?.field,
        'appetite',
      )
    })

    it('refuses a target, value or comparator past a sane size, so no chart draws NaN', async () => {
      const labels: Record<string, string> = {
        quarterly: '2018/19 Q1',
        monthly: 'Apr 2018',
        annual: '2018/19',
      }
      // A count, where no range rule of its own would refuse the figure.
      const measure = itemsOf(await api.getJson('/measures?pageSize=500')).find(
        (m) => m.unit === 'number' && !m.formula && labels[String(m.frequency)] !== undefined,
      )
      assert.ok(measure)
      const url = `/measures/${String(measure.id)}`
      const period = labels[String(measure.frequency)]
      const audits = await auditCount()
      const attempts = [
        await api.call('PUT', `${url}/targets`, { targets: [{ period, value: 1e308 }] }),
        await api.call('POST', `${url}/values`, { period, value: -1e308, commentary: 'Huge' }),
        await api.call('POST', `${url}/benchmarks`, { period, nationalMedian: 1e308, source: 'X' }),
        await api.call('PATCH', url, { baselineValue: 1e300 }),
      ]
      assert.deepEqual(
        attempts.map((r) => r.statusCode),
        [400, 400, 400, 400],
        attempts.map((r) => r.body).join('\n'),
      )
      assert.equal(await auditCount(), audits)
    })
  })
}
