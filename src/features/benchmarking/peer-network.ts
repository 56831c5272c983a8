// A generated peer network in the LGBF files' own layout: fictional councils, family groups and
// quarterly figures. The demo council compares itself with it (labelled as generated), and the
// benchmark in bench/ refreshes a large one. Deterministic for a given seed.
import { quantile, rankEntries, type RankingPolarity } from '../../core/benchmark.ts'
import type { Period } from '../../core/periods.ts'
import type { LgbfFile } from './benchmark-readers.ts'
import { csvRecords } from '../../core/csv.ts'

export interface PeerIndicator {
  readonly code: string
  readonly title: string
  /** LGBF MeasureType: Percentage (figures are fractions in the files), Cost, Days, … */
  readonly measureType: 'Percentage' | 'Cost' | 'Days' | 'Score'
  readonly ranking: 'Ascending' | 'Descending'
  /** The typical figure (a percent for percentages), how far councils spread, drift a year. */
  readonly base: number
  readonly spread: number
  readonly drift: number
}

export interface PeerNetworkSpec {
  readonly councils: readonly string[]
  readonly familySize: number
  readonly indicators: readonly PeerIndicator[]
  readonly quarters: readonly Period[]
  readonly seed: number
}

export const PEER_FAMILY_TYPE = 'All indicators (generated peer network)'

/** A small, fast, seeded generator (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** LF line ends, as the LGBF's files have them. */
const csv = (rows: readonly (readonly (string | number | null)[])[]) =>
  csvRecords(rows, { lineEnd: '\n' })

const lgbfPeriod = (p: Period) =>
  `${p.financialYear}-${String((p.financialYear + 1) % 100).padStart(2, '0')};Q${p.index}`

/** The four files, as the LGBF publishes them, with ranks worked out as LGBF works them out. */
export function peerNetworkFiles(spec: PeerNetworkSpec): Record<LgbfFile, string> {
  const next = random(spec.seed)
  const families = spec.councils.map((c, i) => ({
    council: c,
    family: `Family Group ${Math.floor(i / spec.familySize) + 1}`,
  }))
  const familyOf = new Map(families.map((f) => [f.council, f.family]))
  const info = [
    [
      'Title',
      'Code',
      'Code_Sortable',
      'MeasureType',
      'NumberFormat_NoText',
      'Ranking_Type',
      'FamilyGrouping',
      'Ranking_GoldilocksMidpoint',
    ],
    ...spec.indicators.map((i) => [
      i.title,
      i.code.replaceAll(' ', ''),
      i.code,
      i.measureType,
      i.measureType === 'Percentage' ? '0.000' : '0.00',
      i.ranking,
      PEER_FAMILY_TYPE,
      '',
    ]),
  ]
  const values: (string | number | null)[][] = [
    [
      'Key_CodePeriodFamilyGroupDType',
      'Code',
      'LocalAuthority',
      'Period',
      'Value',
      'Numerator',
      'Denominator',
      'FamilyRank',
      'FamilyPct',
      'ScotRank',
      'ScotPct',
      'DataType',
    ],
  ]
  const averages: (string | number | null)[][] = [
    ['Code', 'Period', 'DataType', 'Value_Scot_Mean', 'Value_Scot_Median'],
  ]
  for (const indicator of spec.indicators) {
    const scale = indicator.measureType === 'Percentage' ? 100 : 1
    const polarity: RankingPolarity =
      indicator.ranking === 'Ascending' ? 'lower_is_better' : 'higher_is_better'
    // Each council has its own level and its own pace of change.
    const councils = spec.councils.map((council) => ({
      council,
      level: indicator.base + (next() - 0.5) * 2 * indicator.spread,
      pace: indicator.drift * (0.4 + next() * 1.2),
    }))
    for (const [q, quarter] of spec.quarters.entries()) {
      const figures = councils.map((c) => {
        const raw = c.level + (c.pace * q) / 4 + (next() - 0.5) * indicator.spread * 0.3
        const bounded = scale === 100 ? Math.min(100, Math.max(0, raw)) : Math.max(0, raw)
        const value = Math.round((bounded / scale) * 1000) / 1000
        return { key: c.council, value }
      })
      const all = rankEntries(figures, polarity)
      const byFamily = new Map<string, typeof figures>()
      for (const f of figures) {
        const family = familyOf.get(f.key) ?? ''
        byFamily.set(family, [...(byFamily.get(family) ?? []), f])
      }
      const familyRanks = new Map(
        [...byFamily.values()]
          .flatMap((members) => rankEntries(members, polarity))
          .map((r) => [r.key, r]),
      )
      for (const r of all) {
        const family = familyOf.get(r.key) ?? ''
        const fr = familyRanks.get(r.key)
        const denominator = indicator.measureType === 'Percentage' ? 1000 : null
        values.push([
          `${indicator.code}${lgbfPeriod(quarter)}${family}Real_Quarterly`,
          indicator.code,
          r.key,
          lgbfPeriod(quarter),
          r.value,
          denominator === null ? null : Math.round(r.value * denominator),
          denominator,
          fr?.rank ?? null,
          fr?.percentile ?? null,
          r.rank,
          r.percentile,
          'Real_Quarterly',
        ])
      }
      const list = figures.map((f) => f.value)
      averages.push([
        indicator.code,
        lgbfPeriod(quarter),
        'Real_Quarterly',
        list.reduce((s, v) => s + v, 0) / list.length,
        quantile(list, 0.5),
      ])
    }
  }
  return {
    indicators: csv(info),
    values: csv(values),
    families: csv([
      ['Family_Group', 'Local_Authority', 'Type'],
      ...families.map((f) => [f.family, f.council, PEER_FAMILY_TYPE]),
    ]),
    averages: csv(averages),
  }
}
