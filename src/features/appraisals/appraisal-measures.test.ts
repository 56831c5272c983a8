// The appraisal measures and the cycle's figures are worked out from counts the database makes
// (appraisal-computations, cycleCounts). Here they are held to the plain reading of every
// appraisal and objective they replaced: on the demo council, and after each of a run of changes
// made through the service, the figures each change stored in its own transaction are the ones a
// full recomputation from every row gives, and the cycle pages show the same figures.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { onTimeShare, RATING_NAMES, STAGES, type Stage } from '../../core/appraisal-stages.ts'
import { ukDate } from '../../core/dates.ts'
import { addMonths } from '../../core/risk-scoring.ts'
import {
  financialYearOf,
  formatFinancialYear,
  periodContaining,
  periodsBetween,
  type Period,
} from '../../core/periods.ts'
import type { Principal } from '../../core/principal.ts'
import { suppressDistribution } from '../../core/small-numbers.ts'
import type { DB } from '../../db/schema.ts'
import { createTestContext, type TestContext } from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { loadPrincipal } from '../auth/index.ts'
import { SYSTEM_ACTOR } from '../audit/index.ts'
import { buildDemoCouncil } from '../demo/index.ts'
import {
  createComputationRegistry,
  recomputeOrganisation,
  type Figure,
  type OrganisationalComputation,
} from '../organisational-measures/index.ts'
import { APPRAISAL_MEASURES } from './appraisal-computations.ts'
import { completedOn, stageStates, windowsOf } from './appraisal-presenter.ts'
import * as repo from './appraisal-repository.ts'

type Input = { db: Kysely<DB>; organisationId: string; periods: readonly Period[]; today: string }

/** The three measures as first written: every appraisal and objective read and counted in turn. */
const FULL: Record<string, (input: Input) => Promise<Map<string, Figure>>> = {
  async appraisals_on_time({ db, organisationId, periods }) {
    const cycles = await repo.listCycles(db, organisationId)
    const appraisals = await repo.listAppraisals(db, organisationId)
    const reviews = appraisals.flatMap((a) => {
      const cycle = cycles.find((c) => c.id === a.cycle_id)
      if (!cycle) return []
      const windows = windowsOf(cycle)
      const done = completedOn(a)
      return STAGES.map((s) => ({ closes: windows[s].closes, completedOn: done[s] }))
    })
    return new Map(
      periods.map((p) => {
        const share = onTimeShare(reviews, addMonths(p.end, -12), p.end)
        return [
          p.start,
          {
            ...share,
            counts: `${share.numerator} of ${share.denominator} appraisal stages completed on time`,
          },
        ]
      }),
    )
  },
  async staff_objectives_linked({ db, organisationId, periods }) {
    const cycles = await repo.listCycles(db, organisationId)
    const appraisals = await repo.listAppraisals(db, organisationId)
    const objectives = await repo.listObjectives(
      db,
      organisationId,
      appraisals.map((a) => a.id),
    )
    const firstObjective = new Map<string, string>()
    for (const o of objectives) {
      const day = ukDate(o.created_at)
      const seen = firstObjective.get(o.appraisal_id)
      if (!seen || day < seen) firstObjective.set(o.appraisal_id, day)
    }
    return new Map(
      periods.map((p) => {
        const cycle = cycles.find((c) => c.year === financialYearOf(p.end))
        const inCycle = cycle
          ? appraisals.filter((a) => a.cycle_id === cycle.id && ukDate(a.created_at) <= p.end)
          : []
        const linked = inCycle.filter((a) => {
          const agreed = a.objectives_agreed_at ? ukDate(a.objectives_agreed_at) : null
          const first = firstObjective.get(a.id)
          return agreed !== null && agreed <= p.end && first !== undefined && first <= p.end
        }).length
        return [
          p.start,
          {
            numerator: linked,
            denominator: inCycle.length,
            value: inCycle.length === 0 ? null : (linked / inCycle.length) * 100,
            counts: `${linked} of ${inCycle.length} staff`,
          },
        ]
      }),
    )
  },
  async appraisals_completed({ db, organisationId, periods, today }) {
    const cycles = await repo.listCycles(db, organisationId)
    const appraisals = await repo.listAppraisals(db, organisationId)
    return new Map(
      periods.map((p) => {
        const asAt = p.end < today ? p.end : today
        const cycle = cycles
          .filter((c) => c.year_end_opens <= asAt)
          .sort((a, b) => b.year - a.year)[0]
        const inCycle = cycle
          ? appraisals.filter((a) => a.cycle_id === cycle.id && ukDate(a.created_at) <= asAt)
          : []
        const done = inCycle.filter(
          (a) => a.signed_off_at !== null && ukDate(a.signed_off_at) <= asAt,
        ).length
        return [
          p.start,
          {
            numerator: done,
            denominator: inCycle.length,
            value: inCycle.length === 0 ? null : (done / inCycle.length) * 100,
            counts: cycle
              ? `${done} of ${inCycle.length} staff in the ${formatFinancialYear(cycle.year)} cycle signed off`
              : '',
          },
        ]
      }),
    )
  },
}

