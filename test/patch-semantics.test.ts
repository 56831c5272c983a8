import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestContext, type TestContext } from './helpers/context.ts'
import { testModes } from './helpers/database.ts'
import {
  bodyOf,
  demoApi,
  itemsOf,
  PREFIX,
  type Binding,
  type DemoApi,
  type Json,
  type Property,
} from './helpers/demo-api.ts'

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

for (const mode of testModes()) {
  describe(`PATCH changes only what is sent (${mode})`, () => {
    let ctx: TestContext
    let api: DemoApi
    const call: DemoApi['call'] = (...args) => api.call(...args)
    const getJson = (url: string) => api.getJson(url)

    before(async () => {
      ctx = await createTestContext(mode)
      api = await demoApi(ctx)
      // The demo's project updates are all sent for approval or approved: add one in draft.
      const project = itemsOf(await getJson('/projects?pageSize=500')).find(
        (p) => p.level === 'project',
      )
      // A month the demo has no update for (it has the last three).
      let draft = await call('GET', '/projects')
      for (const month of ['2021-01', '2026-11', '2019-01']) {
        draft = await call('POST', `/projects/${String(project?.id)}/updates`, {
          month,
          highlights: 'A draft update',
          confidence: 'medium',
        })
        if (draft.statusCode === 201) break
      }
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
      const patches = Object.entries(api.spec.paths).filter(([, ops]) => ops.patch)
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
        const defaults = Object.entries(bodyOf(api.spec.paths[createPath]?.post).properties ?? {})
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
        for await (const binding of api.bindings(template)) {
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
