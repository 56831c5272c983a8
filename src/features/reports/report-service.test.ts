import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { periodInShortWords } from '../../core/periods.ts'
import type { Role } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'
import { buildDemoCouncil } from '../demo/index.ts'
import { formatValue, RAG_NAMES } from '../measures/index.ts'
import { inlineText, type ReportDocument, type Table } from './report-document.ts'
import { REPORT_FORMATS } from './report-schemas.ts'

const tables = (doc: ReportDocument) => doc.blocks.filter((b): b is Table => b.type === 'table')
const paragraph = (doc: ReportDocument, key = 'summary') =>
  doc.blocks.flatMap((b) =>
    b.type === 'paragraph' && b.editableKey === key ? [inlineText(b.content)] : [],
  )[0] ?? ''
const rowOf = (doc: ReportDocument, caption: string, first: string) =>
  tables(doc)
    .find((t) => t.caption === caption)
    ?.rows.find((r) => inlineText(r[0] ?? '').startsWith(first))
    ?.map((c) => inlineText(c))

for (const mode of testModes()) {
  describe(`report service (${mode})`, () => {
    let ctx: TestContext
    let officer: Principal
    const people = new Map<Role, Principal>()

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

    it('builds the quarterly Cabinet report with the figures the measures hold for the quarter', async () => {
      const doc = await ctx.services.reports.buildNow(officer, {
        kind: 'quarterly-performance',
        period: '2025/26 Q2',
      })
      const ws01 = await ctx.database.db
        .selectFrom('measures')
        .select('id')
        .where('organisation_id', '=', officer.organisationId)
        .where('code', '=', 'WS01')
        .executeTakeFirstOrThrow()
      const detail = await ctx.services.measures.detail(officer, ws01.id)
      // The latest approved value reported by the end of the quarter.
      const value = detail.values
        .filter((v) => v.status === 'approved' && v.period.start <= '2025-07-01')
        .at(-1)
      assert.ok(value, 'the demo has an approved WS01 value')
      const caption = tables(doc).find(
        (t) =>
          t.rows.some((r) => inlineText(r[0] ?? '').startsWith('WS01')) &&
          t.caption.startsWith('Corporate measures'),
      )?.caption
      assert.ok(caption)
      const row = rowOf(doc, caption, 'WS01')
      assert.deepEqual(row?.slice(1, 5), [
        periodInShortWords(value.period),
        formatValue(value.value, detail.measure),
        formatValue(value.target, detail.measure),
        `${value.rag === 'green' ? '✔' : value.rag === 'amber' ? '▲' : '✖'} ${RAG_NAMES[value.rag]}`,
      ])
      const headings = doc.blocks.flatMap((b) =>
        b.type === 'heading' && b.level === 1 ? [b.text] : [],
      )
      assert.deepEqual(headings, [
        'Summary',
        'Exceptions',
        'Corporate measures by theme',
        'Programmes and projects',
        'Financial summary',
        'Corporate risks',
        'Health and safety',
        'How we compare with similar councils',
      ])
      // Only corporate (strategic) measures are in the theme tables; operational WS02 is not.
      assert.equal(
        tables(doc).some((t) => t.rows.some((r) => inlineText(r[0] ?? '').startsWith('WS02 '))),
        false,
      )
      // The financial summary comes from budget monitoring (report-wiring.test.ts checks figures).
      assert.ok(
        tables(doc).some(
          (t) => t.caption === 'Revenue budget by directorate, July–September 2025 (quarter 2)',
        ),
      )
      // Every corporate risk in the register is listed, highest score first.
      const risks = tables(doc).find((t) => t.caption.startsWith('Corporate risks'))
      const scores = risks?.rows.map((r) => Number(/\d+$/.exec(inlineText(r[2] ?? ''))?.[0])) ?? []
      assert.ok(scores.length > 0)
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => b - a),
      )
    })

    it('reconciles the summary with the table by theme: its total counts every corporate measure', async () => {
      const summaryOf = (doc: ReportDocument) =>
        doc.blocks.flatMap((b) =>
          b.type === 'paragraph' && b.editableKey === 'summary' ? [inlineText(b.content)] : [],
        )[0] ?? ''
      /** The measures of the sections below the table, counted once for each section. */
      const sectionRows = (doc: ReportDocument) =>
        tables(doc)
          .filter((t) => /^Corporate measures(: | not linked to a theme$)/.test(t.caption))
          .flatMap((t) => t.rows.map((r) => inlineText(r[0] ?? '')))
      const themeTable = (doc: ReportDocument) => {
        const table = tables(doc).find((t) => t.caption.startsWith('Corporate measures on track'))
        assert.ok(table)
        const rows = table.rows.map((r) => r.map((c) => inlineText(c)))
        const total = rows.at(-1) ?? []
        assert.equal(total[0], 'All corporate measures')
        return { rows: rows.slice(0, -1), total }
      }

      const cabinet = await ctx.services.reports.buildNow(officer, {
        kind: 'quarterly-performance',
        period: '2025/26 Q2',
      })
      const sentence =
        /^Of (\d+) corporate measures(?:, (\d+) (?:has|have) a result against a target:| with a result against a target,) (\d+) \((\d+)%\) (?:is|are) on track, (\d+) amber and (\d+) red\.$/.exec(
          summaryOf(cabinet),
        )
      assert.ok(sentence, summaryOf(cabinet))
      const [, all = '', judged = all, green, percent, amber, red] = sentence
      const { rows, total } = themeTable(cabinet)
      assert.deepEqual(total, [
        'All corporate measures',
        all,
        green,
        amber,
        red,
        String(Number(all) - Number(judged)),
        `${percent ?? ''}%`,
      ])
      const listed = sectionRows(cabinet)
      assert.equal(new Set(listed).size, Number(all), 'every corporate measure is in a section')
      assert.ok(
        !rows.some((r) => r[0] === 'Not linked to a theme'),
        'the demo’s golden thread is complete: every corporate measure is under a theme',
      )
      // The rows above the total count each measure once for each theme, as the sections do.
      assert.equal(
        rows.reduce((sum, r) => sum + Number(r[1]), 0),
        listed.length,
      )

      // Scrutiny of a priority beneath a theme (the API takes any node of the plan): its
      // measures are counted under their theme, not left out of the table.
      const priority = await ctx.database.db
        .selectFrom('plan_nodes as n')
        .innerJoin('node_links as l', 'l.node_id', 'n.id')
        .innerJoin('measures as m', 'm.id', 'l.item_id')
        .select('n.id')
        .where('n.organisation_id', '=', officer.organisationId)
        .where('n.parent_id', 'is not', null)
        .where('m.kind', '=', 'strategic')
        .orderBy('n.id')
        .executeTakeFirstOrThrow()
      const scrutiny = await ctx.services.reports.buildNow(officer, {
        kind: 'scrutiny',
        period: '2025/26 Q2',
        scopeId: priority.id,
      })
      const of = /^(?:None|\d+) of (\d+) /.exec(summaryOf(scrutiny))?.[1]
      assert.ok(of && Number(of) > 0, summaryOf(scrutiny))
      const scoped = themeTable(scrutiny)
      assert.equal(scoped.total[1], of)
      assert.equal(new Set(sectionRows(scrutiny)).size, Number(of))
      assert.ok(
        scoped.rows.length > 0 && scoped.rows.every((r) => r[0] !== 'Not linked to a theme'),
        'under their theme',
      )
    })

    it('builds every kind from the same data', async () => {
      const programme = await ctx.database.db
        .selectFrom('projects')
        .select('id')
        .where('organisation_id', '=', officer.organisationId)
        .where('level', '=', 'programme')
        .executeTakeFirstOrThrow()
      const directorate = await ctx.database.db
        .selectFrom('units')
        .select(['id', 'name'])
        .where('organisation_id', '=', officer.organisationId)
        .where('code', '=', 'WSS')
        .executeTakeFirstOrThrow()
      const highlight = await ctx.services.reports.buildNow(officer, {
        kind: 'highlight',
        period: 'Oct 2025',
        scopeId: programme.id,
      })
      assert.match(highlight.title, /^Highlight report: .+, October 2025$/)
      assert.ok(tables(highlight).some((t) => t.caption.startsWith('Actions: ')))
      const card = await ctx.services.reports.buildNow(officer, {
        kind: 'report-card',
        period: '2025/26 Q2',
        scopeId: directorate.id,
      })
      const cardRows = tables(card).find((t) => t.caption === `Measures: ${directorate.name}`)?.rows
      assert.ok(cardRows && cardRows.length > 0)
      assert.ok(cardRows.every((r) => /^WS\d/.test(inlineText(r[0] ?? ''))))
      const yearEnd = await ctx.services.reports.buildNow(officer, {
        kind: 'year-end',
        period: '2024/25',
      })
      assert.ok(tables(yearEnd).some((t) => t.columns.some((c) => c.label === 'Last year')))
      await assert.rejects(
        ctx.services.reports.buildNow(officer, { kind: 'executive', period: '2025/26 Q2' }),
        /two-month period/,
      )
    })

    it('keeps the author’s edits, freezes the report on publishing and shows later changes', async () => {
      const reports = ctx.services.reports
      const draft = await reports.create(officer, {
        kind: 'quarterly-performance',
        period: '2025/26 Q2',
        focusNodeIds: [],
      })
      await reports.saveEdits(officer, draft.id, {
        edits: { summary: 'Cabinet is asked to note a mixed quarter.' },
      })
      const opened = await reports.open(officer, draft.id)
      assert.equal(
        opened.editable.find((p) => p.key === 'summary')?.edited,
        'Cabinet is asked to note a mixed quarter.',
      )
      assert.match(JSON.stringify(opened.document), /Cabinet is asked to note a mixed quarter\./)
      await assert.rejects(
        reports.saveEdits(officer, draft.id, { edits: { nonsense: 'x' } }),
        /no such paragraph/,
      )

      // Readers outside the performance team do not see drafts.
      const councillor = people.get('councillor') as Principal
      await assert.rejects(reports.get(councillor, draft.id), /not found/i)
      await assert.rejects(reports.publish(councillor, draft.id), /permission|forbidden/i)

      await reports.publish(officer, draft.id)
      const before = new Map<string, Buffer>()
      for (const format of REPORT_FORMATS) {
        before.set(format, (await reports.download(councillor, draft.id, format)).body)
      }
      await assert.rejects(reports.publish(officer, draft.id), /already published/)
      await assert.rejects(
        reports.saveEdits(officer, draft.id, { edits: { summary: 'Late' } }),
        /cannot be changed/,
      )

      // A value changes after publication: the WS01 value the report shows.
      const shown = rowOf(
        (await reports.open(officer, draft.id)).document,
        tables((await reports.open(officer, draft.id)).document).find((t) =>
          t.rows.some((r) => inlineText(r[0] ?? '').startsWith('WS01')),
        )?.caption ?? '',
        'WS01',
      )?.[1]
      const published_start = shown === '2025/26 Q2' ? '2025-07-01' : '2025-04-01'
      const measure = await ctx.database.db
        .selectFrom('measures')
        .select(['id', 'unit', 'decimals'])
        .where('organisation_id', '=', officer.organisationId)
        .where('code', '=', 'WS01')
        .executeTakeFirstOrThrow()
      await ctx.database.db
        .updateTable('measure_values')
        .set((eb) => ({ value: eb('value', '+', 7) }))
        .where('measure_id', '=', measure.id)
        .where('period_start', '=', published_start)
        .execute()

      for (const format of REPORT_FORMATS) {
        const after = (await reports.download(councillor, draft.id, format)).body
        assert.ok(
          after.equals(before.get(format) ?? Buffer.alloc(0)),
          `${format} is byte-identical`,
        )
      }
      const published = await reports.open(councillor, draft.id)
      assert.match(JSON.stringify(published.document), /Cabinet is asked to note a mixed quarter\./)
      const change = published.changes?.find(
        (c) => c.type === 'row_changed' && c.row.startsWith('WS01'),
      )
      assert.ok(change && change.type === 'row_changed', JSON.stringify(published.changes))
      assert.ok(change.cells.some((c) => c.column === 'Value'))
    })

    it('lets partners read no report and refuses drafts to people outside the performance team', async () => {
      const partner = people.get('partner') as Principal
      const viewer = people.get('viewer') as Principal
      const list = await ctx.services.reports.list(viewer)
      assert.ok(list.every((r) => r.status === 'published'))
      await assert.rejects(ctx.services.reports.list(partner), /permission|forbidden/i)
      await assert.rejects(
        ctx.services.reports.create(viewer, {
          kind: 'year-end',
          period: '2024/25',
          focusNodeIds: [],
        }),
        /permission|forbidden/i,
      )
    })

    it('refuses a period of the wrong length, a future period and a missing programme', async () => {
      const create = (kind: 'highlight' | 'scrutiny', period: string) =>
        ctx.services.reports.create(officer, { kind, period, focusNodeIds: [] })
      await assert.rejects(create('scrutiny', 'Oct 2025'), /covers a quarter/)
      await assert.rejects(create('scrutiny', '2026/27 Q3'), /has not started yet/)
      await assert.rejects(
        create('scrutiny', '2025/26 Q9'),
        (e: Error) => e.name === 'Invalid' || /period/i.test(e.message),
      )
      await assert.rejects(create('highlight', 'Oct 2025'), /Select the programme/)
    })

    it('completes the demo highlight report: gateways, impact with measures and benefits, each risk once', async () => {
      const oip = await ctx.database.db
        .selectFrom('projects')
        .select('id')
        .where('organisation_id', '=', officer.organisationId)
        .where('code', '=', 'OIP')
        .executeTakeFirstOrThrow()
      const doc = await ctx.services.reports.buildNow(officer, {
        kind: 'highlight',
        period: 'Oct 2025',
        scopeId: oip.id,
      })
      const headings = doc.blocks.flatMap((b) =>
        b.type === 'heading' && b.level === 1 ? [b.text] : [],
      )
      assert.ok(headings.includes('Impact — how do we know it is making a difference'))
      const governance = tables(doc).find((t) => t.caption.startsWith('Stage, assurance'))
      assert.match(inlineText(governance?.rows[0]?.[3] ?? ''), /Proceed with conditions/)
      const measures = tables(doc).find((t) => t.caption.startsWith('Measures of the priorities'))
      assert.ok((measures?.rows.length ?? 0) > 0, 'linked measures with their latest figures')
      const benefits = tables(doc).find((t) => t.caption === 'Benefits: planned against realised')
      assert.deepEqual(
        benefits?.rows.map((r) => r.slice(3).map((c) => inlineText(c))),
        [['£120,000', '£85,000', '71%']],
      )
      const references = tables(doc)
        .filter((t) => t.caption.startsWith('Risks: '))
        .flatMap((t) => t.rows.map((r) => inlineText(r[0] ?? '').split(' ')[0]))
      assert.ok(references.length > 0)
      assert.deepEqual(references, [...new Set(references)], 'no risk listed twice')
      assert.match(paragraph(doc), /^Of 3 projects, /)
    })

    it('dates the demo sensibly: next steps after the month written, nothing submitted later than now, published before the meeting', async () => {
      const db = ctx.database.db
      const updates = await db
        .selectFrom('project_updates')
        .select(['month', 'when_text', 'submitted_at', 'approved_at'])
        .where('organisation_id', '=', officer.organisationId)
        .execute()
      assert.ok(updates.length > 0)
      for (const u of updates) {
        const when = new Date(`1 ${u.when_text ?? ''} UTC`)
        assert.ok(
          when.getTime() > Date.parse(`${u.month}T00:00:00Z`),
          `${u.when_text} after ${u.month}`,
        )
        assert.ok(
          (u.submitted_at?.getTime() ?? 0) <= ctx.clock.now.getTime(),
          'not submitted in the future',
        )
        assert.ok(
          (u.approved_at?.getTime() ?? 0) <= ctx.clock.now.getTime(),
          'not approved in the future',
        )
      }
      const values = await db
        .selectFrom('measure_values')
        .select((eb) => eb.fn.max('submitted_at').as('latest'))
        .where('organisation_id', '=', officer.organisationId)
        .executeTakeFirstOrThrow()
      assert.ok(new Date(String(values.latest)).getTime() <= ctx.clock.now.getTime())
      // The demo's published Cabinet report: the first report made (other tests add more).
      const [demo] = (await ctx.services.reports.list(officer)).sort((a, b) =>
        a.createdAt.localeCompare(b.createdAt),
      )
      assert.equal(demo?.status, 'published')
      assert.ok(demo.meeting && demo.publishedAt)
      assert.ok(
        demo.publishedAt.slice(0, 10) < demo.meeting.date,
        `published ${demo.publishedAt} before ${demo.meeting.date}`,
      )
    })

    it('does not show one council’s reports to another', async () => {
      const other = await ctx.organisation()
      const outsider = await ctx.person(other, { role: 'administrator' })
      const [mine] = await ctx.services.reports.list(officer)
      assert.ok(mine)
      await assert.rejects(ctx.services.reports.get(outsider, mine.id), /not found/i)
      assert.deepEqual(await ctx.services.reports.list(outsider), [])
    })
  })
}
