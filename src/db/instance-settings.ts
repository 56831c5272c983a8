import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from './schema.ts'

/**
 * A secret generated once per database, for signing cookies when SESSION_SECRET is not set
 * (development and the embedded mode); every instance on the same database agrees on it.
 */
export async function instanceSecret(db: Kysely<DB>, key: string): Promise<string> {
  await db
    .insertInto('instance_settings')
    .values({ key, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  const row = await db
    .selectFrom('instance_settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirstOrThrow()
  return row.value
}
