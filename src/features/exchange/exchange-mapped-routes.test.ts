import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'
import { csvFile } from './exchange-test-files.ts'

// The real council file in the shared data folder, read where it is.
const hart = () =>
  readFile(new URL('../../../../shared/data/hart_dc_kpis_2014-15_q1_q2.csv', import.meta.url))

// Hart's headings: period, kpi_code, description, service, unit, prev_year_outturn,
// last_quarter, this_quarter, target, rag_code, rag, notes.
const HART_FORM = {
  layout: 'long',
  column_0: 'period',
  column_1: 'code',
  column_2: 'title',
  column_3: 'ignore',
  column_4: 'unit',
  column_5: 'ignore',
  column_6: 'ignore',
  column_7: 'value',
  column_8: 'target',
  column_9: 'ignore',
  column_10: 'ignore',
  column_11: 'commentary',
  onlyColumn: '',
  onlyValue: '',
  unit: 'number',
  polarity: 'higher_is_better',
}

for (const mode of testModes()) {
  describe(`importing a council's own file on the web (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let app: App
    let officer: Principal & { email: string }
    let colleague: Principal & { email: string }
    let viewer: Principal & { email: string }

    const measureCount = async () =>
      (
        await ctx.database.db
          .selectFrom('measures')
          .select('id')
          .where('organisation_id', '=', org.id)
          .execute()
      ).length

    async function uploadTo(agent: Agent, name: string, content: Buffer) {
      await agent.get('/exchange/mapped')
      const response = await agent.upload('/exchange/mapped', {}, { name, content })
      assert.equal(response.statusCode, 303, response.body.slice(0, 500))
      const location = String(response.headers.location)
      assert.match(location, /^\/exchange\/mapped\/[0-9a-f-]{36}$/)
      return location
    }

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2015-01-10T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      colleague = await ctx.person(org, { role: 'performance_officer' })
      viewer = await ctx.person(org, { role: 'viewer' })
      app = await ctx.app()
    })
    after(() => ctx.close())

    it('maps, checks and imports Hart’s file, reports on it, and offers the mapping again next time', async () => {
      const agent = await Agent.signedIn(app, officer.email)
      const exchange = await agent.get('/exchange')
      assert.match(exchange.body, /href="\/exchange\/mapped"/)
      const location = await uploadTo(agent, 'hart.csv', await hart())

      const mapping = await agent.get(location)
      assert.equal(mapping.statusCode, 200)
      assert.match(mapping.body, /The first rows of the file/)
      assert.match(mapping.body, /CS01/)
      assert.match(mapping.body, /<option value="code" selected>Measure code<\/option>/)
      assert.match(mapping.body, /higher better or lower better/)
      assert.doesNotMatch(mapping.body, /were imported before/)

      // An important column left unmapped is asked for, not guessed; nothing is written.
      const unmapped = await agent.post(`${location}/preview`, { ...HART_FORM, column_1: 'ignore' })
      assert.equal(unmapped.statusCode, 400)
      assert.match(unmapped.body, /Select which column holds the measure code/)
      assert.match(unmapped.body, /govuk-error-summary/)

      const preview = await agent.post(`${location}/preview`, {
        ...HART_FORM,
        historyReason: 'Published quarterly KPI reports 2014/15',
      })
      assert.equal(preview.statusCode, 200, preview.body.slice(0, 2000))
      assert.match(preview.body, /Check the import/)
      assert.match(preview.body, /Import \d+ changes/)
      assert.match(preview.body, /name="column_1" value="code"/)
      assert.equal(await measureCount(), 0, 'the dry run wrote nothing')

      const imported = await agent.post(`${location}/import`, {
        ...HART_FORM,
        historyReason: 'Published quarterly KPI reports 2014/15',
      })
      assert.equal(imported.statusCode, 200, imported.body.slice(0, 2000))
      assert.match(imported.body, /File imported/)
      assert.match(imported.body, /Migration report/)
      assert.match(imported.body, /File: <strong>hart\.csv<\/strong>/)
      assert.match(imported.body, /5 columns not imported[^<]*prev_year_outturn/)
      assert.match(imported.body, /Measures with no owner[^<]*CS01/)
      assert.match(imported.body, /linked to nothing in the golden thread/)
      assert.match(imported.body, /values have no target[^<]*SNH03/)
      assert.ok((await measureCount()) >= 40)

      const remembered = await ctx.database.db
        .selectFrom('import_mappings')
        .selectAll()
        .where('organisation_id', '=', org.id)
        .execute()
      assert.equal(remembered.length, 1)
      assert.match(remembered[0]?.signature ?? '', /kpi_code/)
      const audit = await ctx.database.db
        .selectFrom('audit_records')
        .select(['action', 'summary'])
        .where('organisation_id', '=', org.id)
        .where('item_type', '=', 'import_mapping')
        .execute()
      assert.equal(audit.length, 1)
      assert.match(audit[0]?.summary ?? '', /Remembered the column mapping/)

      // The upload is let go once imported: the page for it is gone.
      assert.equal((await agent.get(location)).statusCode, 404)

      // Next month's file with the same headings: the confirmed mapping is filled in.
      const again = await uploadTo(agent, 'hart.csv', await hart())
      const second = await agent.get(again)
      assert.equal(second.statusCode, 200)
      assert.match(second.body, /were imported before/)
      assert.match(second.body, /<option value="higher_is_better" selected>/)
      assert.match(second.body, /<option value="number" selected>/)
      assert.doesNotMatch(second.body, /higher better or lower better/)

      // Nobody else, even of the same council, reaches this person's upload.
      const other = await Agent.signedIn(app, colleague.email)
      assert.equal((await other.get(again)).statusCode, 404)
      assert.equal((await other.post(`${again}/preview`, HART_FORM)).statusCode, 404)
      assert.equal((await other.post(`${again}/import`, HART_FORM)).statusCode, 404)
      assert.equal((await other.get('/exchange/mapped/not-an-id')).statusCode, 404)
    })

    it('asks about an ambiguous period, by row and column, rather than guessing it', async () => {
      const agent = await Agent.signedIn(app, officer.email)
      const location = await uploadTo(
        agent,
        'annual.csv',
        csvFile([
          ['Code', 'Year', 'Value'],
          ['AMB1', '2024', '12'],
        ]),
      )
      const page = await agent.get(location)
      assert.equal(page.statusCode, 200)
      const response = await agent.post(`${location}/preview`, {
        layout: 'long',
        column_0: 'code',
        column_1: 'period',
        column_2: 'value',
        unit: 'number',
        polarity: 'higher_is_better',
      })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /id="row-errors"/)
      assert.match(response.body, /could be the calendar year 2024 or the financial year/)
      assert.match(response.body, /Year/)
      const codes = await ctx.database.db
        .selectFrom('measures')
        .select('id')
        .where('organisation_id', '=', org.id)
        .where('code', '=', 'AMB1')
        .execute()
      assert.equal(codes.length, 0)
    })

    it('refuses an empty upload with a message, and those who cannot import', async () => {
      const agent = await Agent.signedIn(app, officer.email)
      await agent.get('/exchange/mapped')
      const empty = await agent.upload('/exchange/mapped', {}, null)
      assert.equal(empty.statusCode, 400)
      assert.match(empty.body, /Select a file to import/)
      // Pentana's action export has a layout of its own: sent to the ordinary import.
      const pentana = await agent.upload(
        '/exchange/mapped',
        {},
        {
          name: 'pentana-action-export.csv',
          content: await readFile(
            new URL('../../../docs/samples/pentana-action-export.csv', import.meta.url),
          ),
        },
      )
      assert.equal(pentana.statusCode, 400)
      assert.match(pentana.body, /Pentana’s action export/)
      assert.match(pentana.body, /Import and export page/)
      const reader = await Agent.signedIn(app, viewer.email)
      assert.equal((await reader.get('/exchange/mapped')).statusCode, 403)
    })

    it('maps a council’s own project list onto projects and actions, with suggestions, and remembers it', async () => {
      const agent = await Agent.signedIn(app, officer.email)
      const file = () =>
        csvFile([
          ['Ref', 'Project name', 'Type', 'Lead officer', 'Finish by', 'Percent complete'],
          ['OWNP1', 'New leisure centre', 'Project', officer.email, '2026-03-31', 40],
          ['OWNP2', 'Library opening hours review', 'Action', officer.email, '2025-12-31', 100],
        ])
      const location = await uploadTo(agent, 'projects.csv', file())
      const page = await agent.get(`${location}?kind=Projects`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /<input type="hidden" name="sheet" value="Projects">/)
      // Suggested from the Projects sheet's headings and their aliases; the rest is asked.
      assert.match(page.body, /id="column_1"[\s\S]*?<option value="title" selected>Title</)
      assert.match(page.body, /id="column_5"[\s\S]*?<option value="progress" selected>Progress/)
      assert.match(page.body, /id="column_0"[\s\S]*?<option value="ignore" selected>/)
      const form = {
        sheet: 'Projects',
        layout: 'long',
        column_0: 'code',
        column_1: 'title',
        column_2: 'level',
        column_3: 'managerId',
        column_4: 'endDate',
        column_5: 'progress',
        onlyColumn: '',
        onlyValue: '',
      }
      const unmapped = await agent.post(`${location}/preview`, { ...form, column_1: 'ignore' })
      assert.equal(unmapped.statusCode, 400)
      assert.match(unmapped.body, /Select which column holds the title/)
      const check = await agent.post(`${location}/preview`, form)
      assert.equal(check.statusCode, 200, check.body.slice(0, 2000))
      assert.match(check.body, /New project “New leisure centre”/)
      const done = await agent.post(`${location}/import`, form)
      assert.equal(done.statusCode, 200, done.body.slice(0, 2000))
      const rows = await ctx.database.db
        .selectFrom('projects')
        .select(['code', 'level', 'manager_id', 'end_date', 'status_override'])
        .where('organisation_id', '=', org.id)
        .where('code', 'in', ['OWNP1', 'OWNP2'])
        .orderBy('code')
        .execute()
      assert.deepEqual(
        rows.map((r) => [r.code, r.level, r.manager_id, r.end_date]),
        [
          ['OWNP1', 'project', officer.personId, '2026-03-31'],
          ['OWNP2', 'action', officer.personId, '2025-12-31'],
        ],
      )
      assert.equal(rows[1]?.status_override, 'completed', '100% is completed')
      // Next month's list, same headings: the Projects mapping is offered, and nothing is new.
      const again = await uploadTo(agent, 'projects.csv', file())
      const offered = await agent.get(again)
      assert.match(offered.body, /<input type="hidden" name="sheet" value="Projects">/)
      assert.match(offered.body, /id="column_0"[\s\S]*?<option value="code" selected>Code</)
      const recheck = await agent.post(`${again}/preview`, form)
      assert.equal(recheck.statusCode, 200)
      assert.match(recheck.body, /0 changes|everything in the file is already/)
    })
  })
}
