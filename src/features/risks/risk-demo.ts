import type { Kysely } from 'kysely'
import { addMonths, nextReviewDate } from '../../core/risk-scoring.ts'
import type { DB, ReviewFrequency, RiskActionStatus, RiskRegisterLevel } from '../../db/schema.ts'
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts'
import { frameworkRepository as frameworkRepo } from '../framework/index.ts'
import { linkRepository as linkRepo } from '../links/index.ts'
import * as repo from './risk-repository.ts'
import type { RiskCategory } from './risk-schemas.ts'

const PRIYA = 'performance@example-city.gov.uk'
const GARETH = 'approver@example-city.gov.uk'
const SAM = 'dataentry@example-city.gov.uk'
const HELEN = 'director@example-city.gov.uk'
const TOM = 'partner@example-city.gov.uk'
const ALEX = 'admin@example-city.gov.uk'

/** A 5×5 matrix with the descriptors councils commonly use; tolerable at 9 or less. */
const MATRIX = {
  size: 5,
  likelihood: [
    { name: 'Rare', description: 'Less than 5% chance in the next three years' },
    { name: 'Unlikely', description: '5% to 20%: has happened elsewhere' },
    { name: 'Possible', description: '20% to 50%: could happen here' },
    { name: 'Likely', description: '50% to 80%: has happened here before' },
    { name: 'Almost certain', description: 'More than 80%: expected to happen' },
  ],
  impact: [
    { name: 'Negligible', description: 'Under £50k; no effect on residents' },
    { name: 'Minor', description: '£50k to £250k; short disruption to one service' },
    { name: 'Moderate', description: '£250k to £1m; local press; a service misses its targets' },
    { name: 'Major', description: '£1m to £5m; regulator interest; serious harm possible' },
    { name: 'Critical', description: 'Over £5m; a death or failure of a statutory duty' },
  ],
  bands: [
    { key: 'low', name: 'Low', from: 1 },
    { key: 'medium', name: 'Medium', from: 5 },
    { key: 'high', name: 'High', from: 10 },
    { key: 'very_high', name: 'Very high', from: 15 },
  ],
  appetite: 9,
}

interface DemoRegister {
  readonly key: string
  readonly name: string
  readonly level: RiskRegisterLevel
  readonly unit: string
  readonly parent?: string
  readonly description: string
}

const REGISTERS: readonly DemoRegister[] = [
  {
    key: 'corporate',
    name: 'Corporate Risk Register',
    level: 'corporate',
    unit: 'CEX',
    description:
      'The risks to the council as a whole, reviewed by the leadership team each month and reported to Cabinet each quarter.',
  },
  {
    key: 'ecp',
    name: 'Economy, Communities and Place directorate risks',
    level: 'directorate',
    unit: 'ECP',
    parent: 'corporate',
    description: 'Reviewed at the directorate management team.',
  },
  {
    key: 'awb',
    name: 'Adults and Wellbeing directorate risks',
    level: 'directorate',
    unit: 'AWB',
    parent: 'corporate',
    description: 'Reviewed at the directorate management team.',
  },
  {
    key: 'wss',
    name: 'Waste and Street Scene service risks',
    level: 'service',
    unit: 'WSS',
    parent: 'ecp',
    description: 'Risks to collections, street cleansing and the depot.',
  },
  {
    key: 'asc',
    name: 'Adult Social Care service risks',
    level: 'service',
    unit: 'ASC',
    parent: 'awb',
    description: 'Risks to care assessments, reablement and safeguarding.',
  },
  {
    key: 'bcf',
    name: 'Better Care Fund programme risks',
    level: 'programme',
    unit: 'HCP',
    parent: 'corporate',
    description: 'Shared with the NHS through the Health and Care Partnership.',
  },
]

