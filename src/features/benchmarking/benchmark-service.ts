import type { Kysely } from 'kysely'
import {
  normaliseName,
  normaliseReference,
  ordinal,
  QUARTILE_NAMES,
  type RankingPolarity,
} from '../../core/benchmark.ts'
import { parsePeriodInput, parsePeriodStart, PeriodError, type Period } from '../../core/periods.ts'
import { isCount, isSmall } from '../../core/small-numbers.ts'
import type { DB } from '../../db/schema.ts'
import { Forbidden, Invalid, NotFound } from '../../errors.ts'
import { recordAudit, SYSTEM_ACTOR, type AuditActor, actorOf } from '../audit/index.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import {
  formatValue,
  FREQUENCY_NAMES,
  POLARITY_NAMES,
  UNIT_NAMES,
  type MeasureService,
} from '../measures/index.ts'
import { bumpPublication } from '../../db/publication.ts'
import { benchmarkChart } from './benchmark-chart.ts'
import {
  compare,
  type ComparedPeriod,
  type OwnFigure,
  type PeerFigure,
} from './benchmark-compare.ts'
import { DEFAULT_LIMITS, checkUrl, fetchText, type FetchLimits } from './benchmark-fetch.ts'
import * as policy from './benchmark-policy.ts'
import { ageText, presentGroup, presentSource } from './benchmark-presenter.ts'
import {
  LGBF_FILES,
  readGoldenThread,
  readLgbf,
  SourceError,
  type LgbfFile,
  type SourceData,
} from './benchmark-readers.ts'
import * as repo from './benchmark-repository.ts'
import type {
  ComparisonQuery,
  FilesInput,
  GroupInput,
  MatchInput,
  SourceChanges,
  SourceInput,
} from './benchmark-schemas.ts'

export interface BenchmarkDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly measures: MeasureService
  readonly limits?: FetchLimits
}

/** What a comparison needs to know of a measure. */
interface MeasureFacts {
  readonly id: string
  readonly code: string
  readonly title: string
  readonly unit: string
  readonly decimals: number
  readonly polarity: string
  readonly frequency: string
  readonly nationalIndicatorRef: string | null
}

export type RefreshOutcome =
  | { readonly status: 'updated'; readonly message: string }
  | { readonly status: 'not_modified'; readonly message: string }
  | { readonly status: 'failed'; readonly message: string }
  | { readonly status: 'busy'; readonly message: string }

/** A refresh that started this long ago and never finished (a crash) may be taken over. */
const STALE_REFRESH_MS = 10 * 60 * 1000

const periodOf = (frequency: string, start: string): Period | null => {
  try {
    return parsePeriodStart({ frequency, start })
  } catch (error) {
    if (error instanceof PeriodError) return null
    throw error
  }
}

/** Why a measure and an indicator cannot be compared, or none when they can. */
export function disagreements(measure: MeasureFacts, indicator: repo.IndicatorRow): string[] {
  const reasons: string[] = []
  const unitName = (u: string) => (UNIT_NAMES as Record<string, string>)[u] ?? u
  const polarityName = (p: string) => (POLARITY_NAMES as Record<string, string>)[p] ?? p
  if (measure.unit !== indicator.unit) {
    reasons.push(
      `Units differ: ${measure.code} is ${unitName(measure.unit).toLowerCase()}, ` +
        `${indicator.code} is ${unitName(indicator.unit).toLowerCase()}`,
    )
  }
  if (measure.polarity === 'none') {
    reasons.push(`${measure.code} has no polarity, so no council can rank better or worse`)
  } else if (indicator.polarity === 'none') {
    reasons.push(`${indicator.code} has no polarity the source publishes, so it cannot be ranked`)
  } else if (measure.polarity !== indicator.polarity) {
    reasons.push(
      `Polarity differs: for ${measure.code} ${polarityName(measure.polarity).toLowerCase()}, ` +
        `for ${indicator.code} ${polarityName(indicator.polarity).toLowerCase()}`,
    )
  } else if (indicator.polarity === 'within_band' && indicator.midpoint === null) {
    reasons.push(
      `${indicator.code} is ranked by distance from a mid-point the source does not give`,
    )
  }
  return reasons
}