/** The registry of the full recomputations, under the measures' own keys. */
function fullRegistry() {
  const registry = createComputationRegistry()
  registry.register(
    ...APPRAISAL_MEASURES.map((m): OrganisationalComputation => ({
      ...m,
      compute: (input) => (FULL[m.key] ?? (() => Promise.resolve(new Map())))(input),
    })),
  )
  return registry
}

/** The cycle's figures as first written: every appraisal read, its stages worked out in turn. */
async function fullCycleFigures(
  db: Kysely<DB>,
  organisationId: string,
  cycleId: string,
  today: string,
) {
  const cycle = await repo.findCycle(db, organisationId, cycleId)
  assert.ok(cycle)
  const people = new Map((await repo.people(db, organisationId)).map((p) => [p.id, p]))
  const units = await db
    .selectFrom('units')
    .select(['id', 'parent_id'])
    .where('organisation_id', '=', organisationId)
    .execute()
  const parent = new Map(units.map((u) => [u.id, u.parent_id]))
  const topOf = (unitId: string | null) => {
    let at = unitId
    while (at && parent.get(at)) at = parent.get(at) ?? null
    return at && parent.has(at) ? at : null
  }
  const appraisals = await repo.listAppraisals(db, organisationId, { cycleIds: [cycleId] })
  const withObjectives = new Set(
    (
      await repo.listObjectives(
        db,
        organisationId,
        appraisals.map((a) => a.id),
      )
    ).map((o) => o.appraisal_id),
  )
  const figures = (list: readonly repo.AppraisalRecord[]) => {
    const states = list.map((a) => stageStates(a, cycle, today))
    const share = (n: number, d: number) => ({
      numerator: n,
      denominator: d,
      value: d === 0 ? null : Math.round((n / d) * 1000) / 10,
    })
    const linked = list.filter((a) => a.objectives_agreed_at && withObjectives.has(a.id))
    const onTime = (stage: Stage) => {
      const due = states.filter((s) => s[stage] !== 'not_open' && s[stage] !== 'open')
      return share(due.filter((s) => s[stage] === 'done_on_time').length, due.length)
    }
    return {
      staff: list.length,
      objectivesLinked: share(linked.length, list.length),
      objectivesOnTime: onTime('objectives'),
      midYearOnTime: onTime('mid_year'),
      yearEndOnTime: onTime('year_end'),
    }
  }
  const byTop = new Map<string, repo.AppraisalRecord[]>()
  for (const a of appraisals) {
    const top = topOf(people.get(a.person_id)?.unit_id ?? null)
    if (top) byTop.set(top, [...(byTop.get(top) ?? []), a])
  }
  const counts = [1, 2, 3, 4].map((r) => ({
    rating: r,
    name: RATING_NAMES[r] ?? String(r),
    count: appraisals.filter((a) => a.signed_off_at && a.year_end_manager_rating === r).length,
  }))
  const below = await repo.suppressBelow(db, organisationId)
  const shown = suppressDistribution(
    counts.map((c) => c.count),
    below,
  )
  return {
    overall: figures(appraisals),
    byUnit: new Map([...byTop].map(([top, list]) => [top, figures(list)])),
    ratings: counts.map((c, i) => ({ ...c, count: shown.counts[i] ?? null })),
  }
}

