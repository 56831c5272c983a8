// The monthly highlight report of a programme in the document model, laid out as Birmingham's
// (seed 003) and as the highlight report page: a section per item beneath the programme with
// its quarterly milestone strip and its actions (an item's own update heads its rows; an
// action's rolls up when it has none), its impact (measures and benefits), then risks, each once.
import { formatDate, formatPounds } from '../../../core/format.ts'
import { sumPence } from '../../../core/money.ts'
import type { GatewayView } from '../../project-gateways/index.ts'
import {
  type MilestoneView,
  type ProjectView,
  benefitAmount,
  LEVEL_NAMES,
  realisedShare,
} from '../../projects/index.ts'
import type { UpdateService } from '../../project-updates/index.ts'
import { projectBadge, riskBadge } from './report-badges.ts'
import { type DocumentHeader, measuresTable } from './report-builders.ts'
import type { Badge, Block, Inline, ReportDocument, TableCell } from '../report-document.ts'
import type { ImpactData } from './report-data.ts'
import { measuresSentence, projectsSentence } from './report-narrative.ts'

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

/** What the highlight report shows besides the updates: impact, and the boards' gateways. */
export interface HighlightExtras {
  readonly impact: ImpactData
  readonly gateways: readonly GatewayView[]
}

const titleOf = (p: ProjectView) => `${p.code ? `${p.code}: ` : ''}${p.title}`

/** What a highlight report counts in its summary: the items its sections are about. */
function sectionNoun(levels: readonly string[]) {
  const kinds = new Set(levels)
  if (kinds.size === 1 && kinds.has('project')) return { one: 'project', many: 'projects' }
  if (kinds.size === 1 && kinds.has('action')) return { one: 'action', many: 'actions' }
  if (kinds.size === 1 && kinds.has('programme')) return { one: 'programme', many: 'programmes' }
  return { one: 'item', many: 'projects and actions' }
}

function assuranceText(p: ProjectView) {
  return p.assuranceText ? `${p.assuranceSymbol ?? ''} ${p.assuranceText}`.trim() : 'Not assessed'
}

function governanceTable(items: readonly ProjectView[], gateways: readonly GatewayView[]): Block {
  return {
    type: 'table',
    caption: 'Stage, assurance and latest gateway review',
    columns: [
      { label: 'Programme or project', width: 3 },
      { label: 'Stage', width: 1.4 },
      { label: 'Assurance', width: 1.4 },
      { label: 'Latest gateway review', width: 5 },
    ],
    rows: items.map((item): TableCell[] => {
      const latest = gateways.find((g) => g.projectId === item.id)
      return [
        titleOf(item),
        item.stageText ?? 'Not set',
        assuranceText(item),
        latest
          ? `${latest.stageText} gateway, ${latest.reviewDateText} (${latest.reviewer}): ${latest.decisionText}${latest.conditions ? `. Conditions: ${latest.conditions}` : ''}`
          : 'None recorded.',
      ]
    }),
  }
}

