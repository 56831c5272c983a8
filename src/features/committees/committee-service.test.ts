import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { parseInput } from '../../web/fields.ts'
import type { Principal } from '../../core/principal.ts'
import { CommitteeChanges, MeetingInput } from './committee-schemas.ts'

/** Everything a refused change could have touched: committees, meetings and the audit trail. */
async function state(ctx: TestContext, organisationId: string) {
  const db = ctx.database.db
  const [committees, meetings, audit] = await Promise.all([
    db.selectFrom('committees').selectAll().where('organisation_id', '=', organisationId).execute(),
    db
      .selectFrom('committee_meetings')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('audit_records')
      .select('seq')
      .where('organisation_id', '=', organisationId)
      .execute(),
  ])
  return JSON.stringify({ committees, meetings, audit: audit.length })
}

async function lastAudit(ctx: TestContext, organisationId: string) {
  return ctx.database.db
    .selectFrom('audit_records')
    .select(['action', 'item_type', 'item_id', 'summary', 'before', 'after'])
    .where('organisation_id', '=', organisationId)
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow()
}

for (const mode of testModes()) {
  describe(`committee changes (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let officer: Principal
    let viewer: Principal
    let outsider: Principal
    let cabinetId: string
    let scrutinyId: string

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2026-03-02T10:00:00Z')
      org = await ctx.organisation()
      const other = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer' })
      viewer = await ctx.person(org, { role: 'viewer' })
      outsider = await ctx.person(other, { role: 'administrator' })
      const committees = ctx.services.committees
      cabinetId = (
        await committees.create(officer, {
          name: 'Cabinet',
          reportKinds: ['quarterly-performance'],
        })
      ).id
      scrutinyId = (
        await committees.create(officer, {
          name: 'Overview and Scrutiny Committee',
          reportKinds: ['scrutiny'],
        })
      ).id
    })
    after(() => ctx.close())

    it('changes a committee’s name, description and reports due, with an audit record', async () => {
      const committees = ctx.services.committees
      const before = await committees.requireCommittee(viewer, cabinetId)
      assert.equal(before.version, 1)
      const changed = await committees.update(
        officer,
        cabinetId,
        parseInput(CommitteeChanges, {
          version: 1,
          name: 'Executive',
          description: 'The council’s executive',
          reportKinds: ['quarterly-performance', 'year-end'],
        }),
      )
      assert.equal(changed.name, 'Executive')
      assert.equal(changed.description, 'The council’s executive')
      assert.deepEqual(changed.reportKinds, ['quarterly-performance', 'year-end'])
      assert.equal(changed.version, 2)
      const audit = await lastAudit(ctx, org.id)
      assert.equal(audit.action, 'updated')
      assert.equal(audit.item_type, 'committee')
      assert.equal(audit.item_id, cabinetId)
      assert.match(audit.summary, /Committee Executive changed: renamed from Cabinet/)
      assert.deepEqual(audit.before, {
        name: 'Cabinet',
        description: null,
        reportKinds: ['quarterly-performance'],
      })
      assert.deepEqual(audit.after, {
        name: 'Executive',
        description: 'The council’s executive',
        reportKinds: ['quarterly-performance', 'year-end'],
      })
    })

    it('changes only the fields sent, and lets a committee rewrite its own name', async () => {
      const changed = await ctx.services.committees.update(officer, cabinetId, {
        version: 2,
        name: 'EXECUTIVE',
      })
      assert.equal(changed.name, 'EXECUTIVE')
      assert.equal(changed.description, 'The council’s executive')
      assert.deepEqual(changed.reportKinds, ['quarterly-performance', 'year-end'])
      const cleared = await ctx.services.committees.update(officer, cabinetId, {
        version: 3,
        name: 'Executive',
        description: null,
        reportKinds: [],
      })
      assert.equal(cleared.description, null)
      assert.deepEqual(cleared.reportKinds, [])
      assert.equal(cleared.version, 4)
    })

    it('refuses another committee’s name, a stale version and a viewer, writing nothing', async () => {
      const committees = ctx.services.committees
      const snapshot = await state(ctx, org.id)
      await assert.rejects(
        committees.update(officer, cabinetId, {
          version: 4,
          name: 'overview and scrutiny committee',
        }),
        (error) =>
          error instanceof Invalid &&
          error.fields[0]?.field === 'name' &&
          /already a committee called/.test(error.message),
      )
      await assert.rejects(
        committees.update(officer, cabinetId, { version: 3, name: 'Stale' }),
        Conflict,
      )
      await assert.rejects(
        committees.update(viewer, cabinetId, { version: 4, name: 'V' }),
        Forbidden,
      )
      await assert.rejects(
        committees.update(outsider, cabinetId, { version: 4, name: 'Intruder' }),
        NotFound,
      )
      assert.equal(await state(ctx, org.id), snapshot)
    })

    it('moves a meeting, keeping the reports made for it, with an audit record', async () => {
      const committees = ctx.services.committees
      const meeting = await committees.addMeeting(officer, scrutinyId, {
        meetingDate: '2026-04-16',
      })
      assert.equal(meeting.version, 1)
      assert.equal(meeting.status, 'scheduled')
      const report = await ctx.services.reports.create(officer, {
        kind: 'scrutiny',
        period: '2025/26 Q3',
        meetingId: meeting.id,
        focusNodeIds: [],
      })
      const moved = await committees.changeMeeting(officer, scrutinyId, meeting.id, {
        version: 1,
        meetingDate: '2026-04-23',
      })
      assert.deepEqual(moved, {
        id: meeting.id,
        committeeId: scrutinyId,
        date: '2026-04-23',
        status: 'scheduled',
        cancellationReason: null,
        version: 2,
      })
      // A draft: the performance team sees it.
      const detail = await committees.detail(officer, scrutinyId)
      assert.deepEqual(
        detail.meetings.map((m) => [m.date, m.reports.map((r) => r.id)]),
        [['2026-04-23', [report.id]]],
      )
      const audit = await lastAudit(ctx, org.id)
      assert.equal(audit.action, 'meeting_changed')
      assert.equal(audit.item_id, scrutinyId)
      assert.match(audit.summary, /moved from 2026-04-16 to 2026-04-23/)
      assert.deepEqual(audit.before, { meetingId: meeting.id, meetingDate: '2026-04-16' })
    })

    it('refuses a clashing date, a stale version, a viewer and another committee’s meeting, writing nothing', async () => {
      const committees = ctx.services.committees
      const [meeting] = (await committees.detail(viewer, scrutinyId)).meetings
      assert.ok(meeting)
      const other = await committees.addMeeting(officer, scrutinyId, { meetingDate: '2026-06-18' })
      const snapshot = await state(ctx, org.id)
      await assert.rejects(
        committees.changeMeeting(officer, scrutinyId, meeting.id, {
          version: 2,
          meetingDate: '2026-06-18',
        }),
        (error) => error instanceof Invalid && error.fields[0]?.field === 'meetingDate',
      )
      await assert.rejects(
        committees.changeMeeting(officer, scrutinyId, meeting.id, {
          version: 1,
          meetingDate: '2026-05-01',
        }),
        Conflict,
      )
      await assert.rejects(
        committees.changeMeeting(viewer, scrutinyId, meeting.id, {
          version: 2,
          meetingDate: '2026-05-01',
        }),
        Forbidden,
      )
      // The meeting exists, but not under this committee.
      await assert.rejects(
        committees.changeMeeting(officer, cabinetId, other.id, {
          version: 1,
          meetingDate: '2026-05-01',
        }),
        NotFound,
      )
      await assert.rejects(
        committees.cancelMeeting(outsider, scrutinyId, meeting.id, {
          version: 2,
          reason: 'No business to transact',
        }),
        NotFound,
      )
      assert.equal(await state(ctx, org.id), snapshot)
    })

    it('cancels a meeting: it stays listed as cancelled with nothing due, and cannot be moved', async () => {
      const committees = ctx.services.committees
      const meeting = await committees.addMeeting(officer, scrutinyId, {
        meetingDate: '2026-07-16',
      })
      const cancelled = await committees.cancelMeeting(officer, scrutinyId, meeting.id, {
        version: 1,
        reason: 'No business to transact',
      })
      assert.equal(cancelled.status, 'cancelled')
      assert.equal(cancelled.cancellationReason, 'No business to transact')
      assert.equal(cancelled.version, 2)
      const listed = (await committees.calendar(viewer)).find((m) => m.id === meeting.id)
      assert.equal(listed?.status, 'cancelled')
      assert.deepEqual(listed.due, [])
      const held = (await committees.calendar(viewer)).find((m) => m.date === '2026-06-18')
      assert.deepEqual(
        held?.due.map((d) => d.kind),
        ['scrutiny'],
      )
      const audit = await lastAudit(ctx, org.id)
      assert.equal(audit.action, 'meeting_cancelled')
      assert.match(audit.summary, /on 2026-07-16 cancelled: No business to transact/)

      const snapshot = await state(ctx, org.id)
      await assert.rejects(
        committees.cancelMeeting(officer, scrutinyId, meeting.id, {
          version: 2,
          reason: 'No business to transact',
        }),
        Conflict,
      )
      await assert.rejects(
        committees.changeMeeting(officer, scrutinyId, meeting.id, {
          version: 2,
          meetingDate: '2026-07-23',
        }),
        Conflict,
      )
      await assert.rejects(
        committees.cancelMeeting(viewer, scrutinyId, meeting.id, {
          version: 2,
          reason: 'No business to transact',
        }),
        Forbidden,
      )
      assert.equal(await state(ctx, org.id), snapshot)
    })

    it('offers no cancelled meeting for a new report, and refuses one sent anyway', async () => {
      const committees = ctx.services.committees
      const held = await committees.addMeeting(officer, cabinetId, { meetingDate: '2026-09-10' })
      const dropped = await committees.addMeeting(officer, cabinetId, { meetingDate: '2026-09-24' })
      await committees.cancelMeeting(officer, cabinetId, dropped.id, {
        version: 1,
        reason: 'No business to transact',
      })
      const offered = (await ctx.services.reports.choices(officer)).meetings.map((m) => m.id)
      assert.ok(offered.includes(held.id))
      assert.ok(!offered.includes(dropped.id))
      const before = await ctx.database.db.selectFrom('reports').select('id').execute()
      await assert.rejects(
        ctx.services.reports.create(officer, {
          kind: 'quarterly-performance',
          period: '2025/26 Q3',
          meetingId: dropped.id,
          focusNodeIds: [],
        }),
        (e: unknown) =>
          e instanceof Invalid && e.fields[0]?.field === 'meetingId' && /cancelled/.test(e.message),
      )
      const after = await ctx.database.db.selectFrom('reports').select('id').execute()
      assert.equal(after.length, before.length)
    })

    it('refuses a date that does not exist rather than rolling it over', () => {
      assert.throws(() => parseInput(MeetingInput, { meetingDate: '2026-02-30' }), Invalid)
      assert.equal(
        parseInput(MeetingInput, { meetingDate: '2028-02-29' }).meetingDate,
        '2028-02-29',
      )
    })
  })
}
