import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Forbidden, Invalid } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { verifyAudit } from '../audit/index.ts'
import { ImportInvalid } from './exchange-service.ts'
import { csvFile } from './exchange-test-files.ts'

for (const mode of testModes()) {
  describe(`exchange import: history, batches and encodings (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let clerk: Principal
    let measureId: string

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      clerk = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' })
      await ctx.person(org, { role: 'approver' })
      const m = await ctx.services.measures.create(officer, {
        code: 'HIS1',
        title: 'Household waste recycled',
        unit: 'percent',
        decimals: 1,
        polarity: 'higher_is_better',
        frequency: 'quarterly',
        unitId: org.units.waste,
      })
      measureId = m.id
      await ctx.services.measures.putTargets(officer, m.id, {
        targets: [{ period: '2024/25', value: 50 }],
      })
    })
    after(() => ctx.close())

    const history = (reason: string) => ({ history: { reason, source: 'history.csv' } })
    const rows = [
      ['Measure code', 'Period', 'Value', 'Commentary'],
      ['HIS1', '2024/25 Q1', 51, null],
      ['HIS1', '2024/25 Q2', 47, 'Fewer garden collections'],
      ['HIS1', '2024/25 Q3', 53, null],
      ['HIS1', '2024/25 Q4', 55, null],
      ['HIS1', '2025/26 Q1', 54, null],
    ]

    it('brings past periods in approved, audited with the file and the reason; the current period goes for sign-off', async () => {
      const dry = await ctx.services.exchange.importFile(officer, csvFile(rows), {
        dryRun: true,
        ...history('Published in the 2024/25 annual report'),
      })
      assert.equal(dry.counts.Values.created, 5)
      assert.equal(
        dry.changes.filter((c) => c.detail.endsWith('approved as history')).length,
        4,
        'the four quarters of 2024/25 have ended; 2025/26 Q1 has not',
      )
      const values0 = await ctx.database.db
        .selectFrom('measure_values')
        .select('id')
        .where('measure_id', '=', measureId)
        .execute()
      assert.equal(values0.length, 0, 'a dry run writes nothing')

      await ctx.services.exchange.importFile(officer, csvFile(rows), {
        dryRun: false,
        ...history('Published in the 2024/25 annual report'),
      })
      const stored = await ctx.database.db
        .selectFrom('measure_values')
        .select(['period_start', 'status', 'rag', 'target', 'approved_by'])
        .where('measure_id', '=', measureId)
        .orderBy('period_start')
        .execute()
      assert.deepEqual(
        stored.map((v) => [v.period_start, v.status, v.rag]),
        [
          ['2024-04-01', 'approved', 'green'],
          ['2024-07-01', 'approved', 'red'],
          ['2024-10-01', 'approved', 'green'],
          ['2025-01-01', 'approved', 'green'],
          ['2025-04-01', 'submitted', 'no_target'],
        ],
      )
      assert.equal(stored[0]?.approved_by, officer.personId)
      const measure = await ctx.database.db
        .selectFrom('measures')
        .select(['latest_period_start', 'pending_period_start'])
        .where('id', '=', measureId)
        .executeTakeFirstOrThrow()
      assert.equal(measure.latest_period_start, '2025-01-01', 'the headline is settled once')
      assert.equal(measure.pending_period_start, '2025-04-01')
      const audit = await ctx.database.db
        .selectFrom('audit_records')
        .select(['action', 'summary'])
        .where('item_id', '=', measureId)
        .where('action', 'in', ['value_imported_approved', 'value_submitted'])
        .orderBy('seq')
        .execute()
      assert.equal(audit.length, 5)
      assert.match(
        audit[0]?.summary ?? '',
        /^HIS1 2024\/25 Q1: 51\.0% imported as approved history from history\.csv \(SHA-256 [0-9a-f]{16}…\) \(Published in the 2024\/25 annual report\)$/,
      )
      assert.equal(audit[4]?.action, 'value_submitted')
      const chain = await verifyAudit(ctx.database.db)
      assert.equal(chain.ok, true, 'the batch of audit records keeps the hash chain whole')
      const notices = await ctx.database.db
        .selectFrom('notifications')
        .select('dedupe_key')
        .where('kind', '=', 'approval_requested')
        .execute()
      assert.equal(notices.length, 1, 'only the value sent for sign-off asks for approval')

      // The same file again changes nothing.
      const again = await ctx.services.exchange.importFile(officer, csvFile(rows), {
        dryRun: true,
        ...history('Published in the 2024/25 annual report'),
      })
      assert.equal(again.total, 0, '2025/26 Q1 stays in sign-off as it was')
    })

    it('refuses history from those who are not the performance team, and without a reason', async () => {
      await assert.rejects(
        ctx.services.exchange.importFile(clerk, csvFile(rows), {
          dryRun: true,
          ...history('Because'),
        }),
        Forbidden,
      )
      await assert.rejects(
        ctx.services.exchange.importFile(officer, csvFile(rows), {
          dryRun: true,
          ...history('  '),
        }),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'historyReason',
      )
    })

    it('names the row of each problem in a batch, and writes nothing', async () => {
      const before = await ctx.database.db.selectFrom('measure_values').select('id').execute()
      const bad = [
        ['Measure code', 'Period', 'Value', 'Commentary'],
        ['HIS1', '2025/26 Q1', 55, null],
        ['HIS1', '2023/24 Q4', 120, null],
        ['HIS1', '2024/25 Q2', 48, null],
        ['HIS1', '2027/28 Q1', 50, null],
      ]
      await assert.rejects(
        ctx.services.exchange.importFile(officer, csvFile(bad), { dryRun: false }),
        (e: unknown) => {
          assert.ok(e instanceof ImportInvalid)
          assert.deepEqual(
            e.rows.map((r) => [r.row, r.column]).sort(),
            [
              [3, 'Value'],
              [4, 'Value'],
              [5, 'Period'],
            ],
            e.rows.map((r) => r.message).join('; '),
          )
          return true
        },
      )
      const after = await ctx.database.db.selectFrom('measure_values').select('id').execute()
      assert.equal(after.length, before.length)
    })

    it('asks the approvers to sign off each value of a batch, in one go', async () => {
      const m = await ctx.services.measures.create(officer, {
        code: 'HIS2',
        title: 'Missed bins',
        unit: 'number',
        decimals: 0,
        polarity: 'lower_is_better',
        frequency: 'monthly',
        unitId: org.units.waste,
      })
      await ctx.services.exchange.importFile(
        officer,
        csvFile([
          ['Measure code', 'Period', 'Value'],
          ['HIS2', 'Apr 2025', 12],
          ['HIS2', 'May 2025', 9],
        ]),
        { dryRun: false },
      )
      const notices = await ctx.database.db
        .selectFrom('notifications')
        .select(['dedupe_key', 'person_id'])
        .where('kind', '=', 'approval_requested')
        .where('dedupe_key', 'like', `approval_requested:${m.id}:%`)
        .orderBy('dedupe_key')
        .execute()
      assert.deepEqual(
        notices.map((n) => n.dedupe_key.split(':')[2]),
        ['2025-04-01', '2025-05-01'],
      )
      assert.ok(notices.every((n) => n.person_id !== officer.personId))
    })

    it('reads CSV in UTF-8 with or without a byte order mark, and in Windows-1252 from Excel', async () => {
      const text =
        'Measure code,Period,Value,Commentary\r\nHIS1,2025/26 Q1,54,Café waste – £2k saved\r\n'
      const utf8 = Buffer.from(text, 'utf8')
      const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8])
      // Windows-1252: é is 0xE9, the en dash 0x96, the pound sign 0xA3.
      const cp1252 = Buffer.from(
        Array.from(text, (ch) => ch).map((ch) =>
          ch === 'é' ? 0xe9 : ch === '–' ? 0x96 : ch === '£' ? 0xa3 : ch.charCodeAt(0),
        ),
      )
      for (const file of [utf8, bom, cp1252]) {
        const summary = await ctx.services.exchange.importFile(officer, file, { dryRun: true })
        assert.equal(summary.counts.Values.updated, 1)
        assert.match(summary.changes[0]?.item ?? '', /HIS1 2025\/26 Q1/)
      }
      await ctx.services.exchange.importFile(officer, cp1252, { dryRun: false })
      const row = await ctx.database.db
        .selectFrom('measure_values')
        .select('commentary')
        .where('measure_id', '=', measureId)
        .where('period_start', '=', '2025-04-01')
        .executeTakeFirstOrThrow()
      assert.equal(row.commentary, 'Café waste – £2k saved')
    })
  })
}
