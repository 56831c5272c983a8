import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { xmr } from '../../core/spc.ts'
import { Agent, bearer } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { loadPrincipal } from '../auth/index.ts'
import { buildDemoCouncil } from '../demo/index.ts'

interface SpcBody {
  mean: number | null
  lowerLimit: number | null
  upperLimit: number | null
  target: number | null
  points: {
    period: { start: string; label: string }
    value: number
    pointType: string
    rule: string | null
  }[]
  variation: string | null
  assurance: string | null
}

describe('statistical process control of a measure', () => {
  let ctx: TestContext
  let token: string
  let measureId: string
  let officerEmail: string

  before(async () => {
    ctx = await createTestContext('pglite')
    await buildDemoCouncil(ctx.database.db, ctx.clock.read)
    const person = await ctx.database.db
      .selectFrom('people')
      .select(['id', 'email'])
      .where('email', '=', 'performance@example-city.gov.uk')
      .executeTakeFirstOrThrow()
    officerEmail = person.email
    const principal = await loadPrincipal(ctx.database.db, person.id)
    if (!principal) throw new Error('no demo performance officer')
    token = (await ctx.services.auth.createToken(principal, 'spc test')).token
    const measure = await ctx.database.db
      .selectFrom('measures')
      .select('id')
      .where('code', '=', 'AS01')
      .executeTakeFirstOrThrow()
    measureId = measure.id
  })
  after(() => ctx.close())

  it('answers the SPC shape of ARCHITECTURE.md, computed over the approved values only', async () => {
    const app = await ctx.app()
    const response = await bearer(app, token, 'GET', `/api/v1/measures/${measureId}/spc`)
    assert.equal(response.statusCode, 200)
    const spc = response.json<SpcBody>()
    const values = await bearer(app, token, 'GET', `/api/v1/measures/${measureId}/values`)
    const approved = values.json<{
      items?: { status: string; value: number | null; period: { start: string } }[]
    }>()
    const list = (
      approved.items ??
      (approved as unknown as { status: string; value: number | null; period: { start: string } }[])
    ).filter((v) => v.status === 'approved' && v.value !== null)
    assert.equal(spc.points.length, list.length)
    assert.ok(spc.points.length >= 8, 'the demo measure has a history')
    const expected = xmr(
      list.map((v) => v.value ?? 0),
      { improvement: 'increase', target: spc.target },
    )
    assert.equal(spc.mean, expected.mean)
    assert.equal(spc.upperLimit, expected.upperLimit)
    assert.deepEqual(
      spc.points.map((p) => p.pointType),
      expected.points.map((p) => p.pointType),
    )
    assert.equal(spc.variation, expected.variation)
    assert.equal(spc.assurance, expected.assurance)
    const starts = spc.points.map((p) => p.period.start)
    assert.deepEqual([...starts].sort(), starts, 'oldest first')
  })

  it('shows the chart, the icons in words and a sentence on the measure page', async () => {
    const agent = await Agent.signedIn(await ctx.app(), officerEmail, 'golden-thread-demo')
    const page = await agent.get(`/measures/${measureId}`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /statistical process control chart/)
    assert.match(page.body, /Special cause|Common cause|Not enough data/)
    assert.match(page.body, /The chart’s data as a table/)
  })

  it('answers 404 for a measure that does not exist', async () => {
    const response = await bearer(
      await ctx.app(),
      token,
      'GET',
      '/api/v1/measures/00000000-0000-4000-8000-000000000000/spc',
    )
    assert.equal(response.statusCode, 404)
  })
})
