import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB, Role } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'

/**
 * Everyone with this address: one per organisation at most, as an address is unique only within
 * an organisation. Oldest first, so the answer does not change from one sign-in to the next.
 */
export async function findPeopleByEmail(db: Kysely<DB>, email: string) {
  return db
    .selectFrom('people')
    .select(['id', 'organisation_id', 'name', 'email', 'password_hash', 'active'])
    .where('email', '=', email)
    .orderBy('created_at')
    .orderBy('id')
    .limit(20)
    .execute()
}

/** The oldest account with this address: for tools and tests where that can only be one. */
export async function findPersonByEmail(db: Kysely<DB>, email: string) {
  return (await findPeopleByEmail(db, email))[0]
}

export async function findPersonById(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('people')
    .select(['id', 'organisation_id', 'name', 'email', 'password_hash', 'active'])
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Identity providers do not promise our spelling of an address, so case is ignored here. */
export async function findPersonByEmailIgnoringCase(
  db: Kysely<DB>,
  organisationId: string,
  email: string,
) {
  return db
    .selectFrom('people')
    .select(['id', 'organisation_id', 'name', 'email', 'active'])
    .where('organisation_id', '=', organisationId)
    .where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst()
}

export async function findOrganisationsForSignIn(db: Kysely<DB>, slug: string | undefined) {
  let query = db.selectFrom('organisations').select(['id', 'slug']).limit(2)
  if (slug !== undefined) query = query.where('slug', '=', slug)
  return query.execute()
}

/**
 * A person with their organisation and roles, in one statement: the roles come as one JSON
 * array beside the person. A grant over a deactivated unit lapses with it.
 */
function principalQuery(db: Kysely<DB>) {
  return db
    .selectFrom('people')
    .innerJoin('organisations', 'organisations.id', 'people.organisation_id')
    .select([
      'people.id',
      'people.name',
      'people.email',
      'people.active',
      'people.organisation_id',
      'organisations.name as organisation_name',
      'organisations.slug as organisation_slug',
      sql<{ role: Role; unit_id: string | null }[] | string>`coalesce((
        select json_agg(json_build_object('role', ra.role, 'unit_id', ra.unit_id))
        from role_assignments ra left join units u on u.id = ra.unit_id
        where ra.person_id = people.id and (ra.unit_id is null or u.active = true)
      ), '[]'::json)`.as('roles'),
    ])
}

function principalOf(
  person:
    | {
        id: string
        name: string
        email: string
        active: boolean
        organisation_id: string
        organisation_name: string
        organisation_slug: string
        roles: { role: Role; unit_id: string | null }[] | string
      }
    | undefined,
): Principal | null {
  if (!person?.active) return null
  const roles =
    typeof person.roles === 'string'
      ? (JSON.parse(person.roles) as { role: Role; unit_id: string | null }[])
      : person.roles
  return {
    personId: person.id,
    organisationId: person.organisation_id,
    organisationName: person.organisation_name,
    organisationSlug: person.organisation_slug,
    name: person.name,
    email: person.email,
    roles: roles.map((r) => ({ role: r.role, unitId: r.unit_id })),
  }
}

export async function loadPrincipal(db: Kysely<DB>, personId: string): Promise<Principal | null> {
  return principalOf(await principalQuery(db).where('people.id', '=', personId).executeTakeFirst())
}

/** An unrevoked API token and the principal it acts for, in one statement. */
export async function findTokenPrincipal(db: Kysely<DB>, hash: string) {
  const found = await principalQuery(db)
    .innerJoin('api_tokens', 'api_tokens.person_id', 'people.id')
    .select(['api_tokens.id as token_id', 'api_tokens.last_used_at'])
    .where('api_tokens.token_hash', '=', hash)
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst()
  if (!found) return null
  return { id: found.token_id, lastUsedAt: found.last_used_at, principal: principalOf(found) }
}

export async function insertSession(
  db: Kysely<DB>,
  session: {
    id: string
    personId: string
    organisationId: string
    at: Date
    ip: string | null
    userAgent: string | null
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      person_id: session.personId,
      organisation_id: session.organisationId,
      created_at: session.at,
      last_seen_at: session.at,
      ip: session.ip,
      user_agent: session.userAgent,
    })
    .execute()
}

/**
 * A session and the principal it is for, in one statement (every signed-in request asks this).
 * `principal` is null when the person is no longer active.
 */
export async function findSessionPrincipal(db: Kysely<DB>, id: string) {
  const found = await principalQuery(db)
    .innerJoin('sessions', 'sessions.person_id', 'people.id')
    .select(['sessions.id as session_id', 'sessions.created_at', 'sessions.last_seen_at'])
    .where('sessions.id', '=', id)
    .executeTakeFirst()
  if (!found) return null
  return {
    id: found.session_id,
    created_at: found.created_at,
    last_seen_at: found.last_seen_at,
    principal: principalOf(found),
  }
}

