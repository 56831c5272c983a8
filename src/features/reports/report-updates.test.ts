import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import {
  pdfText,
  popplerMissing,
  readZip,
  scratch,
  writeTo,
} from '../../../test/helpers/documents.ts'
import type { Principal } from '../../core/principal.ts'
import { renderReport } from './render/index.ts'
import { inlineText, type ReportDocument, type Table } from './report-document.ts'
import { REPORT_FORMATS } from './report-schemas.ts'

const tables = (doc: ReportDocument) => doc.blocks.filter((b): b is Table => b.type === 'table')
const table = (doc: ReportDocument, caption: string) => {
  const found = tables(doc).find((t) => t.caption === caption)
  assert.ok(
    found,
    `a table "${caption}" among ${tables(doc)
      .map((t) => t.caption)
      .join(' | ')}`,
  )
  return found.rows.map((r) => r.map((c) => inlineText(c)))
}
const paragraph = (doc: ReportDocument, key: string) =>
  doc.blocks.flatMap((b) =>
    b.type === 'paragraph' && b.editableKey === key ? [inlineText(b.content)] : [],
  )[0] ?? ''

/** The words a rendered file holds, read as its reader would (PDF through poppler). */
async function textOf(format: string, body: Buffer): Promise<string | null> {
  switch (format) {
    case 'html':
    case 'csv':
      return body.toString('utf8')
    case 'docx':
      return (readZip(body).get('word/document.xml')?.toString('utf8') ?? '').replace(
        /<[^>]+>/g,
        '',
      )
    case 'xlsx':
      return [...readZip(body)]
        .filter(([name]) => name.startsWith('xl/'))
        .map(([, data]) => data.toString('utf8'))
        .join('\n')
    case 'pdf': {
      if (popplerMissing()) return null
      const { dir, remove } = await scratch()
      try {
        return (await pdfText(await writeTo(dir, 'report.pdf', body))).replace(/\s+/g, ' ')
      } finally {
        await remove()
      }
    }
    default:
      return null
  }
}

