import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { recordAudit, actorOf } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import { ukDate } from '../../core/dates.ts'
import {
  KINDS,
  isReportKind,
  type ReportKind,
  canManageReports,
  canViewCalendar,
  type ReportService,
} from '../reports/index.ts'
import * as repo from './committee-repository.ts'
import type {
  CommitteeChanges,
  CommitteeInput,
  MeetingCancellation,
  MeetingChanges,
  MeetingInput,
} from './committee-schemas.ts'

export interface CommitteeDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly reports: ReportService
}

const kindsOf = (value: unknown): ReportKind[] =>
  Array.isArray(value)
    ? value.filter((v): v is ReportKind => typeof v === 'string' && isReportKind(v))
    : []

function presentCommittee(row: Awaited<ReturnType<typeof repo.listCommittees>>[number]) {
  const reportKinds = kindsOf(row.report_kinds)
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    reportKinds,
    reportKindNames: reportKinds.map((k) => KINDS[k].name),
    version: row.version,
  }
}
export type CommitteeView = ReturnType<typeof presentCommittee>

export type MeetingStatus = 'scheduled' | 'cancelled'

function presentMeeting(row: {
  id: string
  committee_id: string
  meeting_date: string
  version: number
  cancelled_at: Date | null
  cancellation_reason: string | null
}) {
  const status: MeetingStatus = row.cancelled_at ? 'cancelled' : 'scheduled'
  return {
    id: row.id,
    committeeId: row.committee_id,
    date: row.meeting_date,
    status,
    cancellationReason: row.cancellation_reason,
    version: row.version,
  }
}
export type MeetingView = ReturnType<typeof presentMeeting>

const stale = (what: string) =>
  new Conflict(`Someone else changed this ${what} since you opened it. Reload it and try again.`)

const kindNames = (kinds: readonly ReportKind[]) =>
  kinds.length ? kinds.map((k) => KINDS[k].name).join(', ') : 'none'

export type CommitteeService = ReturnType<typeof createCommitteeService>

