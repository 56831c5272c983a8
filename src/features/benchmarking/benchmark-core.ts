// What every part of the benchmarking service shares: who may read and manage it, the audit of each
// change, the facts of a measure a comparison needs, and the matches in force for a measure.
import type { Kysely } from 'kysely'
import { normaliseReference } from '../../core/benchmark.ts'
import type { DB } from '../../db/schema.ts'
import { Forbidden, NotFound } from '../../errors.ts'
import { recordAudit, type AuditActor } from '../audit/index.ts'
import { type Principal } from '../../core/principal.ts'
import { POLARITY_NAMES, UNIT_NAMES, type MeasureService } from '../measures/index.ts'
import { DEFAULT_LIMITS, type FetchLimits } from './benchmark-fetch.ts'
import * as policy from './benchmark-policy.ts'
import * as repo from './benchmark-repository.ts'

export interface BenchmarkDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly measures: MeasureService
  readonly limits?: FetchLimits
}

/** What a comparison needs to know of a measure. */
export interface MeasureFacts {
  readonly id: string
  readonly code: string
  readonly title: string
  readonly unit: string
  readonly decimals: number
  readonly polarity: string
  readonly frequency: string
  readonly nationalIndicatorRef: string | null
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

export type BenchmarkCore = ReturnType<typeof createBenchmarkCore>

/** The service's shared checks, reads and writes, for its parts to build on. */
export function createBenchmarkCore(deps: BenchmarkDeps) {
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
    db,
    clock,
    deps,
    limits,
    requireManager,
    requireReader,
    requireSource,
    requireGroup,
    audit,
    factsOf,
    comparedMeasures,
    effectiveMatches,
  }
}