interface DemoRisk {
  readonly register: string
  readonly reference: string
  readonly title: string
  readonly cause: string
  readonly event: string
  readonly effect: string
  readonly category: RiskCategory
  readonly owner: string
  readonly frequency: ReviewFrequency
  readonly inherent: readonly [number, number]
  readonly target: readonly [number, number]
  /** Reviews as [months ago, likelihood, impact], oldest first; the first raises the risk. */
  readonly reviews: readonly (readonly [number, number, number])[]
  readonly actions: readonly {
    description: string
    owner: string
    /** Months from today; negative is in the past. */
    due: number
    status: RiskActionStatus
  }[]
  /** Node titles of the golden thread this risk threatens. */
  readonly threatens?: readonly string[]
  /** Raised in `register`, then escalated to `to`, months ago. */
  readonly escalation?: { to: string; monthsAgo: number; reason: string }
}

// Corporate risks modelled on the risks of a council's improvement programme (seed 003) and the
// financial challenge of a delivery plan (seed 004); the words are our own.
const RISKS: readonly DemoRisk[] = [
  {
    register: 'corporate',
    reference: 'CR01',
    title: 'Staff and councillors resist the change programme',
    cause: 'Long-standing ways of working and doubt that this change will be different.',
    event: 'Officers and councillors do not adopt the new ways of working.',
    effect: 'The improvement plan stalls and the savings it depends on are not made.',
    category: 'people',
    owner: HELEN,
    frequency: 'quarterly',
    inherent: [4, 4],
    target: [2, 3],
    reviews: [
      [12, 4, 4],
      [9, 4, 4],
      [6, 3, 4],
      [3, 3, 3],
      [1, 3, 3],
    ],
    actions: [
      {
        description: 'Run the culture and behaviours programme for every manager',
        owner: HELEN,
        due: -2,
        status: 'completed',
      },
      {
        description: 'Publish monthly programme updates on the intranet, open to all staff',
        owner: PRIYA,
        due: 2,
        status: 'in_progress',
      },
    ],
    threatens: ['Improve communication inside the council'],
  },
  {
    register: 'corporate',
    reference: 'CR02',
    title: 'Not enough capacity or skills to deliver the change',
    cause: 'Vacancies in key posts and a small pool of programme and digital skills.',
    event: 'Projects are not staffed with the right people at the right time.',
    effect: 'Milestones slip and benefits come late or not at all.',
    category: 'people',
    owner: ALEX,
    frequency: 'monthly',
    inherent: [5, 4],
    target: [2, 4],
    reviews: [
      [12, 4, 4],
      [10, 4, 4],
      [8, 3, 4],
      [6, 4, 4],
      [5, 4, 4],
      [4, 4, 4],
      [2, 3, 4],
      [0, 3, 4],
    ],
    actions: [
      {
        description: 'Recruit to the programme office through a skills-based process',
        owner: ALEX,
        due: -1,
        status: 'in_progress',
      },
      {
        description: 'Buy in specialist digital skills for the first year and pair them with staff',
        owner: ALEX,
        due: 1,
        status: 'in_progress',
      },
      {
        description: 'Agree options to add strategic leadership capacity',
        owner: HELEN,
        due: -3,
        status: 'completed',
      },
    ],
    threatens: ['Strengthen programme and project management'],
  },
  {
    register: 'corporate',
    reference: 'CR03',
    title: 'Day-to-day services suffer while the programme takes attention',
    cause: 'The same managers run services and lead change.',
    event: 'Short-term pressures crowd out the long-term change, or the reverse.',
    effect: 'Service performance falls, or the change loses momentum.',
    category: 'operational',
    owner: PRIYA,
    frequency: 'quarterly',
    inherent: [4, 3],
    target: [2, 3],
    reviews: [
      [11, 4, 3],
      [8, 3, 3],
      [5, 3, 3],
      [2, 2, 3],
    ],
    actions: [
      {
        description: 'Second staff to the programme full time',
        owner: HELEN,
        due: -4,
        status: 'completed',
      },
      {
        description:
          'Review every existing project against the priorities and stop those that do not fit',
        owner: PRIYA,
        due: 1,
        status: 'in_progress',
      },
    ],
  },
  {
    register: 'corporate',
    reference: 'CR04',
    title: 'Programme dependencies fail or benefits are counted twice',
    cause: 'Many projects depend on each other and claim overlapping savings.',
    event: 'A late project holds up others, or the same saving is claimed by two.',
    effect: 'The budget assumes savings that will not arrive.',
    category: 'strategic',
    owner: PRIYA,
    frequency: 'monthly',
    inherent: [4, 4],
    target: [2, 3],
    reviews: [
      [12, 3, 4],
      [9, 4, 4],
      [8, 4, 4],
      [7, 3, 3],
      [4, 3, 3],
      [2, 3, 3],
    ],
    actions: [
      {
        description: 'Keep a single benefits and dependencies register for the programme',
        owner: PRIYA,
        due: -5,
        status: 'completed',
      },
      {
        description: 'Programme board to challenge every new savings claim',
        owner: PRIYA,
        due: -1,
        status: 'completed',
      },
    ],
    threatens: ['Deliver £4.2m of savings while protecting front-line services'],
  },
  {
    register: 'corporate',
    reference: 'CR05',
    title: 'The medium-term budget gap is not closed',
    cause: 'Falling grant, rising demand for care and inflation in contract prices.',
    event: 'Savings and income fall short of the gap in the medium-term financial strategy.',
    effect: 'Reserves are used up and services must be cut at short notice.',
    category: 'financial',
    owner: ALEX,
    frequency: 'monthly',
    inherent: [5, 5],
    target: [3, 4],
    reviews: [
      [12, 4, 5],
      [11, 4, 5],
      [10, 4, 5],
      [8, 4, 4],
      [6, 4, 5],
      [4, 4, 5],
      [2, 4, 4],
      [1, 4, 4],
    ],
    actions: [
      {
        description:
          'Profile every saving month by month and report variances to the leadership team',
        owner: ALEX,
        due: -2,
        status: 'completed',
      },
      {
        description: 'Bring forward options for the next two years’ savings',
        owner: ALEX,
        due: -1,
        status: 'in_progress',
      },
    ],
    threatens: ['A balanced budget and sound finances'],
  },
  {
    register: 'corporate',
    reference: 'CR06',
    title: 'The part technology plays in the change is underestimated',
    cause: 'Plans focus on structures and processes before systems.',
    event: 'New processes need systems that are not ready.',
    effect: 'Staff work around the systems and the promised efficiencies do not come.',
    category: 'technology_information',
    owner: ALEX,
    frequency: 'quarterly',
    inherent: [3, 4],
    target: [2, 3],
    reviews: [
      [10, 3, 4],
      [7, 3, 4],
      [4, 3, 3],
      [1, 2, 3],
    ],
    actions: [
      {
        description: 'Plan each change across people, processes and technology together',
        owner: ALEX,
        due: 3,
        status: 'in_progress',
      },
    ],
    threatens: ['Move the most common requests online'],
  },
  {
    register: 'corporate',
    reference: 'CR07',
    title: 'Partners’ plans for the city are uncertain',
    cause: 'Partners face their own reorganisations and funding decisions.',
    event: 'Partners change direction after joint plans are agreed.',
    effect: 'Shared outcomes are not delivered and joint funding is lost.',
    category: 'partnership',
    owner: HELEN,
    frequency: 'quarterly',
    inherent: [3, 3],
    target: [2, 3],
    reviews: [
      [9, 3, 3],
      [6, 3, 3],
      [3, 3, 3],
    ],
    actions: [
      {
        description: 'Hold a partners’ event to share plans for the coming year',
        owner: HELEN,
        due: -6,
        status: 'completed',
      },
      {
        description: 'Plan jointly with partners around residents and outcomes',
        owner: TOM,
        due: -1,
        status: 'not_started',
      },
    ],
    threatens: ['Work more closely with our partners'],
  },
  {
    register: 'wss',
    reference: 'WSS03',
    title: 'Breakdowns of the ageing refuse fleet',
    cause: 'A third of the collection vehicles are past their planned life.',
    event: 'Several vehicles are off the road at once.',
    effect: 'Rounds are missed across the city and the food waste roll-out is delayed.',
    category: 'operational',
    owner: GARETH,
    frequency: 'monthly',
    inherent: [4, 4],
    target: [2, 3],
    reviews: [
      [8, 3, 4],
      [7, 4, 4],
      [6, 4, 4],
      [5, 5, 4],
      [4, 4, 4],
      [3, 4, 4],
      [2, 3, 4],
      [1, 3, 3],
    ],
    actions: [
      {
        description: 'Hire six vehicles while replacements are procured',
        owner: GARETH,
        due: -4,
        status: 'completed',
      },
      {
        description: 'Award the contract for twelve new collection vehicles',
        owner: GARETH,
        due: 2,
        status: 'in_progress',
      },
    ],
    threatens: [
      'Collect every bin on the right day',
      'Start weekly food waste collections citywide',
    ],
    escalation: {
      to: 'corporate',
      monthsAgo: 5,
      reason:
        'the fleet now puts every round in the city at risk and needs capital funding that only Cabinet can agree',
    },
  },
  {
    register: 'wss',
    reference: 'WSS01',
    title: 'Missed collections while food waste collections start',
    cause: 'New rounds and new vehicles at the same time.',
    event: 'Crews miss streets in the first weeks of new rounds.',
    effect: 'Complaints rise and residents lose confidence in the new service.',
    category: 'operational',
    owner: SAM,
    frequency: 'monthly',
    inherent: [4, 3],
    target: [2, 2],
    reviews: [
      [6, 4, 3],
      [4, 3, 3],
      [2, 3, 2],
    ],
    actions: [
      {
        description: 'Walk every new round with the crews before it starts',
        owner: SAM,
        due: -3,
        status: 'completed',
      },
      {
        description: 'Send residents their new collection day by post and online',
        owner: SAM,
        due: -1,
        status: 'in_progress',
      },
    ],
    threatens: ['Start weekly food waste collections citywide'],
  },
  {
    register: 'wss',
    reference: 'WSS02',
    title: 'Fly-tipping hot spots are not cleared quickly',
    cause: 'Reports come in faster than the crews can clear them.',
    event: 'Fly-tips stay on the street for more than five days.',
    effect: 'More dumping follows and the neighbourhood looks neglected.',
    category: 'environmental',
    owner: GARETH,
    frequency: 'quarterly',
    inherent: [4, 2],
    target: [2, 2],
    reviews: [
      [7, 4, 2],
      [4, 3, 2],
      [1, 3, 2],
    ],
    actions: [
      {
        description: 'Fit cameras at the five worst hot spots',
        owner: GARETH,
        due: 1,
        status: 'in_progress',
      },
    ],
    threatens: ['Clear litter and fly-tipping quickly'],
  },
  {
    register: 'ecp',
    reference: 'ECP01',
    title: 'Affordable homes are delayed by building costs',
    cause: 'Construction prices have risen faster than the budget allowed.',
    event: 'Schemes no longer add up and developers pause them.',
    effect: 'Fewer homes are built and more households stay in temporary accommodation.',
    category: 'financial',
    owner: GARETH,
    frequency: 'quarterly',
    inherent: [4, 4],
    target: [3, 3],
    reviews: [
      [9, 3, 4],
      [6, 4, 4],
      [3, 3, 4],
    ],
    actions: [
      {
        description: 'Bid for grant to close the viability gap on the two largest schemes',
        owner: GARETH,
        due: -2,
        status: 'in_progress',
      },
    ],
    threatens: ['Start building 300 affordable homes'],
  },
  {
    register: 'awb',
    reference: 'AWB01',
    title: 'Not enough care workers to meet demand',
    cause: 'Low pay in the care market and competition from retail and the NHS.',
    event: 'Home care providers hand back packages.',
    effect: 'People wait in hospital or at home without the care they need.',
    category: 'people',
    owner: HELEN,
    frequency: 'monthly',
    inherent: [5, 4],
    target: [3, 3],
    reviews: [
      [12, 4, 4],
      [9, 4, 4],
      [6, 4, 4],
      [3, 4, 3],
      [2, 4, 3],
    ],
    actions: [
      {
        description: 'Run a joint recruitment campaign with providers',
        owner: HELEN,
        due: -2,
        status: 'in_progress',
      },
    ],
    threatens: ['People live independently for longer'],
  },
  {
    register: 'asc',
    reference: 'ASC01',
    title: 'Delays in getting people home from hospital',
    cause: 'Reablement is full and assessments wait for social workers.',
    event: 'People fit to leave hospital stay there.',
    effect: 'People lose independence and the hospital cannot admit others.',
    category: 'operational',
    owner: HELEN,
    frequency: 'monthly',
    inherent: [4, 4],
    target: [2, 3],
    reviews: [
      [6, 4, 4],
      [4, 3, 4],
      [2, 3, 3],
    ],
    actions: [
      {
        description: 'Trial assessments at home rather than in hospital',
        owner: HELEN,
        due: 1,
        status: 'in_progress',
      },
    ],
    threatens: ['Get people home from hospital safely and quickly'],
  },
  {
    register: 'bcf',
    reference: 'BCF01',
    title: 'Pooled funding with the NHS is reduced',
    cause: 'The NHS faces its own savings targets.',
    event: 'The NHS share of the pooled budget is cut mid-year.',
    effect: 'Joint schemes such as reablement close early.',
    category: 'partnership',
    owner: TOM,
    frequency: 'quarterly',
    inherent: [3, 4],
    target: [2, 3],
    reviews: [
      [8, 3, 4],
      [5, 3, 4],
      [2, 3, 3],
    ],
    actions: [
      {
        description: 'Agree the pooled budget for two years, not one',
        owner: TOM,
        due: 2,
        status: 'in_progress',
      },
    ],
    threatens: ['Trial seven-day hospital discharge with the NHS trust'],
  },
]

