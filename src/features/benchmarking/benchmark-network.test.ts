import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { bearer } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'
import { createBenchmarkService } from './benchmark-service.ts'

type Person = Principal & { email: string }

const QUARTERS = ['2024/25 Q1', '2024/25 Q2', '2024/25 Q3', '2024/25 Q4']

/** One Golden Thread instance on a loopback port, publishing one measure's approved figures. */
interface Instance {
  ctx: TestContext
  app: App
  org: TestOrganisation
  admin: Person
  token: string
  measureId: string
  url: string
}

async function instance(mode: 'pglite' | 'postgres', name: string, values: number[]) {
  const ctx = await createTestContext(mode)
  ctx.clock.now = new Date('2025-06-20T10:00:00Z')
  const org = await ctx.organisation(name)
  const admin = await ctx.person(org, { role: 'administrator', name: `${name} Admin` })
  const approver = await ctx.person(org, { role: 'approver', name: `${name} Approver` })
  await ctx.services.publicDashboard.updateSettings(admin, {
    publishes: true,
    suppressBelow: 5,
    showNames: false,
  })
  const measure = await ctx.services.measures.create(admin, {
    code: name.slice(0, 3).toUpperCase() + '1',
    title: 'Households prevented from becoming homeless',
    unit: 'percent',
    decimals: 1,
    polarity: 'higher_is_better',
    frequency: 'quarterly',
    kind: 'strategic',
    unitId: org.units.care,
    public: true,
    nationalIndicatorRef: 'HOM 01',
  })
  for (const [i, value] of values.entries()) {
    const period = QUARTERS[i] ?? ''
    const saved = await ctx.services.values.save(admin, measure.id, {
      period,
      value,
      commentary: 'As reported',
      submit: true,
    })
    await ctx.services.values.approve(approver, measure.id, saved.value.period.start)
  }
  const app = await ctx.app()
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as AddressInfo).port
  const token = (await ctx.services.auth.createToken(admin, 'tests')).token
  return {
    ctx,
    app,
    org,
    admin,
    token,
    measureId: measure.id,
    url: `http://127.0.0.1:${port}/public/${org.slug}/data.json`,
  } satisfies Instance
}

/** A misbehaving server: slow, huge or not Golden Thread data. */
async function badServer(): Promise<{ server: Server; base: string }> {
  const server = createServer((request, response) => {
    if (request.url === '/slow') {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.write('{"schemaVersion":')
      return // never finishes
    }
    if (request.url === '/huge') {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end('['.padEnd(5000, ' ') + ']')
      return
    }
    if (request.url === '/wrong') {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ schemaVersion: 1, organisation: {}, measures: 'no' }))
      return
    }
    response.writeHead(500)
    response.end('Internal Server Error')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { server, base: `http://127.0.0.1:${port}` }
}

