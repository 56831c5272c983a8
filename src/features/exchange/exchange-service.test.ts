import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Forbidden } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { ImportInvalid, type ImportSummary } from './exchange-service.ts'
import { csvFile, MEASURE_HEADINGS, workbookFile, type Rows } from './exchange-test-files.ts'

const measureRow = (code: string, over: Partial<Record<string, string | number>> = {}) => {
  const base: Record<string, string | number> = {
    Code: code,
    Title: `Measure ${code}`,
    Unit: 'Percentage (%)',
    'Decimal places': 1,
    Polarity: 'Higher is better',
    Frequency: 'Quarterly',
    'Owning unit': 'WASTE',
    Cumulative: 'no',
    Public: 'no',
    ...over,
  }
  return MEASURE_HEADINGS.map((h) => base[h] ?? null)
}

const RISK_HEADINGS = [
  'Reference',
  'Title',
  'Register',
  'Category',
  'Status',
  'Review frequency',
  'Inherent likelihood',
  'Inherent impact',
  'Current likelihood',
  'Current impact',
  'Target likelihood',
  'Target impact',
]
const riskRow = (reference: string, over: Partial<Record<string, string | number>> = {}) => {
  const base: Record<string, string | number> = {
    Reference: reference,
    Title: 'Funding gap',
    Register: 'Corporate risks',
    Category: 'Financial',
    Status: 'Open',
    'Review frequency': 'Quarterly',
    'Inherent likelihood': 4,
    'Inherent impact': 4,
    'Current likelihood': 3,
    'Current impact': 4,
    'Target likelihood': 2,
    'Target impact': 3,
    ...over,
  }
  return RISK_HEADINGS.map((h) => base[h] ?? null)
}

