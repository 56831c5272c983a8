import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { Forbidden, NotFound } from '../../errors.ts'
import { recordAudit, actorOf } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import { isOrganisationAdministrator } from '../../core/roles.ts'
import { ukDate } from '../../core/dates.ts'
import { PublicCache, type PublicCacheOptions } from './public-cache.ts'
import { bumpPublication } from '../../db/publication.ts'
import type { PublicSettingsInput } from './public-schemas.ts'
import { loadPublished } from './public-data.ts'
import type { PublishedSet } from './public-build.ts'
import { inProcessBuilder, workerBuilder } from './public-builder.ts'
import { postgresSourceOf } from '../../db/database.ts'
import type { PublicMeasure, PublicOrganisation, PublicTheme } from './public-presenter.ts'
import * as repo from './public-repository.ts'

export interface PublicDeps {
  readonly db: Kysely<DB>
  /** Where the published pages read from: a replica when there is one (they may lag a moment). */
  readonly read?: Kysely<DB>
  readonly clock: () => Date
  readonly cache?: PublicCacheOptions
  /**
   * Whether to build the whole published set in a worker thread when `read` is a PostgreSQL
   * pool (true unless said otherwise); PGlite always builds in this process.
   */
  readonly worker?: boolean
}

export type PublicService = ReturnType<typeof createPublicService>

/** What identifies one state of an organisation's published data, for caches. */
export interface PublicationStamp {
  readonly key: string
  readonly lastModified: Date
}

/**
 * The public dashboard's data: no principal, no permissions, because everything it reads is
 * published by definition (public measures, approved values; see public-repository.ts).
 */
export function createPublicService({ db, read = db, clock, cache, worker = true }: PublicDeps) {
  async function requireOrganisation(slug: string) {
    const org = await repo.publishingOrganisation(read, slug)
    if (!org) throw new NotFound()
    return org
  }

  const source = worker ? postgresSourceOf(read) : undefined
  const builder = source ? workerBuilder(source) : inProcessBuilder(read)

  const publicCache = new PublicCache<PublishedSet>(
    stamp,
    async (slug) => {
      const set = await builder.build(slug, clock())
      if (!set) throw new NotFound()
      return set
    },
    cache,
    () => clock().getTime(),
  )

  /**
   * What a measure's pages and files are made from: that measure alone, loaded once per
   * publication, so a large council's readers of one measure never wait for all of them (the
   * whole set keeps only what the dashboard's page and the open data files need).
   */
  async function publishedMeasure(slug: string, code: string) {
    const data = await publicCache.part(slug, `measure:${code}`, async () => {
      const one = await loadPublished(read, await requireOrganisation(slug), clock(), code)
      // Addresses that name no measure are not kept.
      if (!one.byCode.has(code)) throw new NotFound()
      return one
    })
    return { data, found: data.byCode.get(code) }
  }

  async function stamp(slug: string): Promise<PublicationStamp | null> {
    const org = await repo.publishingOrganisation(read, slug)
    if (!org) return null
    const context = await repo.contextFingerprint(read, org.id, org.public_show_names)
    return {
      key: `${org.id}:${org.publication_version}:${ukDate(clock())}:${context}`,
      lastModified: org.published_at,
    }
  }

  async function settingsOf(organisationId: string) {
    const row = await db
      .selectFrom('organisations')
      .select(['slug', 'publishes', 'public_suppress_below', 'public_show_names'])
      .where('id', '=', organisationId)
      .executeTakeFirstOrThrow()
    return {
      slug: row.slug,
      publishes: row.publishes,
      suppressBelow: row.public_suppress_below,
      showNames: row.public_show_names,
    }
  }

  return {
    /** The dashboard's settings; anyone in the organisation may read them. */
    async settings(principal: Principal) {
      if (principal.roles.length === 0) throw new Forbidden()
      return settingsOf(principal.organisationId)
    },

    /** Administrators decide whether and how the organisation publishes. */
    async updateSettings(principal: Principal, input: PublicSettingsInput) {
      if (!isOrganisationAdministrator(principal)) {
        throw new Forbidden('Only an administrator can change the public dashboard')
      }
      const org = principal.organisationId
      const before = await settingsOf(org)
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('organisations')
          .set({
            publishes: input.publishes,
            public_suppress_below: input.suppressBelow,
            public_show_names: input.showNames,
            updated_at: clock(),
          })
          .where('id', '=', org)
          .execute()
        await bumpPublication(trx, org, clock())
        await recordAudit(
          trx,
          {
            organisationId: org,
            actor: actorOf(principal),
            action: 'public_dashboard_changed',
            itemType: 'organisation',
            itemId: org,
            summary: input.publishes
              ? `Public dashboard published; counts below ${input.suppressBelow} withheld; officers’ names ${input.showNames ? 'shown' : 'not shown'}`
              : 'Public dashboard not published',
            before: {
              publishes: before.publishes,
              suppressBelow: before.suppressBelow,
              showNames: before.showNames,
            },
            after: input,
          },
          clock,
        )
      })
      return settingsOf(org)
    },

    /** Where a measure appears on the public dashboard, if it does. */
    async publicLink(
      principal: Principal,
      measure: { code: string; public: boolean; status: string },
    ) {
      if (!measure.public || measure.status === 'draft') return null
      const settings = await settingsOf(principal.organisationId)
      if (!settings.publishes) return null
      return `/public/${encodeURIComponent(settings.slug)}/measures/${encodeURIComponent(measure.code)}`
    },

    /** What has been built for each organisation's current publication (see public-cache.ts). */
    cache: publicCache,

    /** Organisations that publish a dashboard, by name. */
    async organisations() {
      return (await repo.publishingOrganisations(read)).map((o) => ({
        name: o.name,
        slug: o.slug,
        lastPublished: o.published_at.toISOString(),
      }))
    },

    /** The current state of an organisation's published data; null when it does not publish. */
    stamp,

    /**
     * Every published measure with every approved value: the whole open data set, read back
     * from data.json (for tests and benchmarks; the pages never hold it all at once).
     */
    async dataset(slug: string): Promise<{
      organisation: PublicOrganisation
      themes: PublicTheme[]
      measures: PublicMeasure[]
    }> {
      const { files } = await publicCache.data(slug)
      const { organisation, themes, measures } = JSON.parse(
        Buffer.from(
          files.json.body.buffer,
          files.json.body.byteOffset,
          files.json.body.length,
        ).toString(),
      ) as { organisation: PublicOrganisation; themes: PublicTheme[]; measures: PublicMeasure[] }
      return { organisation, themes, measures }
    },

    /** Stops the worker that builds the published sets, if one runs (the app's close does). */
    close: () => builder.close(),

    /** One published measure, with its SPC section worked out over the published figures. */
    async measure(slug: string, code: string) {
      const { data, found } = await publishedMeasure(slug, code)
      if (!found) throw new NotFound()
      return {
        organisation: data.organisation,
        measure: found.measure,
        spc: found.spc(),
        chart: found.chart(),
        embedChart: found.embedChart(),
      }
    },
  }
}

export type PublicDataset = Awaited<ReturnType<PublicService['dataset']>>
export type PublicMeasurePage = Awaited<ReturnType<PublicService['measure']>>
