import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import type { Database } from '../src/db/database.ts'
import { loadPrincipal } from '../src/features/auth/index.ts'
import { createOrganisation } from '../src/features/organisation/index.ts'
import { createServices } from '../src/services.ts'
import { testConfig } from '../test/helpers/context.ts'
import { countingStatements, onEachDatabase, type BenchResult } from './harness.ts'

const MANAGERS = 250
const STAFF = 5000
const OBJECTIVES_EACH = 3
const WRITES = 20

async function p95(work: () => Promise<unknown>, n = 20) {
  const times: number[] = []
  for (let i = 0; i < n + 2; i++) {
    const started = performance.now()
    await work()
    if (i >= 2) times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length * 0.95) - 1] ?? 0
}

/** A large council's people: 250 managers over 5,000 staff, a team plan item, one cycle. */
async function generate(database: Database, clock: () => Date) {
  const db = database.db
  const org = await createOrganisation(db, { name: 'Large Council', slug: `staff-${Date.now()}` })
  const unit = await db
    .insertInto('units')
    .values({ organisation_id: org.id, name: 'Directorate', kind: 'directorate', code: 'D0' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const insertPeople = async (rows: { name: string; manager: string | null }[]) => {
    const ids: string[] = []
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = await db
        .insertInto('people')
        .values(
          rows.slice(i, i + 1000).map((r) => ({
            organisation_id: org.id,
            email: `${r.name.toLowerCase().replace(/\s+/g, '.')}@example.org`,
            name: r.name,
            unit_id: unit.id,
            line_manager_id: r.manager,
          })),
        )
        .returning('id')
        .execute()
      ids.push(...batch.map((b) => b.id))
    }
    return ids
  }
  const [officerId] = await insertPeople([{ name: 'Pat Performance', manager: null }])
  const managers = await insertPeople(
    Array.from({ length: MANAGERS }, (_, i) => ({ name: `Manager ${i}`, manager: null })),
  )
  const staff = await insertPeople(
    Array.from({ length: STAFF }, (_, i) => ({
      name: `Staff ${i}`,
      manager: managers[i % MANAGERS] ?? null,
    })),
  )
  const everyone = [officerId ?? '', ...managers, ...staff]
  for (let i = 0; i < everyone.length; i += 1000) {
    await db
      .insertInto('role_assignments')
      .values(
        everyone.slice(i, i + 1000).map((personId, j) => ({
          organisation_id: org.id,
          person_id: personId,
          role: i + j === 0 ? ('performance_officer' as const) : ('data_entry' as const),
          unit_id: i + j === 0 ? null : unit.id,
        })),
      )
      .execute()
  }
  const officer = await loadPrincipal(db, officerId ?? '')
  if (!officer) throw new Error('no officer')
  const services = createServices({ config: testConfig(), database, clock })
  for (const key of ['appraisals_on_time', 'staff_objectives_linked', 'appraisals_completed']) {
    await services.organisationalMeasures.setUp(officer, key)
  }
  const plan = await services.framework.createPlan(officer, {
    title: 'Team Plan',
    kind: 'team',
    firstYear: '2026/27',
    lastYear: '2026/27',
    status: 'active',
    ownerUnitId: unit.id,
    levels: ['Team objective'],
  })
  const node = await services.framework.createNode(officer, plan.id, { title: 'No missed bins' })
  const cycle = await services.appraisals.openCycle(officer, {
    year: 2026,
    objectivesOpens: '2026-04-01',
    objectivesCloses: '2026-05-31',
    midYearOpens: '2026-10-01',
    midYearCloses: '2026-11-30',
    yearEndOpens: '2027-04-01',
    yearEndCloses: '2027-05-31',
  })
  const appraisals = await db
    .selectFrom('appraisals')
    .select(['id', 'person_id'])
    .where('organisation_id', '=', org.id)
    .execute()
  const rows = appraisals.flatMap((a) =>
    Array.from({ length: OBJECTIVES_EACH }, (_, k) => ({
      organisation_id: org.id,
      appraisal_id: a.id,
      title: `Objective ${k + 1}`,
      success_measure: 'Done on time',
      due_date: '2027-03-31',
      node_id: node.id,
      position: k,
      updated_at: clock(),
    })),
  )
  for (let i = 0; i < rows.length; i += 2000) {
    await db
      .insertInto('objectives')
      .values(rows.slice(i, i + 2000))
      .execute()
  }
  await sql`analyze`.execute(db)
  const managerOf = new Map(staff.map((id, i) => [id, managers[i % MANAGERS] ?? '']))
  return { services, officer, cycleId: cycle.id, appraisals, managerOf, managers }
}

async function run(label: string, bare: Database): Promise<BenchResult[]> {
  const clock = () => new Date('2026-05-15T10:00:00Z')
  const counting = countingStatements(bare)
  const generated = await generate(bare, clock)
  const services = createServices({ config: testConfig(), database: counting.database, clock })
  const db = bare.db
  const staffAppraisals = generated.appraisals.filter((a) => generated.managerOf.has(a.person_id))
  const principals = new Map<string, Awaited<ReturnType<typeof loadPrincipal>>>()
  const principalOf = async (id: string) => {
    if (!principals.has(id)) principals.set(id, await loadPrincipal(db, id))
    const p = principals.get(id)
    if (!p) throw new Error('no principal')
    return p
  }

  // Floor: the appraisal's own row read alone.
  const someone = staffAppraisals[0]
  if (!someone) throw new Error('no appraisal')
  const floor = await p95(() =>
    db.selectFrom('appraisals').selectAll().where('id', '=', someone.id).executeTakeFirst(),
  )
  const manager = await principalOf(generated.managerOf.get(someone.person_id) ?? '')
  const detail = await p95(() => services.appraisals.detail(manager, someone.id))
  const team = await p95(() => services.appraisals.team(manager), 10)
  const summary = await p95(
    () => services.appraisals.cycleSummary(generated.officer, generated.cycleId),
    10,
  )
  const inbox = await p95(() => services.tasks.list(manager), 10)

  // A manager agrees objectives: the write recomputes the organisation's appraisal measures.
  const times: number[] = []
  let statements = 0
  for (const a of staffAppraisals.slice(1, WRITES + 2)) {
    const who = await principalOf(generated.managerOf.get(a.person_id) ?? '')
    const started = performance.now()
    const sent = await counting.during(() => services.appraisals.agree(who, a.id))
    times.push(performance.now() - started)
    statements = Math.max(statements, sent)
  }
  times.shift()
  times.sort((a, b) => a - b)
  const name = `${label}, ${STAFF} staff under ${MANAGERS} managers, ${STAFF * OBJECTIVES_EACH} objectives`
  return [
    { name: `${name}: floor, one appraisal row read, p95`, value: floor, unit: 'ms' },
    { name: `${name}: an appraisal as its manager reads it, p95`, value: detail, unit: 'ms' },
    { name: `${name}: the manager's team against the team plan, p95`, value: team, unit: 'ms' },
    { name: `${name}: the cycle in figures, p95`, value: summary, unit: 'ms' },
    { name: `${name}: the manager's inbox, p95`, value: inbox, unit: 'ms' },
    {
      name: `${name}: objectives agreed (with the measures recomputed), p50`,
      value: times[Math.floor(times.length / 2)] ?? 0,
      unit: 'ms',
    },
    { name: `${name}: statements for objectives agreed`, value: statements, unit: 'statements' },
  ]
}

/** The appraisal pages and writes of a council with 5,000 staff. */
export default async function appraisals(): Promise<BenchResult[]> {
  return onEachDatabase(run)
}
