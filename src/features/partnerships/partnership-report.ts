import {
  directionBadge,
  projectBadge,
  ragBadge,
  riskBadge,
  type Block,
  type ReportDocument,
  type TableCell,
} from '../reports/index.ts'
import type { SharedItem, ShareView } from './partnership-presenter.ts'

interface Overview {
  readonly partnership: {
    readonly name: string
    readonly purpose: string | null
    readonly hostOrganisationName: string
  }
  readonly members: readonly { readonly organisationName: string; readonly role: string }[]
  readonly priorities: readonly {
    readonly title: string
    readonly description: string | null
    readonly items: readonly { share: ShareView; item: SharedItem }[]
  }[]
  readonly unassigned: readonly { share: ShareView; item: SharedItem }[]
  readonly hiddenText: string | null
}

function itemBlocks(
  caption: string,
  items: readonly { share: ShareView; item: SharedItem }[],
): Block[] {
  const blocks: Block[] = []
  const measures = items.flatMap((i) => (i.item.kind === 'measure' ? [{ ...i, item: i.item }] : []))
  const projects = items.flatMap((i) => (i.item.kind === 'project' ? [{ ...i, item: i.item }] : []))
  const risks = items.flatMap((i) => (i.item.kind === 'risk' ? [{ ...i, item: i.item }] : []))
  if (measures.length > 0) {
    blocks.push({
      type: 'table',
      caption: `${caption}: measures`,
      columns: [
        { label: 'Measure', width: 4 },
        { label: 'Owner', width: 3 },
        { label: 'Period', width: 2 },
        { label: 'Value', align: 'right', width: 2 },
        { label: 'Target', align: 'right', width: 2 },
        { label: 'Status', width: 2 },
        { label: 'Direction', width: 2 },
      ],
      rows: measures.map(({ share, item }): TableCell[] => {
        const latest = item.latest
        return [
          item.label,
          share.ownerOrganisationName,
          latest?.period.label ?? 'No approved value yet',
          latest
            ? {
                type: 'text',
                text: latest.valueText,
                ...(latest.value !== null && { number: latest.value }),
              }
            : '—',
          latest?.targetText ?? '—',
          ragBadge(latest?.rag ?? 'no_data'),
          directionBadge(latest?.direction ?? null),
        ]
      }),
    })
  }
  if (projects.length > 0) {
    blocks.push({
      type: 'table',
      caption: `${caption}: programmes and projects`,
      columns: [
        { label: 'Project', width: 4 },
        { label: 'Owner', width: 3 },
        { label: 'Status', width: 2 },
        { label: 'Latest approved update', width: 5 },
      ],
      rows: projects.map(({ share, item }): TableCell[] => {
        const update = item.updates.at(-1)
        return [
          item.label,
          share.ownerOrganisationName,
          projectBadge(item.project.status),
          update ? `${update.monthLabel}: ${update.highlights}` : 'No approved update yet',
        ]
      }),
    })
  }
  if (risks.length > 0) {
    blocks.push({
      type: 'table',
      caption: `${caption}: risks`,
      columns: [
        { label: 'Risk', width: 5 },
        { label: 'Owner', width: 3 },
        { label: 'Current score', width: 3 },
        { label: 'Appetite', width: 2 },
      ],
      rows: risks.map(({ share, item }): TableCell[] => [
        item.label,
        share.ownerOrganisationName,
        riskBadge(item.risk.current),
        item.risk.aboveAppetite ? 'Above appetite' : 'Within appetite',
      ]),
    })
  }
  return blocks
}

/** The partnership's shared plan as a report document: each item with whose it is. */
export function partnershipReport(overview: Overview, today: string): ReportDocument {
  const blocks: Block[] = []
  if (overview.partnership.purpose) {
    blocks.push({ type: 'paragraph', content: [overview.partnership.purpose] })
  }
  blocks.push({
    type: 'paragraph',
    content: [
      'Each member organisation signs off its own data: figures here are the approved values of the organisation that owns each item.',
    ],
  })
  if (overview.hiddenText) blocks.push({ type: 'paragraph', content: [overview.hiddenText] })
  for (const priority of overview.priorities) {
    blocks.push({ type: 'heading', level: 1, text: priority.title })
    if (priority.description) blocks.push({ type: 'paragraph', content: [priority.description] })
    const tables = itemBlocks(priority.title, priority.items)
    if (tables.length === 0) {
      blocks.push({ type: 'paragraph', content: ['Nothing is shared under this priority yet.'] })
    }
    blocks.push(...tables)
  }
  if (overview.unassigned.length > 0) {
    blocks.push({ type: 'heading', level: 1, text: 'Other shared items' })
    blocks.push(...itemBlocks('Other shared items', overview.unassigned))
  }
  return {
    title: `${overview.partnership.name}: partnership report`,
    organisation: overview.partnership.hostOrganisationName,
    meta: [
      {
        label: 'Members',
        value: overview.members
          .map((m) => (m.role === 'host' ? `${m.organisationName} (host)` : m.organisationName))
          .join(', '),
      },
      { label: 'Produced', value: today },
    ],
    blocks,
  }
}
