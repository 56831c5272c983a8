import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import type { App } from '../../app.ts'
import { Agent, bearer } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'
import type { RowError } from './exchange-reader.ts'
import type { ImportSummary } from './exchange-service.ts'
import { csvFile, MEASURE_HEADINGS, workbookFile } from './exchange-test-files.ts'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const goodFile = () =>
  workbookFile({
    Measures: [
      MEASURE_HEADINGS,
      [
        'RT1',
        'Fly-tipping cleared',
        'Number',
        0,
        'Higher is better',
        'Monthly',
        'WASTE',
        'no',
        'no',
      ],
    ],
    Targets: [
      ['Measure code', 'Period', 'Target'],
      ['RT1', '2025/26', 1200],
    ],
  })

for (const mode of testModes()) {
  describe(`exchange pages and API (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let app: App
    let officer: Principal & { email: string }
    let viewer: Principal & { email: string }

    const countOf = async (code: string) =>
      (
        await ctx.database.db
          .selectFrom('measures')
          .select('id')
          .where('organisation_id', '=', org.id)
          .where('code', '=', code)
          .execute()
      ).length

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      viewer = await ctx.person(org, { role: 'viewer' })
      app = await ctx.app()
    })
    after(() => ctx.close())

    it('offers the page and the template to those who import, in the navigation', async () => {
      const agent = await Agent.signedIn(app, officer.email)
      const page = await agent.get('/exchange')
      assert.equal(page.statusCode, 200)
      assert.match(
        page.body,
        /navigation__link" href="\/exchange"[^>]*>[\s\S]{0,200}Import and export/,
      )
      assert.match(page.body, /enctype="multipart\/form-data"/)
      const template = await agent.get('/exchange/template.xlsx')
      assert.equal(template.statusCode, 200)
      assert.equal(template.headers['content-type'], XLSX)
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(template.rawPayload as unknown as ArrayBuffer)
      assert.deepEqual(
        workbook.worksheets.map((w) => w.name),
        [
          'Measures',
          'Targets',
          'Values',
          'Risks',
          'Savings',
          'Projects',
          'Milestones',
          'Updates',
          'Plans',
          'Plan items',
          'Links',
          'Line managers',
          'Objectives',
          'Notes',
        ],
      )
      const measures = workbook.getWorksheet('Measures')
      assert.ok(measures)
      assert.equal(measures.getCell('A1').value, 'Code')
      assert.equal(measures.getCell('A1').font.bold, true)
      assert.equal(measures.views[0]?.state, 'frozen')
      const notes = workbook.getWorksheet('Notes')
      const unitNote = notes
        ?.getSheetValues()
        .find((r) => Array.isArray(r) && r[1] === 'Measures' && r[2] === 'Unit')
      assert.match(String((unitNote as unknown[] | undefined)?.[4]), /Percentage \(%\)/)

      const viewerPage = await (await Agent.signedIn(app, viewer.email)).get('/exchange')
      assert.doesNotMatch(viewerPage.body, /enctype="multipart\/form-data"/)
      assert.doesNotMatch(viewerPage.body, /navigation__link" href="\/exchange"/)
    })

    it('previews an upload, then imports it on confirmation without a new upload', async () => {
      const agent = await Agent.signedIn(app, officer.email)
      await agent.get('/exchange')
      const preview = await agent.upload(
        '/exchange/preview',
        {},
        {
          name: 'plan.xlsx',
          content: await goodFile(),
          type: XLSX,
        },
      )
      assert.equal(preview.statusCode, 200, preview.body.slice(0, 2000))
      assert.match(preview.body, /Check the import/)
      assert.match(preview.body, /RT1 2025\/26/)
      assert.match(preview.body, /Import 2 changes/)
      assert.equal(await countOf('RT1'), 0, 'the preview writes nothing')
      const content = /name="content" value="([^"]+)"/.exec(preview.body)?.[1] ?? ''
      const confirmed = await agent.upload('/exchange/import', { content }, null)
      assert.equal(confirmed.statusCode, 303)
      assert.equal(confirmed.headers.location, '/exchange')
      assert.equal(await countOf('RT1'), 1)
      const after_ = await agent.get('/exchange')
      assert.match(after_.body, /Imported\. Measures: 1 created, 0 updated/)
    })

    it('shows row errors in the error summary and a table, with status 400', async () => {
      const agent = await Agent.signedIn(app, officer.email)
      await agent.get('/exchange')
      const response = await agent.upload(
        '/exchange/preview',
        {},
        {
          name: 'targets.csv',
          content: csvFile([
            ['Measure code', 'Period', 'Target'],
            ['NOPE', '2025/26', 5],
          ]),
          type: 'text/csv',
        },
      )
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /govuk-error-summary/)
      assert.match(
        response.body,
        /Sheet Targets, row 2, column Measure code: No measure has the code NOPE/,
      )
      assert.match(response.body, /Problems in the file/)
      const empty = await agent.upload('/exchange/preview', {}, null)
      assert.equal(empty.statusCode, 400)
      assert.match(empty.body, /href="#file">Select a file to import/)
    })

    it('refuses an upload without the CSRF token', async () => {
      const agent = await Agent.signedIn(app, officer.email)
      await agent.get('/exchange')
      const response = await agent.upload(
        '/exchange/import',
        {},
        { name: 'plan.xlsx', content: await goodFile(), type: XLSX },
        { csrf: false },
      )
      assert.equal(response.statusCode, 403)
    })

    it('imports through the API, answering row errors as details', async () => {
      const token = (await ctx.services.auth.createToken(officer, 'Scripts')).token
      const file = csvFile([
        ['Measure code', 'Period', 'Target'],
        ['RT1', '2026/27', 'many'],
      ])
      const boundary = 'xyz'
      const payload = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="t.csv"\r\ncontent-type: text/csv\r\n\r\n`,
        ),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ])
      const send = (url: string, body: Buffer) =>
        app.inject({
          method: 'POST',
          url,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
          },
          payload: body,
        })
      const bad = await send('/api/v1/imports?dryRun=true', payload)
      assert.equal(bad.statusCode, 400)
      assert.deepEqual(bad.json<{ error: { details: RowError[] } }>().error.details, [
        {
          sheet: 'Targets',
          row: 2,
          column: 'Target',
          message: 'Enter the target as a number, like 42 or 97.5',
        },
      ])
      const good = Buffer.from(payload.toString('utf8').replace('many', '1300'))
      const dry = await send('/api/v1/imports?dryRun=true', good)
      assert.equal(dry.statusCode, 200)
      assert.equal(dry.json<ImportSummary>().dryRun, true)
      assert.equal(dry.json<ImportSummary>().counts.Targets.created, 1)
      const real = await send('/api/v1/imports', good)
      assert.equal(real.statusCode, 200)
      assert.equal(real.json<ImportSummary>().total, 1)
      const again = await send('/api/v1/imports?dryRun=true', good)
      assert.equal(again.json<ImportSummary>().total, 0)
      const noFile = await bearer(app, token, 'POST', '/api/v1/imports', {})
      assert.equal(noFile.statusCode, 400)
      const openapi = (await bearer(app, token, 'GET', '/api/v1/openapi.json')).json<{
        paths: Record<string, unknown>
      }>()
      assert.ok('/api/v1/imports' in openapi.paths)
      assert.ok('/api/v1/exports/workbook' in openapi.paths)
    })

    it('refuses a file over 10 MB', async () => {
      const agent = await Agent.signedIn(app, officer.email)
      await agent.get('/exchange')
      const big = Buffer.alloc(10 * 1024 * 1024 + 1, 'a')
      const response = await agent.upload(
        '/exchange/preview',
        {},
        { name: 'big.csv', content: big },
      )
      assert.equal(response.statusCode, 413)
      // On the page, against the file field, with the error summary.
      assert.match(response.body, /govuk-error-summary/)
      assert.match(response.body, /The selected file must be smaller than 10 MB/)
      assert.match(response.body, /href="#file"/)
    })

    it('refuses the API upload of a browser session without the CSRF header', async () => {
      const agent = await Agent.signedIn(app, officer.email)
      const file = { name: 't.xlsx', content: await goodFile(), type: XLSX }
      const refused = await agent.upload('/api/v1/imports?dryRun=true', {}, file, { csrf: false })
      assert.equal(refused.statusCode, 403)
      const allowed = await agent.upload('/api/v1/imports?dryRun=true', {}, file, {
        csrf: false,
        headers: { 'x-csrf-token': agent.csrf },
      })
      assert.equal(allowed.statusCode, 200)
    })
  })
}