/**
 * Registers, risks with a year of reviews, mitigating actions and an escalation for the demo
 * council. Writes directly (like the framework demo): one transaction, no per-row audit.
 */
export async function buildDemoRisks(
  trx: Kysely<DB>,
  organisationId: string,
  refs: {
    readonly units: ReadonlyMap<string, string>
    readonly people: ReadonlyMap<string, string>
  },
  clock: () => Date,
): Promise<{ registers: number; risks: number; reviews: number }> {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(clock())
  const ago = (months: number) => addMonths(today, -months)
  const ref = (map: ReadonlyMap<string, string>, key: string) => {
    const id = map.get(key)
    if (id === undefined) throw new Error(`The demo risks name "${key}", which does not exist`)
    return id
  }
  await repo.upsertMatrix(trx, organisationId, MATRIX, clock())

  const registerIds = new Map<string, string>()
  for (const register of REGISTERS) {
    const row = await repo.insertRegister(trx, organisationId, {
      name: register.name,
      level: register.level,
      unit_id: ref(refs.units, register.unit),
      parent_register_id: register.parent ? ref(registerIds, register.parent) : null,
      description: register.description,
    })
    registerIds.set(register.key, row.id)
  }

  const nodes = await frameworkRepo.listNodes(trx, organisationId)
  const nodeIds = new Map(nodes.map((n) => [n.title, n.id]))

  let reviews = 0
  for (const risk of RISKS) {
    const first = risk.reviews[0]
    const last = risk.reviews.at(-1)
    if (!first || !last) throw new Error(`${risk.reference} has no reviews`)
    const escalatedTo = risk.escalation ? ref(registerIds, risk.escalation.to) : null
    const row = await repo.insertRisk(trx, organisationId, {
      register_id: escalatedTo ?? ref(registerIds, risk.register),
      reference: risk.reference,
      title: risk.title,
      cause: risk.cause,
      event: risk.event,
      effect: risk.effect,
      category: risk.category,
      owner_id: ref(refs.people, risk.owner),
      review_frequency: risk.frequency,
      next_review_date: nextReviewDate(ago(last[0]), risk.frequency),
      inherent_likelihood: risk.inherent[0],
      inherent_impact: risk.inherent[1],
      current_likelihood: last[1],
      current_impact: last[2],
      target_likelihood: risk.target[0],
      target_impact: risk.target[1],
    })
    for (const [index, [months, likelihood, impact]] of risk.reviews.entries()) {
      await repo.insertReview(trx, organisationId, {
        risk_id: row.id,
        reviewed_on: ago(months),
        reviewer_id: ref(refs.people, index === 0 ? risk.owner : PRIYA),
        likelihood,
        impact,
        note:
          index === 0
            ? 'Assessed when the risk was raised'
            : `Reviewed with the owner: ${likelihood * impact <= MATRIX.appetite ? 'within appetite now' : 'still above appetite'}.`,
      })
      reviews++
    }
    for (const action of risk.actions) {
      await repo.insertAction(trx, organisationId, row.id, {
        description: action.description,
        owner_id: ref(refs.people, action.owner),
        due_date: addMonths(today, action.due),
        status: action.status,
      })
    }
    if (risk.escalation && escalatedTo) {
      await repo.insertEscalation(trx, organisationId, {
        risk_id: row.id,
        from_register_id: ref(registerIds, risk.register),
        to_register_id: escalatedTo,
        reason: risk.escalation.reason,
        escalated_on: ago(risk.escalation.monthsAgo),
        escalated_by_id: ref(refs.people, GARETH),
      })
    }
    for (const title of risk.threatens ?? []) {
      await linkRepo.insertLink(trx, {
        organisationId,
        nodeId: ref(nodeIds, title),
        itemKind: 'risk',
        itemId: row.id,
      })
    }
  }
  await recordAudit(
    trx,
    {
      organisationId,
      actor: SYSTEM_ACTOR,
      action: 'risk_registers_built',
      itemType: 'organisation',
      itemId: organisationId,
      summary: `Demo risk registers built: ${REGISTERS.length} registers, ${RISKS.length} risks, ${reviews} reviews`,
    },
    clock,
  )
  return { registers: REGISTERS.length, risks: RISKS.length, reviews }
}

