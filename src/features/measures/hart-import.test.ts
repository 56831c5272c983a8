import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import type { Principal } from '../../core/principal.ts'
import type { MeasurePolarity } from '../../db/schema.ts'

// Real public data, read in place and never copied into the project (../shared/data/README.md).
const FILE = fileURLToPath(
  new URL('../../../../shared/data/hart_dc_kpis_2014-15_q1_q2.csv', import.meta.url),
)
const missing = existsSync(FILE)
  ? false
  : `Hart DC KPI file not found at ${FILE}: put the shared data beside the project to run this`

interface Row {
  period: string
  kpi_code: string
  description: string
  service: string
  unit: string
  this_quarter: string
  target: string
  rag: string
  notes: string
}

const num = (text: string): number | null => (text.trim() === '' ? null : Number(text))

/** Hart's polarity is implicit: read it from how a value compares with its target and RAG. */
function polarityOf(rows: readonly Row[]): MeasurePolarity {
  if (rows.every((r) => r.rag === 'Data only')) return 'none'
  for (const r of rows) {
    const value = num(r.this_quarter)
    const target = num(r.target)
    if (value === null || target === null || value === target) continue
    const good = r.rag === 'Green'
    return value > target === good ? 'higher_is_better' : 'lower_is_better'
  }
  return 'higher_is_better'
}

for (const mode of testModes()) {
  describe(`Hart DC KPI import (${mode})`, { skip: missing }, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let approver: Principal
    let rows: Row[]

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2015-01-15T10:00:00Z')
      org = await ctx.organisation('Hart District Council')
      officer = await ctx.person(org, { role: 'performance_officer' })
      approver = await ctx.person(org, { role: 'approver' })
      rows = parse<Row>(readFileSync(FILE), { columns: true, skip_empty_lines: true })
    })
    after(() => ctx.close())

    it('loads every KPI, its quarterly targets and values through the service', async () => {
      const byCode = Map.groupBy(rows, (r) => r.kpi_code)
      const ids = new Map<string, string>()
      for (const [code, kpi] of byCode) {
        const first = kpi[0]
        assert.ok(first)
        const polarity = polarityOf(kpi)
        const measure = await ctx.services.measures.create(officer, {
          code,
          title: first.description,
          unit: first.unit === '%' ? 'percent' : 'number',
          decimals: 1,
          polarity,
          frequency: 'quarterly',
          kind: polarity === 'none' ? 'contextual' : 'operational',
          dataSource: `Hart DC, ${first.service}`,
          allowOutOfRange: true,
        })
        ids.set(code, measure.id)
        const targets = kpi.flatMap((r) => {
          const value = num(r.target)
          return value === null ? [] : [{ period: r.period.slice(0, 10).replace('-', '/'), value }]
        })
        if (targets.length > 0) {
          await ctx.services.measures.putTargets(officer, measure.id, { targets })
        }
        for (const r of kpi) {
          const value = num(r.this_quarter)
          if (value === null) continue
          const period = r.period.slice(0, 10).replace('-', '/')
          const saved = await ctx.services.values.save(officer, measure.id, {
            period,
            value,
            commentary:
              r.notes || `Imported from Hart DC (status ${r.rag}); no commentary was given`,
            submit: true,
          })
          await ctx.services.values.approve(approver, measure.id, saved.value.period.start)
        }
      }
      assert.equal(ids.size, 45)
      const { total } = await ctx.services.measures.list(officer, { page: 1, pageSize: 50 })
      assert.equal(total, 45)

      // A sample round-trips: values, targets, statuses and commentary as published.
      const values = async (code: string) => ctx.services.values.list(officer, ids.get(code) ?? '')
      const [cs01q1, cs01q2] = await values('CS01')
      assert.deepEqual(
        [cs01q1?.period.label, cs01q1?.value, cs01q1?.target, cs01q1?.rag, cs01q1?.status],
        ['2014/15 Q1', 95.9, 90, 'green', 'approved'],
      )
      assert.ok(cs01q2)
      const [hr02] = await values('HR02')
      assert.deepEqual([hr02?.value, hr02?.target, hr02?.rag], [65.3, 95, 'red'])
      assert.match(hr02?.commentary ?? '', /CoreHR/)
      const ets01 = await values('ETS01')
      assert.ok(
        ets01.every((v) => v.value !== null),
        'periods without a figure are left out',
      )
    })
  })
}
