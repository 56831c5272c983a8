import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { parseInput } from '../../web/fields.ts'
import type { Principal } from '../../core/principal.ts'
import { LineInput } from '../savings/index.ts'
import { ImportInvalid } from './exchange-service.ts'
import { csvFile, workbookFile } from './exchange-test-files.ts'

const HEADINGS = [
  'Reference',
  'Title',
  'Unit',
  'Programme',
  'Type',
  'Durability',
  'Status',
  'Owner',
  'Financial year',
  'Saving (£)',
  'Cost (£)',
]
const row = (reference: string, over: Partial<Record<string, string | number>> = {}) => {
  const base: Record<string, string | number> = {
    Reference: reference,
    Title: 'Reablement first',
    Unit: 'CARE',
    Programme: 'Adults transformation',
    Type: 'Cashable',
    Durability: 'Ongoing',
    'Financial year': '2025/26',
    'Saving (£)': 1200,
    ...over,
  }
  return HEADINGS.map((h) => base[h] ?? null)
}

for (const mode of testModes()) {
  describe(`exchange import of savings lines (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let approver: Principal

    const count = async (table: 'saving_lines' | 'audit_records') =>
      (
        await ctx.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('organisation_id', '=', org.id)
          .executeTakeFirstOrThrow()
      ).n

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      await ctx.services.savings.createLine(
        officer,
        parseInput(LineInput, {
          reference: 'SAV-01',
          title: 'Reablement first',
          unitId: org.units.care,
          programme: 'Adults transformation',
          savingType: 'cashable',
          durability: 'ongoing',
          years: [
            { financialYear: '2025/26', amount: '1200' },
            { financialYear: '2026/27', amount: '1200' },
          ],
        }),
      )
    })
    after(() => ctx.close())

    const run = (who: Principal, file: Buffer, dryRun = false) =>
      ctx.services.exchange.importFile(who, file, { dryRun })

    async function problems(who: Principal, file: Buffer): Promise<string[]> {
      try {
        await run(who, file, true)
      } catch (error) {
        if (error instanceof ImportInvalid) return error.fields.map((f) => f.message)
        throw error
      }
      assert.fail('the file was accepted')
    }

    it('creates and updates lines by reference, audited, keeping years not in the file', async () => {
      const file = await workbookFile({
        Savings: [
          HEADINGS,
          row('SAV-01', { Title: 'Reablement first, widened', 'Saving (£)': 1500 }),
          row('SAV-02', { Unit: 'WASTE', Type: 'non_cashable', 'Cost (£)': 100.5 }),
          row('SAV-02', { Unit: 'WASTE', Type: 'non_cashable', 'Financial year': '2026/27' }),
        ],
      })
      const dry = await run(officer, file, true)
      assert.deepEqual(dry.counts.Savings, { created: 1, updated: 1, unchanged: 0 })
      assert.deepEqual(
        dry.changes.map((c) => [c.row, c.action, c.item, c.detail]),
        [
          [2, 'update', 'SAV-01', 'Changes title, 2025/26'],
          [3, 'create', 'SAV-02', 'New savings line "Reablement first"'],
        ],
      )
      const lines = await count('saving_lines')
      const audits = await count('audit_records')
      await run(officer, file)
      assert.equal(await count('saving_lines'), lines + 1)
      const actions = await ctx.database.db
        .selectFrom('audit_records')
        .select(['action', 'actor_id'])
        .where('organisation_id', '=', org.id)
        .orderBy('seq', 'desc')
        .limit((await count('audit_records')) - audits)
        .execute()
      assert.deepEqual(actions.map((a) => a.action).sort(), [
        'import_applied',
        'saving_line_created',
        'saving_line_updated',
      ])
      assert.ok(actions.every((a) => a.actor_id === officer.personId))
      const all = await ctx.services.savings.allLines(officer)
      const sav1 = all.find((l) => l.reference === 'SAV-01')
      assert.equal(sav1?.title, 'Reablement first, widened')
      // 2026/27 was not in the file: kept as it was.
      assert.deepEqual(
        sav1.years.map((y) => [y.financialYear, y.amount.pounds]),
        [
          ['2025/26', '1500.00'],
          ['2026/27', '1200.00'],
        ],
      )
      const sav2 = all.find((l) => l.reference === 'SAV-02')
      assert.equal(sav2?.savingType, 'non_cashable')
      assert.equal(sav2.unitId, org.units.waste)
      assert.deepEqual(
        sav2.years.map((y) => [y.financialYear, y.amount.pounds, y.cost.pounds]),
        [
          ['2025/26', '1200.00', '100.50'],
          ['2026/27', '1200.00', '0.00'],
        ],
      )
      assert.equal((await run(officer, file, true)).total, 0)
    })

    it('reads a Savings sheet from a CSV file', async () => {
      const summary = await run(
        officer,
        csvFile([
          HEADINGS,
          row('SAV-01', { Title: 'Reablement first, widened', 'Saving (£)': 1500 }),
        ]),
        true,
      )
      assert.deepEqual(summary.counts.Savings, { created: 0, updated: 0, unchanged: 1 })
    })

    it('reports every bad cell, unknown unit or owner and repeated year', async () => {
      const file = await workbookFile({
        Savings: [
          HEADINGS,
          row('SAV-10', { 'Saving (£)': 'lots', Type: 'Sometimes' }),
          row('SAV-11', { Unit: 'NOWHERE', Owner: 'nobody@example.org' }),
          row('SAV-12', { 'Financial year': '2025' }),
          row('SAV-13'),
          row('SAV-13'),
          row('SAV-14'),
          row('SAV-14', { 'Financial year': '2026/27', Durability: 'One-off' }),
          row('', { Title: 'No reference' }),
        ],
      })
      assert.deepEqual(await problems(officer, file), [
        'Sheet Savings, row 2, column Type: "Sometimes" is not one of: Cashable, Non-cashable',
        'Sheet Savings, row 3, column Unit: No unit has the code or name "NOWHERE"',
        'Sheet Savings, row 3, column Owner: No one in the council has the email address nobody@example.org',
        'Sheet Savings, row 4, column Financial year: "2025" is not a financial year: write financial years like 2024/25',
        'Sheet Savings, row 6, column Financial year: SAV-13 2025/26 is already on row 5 of this sheet',
        'Sheet Savings, row 8, column Durability: Differs from row 7, the first row of SAV-14: the rows of a line must agree',
        'Sheet Savings, row 9, column Reference: Enter the reference of the savings line',
      ])
      const money = await problems(
        officer,
        await workbookFile({ Savings: [HEADINGS, row('SAV-10', { 'Saving (£)': 'lots' })] }),
      )
      assert.deepEqual(money, [
        'Sheet Savings, row 2, column Saving (£): Enter the saving for the year in pounds and pence, like 1,250.50',
      ])
    })

    it('refuses lines in units the person does not manage, row by row', async () => {
      const file = await workbookFile({
        Savings: [
          HEADINGS,
          row('SAV-20', { Unit: 'WASTE' }),
          row('SAV-21', { Unit: 'CARE' }),
          row('SAV-01', { Title: 'Renamed by the approver' }),
        ],
      })
      assert.deepEqual(await problems(approver, file), [
        'Sheet Savings, row 3: You cannot manage savings lines in this unit: only administrators, performance officers and approvers over it can',
        'Sheet Savings, row 4: You cannot manage savings lines in this unit: only administrators, performance officers and approvers over it can',
      ])
      const ok = await run(
        approver,
        await workbookFile({ Savings: [HEADINGS, row('SAV-20', { Unit: 'WASTE' })] }),
        true,
      )
      assert.equal(ok.counts.Savings.created, 1)
    })

    it('writes nothing when any row fails a real run', async () => {
      const lines = await count('saving_lines')
      const audits = await count('audit_records')
      const file = await workbookFile({
        Savings: [
          HEADINGS,
          row('SAV-30'),
          row('SAV-01', { Title: 'Renamed, then refused' }),
          // A cost over 100 times the saving is refused by the savings service itself.
          row('SAV-31', { 'Saving (£)': 1, 'Cost (£)': 500 }),
        ],
      })
      await assert.rejects(run(officer, file), (error: unknown) => {
        assert.ok(error instanceof ImportInvalid)
        assert.deepEqual(
          error.fields.map((f) => f.message),
          ['Sheet Savings, row 4, column Cost (£): The cost is more than 100 times the saving'],
        )
        return true
      })
      assert.equal(await count('saving_lines'), lines)
      assert.equal(await count('audit_records'), audits)
      const sav1 = (await ctx.services.savings.allLines(officer)).find(
        (l) => l.reference === 'SAV-01',
      )
      assert.equal(sav1?.title, 'Reablement first, widened')
    })
  })
}
