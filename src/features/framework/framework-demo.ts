import type { Kysely } from 'kysely'
import type { DB, PlanKind, PlanStatus } from '../../db/schema.ts'
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts'
import { linkRepository as linkRepo } from '../links/index.ts'
import { presentPlan } from './framework-presenter.ts'
import * as repo from './framework-repository.ts'

interface DemoNode {
  /** For nodes of lower plans to sit under. */
  readonly key?: string
  readonly title: string
  readonly description?: string
  readonly success?: string
  /** Email of the owner. */
  readonly owner?: string
  /** Code of the lead unit. */
  readonly lead?: string
  /** Unit codes and people's emails, linked as contributing. */
  readonly contributors?: readonly string[]
  /** Key of a node in a plan above that this top-level node sits under. */
  readonly sitsUnder?: string
  readonly children?: readonly DemoNode[]
}

interface DemoPlan {
  readonly key: string
  readonly title: string
  readonly kind: PlanKind
  readonly years: readonly [first: number, last: number]
  readonly status: PlanStatus
  readonly owner: string
  readonly parent?: string
  readonly vision?: string
  readonly mission?: string
  readonly levels: readonly string[]
  readonly nodes: readonly DemoNode[]
}

const PRIYA = 'performance@example-city.gov.uk'
const GARETH = 'approver@example-city.gov.uk'
const SAM = 'dataentry@example-city.gov.uk'
const HELEN = 'director@example-city.gov.uk'
const ROSA = 'councillor@example-city.gov.uk'
const TOM = 'partner@example-city.gov.uk'
const ALEX = 'admin@example-city.gov.uk'

/**
 * The framework of Example City Council, shaped like the seed papers: a long-term city plan with
 * five themes (Worcester), strategic purposes in the "help me…" voice of residents (Redditch),
 * a yearly delivery plan tied to the themes (Herefordshire) and an organisational improvement
 * plan arranged by key area (Leicester). The words are our own.
 */
