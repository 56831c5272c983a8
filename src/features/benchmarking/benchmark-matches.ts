// Matches between the council's measures and the sources' indicators: by national indicator
// reference, or confirmed by the performance team; suggested by reference, code and title.
import { normaliseReference } from '../../core/benchmark.ts'
import { Invalid, NotFound } from '../../errors.ts'
import { actorOf } from '../audit/index.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import * as repo from './benchmark-repository.ts'
import type { MatchInput } from './benchmark-schemas.ts'
import { disagreements, type BenchmarkCore } from './benchmark-core.ts'

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

/** Matches; part of the benchmarking service (benchmark-service.ts). */
export function matchOperations(core: BenchmarkCore) {
  const {
    db,
    deps,
    requireManager,
    requireReader,
    requireSource,
    audit,
    factsOf,
    comparedMeasures,
    effectiveMatches,
  } = core

  return {
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
  }
}
