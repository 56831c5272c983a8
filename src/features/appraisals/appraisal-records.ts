// Reading appraisals: the person's own history, a manager's team against its plans, and one
// appraisal whole (read by anyone but the person, audited).
import { type Stage } from '../../core/appraisal-stages.ts'
import { formatFinancialYear } from '../../core/periods.ts'
import { NotFound } from '../../errors.ts'
import { actorOf } from '../audit/index.ts'
import { type Principal } from '../../core/principal.ts'
import * as policy from './appraisal-policy.ts'
import { presentAppraisal, presentCycle, presentStages, windowsOf } from './appraisal-presenter.ts'
import * as repo from './appraisal-repository.ts'
import type { AppraisalCore } from './appraisal-core.ts'

/** The reads of appraisals; part of the appraisal service (appraisal-service.ts). */
export function recordOperations(core: AppraisalCore) {
  const { db, framework, today, context, audit, requireAppraisal, objectiveViews } = core
  return {
    /** The person's own appraisals, newest year first: their history. */
    async mine(principal: Principal) {
      const cycles = await repo.listCycles(db, principal.organisationId)
      const rows = await repo.listAppraisals(db, principal.organisationId, {
        personIds: [principal.personId],
      })
      const day = today()
      return cycles.flatMap((cycle) => {
        const a = rows.find((r) => r.cycle_id === cycle.id)
        return a
          ? [
              {
                id: a.id,
                yearLabel: formatFinancialYear(cycle.year),
                stages: presentStages(a, cycle, day),
              },
            ]
          : []
      })
    },

    /**
     * A manager's team in one cycle (the latest by default): each direct report's stages and
     * objectives, and the items of the team's plans with who works on each, so the items no one
     * is working on stand out.
     */
    async team(principal: Principal, cycleId?: string) {
      const cycles = await repo.listCycles(db, principal.organisationId)
      const cycle = cycleId ? cycles.find((c) => c.id === cycleId) : cycles[0]
      if (!cycle) throw new NotFound('Appraisal cycle not found')
      const ctx = await context(principal.organisationId)
      const reports = ctx.people
        .filter((p) => p.line_manager_id === principal.personId)
        .sort((a, b) => a.name.localeCompare(b.name))
      const appraisals = await repo.listAppraisals(db, principal.organisationId, {
        cycleIds: [cycle.id],
        personIds: reports.map((p) => p.id),
      })
      const objectives = await objectiveViews(
        principal.organisationId,
        appraisals.map((a) => a.id),
      )
      const day = today()
      const members = reports.map((p) => {
        const a = appraisals.find((x) => x.person_id === p.id)
        return {
          person: { id: p.id, name: p.name, jobTitle: p.job_title },
          appraisalId: a?.id ?? null,
          stages: a ? presentStages(a, cycle, day) : [],
          objectives: a ? objectives.filter((o) => o.appraisalId === a.id) : [],
        }
      })
      // Plan coverage counts everyone beneath the manager, not only those reporting directly.
      const below = ctx.people.filter((p) =>
        policy.managerChain(p.id, ctx.managerOf).includes(principal.personId),
      )
      const belowAppraisals = await repo.listAppraisals(db, principal.organisationId, {
        cycleIds: [cycle.id],
        personIds: below.map((p) => p.id),
      })
      const everyone = await objectiveViews(
        principal.organisationId,
        belowAppraisals.map((a) => a.id),
      )
      const nameOf = new Map(
        belowAppraisals.map((a) => [a.id, ctx.byId.get(a.person_id)?.name ?? '']),
      )
      const me = ctx.byId.get(principal.personId)
      const teamUnits = new Set(
        [me?.unit_id, ...below.map((r) => r.unit_id)].filter((u): u is string => !!u),
      )
      const nodes = (await repo.linkableNodes(db, principal.organisationId)).filter(
        (n) =>
          (n.plan_kind === 'team' || n.plan_kind === 'service') &&
          n.owner_unit_id !== null &&
          teamUnits.has(n.owner_unit_id),
      )
      const plans = [...new Map(nodes.map((n) => [n.plan_id, n.plan_title])).entries()].map(
        ([planId, title]) => ({
          planId,
          title,
          items: nodes
            .filter((n) => n.plan_id === planId)
            .map((n) => {
              const who = [
                ...new Set(
                  everyone
                    .filter((o) => o.nodeId === n.id)
                    .map((o) => nameOf.get(o.appraisalId) ?? ''),
                ),
              ].sort()
              return {
                nodeId: n.id,
                title: n.title,
                people: who,
                uncovered: who.length === 0,
              }
            }),
        }),
      )
      return {
        cycle: presentCycle(cycle, day),
        cycles: cycles.map((c) => presentCycle(c, day)),
        members,
        plans,
        uncovered: plans.reduce((n, p) => n + p.items.filter((i) => i.uncovered).length, 0),
      }
    },

    /**
     * The whole appraisal with each objective's path up the thread. A read by anyone but the
     * person is audited: ratings are personal data.
     */
    async detail(principal: Principal, id: string) {
      const { row, cycle, ctx, seat, person } = await requireAppraisal(principal, id)
      const managerId = person.line_manager_id
      const manager = managerId ? (ctx.byId.get(managerId) ?? null) : null
      const objectives = await objectiveViews(principal.organisationId, [row.id])
      const paths = await framework.pathsOf(
        principal.organisationId,
        objectives.map((o) => o.nodeId),
      )
      const view = presentAppraisal(
        row,
        cycle,
        { id: person.id, name: person.name, jobTitle: person.job_title },
        manager,
        today(),
      )
      if (seat !== 'self') {
        await db.transaction().execute((trx) =>
          audit(trx, principal.organisationId, actorOf(principal), {
            action: 'appraisal_viewed',
            itemId: row.id,
            summary: `${principal.name} read ${person.name}’s ${view.yearLabel} appraisal (as ${seat.replace('_', ' ')})`,
          }),
        )
      }
      // The manager reviews only agreed objectives; the person may write theirs at any time.
      const reviewable =
        !row.signed_off_at && (seat === 'self' || row.objectives_agreed_at !== null)
      const started = (stage: Stage) => today() >= windowsOf(cycle)[stage].opens
      return {
        appraisal: view,
        cycle: presentCycle(cycle, today()),
        standing: seat,
        objectives: objectives.map((o) => ({ ...o, path: paths.get(o.nodeId) ?? null })),
        can: {
          writeObjectives: !row.signed_off_at && policy.canWriteObjectives(seat),
          agree:
            !row.signed_off_at &&
            seat === 'line_manager' &&
            objectives.length > 0 &&
            !row.objectives_agreed_at,
          reviewMidYear:
            reviewable && (seat === 'self' || seat === 'line_manager') && started('mid_year'),
          reviewYearEnd:
            reviewable && (seat === 'self' || seat === 'line_manager') && started('year_end'),
          signOff: reviewable && seat === 'line_manager' && row.year_end_manager_at !== null,
        },
      }
    },

    /** NotFound unless the appraisal exists in the organisation and is the reader's to see. */
    async check(principal: Principal, id: string): Promise<void> {
      await requireAppraisal(principal, id)
    },
  }
}
