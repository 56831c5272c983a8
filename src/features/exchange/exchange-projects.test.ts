import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import { SelectQueryNode, type KyselyPlugin } from 'kysely'
import { bearer } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'
import { createExchangeService, ImportInvalid } from './exchange-service.ts'
import { csvFile, workbookFile, type Rows } from './exchange-test-files.ts'
import { pentanaSamples } from './pentana-samples.ts'
import { ukDate } from './project-sheets.ts'

type Person = Principal & { email: string }

const PROJECTS = [
  'Code',
  'Title',
  'Level',
  'Part of',
  'Lead unit',
  'Owner',
  'Start date',
  'End date',
  'Budget (£)',
  'Status',
  'Status reason',
  'Confidence',
]
const MILESTONES = ['Project code', 'Milestone', 'Due', 'Status', 'Completed date', 'Owner']

/** A multipart body: the file (with its name) and any other fields. */
function multipart(file: { name: string; content: Buffer }, fields: Record<string, string> = {}) {
  const part = (name: string, content: Buffer | string, filename?: string) =>
    Buffer.concat([
      Buffer.from(
        `--b\r\ncontent-disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n`,
      ),
      Buffer.from(content),
      Buffer.from('\r\n'),
    ])
  return {
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
    payload: Buffer.concat([
      part('file', file.content, file.name),
      ...Object.entries(fields).map(([k, v]) => part(k, v)),
      Buffer.from('--b--\r\n'),
    ]),
  }
}

const sample = (name: string) => readFile(new URL(`../../../docs/samples/${name}`, import.meta.url))

describe('Pentana sample files', () => {
  it('docs/samples holds exactly what the project writes (node scripts/samples.ts)', async () => {
    for (const [name, text] of Object.entries(pentanaSamples())) {
      assert.equal((await sample(name)).toString('utf8'), text, `${name} is stale`)
    }
  })
  it('reads UK dates as Pentana writes them', () => {
    assert.equal(ukDate('31/03/2025'), '2025-03-31')
    assert.equal(ukDate('1-Apr-2025'), '2025-04-01')
    assert.equal(ukDate('2025-04-01'), '2025-04-01')
    assert.equal(ukDate('soon'), 'soon')
  })
})