for (const mode of testModes()) {
  describe(`exchange import (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let clerk: Principal
    let approver: Principal
    let viewer: Principal

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      clerk = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' })
      approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      viewer = await ctx.person(org, { role: 'viewer' })
      const m = await ctx.services.measures.create(officer, {
        code: 'BASE1',
        title: 'Existing measure',
        unit: 'percent',
        decimals: 1,
        polarity: 'higher_is_better',
        frequency: 'quarterly',
        unitId: org.units.waste ?? null,
      })
      await ctx.services.measures.putTargets(officer, m.id, {
        targets: [{ period: '2024/25', value: 50 }],
      })
      await ctx.services.values.save(clerk, m.id, {
        period: '2024/25 Q1',
        value: 55,
        submit: true,
      })
      await ctx.services.values.approve(approver, m.id, '2024-04-01')
      const register = await ctx.services.risks.createRegister(officer, {
        name: 'Corporate risks',
        level: 'corporate',
      })
      await ctx.services.risks.createRisk(officer, {
        registerId: register.id,
        reference: 'CR01',
        title: 'Funding gap',
        category: 'financial',
        reviewFrequency: 'quarterly',
        inherentLikelihood: 4,
        inherentImpact: 4,
        currentLikelihood: 3,
        currentImpact: 4,
        targetLikelihood: 2,
        targetImpact: 3,
      })
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

    const cases: { name: string; sheets: Record<string, Rows>; expected: string }[] = [
      {
        name: 'a unit of measurement the app does not know',
        sheets: { Measures: [MEASURE_HEADINGS, measureRow('NEW1', { Unit: 'Furlongs' })] },
        expected: 'Sheet Measures, row 2, column Unit: "Furlongs" is not one of: Percentage (%)',
      },
      {
        name: 'a missing title, with the app’s own message',
        sheets: { Measures: [MEASURE_HEADINGS, measureRow('NEW1', { Title: '' })] },
        expected: 'Sheet Measures, row 2, column Title: Enter a title for the measure',
      },
      {
        name: 'an unknown owning unit',
        sheets: { Measures: [MEASURE_HEADINGS, measureRow('NEW1', { 'Owning unit': 'Moon' })] },
        expected: 'Sheet Measures, row 2, column Owning unit: No unit has the code or name "Moon"',
      },
      {
        name: 'the same code twice in the file',
        sheets: { Measures: [MEASURE_HEADINGS, measureRow('NEW1'), measureRow('new1')] },
        expected: 'Sheet Measures, row 3, column Code: NEW1 is already on row 2 of this sheet',
      },
      {
        name: 'a column the sheet does not have',
        sheets: { Measures: [[...MEASURE_HEADINGS, 'Polarty'], measureRow('NEW1')] },
        expected: 'Sheet Measures, row 1, column Polarty: There is no column "Polarty"',
      },
      {
        name: 'an unknown measure code',
        sheets: {
          Values: [
            ['Measure code', 'Period', 'Value'],
            ['NOPE', '2024/25 Q2', 3],
          ],
        },
        expected: 'Sheet Values, row 2, column Measure code: No measure has the code NOPE',
      },
      {
        name: 'a period that is not one',
        sheets: {
          Targets: [
            ['Measure code', 'Period', 'Target'],
            ['BASE1', '2024/25 Q7', 3],
          ],
        },
        expected: 'Sheet Targets, row 2, column Period:',
      },
      {
        name: 'a monthly period for a quarterly measure',
        sheets: {
          Values: [
            ['Measure code', 'Period', 'Value'],
            ['BASE1', 'Sep 2024', 3],
          ],
        },
        expected:
          'Sheet Values, row 2, column Period: Sep 2024 does not fit this quarterly measure',
      },
      {
        name: 'text in a number cell',
        sheets: {
          Targets: [
            ['Measure code', 'Period', 'Target'],
            ['BASE1', '2025/26', 'lots'],
          ],
        },
        expected: 'Sheet Targets, row 2, column Target: Enter the target as a number',
      },
      {
        name: 'a percentage over 100',
        sheets: {
          Values: [
            ['Measure code', 'Period', 'Value'],
            ['BASE1', '2024/25 Q2', 140],
          ],
        },
        expected:
          'Sheet Values, row 2, column Value: Enter the value for 2024/25 Q2 as a percentage',
      },
      {
        name: 'a change to an approved value',
        sheets: {
          Values: [
            ['Measure code', 'Period', 'Value'],
            ['BASE1', '2024/25 Q1', 60],
          ],
        },
        expected:
          'Sheet Values, row 2, column Value: The value of BASE1 for 2024/25 Q1 is approved: to change it, restate it',
      },
      {
        name: 'a red value without commentary',
        sheets: {
          Values: [
            ['Measure code', 'Period', 'Value'],
            ['BASE1', '2024/25 Q2', 10],
          ],
        },
        expected: 'Sheet Values, row 2, column Commentary: BASE1 is red for 2024/25 Q2',
      },
      {
        name: 'the same period twice',
        sheets: {
          Targets: [
            ['Measure code', 'Period', 'Target'],
            ['BASE1', '2025/26', 1],
            ['BASE1', '2025/26', 2],
          ],
        },
        expected: 'Sheet Targets, row 3, column Period: BASE1 2025/26 is already on row 2',
      },
      {
        name: 'a target for a measure whose own row failed',
        sheets: {
          Measures: [MEASURE_HEADINGS, measureRow('NEW2', { Unit: 'Furlongs' })],
          Targets: [
            ['Measure code', 'Period', 'Target'],
            ['NEW2', '2025/26', 2],
            ['NEW2', '2026/27', 3],
          ],
        },
        // One error for the measure's rows, not one per row.
        expected:
          'Sheet Targets, row 2, column Measure code: NEW2 is not imported (see the Measures sheet), so its 2 rows here, from this one, are left out too',
      },
      {
        name: 'a risk register that does not exist',
        sheets: { Risks: [RISK_HEADINGS, riskRow('CR09', { Register: 'Nowhere' })] },
        expected: 'Sheet Risks, row 2, column Register: No risk register is called "Nowhere"',
      },
      {
        name: 'a likelihood off the matrix, with the risk form’s own message',
        sheets: { Risks: [RISK_HEADINGS, riskRow('CR09', { 'Inherent likelihood': 9 })] },
        expected: 'Sheet Risks, row 2, column Inherent likelihood:',
      },
      {
        name: 'a current score changed outside a review',
        sheets: { Risks: [RISK_HEADINGS, riskRow('CR01', { 'Current likelihood': 1 })] },
        expected:
          'Sheet Risks, row 2, column Current likelihood: The current score changes only by a review',
      },
      {
        name: 'a new risk raised closed',
        sheets: { Risks: [RISK_HEADINGS, riskRow('CR09', { Status: 'Closed' })] },
        expected: 'Sheet Risks, row 2, column Status: A new risk is raised open',
      },
      {
        name: 'a workbook without any sheet to import',
        sheets: { Sheet1: [['a', 'b']] },
        expected:
          'Sheet File, row 1: The workbook has none of the sheets Measures, Targets, Values',
      },
    ]
    for (const c of cases) {
      it(`reports ${c.name}`, async () => {
        const messages = await problems(officer, await workbookFile(c.sheets))
        assert.ok(
          messages.some((m) => m.startsWith(c.expected)),
          `expected "${c.expected}" among:\n${messages.join('\n')}`,
        )
      })
    }

    it('reads a CSV file, told which sheet by its header row', async () => {
      const messages = await problems(
        officer,
        csvFile([
          ['Measure code', 'Period', 'Target'],
          ['BASE1', '2025/26', 'abc'],
        ]),
      )
      assert.deepEqual(messages, [
        'Sheet Targets, row 2, column Target: Enter the target as a number, like 42 or 97.5',
      ])
      const unknown = await problems(officer, csvFile([['Name', 'Amount']]))
      assert.match(unknown[0] ?? '', /header row does not say which sheet/)
    })

    async function snapshot() {
      const db = ctx.database.db
      const count = async (table: 'measures' | 'measure_targets' | 'measure_values') =>
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('organisation_id', '=', org.id)
            .executeTakeFirstOrThrow()
        ).n
      const audit = await db
        .selectFrom('audit_records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organisation_id', '=', org.id)
        .executeTakeFirstOrThrow()
      const base = await db
        .selectFrom('measures')
        .select(['title', 'version'])
        .where('organisation_id', '=', org.id)
        .where('code', '=', 'BASE1')
        .executeTakeFirstOrThrow()
      return {
        measures: await count('measures'),
        targets: await count('measure_targets'),
        values: await count('measure_values'),
        audit: audit.n,
        base,
      }
    }

    const goodSheets = (extraValue?: (string | number)[]) => ({
      Measures: [
        MEASURE_HEADINGS,
        measureRow('NEW9', { Title: 'Missed bin collections', Polarity: 'lower_is_better' }),
        measureRow('BASE1', { Title: 'Existing measure, renamed' }),
      ],
      Targets: [
        ['Measure code', 'Period', 'Target'],
        ['NEW9', '2025/26', 20],
        ['BASE1', '2025/26', 60],
      ],
      Values: [
        ['Measure code', 'Period', 'Value', 'Commentary'],
        ['NEW9', '2024/25 Q4', 18, null],
        ['BASE1', '2024/25 Q1', 55, null],
        ...(extraValue ? [extraValue] : []),
      ],
    })

    it('writes nothing when any row fails, and lists the errors', async () => {
      const before_ = await snapshot()
      const file = await workbookFile(goodSheets(['NOPE', '2024/25 Q1', 1]))
      await assert.rejects(run(officer, file), (error: unknown) => {
        assert.ok(error instanceof ImportInvalid)
        assert.deepEqual(
          error.rows.map((r) => [r.sheet, r.row, r.column]),
          [['Values', 4, 'Measure code']],
        )
        return true
      })
      assert.deepEqual(await snapshot(), before_)
    })

    it('previews a dry run without writing anything', async () => {
      const before_ = await snapshot()
      const summary = await run(officer, await workbookFile(goodSheets()), true)
      assert.equal(summary.dryRun, true)
      assert.deepEqual(summary.counts, {
        Measures: { created: 1, updated: 1, unchanged: 0 },
        Targets: { created: 2, updated: 0, unchanged: 0 },
        Values: { created: 1, updated: 0, unchanged: 1 },
        Risks: { created: 0, updated: 0, unchanged: 0 },
        Savings: { created: 0, updated: 0, unchanged: 0 },
        Projects: { created: 0, updated: 0, unchanged: 0 },
        Milestones: { created: 0, updated: 0, unchanged: 0 },
        Updates: { created: 0, updated: 0, unchanged: 0 },
        Plans: { created: 0, updated: 0, unchanged: 0 },
        'Plan items': { created: 0, updated: 0, unchanged: 0 },
        Links: { created: 0, updated: 0, unchanged: 0 },
        'Line managers': { created: 0, updated: 0, unchanged: 0 },
        Objectives: { created: 0, updated: 0, unchanged: 0 },
      })
      assert.deepEqual(
        summary.changes.map((c) => [c.sheet, c.row, c.action, c.item]),
        [
          ['Measures', 2, 'create', 'NEW9'],
          ['Measures', 3, 'update', 'BASE1'],
          ['Targets', 2, 'create', 'NEW9 2025/26'],
          ['Targets', 3, 'create', 'BASE1 2025/26'],
          ['Values', 2, 'create', 'NEW9 2024/25 Q4'],
        ],
      )
      assert.deepEqual(await snapshot(), before_)
    })

    let imported: ImportSummary
    it('imports everything in one go with audit records, values sent for approval', async () => {
      const before_ = await snapshot()
      imported = await run(officer, await workbookFile(goodSheets()))
      assert.equal(imported.total, 5)
      const after_ = await snapshot()
      assert.equal(after_.measures, before_.measures + 1)
      assert.equal(after_.targets, before_.targets + 2)
      assert.equal(after_.values, before_.values + 1)
      assert.equal(after_.base.title, 'Existing measure, renamed')
      // measure created + updated, targets set on two measures, one value submitted, and the
      // import itself (import_applied, naming the file).
      assert.equal(after_.audit, before_.audit + 6)
      const actions = await ctx.database.db
        .selectFrom('audit_records')
        .select(['action', 'actor_id'])
        .where('organisation_id', '=', org.id)
        .orderBy('seq', 'desc')
        .limit(6)
        .execute()
      assert.deepEqual(actions.map((a) => a.action).sort(), [
        'import_applied',
        'measure_created',
        'measure_updated',
        'targets_set',
        'targets_set',
        'value_submitted',
      ])
      assert.ok(actions.every((a) => a.actor_id === officer.personId))
      const [created] = await ctx.database.db
        .selectFrom('measures')
        .innerJoin('measure_values', 'measure_values.measure_id', 'measures.id')
        .select(['measures.polarity', 'measure_values.status', 'measure_values.submitted_by'])
        .where('measures.organisation_id', '=', org.id)
        .where('measures.code', '=', 'NEW9')
        .execute()
      assert.deepEqual(created, {
        polarity: 'lower_is_better',
        status: 'submitted',
        submitted_by: officer.personId,
      })
      // Targets of other periods are kept: BASE1 still has its 2024/25 target.
      const targets = await ctx.database.db
        .selectFrom('measure_targets')
        .innerJoin('measures', 'measures.id', 'measure_targets.measure_id')
        .select(['measure_targets.period_start', 'measure_targets.value'])
        .where('measures.code', '=', 'BASE1')
        .where('measures.organisation_id', '=', org.id)
        .orderBy('measure_targets.period_start')
        .execute()
      assert.deepEqual(targets, [
        { period_start: '2024-04-01', value: 50 },
        { period_start: '2025-04-01', value: 60 },
      ])
    })

    it('reports the same file again as 0 changes', async () => {
      const again = await run(officer, await workbookFile(goodSheets()), true)
      assert.equal(again.total, 0)
      assert.deepEqual(again.counts.Measures, { created: 0, updated: 0, unchanged: 2 })
    })

    it('raises new risks and changes existing ones by reference, with audit records', async () => {
      const file = await workbookFile({
        Risks: [
          RISK_HEADINGS,
          riskRow('CR01', { Title: 'Funding gap widens', 'Target impact': 2 }),
          riskRow('CR02', { Title: 'Recruitment of social workers', Category: 'people' }),
        ],
      })
      const dry = await run(officer, file, true)
      assert.deepEqual(dry.counts.Risks, { created: 1, updated: 1, unchanged: 0 })
      assert.deepEqual(
        dry.changes.map((c) => [c.row, c.action, c.item, c.detail]),
        [
          [2, 'update', 'CR01', 'Changes title, target impact'],
          [3, 'create', 'CR02', 'New risk "Recruitment of social workers"'],
        ],
      )
      const audits = async () =>
        (
          await ctx.database.db
            .selectFrom('audit_records')
            .select('action')
            .where('organisation_id', '=', org.id)
            .where('item_type', '=', 'risk')
            .execute()
        ).map((a) => a.action)
      const before_ = await audits()
      await run(officer, file)
      assert.deepEqual((await audits()).slice(before_.length).sort(), [
        'risk_created',
        'risk_updated',
      ])
      const risks = await ctx.services.risks.listRisks(officer)
      const cr01 = risks.find((r) => r.reference === 'CR01')
      assert.ok(cr01)
      assert.equal(cr01.title, 'Funding gap widens')
      assert.equal(cr01.target.impact, 2)
      assert.equal(risks.find((r) => r.reference === 'CR02')?.category, 'people')
      assert.equal((await run(officer, file, true)).total, 0)
      const refused = await problems(
        clerk,
        await workbookFile({ Risks: [RISK_HEADINGS, riskRow('CR03')] }),
      )
      assert.deepEqual(refused, [
        'Sheet Risks, row 2: You cannot manage the risks of this register: only administrators, performance officers and approvers over its unit can',
      ])
    })

    it('lets data entry import values for its own unit, but not definitions or targets', async () => {
      const values = await run(
        clerk,
        await workbookFile({
          Values: [
            ['Measure code', 'Period', 'Value', 'Commentary'],
            ['BASE1', '2024/25 Q2', 52, null],
          ],
        }),
        true,
      )
      assert.equal(values.counts.Values.created, 1)
      const messages = await problems(
        clerk,
        await workbookFile({
          Measures: [MEASURE_HEADINGS, measureRow('CLERK1')],
          Targets: [
            ['Measure code', 'Period', 'Target'],
            ['BASE1', '2026/27', 70],
          ],
        }),
      )
      assert.deepEqual(messages, [
        'Sheet Measures, row 2: You cannot define measures for this unit: only administrators and performance officers over it can',
        'Sheet Targets, row 2: You cannot set the targets of BASE1: only administrators and performance officers over its unit can',
      ])
      // A viewer may write nothing from any file: refused before the file is read.
      await assert.rejects(
        run(
          viewer,
          await workbookFile({
            Values: [
              ['Measure code', 'Period', 'Value'],
              ['BASE1', '2024/25 Q2', 52],
            ],
          }),
        ),
        Forbidden,
      )
    })

    it('refuses someone with no role in the council', async () => {
      const nobody = await ctx.person(org, { role: null })
      await assert.rejects(run(nobody, await workbookFile({ Values: [] })), Forbidden)
    })
  })
}
