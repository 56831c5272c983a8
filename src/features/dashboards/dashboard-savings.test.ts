import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { parsePeriodLabel } from '../../core/periods.ts'
import { parseInput } from '../../web/fields.ts'
import type { Principal } from '../../core/principal.ts'
import { LineInput } from '../savings/index.ts'

const line = (reference: string, unitId: string | undefined) =>
  parseInput(LineInput, {
    reference,
    title: `Saving ${reference}`,
    unitId,
    savingType: 'cashable',
    durability: 'ongoing',
    years: [{ financialYear: '2025/26', amount: '1,200.00' }],
  })

const month = (label: string) => parsePeriodLabel(label)

for (const mode of testModes()) {
  describe(`savings on dashboards (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let viewer: Principal
    let outsider: Principal
    let dashboardId: string

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-09-15T12:00:00Z')
      org = await ctx.organisation()
      const other = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      viewer = await ctx.person(org, { role: 'viewer' })
      outsider = await ctx.person(other, { role: 'administrator' })
      const s = ctx.services.savings
      // ASC-01 in care: £100 a month planned, £50 a month delivered April to August: at risk.
      const late = await s.createLine(officer, line('ASC-01', org.units.care))
      await s.recordDelivery(officer, late.id, {
        financialYear: 2025,
        months: ['Apr 2025', 'May 2025', 'Jun 2025', 'Jul 2025', 'Aug 2025'].map((m) => ({
          month: month(m),
          actual: 5000,
          forecast: null,
          note: null,
        })),
      })
      // PL-01 in waste: delivered to profile, on track.
      const good = await s.createLine(officer, line('PL-01', org.units.waste))
      await s.recordDelivery(officer, good.id, {
        financialYear: 2025,
        months: ['Apr 2025', 'May 2025', 'Jun 2025', 'Jul 2025', 'Aug 2025'].map((m) => ({
          month: month(m),
          actual: 10000,
          forecast: null,
          note: null,
        })),
      })
      await ctx.services.budgets.record(officer, {
        unitId: org.units.care as string,
        month: month('Aug 2025'),
        budget: 1_000_000_00,
        forecastOutturn: 1_050_000_00,
        commentary: null,
      })
      dashboardId = (
        await ctx.services.dashboards.create(officer, {
          kind: 'corporate',
          title: 'Corporate dashboard',
          tiles: [{ kind: 'list', list: 'exceptions' }],
        })
      ).id
    })
    after(() => ctx.close())

    it('shows the savings and budget panel on the corporate dashboard from real figures', async () => {
      const content = await ctx.services.dashboards.dashboardContent(viewer, dashboardId)
      const panel = content.panels.find((p) => p.key === 'savings')
      assert.ok(panel)
      // To the end of Sep 2025 (5 months elapsed): £1,000 planned to date, £750 delivered.
      assert.match(panel.summary, /£750 of savings delivered against £1,000/)
      assert.match(panel.summary, /1 line at risk/)
      assert.match(panel.summary, /£1,050,000 forecast outturn against £1,000,000/)
      const savingsRow = (key: string) =>
        panel.rows.find((r) => r.href?.includes(`unitId=${org.units[key]}`))
      const people = savingsRow('people')
      assert.equal(people?.status?.text, 'At risk')
      assert.match(people.value, /£250 of £500 \(50%\)/)
      const place = savingsRow('place')
      assert.equal(place?.status?.text, 'On track')
    })

    it('shows a directorate only its own savings and budget', async () => {
      const people = await ctx.services.dashboards.unitContent(viewer, org.units.people as string)
      const panel = people.panels.find((p) => p.key === 'savings')
      assert.ok(panel)
      assert.match(panel.summary, /£250 of savings delivered against £500/)
      assert.deepEqual(
        panel.rows.map((r) => r.label.replace(/^.* people: /, '')),
        ['savings', 'budget'],
      )
      // A team beneath: its lines by quarter.
      const waste = await ctx.services.dashboards.unitContent(viewer, org.units.waste as string)
      const teamPanel = waste.panels.find((p) => p.key === 'savings')
      assert.match(teamPanel?.summary ?? '', /£500 of savings delivered against £500/)
      assert.deepEqual(
        teamPanel?.rows.map((r) => r.label),
        ['2025/26 Q1', '2025/26 Q2'],
      )
    })

    it('lists savings at risk among the exceptions, filtered by unit', async () => {
      const all = await ctx.services.dashboards.exceptions(viewer, {})
      const savings = all.items.filter((i) => i.kind === 'saving')
      assert.deepEqual(
        savings.map((i) => i.title),
        ['ASC-01: Saving ASC-01'],
      )
      assert.equal(all.counts.savings, 1)
      const detail = savings[0]?.detail ?? ''
      assert.match(detail, /£250 delivered to date against £500 profiled/)
      // Said once, in pounds: the amounts are not repeated in a summary before the reasons.
      assert.equal(detail.match(/delivered to date/g)?.length, 1)
      const place = await ctx.services.dashboards.exceptions(viewer, {
        unitId: org.units.place,
      })
      assert.equal(place.counts.savings, 0)
      const content = await ctx.services.dashboards.dashboardContent(viewer, dashboardId)
      const list = content.sections.flatMap((s) => s.tiles).find((t) => t.kind === 'list')
      assert.ok(list?.kind === 'list' && list.items.some((i) => i.title.startsWith('ASC-01')))
    })

    it('computes "% of savings delivered" for each ended quarter', async () => {
      const measure = await ctx.services.organisationalMeasures.setUp(officer, 'savings_delivered')
      const values = await ctx.services.values.list(viewer, measure.id)
      const q1 = values.find((v) => v.period.label === '2025/26 Q1')
      // Q1: £600 planned, £150 + £300 delivered.
      assert.equal(q1?.value, 75)
      assert.equal(q1.commentary, '£450 delivered of £600 planned (computed 15 September 2025)')
      assert.equal(
        values.some((v) => v.period.label === '2025/26 Q2'),
        false,
        'Q2 has not ended',
      )
      const other = await ctx.services.organisationalMeasures.list(outsider)
      assert.equal(other.find((c) => c.key === 'savings_delivered')?.measure, null)
    })

    it('words "£ savings delivered" in pounds and pence too', async () => {
      const measure = await ctx.services.organisationalMeasures.setUp(
        officer,
        'savings_delivered_pounds',
      )
      const values = await ctx.services.values.list(viewer, measure.id)
      const q1 = values.find((v) => v.period.label === '2025/26 Q1')
      assert.equal(q1?.value, 450)
      assert.equal(q1.commentary, '£450 delivered of £600 planned (computed 15 September 2025)')
    })
  })
}
