import type { Kysely } from 'kysely'
import { UnitTree } from '../../core/unit-tree.ts'
import type { DB } from '../../db/schema.ts'
import * as orgRepo from './organisation-repository.ts'

/** The unit hierarchy that role scopes are judged against. */
export async function unitTreeOf(db: Kysely<DB>, organisationId: string) {
  const rows = await orgRepo.listUnits(db, organisationId)
  return new UnitTree(rows.map((u) => ({ id: u.id, parentId: u.parent_id })))
}
