// How a measure compares: its figures ranked among a group's (a family of the LGBF, all councils,
// the Golden Thread network, or a group of the council's own), for its page, the dashboard panel,
// reports and, when the council publishes it, the public page.
import {
  normaliseName,
  ordinal,
  QUARTILE_NAMES,
  type RankingPolarity,
} from '../../core/benchmark.ts'
import { parsePeriodInput, parsePeriodStart, PeriodError, type Period } from '../../core/periods.ts'
import { isCount, isSmall } from '../../core/small-numbers.ts'
import { Invalid } from '../../errors.ts'
import { actorOf } from '../audit/index.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import { formatValue, FREQUENCY_NAMES, POLARITY_NAMES } from '../measures/index.ts'
import { bumpPublication } from '../../db/publication.ts'
import { benchmarkChart } from './benchmark-chart.ts'
import {
  compare,
  type ComparedPeriod,
  type OwnFigure,
  type PeerFigure,
} from './benchmark-compare.ts'
import * as policy from './benchmark-policy.ts'
import { ageText } from './benchmark-presenter.ts'
import * as repo from './benchmark-repository.ts'
import type { ComparisonQuery } from './benchmark-schemas.ts'
import type { BenchmarkCore, MeasureFacts } from './benchmark-core.ts'

const periodOf = (frequency: string, start: string): Period | null => {
  try {
    return parsePeriodStart({ frequency, start })
  } catch (error) {
    if (error instanceof PeriodError) return null
    throw error
  }
}

