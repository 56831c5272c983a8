import type { Insertable, Kysely } from 'kysely'
import type { DB, ReportsTable } from '../../db/schema.ts'

export type ReportRow = Awaited<ReturnType<typeof findReport>> & {}

export interface ReportFilters {
  readonly kind?: string | undefined
  readonly status?: 'draft' | 'published' | undefined
  readonly meetingId?: string | undefined
}

const columns = [
  'r.id',
  'r.organisation_id',
  'r.kind',
  'r.title',
  'r.period_frequency',
  'r.period_start',
  'r.scope_id',
  'r.focus_node_ids',
  'r.meeting_id',
  'r.status',
  'r.edits',
  'r.created_by',
  'r.published_by',
  'r.published_at',
  'r.version',
  'r.created_at',
  'r.updated_at',
  'm.meeting_date',
  'c.name as committee_name',
  'c.id as committee_id',
] as const

function base(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('reports as r')
    .leftJoin('committee_meetings as m', 'm.id', 'r.meeting_id')
    .leftJoin('committees as c', 'c.id', 'm.committee_id')
    .select(columns)
    .where('r.organisation_id', '=', organisationId)
}

export async function findReport(db: Kysely<DB>, organisationId: string, id: string) {
  return base(db, organisationId).where('r.id', '=', id).executeTakeFirst()
}

export async function listReports(db: Kysely<DB>, organisationId: string, f: ReportFilters) {
  let query = base(db, organisationId)
  if (f.kind) query = query.where('r.kind', '=', f.kind)
  if (f.status) query = query.where('r.status', '=', f.status)
  if (f.meetingId) query = query.where('r.meeting_id', '=', f.meetingId)
  return query.orderBy('r.period_start', 'desc').orderBy('r.created_at', 'desc').execute()
}

/** The frozen document of a published report. */
export async function findDocument(db: Kysely<DB>, organisationId: string, id: string) {
  const row = await db
    .selectFrom('reports')
    .select('document')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row?.document ?? null
}

export async function insertReport(
  db: Kysely<DB>,
  row: Omit<Insertable<ReportsTable>, 'status' | 'document' | 'edits'>,
) {
  return db.insertInto('reports').values(row).returning('id').executeTakeFirstOrThrow()
}

/** Writes the edits if the report is still the version read; false when someone else changed it. */
export async function updateEdits(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  version: number,
  edits: Readonly<Record<string, string>>,
  at: Date,
) {
  const result = await db
    .updateTable('reports')
    .set({ edits: JSON.stringify(edits), version: version + 1, updated_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function markPublished(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  version: number,
  fields: { document: unknown; publishedBy: string | null; at: Date },
) {
  const result = await db
    .updateTable('reports')
    .set({
      status: 'published',
      document: JSON.stringify(fields.document),
      published_by: fields.publishedBy,
      published_at: fields.at,
      updated_at: fields.at,
      version: (eb) => eb('version', '+', 1),
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function insertFiles(
  db: Kysely<DB>,
  organisationId: string,
  reportId: string,
  files: readonly { format: string; contentType: string; body: Buffer }[],
) {
  await db
    .insertInto('report_files')
    .values(
      files.map((f) => ({
        organisation_id: organisationId,
        report_id: reportId,
        format: f.format,
        content_type: f.contentType,
        body: f.body.toString('base64'),
      })),
    )
    .execute()
}

export async function findFile(
  db: Kysely<DB>,
  organisationId: string,
  reportId: string,
  format: string,
) {
  const row = await db
    .selectFrom('report_files')
    .select(['content_type', 'body'])
    .where('organisation_id', '=', organisationId)
    .where('report_id', '=', reportId)
    .where('format', '=', format)
    .executeTakeFirst()
  return row && { contentType: row.content_type, body: Buffer.from(row.body, 'base64') }
}

export async function findNode(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('plan_nodes')
    .select(['id', 'title', 'parent_id'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function findMeeting(db: Kysely<DB>, organisationId: string, id: string) {
  return db
    .selectFrom('committee_meetings as m')
    .innerJoin('committees as c', 'c.id', 'm.committee_id')
    .select([
      'm.id',
      'm.meeting_date',
      'm.cancelled_at',
      'c.name as committee_name',
      'c.id as committee_id',
    ])
    .where('m.organisation_id', '=', organisationId)
    .where('m.id', '=', id)
    .executeTakeFirst()
}
