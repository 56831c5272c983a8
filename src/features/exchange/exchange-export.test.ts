import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import { Agent, bearer } from '../../../test/helpers/browser-agent.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { convertToPdf, scratch, sofficeMissing } from '../../../test/helpers/documents.ts'
import { authRepository as authRepo } from '../auth/index.ts'
import type { Principal } from '../../core/principal.ts'
import { buildDemoCouncil, DEMO_PASSWORD, DEMO_PEOPLE } from '../demo/index.ts'
import { pentanaSamples } from './pentana-samples.ts'
import { MEASURE_COLUMNS, SAVINGS_COLUMNS } from './exchange-columns.ts'

async function workbookOf(body: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(body as unknown as ArrayBuffer)
  return workbook
}

for (const mode of testModes()) {
  describe(`exchange export (${mode})`, () => {
    let ctx: TestContext
    let admin: Principal
    let partner: Principal
    let file: Buffer

    const principalOf = async (email: string) => {
      const person = await authRepo.findPersonByEmail(ctx.database.db, email)
      const principal = person ? await authRepo.loadPrincipal(ctx.database.db, person.id) : null
      assert.ok(principal, email)
      return principal
    }

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-11-20T12:00:00Z')
      const org = await buildDemoCouncil(ctx.database.db, ctx.clock.read)
      const people = await ctx.database.db
        .selectFrom('people as p')
        .innerJoin('role_assignments as r', 'r.person_id', 'p.id')
        .select(['p.email', 'r.role'])
        .where('p.organisation_id', '=', org.id)
        .execute()
      const emailOf = (role: string) => people.find((p) => p.role === role)?.email ?? ''
      admin = await principalOf(emailOf('administrator'))
      partner = await principalOf(emailOf('partner'))
      file = await ctx.services.exchange.exportFile(admin)
    })
    after(() => ctx.close())

    it('imports the Pentana samples of docs/samples into the demo council with no problem (dry run)', async () => {
      const officer = await principalOf(
        DEMO_PEOPLE.find((p) => p.role === 'performance_officer')?.email ?? '',
      )
      const samples = pentanaSamples()
      const actions = Buffer.from(samples['pentana-action-export.csv'] ?? '')
      const summary = await ctx.services.exchange.importFile(officer, actions, { dryRun: true })
      assert.equal(summary.counts.Projects.created, 4)
      const pis = Buffer.from(samples['pentana-pi-export.csv'] ?? '')
      const analysis = await ctx.services.exchange.analyseFile(officer, pis)
      // The mapping asks one polarity for the file's new measures: either answer is clean.
      for (const polarity of ['higher_is_better', 'lower_is_better'] as const) {
        const figures = await ctx.services.exchange.importMapped(
          officer,
          pis,
          { ...analysis.suggested, unit: 'number', polarity },
          { dryRun: true },
        )
        assert.equal(figures.counts.Values.created, 6)
      }
    })

    it('exports every sheet, in the import layout, with numbers stored as numbers', async () => {
      const workbook = await workbookOf(file)
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
      assert.deepEqual(
        (measures.getRow(1).values as unknown[]).slice(1),
        MEASURE_COLUMNS.map((c) => c.heading),
      )
      assert.ok(measures.rowCount > 40, `${measures.rowCount} measure rows`)
      const values = workbook.getWorksheet('Values')
      assert.ok(values)
      assert.deepEqual((values.getRow(1).values as unknown[]).slice(1), [
        'Measure code',
        'Period',
        'Value',
        'Commentary',
        'Status',
        // Written by the export, ignored by the import: what the period shows (issue 17).
        'Shown as',
        'Shown figure basis',
        'Target judged against',
        'RAG',
        'Sign-off',
      ])
      assert.equal(typeof values.getCell('C2').value, 'number')
      const statuses = new Set<unknown>()
      values.eachRow((row, n) => {
        if (n > 1) statuses.add(row.getCell(5).value)
      })
      assert.ok(statuses.has('approved'), 'approved values are there')
      assert.ok(statuses.size > 1, `other statuses too: ${[...statuses].join(', ')}`)
      const savings = workbook.getWorksheet('Savings')
      assert.ok(savings)
      assert.deepEqual(
        (savings.getRow(1).values as unknown[]).slice(1),
        SAVINGS_COLUMNS.map((c) => c.heading),
      )
      assert.match(savings.getCell('J2').text, /^20\d\d\/\d\d$/, 'one row per line and year')
      assert.equal(typeof savings.getCell('K2').value, 'number')
      assert.ok((workbook.getWorksheet('Projects')?.rowCount ?? 0) > 1)
      assert.ok((workbook.getWorksheet('Risks')?.rowCount ?? 0) > 1)
    })

    it('imports its own export as 0 changes and no errors', async () => {
      const summary = await ctx.services.exchange.importFile(admin, file, { dryRun: true })
      assert.deepEqual(summary.changes, [])
      assert.equal(summary.total, 0)
      assert.ok(summary.counts.Values.unchanged > 100)
      assert.ok(summary.counts.Risks.unchanged > 5)
      // Every line of the demo council, matched by reference with all its years.
      const lines = await ctx.services.savings.allLines(admin)
      assert.ok(lines.length > 5)
      assert.equal(summary.counts.Savings.unchanged, lines.length)
      // Every programme, project and action, and their milestones, matched again (issue 25).
      const projects = await ctx.services.projects.list(admin)
      assert.ok(projects.length > 10)
      assert.equal(summary.counts.Projects.unchanged, projects.length)
      assert.ok(summary.counts.Milestones.unchanged > 10)
      assert.ok(summary.counts.Updates.unchanged > 10)
      const plans = await ctx.services.framework.listPlans(admin)
      assert.equal(summary.counts.Plans.unchanged, plans.length)
      assert.ok(summary.counts['Plan items'].unchanged > 20)
      assert.ok(summary.counts.Links.unchanged > 20)
    })

    it('exports only what a partner may see', async () => {
      const theirs = await workbookOf(await ctx.services.exchange.exportFile(partner))
      const all = await workbookOf(file)
      const count = (w: ExcelJS.Workbook) => w.getWorksheet('Measures')?.actualRowCount ?? 0
      assert.ok(count(theirs) < count(all), `${count(theirs)} of ${count(all)}`)
    })

    it('downloads from the page and the API', async () => {
      const app = await ctx.app()
      const agent = await Agent.signedIn(app, admin.email, DEMO_PASSWORD)
      const page = await agent.get('/exchange/export.xlsx')
      assert.equal(page.statusCode, 200)
      assert.match(
        String(page.headers['content-disposition']),
        /example-city-golden-thread-.*\.xlsx"/,
      )
      const token = (await ctx.services.auth.createToken(admin, 'Power BI')).token
      const api = await bearer(app, token, 'GET', '/api/v1/exports/workbook')
      assert.equal(api.statusCode, 200)
      const workbook = await workbookOf(api.rawPayload)
      assert.equal(workbook.worksheets.length, 14)
    })

    it('opens in LibreOffice', { skip: sofficeMissing() }, async () => {
      const { dir, remove } = await scratch()
      try {
        const path = join(dir, 'export.xlsx')
        await writeFile(path, file)
        await convertToPdf(path, dir)
      } finally {
        await remove()
      }
    })
  })
}
