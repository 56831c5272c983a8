// A council against a group, period by period: its rank (ties as LGBF ranks them), percentile,
// quartile and the group's median and quartiles. Pure: the service loads the figures.
import {
  normaliseName,
  rankEntries,
  rankMovement,
  summariseGroup,
  type GroupSummary,
  type RankingPolarity,
} from '../../core/benchmark.ts'

export interface PeerFigure {
  readonly entity: string
  readonly start: string
  readonly value: number
}

export interface OwnFigure {
  readonly start: string
  readonly value: number
  /** Where the council's figure came from: its own approved value, or the source's copy. */
  readonly from: 'own' | 'source'
}

export interface ComparedPeriod {
  readonly start: string
  readonly own: OwnFigure | null
  readonly group: GroupSummary
  /** Councils ranked, the council included; null rank when it has no figure. */
  readonly count: number
  readonly rank: number | null
  readonly percentile: number | null
  readonly quartile: 1 | 2 | 3 | 4 | null
  /** Places moved since the period before with a rank: positive is up the table. */
  readonly movement: number | null
  readonly ranking: readonly { entity: string; value: number; rank: number; own: boolean }[]
}

/**
 * Compares the council with the peers given, for every period any of them has a figure. Peers
 * named like the council itself are left out (its own figure stands in for them).
 */
export function compare(
  ownName: string,
  own: readonly OwnFigure[],
  peers: readonly PeerFigure[],
  polarity: RankingPolarity,
  midpoint: number | null,
): ComparedPeriod[] {
  const self = normaliseName(ownName)
  const byPeriod = new Map<string, PeerFigure[]>()
  for (const p of peers) {
    if (normaliseName(p.entity) === self) continue
    const list = byPeriod.get(p.start) ?? []
    list.push(p)
    byPeriod.set(p.start, list)
  }
  const ownBy = new Map(own.map((o) => [o.start, o]))
  const starts = [...new Set([...byPeriod.keys(), ...ownBy.keys()])].sort()
  let lastRank: number | null = null
  return starts.map((start) => {
    const peerList = byPeriod.get(start) ?? []
    const mine = ownBy.get(start) ?? null
    const entries = [
      ...peerList.map((p) => ({ key: { entity: p.entity, own: false }, value: p.value })),
      ...(mine ? [{ key: { entity: ownName, own: true }, value: mine.value }] : []),
    ]
    const ranked = rankEntries(entries, polarity, midpoint)
    const me = ranked.find((r) => r.key.own) ?? null
    const movement = rankMovement(lastRank, me?.rank ?? null)
    if (me) lastRank = me.rank
    return {
      start,
      own: mine,
      group: summariseGroup(
        entries.map((e) => e.value),
        polarity,
        midpoint,
      ),
      count: ranked.length,
      rank: me?.rank ?? null,
      percentile: me?.percentile ?? null,
      quartile: me?.quartile ?? null,
      movement,
      ranking: ranked
        .map((r) => ({ entity: r.key.entity, value: r.value, rank: r.rank, own: r.key.own }))
        .sort((a, b) => a.rank - b.rank || a.entity.localeCompare(b.entity)),
    }
  })
}