/** Comparisons; part of the benchmarking service (benchmark-service.ts). */
export function comparisonOperations(core: BenchmarkCore) {
  const {
    db,
    clock,
    deps,
    requireManager,
    requireReader,
    audit,
    factsOf,
    comparedMeasures,
    effectiveMatches,
  } = core
  interface GroupChoice {
    readonly key: string
    readonly name: string
    readonly kind: 'all' | 'family' | 'network' | 'custom'
    readonly sources: readonly { source: repo.SourceRow; indicator: repo.IndicatorRow }[]
    readonly members: ReadonlySet<string> | null
    readonly ownName: string
  }

  type Council = Pick<Principal, 'organisationId' | 'organisationName'>

  async function groupChoices(
    principal: Council,
    usable: readonly { source: repo.SourceRow; indicator: repo.IndicatorRow }[],
  ): Promise<GroupChoice[]> {
    const choices: GroupChoice[] = []
    const org = principal.organisationId
    for (const u of usable) {
      const ownName = u.source.member_name ?? principal.organisationName
      if (u.source.kind === 'lgbf' || u.source.member_name) {
        const families = await repo.listFamilies(db, org, u.source.id)
        const self = normaliseName(ownName)
        const family = families.find(
          (f) =>
            (u.indicator.family_type === null || f.type === u.indicator.family_type) &&
            f.members.some((m) => normaliseName(m) === self),
        )
        if (family) {
          choices.push({
            key: `family:${u.source.id}`,
            name: `${family.name} of ${u.source.name}`,
            kind: 'family',
            sources: [u],
            members: new Set(family.members.map(normaliseName)),
            ownName,
          })
        }
      }
      if (u.source.kind === 'lgbf') {
        choices.push({
          key: `all:${u.source.id}`,
          name: `All councils in ${u.source.name}`,
          kind: 'all',
          sources: [u],
          members: null,
          ownName,
        })
      }
    }
    const network = usable.filter((u) => u.source.kind === 'golden_thread')
    if (network.length > 0) {
      choices.push({
        key: 'network',
        name: 'Other Golden Thread councils',
        kind: 'network',
        sources: network,
        members: null,
        ownName: principal.organisationName,
      })
    }
    if (usable.length > 0) {
      for (const g of await repo.listGroups(db, org)) {
        choices.push({
          key: g.id,
          name: g.name,
          kind: 'custom',
          sources: usable,
          members: new Set(g.members.map(normaliseName)),
          ownName:
            usable.find((u) => u.source.member_name)?.source.member_name ??
            principal.organisationName,
        })
      }
    }
    return choices
  }

  async function ownFigures(organisationId: string, measure: MeasureFacts): Promise<OwnFigure[]> {
    const rows = await db
      .selectFrom('measure_values')
      .select(['period_start', 'value'])
      .where('organisation_id', '=', organisationId)
      .where('measure_id', '=', measure.id)
      .where('status', '=', 'approved')
      .where('value', 'is not', null)
      .orderBy('period_start')
      .execute()
    return rows.map((r) => ({ start: r.period_start, value: r.value ?? 0, from: 'own' as const }))
  }

  async function peerFigures(organisationId: string, choice: GroupChoice, frequency: string) {
    const peers: PeerFigure[] = []
    const seen = new Set<string>()
    let sourceOwn: OwnFigure[] = []
    for (const { source, indicator } of choice.sources) {
      const rows = await repo.listFigures(db, organisationId, source.id, indicator.code, frequency)
      const self = source.member_name ? normaliseName(source.member_name) : null
      for (const r of rows) {
        const name = normaliseName(r.entity)
        if (self !== null && name === self) {
          if (sourceOwn.every((o) => o.start !== r.period_start))
            sourceOwn = [...sourceOwn, { start: r.period_start, value: r.value, from: 'source' }]
          continue
        }
        if (choice.members && !choice.members.has(name)) continue
        const key = `${name}\u0000${r.period_start}`
        if (seen.has(key)) continue
        seen.add(key)
        peers.push({ entity: r.entity, start: r.period_start, value: r.value })
      }
    }
    return { peers, sourceOwn }
  }

  /** Everything a person sees of one measure against one group. */
  async function comparison(
    principal: Council,
    measure: MeasureFacts,
    query: ComparisonQuery,
    options: { onlyGroup?: string; upTo?: string } = {},
  ) {
    const org = principal.organisationId
    const matches = await effectiveMatches(org, measure)
    const usable = matches.flatMap((m) =>
      m.indicator && m.refused.length === 0 ? [{ source: m.source, indicator: m.indicator }] : [],
    )
    const choices = await groupChoices(principal, usable)
    const wanted = options.onlyGroup ?? query.group
    const choice = wanted
      ? choices.find((c) => c.key === wanted)
      : (choices.find((c) => c.kind === 'family') ?? choices[0])
    if (wanted && !choice) {
      throw Invalid.field(
        'group',
        `${measure.code} cannot be compared with that group: choose one of ` +
          (choices.map((c) => c.name).join(', ') || 'none (match the measure to a source first)'),
      )
    }
    const base = {
      measure: { id: measure.id, code: measure.code, title: measure.title },
      matches: matches.map((m) => ({
        id: m.id,
        sourceId: m.source.id,
        sourceName: m.source.name,
        code: m.code,
        title: m.indicator?.title ?? null,
        basis: m.basis,
        basisText:
          m.basis === 'reference'
            ? `matched by national indicator reference ${measure.nationalIndicatorRef ?? ''}`.trim()
            : 'mapping confirmed by the performance team',
        missing: m.indicator === null,
        refused: m.refused,
      })),
      groups: choices.map((c) => ({
        key: c.key,
        name: c.name,
        kind: c.kind,
        selected: c === choice,
      })),
    }
    if (!choice) return { ...base, group: null, comparison: null }
    const indicator = choice.sources[0]?.indicator
    const polarity = measure.polarity as RankingPolarity
    const { peers, sourceOwn } = await peerFigures(org, choice, measure.frequency)
    const mine = await ownFigures(org, measure)
    const ownStarts = new Set(mine.map((o) => o.start))
    const own = [...mine, ...sourceOwn.filter((o) => !ownStarts.has(o.start))].sort((a, b) =>
      a.start.localeCompare(b.start),
    )
    const periods = compare(
      choice.ownName,
      own,
      peers,
      polarity,
      indicator?.midpoint ?? null,
    ).filter((p) => p.count > 1 && (options.upTo === undefined || p.start <= options.upTo))
    const sources = choice.sources.map(({ source }) => ({
      id: source.id,
      name: source.name,
      fetchedAt: source.fetched_at?.toISOString() ?? null,
      ageText: source.fetched_at ? ageText(source.fetched_at, clock()) : 'never loaded',
      lastError: source.last_error,
    }))
    let selected: ComparedPeriod | undefined
    if (query.period) {
      let period: Period
      try {
        period = parsePeriodInput(query.period)
      } catch (error) {
        if (error instanceof PeriodError) throw Invalid.field('period', error.message)
        throw error
      }
      selected = periods.find((p) => p.start === period.start)
      if (!selected) {
        throw Invalid.field('period', `There are no figures to compare for ${period.label}`)
      }
    } else {
      selected = [...periods].reverse().find((p) => p.rank !== null) ?? periods.at(-1)
    }
    const fmt = (v: number | null) => formatValue(v, measure)
    const label = (start: string) => periodOf(measure.frequency, start)?.label ?? start
    const present = (p: ComparedPeriod) => ({
      period: { frequency: measure.frequency, start: p.start, label: label(p.start) },
      value: p.own?.value ?? null,
      valueText: p.own ? fmt(p.own.value) : 'No figure',
      valueFrom: p.own?.from ?? null,
      median: p.group.median,
      medianText: fmt(p.group.median),
      lowerQuartile: p.group.lowerQuartile,
      upperQuartile: p.group.upperQuartile,
      quartilesText: `${fmt(p.group.lowerQuartile)} to ${fmt(p.group.upperQuartile)}`,
      count: p.count,
      rank: p.rank,
      rankText: p.rank === null ? 'Not ranked' : `${ordinal(p.rank)} of ${p.count}`,
      percentile: p.percentile,
      quartile: p.quartile,
      quartileText: p.quartile === null ? 'Not ranked' : QUARTILE_NAMES[p.quartile],
      movement: p.movement,
      movementText:
        p.movement === null
          ? 'No earlier rank'
          : p.movement === 0
            ? 'No change'
            : p.movement > 0
              ? `Up ${p.movement} ${p.movement === 1 ? 'place' : 'places'}`
              : `Down ${-p.movement} ${p.movement === -1 ? 'place' : 'places'}`,
    })
    const series = periods.map(present)
    const current = selected ? present(selected) : null
    const ranked = series.filter((s) => s.rank !== null)
    const earlier = ranked.length > 1 ? ranked[Math.max(0, ranked.length - 5)] : undefined
    const latestRanked = ranked.at(-1)
    const trend =
      earlier &&
      latestRanked &&
      earlier !== latestRanked &&
      earlier.percentile !== null &&
      latestRanked.percentile !== null
        ? {
            from: earlier.period.label,
            fromRank: earlier.rankText,
            to: latestRanked.period.label,
            toRank: latestRanked.rankText,
            direction:
              latestRanked.percentile < earlier.percentile
                ? ('improving' as const)
                : latestRanked.percentile > earlier.percentile
                  ? ('worsening' as const)
                  : ('same' as const),
          }
        : null
    const who = choice.ownName
    const sentence = current
      ? current.rank === null
        ? `${who} has no approved figure for ${current.period.label}; the group's median was ${current.medianText}.`
        : `In ${current.period.label} ${who} was ${current.rankText} in ${choice.name} ` +
          `(${current.quartileText}), at ${current.valueText} against a median of ${current.medianText}.` +
          (trend
            ? ` Relative to the group it is ${trend.direction === 'improving' ? 'improving' : trend.direction === 'worsening' ? 'getting worse' : 'holding its place'}: ` +
              `${trend.fromRank} in ${trend.from}, ${trend.toRank} in ${trend.to}.`
            : '')
      : null
    const selectedPeriod = selected
    return {
      ...base,
      group: { key: choice.key, name: choice.name, kind: choice.kind },
      comparison: {
        polarity: measure.polarity,
        polarityText:
          (POLARITY_NAMES as Record<string, string>)[measure.polarity] ?? measure.polarity,
        frequencyText:
          (FREQUENCY_NAMES as Record<string, string>)[measure.frequency] ?? measure.frequency,
        sources,
        current,
        trend,
        sentence,
        series,
        ranking: (selectedPeriod?.ranking ?? []).map((r) => ({
          entity: r.entity,
          value: r.value,
          valueText: fmt(r.value),
          rank: r.rank,
          own: r.own,
        })),
        chart: benchmarkChart(
          `benchmark-${measure.id}`,
          `${measure.code} ${measure.title} against ${choice.name}`,
          series,
          measure,
        ),
      },
    }
  }
  return {
    /** `measure`: its id, or the measure as the caller already read it for this person. */
    async compareMeasure(
      principal: Principal,
      measure_: string | MeasureFacts,
      query: ComparisonQuery = {},
    ) {
      requireReader(principal)
      const measure = factsOf(
        typeof measure_ === 'string' ? await deps.measures.get(principal, measure_) : measure_,
      )
      const result = await comparison(principal, measure, query)
      const publication = await repo.findPublication(db, principal.organisationId, measure.id)
      return {
        ...result,
        published: publication ? { group: publication.group_key } : null,
        canManage: policy.canManageBenchmarking(principal),
      }
    },

    /** The measure page's section: the group asked for, or the default when it is not one. */
    async measureSection(principal: Principal, measure: string | MeasureFacts, group: unknown) {
      const wanted = typeof group === 'string' && group.length <= 100 ? group : undefined
      try {
        return await this.compareMeasure(principal, measure, wanted ? { group: wanted } : {})
      } catch (error) {
        if (error instanceof Invalid && wanted) return this.compareMeasure(principal, measure, {})
        throw error
      }
    },

    /**
     * The latest position of every compared measure: the dashboard panel, and reports (as at
     * the last day of their period: later figures were not yet published).
     */
    async summary(principal: Principal, upTo?: string) {
      requireReader(principal)
      const rows = []
      for (const measure of await comparedMeasures(principal)) {
        const result = await comparison(principal, measure, {}, upTo ? { upTo } : {})
        const c = result.comparison
        if (!c?.current || c.current.rank === null) continue
        rows.push({
          measure: result.measure,
          group: result.group,
          current: c.current,
          trend: c.trend,
          sentence: c.sentence,
          sources: c.sources,
        })
      }
      return rows
    },

    async publish(principal: Principal, measureId: string, groupKey: string | null) {
      requireManager(principal)
      const measure = factsOf(await deps.measures.get(principal, measureId))
      if (groupKey !== null) await comparison(principal, measure, { group: groupKey })
      await db.transaction().execute(async (trx) => {
        await bumpPublication(trx, principal.organisationId, clock())
        await repo.setPublication(
          trx,
          principal.organisationId,
          measureId,
          groupKey,
          recordedPersonId(principal),
        )
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: groupKey ? 'benchmark_published' : 'benchmark_unpublished',
          itemType: 'measure',
          itemId: measureId,
          summary: groupKey
            ? `How ${measure.code} compares is shown on its public page`
            : `How ${measure.code} compares is no longer shown on its public page`,
        })
      })
    },

    /** The published comparison of a public measure of a publishing council, by its code. */
    async publicComparisonByCode(slug: string, code: string) {
      const row = await db
        .selectFrom('measures')
        .innerJoin('organisations', 'organisations.id', 'measures.organisation_id')
        .select([
          'measures.id as measureId',
          'measures.unit',
          'measures.decimals',
          'organisations.id',
          'organisations.name',
          'organisations.public_suppress_below as below',
        ])
        .where('organisations.slug', '=', slug)
        .where('organisations.publishes', '=', true)
        .where('measures.code', '=', code)
        .where('measures.public', '=', true)
        .executeTakeFirst()
      if (!row) return null
      const compared = await this.publicComparison({ id: row.id, name: row.name }, row.measureId)
      // The small-numbers rule of the public pages: a count the rule withholds anywhere in the
      // series withholds the comparison (its rank would give the count away).
      if (
        compared &&
        isCount(row) &&
        compared.series.some((p) => p.valueFrom === 'own' && isSmall(p.value, row.below))
      )
        return null
      return compared
    },

    /**
     * The published comparison of a public measure, for the public page: only when the council
     * chose to publish it. Read as a viewer of the council with approved figures only.
     */
    async publicComparison(organisation: { id: string; name: string }, measureId: string) {
      const publication = await repo.findPublication(db, organisation.id, measureId)
      if (!publication) return null
      const measure = await db
        .selectFrom('measures')
        .selectAll()
        .where('organisation_id', '=', organisation.id)
        .where('id', '=', measureId)
        .executeTakeFirst()
      if (!measure) return null
      const reader = { organisationId: organisation.id, organisationName: organisation.name }
      try {
        const result = await comparison(
          reader,
          {
            id: measure.id,
            code: measure.code,
            title: measure.title,
            unit: measure.unit,
            decimals: measure.decimals,
            polarity: measure.polarity,
            frequency: measure.frequency,
            nationalIndicatorRef: measure.national_ref,
          },
          {},
          { onlyGroup: publication.group_key },
        )
        return result.comparison ? { group: result.group, ...result.comparison } : null
      } catch (error) {
        if (error instanceof Invalid) return null
        throw error
      }
    },
  }
}
