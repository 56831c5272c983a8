import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'

export async function listCommittees(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('committees')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('position')
    .orderBy('name')
    .execute()
}

export async function findCommittee(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('committees')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function findCommitteeByName(
  db: Kysely<DB>,
  organisationId: string,
  name: string,
  exceptId?: string,
) {
  let query = db
    .selectFrom('committees')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
  if (exceptId) query = query.where('id', '<>', exceptId)
  return query.executeTakeFirst()
}

export async function insertCommittee(
  db: Kysely<DB>,
  row: {
    organisationId: string
    name: string
    description: string | null
    reportKinds: string[]
    position: number
  },
) {
  return db
    .insertInto('committees')
    .values({
      organisation_id: row.organisationId,
      name: row.name,
      description: row.description,
      report_kinds: JSON.stringify(row.reportKinds),
      position: row.position,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

/** Updates only when `version` is current; undefined when someone changed it first. */
export async function updateCommittee(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  version: number,
  changes: { name?: string; description?: string | null; reportKinds?: string[] },
  at: Date,
) {
  return db
    .updateTable('committees')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.description !== undefined && { description: changes.description }),
      ...(changes.reportKinds !== undefined && {
        report_kinds: JSON.stringify(changes.reportKinds),
      }),
      version: version + 1,
      updated_at: at,
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()
}

export async function listMeetings(
  db: Kysely<DB>,
  organisationId: string,
  filters: { committeeId?: string; from?: string; to?: string } = {},
) {
  let query = db
    .selectFrom('committee_meetings as m')
    .innerJoin('committees as c', 'c.id', 'm.committee_id')
    .select([
      'm.id',
      'm.committee_id',
      'm.meeting_date',
      'm.version',
      'm.cancelled_at',
      'm.cancellation_reason',
      'c.name as committee',
      'c.report_kinds',
    ])
    .where('m.organisation_id', '=', organisationId)
  if (filters.committeeId) query = query.where('m.committee_id', '=', filters.committeeId)
  if (filters.from) query = query.where('m.meeting_date', '>=', filters.from)
  if (filters.to) query = query.where('m.meeting_date', '<=', filters.to)
  return query.orderBy('m.meeting_date').orderBy('c.position').execute()
}

export async function findMeeting(
  db: Kysely<DB>,
  organisationId: string,
  committeeId: string,
  id: string,
) {
  return db
    .selectFrom('committee_meetings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('committee_id', '=', committeeId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function findMeetingOn(
  db: Kysely<DB>,
  organisationId: string,
  committeeId: string,
  date: string,
) {
  return db
    .selectFrom('committee_meetings')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('committee_id', '=', committeeId)
    .where('meeting_date', '=', date)
    .executeTakeFirst()
}

export async function insertMeetings(
  db: Kysely<DB>,
  organisationId: string,
  committeeId: string,
  dates: readonly string[],
) {
  if (dates.length === 0) return []
  return db
    .insertInto('committee_meetings')
    .values(
      dates.map((d) => ({
        organisation_id: organisationId,
        committee_id: committeeId,
        meeting_date: d,
      })),
    )
    .returning(['id', 'version'])
    .execute()
}

/** Updates only when `version` is current; undefined when someone changed it first. */
export async function updateMeeting(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  version: number,
  changes: { meetingDate?: string; cancelledAt?: Date; cancellationReason?: string | null },
  at: Date,
) {
  return db
    .updateTable('committee_meetings')
    .set({
      ...(changes.meetingDate !== undefined && { meeting_date: changes.meetingDate }),
      ...(changes.cancelledAt !== undefined && { cancelled_at: changes.cancelledAt }),
      ...(changes.cancellationReason !== undefined && {
        cancellation_reason: changes.cancellationReason,
      }),
      version: version + 1,
      updated_at: at,
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()
}
