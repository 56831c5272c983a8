import type { Insertable, Kysely } from 'kysely'
import type { DB, NotificationsTable } from '../../db/schema.ts'

export type NewNotification = Omit<
  Insertable<NotificationsTable>,
  'id' | 'created_at' | 'read_at' | 'emailed_at'
>

/** Inserts those not already made for their person; returns how many were new. */
export async function insertNew(
  db: Kysely<DB>,
  rows: readonly NewNotification[],
  at: Date,
): Promise<NewNotification[]> {
  const created: NewNotification[] = []
  // In chunks: a council's first run may raise thousands.
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500)
    const inserted = await db
      .insertInto('notifications')
      .values(chunk.map((r) => ({ ...r, created_at: at })))
      .onConflict((oc) => oc.columns(['person_id', 'dedupe_key']).doNothing())
      .returning(['person_id', 'dedupe_key'])
      .execute()
    const keys = new Set(inserted.map((r) => `${r.person_id} ${r.dedupe_key}`))
    created.push(...chunk.filter((r) => keys.has(`${r.person_id} ${r.dedupe_key}`)))
  }
  return created
}

export async function listFor(
  db: Kysely<DB>,
  organisationId: string,
  personId: string,
  offset: number,
  limit: number,
) {
  const rows = await db
    .selectFrom('notifications')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('person_id', '=', personId)
    .where('resolved_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .offset(offset)
    .limit(limit)
    .execute()
  const total = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('person_id', '=', personId)
    .where('resolved_at', 'is', null)
    .executeTakeFirstOrThrow()
  return { rows, total: Number(total.n) }
}

export async function countUnread(db: Kysely<DB>, organisationId: string, personId: string) {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('person_id', '=', personId)
    .where('read_at', 'is', null)
    .where('resolved_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Marks one of this person's notifications read; false when there is no such one of theirs. */
export async function markRead(
  db: Kysely<DB>,
  organisationId: string,
  personId: string,
  id: string,
  at: Date,
): Promise<boolean> {
  const found = await db
    .selectFrom('notifications')
    .select(['id', 'read_at'])
    .where('organisation_id', '=', organisationId)
    .where('person_id', '=', personId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!found) return false
  if (found.read_at === null) {
    await db.updateTable('notifications').set({ read_at: at }).where('id', '=', id).execute()
  }
  return true
}

export async function markAllRead(
  db: Kysely<DB>,
  organisationId: string,
  personId: string,
  at: Date,
) {
  const result = await db
    .updateTable('notifications')
    .set({ read_at: at })
    .where('organisation_id', '=', organisationId)
    .where('person_id', '=', personId)
    .where('read_at', 'is', null)
    .where('resolved_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/**
 * Unread, unresolved, un-e-mailed notifications since `since`, of active people who have not
 * opted out, that no run is sending now (a claim older than `staleBefore` was a run that died
 * mid-send); `digest` picks those who take one e-mail a day (true) or each at once (false).
 */
export async function awaitingEmail(
  db: Kysely<DB>,
  organisationId: string,
  since: Date,
  staleBefore: Date,
  digest: boolean,
) {
  return db
    .selectFrom('notifications as n')
    .innerJoin('people as p', 'p.id', 'n.person_id')
    .leftJoin('notification_preferences as np', 'np.person_id', 'n.person_id')
    .select(['n.id', 'n.person_id', 'n.subject', 'n.body', 'n.link', 'p.email', 'p.name'])
    .where('n.organisation_id', '=', organisationId)
    .where('n.emailed_at', 'is', null)
    .where('n.read_at', 'is', null)
    .where('n.resolved_at', 'is', null)
    .where('n.created_at', '>=', since)
    .where((eb) =>
      eb.or([eb('n.email_claimed_at', 'is', null), eb('n.email_claimed_at', '<', staleBefore)]),
    )
    .where('p.active', '=', true)
    .where((eb) => eb.or([eb('np.email', 'is', null), eb('np.email', '=', true)]))
    .where((eb) =>
      digest
        ? eb('np.email_digest', '=', true)
        : eb.or([eb('np.email_digest', 'is', null), eb('np.email_digest', '=', false)]),
    )
    .orderBy('n.created_at')
    .execute()
}

/**
 * Claims one notification's e-mail for this run, atomically: true for exactly one of any runs
 * racing for it, so the e-mail goes once.
 */
export async function claimEmail(
  db: Kysely<DB>,
  id: string,
  at: Date,
  staleBefore: Date,
): Promise<boolean> {
  const claimed = await db
    .updateTable('notifications')
    .set({ email_claimed_at: at })
    .where('id', '=', id)
    .where('emailed_at', 'is', null)
    .where((eb) =>
      eb.or([eb('email_claimed_at', 'is', null), eb('email_claimed_at', '<', staleBefore)]),
    )
    .returning('id')
    .executeTakeFirst()
  return claimed !== undefined
}

/** The mail server refused it: let the next run try again. */
export async function releaseEmail(db: Kysely<DB>, id: string) {
  await db
    .updateTable('notifications')
    .set({ email_claimed_at: null })
    .where('id', '=', id)
    .execute()
}

const likeKey = (key: string) => key.replaceAll('\\', '\\\\').replaceAll('_', '\\_')

/**
 * Resolves everyone's unresolved notifications whose dedupe key is one of `keys`; a `%` in a key
 * matches any rest (every version). Resolved ones leave the list: their task is done.
 */
export async function resolve(
  db: Kysely<DB>,
  organisationId: string,
  keys: readonly string[],
  at: Date,
  personId?: string,
): Promise<number> {
  if (keys.length === 0) return 0
  let query = db
    .updateTable('notifications')
    .set({ resolved_at: at })
    .where('organisation_id', '=', organisationId)
    .where('resolved_at', 'is', null)
  if (personId !== undefined) query = query.where('person_id', '=', personId)
  const result = await query
    .where((eb) => eb.or(keys.map((k) => eb('dedupe_key', 'like', likeKey(k)))))
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Unresolved notices of these kinds, for the daily run to resolve those no longer wanted. */
export async function unresolvedOfKinds(
  db: Kysely<DB>,
  organisationId: string,
  kinds: readonly string[],
) {
  return db
    .selectFrom('notifications')
    .select(['id', 'person_id', 'dedupe_key'])
    .where('organisation_id', '=', organisationId)
    .where('resolved_at', 'is', null)
    .where('kind', 'in', kinds)
    .execute()
}

export async function resolveIds(db: Kysely<DB>, ids: readonly string[], at: Date) {
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .updateTable('notifications')
      .set({ resolved_at: at })
      .where('id', 'in', ids.slice(i, i + 500))
      .execute()
  }
}

export async function markEmailed(db: Kysely<DB>, id: string, at: Date) {
  await db.updateTable('notifications').set({ emailed_at: at }).where('id', '=', id).execute()
}

/**
 * Claims the organisation's daily run for `day`: true for the first instance to ask. Inside the
 * run's transaction, so a run that fails gives the day back; on PostgreSQL a second instance's
 * insert waits for the first to commit and then finds the row.
 */
export async function claimRun(
  db: Kysely<DB>,
  organisationId: string,
  day: string,
  at: Date,
): Promise<boolean> {
  const claimed = await db
    .insertInto('reminder_runs')
    .values({ organisation_id: organisationId, day, started_at: at })
    .onConflict((oc) => oc.columns(['organisation_id', 'day']).doNothing())
    .returning('day')
    .executeTakeFirst()
  return claimed !== undefined
}

/** How a person takes e-mail: each notification at once, one daily digest, or none. */
export type EmailMode = 'immediate' | 'digest' | 'off'

export async function emailMode(db: Kysely<DB>, personId: string): Promise<EmailMode> {
  const row = await db
    .selectFrom('notification_preferences')
    .select(['email', 'email_digest'])
    .where('person_id', '=', personId)
    .executeTakeFirst()
  if (!row) return 'immediate'
  return !row.email ? 'off' : row.email_digest ? 'digest' : 'immediate'
}

export async function setEmailMode(
  db: Kysely<DB>,
  organisationId: string,
  personId: string,
  mode: EmailMode,
  at: Date,
) {
  const values = { email: mode !== 'off', email_digest: mode === 'digest', updated_at: at }
  await db
    .insertInto('notification_preferences')
    .values({ person_id: personId, organisation_id: organisationId, ...values })
    .onConflict((oc) => oc.column('person_id').doUpdateSet(values))
    .execute()
}