const PLANS: readonly DemoPlan[] = [
  {
    key: 'city',
    title: 'City Plan 2024–2029',
    kind: 'city',
    years: [2024, 2028],
    status: 'active',
    owner: 'CEX',
    vision:
      'A fairer, greener and more prosperous Example City, where everyone can live a good life ' +
      'and share in its success.',
    mission:
      'We work with residents, businesses and partners to provide good public services and to ' +
      'make every pound count.',
    levels: ['Theme', 'Outcome'],
    nodes: [
      {
        key: 'economy',
        title: 'A thriving economy',
        description: 'More good jobs, better skills and a busy, welcoming city centre.',
        success:
          'The employment rate is above the regional average, fewer young people are out of ' +
          'work or training, and city centre footfall is back above its 2019 level.',
        lead: 'ECP',
        contributors: ['PLN'],
        children: [
          {
            title: 'More residents in good, secure work',
            lead: 'PLN',
            success: 'Unemployment falls in the three wards where it is highest.',
          },
          {
            title: 'A city centre people want to visit',
            lead: 'LEI',
            contributors: ['LEI', 'LOC-C'],
          },
        ],
      },
      {
        key: 'health',
        title: 'Healthy, independent lives',
        description:
          'People stay well, get support early and live in their own homes for as long as ' +
          'they can.',
        success:
          'More older people are still at home three months after leaving hospital, and the ' +
          'gap in healthy life expectancy between neighbourhoods narrows.',
        owner: HELEN,
        lead: 'AWB',
        contributors: ['HCP', HELEN],
        children: [
          {
            title: 'People live independently for longer',
            lead: 'ASC',
            contributors: ['ASC'],
          },
          {
            title: 'Healthier lives and smaller health gaps between areas',
            lead: 'PH',
            contributors: ['PH', TOM],
          },
        ],
      },
      {
        key: 'clean',
        title: 'Safe, clean and green neighbourhoods',
        description: 'Streets that are clean and safe, less waste and more of it recycled.',
        success:
          'Half of household waste is recycled, fly-tipping is cleared within two working days ' +
          'and more residents say they feel safe after dark.',
        owner: GARETH,
        lead: 'ECP',
        contributors: ['WSS', GARETH],
        children: [
          {
            title: 'Cleaner streets and more recycling',
            lead: 'WSS',
            contributors: ['WSS-WC', 'WSS-SC'],
          },
          { title: 'People feel safe where they live', lead: 'CSP', contributors: ['CSP'] },
        ],
      },
      {
        key: 'homes',
        title: 'Homes for everyone',
        description: 'Enough decent, affordable homes, and help before anyone loses theirs.',
        success:
          'Affordable home starts meet the plan’s yearly figure and fewer families live in ' +
          'temporary accommodation.',
        lead: 'HOU',
        contributors: ['HOU'],
        children: [
          { title: 'More affordable homes are built', lead: 'PLN' },
          { title: 'Fewer households in temporary accommodation', lead: 'HOU' },
        ],
      },
      {
        key: 'council',
        title: 'A well-run council',
        description:
          'Sound finances, services designed around the customer and staff who are proud to ' +
          'work here.',
        success:
          'The budget balances every year, most requests are settled at first contact and ' +
          'staff survey results improve.',
        owner: ROSA,
        lead: 'RES',
        contributors: ['RES', PRIYA],
        children: [
          {
            title: 'Customers get what they need first time',
            lead: 'RBC',
            contributors: ['RBC-CC'],
          },
          { title: 'A balanced budget and sound finances', lead: 'FIN', contributors: ['FIN'] },
        ],
      },
    ],
  },
  {
    key: 'corporate',
    title: 'Corporate Plan 2024–2027',
    kind: 'corporate',
    years: [2024, 2026],
    status: 'active',
    owner: 'CEX',
    parent: 'city',
    mission:
      'Start from what matters to residents, and design every service around their demand ' +
      'rather than our habits.',
    levels: ['Strategic purpose', 'Operational purpose'],
    nodes: [
      {
        title: 'Help me find a home that suits my needs',
        sitsUnder: 'homes',
        lead: 'HOU',
        contributors: ['HOU'],
        children: [{ title: 'Help people at risk of losing their home to keep it', lead: 'HOU' }],
      },
      {
        title: 'Help me start and grow a business',
        sitsUnder: 'economy',
        lead: 'PLN',
        contributors: ['PLN'],
      },
      {
        title: 'Help me live well and independently',
        sitsUnder: 'health',
        owner: HELEN,
        lead: 'AWB',
        contributors: ['AWB'],
        children: [
          {
            title: 'Get people home from hospital safely and quickly',
            lead: 'ASC-RE',
            contributors: ['ASC-RE'],
          },
        ],
      },
      {
        key: 'keep-clean',
        title: 'Keep my neighbourhood safe, clean and looking good',
        sitsUnder: 'clean',
        owner: GARETH,
        lead: 'WSS',
        children: [
          {
            title: 'Collect every bin on the right day',
            lead: 'WSS-WC',
            contributors: ['WSS-WC', SAM],
          },
          {
            title: 'Clear litter and fly-tipping quickly',
            lead: 'WSS-SC',
            contributors: ['WSS-SC'],
          },
        ],
      },
      {
        title: 'Help my children get the best start in life',
        sitsUnder: 'health',
        lead: 'CSC',
        contributors: ['CSC', 'EDU'],
        children: [
          { title: 'Keep children safe in stable, loving homes', lead: 'CSC' },
          { title: 'A good school place for every child', lead: 'EDU' },
        ],
      },
      {
        title: 'Give me good things to do, see and visit',
        sitsUnder: 'economy',
        lead: 'LEI',
        contributors: ['LEI'],
      },
      {
        key: 'enable',
        title: 'Enable colleagues to serve residents well',
        description: 'The enabling purpose: what support services exist to make possible.',
        sitsUnder: 'council',
        owner: PRIYA,
        lead: 'RES',
        contributors: ['HR', 'ICT'],
      },
    ],
  },
  {
    key: 'delivery',
    title: 'Delivery Plan 2024/25',
    kind: 'delivery',
    years: [2024, 2024],
    status: 'active',
    owner: 'PP',
    parent: 'city',
    mission: 'What we will do this year towards each theme of the City Plan.',
    levels: ['Priority', 'Key action'],
    nodes: [
      {
        title: 'Help local businesses to grow',
        sitsUnder: 'economy',
        lead: 'PLN',
        contributors: ['PLN'],
        children: [{ title: 'Open a business advice hub in the central library', lead: 'PLN' }],
      },
      {
        title: 'Bring empty city centre shops back into use',
        sitsUnder: 'economy',
        lead: 'PLN',
        contributors: ['LOC-C'],
      },
      {
        title: 'Expand reablement so more people regain their independence',
        sitsUnder: 'health',
        owner: HELEN,
        lead: 'ASC-RE',
        contributors: ['ASC-RE', 'HCP'],
        success: 'Nine in ten people are still at home 91 days after reablement.',
        children: [
          { title: 'Recruit eight more reablement workers', lead: 'ASC-RE' },
          {
            title: 'Trial seven-day hospital discharge with the NHS trust',
            lead: 'ASC',
            contributors: [TOM],
          },
        ],
      },
      {
        title: 'Help residents to be more active',
        sitsUnder: 'health',
        lead: 'LEI',
      },
      {
        title: 'Recycle half of all household waste',
        sitsUnder: 'clean',
        owner: GARETH,
        lead: 'WSS-WC',
        contributors: ['WSS-WC', SAM],
        children: [
          { title: 'Start weekly food waste collections citywide', lead: 'WSS-WC' },
          { title: 'Run a recycling campaign in flats and shared blocks', lead: 'COM' },
        ],
      },
      {
        title: 'Clean up fly-tipping hot spots',
        sitsUnder: 'clean',
        lead: 'WSS-SC',
        contributors: ['WSS-SC', 'LOC-N'],
      },
      {
        title: 'Reduce anti-social behaviour in the city centre',
        sitsUnder: 'clean',
        lead: 'CSP',
        contributors: ['CSP', 'LOC-C'],
      },
      {
        title: 'Prevent homelessness earlier',
        sitsUnder: 'homes',
        lead: 'HOU',
        contributors: ['HOU'],
      },
      {
        title: 'Start building 300 affordable homes',
        sitsUnder: 'homes',
        lead: 'PLN',
      },
      {
        title: 'Deliver £4.2m of savings while protecting front-line services',
        sitsUnder: 'council',
        owner: PRIYA,
        lead: 'FIN',
        contributors: ['FIN'],
      },
      {
        title: 'Move the most common requests online',
        sitsUnder: 'council',
        lead: 'ICT',
        contributors: ['ICT', 'RBC-CC', ALEX],
      },
    ],
  },
  {
    key: 'improvement',
    title: 'Organisational Improvement Plan 2024/25',
    kind: 'improvement',
    years: [2024, 2024],
    status: 'active',
    owner: 'HR',
    parent: 'corporate',
    mission: 'Become a council that learns, improves and gives value for money.',
    levels: ['Key area', 'Priority', 'Outcome'],
    nodes: [
      {
        title: 'Leadership',
        sitsUnder: 'enable',
        lead: 'CEX',
        children: [
          {
            title: 'Work more closely with our partners',
            contributors: ['HCP', 'CSP'],
            children: [{ title: 'Partners agree shared priorities and report on them together' }],
          },
        ],
      },
      {
        title: 'Our people',
        sitsUnder: 'enable',
        lead: 'HR',
        children: [
          {
            title: 'Develop our staff and councillors',
            contributors: ['HR'],
            children: [{ title: 'Every employee has a yearly appraisal and learning plan' }],
          },
          { title: 'Improve communication inside the council', lead: 'COM' },
        ],
      },
      {
        title: 'Ways of working',
        sitsUnder: 'enable',
        lead: 'PP',
        children: [
          {
            title: 'Strengthen programme and project management',
            contributors: ['PP'],
            children: [
              { title: 'Each major project has a senior responsible officer and a board' },
            ],
          },
        ],
      },
      {
        title: 'Performance',
        sitsUnder: 'enable',
        owner: PRIYA,
        lead: 'PP',
        children: [
          {
            title: 'Make performance information timely and trusted',
            contributors: [PRIYA, 'PP'],
            children: [
              { title: 'Quarterly reports reach Cabinet within six weeks of quarter end' },
            ],
          },
          { title: 'Get better value from our suppliers', lead: 'FIN' },
        ],
      },
    ],
  },
]