/** Demo risks linked to the demo programmes and projects they threaten, by risk reference and project code. */
const PROJECT_LINKS: readonly (readonly [string, string])[] = [
  ['WSS03', 'WST'],
  ['WSS03', 'WST1'],
  ['WSS01', 'WST1'],
  ['WSS02', 'WST2'],
  ['CR01', 'OIP'],
  ['CR02', 'OIP'],
  ['CR04', 'OIP'],
  ['CR01', 'AP1'],
  ['CR05', 'AP2'],
  ['CR07', 'AP3'],
]

/**
 * Links demo risks to demo programmes and projects; called by buildDemoCouncil inside its
 * transaction once both have been built.
 */
export async function linkDemoRisksToProjects(
  trx: Kysely<DB>,
  organisationId: string,
): Promise<{ links: number }> {
  const [risks, projects] = await Promise.all([
    repo.listRisks(trx, organisationId),
    trx
      .selectFrom('projects')
      .select(['id', 'code'])
      .where('organisation_id', '=', organisationId)
      .execute(),
  ])
  const riskIds = new Map(risks.map((r) => [r.reference, r.id]))
  const projectIds = new Map(projects.map((p) => [p.code, p.id]))
  for (const [reference, code] of PROJECT_LINKS) {
    const riskId = riskIds.get(reference)
    const projectId = projectIds.get(code)
    if (!riskId || !projectId) {
      throw new Error(
        `The demo links name risk ${reference} or project ${code}, which does not exist`,
      )
    }
    await repo.insertRiskLink(trx, organisationId, {
      risk_id: riskId,
      item_kind: 'project',
      item_id: projectId,
    })
  }
  return { links: PROJECT_LINKS.length }
}
