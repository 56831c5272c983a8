// The monthly highlight report of a programme in the document model, laid out as Birmingham's
// (seed 003) and as the highlight report page: a section per item beneath the programme with
// its quarterly milestone strip and its actions, then risks with mitigating actions.
import { formatDate } from '../../../core/format.ts'
import type { MilestoneView } from '../../projects/project-presenter.ts'
import type { UpdateService } from '../../project-updates/update-service.ts'
import { projectBadge, riskBadge } from './report-badges.ts'
import type { DocumentHeader } from './report-builders.ts'
import type { Badge, Block, Inline, ReportDocument, TableCell } from '../report-document.ts'
import { projectsSentence } from './report-narrative.ts'

export type HighlightData = Awaited<ReturnType<UpdateService['highlightReport']>>
type Strip = HighlightData['strip']

function milestoneBadge(m: MilestoneView): Badge {
  return {
    type: 'badge',
    kind: 'project',
    value: m.status,
    label: m.statusText,
    symbol: m.statusSymbol,
  }
}

function stripTable(strip: Strip, caption: string): Block {
  return {
    type: 'table',
    caption,
    columns: strip.map((q) => ({ label: q.heading })),
    rows: [
      strip.map((q): TableCell => {
        if (q.milestones.length === 0) return 'None'
        return q.milestones.flatMap((m, i): Inline[] => [
          ...(i > 0 ? ['; '] : []),
          `${m.title} `,
          milestoneBadge(m),
          ...(m.originalDue ? [` (moved from ${m.originalDue.label})`] : []),
          ...(m.overdue ? [' (overdue)'] : []),
        ])
      }),
    ],
  }
}

const or = (text: string | null | undefined, fallback = '–') => (text?.trim() ? text : fallback)

export function buildHighlight(
  data: HighlightData,
  organisationName: string,
  header: DocumentHeader,
): ReportDocument {
  const people = (sro: string | null, lead: string | null, unit: string | null) =>
    `Senior Responsible Officer: ${sro ?? 'None'}. Lead: ${lead ?? 'None'}${unit ? ` (${unit})` : ''}.`
  const blocks: Block[] = [
    { type: 'heading', level: 1, text: 'Summary' },
    {
      type: 'paragraph',
      content: [
        people(data.sro, data.lead, data.leadUnit),
        ' Status: ',
        projectBadge(data.programme.status),
      ],
    },
    {
      type: 'paragraph',
      editableKey: 'summary',
      content: [
        projectsSentence(
          data.sections.flatMap((s) => s.actions.map((a) => ({ text: a.project.statusText }))),
        ) + ' Only approved monthly updates are reported.',
      ],
    },
  ]
  if (data.strip.length > 0) {
    blocks.push(stripTable(data.strip, 'Quarterly milestones of the programme'))
  }
  for (const section of data.sections) {
    const title = `${section.project.code ? `${section.project.code}: ` : ''}${section.project.title}`
    blocks.push(
      { type: 'heading', level: 1, text: title },
      {
        type: 'paragraph',
        content: [
          `Senior owner: ${section.sro ?? 'None'}. Lead: ${section.lead ?? 'None'}${section.leadUnit ? ` (${section.leadUnit})` : ''}. Status: `,
          projectBadge(section.project.status),
        ],
      },
      section.strip.length > 0
        ? stripTable(section.strip, `Quarterly milestones: ${title}`)
        : { type: 'paragraph', content: ['No milestones yet.'] },
      {
        type: 'table',
        caption: `Actions: ${title}`,
        columns: [
          { label: 'Action', width: 2.5 },
          { label: 'Status', width: 1.3 },
          { label: 'Highlights on progress', width: 4 },
          { label: 'Next steps', width: 3 },
          { label: 'When', width: 1.3 },
          { label: 'Who', width: 1.5 },
          { label: 'Confidence', width: 1.2 },
        ],
        rows: section.actions.map((a): TableCell[] => {
          const u = a.update
          const highlights = u
            ? `${u.highlights}${u.restated ? ' (Restated)' : ''}${u.month !== data.month ? ` (From ${u.monthLabel})` : ''}`
            : 'No approved update yet.'
          return [
            a.project.title,
            projectBadge(a.project.status),
            highlights,
            or(u?.nextSteps),
            or(u?.when),
            or(u?.who ?? a.lead),
            u?.confidenceText ?? '–',
          ]
        }),
      },
    )
  }
  blocks.push({ type: 'heading', level: 1, text: 'Risks and mitigating actions' })
  if (data.risks.length === 0) {
    blocks.push({
      type: 'paragraph',
      content: ['No open risks are linked to this programme or the items beneath it.'],
    })
  }
  for (const group of data.risks) {
    blocks.push({
      type: 'table',
      caption: `Risks: ${group.project.code ? `${group.project.code} ` : ''}${group.project.title}`,
      columns: [
        { label: 'Risk', width: 3 },
        { label: 'Owner', width: 1.6 },
        { label: 'Current score', width: 1.4 },
        { label: 'Mitigating actions', width: 5 },
      ],
      rows: group.risks.map((r): TableCell[] => [
        `${r.reference} ${r.title}`,
        r.owner ?? 'None',
        riskBadge(r.current),
        r.mitigatingActions.length === 0
          ? 'No mitigating actions yet.'
          : r.mitigatingActions
              .map(
                (a) =>
                  `${a.description} (${a.owner ?? 'no owner'}; due ${a.dueDate ? formatDate(a.dueDate) : 'no date'}; ${a.statusName}${a.overdue ? '; overdue' : ''})`,
              )
              .join('\n'),
      ]),
    })
  }
  return {
    title: header.title,
    ...(header.subtitle && { subtitle: header.subtitle }),
    organisation: organisationName,
    meta: header.meta,
    blocks,
  }
}