for (const mode of testModes()) {
  describe(`exchange: programmes, projects, actions and milestones (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Person
    let entry: Person
    let lead: Person

    const importing = (who: Principal, sheets: Record<string, Rows>, dryRun = false) =>
      workbookFile(sheets).then((file) =>
        ctx.services.exchange.importFile(who, file, { dryRun, fileName: 'thread.xlsx' }),
      )
    const problems = async (promise: Promise<unknown>) => {
      try {
        await promise
      } catch (error) {
        assert.ok(error instanceof ImportInvalid, String(error))
        return error.rows.map((r) => `${r.sheet} ${r.row} ${r.column}: ${r.message}`)
      }
      assert.fail('expected the import to be refused')
    }
    const projects = () =>
      ctx.database.db
        .selectFrom('projects')
        .select([
          'id',
          'code',
          'title',
          'level',
          'parent_id',
          'manager_id',
          'status_override',
          'status_reason',
          'end_date',
        ])
        .where('organisation_id', '=', org.id)
        .orderBy('title')
        .execute()
    const milestones = () =>
      ctx.database.db
        .selectFrom('project_milestones')
        .select(['title', 'due_date', 'due_precision', 'status', 'original_due_date'])
        .where('organisation_id', '=', org.id)
        .orderBy('title')
        .execute()
    const audits = async (action: string) =>
      ctx.database.db
        .selectFrom('audit_records')
        .select(['summary', 'after'])
        .where('organisation_id', '=', org.id)
        .where('action', '=', action)
        .execute()

    const THREAD: Record<string, Rows> = {
      Projects: [
        PROJECTS,
        [
          'HSG',
          'Housing improvement programme',
          'Programme',
          null,
          'PEOPLE',
          null,
          '2025-04-01',
          '2027-03-31',
          2000000,
          null,
          null,
          'High',
        ],
        [
          'HSG1',
          'Replace the repairs system',
          'Project',
          'HSG',
          'CARE',
          null,
          '2025-04-01',
          '2026-03-31',
          450000,
          'At risk',
          'Supplier slipped',
          'Medium',
        ],
        [
          null,
          'Train the repairs team',
          'Action',
          'HSG1',
          null,
          null,
          null,
          '2026-01-31',
          null,
          null,
          null,
          null,
        ],
      ],
      Milestones: [
        MILESTONES,
        ['HSG1', 'Supplier chosen', '2025/26 Q2', 'Completed', '2025-09-15', null],
        ['HSG1', 'New system live', '2026-02-28', 'On track', null, null],
      ],
    }

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-11-20T12:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      entry = await ctx.person(org, { role: 'data_entry' })
      lead = await ctx.person(org, { role: 'viewer', name: 'Priya Shah' })
      await ctx.person(org, { role: 'viewer', name: 'Gareth Evans' })
      const rows = THREAD.Projects ?? []
      THREAD.Projects = rows.map((r, i) => (i === 2 ? r.with(5, lead.email) : r))
    })
    after(() => ctx.close())

    it('imports programmes, projects, actions and milestones in one audited transaction, and a second import changes nothing', async () => {
      const dry = await importing(officer, THREAD, true)
      assert.equal(dry.counts.Projects.created, 3)
      assert.equal(dry.counts.Milestones.created, 2)
      assert.equal((await projects()).length, 0, 'the dry run wrote nothing')

      const summary = await importing(officer, THREAD)
      assert.equal(summary.total, 5)
      const rows = await projects()
      const byTitle = new Map(rows.map((r) => [r.title, r]))
      const programme = byTitle.get('Housing improvement programme')
      const project = byTitle.get('Replace the repairs system')
      const action = byTitle.get('Train the repairs team')
      assert.equal(project?.parent_id, programme?.id)
      assert.equal(action?.parent_id, project?.id)
      assert.equal(action?.level, 'action')
      assert.ok(project)
      assert.equal(project.manager_id, lead.personId)
      assert.equal(project.status_override, 'at_risk')
      assert.equal(project.status_reason, 'Supplier slipped')
      assert.deepEqual(
        (await milestones()).map((m) => [m.title, m.due_date, m.due_precision, m.status]),
        [
          ['New system live', '2026-02-28', 'day', 'on_track'],
          ['Supplier chosen', '2025-09-30', 'quarter', 'completed'],
        ],
      )
      assert.equal((await audits('project_created')).length, 3)
      assert.equal((await audits('milestone_added')).length, 2)
      const applied = await audits('import_applied')
      assert.equal(applied.length, 1)
      assert.match(applied[0]?.summary ?? '', /Imported thread\.xlsx \(SHA-256 [0-9a-f]{16}…\)/)

      // The same file again: matched by code (or title under its parent), nothing duplicated.
      const again = await importing(officer, THREAD)
      assert.equal(again.total, 0, JSON.stringify(again.changes))
      assert.equal(again.counts.Projects.unchanged, 3)
      assert.equal(again.counts.Milestones.unchanged, 2)
      assert.equal((await projects()).length, 3)

      // A changed row updates; a moved milestone is rescheduled, with its reason.
      const changed = await importing(officer, {
        Projects: [
          ['Code', 'Title', 'Budget (£)', 'Status'],
          ['HSG1', 'Replace the repairs system', 500000, null],
        ],
        Milestones: [
          ['Project code', 'Milestone', 'Due', 'Reschedule reason'],
          ['HSG1', 'New system live', '2026-03-31', 'Data migration takes longer'],
        ],
      })
      assert.equal(changed.counts.Projects.updated, 1)
      assert.equal(changed.counts.Milestones.updated, 1)
      const after = (await projects()).find((p) => p.code === 'HSG1')
      assert.equal(after?.status_override, null, 'a blank status goes back to the suggestion')
      const live = (await milestones()).find((m) => m.title === 'New system live')
      assert.ok(live)
      assert.equal(live.due_date, '2026-03-31')
      assert.equal(live.original_due_date, '2026-02-28')
      assert.equal(live.status, 'rescheduled')
    })

    it('imports monthly updates, submitted for approval; the same again changes nothing', async () => {
      const UPDATES = ['Project code', 'Month', 'Highlights', 'Next steps', 'Confidence']
      const sheets = {
        Updates: [UPDATES, ['HSG1', 'Oct 2025', 'Supplier chosen', 'Migrate the data', 'Medium']],
      }
      const summary = await importing(officer, sheets)
      assert.equal(summary.counts.Updates.created, 1)
      const rows = await ctx.database.db
        .selectFrom('project_updates')
        .select(['month', 'status', 'confidence', 'submitted_by'])
        .where('organisation_id', '=', org.id)
        .execute()
      assert.deepEqual(rows, [
        {
          month: '2025-10-01',
          status: 'submitted',
          confidence: 'medium',
          submitted_by: officer.personId,
        },
      ])
      assert.equal((await audits('update_submitted')).length, 1)
      assert.equal((await importing(officer, sheets)).total, 0)
      const found = await problems(
        importing(officer, {
          Updates: [
            UPDATES,
            ['HSG1', 'Oct 2025', 'Something else', null, 'High'],
            ['HSG1', 'Jan 2026', 'Not yet', null, 'High'],
            ['HSG1', 'Sometime', 'Whenever', null, 'High'],
            ['HSG1', 'Sep 2025', 'Fine', null, 'Certain'],
          ],
        }),
      )
      for (const pattern of [
        /^Updates 2 Highlights: HSG1 already has a October 2025 update \(submitted\)/,
        /^Updates 3 Month: You cannot report on a month that has not started/,
        /^Updates 4 Month: Enter the month reported on/,
        /^Updates 5 Confidence: “Certain” is not one of/,
      ]) {
        assert.ok(
          found.some((f) => pattern.test(f)),
          `${pattern}\n${found.join('\n')}`,
        )
      }
    })

    it('names the row and column of each problem and writes nothing', async () => {
      const before = (await projects()).length
      const found = await problems(
        importing(officer, {
          Projects: [
            PROJECTS,
            ['NEW1', 'A new project', 'Scheme', null, null, null, null, null, null, null],
            ['NEW2', 'Another', 'Project', 'NOPE', null, 'nobody@nowhere.test'],
            [
              'NEW3',
              'Dates back to front',
              'Project',
              null,
              null,
              null,
              '2026-01-01',
              '2025-01-01',
            ],
            ['NEW3', 'Twice', 'Project'],
            [
              'NEW4',
              'Status with no reason',
              'Project',
              null,
              null,
              null,
              null,
              null,
              null,
              'At risk',
            ],
          ],
          Milestones: [
            MILESTONES,
            ['HSG1', 'Handover', 'Spring', null],
            ['GONE', 'Anything', '2026-01-01'],
            ['HSG1', 'Go live', '2030-01-01'],
          ],
        }),
      )
      const expected = [
        /^Projects 2 Level: “Scheme” is not one of: Programme, Project, Action/,
        /^Projects 3 Part of: No programme, project or action has the code or title “NOPE”/,
        /^Projects 3 Owner: No one in the council has the email address or name/,
        /^Projects 4 End date: The end date must be the same as or after the start date/,
        /^Projects 5 Code: NEW3 is already on row 4 of this sheet, with different details/,
        /^Projects 6 Status reason: Enter why the status is set this way/,
        /^Milestones 2 Due: Enter when it is due/,
        /^Milestones 3 Project code: No programme, project or action has the code or title “GONE”/,
        /^Milestones 4 Due: The milestone must be due within the project’s dates/,
      ]
      for (const pattern of expected) {
        assert.ok(
          found.some((f) => pattern.test(f)),
          `${pattern}\n${found.join('\n')}`,
        )
      }
      assert.equal((await projects()).length, before, 'nothing half-written')
    })

    it('lets only the performance team import the thread; unchanged rows need no permission', async () => {
      const found = await problems(
        importing(entry, {
          Projects: [PROJECTS, ['ENTRY1', 'Not mine to add', 'Project']],
        }),
      )
      assert.match(found[0] ?? '', /Only administrators and performance officers can import/)
      const viewer = await ctx.person(org, { role: 'viewer' })
      await assert.rejects(importing(viewer, THREAD), /You cannot import/)
    })

    it('reads the portfolio once for the Projects sheet, however many rows it has', async () => {
      // Whole-portfolio reads: selects from projects not narrowed to one item by its id.
      let portfolioReads = 0
      const counter: KyselyPlugin = {
        transformQuery: (args) => {
          const node = args.node
          if (
            SelectQueryNode.is(node) &&
            JSON.stringify(node.from).includes('"name":"projects"') &&
            !JSON.stringify(node.where ?? null).includes('"name":"id"')
          ) {
            portfolioReads++
          }
          return node
        },
        transformResult: async (args) => Promise.resolve(args.result),
      }
      const counted = createExchangeService({
        ...ctx.services,
        db: ctx.database.db.withPlugin(counter),
      })
      const rows: Rows = [
        ['Code', 'Title', 'Level', 'Part of'],
        ['SET0', 'Set-based programme', 'Programme', null],
        ...Array.from({ length: 30 }, (_, i) => [
          `SET${i + 1}`,
          `Set-based action ${i + 1}`,
          'Action',
          'SET0',
        ]),
      ]
      const file = await workbookFile({ Projects: rows })
      const summary = await counted.importFile(officer, file, { dryRun: true })
      assert.equal(summary.counts.Projects.created, 31)
      // The project service's createIn reads the portfolio to check each new item's place (one
      // per created row, its own affair); the sheet itself reads it once, not again per row.
      assert.ok(portfolioReads <= 31 + 1, `${portfolioReads} whole-portfolio reads for 31 rows`)
    })

    it('reads Pentana’s action export (docs/samples) as actions, by the API too', async () => {
      const file = await sample('pentana-action-export.csv')
      const app = await ctx.app()
      const token = (await ctx.services.auth.createToken(officer, 'Migration')).token
      const body = multipart({ name: 'pentana-action-export.csv', content: file })
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/imports?dryRun=false',
        headers: { authorization: `Bearer ${token}`, ...body.headers },
        payload: body.payload,
      })
      assert.equal(response.statusCode, 200, response.body)
      assert.equal(
        response.json<{ counts: { Projects: { created: number } } }>().counts.Projects.created,
        4,
      )
      const rows = new Map((await projects()).map((p) => [p.code, p]))
      assert.equal(rows.get('ENV-A01')?.level, 'action')
      assert.equal(rows.get('ENV-A01')?.status_override, 'completed')
      assert.equal(rows.get('ENV-A02')?.status_override, 'on_track')
      assert.equal(rows.get('ENV-A02')?.status_reason, '60% complete (imported)')
      assert.equal(rows.get('HOU-A07')?.status_override, 'off_track')
      assert.equal(rows.get('HOU-A07')?.end_date, '2025-06-30')
      assert.equal(rows.get('ENV-A01')?.manager_id, lead.personId, 'Assigned To by name')
      const applied = await audits('import_applied')
      assert.ok(applied.some((a) => /pentana-action-export\.csv/.test(a.summary)))
      // Next month's export again: nothing new.
      const again = await ctx.services.exchange.importFile(officer, file, { dryRun: true })
      assert.equal(again.total, 0)
    })

    it('imports plans with their levels, their items and the links of the thread; again, nothing changes', async () => {
      const sheets: Record<string, Rows> = {
        Plans: [
          ['Plan', 'Kind', 'First year', 'Last year', 'Status', 'Levels', 'Part of', 'Vision'],
          [
            'City Vision 2035',
            'City plan',
            '2025/26',
            '2034/35',
            'Active',
            'Ambition',
            null,
            'A fairer city',
          ],
          [
            'Council Plan',
            'Corporate',
            '2025/26',
            '2028/29',
            'Active',
            'Theme > Priority',
            'City Vision 2035',
            null,
          ],
        ],
        'Plan items': [
          [
            'Plan',
            'Item',
            'Level',
            'Part of',
            'Contributes to',
            'What success looks like',
            'Owner',
          ],
          ['City Vision 2035', 'A thriving city', 'Ambition', null, null, null, null],
          [
            'Council Plan',
            'Decent homes',
            'Theme',
            null,
            'City Vision 2035: A thriving city',
            null,
            lead.email,
          ],
          [
            'Council Plan',
            'Faster repairs',
            'Priority',
            'Decent homes',
            null,
            'Repairs in 10 days',
            null,
          ],
        ],
        Links: [
          ['Plan item', 'Linked kind', 'Linked reference'],
          ['Council Plan: Faster repairs', 'Project', 'HSG1'],
          ['Faster repairs', 'Person', lead.email],
        ],
      }
      const summary = await importing(officer, sheets)
      assert.deepEqual(
        [
          summary.counts.Plans.created,
          summary.counts['Plan items'].created,
          summary.counts.Links.created,
        ],
        [2, 3, 2],
      )
      const plans = await ctx.services.framework.listPlans(officer)
      const council = plans.find((p) => p.title === 'Council Plan')
      assert.ok(council)
      assert.deepEqual(council.levels, ['Theme', 'Priority'])
      assert.equal(council.parentPlanId, plans.find((p) => p.title === 'City Vision 2035')?.id)
      const { nodes } = await ctx.services.framework.planNodes(officer, council.id)
      const repairs = nodes.find((n) => n.title === 'Faster repairs')
      assert.ok(repairs)
      assert.equal(repairs.levelName, 'Priority')
      const links = await ctx.services.framework.links(officer, repairs.id)
      assert.deepEqual(links.map((l) => l.itemKind).sort(), ['person', 'project'])
      assert.equal((await audits('plan_created')).length, 2)
      assert.equal((await audits('node_created')).length, 3)
      assert.equal((await audits('item_linked')).length, 2)

      const again = await importing(officer, sheets)
      assert.equal(again.total, 0, JSON.stringify(again.changes))
      assert.equal(again.counts['Plan items'].unchanged, 3)

      const found = await problems(
        importing(officer, {
          'Plan items': [
            ['Plan', 'Item', 'Part of', 'Contributes to'],
            ['Council Plan', 'Too deep', 'Faster repairs', null],
            ['No such plan', 'Anything', null, null],
            ['City Vision 2035', 'Upside down', null, 'Council Plan: Decent homes'],
          ],
          Links: [
            ['Plan item', 'Linked kind', 'Linked reference'],
            ['Faster repairs', 'Measure', 'NOPE'],
            ['Faster repairs', 'Spreadsheet', 'X'],
          ],
        }),
      )
      for (const pattern of [
        /^Plan items 2 Part of: “Council Plan” has 2 levels \(Theme > Priority\)/,
        /^Plan items 3 Plan: No plan is called “No such plan”/,
        /^Plan items 4 Contributes to: “Decent homes” is not in a plan above “City Vision 2035”/,
        /^Links 2 Linked reference: No measure has the reference “NOPE”/,
        /^Links 3 Linked kind: “Spreadsheet” is not one of/,
      ]) {
        assert.ok(
          found.some((f) => pattern.test(f)),
          `${pattern}\n${found.join('\n')}`,
        )
      }
      assert.equal((await audits('node_created')).length, 3, 'nothing half-written')

      // Shaping the framework is for the performance team over the whole council.
      const wasteOfficer = await ctx.person(org, { role: 'performance_officer', roleUnit: 'waste' })
      const refused = await problems(
        importing(wasteOfficer, {
          Plans: [
            ['Plan', 'Kind', 'First year', 'Last year', 'Levels'],
            ['Waste plan', 'Service plan', '2025/26', '2025/26', 'Aim'],
          ],
        }),
      )
      assert.match(
        refused[0] ?? '',
        /Only administrators and performance officers over the whole council/,
      )
    })

    it('reads a Pentana file saved as UTF-8 with a byte order mark or as Windows-1252', async () => {
      const text =
        'Action Code,Action Title,Progress %,Status,Due Date,Assigned To\r\n' +
        'ENC-1,Café £ review – phase 1,10,In Progress,31/03/2026,Priya Shah\r\n'
      const files = [
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]),
        Buffer.from(text.replace('–', '\x96'), 'latin1'),
      ]
      for (const file of files) {
        const summary = await ctx.services.exchange.importFile(officer, file, { dryRun: true })
        assert.equal(summary.changes[0]?.detail, 'New action “Café £ review – phase 1”')
      }
    })

    it('the template has the Projects and Milestones sheets', async () => {
      const app = await ctx.app()
      const token = (await ctx.services.auth.createToken(officer, 'Template')).token
      const response = await bearer(app, token, 'GET', '/api/v1/exports/workbook')
      assert.equal(response.statusCode, 200)
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer)
      const sheet = workbook.getWorksheet('Projects')
      assert.ok(sheet)
      assert.equal(sheet.getCell('A1').text, 'Code')
      assert.ok(workbook.getWorksheet('Milestones'))
      // The export imports again as no change.
      const summary = await ctx.services.exchange.importFile(officer, response.rawPayload, {
        dryRun: true,
      })
      assert.equal(summary.total, 0, JSON.stringify(summary.changes))
      assert.ok(summary.counts.Projects.unchanged >= 7)
    })

    it('the API’s mapped import remembers the mapping and names the file in its report and audit', async () => {
      const app = await ctx.app()
      const token = (await ctx.services.auth.createToken(officer, 'Mapped')).token
      const file = csvFile([
        ['Indicator code', 'Indicator', 'Quarter', 'Actual'],
        ['MAP1', 'Complaints answered on time', 'Q1 2024/25', '91%'],
      ])
      const mapping = JSON.stringify({
        columns: {
          'Indicator code': 'code',
          Indicator: 'title',
          Quarter: 'period',
          Actual: 'value',
        },
        layout: 'long',
        unit: 'percent',
        polarity: 'higher_is_better',
      })
      const sent = multipart({ name: 'complaints-q1.csv', content: file }, { mapping })
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/imports/mapped',
        headers: { authorization: `Bearer ${token}`, ...sent.headers },
        payload: sent.payload,
      })
      assert.equal(response.statusCode, 200, response.body)
      const body = response.json<{
        total: number
        report: { fileName: string; needs: unknown[] }
      }>()
      assert.equal(body.report.fileName, 'complaints-q1.csv')
      assert.ok(body.report.needs.length > 0)
      const remembered = await ctx.database.db
        .selectFrom('import_mappings')
        .select('signature')
        .where('organisation_id', '=', org.id)
        .execute()
      assert.equal(remembered.length, 1)
      const analysis = await ctx.services.mappedImports.analysis(officer, {
        id: '',
        fileName: 'complaints-q2.csv',
        file,
      })
      assert.ok(analysis.remembered, 'the page offers the mapping the API confirmed')
      const applied = await audits('import_applied')
      assert.ok(applied.some((a) => /complaints-q1\.csv/.test(a.summary)))
    })
  })
}
