import { periodContaining, previousPeriod } from '../src/core/periods.ts'
import type { Database } from '../src/db/database.ts'
import { createBudgetService } from '../src/features/budgets/index.ts'
import { renderReport, createReportService } from '../src/features/reports/index.ts'
import { createSavingsService } from '../src/features/savings/index.ts'
import { createTestContext } from '../test/helpers/context.ts'
import type { BenchResult } from './harness.ts'
import { generate } from './measures.bench.ts'

const THEMES = 5
const CORPORATE_MEASURES = 200
const PROGRAMMES = 10
const PROJECTS_EACH = 4
const RISKS = 30

/**
 * The large council of measures.bench.ts, with what a Cabinet report draws on besides: 200 of
 * its measures corporate and linked to five themes of a corporate plan, ten programmes of four
 * projects with monthly updates, and a corporate risk register of 30 risks.
 */
async function largeCouncil(database: Database) {
  const generated = await generate(database)
  const db = database.db
  const org = generated.principal.organisationId
  const measures = await db
    .selectFrom('measures')
    .select('id')
    .where('organisation_id', '=', org)
    .orderBy('code')
    .limit(CORPORATE_MEASURES)
    .execute()
  await db
    .updateTable('measures')
    .set({ kind: 'strategic' })
    .where(
      'id',
      'in',
      measures.map((m) => m.id),
    )
    .execute()
  const year = periodContaining(new Date().toISOString().slice(0, 10), 'annual').financialYear
  const plan = await db
    .insertInto('plans')
    .values({
      organisation_id: org,
      title: 'Corporate Plan',
      kind: 'corporate',
      first_year: year - 1,
      last_year: year + 1,
      status: 'active',
      levels: JSON.stringify(['Theme']),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (let t = 0; t < THEMES; t++) {
    const node = await db
      .insertInto('plan_nodes')
      .values({
        organisation_id: org,
        plan_id: plan.id,
        title: `Theme ${String(t + 1)}`,
        position: t,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('node_links')
      .values(
        measures
          .filter((_, i) => i % THEMES === t)
          .map((m) => ({
            organisation_id: org,
            node_id: node.id,
            item_kind: 'measure',
            item_id: m.id,
          })),
      )
      .execute()
  }
  const month = periodContaining(new Date().toISOString().slice(0, 10), 'monthly').start
  for (let p = 0; p < PROGRAMMES; p++) {
    const programme = await db
      .insertInto('projects')
      .values({
        organisation_id: org,
        level: 'programme',
        code: `P${String(p)}`,
        title: `Programme ${String(p)}`,
        position: p,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (let j = 0; j < PROJECTS_EACH; j++) {
      const project = await db
        .insertInto('projects')
        .values({
          organisation_id: org,
          parent_id: programme.id,
          level: 'project',
          title: `Project ${String(p)}.${String(j)}`,
          lead_unit_id: generated.units[(p + j) % generated.units.length] ?? null,
          position: j,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db
        .insertInto('project_updates')
        .values({
          organisation_id: org,
          project_id: project.id,
          month,
          highlights: 'Procurement completed; the supplier starts next month. Two milestones met.',
          confidence: j % 3 === 0 ? 'low' : 'high',
          status: 'approved',
        })
        .execute()
    }
  }
  const register = await db
    .insertInto('risk_registers')
    .values({ organisation_id: org, name: 'Corporate Risk Register', level: 'corporate' })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('risks')
    .values(
      Array.from({ length: RISKS }, (_, r) => ({
        organisation_id: org,
        register_id: register.id,
        reference: `CR${String(r + 1).padStart(2, '0')}`,
        title: `Corporate risk ${String(r + 1)}`,
        category: 'financial',
        review_frequency: 'quarterly' as const,
        inherent_likelihood: 4,
        inherent_impact: 5,
        current_likelihood: 1 + (r % 5),
        current_impact: 1 + ((r * 3) % 5),
        target_likelihood: 1,
        target_impact: 2,
      })),
    )
    .execute()
  // Budget monitoring for every unit, each month of the year so far: the financial summary.
  const months = Array.from({ length: 12 }, (_, m) =>
    new Date(Date.UTC(year, 3 + m, 1)).toISOString().slice(0, 10),
  ).filter((m) => m <= month)
  await db
    .insertInto('budget_months')
    .values(
      generated.units.flatMap((unitId, u) =>
        months.map((monthStart, m) => ({
          organisation_id: org,
          unit_id: unitId,
          month_start: monthStart,
          budget_pence: (5_000_000 + u * 10_000) * 100,
          forecast_outturn_pence: (5_000_000 + u * 10_000 + (u % 3) * m * 7_500) * 100,
          commentary: u % 3 === 2 ? 'Demand above budget; recovery plan agreed' : null,
        })),
      ),
    )
    .execute()
  return generated.principal
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now()
  const result = await run()
  return [result, performance.now() - started]
}

/** The quarterly Cabinet report for the large council: built, then rendered to Word and PDF. */
export default async function reports(): Promise<BenchResult[]> {
  const ctx = await createTestContext('pglite')
  try {
    const principal = await largeCouncil(ctx.database)
    const clock = () => new Date()
    const db = ctx.database.db
    const budgets = createBudgetService({ db, clock, savings: createSavingsService({ db, clock }) })
    const service = createReportService({
      db,
      clock,
      render: renderReport,
      finance: { summary: (p, period) => budgets.financialSummary(p, period) },
    })
    const period = previousPeriod(
      periodContaining(new Date().toISOString().slice(0, 10), 'quarterly'),
    )
    const build = () =>
      service.buildNow(principal, { kind: 'quarterly-performance', period: period.label })
    await build() // warm up
    const [doc, built] = await timed(build)
    const [, docx] = await timed(async () => renderReport(await build(), 'docx'))
    const [, pdf] = await timed(async () => renderReport(await build(), 'pdf'))
    const rows = doc.blocks.reduce(
      (n, b) =>
        n +
        (b.type === 'table' ? b.rows.length : b.type === 'chart' ? (b.data?.rows.length ?? 0) : 0),
      0,
    )
    const charts = doc.blocks.filter((b) => b.type === 'chart').length
    return [
      {
        name: `PGlite: quarterly Cabinet report, ${String(charts)} SPC charts`,
        value: charts,
        unit: 'charts',
      },
      {
        name: `PGlite: quarterly Cabinet report, ${String(rows)} table rows`,
        value: rows,
        unit: 'rows',
      },
      {
        name: 'PGlite: quarterly Cabinet report built (data and document)',
        value: built,
        unit: 'ms',
      },
      {
        name: 'PGlite: quarterly Cabinet report built and rendered to Word (.docx)',
        value: docx,
        unit: 'ms',
        budget: { limit: 5000, better: 'lower' },
      },
      {
        name: 'PGlite: quarterly Cabinet report built and rendered to PDF',
        value: pdf,
        unit: 'ms',
        budget: { limit: 5000, better: 'lower' },
      },
    ]
  } finally {
    await ctx.close()
  }
}
