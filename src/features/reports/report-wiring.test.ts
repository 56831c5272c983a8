import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { formatThousands, sumPence } from '../../core/money.ts'
import { parsePeriodLabel } from '../../core/periods.ts'
import { BUDGET_RAG_NAMES } from '../../core/savings.ts'
import type { Role } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'
import { buildDemoCouncil } from '../demo/index.ts'
import { periodOf, RAG_SYMBOLS, measureSpc, spcSentences } from '../measures/index.ts'
import { organisationRepository as orgRepo } from '../organisation/index.ts'
import {
  inlineText,
  type Chart,
  type ReportDocument,
  type Table,
  type TextRun,
} from './report-document.ts'
import { REPORT_FORMATS } from './report-schemas.ts'

const BUDGET_TABLE = 'Revenue budget by directorate, July–September 2025 (quarter 2)'
const SAVINGS_TABLE = 'Savings by directorate, July–September 2025 (quarter 2)'

const tableOf = (doc: ReportDocument, caption: string) => {
  const table = doc.blocks.find((b): b is Table => b.type === 'table' && b.caption === caption)
  assert.ok(table, `the report has the table "${caption}"`)
  return table
}
const rowNamed = (table: Table, name: string) => {
  const row = table.rows.find((r) => inlineText(r[0] ?? '') === name)
  assert.ok(row, `the table "${table.caption}" has a row for ${name}`)
  return row
}
/** The exact pence a £000 cell carries, and the text it shows. */
const money = (cell: unknown) => {
  const run = cell as TextRun
  assert.equal(typeof run.number, 'number', `${JSON.stringify(cell)} carries its amount`)
  return { pence: Math.round((run.number ?? 0) * 100_000), text: run.text }
}
/** Printed to the nearest thousand, or the next one where the column's rounding adds up. */
const expectMoney = (cell: unknown, pence: number) => {
  const { pence: carried, text } = money(cell)
  assert.equal(carried, pence)
  const printed = thousandsOf(text)
  assert.ok(
    printed === Math.floor(pence / 100_000) || printed === Math.ceil(pence / 100_000),
    `${text} shows ${String(pence)} pence in £000s`,
  )
}
const thousandsOf = (text: string) =>
  (text.startsWith('(') ? -1 : 1) * Number(text.replace(/[(),]/g, ''))
/** The rows of each money column add up to its total as printed. */
const expectColumnsAddUp = (table: Table, columns: readonly number[]) => {
  const body = table.rows.slice(0, -1)
  const total = table.rows.at(-1) ?? []
  for (const c of columns) {
    const printed = body.map((r) => inlineText(r[c] ?? '')).filter((t) => t !== '—')
    assert.equal(
      printed.reduce((sum, t) => sum + thousandsOf(t), 0),
      thousandsOf(inlineText(total[c] ?? '')),
      `${table.columns[c]?.label ?? ''} adds up`,
    )
  }
}

