import type { Kysely } from 'kysely'
import type { DB } from './schema.ts'

/**
 * Call inside the transaction of any change to what the public dashboard shows (a value
 * approved or restated, a measure made public, private or edited, its targets, a public
 * measure's SPC baseline or change points, the dashboard's settings). Public caches compare the counter and rebuild when it moves.
 */
export async function bumpPublication(
  trx: Kysely<DB>,
  organisationId: string,
  at: Date,
): Promise<void> {
  await trx
    .updateTable('organisations')
    .set((eb) => ({ publication_version: eb('publication_version', '+', 1), published_at: at }))
    .where('id', '=', organisationId)
    .execute()
}