const words = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 2 && !['the', 'and', 'for', 'per', 'with', 'that'].includes(w)),
  )

/** Shared words over all words: how alike two titles are, 0 to 1. */
function titleLikeness(a: string, b: string): number {
  const x = words(a)
  const y = words(b)
  const shared = [...x].filter((w) => y.has(w)).length
  const all = new Set([...x, ...y]).size
  return all === 0 ? 0 : shared / all
}

export type BenchmarkService = ReturnType<typeof createBenchmarkService>

export function createBenchmarkService(deps: BenchmarkDeps) {
  const { db, clock } = deps
  const limits = deps.limits ?? DEFAULT_LIMITS

  function requireManager(principal: Principal) {
    if (!policy.canManageBenchmarking(principal)) throw new Forbidden()
  }
  function requireReader(principal: Principal) {
    if (!policy.canReadBenchmarking(principal)) throw new Forbidden()
  }

  async function requireSource(principal: Principal, id: string) {
    requireReader(principal)
    const row = await repo.findSource(db, principal.organisationId, id)
    if (!row) throw new NotFound('No benchmark source with that id')
    return row
  }

  async function requireGroup(principal: Principal, id: string) {
    requireReader(principal)
    const row = await repo.findGroup(db, principal.organisationId, id)
    if (!row) throw new NotFound('No comparison group with that id')
    return row
  }

  const audit = (
    trx: Kysely<DB>,
    organisationId: string,
    actor: AuditActor,
    entry: {
      action: string
      itemType: string
      itemId: string
      summary: string
      before?: unknown
      after?: unknown
    },
  ) => recordAudit(trx, { organisationId, actor, ...entry }, clock)

  function checkSourceInput(kind: string, url: string | null | undefined) {
    if (url) {
      try {
        checkUrl(url)
      } catch (error) {
        if (error instanceof SourceError) throw Invalid.field('url', error.message)
        throw error
      }
      if (kind === 'lgbf' && !url.endsWith('/'))
        throw Invalid.field(
          'url',
          'Enter the address of the folder that holds the LGBF files, ending with /',
        )
    }
  }

  /** Reads a copy; a copy that reads cleanly replaces the last one whole, in one transaction. */
  async function store(
    source: repo.SourceRow,
    actor: AuditActor,
    data: SourceData,
    fetched: { etag: string | null; lastModified: string | null },
    how: string,
  ) {
    if (data.indicators.length === 0)
      throw new SourceError('The copy has no indicators or measures: nothing was imported')
    const now = clock()
    return db.transaction().execute(async (trx) => {
      await repo.replaceCopy(trx, source.organisation_id, source.id, data)
      // Public pages that show comparisons are rebuilt with the new copy.
      if (await repo.hasPublications(trx, source.organisation_id))
        await bumpPublication(trx, source.organisation_id, now)
      const row = await repo.updateSource(trx, source.organisation_id, source.id, {
        publisher: data.publisher,
        etag: fetched.etag,
        last_modified: fetched.lastModified,
        fetched_at: now,
        checked_at: now,
        last_error: null,
        last_error_at: null,
        refreshing_since: null,
        indicator_count: data.indicators.length,
        figure_count: data.figures.length,
        updated_at: now,
      })
      await audit(trx, source.organisation_id, actor, {
        action: 'benchmark_source_loaded',
        itemType: 'benchmark_source',
        itemId: source.id,
        summary:
          `${source.name}: ${how}, ${data.indicators.length} indicators and ` +
          `${data.figures.length} figures from ${data.publisher}`,
        after: { indicators: data.indicators.length, figures: data.figures.length },
      })
      return row
    })
  }

  /** A failed attempt: the copy held stays, the source says what went wrong and when. */
  async function recordFailure(source: repo.SourceRow, actor: AuditActor, message: string) {
    const now = clock()
    await db.transaction().execute(async (trx) => {
      await repo.updateSource(trx, source.organisation_id, source.id, {
        checked_at: now,
        last_error: message,
        last_error_at: now,
        refreshing_since: null,
      })
      await audit(trx, source.organisation_id, actor, {
        action: 'benchmark_source_failed',
        itemType: 'benchmark_source',
        itemId: source.id,
        summary: `${source.name}: not updated (${message}); the last good copy is kept`,
      })
    })
  }

  async function fetchCopy(source: repo.SourceRow) {
    const url = source.url ?? ''
    const previous = { etag: source.etag, lastModified: source.last_modified }
    if (source.kind === 'golden_thread') {
      const got = await fetchText(url, previous, limits)
      if (got.status === 'not_modified') return null
      return {
        data: readGoldenThread(got.text),
        fetched: { etag: got.etag, lastModified: got.lastModified },
      }
    }
    // LGBF: the figures file decides whether anything changed; then all four are read.
    const values = await fetchText(
      `${url}${encodeURIComponent(LGBF_FILES.values)}`,
      previous,
      limits,
    )
    if (values.status === 'not_modified') return null
    const files: Partial<Record<LgbfFile, string>> = { values: values.text }
    for (const key of ['indicators', 'families', 'averages'] as const) {
      const got = await fetchText(
        `${url}${encodeURIComponent(LGBF_FILES[key])}`,
        { etag: null, lastModified: null },
        limits,
      )
      if (got.status === 'ok') files[key] = got.text
    }
    return {
      data: readLgbf(files),
      fetched: { etag: values.etag, lastModified: values.lastModified },
    }
  }

  async function refreshRow(source: repo.SourceRow, actor: AuditActor): Promise<RefreshOutcome> {
    if (!source.url) {
      return {
        status: 'failed',
        message: `${source.name} has no web address: upload a new copy of its files instead`,
      }
    }
    const now = clock()
    const taken = await repo.claimRefresh(
      db,
      source.organisation_id,
      source.id,
      now,
      new Date(now.getTime() - STALE_REFRESH_MS),
    )
    if (!taken) return { status: 'busy', message: `${source.name} is being checked already` }
    try {
      const copy = await fetchCopy(source)
      if (copy === null) {
        await repo.updateSource(db, source.organisation_id, source.id, {
          checked_at: clock(),
          last_error: null,
          last_error_at: null,
          refreshing_since: null,
        })
        return {
          status: 'not_modified',
          message: `${source.name} has not changed since it was last fetched`,
        }
      }
      await store(source, actor, copy.data, copy.fetched, 'fetched')
      return { status: 'updated', message: `${source.name} was updated` }
    } catch (error) {
      if (!(error instanceof SourceError)) {
        await repo
          .updateSource(db, source.organisation_id, source.id, { refreshing_since: null })
          .catch(() => undefined)
        throw error
      }
      await recordFailure(source, actor, error.message)
      return { status: 'failed', message: error.message }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Matching

  async function effectiveMatches(organisationId: string, measure: MeasureFacts) {
    const sources = await repo.listSources(db, organisationId)
    const indicators = await repo.listIndicators(db, organisationId)
    const confirmed = await repo.listMatches(db, organisationId, measure.id)
    const ref = normaliseReference(measure.nationalIndicatorRef)
    const result: {
      id: string | null
      source: repo.SourceRow
      indicator: repo.IndicatorRow | null
      code: string
      basis: 'reference' | 'confirmed'
      refused: string[]
    }[] = []
    for (const source of sources) {
      const mine = confirmed.find((c) => c.source_id === source.id)
      if (mine) {
        const indicator =
          indicators.find((i) => i.source_id === source.id && i.code === mine.code) ?? null
        result.push({
          id: mine.id,
          source,
          indicator,
          code: mine.code,
          basis: 'confirmed',
          refused: indicator ? disagreements(measure, indicator) : [],
        })
        continue
      }
      if (ref === null) continue
      const byRef = indicators.find(
        (i) => i.source_id === source.id && normaliseReference(i.reference) === ref,
      )
      if (byRef) {
        result.push({
          id: null,
          source,
          indicator: byRef,
          code: byRef.code,
          basis: 'reference',
          refused: disagreements(measure, byRef),
        })
      }
    }
    return result
  }

  // ------------------------------------------------------------------------------------------
  // Groups

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

  const factsOf = (m: MeasureFacts): MeasureFacts => ({
    id: m.id,
    code: m.code,
    title: m.title,
    unit: m.unit,
    decimals: m.decimals,
    polarity: m.polarity,
    frequency: m.frequency,
    nationalIndicatorRef: m.nationalIndicatorRef,
  })

  /** Measures with something to compare, the person may see: confirmed or by reference. */
  async function comparedMeasures(principal: Principal) {
    const org = principal.organisationId
    const indicators = await repo.listIndicators(db, org)
    if (indicators.length === 0) return []
    const refs = new Set(
      indicators.map((i) => normaliseReference(i.reference)).filter((r) => r !== null),
    )
    const confirmed = new Set((await repo.listMatches(db, org)).map((m) => m.measure_id))
    const rows = await db
      .selectFrom('measures')
      .select(['id', 'national_ref'])
      .where('organisation_id', '=', org)
      .where('status', '=', 'active')
      .orderBy('code')
      .execute()
    const ids = rows
      .filter((r) => confirmed.has(r.id) || refs.has(normaliseReference(r.national_ref) ?? ''))
      .map((r) => r.id)
    const measures: MeasureFacts[] = []
    for (const id of ids) {
      try {
        measures.push(factsOf(await deps.measures.get(principal, id)))
      } catch (error) {
        if (error instanceof NotFound || error instanceof Forbidden) continue
        throw error
      }
    }
    return measures
  }

  return {
    canManage: (principal: Principal) => policy.canManageBenchmarking(principal),

    async listSources(principal: Principal) {
      requireReader(principal)
      const now = clock()
      return (await repo.listSources(db, principal.organisationId)).map((s) =>
        presentSource(s, now),
      )
    },

    async getSource(principal: Principal, id: string) {
      const row = await requireSource(principal, id)
      const org = principal.organisationId
      const indicators = await repo.listIndicators(db, org, [id])
      const families = await repo.listFamilies(db, org, id)
      const entities = await repo.listEntities(db, org, id)
      const matches = await repo.listMatches(db, org)
      const codes = new Set(indicators.map((i) => i.code))
      // A confirmed match whose indicator the latest copy no longer has: say so, keep the match.
      const missing = matches
        .filter((m) => m.source_id === id && !codes.has(m.code))
        .map((m) => m.code)
      return {
        source: presentSource(row, clock()),
        indicators: indicators.map((i) => ({
          code: i.code,
          title: i.title,
          reference: i.reference,
          unit: i.unit,
          decimals: i.decimals,
          polarity: i.polarity,
          midpoint: i.midpoint,
          familyType: i.family_type,
        })),
        councils: entities,
        families: families.map((f) => ({ name: f.name, type: f.type, members: f.members })),
        missingMatchedCodes: [...new Set(missing)],
      }
    },

    async createSource(principal: Principal, input: SourceInput) {
      requireManager(principal)
      checkSourceInput(input.kind, input.url)
      const now = clock()
      const row = await db.transaction().execute(async (trx) => {
        const created = await repo.insertSource(trx, {
          organisation_id: principal.organisationId,
          name: input.name,
          kind: input.kind,
          url: input.url ?? null,
          member_name: input.memberName ?? null,
          refresh_hours: input.refreshHours,
          created_by: recordedPersonId(principal),
          updated_at: now,
        })
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'benchmark_source_created',
          itemType: 'benchmark_source',
          itemId: created.id,
          summary: `Benchmark source ${created.name} set up`,
          after: { name: created.name, kind: created.kind, url: created.url },
        })
        return created
      })
      return presentSource(row, clock())
    },

    async updateSource(principal: Principal, id: string, changes: SourceChanges) {
      requireManager(principal)
      const before = await requireSource(principal, id)
      const url = changes.url === undefined ? before.url : changes.url
      checkSourceInput(before.kind, url)
      const row = await db.transaction().execute(async (trx) => {
        const updated = await repo.updateSource(
          trx,
          principal.organisationId,
          id,
          {
            ...(changes.name !== undefined && { name: changes.name }),
            url,
            // A new address is a new copy: forget the old one's validators.
            ...(url !== before.url && { etag: null, last_modified: null }),
            ...(changes.memberName !== undefined && { member_name: changes.memberName }),
            ...(changes.refreshHours !== undefined && { refresh_hours: changes.refreshHours }),
            updated_at: clock(),
          },
          true,
        )
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'benchmark_source_changed',
          itemType: 'benchmark_source',
          itemId: id,
          summary: `Benchmark source ${updated.name} changed`,
          after: { name: updated.name, url: updated.url, memberName: updated.member_name },
        })
        return updated
      })
      return presentSource(row, clock())
    },

    async deleteSource(principal: Principal, id: string) {
      requireManager(principal)
      const row = await requireSource(principal, id)
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('benchmark_matches')
          .where('organisation_id', '=', principal.organisationId)
          .where('source_id', '=', id)
          .execute()
        await repo.deleteSource(trx, principal.organisationId, id)
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'benchmark_source_removed',
          itemType: 'benchmark_source',
          itemId: id,
          summary: `Benchmark source ${row.name} removed with its copy and matches`,
        })
      })
    },

    /** Fetches now and waits (the API and the command line); pages use refreshInBackground. */
    async refresh(principal: Principal, id: string): Promise<RefreshOutcome> {
      requireManager(principal)
      const row = await requireSource(principal, id)
      return refreshRow(row, actorOf(principal))
    },

    /** Starts a fetch and returns at once: no page waits for another site. */
    async refreshInBackground(principal: Principal, id: string, onError: (e: unknown) => void) {
      requireManager(principal)
      const row = await requireSource(principal, id)
      if (!row.url) throw Invalid.field('url', `${row.name} has no web address: upload its files`)
      void refreshRow(row, actorOf(principal)).catch(onError)
    },

    /** The scheduled run: every source (of every organisation) whose check is due. */
    async refreshDue(): Promise<RefreshOutcome[]> {
      const outcomes: RefreshOutcome[] = []
      for (const row of await repo.dueSources(db, clock())) {
        outcomes.push(await refreshRow(row, SYSTEM_ACTOR))
      }
      return outcomes
    },

    /** An uploaded copy: the Golden Thread file, or the LGBF files by their published names. */
    async loadFiles(principal: Principal, id: string, input: FilesInput) {
      requireManager(principal)
      const row = await requireSource(principal, id)
      let data: SourceData
      try {
        if (row.kind === 'golden_thread') {
          const file = input.files[0]
          if (!file || input.files.length > 1)
            throw new SourceError('Send one file: the Golden Thread open data (data.json)')
          data = readGoldenThread(file.content)
        } else {
          const files: Partial<Record<LgbfFile, string>> = {}
          for (const f of input.files) {
            const key = (Object.keys(LGBF_FILES) as LgbfFile[]).find(
              (k) => LGBF_FILES[k].toLowerCase() === f.name.trim().toLowerCase(),
            )
            if (!key) {
              throw new SourceError(
                `${f.name} is not one of the LGBF files: ${Object.values(LGBF_FILES).join(', ')}`,
              )
            }
            files[key] = f.content
          }
          data = readLgbf(files)
        }
        await store(row, actorOf(principal), data, { etag: null, lastModified: null }, 'uploaded')
      } catch (error) {
        if (!(error instanceof SourceError)) throw error
        await recordFailure(row, actorOf(principal), error.message)
        throw Invalid.field(
          'files',
          `${error.message}. Nothing was imported; the last good copy is kept`,
        )
      }
      return presentSource(
        (await repo.findSource(db, principal.organisationId, id)) ?? row,
        clock(),
      )
    },

    // Groups ----------------------------------------------------------------------------------

    async listGroups(principal: Principal) {
      requireReader(principal)
      const sources = await repo.listSources(db, principal.organisationId)
      const custom = (await repo.listGroups(db, principal.organisationId)).map(presentGroup)
      const builtIn = [
        ...sources.flatMap((s) => [
          ...(s.kind === 'lgbf'
            ? [{ key: `all:${s.id}`, name: `All councils in ${s.name}`, kind: 'all' as const }]
            : []),
          ...(s.kind === 'lgbf' || s.member_name
            ? [
                {
                  key: `family:${s.id}`,
                  name: `Family group in ${s.name}`,
                  kind: 'family' as const,
                },
              ]
            : []),
        ]),
        ...(sources.some((s) => s.kind === 'golden_thread')
          ? [{ key: 'network', name: 'Other Golden Thread councils', kind: 'network' as const }]
          : []),
      ]
      return { builtIn, custom }
    },

    async getGroup(principal: Principal, id: string) {
      return presentGroup(await requireGroup(principal, id))
    },

    async createGroup(principal: Principal, input: GroupInput) {
      requireManager(principal)
      const row = await db.transaction().execute(async (trx) => {
        const created = await repo.insertGroup(trx, {
          organisation_id: principal.organisationId,
          name: input.name,
          description: input.description ?? null,
          members: [...new Set(input.members)],
          created_by: recordedPersonId(principal),
          updated_at: clock(),
        })
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'benchmark_group_created',
          itemType: 'benchmark_group',
          itemId: created.id,
          summary: `Comparison group ${created.name} of ${created.members.length} councils`,
          after: { name: created.name, members: created.members },
        })
        return created
      })
      return presentGroup(row)
    },

    async updateGroup(principal: Principal, id: string, input: GroupInput) {
      requireManager(principal)
      const before = await requireGroup(principal, id)
      const row = await db.transaction().execute(async (trx) => {
        const updated = await repo.updateGroup(trx, principal.organisationId, id, {
          name: input.name,
          description: input.description ?? null,
          members: [...new Set(input.members)],
          updated_at: clock(),
        })
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'benchmark_group_changed',
          itemType: 'benchmark_group',
          itemId: id,
          summary: `Comparison group ${updated.name} changed`,
          before: { name: before.name, members: before.members },
          after: { name: updated.name, members: updated.members },
        })
        return updated
      })
      return presentGroup(row)
    },

    async deleteGroup(principal: Principal, id: string) {
      requireManager(principal)
      const row = await requireGroup(principal, id)
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('benchmark_publications')
          .where('organisation_id', '=', principal.organisationId)
          .where('group_key', '=', id)
          .execute()
        await repo.deleteGroup(trx, principal.organisationId, id)
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'benchmark_group_removed',
          itemType: 'benchmark_group',
          itemId: id,
          summary: `Comparison group ${row.name} removed`,
        })
      })
    },

    // Matches ---------------------------------------------------------------------------------

    /** Every match in force (confirmed, or by national reference), with refusals and reasons. */
    async listMatches(principal: Principal) {
      requireReader(principal)
      const result = []
      for (const measure of await comparedMeasures(principal)) {
        for (const m of await effectiveMatches(principal.organisationId, measure)) {
          result.push({
            id: m.id,
            measureId: measure.id,
            measureCode: measure.code,
            measureTitle: measure.title,
            sourceId: m.source.id,
            sourceName: m.source.name,
            code: m.code,
            title: m.indicator?.title ?? null,
            basis: m.basis,
            missing: m.indicator === null,
            refused: m.refused,
          })
        }
      }
      return result
    },

    /** Indicators that may be this measure's, best first: by reference, code, then title. */
    async suggestions(principal: Principal, measureId: string) {
      requireReader(principal)
      const measure = factsOf(await deps.measures.get(principal, measureId))
      const org = principal.organisationId
      const sources = new Map((await repo.listSources(db, org)).map((s) => [s.id, s]))
      const ref = normaliseReference(measure.nationalIndicatorRef)
      const code = normaliseReference(measure.code)
      const scored = (await repo.listIndicators(db, org)).flatMap((i) => {
        const byRef = ref !== null && normaliseReference(i.reference) === ref
        const byCode = code !== null && normaliseReference(i.code) === code
        const likeness = titleLikeness(measure.title, i.title)
        if (!byRef && !byCode && likeness < 0.25) return []
        const reasons = disagreements(measure, i)
        return [
          {
            sourceId: i.source_id,
            sourceName: sources.get(i.source_id)?.name ?? '',
            code: i.code,
            title: i.title,
            why: byRef
              ? 'Same national indicator reference'
              : byCode
                ? 'Same code'
                : `Similar title (${Math.round(likeness * 100)}% of words shared)`,
            score: (byRef ? 2 : 0) + (byCode ? 1 : 0) + likeness,
            agrees: reasons.length === 0,
            refused: reasons,
          },
        ]
      })
      return scored.sort((a, b) => b.score - a.score).slice(0, 15)
    },

    async confirmMatch(principal: Principal, input: MatchInput) {
      requireManager(principal)
      const measure = factsOf(await deps.measures.get(principal, input.measureId))
      const source = await requireSource(principal, input.sourceId)
      const indicator = await repo.findIndicator(
        db,
        principal.organisationId,
        source.id,
        input.code,
      )
      if (!indicator)
        throw Invalid.field('code', `${source.name} has no indicator ${input.code} in its copy`)
      const reasons = disagreements(measure, indicator)
      if (reasons.length > 0) {
        throw Invalid.field(
          'code',
          `${measure.code} cannot be matched to ${indicator.code}: ${reasons.join('; ')}`,
        )
      }
      const row = await db.transaction().execute(async (trx) => {
        const saved = await repo.upsertMatch(trx, {
          organisation_id: principal.organisationId,
          measure_id: measure.id,
          source_id: source.id,
          code: indicator.code,
          confirmed_by: recordedPersonId(principal),
          confirmed_by_name: principal.name,
        })
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'benchmark_match_confirmed',
          itemType: 'measure',
          itemId: measure.id,
          summary: `${measure.code} matched to ${indicator.code} (${indicator.title}) of ${source.name}`,
          after: { sourceId: source.id, code: indicator.code },
        })
        return saved
      })
      return {
        id: row.id,
        measureId: row.measure_id,
        sourceId: row.source_id,
        code: row.code,
        confirmedBy: row.confirmed_by_name,
        confirmedAt: row.confirmed_at.toISOString(),
      }
    },

    /**
     * Removes a confirmed match (of `measureId`'s measure, when given): what was removed, with
     * its source's name.
     */
    async deleteMatch(principal: Principal, id: string, measureId?: string) {
      requireManager(principal)
      const row = await repo.findMatch(db, principal.organisationId, id)
      if (!row || (measureId !== undefined && row.measure_id !== measureId)) {
        throw new NotFound('No confirmed match with that id')
      }
      const source = await repo.findSource(db, principal.organisationId, row.source_id)
      await db.transaction().execute(async (trx) => {
        await repo.deleteMatch(trx, principal.organisationId, id)
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'benchmark_match_removed',
          itemType: 'measure',
          itemId: row.measure_id,
          summary: `Match of the measure to ${row.code} removed`,
        })
      })
      return { code: row.code, sourceName: source?.name ?? '' }
    },

    // Comparisons -----------------------------------------------------------------------------

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
