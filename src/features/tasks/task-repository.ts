import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'

/** Project updates returned to the person who wrote or submitted them. */
export async function updatesReturnedTo(db: Kysely<DB>, organisationId: string, personId: string) {
  return db
    .selectFrom('project_updates as u')
    .innerJoin('projects as p', 'p.id', 'u.project_id')
    .select(['u.id', 'u.project_id', 'u.returned_reason', 'p.title as project_title'])
    .where('u.organisation_id', '=', organisationId)
    .where('u.status', '=', 'returned')
    .where((eb) => eb.or([eb('u.author_id', '=', personId), eb('u.submitted_by', '=', personId)]))
    .orderBy('u.month')
    .execute()
}

/** Open risks this person owns whose review falls due by `until`. */
export async function reviewsDue(
  db: Kysely<DB>,
  organisationId: string,
  personId: string,
  until: string,
) {
  return db
    .selectFrom('risks')
    .select(['id', 'reference', 'title', 'next_review_date'])
    .where('organisation_id', '=', organisationId)
    .where('owner_id', '=', personId)
    .where('status', '=', 'open')
    .where('next_review_date', 'is not', null)
    .where('next_review_date', '<=', until)
    .orderBy('next_review_date')
    .execute()
}

/** Milestones past their date on projects this person manages or is the SRO of. */
export async function milestonesOverdue(
  db: Kysely<DB>,
  organisationId: string,
  personId: string,
  today: string,
) {
  return (
    db
      .selectFrom('project_milestones as m')
      .innerJoin('projects as p', 'p.id', 'm.project_id')
      .select(['m.id', 'm.title', 'm.due_date', 'm.project_id', 'p.title as project_title'])
      .where('m.organisation_id', '=', organisationId)
      .where('m.status', '!=', 'completed')
      // A milestone with no date set is never overdue.
      .where('m.due_date', 'is not', null)
      .where('m.due_date', '<', today)
      .$narrowType<{ due_date: string }>()
      .where((eb) =>
        eb.or([
          eb('p.manager_id', '=', personId),
          eb.and([eb('p.manager_id', 'is', null), eb('p.sro_id', '=', personId)]),
        ]),
      )
      .orderBy('m.due_date')
      .execute()
  )
}

/**
 * Draft reports for a meeting between `from` and `until`: this person's own, or every one
 * (`personId` null) for the performance team who assemble them.
 */
export async function reportsToWrite(
  db: Kysely<DB>,
  organisationId: string,
  personId: string | null,
  from: string,
  until: string,
) {
  let query = db
    .selectFrom('reports as r')
    .innerJoin('committee_meetings as m', 'm.id', 'r.meeting_id')
    .innerJoin('committees as c', 'c.id', 'm.committee_id')
    .select(['r.id', 'r.title', 'm.meeting_date', 'c.name as committee_name'])
    .where('r.organisation_id', '=', organisationId)
    .where('r.status', '=', 'draft')
    .where('m.meeting_date', '>=', from)
    .where('m.meeting_date', '<=', until)
  if (personId !== null) query = query.where('r.created_by', '=', personId)
  return query.orderBy('m.meeting_date').execute()
}
