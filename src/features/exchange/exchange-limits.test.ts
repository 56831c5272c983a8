import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { App } from '../../app.ts'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Conflict, Forbidden } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { ImportTooLarge, type ImportLimits, type RowError } from './exchange-reader.ts'
import { createExchangeService, ImportInvalid } from './exchange-service.ts'
import { csvFile, MEASURE_HEADINGS, workbookFile, type Rows } from './exchange-test-files.ts'

/** Values rows for measure `code`, one a month from April 2000, as many as asked. */
function valueRows(code: string, count: number, value: string | number = 1): Rows {
  const rows: (string | number)[][] = [['Measure code', 'Period', 'Value']]
  for (let i = 0; i < count; i++) {
    const month = new Date(Date.UTC(2000, 3 + i, 1)).toISOString().slice(0, 7)
    rows.push([code, `${month}-01`, value])
  }
  return rows
}

function multipart(file: Buffer | Readable, boundary = 'limits') {
  const head = Buffer.from(
    `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="v.csv"\r\ncontent-type: text/csv\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.isBuffer(file) ? Buffer.concat([head, file, tail]) : file,
  }
}

for (const mode of testModes()) {
  describe(`import limits (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let app: App
    let officer: Principal & { email: string }
    let viewer: Principal & { email: string }
    let councillor: Principal & { email: string }

    const limited = (limits: Partial<ImportLimits>) =>
      createExchangeService({ db: ctx.database.db, ...ctx.services, limits })

    const measureCount = async () =>
      (
        await ctx.database.db
          .selectFrom('measures')
          .select('id')
          .where('organisation_id', '=', org.id)
          .execute()
      ).length

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      viewer = await ctx.person(org, { role: 'viewer' })
      councillor = await ctx.person(org, { role: 'councillor' })
      await ctx.services.measures.create(officer, {
        code: 'LIM1',
        title: 'Missed bins',
        unit: 'number',
        decimals: 0,
        polarity: 'lower_is_better',
        frequency: 'monthly',
        kind: 'operational',
        unitId: org.units.waste,
      })
      app = await ctx.app()
    })
    after(() => ctx.close())

    it(
      'refuses a viewer before reading the upload: the body is never consumed',
      { timeout: 30_000 },
      async () => {
        const token = (await ctx.services.auth.createToken(viewer, 'Probe')).token
        // A body that never ends: reading it would hang the request.
        const endless = new Readable({ read() {} })
        endless.push(Buffer.from('--limits\r\ncontent-disposition: form-data; name="file"\r\n\r\n'))
        const { contentType, body } = multipart(endless)
        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/imports?dryRun=true',
          headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
          payload: body,
        })
        endless.destroy()
        assert.equal(response.statusCode, 403)
        assert.match(response.json<{ error: { message: string } }>().error.message, /cannot import/)
      },
    )

    it('refuses a councillor on the page too, and in the service', async () => {
      const agent = await Agent.signedIn(app, councillor.email)
      await agent.get('/exchange')
      const response = await agent.upload(
        '/exchange/preview',
        {},
        { name: 'v.csv', content: csvFile(valueRows('LIM1', 3)), type: 'text/csv' },
      )
      assert.equal(response.statusCode, 403)
      await assert.rejects(
        ctx.services.exchange.importFile(viewer, csvFile(valueRows('LIM1', 3)), { dryRun: true }),
        Forbidden,
      )
    })

    it('refuses a CSV over the row limit with 413, without checking its rows', async () => {
      const rows = ctx.services.exchange.limits.maxRows + 1
      const file = csvFile(valueRows('NOPE', rows))
      const token = (await ctx.services.auth.createToken(officer, 'Big')).token
      const { contentType, body } = multipart(file)
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/imports?dryRun=true',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        payload: body,
      })
      assert.equal(response.statusCode, 413, response.body.slice(0, 500))
      const error = response.json<{ error: { id: string; message: string } }>().error
      assert.equal(error.id, 'import_too_large')
      assert.match(error.message, /more than 200,000 rows: split it/)
    })

    it('refuses a workbook over the row or cell limit before reading its values, on the page with 413', async () => {
      const service = limited({ maxRows: 40 })
      await assert.rejects(
        service.importFile(officer, await workbookFile({ Values: valueRows('LIM1', 41) }), {
          dryRun: true,
        }),
        (e: unknown) => e instanceof ImportTooLarge && /more than 40 rows/.test(e.message),
      )
      await assert.rejects(
        limited({ maxCells: 100 }).importFile(
          officer,
          await workbookFile({ Values: valueRows('LIM1', 40) }),
          { dryRun: true },
        ),
        (e: unknown) => e instanceof ImportTooLarge && /more than 100 cells/.test(e.message),
      )
      // Within the limits the same file is read as usual.
      const summary = await service.importFile(
        officer,
        await workbookFile({ Values: valueRows('LIM1', 40) }),
        { dryRun: true },
      )
      assert.equal(summary.counts.Values.created, 40)

      const agent = await Agent.signedIn(app, officer.email)
      await agent.get('/exchange')
      const page = await agent.upload(
        '/exchange/preview',
        {},
        { name: 'big.csv', content: csvFile(valueRows('LIM1', 200_001)), type: 'text/csv' },
      )
      assert.equal(page.statusCode, 413)
      assert.match(page.body, /govuk-error-summary/)
      assert.match(page.body, /href="#file">The file has more than 200,000 rows/)
    })

    it('refuses a workbook that unzips past the size limit (a zip bomb)', async () => {
      const long = 'x'.repeat(30_000)
      const file = await workbookFile({
        Measures: [MEASURE_HEADINGS, ['BOMB', long, 'Number', 0, 'Higher is better', 'Monthly']],
      })
      assert.ok(file.length < 20_000, 'the file itself is small')
      await assert.rejects(
        limited({ maxUnpackedBytes: 20_000 }).importFile(officer, file, { dryRun: true }),
        (e: unknown) => e instanceof ImportTooLarge && /once unzipped/.test(e.message),
      )
    })

    it('refuses a CSV row with too many columns', async () => {
      const wide = csvFile([['Measure code', 'Period', 'Value', ...Array<string>(200).fill('x')]])
      await assert.rejects(
        ctx.services.exchange.importFile(officer, wide, { dryRun: true }),
        (e: unknown) => e instanceof ImportTooLarge && /more than 100 columns/.test(e.message),
      )
    })

    it('lists the first 100 problems and says how many there are', async () => {
      const file = csvFile(valueRows('NOPE', 250))
      await assert.rejects(
        ctx.services.exchange.importFile(officer, file, { dryRun: true }),
        (e: unknown) => e instanceof ImportInvalid && e.rows.length === 100 && e.total === 250,
      )
      const token = (await ctx.services.auth.createToken(officer, 'Errors')).token
      const { contentType, body } = multipart(file)
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/imports?dryRun=true',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        payload: body,
      })
      assert.equal(response.statusCode, 400)
      const error = response.json<{
        error: { message: string; details: RowError[]; total: number }
      }>().error
      assert.equal(error.details.length, 100)
      assert.equal(error.total, 250)
      assert.match(error.message, /has 250 problems; the first 100 are listed/)
      assert.ok(response.body.length < 20_000, 'the answer stays small')

      const agent = await Agent.signedIn(app, officer.email)
      await agent.get('/exchange')
      const page = await agent.upload(
        '/exchange/preview',
        {},
        { name: 'v.csv', content: file, type: 'text/csv' },
      )
      assert.equal(page.statusCode, 400)
      assert.match(page.body, /The file has 250 problems: the first 100 are listed/)
    })

    it('gives up when the import runs past its time budget, writing nothing', async () => {
      const before_ = await measureCount()
      await assert.rejects(
        limited({ timeBudgetMs: 0 }).importFile(
          officer,
          await workbookFile({
            Measures: [
              MEASURE_HEADINGS,
              ['TIME1', 'Late', 'Number', 0, 'Higher is better', 'Monthly', 'WASTE', 'no', 'no'],
            ],
          }),
          { dryRun: false },
        ),
        (e: unknown) => e instanceof ImportTooLarge && /took longer than 0 seconds/.test(e.message),
      )
      assert.equal(await measureCount(), before_)
    })

    it('runs one import at a time per organisation', async () => {
      const file = csvFile(valueRows('LIM1', 5))
      const results = await Promise.allSettled([
        ctx.services.exchange.importFile(officer, file, { dryRun: true }),
        ctx.services.exchange.importFile(officer, file, { dryRun: true }),
      ])
      const refused = results.filter((r) => r.status === 'rejected')
      assert.equal(refused.length, 1)
      assert.ok(
        refused[0]?.status === 'rejected' &&
          refused[0].reason instanceof Conflict &&
          /Another import/.test(refused[0].reason.message),
      )
      // Once it has finished the next one runs.
      const again = await ctx.services.exchange.importFile(officer, file, { dryRun: true })
      assert.equal(again.counts.Values.created, 5)
    })

    it('refuses an import while another instance holds the organisation’s import lock', async (t) => {
      if (mode === 'pglite') {
        t.skip('one process owns an embedded database: the in-process guard covers it')
        return
      }
      const other = limited({})
      await ctx.database.db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext('golden-thread import'), hashtext(${org.id}))`.execute(
          trx,
        )
        await assert.rejects(
          other.importFile(officer, csvFile(valueRows('LIM1', 2)), { dryRun: true }),
          Conflict,
        )
      })
      const after_ = await other.importFile(officer, csvFile(valueRows('LIM1', 2)), {
        dryRun: true,
      })
      assert.equal(after_.counts.Values.created, 2)
    })
  })
}
