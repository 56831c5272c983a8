import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { ReviewInput } from './appraisal-schemas.ts'

type Person = Principal & { email: string }

const CYCLE = {
  year: 2025,
  objectivesOpens: '2025-04-01',
  objectivesCloses: '2025-05-31',
  midYearOpens: '2025-10-01',
  midYearCloses: '2025-11-30',
  yearEndOpens: '2026-04-01',
  yearEndCloses: '2026-05-31',
}

async function rejectsWith(
  promise: Promise<unknown>,
  kind: abstract new (...args: never[]) => Error,
  text?: RegExp,
) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`)
    if (text)
      assert.match(
        error.message + JSON.stringify((error as { fields?: unknown }).fields ?? ''),
        text,
      )
    return true
  })
}

for (const mode of testModes()) {
  describe(`appraisals and individual objectives (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let admin: Person
    let officer: Person
    let director: Person
    let manager: Person
    let staff: Person
    let colleague: Person
    let councillor: Person
    let partner: Person
    let teamNodeId: string
    let foreignNodeId: string
    let cycleId: string
    let appraisalId: string

    const at = (iso: string) => (ctx.clock.now = new Date(`${iso}T10:00:00Z`))
    const count = async (table: 'objectives' | 'appraisals' | 'audit_records') =>
      Number(
        (
          await ctx.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('organisation_id', '=', org.id)
            .executeTakeFirstOrThrow()
        ).n,
      )

    before(async () => {
      ctx = await createTestContext(mode)
      const framework = ctx.services.framework
      const other = await ctx.organisation('Elsewhere')
      const otherOfficer = await ctx.person(other, { role: 'performance_officer' })
      const otherPlan = await framework.createPlan(otherOfficer, {
        title: 'Their plan',
        kind: 'city',
        firstYear: '2024/25',
        lastYear: '2028/29',
        status: 'active',
        levels: ['Theme'],
      })
      foreignNodeId = (await framework.createNode(otherOfficer, otherPlan.id, { title: 'Theirs' }))
        .id
    })
    after(() => ctx.close())

    /**
     * Each case's own council, in March 2025: an administrator, the performance officer, a
     * director who manages Mo Manager, who manages Sam Staff and Cal Colleague, a councillor, and
     * a team plan whose objective contributes to the City Plan's theme.
     */
    async function freshCouncil() {
      at('2025-03-20')
      org = await ctx.organisation()
      admin = await ctx.person(org, { role: 'administrator', name: 'Ada Admin' })
      officer = await ctx.person(org, { role: 'performance_officer', name: 'Pat Performance' })
      director = await ctx.person(org, { role: 'viewer', unit: 'place', name: 'Dee Director' })
      manager = await ctx.person(org, {
        role: 'approver',
        unit: 'waste',
        roleUnit: 'waste',
        name: 'Mo Manager',
      })
      staff = await ctx.person(org, {
        role: 'data_entry',
        unit: 'waste',
        roleUnit: 'waste',
        name: 'Sam Staff',
      })
      colleague = await ctx.person(org, { role: 'viewer', unit: 'waste', name: 'Cal Colleague' })
      councillor = await ctx.person(org, { role: 'councillor', name: 'Cllr Cora' })
      partner = await ctx.person(org, { role: 'partner', unit: 'waste', name: 'Pam Partner' })
      const organisation = ctx.services.organisation
      await organisation.updatePerson(admin, manager.personId, { lineManagerId: director.personId })
      await organisation.updatePerson(admin, staff.personId, { lineManagerId: manager.personId })
      await organisation.updatePerson(admin, colleague.personId, {
        lineManagerId: manager.personId,
      })

      const framework = ctx.services.framework
      const city = await framework.createPlan(officer, {
        title: 'City Plan',
        kind: 'city',
        firstYear: '2024/25',
        lastYear: '2028/29',
        status: 'active',
        levels: ['Theme', 'Outcome'],
        vision: 'A good life for everyone',
      })
      const theme = await framework.createNode(officer, city.id, { title: 'Clean streets' })
      const team = await framework.createPlan(officer, {
        title: 'Waste Collection Team Plan 2025/26',
        kind: 'team',
        firstYear: '2025/26',
        lastYear: '2025/26',
        status: 'active',
        ownerUnitId: org.units.waste,
        parentPlanId: city.id,
        levels: ['Team objective'],
      })
      teamNodeId = (
        await framework.createNode(officer, team.id, {
          title: 'Every bin collected on the right day',
          contributesToId: theme.id,
        })
      ).id
    }

    /** The 2025/26 cycle opened in March; Sam's appraisal in it; then 10 April. */
    async function opened() {
      await freshCouncil()
      cycleId = (await ctx.services.appraisals.openCycle(officer, CYCLE)).id
      appraisalId = (await ctx.services.appraisals.mine(staff))[0]?.id ?? ''
      at('2025-04-10')
    }

    /** Opened, with Sam's objective under the team plan's. */
    async function withObjective() {
      await opened()
      await ctx.services.appraisals.addObjective(staff, appraisalId, {
        title: 'Cut missed collections on my rounds',
        successMeasure: 'Fewer than 40 missed bins per 100,000',
        dueDate: '2026-03-31',
        nodeId: teamNodeId,
      })
    }

    /** With the objective agreed by Sam's manager. */
    async function agreed() {
      await withObjective()
      await ctx.services.appraisals.agree(manager, appraisalId)
    }

    /** Agreed, reviewed at mid-year (3) and year end (4) by both on time, and signed off. */
    async function signedOff() {
      await agreed()
      at('2025-10-10')
      for (const by of [staff, manager])
        await ctx.services.appraisals.review(by, appraisalId, 'mid_year', {
          rating: 3,
          comment: 'x',
        })
      at('2026-04-10')
      for (const by of [staff, manager])
        await ctx.services.appraisals.review(by, appraisalId, 'year_end', {
          rating: 4,
          comment: 'x',
        })
      await ctx.services.appraisals.signOff(manager, appraisalId)
    }

    it('refuses a line manager loop and a person managing themselves, writing nothing', async () => {
      await freshCouncil()
      const organisation = ctx.services.organisation
      await rejectsWith(
        organisation.updatePerson(admin, director.personId, { lineManagerId: staff.personId }),
        Invalid,
        /managed by this person/,
      )
      await rejectsWith(
        organisation.updatePerson(admin, staff.personId, { lineManagerId: staff.personId }),
        Invalid,
        /own line manager/,
      )
      assert.equal((await organisation.getPerson(admin, director.personId)).lineManagerId, null)
    })

    it('lets only the performance team open a cycle, with windows in order, once a year', async () => {
      await freshCouncil()
      await rejectsWith(ctx.services.appraisals.openCycle(staff, CYCLE), Forbidden)
      await rejectsWith(
        ctx.services.appraisals.openCycle(officer, { ...CYCLE, midYearOpens: '2025-05-01' }),
        Invalid,
        /mid-year/,
      )
      assert.equal(await count('appraisals'), 0)
      const cycle = await ctx.services.appraisals.openCycle(officer, CYCLE)
      assert.equal(cycle.label, '2025/26')
      await rejectsWith(
        ctx.services.appraisals.openCycle(officer, CYCLE),
        Invalid,
        /already a cycle/,
      )
      // Staff, not the councillor: six people.
      assert.equal(await count('appraisals'), 6)
      const mine = await ctx.services.appraisals.mine(staff)
      assert.equal(mine.length, 1)
    })

    it('shows the person and their manager what is due in the inbox', async () => {
      await opened()
      at('2025-04-10')
      const own = (await ctx.services.tasks.list(staff)).filter((t) => t.kind === 'appraisal')
      assert.deepEqual(
        own.map((t) => t.title),
        ['Set your objectives for 2025/26'],
      )
      const managers = (await ctx.services.tasks.list(manager)).filter(
        (t) => t.kind === 'appraisal',
      )
      assert.ok(managers.some((t) => t.title === 'Agree Sam Staff’s objectives'))
      assert.ok(
        !(await ctx.services.tasks.list(colleague)).some((t) => t.title.includes('Sam Staff')),
      )
    })

    it('refuses an objective linked to another organisation’s plan item, writing nothing', async () => {
      await opened()
      await rejectsWith(
        ctx.services.appraisals.addObjective(staff, appraisalId, {
          title: 'Theirs',
          successMeasure: 'Something',
          dueDate: '2026-03-31',
          nodeId: foreignNodeId,
        }),
        Invalid,
        /plan item/,
      )
      assert.equal(await count('objectives'), 0)
    })

    it('keeps objectives from colleagues and councillors, and audits a manager’s read', async () => {
      await opened()
      await ctx.services.appraisals.addObjective(staff, appraisalId, {
        title: 'Cut missed collections on my rounds',
        successMeasure: 'Fewer than 40 missed bins per 100,000',
        dueDate: '2026-03-31',
        nodeId: teamNodeId,
      })
      await rejectsWith(ctx.services.appraisals.detail(colleague, appraisalId), NotFound)
      await rejectsWith(ctx.services.appraisals.detail(admin, appraisalId), NotFound)
      const before = await count('audit_records')
      const seen = await ctx.services.appraisals.detail(director, appraisalId)
      assert.equal(seen.standing, 'manager_above')
      assert.equal(await count('audit_records'), before + 1)
      const own = await ctx.services.appraisals.detail(staff, appraisalId)
      assert.equal(await count('audit_records'), before + 1, 'reading your own is not audited')
      // The path from the objective up to the City Plan's vision.
      const path = own.objectives[0]?.path
      assert.ok(path)
      assert.equal(path.vision?.text, 'A good life for everyone')
      assert.deepEqual(
        path.steps.map((s) => s.title),
        ['Clean streets', 'Every bin collected on the right day'],
      )
      const byHr = await ctx.services.appraisals.detail(officer, appraisalId)
      assert.equal(byHr.standing, 'performance')
    })

    it('lets only the line manager agree, then shows the team plan covered', async () => {
      await withObjective()
      await rejectsWith(ctx.services.appraisals.agree(staff, appraisalId), Forbidden)
      await rejectsWith(ctx.services.appraisals.agree(director, appraisalId), Forbidden)
      await ctx.services.appraisals.agree(manager, appraisalId)
      const team = await ctx.services.appraisals.team(manager)
      const item = team.plans[0]?.items.find((i) => i.nodeId === teamNodeId)
      assert.deepEqual(item?.people, ['Sam Staff'])
      assert.equal(team.members.length, 2)
      assert.ok(
        !(await ctx.services.tasks.list(manager)).some(
          (t) => t.title === 'Agree Sam Staff’s objectives',
        ),
      )
    })

    it('takes reviews from both, refuses ratings off the scale and self sign-off', async () => {
      await agreed()
      assert.equal(ReviewInput.safeParse({ rating: 5, comment: 'Great' }).success, false)
      assert.equal(ReviewInput.safeParse({ rating: 0, comment: 'Great' }).success, false)
      await rejectsWith(
        ctx.services.appraisals.review(staff, appraisalId, 'mid_year', {
          rating: 3,
          comment: 'On track',
        }),
        Conflict,
        /opens on/,
      )
      at('2025-10-10')
      await ctx.services.appraisals.review(staff, appraisalId, 'mid_year', {
        rating: 3,
        comment: 'On track',
      })
      await ctx.services.appraisals.review(manager, appraisalId, 'mid_year', {
        rating: 3,
        comment: 'Agreed',
      })
      await rejectsWith(
        ctx.services.appraisals.review(colleague, appraisalId, 'mid_year', {
          rating: 1,
          comment: 'x',
        }),
        NotFound,
      )
      at('2026-04-10')
      await ctx.services.appraisals.review(staff, appraisalId, 'year_end', {
        rating: 4,
        comment: 'Done',
      })
      await rejectsWith(
        ctx.services.appraisals.signOff(manager, appraisalId),
        Conflict,
        /year-end review/,
      )
      await ctx.services.appraisals.review(manager, appraisalId, 'year_end', {
        rating: 4,
        comment: 'Well done',
      })
      await rejectsWith(ctx.services.appraisals.signOff(staff, appraisalId), Forbidden, /your own/)
      // "Appraisals completed": the quarter under way, to date, moves with the sign-off.
      await ctx.services.organisationalMeasures.setUp(officer, 'appraisals_completed')
      const completed = () =>
        ctx.database.db
          .selectFrom('measure_values')
          .innerJoin('measures', 'measures.id', 'measure_values.measure_id')
          .select(['period_start', 'numerator', 'denominator', 'restated', 'commentary'])
          .where('measures.organisation_id', '=', org.id)
          .where('measures.computation', '=', 'appraisals_completed')
          .orderBy('period_start')
          .execute()
      const before = await completed()
      assert.deepEqual(
        before.map((v) => [v.period_start, v.numerator]),
        [['2026-04-01', 0]],
      )
      await ctx.services.appraisals.signOff(manager, appraisalId)
      const after = await completed()
      const [was] = before
      const [now] = after
      assert.ok(was && now && after.length === 1)
      assert.equal(now.numerator, 1)
      assert.equal(now.denominator, was.denominator)
      assert.equal(now.restated, false)
      assert.match(
        now.commentary ?? '',
        /1 of \d+ staff in the 2025\/26 cycle signed off to date: provisional until the period ends on 30 June 2026/,
      )
      const done = await ctx.services.appraisals.detail(staff, appraisalId)
      assert.deepEqual(
        done.appraisal.stages.map((s) => s.state),
        ['done_on_time', 'done_on_time', 'done_on_time'],
      )
      assert.equal(done.appraisal.yearEnd.manager?.ratingText, '4: Exceeded')
      await rejectsWith(
        ctx.services.appraisals.addObjective(staff, appraisalId, {
          title: 'Late',
          successMeasure: 'x',
          dueDate: '2026-03-31',
          nodeId: teamNodeId,
        }),
        Conflict,
        /signed off/,
      )
    })

    it('computes the organisational measures, with history per quarter', async () => {
      await signedOff()
      at('2026-07-05')
      await ctx.services.organisationalMeasures.setUp(officer, 'appraisals_on_time')
      await ctx.services.organisationalMeasures.setUp(officer, 'staff_objectives_linked')
      const values = await ctx.database.db
        .selectFrom('measure_values')
        .innerJoin('measures', 'measures.id', 'measure_values.measure_id')
        .select(['measures.computation', 'period_start', 'numerator', 'denominator'])
        .where('measures.organisation_id', '=', org.id)
        .orderBy('period_start')
        .execute()
      const onTime = values.filter((v) => v.computation === 'appraisals_on_time')
      // Q1 2026/27: mid-year and year end of six people; Sam's two on time.
      assert.deepEqual(onTime.map((v) => [v.period_start, v.numerator, v.denominator]).at(-1), [
        '2026-04-01',
        2,
        12,
      ])
      const linked = values.filter((v) => v.computation === 'staff_objectives_linked')
      assert.deepEqual(
        linked.map((v) => [v.period_start, v.numerator, v.denominator]),
        [
          ['2025-04-01', 1, 6],
          ['2025-07-01', 1, 6],
          ['2025-10-01', 1, 6],
          ['2026-01-01', 1, 6],
        ],
      )
    })

    it('gives the council figures by unit and ratings only in aggregate, partners nothing', async () => {
      await signedOff()
      at('2026-07-05')
      await rejectsWith(ctx.services.appraisals.cycleSummary(partner, cycleId), Forbidden)
      const summary = await ctx.services.appraisals.cycleSummary(officer, cycleId)
      assert.deepEqual(await ctx.services.appraisals.cycleSummary(councillor, cycleId), summary)
      assert.deepEqual(await ctx.services.appraisals.cycleSummary(manager, cycleId), summary)
      assert.equal(summary.overall.staff, 6)
      assert.equal(summary.overall.objectivesLinked.numerator, 1)
      // One rating: fewer than the threshold of five, so withheld.
      assert.equal(summary.ratings.total, null)
      assert.ok(summary.ratings.items.every((r) => r.count === null || r.count === 0))
      const place = summary.byUnit.find((u) => u.unitId === org.units.place)
      assert.equal(place?.staff, 4)
    })

    it('reminds of windows closing and overdue', async () => {
      await signedOff()
      const reminders = await ctx.services.appraisals.reminders(org.id, '2026-05-25')
      assert.ok(
        reminders.some((r) => r.personId === colleague.personId && r.kind === 'appraisal_due'),
      )
      assert.ok(!reminders.some((r) => r.personId === staff.personId))
      const late = await ctx.services.appraisals.reminders(org.id, '2026-06-02')
      assert.ok(late.some((r) => r.personId === manager.personId && r.kind === 'appraisal_overdue'))
    })
  })
}
