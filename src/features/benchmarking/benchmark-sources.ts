// Benchmark sources: the LGBF folder and other Golden Thread councils' published figures, each
// copy fetched (or uploaded) and read whole, replacing the last good copy in one transaction.
import { Invalid } from '../../errors.ts'
import { SYSTEM_ACTOR, type AuditActor, actorOf } from '../audit/index.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import { bumpPublication } from '../../db/publication.ts'
import { checkUrl, fetchText } from './benchmark-fetch.ts'
import * as policy from './benchmark-policy.ts'
import { presentSource } from './benchmark-presenter.ts'
import {
  LGBF_FILES,
  readGoldenThread,
  readLgbf,
  SourceError,
  type LgbfFile,
  type SourceData,
} from './benchmark-readers.ts'
import * as repo from './benchmark-repository.ts'
import type { FilesInput, SourceChanges, SourceInput } from './benchmark-schemas.ts'
import type { BenchmarkCore } from './benchmark-core.ts'

export type RefreshOutcome =
  | { readonly status: 'updated'; readonly message: string }
  | { readonly status: 'not_modified'; readonly message: string }
  | { readonly status: 'failed'; readonly message: string }
  | { readonly status: 'busy'; readonly message: string }

/** A refresh that started this long ago and never finished (a crash) may be taken over. */
const STALE_REFRESH_MS = 10 * 60 * 1000

/** Sources and their copies; part of the benchmarking service (benchmark-service.ts). */
export function sourceOperations(core: BenchmarkCore) {
  const { db, clock, limits, requireManager, requireReader, requireSource, audit } = core
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
  }
}
