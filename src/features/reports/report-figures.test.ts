import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { readZip } from '../../../test/helpers/documents.ts'
import type { Principal } from '../../core/principal.ts'
import { buildDemoCouncil } from '../demo/index.ts'
import { renderReport } from './render/index.ts'

/** The words a reader sees: tags, styles and pictures' markup removed, entities read. */
function visibleText(markup: string): string {
  return markup
    .replace(/<(style|svg)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&pound;|&#163;/g, '£')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

/** Every way a figure can be badly written in a council paper, with what was found. */
function badFigures(text: string): string[] {
  const found: string[] = []
  // Pence on amounts of a thousand pounds or more: float noise such as "£765,000.02".
  for (const m of text.matchAll(/£\d{1,3}(?:,\d{3})+\.\d\d\b/g)) found.push(m[0])
  // A space before the percent sign: "50 %".
  for (const m of text.matchAll(/\d+(?:\.\d+)? %/g)) found.push(m[0])
  // Four or more digits with no separators, except years ("2026", "2026/27").
  for (const m of text.matchAll(/(?<![\d,.])\d{4,}(?![\d,])/g)) {
    if (!/^(19|20)\d\d$/.test(m[0])) found.push(m[0])
  }
  // Machine dates in running text: "2026-12-07".
  for (const m of text.matchAll(/\b\d{4}-\d\d-\d\d\b/g)) found.push(m[0])
  return found
}

for (const mode of testModes()) {
  describe(`the demo Cabinet report reads like a council finance paper (${mode})`, () => {
    let ctx: TestContext
    let officer: Principal

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2026-12-07T09:00:00Z')
      const org = await buildDemoCouncil(ctx.database.db, ctx.clock.read)
      const row = await ctx.database.db
        .selectFrom('people as p')
        .innerJoin('role_assignments as r', 'r.person_id', 'p.id')
        .select(['p.id', 'p.name', 'p.email', 'r.role', 'r.unit_id'])
        .where('p.organisation_id', '=', org.id)
        .where('r.role', '=', 'performance_officer')
        .executeTakeFirstOrThrow()
      officer = {
        personId: row.id,
        organisationId: org.id,
        organisationName: org.name,
        organisationSlug: org.slug,
        name: row.name,
        email: row.email,
        roles: [{ role: row.role, unitId: row.unit_id }],
      }
    })
    after(() => ctx.close())

    it('writes every figure with separators, whole pounds, "50%" and UK dates, in HTML and Word', async () => {
      const doc = await ctx.services.reports.buildNow(officer, {
        kind: 'quarterly-performance',
        period: '2026/27 Q2',
      })
      const html = visibleText((await renderReport(doc, 'html')).body.toString('utf8'))
      const word = visibleText(
        readZip((await renderReport(doc, 'docx')).body)
          .get('word/document.xml')
          ?.toString('utf8') ?? '',
      )
      for (const [format, text] of [
        ['HTML', html],
        ['Word', word],
      ] as const) {
        assert.ok(text.includes('Financial summary'), `${format} has the financial summary`)
        assert.deepEqual(badFigures(text), [], `${format} writes its figures as people read them`)
      }
      // The savings measure's own words: whole pounds, grouped, and the day it was worked out.
      assert.match(
        html,
        /£\d{1,3}(,\d{3})+ delivered of £\d{1,3}(,\d{3})+ planned \(computed 7 December 2026\)/,
      )
      assert.match(html, /Amounts are in thousands of pounds \(£000\)/)
    })
  })
}

describe('the check for badly written figures', () => {
  it('finds the noise the demo report used to have', () => {
    assert.deepEqual(
      badFigures(
        '£765,000.02 and £84,999.98 short; £1,359,999.97 delivered (computed 2026-12-07). ' +
          'Budget £900000; 50 %. Fine: £12.50, 2026/27, 7 December 2026, 12,000, 61.2%.',
      ),
      ['£765,000.02', '£84,999.98', '£1,359,999.97', '50 %', '900000', '2026-12-07'],
    )
  })
})
