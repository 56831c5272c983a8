import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { Forbidden, Invalid, NotFound } from '../../errors.ts'
import { recordAudit } from '../audit/audit-service.ts'
import type { Principal } from '../auth/principal.ts'
import { ukDate } from '../measures/measure-store.ts'
import { actorOf } from '../organisation/organisation-service.ts'
import { KINDS, isReportKind, type ReportKind } from '../reports/report-kinds.ts'
import { canManageReports, canViewCalendar } from '../reports/report-policy.ts'
import type { ReportService } from '../reports/report-service.ts'
import * as repo from './committee-repository.ts'
import type { CommitteeInput, MeetingInput } from './committee-schemas.ts'

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
  }
}
export type CommitteeView = ReturnType<typeof presentCommittee>

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
      const due = kindsOf(m.report_kinds)
      const own = made.filter((r) => r.meeting?.id === m.id)
      return {
        id: m.id,
        committeeId: m.committee_id,
        committee: m.committee,
        date: m.meeting_date,
        due: due.map((kind) => ({
          kind,
          name: KINDS[kind].name,
          made: own.some((r) => r.kind === kind),
        })),
        reports: own,
      }
    })
  }

  return {
    requireCommittee,

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
        return { id: row?.id ?? '', committeeId, date: input.meetingDate }
      })
    },
  }
}
