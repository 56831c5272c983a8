import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import type { MeasureInput } from './measure-schemas.ts'

const base = (over: Partial<MeasureInput> = {}): MeasureInput => ({
  code: 'WS01',
  title: 'Household waste recycled',
  unit: 'percent',
  decimals: 1,
  polarity: 'higher_is_better',
  frequency: 'quarterly',
  kind: 'strategic',
  tolerance: { type: 'percent', value: 5 },
  dueWorkingDays: 10,
  ...over,
})

for (const mode of testModes()) {
  describe(`measure service (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let clerk: Principal
    let approver: Principal
    let viewer: Principal
    let partner: Principal
    let outsider: Principal

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      org = await ctx.organisation()
      const other = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      clerk = await ctx.person(org, { role: 'data_entry', roleUnit: 'waste' })
      approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      viewer = await ctx.person(org, { role: 'viewer' })
      partner = await ctx.person(org, { role: 'partner', roleUnit: 'care' })
      outsider = await ctx.person(other, { role: 'administrator' })
    })
    after(() => ctx.close())

    const measure = (over: Partial<MeasureInput> = {}) =>
      ctx.services.measures.create(officer, base({ unitId: org.units.waste, ...over }))

    it('defines a measure with every field and reads it back', async () => {
      const m = await measure({
        code: 'ws-all',
        definition: 'Share of household waste sent for reuse, recycling or composting',
        rationale: 'Corporate plan priority',
        numeratorLabel: 'Tonnes recycled',
        denominatorLabel: 'Tonnes collected',
        baselineValue: 41.2,
        baselinePeriod: '2023/24',
        dataSource: 'WasteDataFlow',
        collectionMethod: 'Quarterly return',
        ownerId: officer.personId,
        dataEntryOfficerId: clerk.personId,
        approverId: approver.personId,
        public: true,
        nationalIndicatorRef: 'NI 192',
        quality: { relevant: { assessment: 'met', notes: 'Statutory' } },
        cumulative: false,
      })
      assert.equal(m.code, 'WS-ALL')
      assert.equal(m.quality.relevant.assessment, 'met')
      assert.equal(m.quality.accurate.assessment, 'not_assessed')
      assert.equal(m.baselinePeriod, '2023/24')
      assert.deepEqual(m.tolerance, { type: 'percent', value: 5 })
      assert.equal(m.latest, null)
      assert.equal(m.currentStatus.period.label, '2024/25 Q4')
      const again = await ctx.services.measures.get(viewer, m.id)
      assert.equal(again.nationalIndicatorRef, 'NI 192')
    })

    it('judges values against annual and per-period targets with tolerance and direction', async () => {
      const m = await measure({ code: 'WS02' })
      await ctx.services.measures.putTargets(officer, m.id, {
        targets: [
          { period: '2024/25', value: 50 },
          { period: '2024/25 Q2', value: 60 },
          { period: '2023/24', value: 40 },
        ],
      })
      const save = (period: string, value: number, submit = true, commentary?: string) =>
        ctx.services.values.save(clerk, m.id, { period, value, submit, commentary })
      await save('2023/24 Q1', 45)
      await ctx.services.values.approve(approver, m.id, '2023-04-01')
      const q1 = await save('2024/25 Q1', 49)
      assert.equal(q1.created, true)
      assert.equal(q1.value.target, 50)
      assert.equal(q1.value.rag, 'amber')
      assert.equal(q1.value.directionYearOnYear, 'improving')
      assert.equal(q1.value.direction, null, 'no approved previous period')
      await ctx.services.values.approve(approver, m.id, '2024-04-01')
      await assert.rejects(
        save('2024/25 Q2', 40),
        (e: unknown) => e instanceof Invalid && /commentary/.test(e.message),
      )
      const q2 = await save('2024/25 Q2', 40, true, 'Contamination at the depot')
      assert.equal(q2.value.target, 60, 'the period’s own target overrides the annual one')
      assert.equal(q2.value.rag, 'red')
      assert.equal(q2.value.direction, 'worsening')
      assert.deepEqual(
        { method: q2.value.forecast?.method, value: q2.value.forecast?.value },
        { method: 'average', value: 44.5 },
      )
      const list = await ctx.services.values.list(officer, m.id)
      assert.deepEqual(
        list.map((v) => v.period.label),
        ['2023/24 Q1', '2024/25 Q1', '2024/25 Q2'],
      )
      // A viewer sees the signed-off figures only: Q2 is still waiting for approval.
      const seen = await ctx.services.values.list(viewer, m.id)
      assert.deepEqual(
        seen.map((v) => v.period.label),
        ['2023/24 Q1', '2024/25 Q1'],
      )
    })

    it('refuses self-approval, returns with a reason and locks approved periods', async () => {
      const m = await measure({ code: 'WS03', approverId: clerk.personId })
      await ctx.services.values.save(clerk, m.id, { period: '2024/25 Q3', value: 70, submit: true })
      await assert.rejects(ctx.services.values.approve(clerk, m.id, '2024-10-01'), Forbidden)
      await assert.rejects(ctx.services.values.approve(viewer, m.id, '2024-10-01'), Forbidden)
      const returned = await ctx.services.values.return(approver, m.id, '2024-10-01', {
        reason: 'Check the tonnage',
      })
      assert.equal(returned.status, 'returned')
      assert.equal(returned.returnReason, 'Check the tonnage')
      const updates = await ctx.services.values.myUpdates(clerk)
      assert.ok(updates.some((u) => u.measure.code === 'WS03' && u.state === 'returned'))
      await assert.rejects(
        ctx.services.values.save(clerk, m.id, { period: '2024/25 Q3', value: 71, submit: true }),
        Conflict,
      )
      await assert.rejects(
        ctx.services.values.save(clerk, m.id, {
          period: '2024/25 Q3',
          value: 71,
          submit: true,
          version: 1,
        }),
        (e: unknown) => e instanceof Conflict && /version 2/.test(e.message),
      )
      const resubmitted = await ctx.services.values.save(clerk, m.id, {
        period: '2024/25 Q3',
        value: 71,
        submit: true,
        version: returned.version,
      })
      assert.equal(resubmitted.created, false)
      const approved = await ctx.services.values.approve(approver, m.id, '2024-10-01')
      assert.equal(approved.status, 'approved')
      await assert.rejects(
        ctx.services.values.save(clerk, m.id, {
          period: '2024/25 Q3',
          value: 72,
          version: approved.version,
        }),
        (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'reason',
      )
      const restated = await ctx.services.values.save(clerk, m.id, {
        period: '2024/25 Q3',
        value: 72,
        version: approved.version,
        reason: 'Late tonnage from the contractor',
        submit: true,
      })
      assert.equal(restated.value.restated, true)
      assert.equal(restated.value.restatedFrom, 71)
      assert.equal(restated.value.status, 'submitted')
    })

    it('refuses bad input with clear field errors and writes nothing', async () => {
      const m = await measure({ code: 'WS04' })
      const bad = async (input: Parameters<typeof ctx.services.values.save>[2], field: string) =>
        assert.rejects(
          ctx.services.values.save(clerk, m.id, input),
          (e: unknown) => e instanceof Invalid && e.fields[0]?.field === field,
        )
      await bad({ period: '2024/25 Q1', value: 140 }, 'value')
      await bad({ period: 'Sep 2024', value: 40 }, 'period')
      await bad({ period: '2030/31 Q1', value: 40 }, 'period')
      await bad({ period: '2024/25 Q1' }, 'value')
      await bad({ period: '2024/25 Q1', numerator: 1, denominator: 0 }, 'denominator')
      assert.deepEqual(await ctx.services.values.list(officer, m.id), [])
      await assert.rejects(
        ctx.services.measures.putTargets(officer, m.id, {
          targets: [{ period: 'Sep 2024', value: 50 }],
        }),
        Invalid,
      )
      await assert.rejects(
        ctx.services.measures.putTargets(officer, m.id, {
          targets: [{ period: '1990/91', value: 50 }],
        }),
        Invalid,
      )
      await assert.rejects(ctx.services.measures.create(officer, base({ code: 'WS04' })), Invalid)
      await assert.rejects(ctx.services.measures.create(clerk, base({ code: 'WS99' })), Forbidden)
      const yesNo = await measure({ code: 'YN1', unit: 'yes_no', frequency: 'annual' })
      await assert.rejects(
        ctx.services.values.save(clerk, yesNo.id, { period: '2024/25', value: 2 }),
        Invalid,
      )
    })

    it('lists in My updates only the periods still to enter, as far back as a year', async () => {
      const m = await measure({ code: 'WS06', dataEntryOfficerId: clerk.personId })
      await ctx.services.values.save(clerk, m.id, { period: '2024/25 Q1', value: 60, submit: true })
      const mine = (await ctx.services.values.myUpdates(clerk)).filter(
        (u) => u.measure.code === 'WS06',
      )
      assert.deepEqual(
        mine.map((u) => [u.period.label, u.state]),
        [
          ['2024/25 Q2', 'overdue'],
          ['2024/25 Q3', 'overdue'],
          ['2024/25 Q4', 'overdue'],
        ],
      )
    })

    it('computes values from numerator and denominator', async () => {
      const m = await measure({
        code: 'WS05',
        numeratorLabel: 'Recycled',
        denominatorLabel: 'Collected',
      })
      const saved = await ctx.services.values.save(clerk, m.id, {
        period: '2024/25 Q1',
        numerator: 45,
        denominator: 90,
      })
      assert.equal(saved.value.value, 50)
      assert.equal(saved.value.numerator, 45)
    })

    it('calculates measures from a formula, refusing unknown codes and cycles', async () => {
      const a = await measure({ code: 'HRA', unit: 'number', frequency: 'monthly' })
      const b = await measure({ code: 'HRB', unit: 'number', frequency: 'monthly' })
      await assert.rejects(
        measure({
          code: 'HRC',
          unit: 'percent',
          frequency: 'monthly',
          formula: '[HRA] / [NOPE] * 100',
        }),
        (e: unknown) =>
          e instanceof Invalid && e.fields[0]?.field === 'formula' && /NOPE/.test(e.message),
      )
      const c = await measure({
        code: 'HRC',
        unit: 'percent',
        frequency: 'monthly',
        formula: '[HRA] / [HRB] * 100',
      })
      await assert.rejects(
        ctx.services.measures.update(officer, a.id, { formula: '[HRC] + 1' }),
        (e: unknown) => e instanceof Invalid && /circle/.test(e.message),
      )
      await ctx.services.values.save(clerk, a.id, { period: 'Apr 2025', value: 30, submit: true })
      assert.deepEqual(await ctx.services.values.list(officer, c.id), [])
      await ctx.services.values.save(clerk, b.id, { period: 'Apr 2025', value: 120, submit: true })
      const [calculated] = await ctx.services.values.list(officer, c.id)
      assert.deepEqual([calculated?.value, calculated?.calculated], [25, true])
      await assert.rejects(
        ctx.services.values.save(clerk, c.id, { period: 'May 2025', value: 1 }),
        Invalid,
      )
      await ctx.services.values.save(clerk, a.id, {
        period: 'Apr 2025',
        value: 60,
        version: 1,
        submit: true,
      })
      const [recalculated] = await ctx.services.values.list(officer, c.id)
      assert.equal(recalculated?.value, 50)
    })

    it('lists measures with filters and today’s status; hides other councils and partners’ others', async () => {
      const { items, total } = await ctx.services.measures.list(officer, {
        page: 1,
        pageSize: 50,
        search: 'WS0',
      })
      assert.ok(total >= 4)
      assert.ok(items.every((m) => m.code.startsWith('WS0')))
      const overdue = await ctx.services.measures.list(officer, {
        page: 1,
        pageSize: 50,
        status: 'overdue',
      })
      assert.ok(overdue.items.every((m) => m.currentStatus.rag === 'overdue'))
      const care = await ctx.services.measures.list(officer, {
        page: 1,
        pageSize: 50,
        unitId: org.units.care,
      })
      assert.equal(care.total, 0)
      assert.equal((await ctx.services.measures.list(partner, { page: 1, pageSize: 50 })).total, 0)
      const [first] = items
      assert.ok(first)
      await assert.rejects(ctx.services.measures.get(outsider, first.id), NotFound)
      await assert.rejects(ctx.services.measures.get(partner, first.id), NotFound)
    })
  })
}
