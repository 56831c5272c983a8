// The "How we compare" panel on corporate dashboards: every compared measure's latest rank in its
// group and whether it is improving relative to the group.
import type { Principal } from '../../core/principal.ts'
import type {
  DashboardPanel,
  DashboardPanelSource,
  PanelRow,
  PanelScope,
} from '../dashboards/index.ts'
import type { BenchmarkService } from './benchmark-service.ts'

const TREND = {
  improving: { text: 'Improving against the group', symbol: '▲', tone: 'green' },
  worsening: { text: 'Falling behind the group', symbol: '▼', tone: 'red' },
  same: { text: 'Holding its place', symbol: '●', tone: 'grey' },
} as const

export function benchmarkPanelSource(benchmarking: BenchmarkService): DashboardPanelSource {
  return {
    key: 'benchmarking',

    async panel(principal: Principal, scope: PanelScope): Promise<DashboardPanel | null> {
      // Comparisons are of the latest published figures: not for a unit's page or a past date.
      if (scope.unitIds !== null || scope.asAtEnd !== null) return null
      const rows = await benchmarking.summary(principal)
      if (rows.length === 0) return null
      const topHalf = rows.filter((r) => r.current.quartile !== null && r.current.quartile <= 2)
      const improving = rows.filter((r) => r.trend?.direction === 'improving')
      const panelRows: PanelRow[] = rows.map((r) => ({
        label: `${r.measure.code}: ${r.measure.title}`,
        value: `${r.current.rankText} (${r.current.quartileText}) in ${r.group.name}, ${r.current.period.label}`,
        href: `/measures/${r.measure.id}#how-we-compare`,
        ...(r.trend && { status: TREND[r.trend.direction] }),
      }))
      return {
        key: 'benchmarking',
        title: 'How we compare with similar councils',
        href: '/benchmarking',
        summary:
          `${topHalf.length} of ${rows.length} compared measures are in the top half of their ` +
          `group; ${improving.length} ${improving.length === 1 ? 'is' : 'are'} improving ` +
          'relative to it over the last year.',
        rows: panelRows,
      }
    },

    async exceptions() {
      return []
    },
  }
}
