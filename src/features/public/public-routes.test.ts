import assert from 'node:assert/strict'
import { gunzipSync } from 'node:zlib'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { NotFound } from '../../errors.ts'
import { measureSpc } from '../measures/index.ts'
import { approvedMonthlyMeasure, REDESIGN } from '../spc/index.ts'
import { DEFAULT_CACHE } from './public-cache.ts'
import { createPublicService } from './public-service.ts'
import type { Principal } from '../../core/principal.ts'

type Person = Principal & { email: string }

/** Everything internal the test council holds; none of it may reach a public page or file. */
const SECRETS = [
  '777777',
  '777,777',
  '888888',
  '888,888',
  '666666',
  '666,666',
  '4242',
  '4,242',
  'Awaiting approval commentary zeta',
  'Draft commentary eta',
  'Returned commentary theta',
  'Return reason kappa',
  'Internal secret measure',
  'INT1',
  'Internal commentary iota',
  'Draft measure lambda',
  'DRF1',
  'Ophelia Ownername',
  'Clara Clerkname',
  'Arthur Approvername',
  'Adam Adminname',
  '@example.org',
]

for (const mode of testModes()) {
  describe(`public dashboard (${mode})`, () => {
    let ctx: TestContext
    let app: App
    let org: TestOrganisation
    let other: TestOrganisation
    let admin: Person
    let clerk: Person
    let approver: Person
    let owner: Person
    let pub1: string
    let pub2: string
    let base: string

    async function enter(id: string, period: string, value: number, commentary: string) {
      await ctx.services.values.save(clerk, id, { period, value, commentary, submit: true })
    }
    const approve = (id: string, start: string) => ctx.services.values.approve(approver, id, start)

    /** Every public address, pages and files, for this council. */
    function publicUrls(): string[] {
      const measure = (code: string) => [
        `${base}/measures/${code}`,
        `${base}/measures/${code}.csv`,
        `${base}/measures/${code}.json`,
        `${base}/measures/${code}/embed`,
      ]
      return [
        '/public',
        base,
        `${base}?q=pub`,
        `${base}?status=red`,
        `${base}/accessibility`,
        `${base}/data.csv`,
        `${base}/data.json`,
        `${base}/feed.atom`,
        ...measure('PUB1'),
        ...measure('PUB2'),
      ]
    }

    const get = (url: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url, headers })

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      app = await ctx.app()
      org = await ctx.organisation('Open Borough')
      other = await ctx.organisation('Closed District')
      base = `/public/${org.slug}`
      admin = await ctx.person(org, { role: 'administrator', name: 'Adam Adminname' })
      clerk = await ctx.person(org, {
        role: 'data_entry',
        roleUnit: 'waste',
        name: 'Clara Clerkname',
      })
      approver = await ctx.person(org, {
        role: 'approver',
        roleUnit: 'place',
        name: 'Arthur Approvername',
      })
      owner = await ctx.person(org, { role: 'viewer', name: 'Ophelia Ownername' })
      await ctx.services.publicDashboard.updateSettings(admin, {
        publishes: true,
        suppressBelow: 5,
        showNames: false,
      })
      const define = (code: string, title: string, extra: Record<string, unknown> = {}) =>
        ctx.services.measures.create(admin, {
          code,
          title,
          definition: `How ${title} is defined`,
          unit: 'number',
          polarity: 'higher_is_better',
          frequency: 'quarterly',
          kind: 'strategic',
          unitId: org.units.waste,
          ownerId: owner.personId,
          public: true,
          ...extra,
        })
      pub1 = (await define('PUB1', 'Households helped')).id
      pub2 = (await define('PUB2', 'Bins collected')).id
      const internal = await define('INT1', 'Internal secret measure', { public: false })
      await define('DRF1', 'Draft measure lambda', { status: 'draft' })

      await enter(pub1, '2024/25 Q1', 120, 'Approved commentary alpha')
      await approve(pub1, '2024-04-01')
      await enter(pub1, '2024/25 Q2', 3, 'Approved commentary small')
      await approve(pub1, '2024-07-01')
      await enter(pub1, '2024/25 Q3', 140, 'Approved commentary gamma')
      await approve(pub1, '2024-10-01')
      const q3 = await ctx.services.values.get(clerk, pub1, '2024-10-01')
      await ctx.services.values.save(clerk, pub1, {
        period: '2024/25 Q3',
        value: 150,
        commentary: 'Approved commentary restated',
        reason: 'Late returns counted',
        version: q3.version,
        submit: true,
      })
      await approve(pub1, '2024-10-01')
      await enter(pub1, '2024/25 Q4', 777777, 'Awaiting approval commentary zeta')
      await ctx.services.values.save(clerk, pub1, {
        period: '2025/26 Q1',
        value: 888888,
        commentary: 'Draft commentary eta',
      })
      await enter(pub2, '2024/25 Q1', 200, 'Approved commentary beta')
      await approve(pub2, '2024-04-01')
      await enter(pub2, '2024/25 Q2', 666666, 'Returned commentary theta')
      await ctx.services.values.return(approver, pub2, '2024-07-01', {
        reason: 'Return reason kappa',
      })
      await enter(internal.id, '2024/25 Q1', 4242, 'Internal commentary iota')
      await approve(internal.id, '2024-04-01')
      ctx.clock.advance(2000)
    })
    after(() => ctx.close())

    it('publishes nothing unapproved, internal or personal on any page or file', async () => {
      for (const url of publicUrls()) {
        const response = await get(url)
        assert.equal(response.statusCode, 200, `${url} answered ${response.statusCode}`)
        for (const secret of SECRETS) {
          assert.ok(!response.body.includes(secret), `${url} shows "${secret}"`)
        }
      }
      for (const code of ['INT1', 'DRF1', 'NOPE']) {
        for (const suffix of ['', '.csv', '.json', '/embed']) {
          const response = await get(`${base}/measures/${code}${suffix}`)
          assert.equal(response.statusCode, 404, `${code}${suffix}`)
        }
      }
    })

    it('shows approved figures and their commentary, with restatements marked', async () => {
      const page = (await get(`${base}/measures/PUB1`)).body
      assert.match(page, /Approved commentary alpha/)
      assert.match(page, /Restated<\/strong>: first published as 140\. Late returns counted/)
      assert.match(page, /Is this real change or everyday variation\?/)
      assert.match(page, /<svg class="gt-chart" role="img"/)
      const json = JSON.parse((await get(`${base}/measures/PUB1.json`)).body) as {
        measure: { values: { period: { label: string }; value: number; restated: boolean }[] }
      }
      assert.deepEqual(
        json.measure.values.map((v) => [v.period.label, v.value, v.restated]),
        [
          ['2024/25 Q1', 120, false],
          ['2024/25 Q2', null, false],
          ['2024/25 Q3', 150, true],
        ],
      )
    })

    it('shows small counts as "fewer than 5" on pages and in downloads alike', async () => {
      assert.match((await get(`${base}/measures/PUB1`)).body, /fewer than 5/)
      const csv = (await get(`${base}/data.csv`)).body
      const row = csv
        .split('\r\n')
        .find((line) => line.includes('2024/25 Q2') && line.includes('PUB1'))
      assert.ok(row)
      assert.match(row, /,,fewer than 5,true,/)
      const data = JSON.parse((await get(`${base}/data.json`)).body) as {
        measures: { code: string; values: { valueText: string; suppressed: boolean }[] }[]
      }
      const small = data.measures.find((m) => m.code === 'PUB1')?.values[1]
      assert.deepEqual(
        { text: small?.valueText, suppressed: small?.suppressed },
        { text: 'fewer than 5', suppressed: true },
      )
      assert.doesNotMatch((await get(`${base}/feed.atom`)).body, /Q2: 3 /)
    })

    it('sets no cookie, even for someone signed in, and never shows them as signed in', async () => {
      const agent = await Agent.signedIn(app, admin.email)
      const signedIn = await agent.get('/')
      assert.equal(signedIn.statusCode, 200)
      for (const url of [...publicUrls(), `${base}/measures/NOPE`]) {
        for (const headers of [{}, { cookie: 'gt_session=whatever; gt_flash=x' }] as Record<
          string,
          string
        >[]) {
          const response = await get(url, headers)
          assert.equal(response.headers['set-cookie'], undefined, `${url} sets a cookie`)
        }
        const asAdmin = await agent.get(url)
        assert.equal(
          asAdmin.headers['set-cookie'],
          undefined,
          `${url} sets a cookie when signed in`,
        )
        assert.doesNotMatch(asAdmin.body, /Sign out/)
      }
    })

    it('keeps the security headers, and lets only the embed be framed by other websites', async () => {
      const page = await get(`${base}/measures/PUB1`)
      assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/)
      assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN')
      assert.equal(page.headers['x-content-type-options'], 'nosniff')
      const embed = await get(`${base}/measures/PUB1/embed`)
      assert.match(String(embed.headers['content-security-policy']), /frame-ancestors \*/)
      assert.equal(embed.headers['x-frame-options'], undefined)
      assert.match(embed.body, /target="_top"/)
      assert.doesNotMatch(page.body + embed.body, /<script[^>]*src=/)
    })

    it('answers 304 to a fresh ETag or date, and changes when a value is approved', async () => {
      const first = await get(`${base}/measures/PUB2`)
      const etag = String(first.headers.etag)
      assert.match(String(first.headers['cache-control']), /public, max-age=60/)
      assert.ok(first.headers['last-modified'])
      const again = await get(`${base}/measures/PUB2`, { 'if-none-match': etag })
      assert.equal(again.statusCode, 304)
      assert.equal(again.body, '')
      const since = await get(`${base}/measures/PUB2`, {
        'if-modified-since': first.headers['last-modified'] ?? '',
      })
      assert.equal(since.statusCode, 304)
      assert.doesNotMatch(first.body, /Approved commentary delta/)

      await enter(pub2, '2024/25 Q3', 210, 'Approved commentary delta')
      assert.equal((await get(`${base}/measures/PUB2`, { 'if-none-match': etag })).statusCode, 304)
      await approve(pub2, '2024-10-01')
      ctx.clock.advance(1500)
      const after = await get(`${base}/measures/PUB2`, { 'if-none-match': etag })
      assert.equal(after.statusCode, 200)
      assert.notEqual(after.headers.etag, etag)
      assert.match(after.body, /Approved commentary delta/)
      assert.match((await get(`${base}/feed.atom`)).body, /PUB2 Bins collected: 2024\/25 Q3/)
    })

    it('takes a measure off the dashboard when it is made private', async () => {
      const before = await ctx.services.measures.get(admin, pub2)
      await ctx.services.measures.update(admin, pub2, { public: false, version: before.version })
      ctx.clock.advance(1500)
      assert.equal((await get(`${base}/measures/PUB2`)).statusCode, 404)
      assert.doesNotMatch((await get(`${base}/data.csv`)).body, /PUB2/)
      const now = await ctx.services.measures.get(admin, pub2)
      await ctx.services.measures.update(admin, pub2, { public: true, version: now.version })
      ctx.clock.advance(1500)
      assert.equal((await get(`${base}/measures/PUB2`)).statusCode, 200)
    })

    it('groups, searches and filters measures with a plain GET form', async () => {
      const all = (await get(base)).body
      assert.match(all, /<form method="get" action="\/public\/open-borough"/)
      assert.match(all, /Households helped/)
      const search = (await get(`${base}?q=bins`)).body
      assert.match(search, /Bins collected/)
      assert.doesNotMatch(search, /Households helped/)
      assert.match(search, /1 of 2 measures match/)
      const red = (await get(`${base}?status=green`)).body
      assert.match(red, /0 of 2 measures match|No measures match/)
    })

    it('lists only organisations that publish, and hides the others', async () => {
      const list = (await get('/public')).body
      assert.match(list, /Open Borough/)
      assert.doesNotMatch(list, /Closed District/)
      assert.equal((await get(`/public/${other.slug}`)).statusCode, 404)
      assert.equal((await get(`/public/${other.slug}/data.csv`)).statusCode, 404)
    })

    it('lets administrators change the settings, with an audit record, and names officers only when allowed', async () => {
      const agent = await Agent.signedIn(app, admin.email)
      const form = await agent.get('/public-dashboard')
      assert.equal(form.statusCode, 200)
      const bad = await agent.post('/public-dashboard', {
        publishes: 'yes',
        suppressBelow: 'lots',
        showNames: 'no',
      })
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /govuk-error-summary/)
      assert.match(bad.body, /href="#suppressBelow"/)
      const clerkAgent = await Agent.signedIn(app, clerk.email)
      const refused = await clerkAgent.post('/public-dashboard', {
        publishes: 'no',
        suppressBelow: '0',
        showNames: 'yes',
      })
      assert.equal(refused.statusCode, 403)

      const saved = await agent.post('/public-dashboard', {
        publishes: 'yes',
        suppressBelow: '5',
        showNames: 'yes',
      })
      assert.equal(saved.statusCode, 303)
      const audit = await ctx.database.db
        .selectFrom('audit_records')
        .select(['action', 'actor_name'])
        .where('organisation_id', '=', org.id)
        .where('action', '=', 'public_dashboard_changed')
        .execute()
      assert.equal(audit.length, 2)
      ctx.clock.advance(1500)
      assert.match((await get(`${base}/measures/PUB1`)).body, /Ophelia Ownername/)
      assert.doesNotMatch((await get(`${base}/measures/PUB1`)).body, /Clara Clerkname/)
      await ctx.services.publicDashboard.updateSettings(admin, {
        publishes: true,
        suppressBelow: 5,
        showNames: false,
      })
      ctx.clock.advance(1500)
      assert.doesNotMatch((await get(`${base}/measures/PUB1`)).body, /Ophelia Ownername/)
    })

    it('links a public measure’s signed-in page to its public page', async () => {
      const agent = await Agent.signedIn(app, admin.email)
      const page = await agent.get(`/measures/${pub1}`)
      assert.match(
        page.body,
        new RegExp(`href="${base}/measures/PUB1">Published on the public dashboard`),
      )
    })
    it('builds every page and file from one data set per publication, and all of them change after an approval', async () => {
      const urls = [`${base}/measures/PUB2`, `${base}/measures/PUB2.json`, `${base}/data.csv`]
      const before = await Promise.all(urls.map((url) => get(url)))
      await enter(pub2, '2024/25 Q4', 220, 'Approved commentary omega')
      await approve(pub2, '2025-01-01')
      // The counter is read at most once a second: within it, the data set stands.
      for (const [i, url] of urls.entries()) {
        assert.equal((await get(url)).headers.etag, before[i]?.headers.etag, url)
      }
      ctx.clock.advance(1500)
      for (const [i, url] of urls.entries()) {
        const now = await get(url)
        assert.notEqual(now.headers.etag, before[i]?.headers.etag, url)
        assert.match(now.body, /Approved commentary omega/, url)
      }
      assert.match((await get(`${base}/feed.atom`)).body, /Approved commentary omega/)
      assert.match((await get(base)).body, /Bins collected/)
    })

    it('shows a renamed service without a publication, and keeps pages while nothing changes', async () => {
      const before = await get(`${base}/measures/PUB1`)
      ctx.clock.advance(60 * 60_000)
      assert.equal((await get(`${base}/measures/PUB1`)).headers.etag, before.headers.etag)
      await ctx.services.organisation.updateUnit(admin, org.units.waste ?? '', {
        name: 'Waste and Recycling Renamed',
      })
      ctx.clock.advance(1500)
      assert.match((await get(`${base}/measures/PUB1`)).body, /Waste and Recycling Renamed/)
    })

    it('gzips for clients that take it, with an ETag of its own', async () => {
      const plain = await get(`${base}/measures/PUB1`)
      assert.equal(plain.headers['content-encoding'], undefined)
      assert.equal(plain.headers.vary, 'accept-encoding')
      const zipped = await get(`${base}/measures/PUB1`, { 'accept-encoding': 'br, gzip, deflate' })
      assert.equal(zipped.headers['content-encoding'], 'gzip')
      assert.equal(gunzipSync(zipped.rawPayload).toString(), plain.body)
      assert.ok(zipped.rawPayload.length < plain.rawPayload.length / 2)
      const etag = String(zipped.headers.etag)
      assert.notEqual(etag, plain.headers.etag)
      const again = await get(`${base}/measures/PUB1`, {
        'accept-encoding': 'gzip',
        'if-none-match': etag,
      })
      assert.equal(again.statusCode, 304)
      const refused = await get(`${base}/measures/PUB1`, { 'accept-encoding': 'gzip;q=0' })
      assert.equal(refused.headers['content-encoding'], undefined)
      assert.equal(refused.body, plain.body)
    })

    it('works out SPC with the baseline and change points recorded on the measure, as the signed-in page does', async () => {
      const id = await approvedMonthlyMeasure(ctx, org, admin, 'SPC1', REDESIGN)
      const row = await ctx.services.measures.get(admin, id)
      await ctx.services.measures.update(admin, id, { public: true, version: row.version })
      await ctx.services.spc.addChangePoint(admin, id, {
        period: 'Jun 2024',
        reason: 'Triage redesigned',
      })
      ctx.clock.advance(1500)
      const agent = await Agent.signedIn(app, admin.email)
      const sentences = (body: string) =>
        [...body.matchAll(/<p class="govuk-body">((?:This|The|They|It|No|Not)[^<]*)<\/p>/g)].map(
          (m) => m[1],
        )
      const signedIn = sentences((await agent.get(`/measures/${id}`)).body)
      const page = (await get(`${base}/measures/SPC1`)).body
      assert.match(
        page,
        /The limits were worked out again from Jun 2024, when the process changed: Triage redesigned\./,
      )
      for (const sentence of signedIn.filter((s) => s?.includes('limits'))) {
        assert.ok(page.includes(String(sentence)), `the public page lacks "${sentence}"`)
      }
      const detail = await ctx.services.measures.detail(admin, id)
      const internal = measureSpc(detail.measure, detail.values, detail.spcSettings)
      const json = JSON.parse((await get(`${base}/measures/SPC1.json`)).body) as {
        measure: { spc: Record<string, unknown> & { sentences: string[] } }
      }
      const { spc } = json.measure
      assert.deepEqual(
        [spc.mean, spc.lowerLimit, spc.upperLimit, spc.variation, spc.assurance],
        [
          internal.mean,
          internal.lowerLimit,
          internal.upperLimit,
          internal.variation,
          internal.assurance,
        ],
      )
      assert.deepEqual(spc.changePoints, [
        { period: { start: '2024-06-01', label: 'Jun 2024' }, reason: 'Triage redesigned' },
      ])
      assert.ok(spc.sentences.some((s) => s.includes('worked out again from Jun 2024')))
      const data = (await get(`${base}/data.json`)).body
      assert.match(data, /"reason":"Triage redesigned"/)
      // Who recorded it stays inside.
      assert.ok(!data.includes('Adam Adminname') && !data.includes(admin.personId))

      const [change] = detail.spcSettings.changePoints
      assert.ok(change)
      await ctx.services.spc.removeSetting(admin, id, change.id)
      ctx.clock.advance(1500)
      assert.doesNotMatch((await get(`${base}/measures/SPC1`)).body, /worked out again/)
    })
    it('gives a measure the same page whether loaded on its own or sliced from the whole data set', async () => {
      const service = createPublicService({
        db: ctx.database.db,
        clock: ctx.clock.read,
        cache: { ...DEFAULT_CACHE, maxEntries: 0 },
      })
      // Until the dashboard or the open data loads the whole set, the measure is loaded alone.
      const alone = await service.measure(org.slug, 'PUB1')
      assert.equal(await service.cache.loaded(org.slug), null)
      const whole = await service.dataset(org.slug)
      assert.ok(await service.cache.loaded(org.slug))
      const sliced = await service.measure(org.slug, 'PUB1')
      assert.deepEqual(sliced, alone)
      assert.deepEqual(
        whole.measures.find((m) => m.code === 'PUB1'),
        alone.measure,
      )
      await assert.rejects(service.measure(org.slug, 'INT1'), NotFound)
    })
  })
}