/** Adds the demo framework; called by buildDemoCouncil inside its transaction. */
export async function buildDemoFramework(
  trx: Kysely<DB>,
  organisationId: string,
  refs: {
    readonly units: ReadonlyMap<string, string>
    readonly people: ReadonlyMap<string, string>
  },
  clock: () => Date,
): Promise<{ plans: number; nodes: number; links: number }> {
  const planIds = new Map<string, string>()
  const nodeIds = new Map<string, string>()
  const ref = (map: ReadonlyMap<string, string>, key: string | undefined): string | null => {
    if (key === undefined) return null
    const id = map.get(key)
    if (id === undefined) throw new Error(`The demo framework names "${key}", which does not exist`)
    return id
  }
  let nodes = 0
  let links = 0

  const addNodes = async (
    planId: string,
    list: readonly DemoNode[],
    parentId: string | null,
  ): Promise<void> => {
    for (const [position, node] of list.entries()) {
      const row = await repo.insertNode(trx, organisationId, {
        plan_id: planId,
        parent_id: parentId,
        contributes_to_id: parentId === null ? ref(nodeIds, node.sitsUnder) : null,
        title: node.title,
        description: node.description ?? null,
        success: node.success ?? null,
        owner_id: ref(refs.people, node.owner),
        lead_unit_id: ref(refs.units, node.lead),
        position,
        status: 'active',
      })
      nodes++
      if (node.key) nodeIds.set(node.key, row.id)
      for (const contributor of node.contributors ?? []) {
        const isPerson = contributor.includes('@')
        const itemId = ref(isPerson ? refs.people : refs.units, contributor) ?? ''
        await linkRepo.insertLink(trx, {
          organisationId,
          nodeId: row.id,
          itemKind: isPerson ? 'person' : 'unit',
          itemId,
        })
        links++
      }
      if (node.children) await addNodes(planId, node.children, row.id)
    }
  }

  for (const plan of PLANS) {
    const row = await repo.insertPlan(trx, organisationId, {
      parent_plan_id: ref(planIds, plan.parent),
      title: plan.title,
      kind: plan.kind,
      first_year: plan.years[0],
      last_year: plan.years[1],
      status: plan.status,
      owner_unit_id: ref(refs.units, plan.owner),
      vision: plan.vision ?? null,
      mission: plan.mission ?? null,
      levels: plan.levels,
    })
    planIds.set(plan.key, row.id)
    await addNodes(row.id, plan.nodes, null)
    await recordAudit(
      trx,
      {
        organisationId,
        actor: SYSTEM_ACTOR,
        action: 'plan_created',
        itemType: 'plan',
        itemId: row.id,
        summary: `Plan "${row.title}" created for the demo council`,
        after: presentPlan(row),
      },
      clock,
    )
  }
  return { plans: PLANS.length, nodes, links }
}