for (const mode of testModes()) {
  describe(`benchmarking between two Golden Thread instances (${mode})`, () => {
    let north: Instance
    let south: Instance
    let northSource: string
    let southSource: string
    let bad: { server: Server; base: string }

    before(async () => {
      north = await instance(mode, 'Northtown Council', [60, 62, 64, 66])
      south = await instance(mode, 'Southport Council', [70, 65, 63, 61])
      bad = await badServer()
    })

    after(async () => {
      bad.server.closeAllConnections()
      await new Promise((resolve) => bad.server.close(resolve))
      await north.ctx.close()
      await south.ctx.close()
    })

    it('each fetches the other’s open data and ranks itself against it', async () => {
      const n = north.ctx.services.benchmarking
      const s = south.ctx.services.benchmarking
      northSource = (
        await n.createSource(north.admin, {
          name: 'Southport open data',
          kind: 'golden_thread',
          url: south.url,
          refreshHours: 24,
        })
      ).id
      southSource = (
        await s.createSource(south.admin, {
          name: 'Northtown open data',
          kind: 'golden_thread',
          url: north.url,
          refreshHours: 24,
        })
      ).id
      assert.equal((await n.refresh(north.admin, northSource)).status, 'updated')
      assert.equal((await s.refresh(south.admin, southSource)).status, 'updated')

      const fromNorth = await n.compareMeasure(north.admin, north.measureId)
      assert.equal(fromNorth.group?.key, 'network')
      assert.equal(fromNorth.matches[0]?.basis, 'reference')
      const current = fromNorth.comparison?.current
      assert.equal(current?.period.label, '2024/25 Q4')
      assert.equal(current.rankText, '1st of 2')
      assert.equal(current.medianText, '63.5%')
      assert.equal(fromNorth.comparison?.series[0]?.rankText, '2nd of 2')
      assert.equal(fromNorth.comparison.trend?.direction, 'improving')

      const fromSouth = await s.compareMeasure(south.admin, south.measureId)
      assert.equal(fromSouth.comparison?.current?.rankText, '2nd of 2')
      assert.equal(fromSouth.comparison.trend?.direction, 'worsening')
      assert.match(fromSouth.comparison.sentence ?? '', /getting worse/)
    })

    it('asks again with the ETag and is told nothing changed', async () => {
      const n = north.ctx.services.benchmarking
      assert.equal((await n.refresh(north.admin, northSource)).status, 'not_modified')
    })

    it('checks each source again on its schedule, and not before', async () => {
      const n = north.ctx.services.benchmarking
      assert.deepEqual(await n.refreshDue(), [])
      north.ctx.clock.advance(25 * 3_600_000)
      const due = await n.refreshDue()
      assert.deepEqual(
        due.map((o) => o.status),
        ['not_modified'],
      )
      assert.deepEqual(await n.refreshDue(), [])
    })

    it('keeps the last good copy when a source is down, slow, too large or not the schema', async () => {
      const strict = createBenchmarkService({
        db: north.ctx.database.db,
        clock: north.ctx.clock.read,
        measures: north.ctx.services.measures,
        limits: { timeoutMs: 300, maxBytes: 1000 },
      })
      const n = north.ctx.services.benchmarking
      const before = (await n.getSource(north.admin, northSource)).source
      const cases = [
        ['/slow', /did not (answer|finish sending) within/],
        ['/huge', /more than the|larger than/],
        ['/wrong', /not Golden Thread open data/],
        ['/missing', /answered 500/],
      ] as const
      for (const [path, message] of cases) {
        await n.updateSource(north.admin, northSource, { url: `${bad.base}${path}` })
        const outcome = await strict.refresh(north.admin, northSource)
        assert.equal(outcome.status, 'failed', path)
        assert.match(outcome.message, message)
        const after = (await n.getSource(north.admin, northSource)).source
        assert.equal(after.figureCount, before.figureCount, `${path} kept the copy`)
        assert.equal(after.fetchedAt, before.fetchedAt)
        assert.match(after.statusText, /Last attempt failed; showing the copy from/)
        assert.equal(after.lastError, outcome.message)
      }
      // Comparisons still use the copy held, and say how old it is and that updating failed.
      const view = await n.compareMeasure(north.admin, north.measureId)
      assert.equal(view.comparison?.current?.rankText, '1st of 2')
      assert.match(view.comparison.sources[0]?.lastError ?? '', /answered 500/)
      // An uploaded copy that is not the schema changes nothing either.
      await assert.rejects(
        n.loadFiles(north.admin, northSource, { files: [{ name: 'data.json', content: '{' }] }),
        /not JSON.*Nothing was imported/,
      )
      assert.equal(
        (await n.getSource(north.admin, northSource)).source.figureCount,
        before.figureCount,
      )
      // Every attempt is audited.
      const failures = await north.ctx.database.db
        .selectFrom('audit_records')
        .select('summary')
        .where('organisation_id', '=', north.org.id)
        .where('action', '=', 'benchmark_source_failed')
        .execute()
      assert.equal(failures.length, 5)
      await n.updateSource(north.admin, northSource, { url: south.url })
    })

    it('refuses a match whose units or polarity differ, with the reason', async () => {
      const count = await north.ctx.services.measures.create(north.admin, {
        code: 'CNT1',
        title: 'Households prevented from becoming homeless (number)',
        unit: 'number',
        polarity: 'higher_is_better',
        frequency: 'quarterly',
        kind: 'strategic',
      })
      const n = north.ctx.services.benchmarking
      const code = (await n.getSource(north.admin, northSource)).indicators[0]?.code ?? ''
      await assert.rejects(
        n.confirmMatch(north.admin, { measureId: count.id, sourceId: northSource, code }),
        /Units differ: CNT1 is number, SOU1 is percentage/,
      )
      const suggestions = await n.suggestions(north.admin, count.id)
      assert.equal(suggestions[0]?.agrees, false)
    })

    it('serves sources, groups, matches and comparisons on the API, and none of another council’s', async () => {
      const call = (token: string, url: string) => bearer(north.app, token, 'GET', `/api/v1${url}`)
      const sources = (await call(north.token, '/benchmark-sources')).json<{ total: number }>()
      assert.equal(sources.total, 1)
      const groups = (await call(north.token, '/benchmark-groups')).json<{
        builtIn: { key: string }[]
      }>()
      assert.deepEqual(
        groups.builtIn.map((g) => g.key),
        ['network'],
      )
      const matches = (await call(north.token, '/benchmark-matches')).json<{ total: number }>()
      assert.equal(matches.total, 1)
      const comparison = await call(
        north.token,
        `/measures/${north.measureId}/comparisons?group=network&period=2024/25 Q2`,
      )
      assert.equal(comparison.statusCode, 200)
      assert.equal(
        comparison.json<{ comparison: { current: { rankText: string } } }>().comparison.current
          .rankText,
        '2nd of 2',
      )
      const wrongGroup = await call(north.token, `/measures/${north.measureId}/comparisons?group=x`)
      assert.equal(wrongGroup.statusCode, 400)
      // The other instance's ids mean nothing here.
      const outsider = await north.ctx.organisation('Outsider Council')
      const stranger = await north.ctx.person(outsider, { role: 'administrator' })
      const strangerToken = (await north.ctx.services.auth.createToken(stranger, 't')).token
      assert.equal((await call(strangerToken, `/benchmark-sources/${northSource}`)).statusCode, 404)
      assert.equal(
        (await call(strangerToken, `/measures/${north.measureId}/comparisons`)).statusCode,
        404,
      )
    })

    it('shows the comparison on the public page only once the council publishes it', async () => {
      const page = `/public/${north.org.slug}/measures/NOR1`
      const b = north.ctx.services.benchmarking
      assert.equal(await b.publicComparisonByCode(north.org.slug, 'NOR1'), null)
      await b.publish(north.admin, north.measureId, 'network')
      // The public page is cached until the next publication, which publishing this is.
      const shown = (await north.app.inject({ method: 'GET', url: page })).body
      assert.match(shown, /How we compare/)
      assert.match(shown, /1st of 2/)
    })
  })
}
