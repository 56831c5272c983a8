import type { Kysely, Selectable } from 'kysely'
import type {
  DB,
  PartnershipMemberRole,
  PartnershipMembersTable,
  PartnershipPrioritiesTable,
  PartnershipSharesTable,
  PartnershipsTable,
  ShareAccess,
  ShareItemKind,
} from '../../db/schema.ts'

export type PartnershipRow = Selectable<PartnershipsTable>
export type MemberRow = Selectable<PartnershipMembersTable> & {
  organisation_name: string
  organisation_slug: string
  organisation_publishes: boolean
}
export type PriorityRow = Selectable<PartnershipPrioritiesTable>
export type ShareRow = Selectable<PartnershipSharesTable> & {
  organisation_name: string
  organisation_slug: string
}

/** Partnerships an organisation is a member of. */
export async function listForOrganisation(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('partnerships as p')
    .innerJoin('partnership_members as m', 'm.partnership_id', 'p.id')
    .selectAll('p')
    .where('m.organisation_id', '=', organisationId)
    .orderBy('p.name')
    .execute()
}

export async function findPartnership(db: Kysely<DB>, id: string) {
  return db.selectFrom('partnerships').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertPartnership(
  db: Kysely<DB>,
  row: { organisationId: string; name: string; purpose: string | null; createdBy: string | null },
) {
  return db
    .insertInto('partnerships')
    .values({
      organisation_id: row.organisationId,
      name: row.name,
      purpose: row.purpose,
      created_by: row.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function listMembers(db: Kysely<DB>, partnershipId: string): Promise<MemberRow[]> {
  return db
    .selectFrom('partnership_members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .selectAll('m')
    .select([
      'o.name as organisation_name',
      'o.slug as organisation_slug',
      'o.publishes as organisation_publishes',
    ])
    .where('m.partnership_id', '=', partnershipId)
    .orderBy('m.role')
    .orderBy('o.name')
    .execute()
}

export async function insertMember(
  db: Kysely<DB>,
  row: {
    partnershipId: string
    organisationId: string
    role: PartnershipMemberRole
    addedBy: string | null
    joinedAt: Date
  },
) {
  return db
    .insertInto('partnership_members')
    .values({
      partnership_id: row.partnershipId,
      organisation_id: row.organisationId,
      role: row.role,
      added_by: row.addedBy,
      joined_at: row.joinedAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findOrganisationBySlug(db: Kysely<DB>, slug: string) {
  return db
    .selectFrom('organisations')
    .select(['id', 'name', 'slug', 'publishes'])
    .where('slug', '=', slug)
    .executeTakeFirst()
}

export async function listPriorities(db: Kysely<DB>, partnershipId: string) {
  return db
    .selectFrom('partnership_priorities')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .orderBy('position')
    .orderBy('created_at')
    .execute()
}

export async function insertPriority(
  db: Kysely<DB>,
  row: {
    partnershipId: string
    organisationId: string
    title: string
    description: string | null
    position: number
  },
) {
  return db
    .insertInto('partnership_priorities')
    .values({
      partnership_id: row.partnershipId,
      organisation_id: row.organisationId,
      title: row.title,
      description: row.description,
      position: row.position,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Every share of a partnership, live and withdrawn, newest first. */
export async function listShares(db: Kysely<DB>, partnershipId: string): Promise<ShareRow[]> {
  return db
    .selectFrom('partnership_shares as s')
    .innerJoin('organisations as o', 'o.id', 's.organisation_id')
    .selectAll('s')
    .select(['o.name as organisation_name', 'o.slug as organisation_slug'])
    .where('s.partnership_id', '=', partnershipId)
    .orderBy('s.shared_at', 'desc')
    .execute()
}

export async function findShare(db: Kysely<DB>, partnershipId: string, shareId: string) {
  return db
    .selectFrom('partnership_shares as s')
    .innerJoin('organisations as o', 'o.id', 's.organisation_id')
    .selectAll('s')
    .select(['o.name as organisation_name', 'o.slug as organisation_slug'])
    .where('s.partnership_id', '=', partnershipId)
    .where('s.id', '=', shareId)
    .executeTakeFirst()
}

export async function findLiveShare(
  db: Kysely<DB>,
  partnershipId: string,
  itemKind: ShareItemKind,
  itemId: string,
) {
  return db
    .selectFrom('partnership_shares')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('item_kind', '=', itemKind)
    .where('item_id', '=', itemId)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst()
}

export async function insertShare(
  db: Kysely<DB>,
  row: {
    partnershipId: string
    organisationId: string
    itemKind: ShareItemKind
    itemId: string
    priorityId: string | null
    access: ShareAccess
    basis: string
    sharedBy: string | null
    sharedByName: string
    sharedAt: Date
  },
) {
  return db
    .insertInto('partnership_shares')
    .values({
      partnership_id: row.partnershipId,
      organisation_id: row.organisationId,
      item_kind: row.itemKind,
      item_id: row.itemId,
      priority_id: row.priorityId,
      access: row.access,
      basis: row.basis,
      shared_by: row.sharedBy,
      shared_by_name: row.sharedByName,
      shared_at: row.sharedAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Stamps a live share withdrawn; none when it was withdrawn meanwhile. */
export async function withdrawShare(
  db: Kysely<DB>,
  shareId: string,
  by: { personId: string | null; name: string; at: Date; reason: string | null },
) {
  return db
    .updateTable('partnership_shares')
    .set({
      withdrawn_by: by.personId,
      withdrawn_by_name: by.name,
      withdrawn_at: by.at,
      withdrawal_reason: by.reason,
    })
    .where('id', '=', shareId)
    .where('withdrawn_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

/** Which of these items exist in the organisation: sharing names only one's own. */
export async function ownItem(
  db: Kysely<DB>,
  organisationId: string,
  kind: ShareItemKind,
  id: string,
): Promise<{ id: string; label: string } | undefined> {
  if (kind === 'measure') {
    const row = await db
      .selectFrom('measures')
      .select(['id', 'code', 'title'])
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst()
    return row && { id: row.id, label: `${row.code}: ${row.title}` }
  }
  if (kind === 'project') {
    const row = await db
      .selectFrom('projects')
      .select(['id', 'code', 'title'])
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst()
    return row && { id: row.id, label: row.code ? `${row.code}: ${row.title}` : row.title }
  }
  const row = await db
    .selectFrom('risks')
    .select(['id', 'reference', 'title'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && { id: row.id, label: `${row.reference}: ${row.title}` }
}

/** The organisation's items, to choose one to share. */
export async function shareableItems(db: Kysely<DB>, organisationId: string) {
  const measures = await db
    .selectFrom('measures')
    .select(['id', 'code', 'title'])
    .where('organisation_id', '=', organisationId)
    .where('status', '!=', 'retired')
    .orderBy('code')
    .execute()
  const projects = await db
    .selectFrom('projects')
    .select(['id', 'code', 'title'])
    .where('organisation_id', '=', organisationId)
    .orderBy('title')
    .execute()
  const risks = await db
    .selectFrom('risks')
    .select(['id', 'reference', 'title'])
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'open')
    .orderBy('reference')
    .execute()
  return {
    measure: measures.map((m) => ({ id: m.id, label: `${m.code}: ${m.title}` })),
    project: projects.map((p) => ({ id: p.id, label: p.code ? `${p.code}: ${p.title}` : p.title })),
    risk: risks.map((r) => ({ id: r.id, label: `${r.reference}: ${r.title}` })),
  }
}
