import type { Kysely } from 'kysely'
import { STAGES, type Stage } from '../../core/appraisal-stages.ts'
import { addDays, financialYearOf, formatFinancialYear } from '../../core/periods.ts'
import type { DB } from '../../db/schema.ts'
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts'
import { frameworkRepository as frameworkRepo } from '../framework/index.ts'
import { linkRepository as linkRepo } from '../links/index.ts'
import { ukDate } from '../../core/dates.ts'
import { organisationRepository as orgRepo } from '../organisation/index.ts'

interface Refs {
  readonly units: ReadonlyMap<string, string>
  readonly people: ReadonlyMap<string, string>
}

interface DemoItem {
  readonly key: string
  readonly title: string
  /** The key of the item of the plan above, or the title of a node of the corporate plan. */
  readonly under: string
  readonly measure?: string
}

interface DemoTeamPlan {
  readonly key: string
  readonly title: string
  readonly kind: 'service' | 'team'
  readonly owner: string
  readonly parent: string
  readonly levels: readonly string[]
  readonly items: readonly DemoItem[]
}

/** Service and team plans beneath the Corporate Plan: the thread reaching Waste and Reablement. */
const TEAM_PLANS: readonly DemoTeamPlan[] = [
  {
    key: 'wss',
    title: 'Waste and Street Scene Service Plan',
    kind: 'service',
    owner: 'WSS',
    parent: 'corporate',
    levels: ['Service priority'],
    items: [
      {
        key: 'wss-collect',
        title: 'Reliable collections for every household',
        under: 'Collect every bin on the right day',
      },
      {
        key: 'wss-food',
        title: 'Food waste collected from every home',
        under: 'Collect every bin on the right day',
        measure: 'WS01',
      },
      {
        key: 'wss-clean',
        title: 'Litter and fly-tipping cleared within two working days',
        under: 'Clear litter and fly-tipping quickly',
        measure: 'WS03',
      },
    ],
  },
  {
    key: 'wc',
    title: 'Waste Collection Team Plan',
    kind: 'team',
    owner: 'WSS-WC',
    parent: 'wss',
    levels: ['Team objective'],
    items: [
      {
        key: 'wc-missed',
        title: 'Fewer than 40 missed bins per 100,000 collections',
        under: 'wss-collect',
        measure: 'WS02',
      },
      {
        key: 'wc-rounds',
        title: 'Every crew using the new round-planning system',
        under: 'wss-collect',
      },
      {
        key: 'wc-food',
        title: 'Food waste rounds running in the South Locality',
        under: 'wss-food',
      },
      {
        key: 'wc-assisted',
        title: 'Assisted collections checked with each household twice a year',
        under: 'wss-collect',
      },
    ],
  },
  {
    key: 'asc',
    title: 'Adult Social Care Service Plan',
    kind: 'service',
    owner: 'ASC',
    parent: 'corporate',
    levels: ['Service priority'],
    items: [
      {
        key: 'asc-home',
        title: 'More people regain their independence after a hospital stay',
        under: 'Get people home from hospital safely and quickly',
        measure: 'AS01',
      },
    ],
  },
  {
    key: 're',
    title: 'Reablement Team Plan',
    kind: 'team',
    owner: 'ASC-RE',
    parent: 'asc',
    levels: ['Team objective'],
    items: [
      {
        key: 're-48h',
        title: 'Reablement starts within 48 hours of discharge',
        under: 'asc-home',
        measure: 'AS02',
      },
      {
        key: 're-91',
        title: 'Most people still at home 91 days after reablement',
        under: 'asc-home',
        measure: 'AS01',
      },
      {
        key: 're-skills',
        title: 'Every worker trained in strength-based practice',
        under: 'asc-home',
      },
      {
        key: 're-seven',
        title: 'Seven-day working with the hospital discharge team',
        under: 'asc-home',
      },
    ],
  },
]

interface DemoStaff {
  readonly name: string
  readonly jobTitle: string
  readonly unit: string
  /** The manager's name, among these and the demo people. */
  readonly manager: string | null
  /** Plan items (keys) or corporate node titles their objectives serve. */
  readonly serves: readonly string[]
}

