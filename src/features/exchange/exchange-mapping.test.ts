import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'
import { readTable } from './exchange-mapping.ts'
import { recognisePeriod } from './exchange-periods.ts'
import { ImportInvalid } from './exchange-service.ts'
import { csvFile } from './exchange-test-files.ts'

// The real council files in the shared data folder, read where they are.
const data = (name: string) => readFile(new URL(`../../../../shared/data/${name}`, import.meta.url))

describe('period labels as councils write them', () => {
  const label = (text: string) => {
    const r = recognisePeriod(text)
    return 'period' in r ? r.period.label : 'ambiguous' in r ? 'ask' : 'unknown'
  }
  it('reads the common UK forms, and asks about those that could mean two periods', () => {
    assert.equal(label('2024/25 Q1'), '2024/25 Q1')
    assert.equal(label('Q1 2024/25'), '2024/25 Q1')
    assert.equal(label('2014-15 Q2 (published 2014-11-07)'), '2014/15 Q2')
    assert.equal(label('2018-19;Q4'), '2018/19 Q4')
    assert.equal(label('Apr-24'), 'Apr 2024')
    assert.equal(label('April 2024'), 'Apr 2024')
    assert.equal(label('2025-01'), 'Jan 2025')
    assert.equal(label('Sept 2024'), 'Sep 2024')
    assert.equal(label('2023/24'), '2023/24')
    assert.equal(label('2023-2024'), '2023/24')
    assert.equal(label('2024'), 'ask')
    assert.equal(label('Q1 2024'), 'ask')
    assert.equal(label('2024/26'), 'unknown')
    assert.equal(label('Spring'), 'unknown')
  })
})