export async function findSession(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('sessions')
    .select(['id', 'person_id', 'created_at', 'last_seen_at'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function touchSession(db: Kysely<DB>, id: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute()
}

export async function deleteSession(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute()
}

export async function deleteSessionsOf(
  db: Kysely<DB>,
  personId: string,
  exceptId?: string,
): Promise<number> {
  let query = db.deleteFrom('sessions').where('person_id', '=', personId)
  if (exceptId) query = query.where('id', '!=', exceptId)
  const result = await query.executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function deleteExpiredSessions(db: Kysely<DB>, idleBefore: Date, createdBefore: Date) {
  await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([eb('last_seen_at', '<', idleBefore), eb('created_at', '<', createdBefore)]),
    )
    .execute()
}

/** How one kind of key is throttled: see docs/security.md. */
export interface ThrottleRule {
  /** Failures allowed with no delay. */
  readonly free: number
  /** The longest delay between attempts, in seconds: a cap, never a lock. */
  readonly maxDelaySeconds: number
  /** Failures are forgotten after this long without an attempt. */
  readonly forgetAfterMs: number
}

/** The wait after `failures` failures: none for the free ones, then 1 s, 2 s, 4 s … up to the cap. */
function delaySeconds(failures: RawBuilder<number>, rule: ThrottleRule) {
  return sql<number>`least(${rule.maxDelaySeconds}::double precision,
    case when ${failures} <= ${rule.free} then 0
    else power(2, least(${failures} - ${rule.free} - 1, 30)) end)`
}

/**
 * Reserves one attempt for `key` before the password is checked, counting it as a failure until
 * it succeeds: one statement, so however many attempts arrive at once each sees the count the
 * one before left, and once a delay is due the rest are refused without a password check.
 * Answers null when the attempt may go ahead, or when the next one may be made.
 */
export async function reserveAttempt(
  db: Kysely<DB>,
  key: string,
  now: Date,
  rule: ThrottleRule,
): Promise<Date | null> {
  const forgetBefore = new Date(now.getTime() - rule.forgetAfterMs)
  const stale = sql<boolean>`t.last_attempt_at < ${forgetBefore}`
  const failures = sql<number>`(case when ${stale} then 1 else t.failures + 1 end)`
  const reserved = await sql<{ failures: number }>`
    insert into sign_in_throttle as t (key, failures, last_attempt_at, next_attempt_at)
    values (${key}, 1, ${now}, ${now}::timestamptz
      + interval '1 second' * ${delaySeconds(sql<number>`1`, rule)})
    on conflict (key) do update set
      failures = ${failures},
      last_attempt_at = ${now},
      next_attempt_at = ${now}::timestamptz + interval '1 second' * ${delaySeconds(failures, rule)}
    where t.next_attempt_at <= ${now} or ${stale}
    returning t.failures`.execute(db)
  if (reserved.rows.length > 0) return null
  const row = await db
    .selectFrom('sign_in_throttle')
    .select('next_attempt_at')
    .where('key', '=', key)
    .executeTakeFirst()
  return row?.next_attempt_at ?? now
}

/** The account's attempt succeeded: its failures are forgotten. */
export async function clearAttempts(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute()
}

/**
 * The attempt reserved for a shared key (an address) succeeded: it was not a failure, so it is
 * taken off again, without forgetting the others' failures.
 */
export async function releaseAttempt(db: Kysely<DB>, key: string, rule: ThrottleRule) {
  const failures = sql<number>`greatest(t.failures - 1, 0)`
  await sql`
    update sign_in_throttle as t set
      failures = ${failures},
      next_attempt_at = t.last_attempt_at + interval '1 second' * ${delaySeconds(failures, rule)}
    where t.key = ${key}`.execute(db)
}

export async function pruneAttempts(db: Kysely<DB>, before: Date): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('last_attempt_at', '<', before).execute()
}

export async function insertToken(
  db: Kysely<DB>,
  token: { organisationId: string; personId: string; name: string; hash: string; prefix: string },
) {
  return db
    .insertInto('api_tokens')
    .values({
      organisation_id: token.organisationId,
      person_id: token.personId,
      name: token.name,
      token_hash: token.hash,
      token_prefix: token.prefix,
    })
    .returning(['id', 'name', 'token_prefix', 'created_at'])
    .executeTakeFirstOrThrow()
}

export async function touchToken(db: Kysely<DB>, id: string, at: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute()
}

export async function listTokens(db: Kysely<DB>, organisationId: string, personId?: string) {
  let query = db
    .selectFrom('api_tokens')
    .innerJoin('people', 'people.id', 'api_tokens.person_id')
    .select([
      'api_tokens.id',
      'api_tokens.name',
      'api_tokens.token_prefix',
      'api_tokens.created_at',
      'api_tokens.last_used_at',
      'api_tokens.revoked_at',
      'api_tokens.person_id',
      'people.name as person_name',
    ])
    .where('api_tokens.organisation_id', '=', organisationId)
    .orderBy('api_tokens.created_at', 'desc')
  if (personId) query = query.where('api_tokens.person_id', '=', personId)
  return query.execute()
}

export async function findToken(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'person_id', 'name', 'revoked_at'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function revokeToken(db: Kysely<DB>, id: string, at: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute()
}

export async function revokeTokensOf(db: Kysely<DB>, personId: string, at: Date): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .execute()
}

export async function setPasswordHash(db: Kysely<DB>, personId: string, hash: string, at: Date) {
  await db
    .updateTable('people')
    .set({ password_hash: hash, updated_at: at })
    .where('id', '=', personId)
    .execute()
}

export async function markSignedIn(db: Kysely<DB>, personId: string, at: Date): Promise<void> {
  await db.updateTable('people').set({ last_sign_in_at: at }).where('id', '=', personId).execute()
}