for (const mode of testModes()) {
  describe(`reports wired to budgets, savings and SPC (${mode})`, () => {
    let ctx: TestContext
    const people = new Map<Role, Principal>()
    let officer: Principal

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-11-20T12:00:00Z')
      const org = await buildDemoCouncil(ctx.database.db, ctx.clock.read)
      const rows = await ctx.database.db
        .selectFrom('people as p')
        .innerJoin('role_assignments as r', 'r.person_id', 'p.id')
        .select(['p.id', 'p.name', 'p.email', 'r.role', 'r.unit_id'])
        .where('p.organisation_id', '=', org.id)
        .execute()
      for (const row of rows) {
        people.set(row.role, {
          personId: row.id,
          organisationId: org.id,
          organisationName: org.name,
          organisationSlug: org.slug,
          name: row.name,
          email: row.email,
          roles: [{ role: row.role, unitId: row.unit_id }],
        })
      }
      officer = people.get('performance_officer') as Principal
    })
    after(() => ctx.close())

    it('shows every directorate’s budget and savings in the Cabinet report, to the penny', async () => {
      const doc = await ctx.services.reports.buildNow(officer, {
        kind: 'quarterly-performance',
        period: '2025/26 Q2',
      })
      const summary = await ctx.services.budgets.financialSummary(
        officer,
        parsePeriodLabel('2025/26 Q2'),
      )
      assert.ok(!JSON.stringify(doc).includes('Budget monitoring is not set up'))
      const budget = tableOf(doc, BUDGET_TABLE)
      const savings = tableOf(doc, SAVINGS_TABLE)
      // Built as the whole organisation: every top-level directorate is there.
      const directorates = (await orgRepo.listUnits(ctx.database.db, officer.organisationId))
        .filter((u) => u.parent_id === null && u.kind === 'directorate')
        .map((u) => u.name)
      assert.ok(directorates.length > 1)
      assert.deepEqual(
        budget.rows.slice(0, -1).map((r) => inlineText(r[0] ?? '')),
        summary.directorates.map((d) => d.unitName),
      )
      assert.deepEqual(
        [...summary.directorates.map((d) => d.unitName)].sort(),
        [...directorates].sort(),
      )
      let reported = 0
      for (const d of summary.directorates) {
        const row = rowNamed(budget, d.unitName)
        if (d.budget) {
          reported++
          expectMoney(row[1], d.budget.budget.pence)
          expectMoney(row[2], d.budget.forecastOutturn.pence)
          expectMoney(row[3], d.budget.forecastOutturn.pence - d.budget.budget.pence)
          assert.equal(
            inlineText(row[4] ?? ''),
            `${RAG_SYMBOLS[d.budget.rag]} ${BUDGET_RAG_NAMES[d.budget.rag]}`,
          )
        }
        const s = rowNamed(savings, d.unitName)
        expectMoney(s[1], d.savings.planned.pence)
        expectMoney(s[2], d.savings.plannedToDate.pence)
        expectMoney(s[3], d.savings.deliveredToDate.pence)
        expectMoney(s[4], d.savings.forecast.pence)
        expectMoney(s[5], d.savings.forecastShortfall.pence)
      }
      assert.ok(reported > 0, 'the demo has budget monitoring')
      // Totals are the exact sums of the directorates, not of rounded thousands.
      const total = rowNamed(budget, 'Total')
      const budgets = summary.directorates.flatMap((d) => (d.budget ? [d.budget] : []))
      expectMoney(total[1], sumPence(budgets.map((b) => b.budget.pence)))
      expectMoney(total[2], sumPence(budgets.map((b) => b.forecastOutturn.pence)))
      assert.equal(total[1] && money(total[1]).pence, summary.total.budget?.budget.pence)
      const savingsTotal = rowNamed(savings, 'Total')
      expectMoney(
        savingsTotal[1],
        sumPence(summary.directorates.map((d) => d.savings.planned.pence)),
      )
      expectMoney(
        savingsTotal[3],
        sumPence(summary.directorates.map((d) => d.savings.deliveredToDate.pence)),
      )
      assert.deepEqual(budget.totalRows, [summary.directorates.length])
      expectColumnsAddUp(budget, [1, 2, 3])
      expectColumnsAddUp(savings, [1, 2, 3, 4, 5])
      // Totals print as the exact sum rounded, never a sum of rounded rows.
      assert.equal(
        inlineText(total[1] ?? ''),
        formatThousands(summary.total.budget?.budget.pence ?? 0),
      )
    })

    it('keeps a published report’s figures when a budget changes later, and shows the difference', async () => {
      const reports = ctx.services.reports
      const draft = await reports.create(officer, {
        kind: 'quarterly-performance',
        period: '2025/26 Q2',
        focusNodeIds: [],
      })
      await reports.publish(officer, draft.id)
      const published = await reports.open(officer, draft.id)
      assert.deepEqual(published.changes, [])
      const files = new Map<string, Buffer>()
      for (const format of REPORT_FORMATS) {
        files.set(format, (await reports.download(officer, draft.id, format)).body)
      }
      const period = parsePeriodLabel('2025/26 Q2')
      const summary = await ctx.services.budgets.financialSummary(officer, period)
      const directorate = summary.directorates.find((d) => d.budget !== null)
      assert.ok(directorate?.budget && summary.asAt)
      const frozenRow = rowNamed(tableOf(published.document, BUDGET_TABLE), directorate.unitName)

      // Finance restates the directorate's budget for the month the report shows: £250,000 more.
      const entry = (await ctx.services.budgets.entries(officer, 2025, directorate.unitId)).find(
        (e) => e.month.start === summary.asAt?.start,
      )
      assert.ok(entry, 'the directorate or a unit beneath it records monitoring')
      await ctx.services.budgets.record(officer, {
        unitId: entry.unitId,
        month: parsePeriodLabel(entry.month.label),
        budget: entry.budget.pence + 250_000_00,
        forecastOutturn: entry.forecastOutturn.pence,
        commentary: entry.commentary,
      })

      const reopened = await reports.open(officer, draft.id)
      assert.deepEqual(reopened.document, published.document, 'the frozen document is unchanged')
      assert.deepEqual(
        rowNamed(tableOf(reopened.document, BUDGET_TABLE), directorate.unitName),
        frozenRow,
      )
      for (const format of REPORT_FORMATS) {
        const body = (await reports.download(officer, draft.id, format)).body
        assert.ok(body.equals(files.get(format) ?? Buffer.alloc(0)), `${format} is unchanged`)
      }
      const before = directorate.budget.budget.pence
      const after = before + 250_000_00
      const change = reopened.changes?.find(
        (c) =>
          c.type === 'row_changed' && c.table === BUDGET_TABLE && c.row === directorate.unitName,
      )
      assert.ok(change && change.type === 'row_changed', JSON.stringify(reopened.changes))
      assert.deepEqual(
        change.cells.find((c) => c.column === 'Budget £000'),
        { column: 'Budget £000', before: formatThousands(before), after: formatThousands(after) },
      )
      assert.ok(
        reopened.changes?.some(
          (c) => c.type === 'row_changed' && c.table === BUDGET_TABLE && c.row === 'Total',
        ),
      )
    })

    it('draws each exception’s SPC chart as its measure page does, with alternative text and data', async () => {
      const doc = await ctx.services.reports.buildNow(officer, {
        kind: 'quarterly-performance',
        period: '2025/26 Q2',
      })
      const exceptions = tableOf(doc, 'Exceptions: corporate measures red, amber or of concern')
      const charts = doc.blocks.filter((b): b is Chart => b.type === 'chart')
      assert.ok(exceptions.rows.length > 0, 'the demo has exceptions')
      const concerning = exceptions.rows.filter((r) =>
        inlineText(r[4] ?? '').includes('concerning'),
      )
      assert.ok(concerning.length > 0)
      assert.equal(charts.length, concerning.length)
      const first = inlineText(concerning[0]?.[0] ?? '')
      const chart = charts.find((c) => c.caption?.startsWith(first))
      assert.ok(chart, `a chart for ${first}`)
      const code = first.split(' ')[0] ?? ''
      const measure = await ctx.database.db
        .selectFrom('measures')
        .select('id')
        .where('organisation_id', '=', officer.organisationId)
        .where('code', '=', code)
        .executeTakeFirstOrThrow()
      const detail = await ctx.services.measures.detail(officer, measure.id)
      const reported = detail.values.filter(
        (v) => periodOf(detail.measure.frequency, v.period.start).end <= '2025-09-30',
      )
      const spc = measureSpc(detail.measure, reported, detail.spcSettings)
      // The same SVG as the page, the page's plain sentence as its alternative text.
      assert.match(chart.svg, /^<svg[^>]+role="img"/)
      assert.ok(
        chart.alt.includes(spcSentences(detail.measure, spc)[0] ?? 'missing'),
        `${chart.alt} | ${spcSentences(detail.measure, spc)[0] ?? ''}`,
      )
      const data = chart.data
      assert.ok(data, 'the chart has its data table')
      assert.equal(data.rows.length, spc.points.length)
      assert.deepEqual(
        data.rows.map((r) => inlineText(r[0] ?? '')),
        spc.points.map((p) => p.period?.label),
      )
      const ids = charts.map((c) => /<title id="([^"]+)"/.exec(c.svg)?.[1])
      assert.equal(new Set(ids).size, ids.length, 'chart ids are unique in the report')
    })
  })
}