for (const mode of testModes()) {
  describe(`updates at every level in the reports (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let approver: Principal
    const ids: Record<string, string> = {}

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-12-10T12:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      approver = await ctx.person(org, { role: 'approver', roleUnit: 'place' })
      const projects = ctx.services.projects
      const add = async (
        key: string,
        level: 'programme' | 'project' | 'action',
        title: string,
        parent?: string,
      ) => {
        const item = await projects.create(officer, {
          level,
          title,
          code: level === 'action' ? null : key.toUpperCase(),
          parentId: parent ? ids[parent] : null,
          leadUnitId: org.units.waste,
          startDate: '2025-04-01',
          endDate: '2026-03-31',
        })
        ids[key] = item.id
      }
      await add('prg', 'programme', 'Street scene programme')
      await add('prj', 'project', 'Food waste collections', 'prg')
      await add('a1', 'action', 'Deliver caddies', 'prj')
      await add('a2', 'action', 'Redesign rounds', 'prj')
      await add('prk', 'project', 'Fly-tipping enforcement', 'prg')
      await add('b1', 'action', 'Install cameras', 'prk')
      // Two projects at risk: each has a milestone overdue.
      for (const key of ['prj', 'prk']) {
        await projects.addMilestone(officer, ids[key] ?? '', {
          title: 'Business case',
          due: '2025-10-31',
          status: 'in_progress',
        })
      }
      const write = async (key: string, month: string, highlights: string) => {
        const update = await ctx.services.projectUpdates.create(officer, ids[key] ?? '', {
          month,
          highlights,
          nextSteps: 'Keep going',
          when: 'January 2026',
          who: 'Waste manager',
          confidence: 'medium',
          submit: true,
        })
        await ctx.services.projectUpdates.approve(approver, ids[key] ?? '', update.id)
      }
      // A priority the programme's items deliver: the Executive report's focus area.
      const db = ctx.database.db
      const plan = await db
        .insertInto('plans')
        .values({
          organisation_id: org.id,
          parent_plan_id: null,
          title: 'Corporate plan',
          kind: 'corporate',
          first_year: 2025,
          last_year: 2027,
          owner_unit_id: null,
          vision: null,
          mission: null,
          levels: JSON.stringify(['Priority']),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const node = await db
        .insertInto('plan_nodes')
        .values({
          organisation_id: org.id,
          plan_id: plan.id,
          parent_id: null,
          contributes_to_id: null,
          title: 'Clean streets',
          description: null,
          success: null,
          owner_id: null,
          lead_unit_id: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      ids.node = node.id
      for (const key of ['prg', 'prj', 'prk']) {
        await db
          .insertInto('node_links')
          .values({
            organisation_id: org.id,
            node_id: node.id,
            item_kind: 'project',
            item_id: ids[key] ?? '',
          })
          .execute()
      }
      await write('prg', '2025-10', 'Programme board met; both projects reported.')
      await write('prj', '2025-11', 'Project: North Locality rounds are live.')
      await write('a1', '2025-10', 'Action: 21,000 caddies delivered.')
      await write('b1', '2025-11', 'Action: four cameras installed.')
    })
    after(() => ctx.close())

    it('puts a project’s own update and its actions’ in the highlight report, saying which level, and counts projects', async () => {
      const doc = await ctx.services.reports.buildNow(officer, {
        kind: 'highlight',
        period: 'Nov 2025',
        scopeId: ids.prg ?? '',
      })
      // Two projects, both at risk: the summary counts the projects, not their three actions.
      assert.match(paragraph(doc, 'summary'), /^Of 2 projects, 2 are at risk\./)
      assert.deepEqual(
        table(doc, 'Programme update, October 2025')[0]?.[0],
        ['Programme board met; both projects reported.'][0],
      )
      const food = table(doc, 'Actions: PRJ: Food waste collections')
      assert.deepEqual(
        food.map((r) => [r[0], r[1], r[3]]),
        [
          ['Food waste collections', 'Project', 'Project: North Locality rounds are live.'],
          ['Deliver caddies', 'Action', 'Action: 21,000 caddies delivered. (From October 2025)'],
          ['Redesign rounds', 'Action', 'No approved update yet.'],
        ],
      )
      const fly = table(doc, 'Actions: PRK: Fly-tipping enforcement')
      assert.deepEqual(
        fly.map((r) => [r[0], r[1], r[3]]),
        [['Install cameras', 'Action', 'Action: four cameras installed.']],
      )
    })

    it('shows project and programme updates in the Cabinet, scrutiny and executive reports, and rolls actions up where a project has none', async () => {
      const expected = [
        [
          'PRG Street scene programme',
          'Programme update, October 2025: Programme board met; both projects reported.',
        ],
        [
          'PRJ Food waste collections',
          'Project update, November 2025: Project: North Locality rounds are live.',
        ],
        [
          'PRK Fly-tipping enforcement',
          'From action “Install cameras”, November 2025: Action: four cameras installed.',
        ],
      ]
      for (const kind of ['quarterly-performance', 'scrutiny'] as const) {
        const doc = await ctx.services.reports.buildNow(officer, { kind, period: '2025/26 Q3' })
        const rows = table(doc, 'Programmes and projects: status and latest highlights')
        assert.deepEqual(
          rows.map((r) => [r[0], r[4]]),
          expected,
          kind,
        )
        assert.equal(rows[2]?.[3], 'Medium', 'the confidence of the one update rolled up')
      }
      const executive = await ctx.services.reports.buildNow(officer, {
        kind: 'executive',
        period: '2025/26 B4',
        focusNodeIds: [ids.node ?? ''],
      })
      assert.deepEqual(
        table(executive, 'Focus area programmes and projects: Clean streets').map((r) => r[2]),
        expected.map((e) => e[1]),
      )
      // Every format of the Cabinet report carries the project-level update.
      const doc = await ctx.services.reports.buildNow(officer, {
        kind: 'quarterly-performance',
        period: '2025/26 Q3',
      })
      for (const format of REPORT_FORMATS) {
        const text = await textOf(format, (await renderReport(doc, format)).body)
        if (text === null) continue
        // Short phrases: the PDF's table cells wrap, and its text is read line by line.
        assert.ok(text.includes('Project update, November 2025'), `${format} has the update`)
        assert.ok(text.includes('rounds are live'), `${format} has the update’s words`)
        assert.ok(text.includes('Install cameras'), `${format} says where the roll-up came from`)
      }
    })

    it('reads only approved updates for months up to the report’s end', async () => {
      // A draft for December and an approved update after the quarter do not show.
      await ctx.services.projectUpdates.create(officer, ids.prk ?? '', {
        month: '2025-12',
        highlights: 'Draft: not approved yet.',
        confidence: 'low',
      })
      const doc = await ctx.services.reports.buildNow(officer, {
        kind: 'quarterly-performance',
        period: '2025/26 Q2',
      })
      const rows = table(doc, 'Programmes and projects: status and latest highlights')
      assert.deepEqual(
        rows.map((r) => r[4]),
        ['No approved update.', 'No approved update.', 'No approved update.'],
      )
    })
  })
}