for (const mode of testModes()) {
  describe(`exchange import through a column mapping (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
    })
    after(() => ctx.close())

    it('takes Hart DC’s KPI file as it is: suggests the mapping, asks the polarity, imports its history approved', async () => {
      const file = await data('hart_dc_kpis_2014-15_q1_q2.csv')
      const analysis = await ctx.services.exchange.analyseFile(officer, file)
      assert.equal(analysis.suggested.layout, 'long')
      assert.deepEqual(
        Object.fromEntries(
          Object.entries(analysis.suggested.columns).filter(([, role]) => role !== 'ignore'),
        ),
        {
          period: 'period',
          kpi_code: 'code',
          description: 'title',
          unit: 'unit',
          this_quarter: 'value',
          target: 'target',
          notes: 'commentary',
        },
      )
      assert.ok(analysis.questions.some((q) => /higher better or lower better/.test(q)))
      assert.equal(analysis.sample.length, 5)

      const mapping = {
        ...analysis.suggested,
        polarity: 'higher_is_better',
        unit: 'number',
      } as const
      const history = { reason: 'Published quarterly KPI reports 2014/15', source: 'hart.csv' }
      const dry = await ctx.services.exchange.importMapped(officer, file, mapping, {
        dryRun: true,
        history,
      })
      assert.ok(dry.counts.Measures.created >= 40, `${dry.counts.Measures.created} measures`)
      assert.ok(dry.counts.Values.created >= 80, `${dry.counts.Values.created} values`)
      const summary = await ctx.services.exchange.importMapped(officer, file, mapping, {
        dryRun: false,
        history,
      })
      assert.deepEqual(summary.counts, dry.counts, 'the dry run said what the import did')
      const cs01 = await ctx.database.db
        .selectFrom('measure_values as v')
        .innerJoin('measures as m', 'm.id', 'v.measure_id')
        .select([
          'm.title',
          'm.unit',
          'm.frequency',
          'v.period_start',
          'v.value',
          'v.status',
          'v.rag',
        ])
        .where('m.organisation_id', '=', org.id)
        .where('m.code', '=', 'CS01')
        .orderBy('v.period_start')
        .execute()
      assert.deepEqual(
        cs01.map((v) => [v.period_start, v.value, v.status, v.rag]),
        [
          ['2014-04-01', 95.9, 'approved', 'green'],
          ['2014-07-01', cs01.at(1)?.value, 'approved', cs01.at(1)?.rag],
        ],
      )
      assert.equal(cs01.at(0)?.unit, 'percent')
      assert.equal(cs01.at(0)?.frequency, 'quarterly')
      assert.match(cs01.at(0)?.title ?? '', /Quality of Customer Service Call Handling/)

      // Next quarter's file, or the same file again: nothing new.
      const again = await ctx.services.exchange.importMapped(officer, file, mapping, {
        dryRun: true,
        history,
      })
      assert.equal(again.total, 0)
    })

    it('takes Hart DC’s service plan milestones as they are: undated ones as "No date set", a title recurring on other dates as a milestone for each date; again, and its export, change nothing', async () => {
      const file = await data('hart_dc_service_plan_milestones_2014-15.csv')
      const history = { reason: 'Service plan 2014/15', source: 'hart-milestones.csv' }
      const rows = (await readTable(file)).rows.map((r) => r.cells.map((c) => String(c ?? '')))
      // The file names each milestone's action on every row: mapped as projects, each action
      // comes in once.
      const actions = {
        columns: {},
        layout: 'long',
        sheet: 'Projects',
        fields: { act: 'title' },
      } as const
      const first = await ctx.services.exchange.importMapped(officer, file, actions, {
        dryRun: false,
        history,
      })
      const named = new Set(rows.map((r) => r[11]))
      const projects = await ctx.database.db
        .selectFrom('projects')
        .select(['id', 'title', 'level'])
        .where('organisation_id', '=', org.id)
        .execute()
      assert.equal(projects.length, named.size, JSON.stringify(first.counts))
      assert.ok(projects.every((p) => p.level === 'action'))
      const again = await ctx.services.exchange.importMapped(officer, file, actions, {
        dryRun: true,
        history,
      })
      assert.equal(again.total, 0)

      // Its milestones: 64 rows have no date, two titles recur under one action on other dates,
      // and one undated row is there twice word for word. All of it comes in.
      const milestones = {
        columns: {},
        layout: 'long',
        sheet: 'Milestones',
        fields: { act: 'project', text: 'title', date: 'due' },
      } as const
      const distinct = new Set(rows.map((r) => `${r[11]}|${r[9]}|${r[1]}`))
      assert.equal(rows.length, 381)
      assert.equal(distinct.size, 380, 'one row repeats another word for word')
      const dry = await ctx.services.exchange.importMapped(officer, file, milestones, {
        dryRun: true,
        history,
      })
      assert.deepEqual(dry.counts.Milestones, { created: 380, updated: 0, unchanged: 0 })
      const summary = await ctx.services.exchange.importMapped(officer, file, milestones, {
        dryRun: false,
        history,
      })
      assert.deepEqual(summary.counts, dry.counts, 'the dry run said what the import did')
      const held = await ctx.database.db
        .selectFrom('project_milestones')
        .select(['id', 'project_id', 'title', 'due_date'])
        .where('organisation_id', '=', org.id)
        .execute()
      assert.equal(held.length, 380)
      assert.equal(held.filter((m) => m.due_date === null).length, 63)
      const engage = projects.find((p) => /^Engage fully with Enterprise M3/i.test(p.title))
      assert.deepEqual(
        held
          .filter((m) => m.project_id === engage?.id && m.title === 'Review progress')
          .map((m) => m.due_date)
          .sort(),
        ['2014-06-30', '2014-09-30', '2014-12-31'],
      )

      // Shown as "No date set", and never overdue (the dated ones, in 2014, are).
      const undated = held.find((m) => m.due_date === null)
      assert.ok(undated)
      const shown = await ctx.services.projects.milestones(officer, undated.project_id)
      const none = shown.find((m) => m.id === undated.id)
      assert.ok(none)
      assert.equal(none.due.label, 'No date set')
      assert.equal(none.overdue, false)
      assert.ok(shown.filter((m) => m.due.date !== null).every((m) => m.overdue))

      // The same file again, and the export of what came in: nothing changes.
      for (const dryRun of [true, false]) {
        const twice = await ctx.services.exchange.importMapped(officer, file, milestones, {
          dryRun,
          history,
        })
        assert.equal(twice.total, 0, JSON.stringify(twice.changes.slice(0, 5)))
        assert.deepEqual(twice.counts.Milestones, { created: 0, updated: 0, unchanged: 380 })
      }
      const exported = await ctx.services.exchange.exportFile(officer)
      const back = await ctx.services.exchange.importFile(officer, exported, { dryRun: false })
      assert.equal(back.total, 0, JSON.stringify(back.changes.slice(0, 5)))
      assert.equal(back.counts.Milestones.unchanged, 380)
      const after = await ctx.database.db
        .selectFrom('project_milestones')
        .select('id')
        .where('organisation_id', '=', org.id)
        .execute()
      assert.equal(after.length, 380)
    })

    it('takes the LGBF file of every Scottish council: asks which council, reads fractions as percentages', async () => {
      const file = await data('lgbf_scotland/Indicator_Data_-_Real_-_Quarterly.csv')
      const analysis = await ctx.services.exchange.analyseFile(officer, file)
      assert.equal(analysis.suggested.columns.Code, 'code')
      assert.equal(analysis.suggested.columns.Period, 'period')
      assert.equal(analysis.suggested.columns.Value, 'value')
      assert.ok(
        analysis.questions.some((q) => q.includes('which "LocalAuthority" is your council')),
        analysis.questions.join('; '),
      )
      const mapping = {
        ...analysis.suggested,
        only: { column: 'LocalAuthority', value: 'Aberdeen City' },
        unit: 'percent',
        polarity: 'higher_is_better',
        fractionsArePercentages: true,
      } as const
      const summary = await ctx.services.exchange.importMapped(officer, file, mapping, {
        dryRun: false,
        history: { reason: 'LGBF published figures', source: 'lgbf.csv' },
      })
      assert.equal(summary.counts.Measures.created, 2)
      const corp09 = await ctx.database.db
        .selectFrom('measure_values as v')
        .innerJoin('measures as m', 'm.id', 'v.measure_id')
        .select(['v.period_start', 'v.value', 'v.status'])
        .where('m.organisation_id', '=', org.id)
        .where('m.code', '=', 'CORP-09')
        .orderBy('v.period_start')
        .execute()
      assert.equal(corp09.at(0)?.period_start, '2018-04-01')
      assert.equal(corp09.at(0)?.value, 98)
      assert.ok(corp09.every((v) => v.status === 'approved'))
      assert.equal(corp09.length, summary.counts.Values.created / 2)
    })

    it('names the file’s own row and column for a period it cannot read, and writes nothing', async () => {
      const file = csvFile([
        ['PI code', 'Period', 'Actual'],
        ['NEW1', '2024/25 Q1', 5],
        ['NEW1', '2024', 6],
      ])
      await assert.rejects(
        ctx.services.exchange.importMapped(
          officer,
          file,
          {
            columns: { 'PI code': 'code', Period: 'period', Actual: 'value' },
            layout: 'long',
            unit: 'number',
            polarity: 'lower_is_better',
          },
          { dryRun: false },
        ),
        (e: unknown) => {
          assert.ok(e instanceof ImportInvalid)
          assert.equal(e.rows.at(0)?.row, 3)
          assert.equal(e.rows.at(0)?.column, 'Period')
          assert.match(e.rows.at(0)?.message ?? '', /calendar year 2024 or the financial year/)
          return true
        },
      )
    })

    it('answers the analysis and the mapped import on the API', async () => {
      const app = await ctx.app()
      const { token } = await ctx.services.auth.createToken(officer, 'Mapping')
      const file = csvFile([
        ['Indicator code', 'Indicator', 'Quarter', 'Actual'],
        ['API1', 'Complaints answered on time', 'Q1 2024/25', '91%'],
      ])
      const part = (name: string, content: Buffer | string, filename?: string) =>
        Buffer.concat([
          Buffer.from(
            `--b\r\ncontent-disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n`,
          ),
          Buffer.from(content),
          Buffer.from('\r\n'),
        ])
      const send = (url: string, parts: Buffer[]) =>
        app.inject({
          method: 'POST',
          url,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'multipart/form-data; boundary=b',
          },
          payload: Buffer.concat([...parts, Buffer.from('--b--\r\n')]),
        })
      const analysis = await send('/api/v1/imports/analysis', [part('file', file, 'kpi.csv')])
      assert.equal(analysis.statusCode, 200, analysis.body)
      const suggested = analysis.json<{ suggested: { columns: Record<string, string> } }>()
        .suggested
      assert.deepEqual(suggested.columns, {
        'Indicator code': 'code',
        Indicator: 'title',
        Quarter: 'period',
        Actual: 'value',
      })
      const mapping = JSON.stringify({
        ...suggested,
        layout: 'long',
        unit: 'percent',
        polarity: 'higher_is_better',
      })
      const imported = await send('/api/v1/imports/mapped?dryRun=true', [
        part('file', file, 'kpi.csv'),
        part('mapping', mapping),
      ])
      assert.equal(imported.statusCode, 200, imported.body)
      assert.equal(
        imported.json<{ counts: { Values: { created: number } } }>().counts.Values.created,
        1,
      )
      const bad = await send('/api/v1/imports/mapped', [
        part('file', file, 'kpi.csv'),
        part('mapping', '{"columns": {}, "layout": "sideways"}'),
      ])
      assert.equal(bad.statusCode, 400)
    })

    it('takes a Pentana/Covalent PI export in its standard layout (docs/samples)', async () => {
      const file = await readFile(
        new URL('../../../docs/samples/pentana-pi-export.csv', import.meta.url),
      )
      const analysis = await ctx.services.exchange.analyseFile(officer, file)
      assert.deepEqual(analysis.suggested.columns, {
        'PI Code': 'code',
        'PI Title': 'title',
        Period: 'period',
        Actual: 'value',
        Target: 'target',
        Status: 'ignore',
        Note: 'commentary',
      })
      const mapping = {
        ...analysis.suggested,
        unit: 'number',
        polarity: 'higher_is_better',
      } as const
      const summary = await ctx.services.exchange.importMapped(officer, file, mapping, {
        dryRun: true,
        history: { reason: 'Moved from Pentana', source: 'pentana-pi-export.csv' },
      })
      assert.equal(summary.counts.Measures.created, 2)
      assert.equal(summary.counts.Values.created, 6)
      assert.equal(summary.counts.Targets.created, 6)
    })

    it('reads a wide file, one column per period', async () => {
      const file = csvFile([
        ['Code', 'Title', 'Apr-24', 'May-24', 'Jun-24'],
        ['WIDE1', 'Missed bins per 100,000', 40, 38, 'n/a'],
      ])
      const analysis = await ctx.services.exchange.analyseFile(officer, file)
      assert.equal(analysis.suggested.layout, 'wide')
      const summary = await ctx.services.exchange.importMapped(
        officer,
        file,
        { ...analysis.suggested, unit: 'number', polarity: 'lower_is_better' },
        { dryRun: true },
      )
      assert.equal(summary.counts.Measures.created, 1)
      assert.equal(summary.counts.Values.created, 2, 'n/a is no value')
    })
  })
}
