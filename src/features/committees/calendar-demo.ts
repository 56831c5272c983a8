// The demo council's reporting calendar and reports: committees with a year of meetings, a
// published quarterly Cabinet report for the last complete quarter (with an edited summary) and
// a draft for the current quarter. Built through the reports service, as the performance team
// would, after the rest of the demo council exists.
import type { Kysely } from 'kysely'
import { addDays, periodContaining, previousPeriod } from '../../core/periods.ts'
import type { DB } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'
import { reportFinanceSource } from '../budgets/index.ts'
import { ukDate } from '../../core/dates.ts'
import { renderReport, type ReportKind, createReportService } from '../reports/index.ts'
import * as repo from './committee-repository.ts'

interface DemoCommittee {
  readonly name: string
  readonly description: string
  readonly kinds: readonly ReportKind[]
  /** Months of the year it meets (1 = January) and which Thursday of the month. */
  readonly months: readonly number[]
  readonly thursday: number
}

const COMMITTEES: readonly DemoCommittee[] = [
  {
    name: 'Cabinet',
    description:
      'The council’s executive. Receives the quarterly performance report within six weeks of the quarter’s end.',
    kinds: ['quarterly-performance'],
    months: [2, 5, 8, 11],
    thursday: 2,
  },
  {
    name: 'Overview and Scrutiny Committee',
    description: 'Holds Cabinet to account; reviews performance each quarter after Cabinet.',
    kinds: ['scrutiny'],
    months: [2, 5, 8, 11],
    thursday: 3,
  },
  {
    name: 'Executive Committee',
    description:
      'Chief officers and the Leader: the focus areas the management team chose, every two months.',
    kinds: ['executive'],
    months: [2, 4, 6, 8, 10, 12],
    thursday: 1,
  },
  {
    name: 'Audit and Governance Committee',
    description: 'Risk management, internal audit and the annual governance statement.',
    kinds: ['year-end'],
    months: [1, 3, 7, 9],
    thursday: 4,
  },
]

/** The nth Thursday of a month, as YYYY-MM-DD. */
export function nthThursday(year: number, month: number, n: number): string {
  const first = new Date(Date.UTC(year, month - 1, 1))
  const offset = (4 - first.getUTCDay() + 7) % 7
  return new Date(Date.UTC(year, month - 1, 1 + offset + (n - 1) * 7)).toISOString().slice(0, 10)
}

/** Meetings from four months ago to eight months ahead: a year of dates. */
function meetingDates(committee: DemoCommittee, today: string): string[] {
  const [year = 2026, month = 1] = today.split('-').map(Number)
  const dates: string[] = []
  for (let i = -4; i < 8; i++) {
    const m = (((month - 1 + i) % 12) + 12) % 12
    const y = year + Math.floor((month - 1 + i) / 12)
    if (committee.months.includes(m + 1)) dates.push(nthThursday(y, m + 1, committee.thursday))
  }
  return dates
}

export async function buildDemoCalendar(
  db: Kysely<DB>,
  organisation: { id: string; name: string; slug: string },
  clock: () => Date,
) {
  const today = ukDate(clock())
  const meetings = new Map<string, { id: string; date: string }[]>()
  await db.transaction().execute(async (trx) => {
    for (const [position, committee] of COMMITTEES.entries()) {
      const { id } = await repo.insertCommittee(trx, {
        organisationId: organisation.id,
        name: committee.name,
        description: committee.description,
        reportKinds: [...committee.kinds],
        position,
      })
      const dates = meetingDates(committee, today)
      const rows = await repo.insertMeetings(trx, organisation.id, id, dates)
      meetings.set(
        committee.name,
        rows.map((r, i) => ({ id: r.id, date: dates[i] ?? '' })),
      )
    }
    await healthAndSafetyNode(trx, organisation.id)
  })

  const officer = await db
    .selectFrom('people')
    .select(['id', 'name', 'email'])
    .where('organisation_id', '=', organisation.id)
    .where('email', '=', 'performance@example-city.gov.uk')
    .executeTakeFirstOrThrow()
  const principal: Principal = {
    personId: officer.id,
    organisationId: organisation.id,
    organisationName: organisation.name,
    organisationSlug: organisation.slug,
    name: officer.name,
    email: officer.email,
    roles: [{ role: 'performance_officer', unitId: null }],
  }
  const reports = createReportService({
    db,
    clock,
    render: renderReport,
    finance: reportFinanceSource({ db, clock }),
  })
  const cabinet = meetings.get('Cabinet') ?? []
  const current = periodContaining(today, 'quarterly')
  const last = previousPeriod(current)
  // Each quarter goes to the first Cabinet meeting after it ends.
  const meetingAfter = (end: string) => cabinet.find((m) => m.date > end) ?? null
  const lastMeeting = meetingAfter(last.end)
  // The published report was written and published a week before its meeting (if that has
  // passed), and never before its quarter ended.
  const publishedAt = new Date(
    Math.max(
      Math.min(
        clock().getTime(),
        lastMeeting ? Date.parse(`${addDays(lastMeeting.date, -7)}T10:00:00Z`) : Infinity,
      ),
      Date.parse(`${addDays(last.end, 1)}T10:00:00Z`),
    ),
  )
  const publishedClock = () => publishedAt
  const publisher = createReportService({
    db,
    clock: publishedClock,
    render: renderReport,
    finance: reportFinanceSource({ db, clock: publishedClock }),
  })

  const published = await publisher.create(principal, {
    kind: 'quarterly-performance',
    period: last.label,
    meetingId: lastMeeting?.id ?? null,
    focusNodeIds: [],
  })
  const opened = await publisher.open(principal, published.id)
  const summary = opened.editable.find((p) => p.key === 'summary')
  if (summary) {
    await publisher.saveEdits(principal, published.id, {
      edits: {
        summary: `${summary.text} The exceptions section sets out what officers are doing about each measure off target, and Cabinet is asked to note the report.`,
      },
    })
  }
  await publisher.publish(principal, published.id)
  await reports.create(principal, {
    kind: 'quarterly-performance',
    period: current.label,
    meetingId: meetingAfter(current.end)?.id ?? null,
    focusNodeIds: [],
  })
  return { committees: COMMITTEES.length, reports: 2 }
}

/**
 * A health and safety priority under the enabling purpose, with the sickness absence measure,
 * so the Cabinet report's health and safety section has something to show.
 */
async function healthAndSafetyNode(trx: Kysely<DB>, organisationId: string) {
  const enabling = await trx
    .selectFrom('plan_nodes')
    .select(['id', 'plan_id'])
    .where('organisation_id', '=', organisationId)
    .where('title', '=', 'Enable colleagues to serve residents well')
    .executeTakeFirst()
  const measure = await trx
    .selectFrom('measures')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('code', '=', 'HR01')
    .executeTakeFirst()
  if (!enabling || !measure) return
  const node = await trx
    .insertInto('plan_nodes')
    .values({
      organisation_id: organisationId,
      plan_id: enabling.plan_id,
      parent_id: enabling.id,
      title: 'Health and safety at work: keep colleagues healthy and safe',
      position: 99,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await trx
    .insertInto('node_links')
    .values({
      organisation_id: organisationId,
      node_id: node.id,
      item_kind: 'measure',
      item_id: measure.id,
    })
    .execute()
}
