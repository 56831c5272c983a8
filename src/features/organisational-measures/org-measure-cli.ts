import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { NotFound } from '../../errors.ts'
import { recordAudit } from '../audit/index.ts'
import { organisationRepository as orgRepo } from '../organisation/index.ts'
import type { ComputationRegistry } from './computations.ts'
import { recomputeOrganisation } from './org-measure-service.ts'

const CLI_ACTOR = { personId: null, name: 'Command line' }

/** `organisational-measures recompute [--organisation SLUG]`: every organisation, or one. */
export async function recomputeCommand(
  db: Kysely<DB>,
  computations: ComputationRegistry,
  slug: string | undefined,
): Promise<number> {
  const organisations = slug
    ? [await orgRepo.findOrganisationBySlug(db, slug)]
    : await orgRepo.listOrganisations(db)
  if (organisations[0] === undefined)
    throw new NotFound(`No organisation has the short name "${slug}"`)
  for (const organisation of organisations) {
    if (!organisation) continue
    const results = await db.transaction().execute(async (trx) => {
      const r = await recomputeOrganisation(
        trx,
        organisation.id,
        computations,
        CLI_ACTOR,
        () => new Date(),
      )
      await recordAudit(trx, {
        organisationId: organisation.id,
        actor: CLI_ACTOR,
        action: 'organisational_measures_recomputed',
        itemType: 'organisation',
        itemId: organisation.id,
        summary: `Organisational measures recomputed from the command line: ${r.length} measures`,
      })
      return r
    })
    for (const r of results) {
      console.log(
        `${organisation.slug} ${r.code}: ${r.added} added, ${r.restated} restated, ${r.removed} removed, ${r.updated} provisional updated`,
      )
    }
    if (results.length === 0) console.log(`${organisation.slug}: no organisational measures set up`)
  }
  return 0
}