/** The reporting calendar: committees, their meetings, the reports due and those made for each. */
export function createCommitteeService({ db, clock, reports }: CommitteeDeps) {
  function requireReader(principal: Principal) {
    if (!canViewCalendar(principal) && !canManageReports(principal)) throw new Forbidden()
  }
  function requireManager(principal: Principal) {
    if (!canManageReports(principal)) throw new Forbidden()
  }

  async function requireCommittee(principal: Principal, id: string) {
    requireReader(principal)
    const row = await repo.findCommittee(db, principal.organisationId, id)
    if (!row) throw new NotFound('Committee not found')
    return presentCommittee(row)
  }

  /** Meetings with the report kinds due at each and the reports made for it. */
  async function meetingsWithReports(
    principal: Principal,
    filters: { committeeId?: string; from?: string; to?: string },
  ) {
    const meetings = await repo.listMeetings(db, principal.organisationId, filters)
    const made = await reports.list(principal)
    return meetings.map((m) => {
      // Nothing is due at a cancelled meeting; reports already made for it stay listed.
      const due = m.cancelled_at ? [] : kindsOf(m.report_kinds)
      const own = made.filter((r) => r.meeting?.id === m.id)
      return {
        ...presentMeeting(m),
        committee: m.committee,
        due: due.map((kind) => ({
          kind,
          name: KINDS[kind].name,
          made: own.some((r) => r.kind === kind),
        })),
        reports: own,
      }
    })
  }

  async function requireMeeting(principal: Principal, committeeId: string, meetingId: string) {
    const committee = await requireCommittee(principal, committeeId)
    const row = await repo.findMeeting(db, principal.organisationId, committeeId, meetingId)
    if (!row) throw new NotFound('Meeting not found')
    return { committee, meeting: presentMeeting(row) }
  }

  return {
    requireCommittee,
    requireMeeting,

    /** For the change form: the committee, when this person may change it. */
    async editableCommittee(principal: Principal, id: string) {
      requireManager(principal)
      return requireCommittee(principal, id)
    },

    /** For the forms that move or cancel a meeting: a cancelled one is neither moved nor cancelled again. */
    async editableMeeting(principal: Principal, committeeId: string, meetingId: string) {
      requireManager(principal)
      const found = await requireMeeting(principal, committeeId, meetingId)
      if (found.meeting.status === 'cancelled') throw new Conflict('The meeting is cancelled')
      return found
    },

    async list(principal: Principal) {
      requireReader(principal)
      return (await repo.listCommittees(db, principal.organisationId)).map(presentCommittee)
    },

    /** The calendar from a month ago to a year ahead. */
    async calendar(principal: Principal) {
      requireReader(principal)
      const today = ukDate(clock())
      const from = new Date(`${today}T00:00:00Z`)
      from.setUTCMonth(from.getUTCMonth() - 1)
      const to = new Date(`${today}T00:00:00Z`)
      to.setUTCFullYear(to.getUTCFullYear() + 1)
      return meetingsWithReports(principal, {
        from: from.toISOString().slice(0, 10),
        to: to.toISOString().slice(0, 10),
      })
    },

    async detail(principal: Principal, id: string) {
      const committee = await requireCommittee(principal, id)
      return { committee, meetings: await meetingsWithReports(principal, { committeeId: id }) }
    },

    async create(principal: Principal, input: CommitteeInput) {
      requireManager(principal)
      const org = principal.organisationId
      if (await repo.findCommitteeByName(db, org, input.name)) {
        throw Invalid.field('name', `There is already a committee called ${input.name}`)
      }
      const position = (await repo.listCommittees(db, org)).length
      const id = await db.transaction().execute(async (trx) => {
        const { id } = await repo.insertCommittee(trx, {
          organisationId: org,
          name: input.name,
          description: input.description ?? null,
          reportKinds: [...new Set(input.reportKinds)],
          position,
        })
        await recordAudit(
          trx,
          {
            organisationId: org,
            actor: actorOf(principal),
            action: 'created',
            itemType: 'committee',
            itemId: id,
            summary: `Committee added: ${input.name}`,
            after: input,
          },
          clock,
        )
        return id
      })
      return requireCommittee(principal, id)
    },

    async addMeeting(principal: Principal, committeeId: string, input: MeetingInput) {
      requireManager(principal)
      const committee = await requireCommittee(principal, committeeId)
      const org = principal.organisationId
      if (await repo.findMeetingOn(db, org, committeeId, input.meetingDate)) {
        throw Invalid.field('meetingDate', `${committee.name} already meets on that date`)
      }
      return db.transaction().execute(async (trx) => {
        const [row] = await repo.insertMeetings(trx, org, committeeId, [input.meetingDate])
        await recordAudit(
          trx,
          {
            organisationId: org,
            actor: actorOf(principal),
            action: 'meeting_added',
            itemType: 'committee',
            itemId: committeeId,
            summary: `Meeting of ${committee.name} added on ${input.meetingDate}`,
            after: input,
          },
          clock,
        )
        return {
          id: row?.id ?? '',
          committeeId,
          date: input.meetingDate,
          status: 'scheduled' as MeetingStatus,
          cancellationReason: null,
          version: row?.version ?? 1,
        }
      })
    },

    /** Changes the fields sent; the name stays unique in the organisation. */
    async update(principal: Principal, id: string, changes: CommitteeChanges) {
      requireManager(principal)
      const before = await requireCommittee(principal, id)
      if (changes.version !== before.version) throw stale('committee')
      const org = principal.organisationId
      if (
        changes.name !== undefined &&
        (await repo.findCommitteeByName(db, org, changes.name, id))
      ) {
        throw Invalid.field('name', `There is already a committee called ${changes.name}`)
      }
      const reportKinds = changes.reportKinds && [...new Set(changes.reportKinds)]
      await db.transaction().execute(async (trx) => {
        const row = await repo.updateCommittee(
          trx,
          org,
          id,
          before.version,
          {
            ...(changes.name !== undefined && { name: changes.name }),
            ...(changes.description !== undefined && { description: changes.description }),
            ...(reportKinds && { reportKinds }),
          },
          clock(),
        )
        if (!row) throw stale('committee')
        const after = presentCommittee(row)
        const changed = [
          after.name !== before.name && `renamed from ${before.name}`,
          after.description !== before.description && 'description changed',
          after.reportKinds.join() !== before.reportKinds.join() &&
            `reports due now ${kindNames(after.reportKinds)} (were ${kindNames(before.reportKinds)})`,
        ].filter(Boolean)
        await recordAudit(
          trx,
          {
            organisationId: org,
            actor: actorOf(principal),
            action: 'updated',
            itemType: 'committee',
            itemId: id,
            summary: `Committee ${after.name} changed${changed.length ? `: ${changed.join('; ')}` : ''}`,
            before: {
              name: before.name,
              description: before.description,
              reportKinds: before.reportKinds,
            },
            after: {
              name: after.name,
              description: after.description,
              reportKinds: after.reportKinds,
            },
          },
          clock,
        )
      })
      return requireCommittee(principal, id)
    },

    /** Moves a meeting to another date; a cancelled meeting stays where it was. */
    async changeMeeting(
      principal: Principal,
      committeeId: string,
      meetingId: string,
      changes: MeetingChanges,
    ) {
      requireManager(principal)
      const { committee, meeting } = await requireMeeting(principal, committeeId, meetingId)
      if (changes.version !== meeting.version) throw stale('meeting')
      if (meeting.status === 'cancelled') {
        throw new Conflict('The meeting is cancelled: add a meeting on the new date instead')
      }
      const org = principal.organisationId
      const clash = await repo.findMeetingOn(db, org, committeeId, changes.meetingDate)
      if (clash && clash.id !== meetingId) {
        throw Invalid.field('meetingDate', `${committee.name} already meets on that date`)
      }
      return db.transaction().execute(async (trx) => {
        const row = await repo.updateMeeting(
          trx,
          org,
          meetingId,
          meeting.version,
          { meetingDate: changes.meetingDate },
          clock(),
        )
        if (!row) throw stale('meeting')
        await recordAudit(
          trx,
          {
            organisationId: org,
            actor: actorOf(principal),
            action: 'meeting_changed',
            itemType: 'committee',
            itemId: committeeId,
            summary: `Meeting of ${committee.name} moved from ${meeting.date} to ${changes.meetingDate}`,
            before: { meetingId, meetingDate: meeting.date },
            after: { meetingId, meetingDate: changes.meetingDate },
          },
          clock,
        )
        return presentMeeting(row)
      })
    },

    /** Cancels a meeting: it stays on the calendar as cancelled, with nothing due at it. */
    async cancelMeeting(
      principal: Principal,
      committeeId: string,
      meetingId: string,
      input: MeetingCancellation,
    ) {
      requireManager(principal)
      const { committee, meeting } = await requireMeeting(principal, committeeId, meetingId)
      if (input.version !== meeting.version) throw stale('meeting')
      if (meeting.status === 'cancelled') throw new Conflict('The meeting is cancelled already')
      const org = principal.organisationId
      const reason = input.reason
      return db.transaction().execute(async (trx) => {
        const row = await repo.updateMeeting(
          trx,
          org,
          meetingId,
          meeting.version,
          { cancelledAt: clock(), cancellationReason: reason },
          clock(),
        )
        if (!row) throw stale('meeting')
        await recordAudit(
          trx,
          {
            organisationId: org,
            actor: actorOf(principal),
            action: 'meeting_cancelled',
            itemType: 'committee',
            itemId: committeeId,
            summary: `Meeting of ${committee.name} on ${meeting.date} cancelled${reason ? `: ${reason}` : ''}`,
            before: { meetingId, meetingDate: meeting.date, status: meeting.status },
            after: { meetingId, meetingDate: meeting.date, status: 'cancelled', reason },
          },
          clock,
        )
        return presentMeeting(row)
      })
    },
  }
}
