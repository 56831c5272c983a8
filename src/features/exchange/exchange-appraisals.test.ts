import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'
import { ImportInvalid } from './exchange-service.ts'
import { csvFile, workbookFile, type Rows } from './exchange-test-files.ts'

type Person = Principal & { email: string }

const LM = ['Person email', 'Line manager email']
const OBJ = ['Person email', 'Year', 'Title', 'Success measure', 'Due date', 'Plan item']

for (const mode of testModes()) {
  describe(`exchange: line managers and objectives (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Person
    let wasteOfficer: Person
    let manager: Person
    let staff: Person
    let colleague: Person

    const importing = (who: Principal, sheets: Record<string, Rows>, dryRun = false) =>
      workbookFile(sheets).then((file) => ctx.services.exchange.importFile(who, file, { dryRun }))
    const problems = async (promise: Promise<unknown>) => {
      try {
        await promise
      } catch (error) {
        assert.ok(error instanceof ImportInvalid, String(error))
        return error.rows.map((r) => `${r.sheet} ${r.row} ${r.column}: ${r.message}`)
      }
      assert.fail('expected the import to be refused')
    }
    const managerOf = async (p: Person) =>
      (
        await ctx.database.db
          .selectFrom('people')
          .select('line_manager_id')
          .where('id', '=', p.personId)
          .executeTakeFirstOrThrow()
      ).line_manager_id
    const objectives = () =>
      ctx.database.db
        .selectFrom('objectives')
        .select(['title', 'success_measure', 'due_date'])
        .orderBy('title')
        .execute()
    const audits = async (action: string) =>
      Number(
        (
          await ctx.database.db
            .selectFrom('audit_records')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('action', '=', action)
            .executeTakeFirstOrThrow()
        ).n,
      )

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-04-10T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer', email: 'pat@example.org' })
      wasteOfficer = await ctx.person(org, { role: 'performance_officer', roleUnit: 'waste' })
      manager = await ctx.person(org, { role: 'approver', unit: 'waste', email: 'mo@example.org' })
      staff = await ctx.person(org, { role: 'data_entry', unit: 'waste', email: 'sam@example.org' })
      colleague = await ctx.person(org, { role: 'viewer', unit: 'waste', email: 'cal@example.org' })
      const framework = ctx.services.framework
      const city = await framework.createPlan(officer, {
        title: 'City Plan',
        kind: 'city',
        firstYear: '2024/25',
        lastYear: '2028/29',
        status: 'active',
        levels: ['Theme'],
      })
      await framework.createNode(officer, city.id, { title: 'Clean streets' })
      await framework.createNode(officer, city.id, { title: 'Same name' })
      const team = await framework.createPlan(officer, {
        title: 'Waste Team Plan',
        kind: 'team',
        firstYear: '2025/26',
        lastYear: '2025/26',
        status: 'active',
        ownerUnitId: org.units.waste,
        parentPlanId: city.id,
        levels: ['Team objective'],
      })
      await framework.createNode(officer, team.id, { title: 'Same name' })
      const other = await ctx.organisation('Elsewhere')
      const theirs = await ctx.person(other, { role: 'performance_officer' })
      const plan = await framework.createPlan(theirs, {
        title: 'Their plan',
        kind: 'city',
        firstYear: '2024/25',
        lastYear: '2028/29',
        status: 'active',
        levels: ['Theme'],
      })
      await framework.createNode(theirs, plan.id, { title: 'Their theme' })
      await ctx.services.appraisals.openCycle(officer, {
        year: 2025,
        objectivesOpens: '2025-04-01',
        objectivesCloses: '2025-05-31',
        midYearOpens: '2025-10-01',
        midYearCloses: '2025-11-30',
        yearEndOpens: '2026-04-01',
        yearEndCloses: '2026-05-31',
      })
    })
    after(() => ctx.close())

    it('sets line managers, audited, and a re-import changes nothing', async () => {
      const sheet = [LM, [staff.email, manager.email], [colleague.email, manager.email]]
      const dry = await importing(officer, { 'Line managers': sheet }, true)
      assert.equal(dry.counts['Line managers'].updated, 2)
      assert.equal(await managerOf(staff), null)
      const done = await importing(officer, { 'Line managers': sheet })
      assert.equal(done.counts['Line managers'].updated, 2)
      assert.equal(await managerOf(staff), manager.personId)
      assert.equal(await managerOf(colleague), manager.personId)
      assert.equal(await audits('person_updated'), 2)
      const again = await importing(officer, { 'Line managers': sheet })
      assert.deepEqual(again.counts['Line managers'], { created: 0, updated: 0, unchanged: 2 })
      assert.equal(await audits('person_updated'), 2)
    })

    it('refuses loops, unknown people and duplicates by row and column, writing nothing', async () => {
      const found = await problems(
        importing(officer, {
          'Line managers': [
            LM,
            [colleague.email, staff.email],
            [manager.email, staff.email],
            ['nobody@example.org', manager.email],
            [colleague.email, ''],
            [officer.email, officer.email],
          ],
        }),
      )
      assert.ok(
        found.some((p) =>
          /^Line managers 3 Line manager email: .*directly or down the line/.test(p),
        ),
        found.join('\n'),
      )
      assert.ok(
        found.some((p) => /^Line managers 4 Person email: No one .*nobody@example.org/.test(p)),
      )
      assert.ok(found.some((p) => /^Line managers 5 Person email: Already on row 2/.test(p)))
      assert.ok(
        found.some((p) => /^Line managers 6 Line manager email: .*own line manager/.test(p)),
      )
      // Row 2 was fine on its own, but nothing of the file was written.
      assert.equal(await managerOf(colleague), manager.personId)
      assert.equal(await managerOf(manager), null)
    })

    it('imports objectives, updating rather than duplicating on a re-import', async () => {
      const rows: Rows = [
        OBJ,
        [
          staff.email,
          '2025/26',
          'Cut missed bins',
          'Under 40 per 100,000',
          '2026-03-31',
          'Clean streets',
        ],
        [
          staff.email,
          '2025/26',
          'Crew training',
          'Every crew trained',
          '2026-01-31',
          'Waste Team Plan: Same name',
        ],
      ]
      const first = await importing(officer, { Objectives: rows })
      assert.equal(first.counts.Objectives.created, 2)
      assert.equal(await audits('objective_added'), 2)
      const changed = rows.map((r, i) =>
        i === 2 ? [...r.slice(0, 3), 'Every crew trained by March', ...r.slice(4)] : r,
      )
      const second = await importing(officer, { Objectives: changed })
      assert.deepEqual(second.counts.Objectives, { created: 0, updated: 1, unchanged: 1 })
      assert.deepEqual(
        (await objectives()).map((o) => [o.title, o.success_measure]),
        [
          ['Crew training', 'Every crew trained by March'],
          ['Cut missed bins', 'Under 40 per 100,000'],
        ],
      )
      assert.equal(await audits('objective_updated'), 1)
    })

    it('refuses bad objective rows by row and column, writing nothing', async () => {
      const found = await problems(
        importing(officer, {
          Objectives: [
            OBJ,
            [
              colleague.email,
              '2025/26',
              'Fine on its own',
              'Measured',
              '2026-03-31',
              'Clean streets',
            ],
            [colleague.email, '2019/20', 'No cycle', 'x', '2026-03-31', 'Clean streets'],
            [colleague.email, '2025/26', 'Theirs', 'x', '2026-03-31', 'Their theme'],
            [colleague.email, '2025/26', 'Ambiguous', 'x', '2026-03-31', 'Same name'],
            [colleague.email, '2025/26', 'Bad date', 'x', '2026-02-30', 'Clean streets'],
            [colleague.email, '2025/26', 'No measure', '', '2026-03-31', 'Clean streets'],
          ],
        }),
      )
      const expect = [
        /^Objectives 3 Year: No appraisal cycle is open for 2019\/20/,
        /^Objectives 4 Plan item: No active plan item is called "Their theme"/,
        /^Objectives 5 Plan item: 2 plan items are called "Same name"/,
        /^Objectives 6 Due date: Enter the date it is due as a real date/,
        /^Objectives 7 Success measure: /,
      ]
      for (const e of expect)
        assert.ok(
          found.some((p) => e.test(p)),
          `${e}\n${found.join('\n')}`,
        )
      assert.equal((await objectives()).length, 2)
    })

    it('lets only the performance team over the whole council import them', async () => {
      for (const who of [wasteOfficer, manager]) {
        const found = await problems(
          importing(who, { 'Line managers': [LM, [colleague.email, '']] }),
        )
        assert.match(
          found.join('\n'),
          /Line managers 2 : Only administrators and performance officers over the whole council/,
        )
      }
      assert.equal(await managerOf(colleague), manager.personId)
    })

    it('takes a Line managers CSV through POST /api/v1/imports, with row errors as details', async () => {
      const app = await ctx.app()
      const token = (await ctx.services.auth.createToken(officer, 'HR feed')).token
      const send = (rows: Rows, dryRun: boolean) => {
        const boundary = 'hr'
        return app.inject({
          method: 'POST',
          url: `/api/v1/imports?dryRun=${String(dryRun)}`,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
          },
          payload: Buffer.concat([
            Buffer.from(
              `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="lm.csv"\r\ncontent-type: text/csv\r\n\r\n`,
            ),
            csvFile(rows),
            Buffer.from(`\r\n--${boundary}--\r\n`),
          ]),
        })
      }
      const loop = await send([LM, [manager.email, colleague.email]], false)
      assert.equal(loop.statusCode, 400)
      const details = loop.json<{
        error: { details: { sheet: string; row: number; column: string }[] }
      }>().error.details
      assert.deepEqual(
        details.map((d) => [d.sheet, d.row, d.column]),
        [['Line managers', 2, 'Line manager email']],
      )
      assert.equal(await managerOf(manager), null)
      const real = await send([LM, [manager.email, officer.email]], false)
      assert.equal(real.statusCode, 200)
      assert.equal(
        real.json<{ counts: Record<string, { updated: number }> }>().counts['Line managers']
          ?.updated,
        1,
      )
      assert.equal(await managerOf(manager), officer.personId)
    })

    it('exports both sheets for the performance team only, ready to import again', async () => {
      const sheetOf = async (who: Principal, name: string) => {
        const workbook = new ExcelJS.Workbook()
        await workbook.xlsx.load(
          (await ctx.services.exchange.exportFile(who)) as unknown as ArrayBuffer,
        )
        const sheet = workbook.getWorksheet(name)
        assert.ok(sheet)
        const rows: string[] = []
        sheet.eachRow((r) => rows.push((r.values as unknown[]).slice(1).join('|')))
        return rows
      }
      const lines = await sheetOf(officer, 'Line managers')
      assert.equal(lines[0], LM.join('|'))
      assert.ok(lines.includes(`${staff.email}|${manager.email}`))
      assert.ok(lines.includes(`${manager.email}|${officer.email}`))
      const objs = await sheetOf(officer, 'Objectives')
      assert.ok(
        objs.includes(
          `${staff.email}|2025/26|Crew training|Every crew trained by March|2026-01-31|Waste Team Plan: Same name`,
        ),
        objs.join('\n'),
      )
      assert.deepEqual(await sheetOf(manager, 'Objectives'), [OBJ.join('|')])
    })
  })
}