const crew = (name: string, jobTitle: string, serves: readonly string[]): DemoStaff => ({
  name,
  jobTitle,
  unit: 'WSS-WC',
  manager: 'Lee Turner',
  serves,
})
const carer = (name: string, jobTitle: string, serves: readonly string[]): DemoStaff => ({
  name,
  jobTitle,
  unit: 'ASC-RE',
  manager: 'Nadia Ali',
  serves,
})

/** Staff who do not sign in to the demo but have appraisals, and the managers above them. */
const STAFF: readonly DemoStaff[] = [
  {
    name: 'Chris Walker',
    jobTitle: 'Chief Executive',
    unit: 'CEX',
    manager: null,
    serves: ['Enable colleagues to serve residents well'],
  },
  {
    name: 'Dana Whitfield',
    jobTitle: 'Director of Economy, Communities and Place',
    unit: 'ECP',
    manager: 'Chris Walker',
    serves: ['Keep my neighbourhood safe, clean and looking good'],
  },
  {
    name: 'Ruth Mensah',
    jobTitle: 'Head of Policy and Performance',
    unit: 'PP',
    manager: 'Chris Walker',
    serves: ['Enable colleagues to serve residents well'],
  },
  {
    name: 'Owen Price',
    jobTitle: 'Head of ICT and Digital',
    unit: 'ICT',
    manager: 'Chris Walker',
    serves: ['Enable colleagues to serve residents well'],
  },
  {
    name: 'Lee Turner',
    jobTitle: 'Waste Collection Team Leader',
    unit: 'WSS-WC',
    manager: 'Gareth Evans',
    serves: ['wc-missed', 'wc-rounds'],
  },
  crew('Kieran Walsh', 'Refuse Collection Driver', ['wc-missed', 'wc-rounds']),
  crew('Bev Harris', 'Refuse Collection Driver', ['wc-food', 'wc-rounds']),
  crew('Tomasz Nowak', 'Refuse Collection Driver', ['wc-missed']),
  crew('Jade Robinson', 'Refuse Collection Loader', ['wc-missed']),
  crew('Imran Hussain', 'Refuse Collection Loader', ['wc-food']),
  crew('Paul Grant', 'Refuse Collection Loader', ['wc-missed', 'wc-food']),
  {
    name: 'Nadia Ali',
    jobTitle: 'Reablement Team Manager',
    unit: 'ASC-RE',
    manager: 'Helen Clarke',
    serves: ['re-48h', 're-91'],
  },
  carer('Grace Okoro', 'Reablement Support Worker', ['re-48h', 're-skills']),
  carer('Liam Doyle', 'Reablement Support Worker', ['re-48h']),
  carer('Sophie Patel', 'Reablement Support Worker', ['re-91', 're-skills']),
  carer('Mark Jenkins', 'Reablement Support Worker', ['re-91']),
  carer('Aisha Begum', 'Reablement Support Worker', ['re-48h', 're-91']),
  carer('Rachel Moore', 'Occupational Therapist', ['re-91', 're-skills']),
]

/** The demo people's own line managers. */
const DEMO_MANAGERS: Readonly<Record<string, string>> = {
  'Helen Clarke': 'Chris Walker',
  'Gareth Evans': 'Dana Whitfield',
  'Sam Okafor': 'Gareth Evans',
  'Priya Shah': 'Ruth Mensah',
  'Alex Morgan': 'Owen Price',
}

const OBJECTIVE_WORDING: Readonly<Record<string, readonly [string, string]>> = {
  'wc-missed': [
    'Bring missed bins on my rounds below 40 per 100,000',
    'Missed-bin reports for my rounds, each quarter',
  ],
  'wc-rounds': [
    'Run my rounds from the new round-planning system',
    'All my rounds planned in the system by the autumn',
  ],
  'wc-food': [
    'Help start food waste rounds in the South Locality',
    'South Locality rounds live and collecting weekly',
  ],
  're-48h': [
    'Start each new reablement package within 48 hours',
    'Start times recorded for every package; 90% within 48 hours',
  ],
  're-91': [
    'Plan every package towards the person staying at home',
    'Goals agreed with each person and checked at 91 days',
  ],
  're-skills': [
    'Complete strength-based practice training and use it',
    'Training completed and used in three case reviews',
  ],
}

