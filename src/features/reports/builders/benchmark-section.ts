// "How we compare with similar councils" in the Cabinet and scrutiny reports, read through
// `BenchmarkSource` (connected in services.ts to the benchmarking feature).
import type { Period } from '../../../core/periods.ts'
import type { Principal } from '../../../core/principal.ts'
import type { Block, TableCell } from '../report-document.ts'

export interface BenchmarkLine {
  readonly measure: { readonly id: string; readonly code: string; readonly title: string }
  readonly group: { readonly name: string }
  readonly current: {
    readonly period: { readonly label: string }
    readonly valueText: string
    readonly medianText: string
    readonly rankText: string
    readonly quartileText: string
  }
  readonly trend: {
    readonly direction: 'improving' | 'worsening' | 'same'
    readonly from: string
    readonly fromRank: string
  } | null
  readonly sources: readonly { readonly name: string; readonly ageText: string }[]
}

export interface BenchmarkSource {
  summary(principal: Principal, upTo: string): Promise<readonly BenchmarkLine[]>
}

const TREND: Readonly<Record<'improving' | 'worsening' | 'same', string>> = {
  improving: '▲ Improving against the group',
  worsening: '▼ Falling behind the group',
  same: '● Holding its place',
}

export async function loadBenchmarks(
  source: BenchmarkSource | null,
  principal: Principal,
  period: Period,
): Promise<readonly BenchmarkLine[] | null> {
  return source ? source.summary(principal, period.end) : null
}

/** The section; nothing when benchmarking is not set up or no measure is compared. */
export function benchmarkBlocks(lines: readonly BenchmarkLine[] | null): Block[] {
  if (lines === null || lines.length === 0) return []
  const improving = lines.filter((l) => l.trend?.direction === 'improving').length
  const worsening = lines.filter((l) => l.trend?.direction === 'worsening').length
  const sources = [...new Map(lines.flatMap((l) => l.sources).map((s) => [s.name, s])).values()]
  const rows: TableCell[][] = lines.map((l) => [
    `${l.measure.code}: ${l.measure.title}`,
    l.group.name,
    l.current.period.label,
    l.current.valueText,
    l.current.medianText,
    `${l.current.rankText} (${l.current.quartileText})`,
    l.trend ? `${TREND[l.trend.direction]} (${l.trend.fromRank} in ${l.trend.from})` : '—',
  ])
  return [
    { type: 'heading', level: 1, text: 'How we compare with similar councils' },
    {
      type: 'paragraph',
      content: [
        `${lines.length} ${lines.length === 1 ? 'measure is' : 'measures are'} compared with ` +
          `peers’ published figures. Relative to their groups, ${improving} ` +
          `${improving === 1 ? 'is' : 'are'} improving and ${worsening} ` +
          `${worsening === 1 ? 'is' : 'are'} falling behind over the last year. Ranks put 1st ` +
          'the best figure; councils with the same figure share a rank.',
      ],
    },
    {
      type: 'table',
      caption: 'How we compare with similar councils',
      columns: [
        { label: 'Measure', width: 3 },
        { label: 'Compared with', width: 2 },
        { label: 'Period', width: 1 },
        { label: 'Our figure', align: 'right', width: 1 },
        { label: 'Group median', align: 'right', width: 1 },
        { label: 'Rank', width: 2 },
        { label: 'Relative to the group', width: 2 },
      ],
      rows,
    },
    {
      type: 'paragraph',
      content: [
        `Sources: ${sources.map((s) => `${s.name} (a copy ${s.ageText} when this report was built)`).join('; ')}.`,
      ],
    },
  ]
}