function impactBlocks(impact: ImpactData, month: string): Block[] {
  const blocks: Block[] = [
    { type: 'heading', level: 1, text: 'Impact — how do we know it is making a difference' },
  ]
  if (impact.measures.length === 0) {
    blocks.push({
      type: 'paragraph',
      content: [
        'No measure is linked to the priorities this programme delivers. Link measures to those priorities in the golden thread to report them here.',
      ],
    })
  } else {
    blocks.push(
      {
        type: 'paragraph',
        editableKey: 'impact',
        content: [
          measuresSentence(
            '',
            impact.measures.map((m) => ({
              name: `${m.code} ${m.title}`,
              rag: m.value?.rag ?? 'no_data',
            })),
          ),
          ` Values are the latest approved by the end of ${month}.`,
        ],
      },
      measuresTable('Measures of the priorities the programme delivers', impact.measures),
    )
  }
  if (impact.benefits.length === 0) {
    blocks.push({
      type: 'paragraph',
      content: ['No benefits are recorded for this programme yet.'],
    })
    return blocks
  }
  blocks.push({
    type: 'table',
    caption: 'Benefits: planned against realised',
    columns: [
      { label: 'Benefit', width: 3 },
      { label: 'Programme or project', width: 2.5 },
      { label: 'Year', width: 1 },
      { label: 'Planned', align: 'right', width: 1.3 },
      { label: 'Realised', align: 'right', width: 1.3 },
      { label: 'Realised of planned', align: 'right', width: 1.3 },
    ],
    rows: impact.benefits.map((b): TableCell[] => [
      `${b.title} (${b.kind === 'financial' ? 'financial' : 'non-financial'})`,
      titleOf(b.item),
      b.financialYear,
      benefitAmount(b, b.planned),
      benefitAmount(b, b.realised),
      realisedShare(b),
    ]),
  })
  const financial = impact.benefits.filter((b) => b.kind === 'financial')
  if (financial.length > 0) {
    // Added up in whole pence: summed as floats, pounds pick up noise like "£765,000.02".
    const pence = (n: number | null) => Math.round((n ?? 0) * 100)
    const planned = sumPence(financial.map((b) => pence(b.planned)))
    const realised = sumPence(financial.map((b) => pence(b.realised)))
    blocks.push({
      type: 'paragraph',
      content: [
        `Financial benefits: ${formatPounds(realised)} realised of ${formatPounds(planned)} planned.`,
      ],
    })
  }
  return blocks
}

export function buildHighlight(
  data: HighlightData,
  organisationName: string,
  header: DocumentHeader,
  extras: HighlightExtras,
): ReportDocument {
  const people = (sro: string | null, lead: string | null, unit: string | null) =>
    `Senior Responsible Officer: ${sro ?? 'None'}. Lead: ${lead ?? 'None'}${unit ? ` (${unit})` : ''}.`
  const programme = data.programme
  const blocks: Block[] = [
    { type: 'heading', level: 1, text: 'Summary' },
    {
      type: 'paragraph',
      content: [
        people(data.sro, data.lead, data.leadUnit),
        ' Status: ',
        projectBadge(programme.status),
        `. Stage: ${programme.stageText ?? 'not set'}. Assurance: ${assuranceText(programme)}.`,
      ],
    },
    {
      type: 'paragraph',
      editableKey: 'summary',
      content: [
        projectsSentence(
          data.sections.map((s) => ({ text: s.project.statusText })),
          sectionNoun(data.sections.map((s) => s.project.level)),
        ) + ' Only approved monthly updates are reported.',
      ],
    },
  ]
  if (data.programmeUpdate) {
    const u = data.programmeUpdate
    blocks.push({
      type: 'table',
      caption: `${LEVEL_NAMES[programme.level]} update, ${u.monthLabel}`,
      columns: [
        { label: 'Highlights on progress', width: 4 },
        { label: 'Next steps', width: 3 },
        { label: 'When', width: 1.3 },
        { label: 'Who', width: 1.5 },
        { label: 'Confidence', width: 1.2 },
      ],
      rows: [[u.highlights, or(u.nextSteps), or(u.when), or(u.who), u.confidenceText]],
    })
  }
  blocks.push(
    governanceTable(
      [programme, ...data.sections.map((s) => s.project).filter((p) => p.id !== programme.id)],
      extras.gateways,
    ),
  )
  if (data.strip.length > 0) {
    blocks.push(stripTable(data.strip, 'Quarterly milestones of the programme'))
  }
  for (const section of data.sections) {
    const title = titleOf(section.project)
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
          { label: 'Level', width: 1 },
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
            ? `${a.from ? `${a.from}: ` : ''}${u.highlights}${u.restated ? ' (Restated)' : ''}${u.month !== data.month ? ` (From ${u.monthLabel})` : ''}`
            : 'No approved update yet.'
          return [
            a.project.title,
            LEVEL_NAMES[a.project.level],
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
  blocks.push(...impactBlocks(extras.impact, data.monthLabel))
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
        `${r.reference} ${r.title}${r.alsoLinkedTo.length > 0 ? ` (also linked to ${r.alsoLinkedTo.map((p) => p.code ?? p.title).join(', ')})` : ''}`,
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