for (const mode of testModes()) {
  describe(`appraisal measures from counts, against a full recomputation (${mode})`, () => {
    let ctx: TestContext
    let orgId = ''
    let db: Kysely<DB>

    const today = () => ukDate(ctx.clock.read())
    const periods = () =>
      periodsBetween(
        periodContaining(`${financialYearOf(today()) - 3}-04-01`, 'quarterly'),
        periodContaining(today(), 'quarterly'),
      )
    const principal = async (personId: string): Promise<Principal> => {
      const p = await loadPrincipal(db, personId)
      assert.ok(p, personId)
      return p
    }

    /** Each measure's figures, from counts and in full, for every quarter to this one. */
    async function figuresAgree(label: string) {
      for (const m of APPRAISAL_MEASURES) {
        const input = { db, organisationId: orgId, periods: periods(), today: today() }
        const full = await FULL[m.key]?.(input)
        assert.deepEqual(
          [...(await m.compute(input))],
          [...(full ?? [])],
          `${label}: ${m.code} from counts`,
        )
      }
    }

    /** What the change stored in its own transaction is what a full recomputation stores. */
    async function storedAgree(label: string) {
      const results = await db
        .transaction()
        .execute((trx) =>
          recomputeOrganisation(trx, orgId, fullRegistry(), SYSTEM_ACTOR, ctx.clock.read),
        )
      const appraisalCodes = new Set(APPRAISAL_MEASURES.map((m) => m.code))
      const ours = results.filter((r) => appraisalCodes.has(r.code))
      assert.equal(ours.length, 3, `${label}: the demo has the three measures set up`)
      for (const r of ours) {
        assert.deepEqual(
          r,
          { code: r.code, added: 0, restated: 0, removed: 0, updated: 0 },
          `${label}: the stored figures of ${r.code} are the full recomputation's`,
        )
      }
    }

    async function cycleFiguresAgree(label: string) {
      const officer = await db
        .selectFrom('role_assignments')
        .select('person_id')
        .where('organisation_id', '=', orgId)
        .where('role', '=', 'performance_officer')
        .where('unit_id', 'is', null)
        .executeTakeFirstOrThrow()
      const reader = await principal(officer.person_id)
      for (const cycle of await repo.listCycles(db, orgId)) {
        const summary = await ctx.services.appraisals.cycleSummary(reader, cycle.id)
        const full = await fullCycleFigures(db, orgId, cycle.id, today())
        assert.deepEqual(summary.overall, full.overall, `${label}: ${cycle.year} overall`)
        assert.deepEqual(
          new Map(
            summary.byUnit.map(({ unitId, unitName: _name, ...figures }) => [unitId, figures]),
          ),
          full.byUnit,
          `${label}: ${cycle.year} by directorate`,
        )
        assert.deepEqual(
          summary.ratings.items.map(({ share: _share, ...r }) => r),
          full.ratings,
          `${label}: ${cycle.year} ratings`,
        )
      }
    }

    async function allAgree(label: string) {
      await figuresAgree(label)
      await storedAgree(label)
      await cycleFiguresAgree(label)
    }

    /** An appraisal of the cycle with its person's and line manager's principals. */
    async function someone(cycleYear: number, where: (a: repo.AppraisalRecord) => boolean) {
      const cycle = (await repo.listCycles(db, orgId)).find((c) => c.year === cycleYear)
      assert.ok(cycle, `a ${cycleYear} cycle`)
      const people = new Map((await repo.people(db, orgId)).map((p) => [p.id, p]))
      const found = (await repo.listAppraisals(db, orgId, { cycleIds: [cycle.id] })).find(
        (a) =>
          where(a) && people.get(a.person_id)?.line_manager_id && people.get(a.person_id)?.active,
      )
      assert.ok(found, `an appraisal of ${cycleYear} to change`)
      const managerId = people.get(found.person_id)?.line_manager_id ?? ''
      return {
        appraisal: found,
        self: await principal(found.person_id),
        manager: await principal(managerId),
      }
    }

    const objective = (nodeId: string, title: string) => ({
      title,
      successMeasure: 'Done and seen to be done',
      dueDate: '2027-03-31',
      nodeId,
    })

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2026-06-20T10:00:00Z')
      await buildDemoCouncil(ctx.database.db, ctx.clock.read)
      db = ctx.database.db
      const people = await db.selectFrom('people').select('organisation_id').executeTakeFirst()
      orgId = people?.organisation_id ?? ''
    })
    after(() => ctx.close())

    it('gives the demo council’s figures as a full recomputation does', async () => {
      await allAgree('the demo')
    })

    it('stores with each change the figures a full recomputation gives', async () => {
      const nodes = await repo.linkableNodes(db, orgId)
      const nodeId = nodes[0]?.id ?? ''
      const cycleYear = financialYearOf(today())

      // Someone without objectives writes one (late); their manager agrees it.
      const late = await someone(cycleYear, (a) => a.objectives_agreed_at === null)
      const written = await ctx.services.appraisals.addObjective(
        late.self,
        late.appraisal.id,
        objective(nodeId, 'Answer every complaint within ten days'),
      )
      await allAgree('an objective written late')
      await ctx.services.appraisals.agree(late.manager, late.appraisal.id)
      await allAgree('objectives agreed late')

      // Someone whose objectives were agreed on time adds one: they go back to be agreed again.
      ctx.clock.now = new Date('2026-07-10T09:00:00Z')
      const reopened = await someone(cycleYear, (a) => a.objectives_agreed_at !== null)
      await ctx.services.appraisals.addObjective(
        reopened.self,
        reopened.appraisal.id,
        objective(nodeId, 'Train two colleagues in the new rota'),
      )
      await allAgree('agreed objectives reopened')

      // The late objective is taken out again: the person has none.
      await ctx.services.appraisals.removeObjective(late.self, late.appraisal.id, written.id)
      await allAgree('an objective removed')

      // Mid-year: both sides of a review.
      ctx.clock.now = new Date('2026-10-15T12:00:00Z')
      const mid = await someone(cycleYear, (a) => a.objectives_agreed_at !== null)
      await ctx.services.appraisals.review(mid.self, mid.appraisal.id, 'mid_year', {
        rating: 3,
        comment: 'On course for the year.',
      })
      await ctx.services.appraisals.review(mid.manager, mid.appraisal.id, 'mid_year', {
        rating: 3,
        comment: 'Agreed: on course.',
      })
      await allAgree('a mid-year review held')

      // The year end, in the next financial year: reviewed and signed off.
      ctx.clock.now = new Date('2027-05-31T23:30:00Z')
      await ctx.services.appraisals.review(mid.self, mid.appraisal.id, 'year_end', {
        rating: 4,
        comment: 'A year of good work.',
      })
      await ctx.services.appraisals.review(mid.manager, mid.appraisal.id, 'year_end', {
        rating: 4,
        comment: 'Exceeded what we agreed.',
      })
      await ctx.services.appraisals.signOff(mid.manager, mid.appraisal.id)
      await allAgree(
        'a year signed off at 00:30 British Summer Time on the day after its window closed',
      )

      // A quarter later, with another sign-off, the ended quarters are final.
      ctx.clock.now = new Date('2027-07-02T08:00:00Z')
      const another = await someone(
        cycleYear,
        (a) => a.objectives_agreed_at !== null && a.signed_off_at === null,
      )
      await ctx.services.appraisals.review(another.manager, another.appraisal.id, 'year_end', {
        rating: 2,
        comment: 'Partly met.',
      })
      await ctx.services.appraisals.signOff(another.manager, another.appraisal.id)
      await allAgree('a sign-off in the quarter after')
    })
  })
}
