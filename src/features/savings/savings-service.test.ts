import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Forbidden, Invalid, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { LineInput } from './savings-schemas.ts'
import { parseInput } from '../../web/fields.ts'

async function auditCount(ctx: TestContext, organisationId: string) {
  const row = await ctx.database.db
    .selectFrom('audit_records')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow()
  return row.n
}

const line = (unitId: string | undefined, overrides: Record<string, unknown> = {}) =>
  parseInput(LineInput, {
    reference: 'ASC-01',
    title: 'Promoting independence through reablement',
    unitId,
    savingType: 'cashable',
    durability: 'ongoing',
    years: [
      { financialYear: '2025/26', amount: '1,200.00' },
      { financialYear: '2026/27', amount: '1200' },
      { financialYear: '2027/28', amount: '1200' },
    ],
    ...overrides,
  })

for (const mode of testModes()) {
  describe(`savings service (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let approver: Principal
    let viewer: Principal
    let outsider: Principal
    let lineId: string

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-09-15T12:00:00Z')
      org = await ctx.organisation()
      const other = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      viewer = await ctx.person(org, { role: 'viewer' })
      outsider = await ctx.person(other, { role: 'administrator' })
      lineId = (await ctx.services.savings.createLine(officer, line(org.units.care))).id
    })
    after(() => ctx.close())

    it('creates a line with its years profiled evenly to the penny', async () => {
      const detail = await ctx.services.savings.lineDetail(viewer, lineId)
      assert.deepEqual(
        detail.line.years.map((y) => [y.financialYear, y.amount.pounds]),
        [
          ['2025/26', '1200.00'],
          ['2026/27', '1200.00'],
          ['2027/28', '1200.00'],
        ],
      )
      assert.equal(detail.years[0]?.months.length, 12)
      assert.ok(detail.years[0].months.every((m) => m.planned.pence === 10000))
      assert.equal(detail.line.efficiency.counts, true)
    })

    it('refuses a custom profile that does not sum to the amount, writing nothing', async () => {
      const count = await auditCount(ctx, org.id)
      await assert.rejects(
        ctx.services.savings.setProfile(officer, lineId, {
          financialYear: 2025,
          profile: 'custom',
          months: [0, 0, 0, 0, 0, 0, 30000, 30000, 30000, 30000, 0, 1],
        }),
        (e: unknown) => e instanceof Invalid && /adds up to £1,200\.01/.test(e.message),
      )
      assert.equal(await auditCount(ctx, org.id), count)
      const detail = await ctx.services.savings.lineDetail(viewer, lineId)
      assert.equal(detail.years[0]?.profile, 'even')
    })

    it('sets a custom profile and judges delivery against it', async () => {
      await ctx.services.savings.setProfile(officer, lineId, {
        financialYear: 2025,
        profile: 'custom',
        months: [10000, 10000, 10000, 10000, 10000, 0, 0, 0, 0, 0, 0, 70000],
      })
      const detail = await ctx.services.savings.recordDelivery(officer, lineId, {
        financialYear: 2025,
        months: [
          { month: period('Apr 2025'), actual: 10000, forecast: null, note: null },
          { month: period('May 2025'), actual: 5000, forecast: null, note: 'Staff slow to start' },
          { month: period('Jun 2025'), actual: 5000, forecast: null, note: null },
          { month: period('Mar 2026'), actual: null, forecast: 20000, note: null },
        ],
      })
      const year = detail.years[0]
      assert.equal(year?.delivery.rag, 'red')
      assert.equal(year.delivery.deliveredToDate.pence, 20000)
      assert.equal(year.delivery.plannedToDate.pence, 50000)
      assert.match(year.delivery.reasons.join(' '), /No actual recorded for Jul 2025, Aug 2025/)
      const register = await ctx.services.savings.register(viewer, 2025, { rag: 'red' })
      assert.deepEqual(
        register.map((r) => r.reference),
        ['ASC-01'],
      )
    })

    it('refuses an actual for a month that has not ended or lies outside the year', async () => {
      await assert.rejects(
        ctx.services.savings.recordDelivery(officer, lineId, {
          financialYear: 2025,
          months: [{ month: period('Oct 2025'), actual: 100, forecast: null, note: null }],
        }),
        /Oct 2025 has not ended yet/,
      )
      await assert.rejects(
        ctx.services.savings.recordDelivery(officer, lineId, {
          financialYear: 2025,
          months: [{ month: period('Apr 2026'), actual: null, forecast: 100, note: null }],
        }),
        /Apr 2026 is not in 2025\/26/,
      )
    })

    it('totals by directorate against the target, net of what fails the definition', async () => {
      await ctx.services.savings.createLine(
        officer,
        line(org.units.waste, {
          reference: 'WSS-01',
          title: 'One-off vehicle sale',
          durability: 'one_off',
          years: [{ financialYear: '2025/26', amount: '500' }],
        }),
      )
      await ctx.services.savings.setTarget(officer, { financialYear: 2025, amount: 150000 })
      const totals = await ctx.services.savings.totals(viewer, 'unit')
      assert.deepEqual(
        totals.groups.map((g) => g.subtotal[0]),
        [120000, 50000],
      )
      assert.equal(totals.total[0], 170000)
      assert.equal(totals.notMeetingDefinition[0], 50000)
      assert.equal(totals.efficiency[0], 120000)
      assert.equal(totals.target[0], 150000)
      assert.equal(totals.gap[0], -30000)
    })

    it('gives planned and delivered pence per quarter for computed measures', async () => {
      const quarters = await ctx.services.savings.deliveryByPeriod(viewer, {
        frequency: 'quarterly',
        financialYear: 2025,
      })
      assert.equal(quarters[0]?.period.label, '2025/26 Q1')
      assert.equal(quarters[0].plannedToDate.pence, 30000 + 3 * 4100) // £500 a year in whole pounds: £41 a month to July
      assert.equal(quarters[0].delivered.pence, 20000)
      assert.equal(quarters[0].percentDelivered, 47.3)
    })

    it('keeps lines to their council and their managers', async () => {
      await assert.rejects(ctx.services.savings.getLine(outsider, lineId), NotFound)
      await assert.rejects(
        ctx.services.savings.updateLine(approver, lineId, { title: 'Not mine' }),
        Forbidden,
      )
      await assert.rejects(
        ctx.services.savings.createLine(viewer, line(org.units.care, { reference: 'X' })),
        Forbidden,
      )
      await assert.rejects(
        ctx.services.savings.setTarget(approver, { financialYear: 2025, amount: 1 }),
        Forbidden,
      )
    })

    it('refuses a duplicate reference and a year entered twice', async () => {
      await assert.rejects(
        ctx.services.savings.createLine(officer, line(org.units.care)),
        /already the reference/,
      )
      await assert.rejects(
        ctx.services.savings.createLine(
          officer,
          line(org.units.care, {
            reference: 'NEW',
            years: [
              { financialYear: '2025/26', amount: '1' },
              { financialYear: '2025/26', amount: '2' },
            ],
          }),
        ),
        /entered twice/,
      )
    })

    it('rolls budget monitoring up the unit hierarchy into the directorate summary', async () => {
      const budgets = ctx.services.budgets
      await budgets.record(officer, {
        unitId: unit(org, 'care'),
        month: period('Aug 2025'),
        budget: 1_000_000_00,
        forecastOutturn: 1_050_000_00,
        commentary: 'Placements above budget',
      })
      await budgets.record(officer, {
        unitId: unit(org, 'reablement'),
        month: period('Aug 2025'),
        budget: 200_000_00,
        forecastOutturn: 190_000_00,
        commentary: null,
      })
      const summary = await budgets.financialSummary(viewer, period('2025/26 Q2'))
      const people = summary.directorates.find((d) => d.unitId === org.units.people)
      assert.equal(summary.asAt?.label, 'Aug 2025')
      assert.equal(people?.budget?.budget.pounds, '1200000.00')
      assert.equal(people.budget.variance.pounds, '40000.00')
      assert.equal(people.budget.rag, 'red')
      assert.equal(people.savings.planned.pence, 120000)
      const place = summary.directorates.find((d) => d.unitId === org.units.place)
      assert.equal(place?.budget, null)
      assert.equal(place.savings.planned.pence, 50000)
    })
    it('pages the register as the whole list would, with or without a delivery filter', async () => {
      const savings = ctx.services.savings
      const all = await savings.register(viewer, 2025)
      assert.ok(all.length >= 2, 'at least two lines to page')
      for (const rag of [undefined, all[0]?.delivery.rag]) {
        const whole = await savings.register(viewer, 2025, { rag })
        for (let page = 1; page <= whole.length + 1; page++) {
          const one = await savings.registerPage(viewer, 2025, { rag }, page, 1)
          assert.equal(one.total, whole.length)
          assert.deepEqual(
            one.items.map((r) => [r.reference, r.delivery]),
            whole.slice(page - 1, page).map((r) => [r.reference, r.delivery]),
          )
        }
      }
    })
  })
}

import { parsePeriodLabel } from '../../core/periods.ts'
function period(label: string) {
  return parsePeriodLabel(label)
}

function unit(org: TestOrganisation, key: string): string {
  const id = org.units[key]
  if (id === undefined) throw new Error(`no unit ${key}`)
  return id
}