/**
 * Days after a window opens that each stage was completed, per person (null: not done). Window
 * is about 60 days long, so past 60 is late. A small spread of habits, repeated.
 */
const HABITS: readonly (readonly [number | null, number | null, number | null])[] = [
  [21, 30, 28],
  [35, 44, 40],
  [48, 58, 55],
  [14, 25, 20],
  [70, 66, 75],
  [28, 90, null],
  [40, 50, 45],
  [null, null, null],
  [25, 35, 33],
  [55, 62, 52],
]

const RATINGS_SPREAD = [3, 3, 4, 3, 2, 3, 4, 3, 3, 2, 3, 4]

export async function buildDemoAppraisals(
  trx: Kysely<DB>,
  organisationId: string,
  refs: Refs,
  clock: () => Date,
) {
  const today = ukDate(clock())
  const year = financialYearOf(today)
  const at = (date: string, time = '10:00:00') => new Date(`${date}T${time}Z`)

  // Service and team plans, three years from last year, each item sitting under the one above.
  const corporate = await trx
    .selectFrom('plans')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'corporate')
    .executeTakeFirstOrThrow()
  const corporateNodes = new Map(
    (
      await trx
        .selectFrom('plan_nodes')
        .select(['id', 'title'])
        .where('organisation_id', '=', organisationId)
        .execute()
    ).map((n) => [n.title, n.id]),
  )
  const measureIds = new Map(
    (
      await trx
        .selectFrom('measures')
        .select(['id', 'code'])
        .where('organisation_id', '=', organisationId)
        .execute()
    ).map((m) => [m.code, m.id]),
  )
  const planIds = new Map<string, string>([['corporate', corporate.id]])
  const itemIds = new Map<string, string>()
  let nodes = 0
  for (const plan of TEAM_PLANS) {
    const row = await frameworkRepo.insertPlan(trx, organisationId, {
      parent_plan_id: planIds.get(plan.parent) ?? null,
      title: `${plan.title} ${year - 1}–${year + 2}`,
      kind: plan.kind,
      first_year: year - 1,
      last_year: year + 1,
      status: 'active',
      owner_unit_id: refs.units.get(plan.owner) ?? null,
      vision: null,
      mission: null,
      levels: plan.levels,
    })
    planIds.set(plan.key, row.id)
    for (const [position, item] of plan.items.entries()) {
      const node = await frameworkRepo.insertNode(trx, organisationId, {
        plan_id: row.id,
        parent_id: null,
        contributes_to_id: itemIds.get(item.under) ?? corporateNodes.get(item.under) ?? null,
        title: item.title,
        description: null,
        success: null,
        owner_id: null,
        lead_unit_id: refs.units.get(plan.owner) ?? null,
        position,
        status: 'active',
      })
      itemIds.set(item.key, node.id)
      nodes++
      const measureId = item.measure ? measureIds.get(item.measure) : undefined
      if (measureId) {
        await linkRepo.insertLink(trx, {
          organisationId,
          nodeId: node.id,
          itemKind: 'measure',
          itemId: measureId,
        })
      }
    }
    await recordAudit(
      trx,
      {
        organisationId,
        actor: SYSTEM_ACTOR,
        action: 'plan_created',
        itemType: 'plan',
        itemId: row.id,
        summary: `Plan "${row.title}" created for the demo council`,
      },
      clock,
    )
  }

  // Staff and who manages whom.
  const names = new Map(
    (
      await trx
        .selectFrom('people')
        .select(['id', 'name'])
        .where('organisation_id', '=', organisationId)
        .execute()
    ).map((p) => [p.name, p.id]),
  )
  for (const s of STAFF) {
    const row = await orgRepo.insertPerson(trx, {
      organisationId,
      email: `${s.name.toLowerCase().replace(/[^a-z]+/g, '.')}@example-city.gov.uk`,
      name: s.name,
      jobTitle: s.jobTitle,
      unitId: refs.units.get(s.unit) ?? null,
      passwordHash: null,
    })
    names.set(s.name, row.id)
  }
  const managerOf = new Map<string, string | null>([
    ...STAFF.map((s) => [s.name, s.manager] as const),
    ...Object.entries(DEMO_MANAGERS),
  ])
  for (const [name, manager] of managerOf) {
    const id = names.get(name)
    if (!id || !manager) continue
    await trx
      .updateTable('people')
      .set({ line_manager_id: names.get(manager) ?? null })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .execute()
  }
  const serves = new Map<string, readonly string[]>([
    ...STAFF.map((s) => [s.name, s.serves] as const),
    ['Helen Clarke', ['asc-home']],
    ['Gareth Evans', ['wss-collect', 'wss-food', 'wss-clean']],
    ['Sam Okafor', ['wc-missed', 'wss-clean']],
    ['Priya Shah', ['Make performance information timely and trusted']],
    ['Alex Morgan', ['Move the most common requests online']],
  ])

  // Two cycles: last year's, complete but for the stragglers, and this year's, in progress.
  const staff = await trx
    .selectFrom('people')
    .leftJoin('role_assignments', 'role_assignments.person_id', 'people.id')
    .select(['people.id', 'people.name', 'role_assignments.role'])
    .where('people.organisation_id', '=', organisationId)
    .orderBy('people.name')
    .orderBy('role_assignments.role')
    .execute()
  const outside = new Set(
    staff.filter((s) => s.role === 'councillor' || s.role === 'partner').map((s) => s.id),
  )
  const appraisees = [
    ...new Map(staff.filter((s) => !outside.has(s.id)).map((s) => [s.id, s.name])),
  ]
  let appraisals = 0
  let objectives = 0
  for (const cycleYear of [year - 1, year]) {
    const windows: Record<Stage, { opens: string; closes: string }> = {
      objectives: { opens: `${cycleYear}-04-01`, closes: `${cycleYear}-05-31` },
      mid_year: { opens: `${cycleYear}-10-01`, closes: `${cycleYear}-11-30` },
      year_end: { opens: `${cycleYear + 1}-04-01`, closes: `${cycleYear + 1}-05-31` },
    }
    const opened = `${cycleYear}-03-16`
    const cycle = await trx
      .insertInto('appraisal_cycles')
      .values({
        organisation_id: organisationId,
        year: cycleYear,
        objectives_opens: windows.objectives.opens,
        objectives_closes: windows.objectives.closes,
        mid_year_opens: windows.mid_year.opens,
        mid_year_closes: windows.mid_year.closes,
        year_end_opens: windows.year_end.opens,
        year_end_closes: windows.year_end.closes,
        opened_by: refs.people.get('performance@example-city.gov.uk') ?? null,
        created_at: at(opened),
        updated_at: at(opened),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const [index, [personId, name]] of appraisees.entries()) {
      const managerName = managerOf.get(name) ?? null
      const habit = HABITS[(index + cycleYear) % HABITS.length] ?? [null, null, null]
      const done = (stage: Stage): string | null => {
        const offset = habit[STAGES.indexOf(stage)]
        if (offset == null || managerName === null) return null
        const day = addDays(windows[stage].opens, offset)
        return day < today ? day : null
      }
      // The stories the demo sign-ins meet: Sam's objectives wait for Gareth to agree them;
      // Lee's last year waits for Gareth's sign-off.
      const isSamNow = name === 'Sam Okafor' && cycleYear === year
      const isLeeLast = name === 'Lee Turner' && cycleYear === year - 1
      // Whatever the habit the order of names gives them, Lee's last year reached its year end.
      const agreed = isSamNow
        ? null
        : (done('objectives') ?? (isLeeLast ? addDays(windows.objectives.opens, 21) : null))
      const midYear = agreed
        ? (done('mid_year') ?? (isLeeLast ? addDays(windows.mid_year.opens, 30) : null))
        : null
      const yearEnd = midYear
        ? isLeeLast
          ? addDays(windows.year_end.opens, 20)
          : done('year_end')
        : null
      const yearEndReviewed = yearEnd !== null && yearEnd < today ? yearEnd : null
      const rating = (shift: number) => RATINGS_SPREAD[(index + shift) % RATINGS_SPREAD.length] ?? 3
      const appraisal = await trx
        .insertInto('appraisals')
        .values({
          organisation_id: organisationId,
          cycle_id: cycle.id,
          person_id: personId,
          objectives_agreed_at: agreed ? at(agreed, '11:00:00') : null,
          objectives_agreed_by: agreed && managerName ? (names.get(managerName) ?? null) : null,
          mid_year_self_rating: midYear ? rating(1) : null,
          mid_year_self_comment: midYear
            ? 'Good progress on most of my objectives; the rest are planned for the second half.'
            : null,
          mid_year_self_at: midYear ? at(addDays(midYear, -2)) : null,
          mid_year_manager_rating: midYear ? rating(0) : null,
          mid_year_manager_comment: midYear
            ? 'On track. We agreed what to focus on before year end.'
            : null,
          mid_year_manager_at: midYear ? at(midYear, '14:00:00') : null,
          mid_year_manager_id: midYear && managerName ? (names.get(managerName) ?? null) : null,
          year_end_self_rating: yearEndReviewed ? rating(2) : null,
          year_end_self_comment: yearEndReviewed
            ? 'Most objectives met; see my notes against each.'
            : null,
          year_end_self_at: yearEndReviewed ? at(addDays(yearEndReviewed, -2)) : null,
          year_end_manager_rating: yearEndReviewed ? rating(0) : null,
          year_end_manager_comment: yearEndReviewed
            ? 'A good year. Objectives met and evidence to show it.'
            : null,
          year_end_manager_at: yearEndReviewed ? at(yearEndReviewed, '14:00:00') : null,
          year_end_manager_id:
            yearEndReviewed && managerName ? (names.get(managerName) ?? null) : null,
          signed_off_at: yearEndReviewed && !isLeeLast ? at(yearEndReviewed, '15:00:00') : null,
          signed_off_by:
            yearEndReviewed && !isLeeLast && managerName ? (names.get(managerName) ?? null) : null,
          created_at: at(opened),
          updated_at: at(opened),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      appraisals++
      // Objectives: drafted a little before they were agreed, or by now for those still open.
      const drafted = agreed ? addDays(agreed, -5) : addDays(windows.objectives.opens, 20)
      if (drafted >= today || (!agreed && index % 3 === 0 && !isSamNow)) continue
      for (const [position, key] of (serves.get(name) ?? []).entries()) {
        const nodeId = itemIds.get(key) ?? corporateNodes.get(key)
        if (!nodeId) continue
        const [title, success] = OBJECTIVE_WORDING[key] ?? [
          `Lead our part of "${(TEAM_PLANS.flatMap((p) => p.items).find((i) => i.key === key)?.title ?? key).toLowerCase()}"`,
          'Progress reported to my manager each quarter and shown in the plan’s measures',
        ]
        await trx
          .insertInto('objectives')
          .values({
            organisation_id: organisationId,
            appraisal_id: appraisal.id,
            title,
            success_measure: success,
            due_date: `${cycleYear + 1}-03-31`,
            node_id: nodeId,
            position,
            created_by: personId,
            created_at: at(drafted),
            updated_at: at(drafted),
          })
          .execute()
        objectives++
      }
    }
  }
  await recordAudit(
    trx,
    {
      organisationId,
      actor: SYSTEM_ACTOR,
      action: 'demo_appraisals_built',
      itemType: 'organisation',
      itemId: organisationId,
      summary:
        `Demo appraisals built: ${TEAM_PLANS.length} service and team plans with ${nodes} items, ` +
        `${STAFF.length} more staff, cycles ${formatFinancialYear(year - 1)} and ` +
        `${formatFinancialYear(year)} with ${appraisals} appraisals and ${objectives} objectives`,
    },
    clock,
  )
  return { plans: TEAM_PLANS.length, nodes, appraisals, objectives }
}
