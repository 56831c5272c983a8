import type { Insertable, Kysely } from 'kysely'
import { addDays, periodContaining } from '../../core/periods.ts'
import type { Confidence, MilestoneStatus } from '../../core/project-status.ts'
import type {
  AssuranceRating,
  DB,
  GatewayDecision,
  ProjectLevel,
  ProjectGatewaysTable,
  ProjectStage,
  ProjectUpdatesTable,
} from '../../db/schema.ts'
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts'
import { linkRepository as linkRepo } from '../links/index.ts'
import * as repo from './project-repository.ts'

const PRIYA = 'performance@example-city.gov.uk'
const GARETH = 'approver@example-city.gov.uk'
const SAM = 'dataentry@example-city.gov.uk'
const HELEN = 'director@example-city.gov.uk'
const TOM = 'partner@example-city.gov.uk'
const ALEX = 'admin@example-city.gov.uk'

/** Months and quarters relative to today, so the demo is always current. */
interface DemoMilestone {
  readonly title: string
  /** Quarters from the current one (−1 is last quarter); `day` makes it a date in that quarter. */
  readonly quarter: number
  readonly day?: boolean
  readonly status: MilestoneStatus
  /** Rescheduled from this many quarters earlier, with the reason. */
  readonly movedFrom?: readonly [quarters: number, reason: string]
  readonly owner?: string
}

interface DemoUpdate {
  readonly highlights: string
  readonly nextSteps: string
  /** Months after the month written that the next steps are due: always ahead of it. */
  readonly when: number
  readonly who: string
  readonly confidence: Confidence
}

interface DemoGateway {
  readonly stage: ProjectStage
  readonly decision: GatewayDecision
  /** Quarters from the current one (−1 is last quarter): held 20 days into it. */
  readonly quarter: number
  readonly reviewer: string
  readonly conditions?: string
}

interface DemoItem {
  readonly key: string
  readonly level: ProjectLevel
  readonly code?: string
  readonly title: string
  readonly description?: string
  readonly sro?: string
  readonly manager?: string
  readonly lead?: string
  readonly partners?: readonly string[]
  readonly budget?: number
  readonly confidence?: Confidence
  readonly milestones?: readonly DemoMilestone[]
  /**
   * Updates for the last months, oldest first, the last one last month; an action's third
   * awaits approval.
   */
  readonly updates?: readonly DemoUpdate[]
  /** Where it is in its life, its assurance rating, and its gateway reviews. */
  readonly stage?: ProjectStage
  readonly assurance?: AssuranceRating
  readonly gateways?: readonly DemoGateway[]
  readonly benefits?: readonly {
    kind: 'financial' | 'non_financial'
    title: string
    unit?: string
    planned: number
    realised: number
  }[]
  /** Titles of framework nodes it delivers. */
  readonly nodes?: readonly string[]
  readonly children?: readonly DemoItem[]
}

/**
 * Modelled on the seed papers in our own words: an organisational improvement programme of
 * action plans (Birmingham's highlight report, Leicester's SROs and milestones) and a service
 * transformation programme (Herefordshire's delivery plan).
 */
const ITEMS: readonly DemoItem[] = [
  {
    key: 'oip',
    level: 'programme',
    code: 'OIP',
    title: 'Organisational Improvement Programme',
    description:
      'Our response to the peer challenge: clearer roles, a single plan with the money behind ' +
      'it, and working as one with our partners.',
    sro: HELEN,
    manager: PRIYA,
    lead: 'PP',
    budget: 450000,
    nodes: ['Strengthen programme and project management'],
    stage: 'delivery',
    assurance: 'amber',
    gateways: [
      {
        stage: 'mandate',
        decision: 'proceed',
        quarter: -3,
        reviewer: 'Strategic Management Board',
      },
      {
        stage: 'business_case',
        decision: 'proceed_with_conditions',
        quarter: -2,
        reviewer: 'Organisational Improvement Programme Board',
        conditions:
          'Report benefits monthly to the board; recruit the programme office before delivery starts.',
      },
    ],
    updates: [
      {
        highlights: 'Programme office set up; action plan leads named for all three plans.',
        nextSteps: 'Programme board to agree the action plans.',
        when: 1,
        who: 'Corporate Performance Manager',
        confidence: 'medium',
      },
      {
        highlights: 'Programme board agreed the three action plans and their leads.',
        nextSteps: 'Report the first quarter’s progress to Cabinet.',
        when: 2,
        who: 'Director of Adults and Wellbeing',
        confidence: 'medium',
      },
      {
        highlights:
          'Two of three action plans are behind on a milestone; the board asked for recovery plans.',
        nextSteps: 'Agree recovery plans for the planning framework and the culture programme.',
        when: 1,
        who: 'Corporate Performance Manager',
        confidence: 'medium',
      },
    ],
    children: [
      {
        key: 'ap1',
        level: 'project',
        code: 'AP1',
        title: 'Leadership: roles, responsibilities and culture',
        sro: HELEN,
        manager: PRIYA,
        lead: 'HR',
        milestones: [
          { title: 'Councillor and officer roles agreed', quarter: -2, status: 'completed' },
          { title: 'New appraisal scheme launched', quarter: -1, status: 'completed' },
          {
            title: 'Culture change programme under way',
            quarter: 0,
            status: 'in_progress',
          },
          { title: 'New support services model live', quarter: 2, status: 'not_started' },
        ],
        nodes: ['Develop our staff and councillors'],
        stage: 'delivery',
        assurance: 'amber_green',
        gateways: [
          {
            stage: 'business_case',
            decision: 'proceed',
            quarter: -2,
            reviewer: 'Organisational Improvement Programme Board',
          },
        ],
        updates: [
          {
            highlights: 'Roles agreed by councillors and officers; appraisal scheme on track.',
            nextSteps: 'Launch the culture change programme with every manager.',
            when: 2,
            who: 'Head of HR',
            confidence: 'medium',
          },
          {
            highlights:
              'Culture programme started with the senior team; the 360 review contract is late.',
            nextSteps: 'Sign the 360 contract and brief middle managers.',
            when: 1,
            who: 'Head of HR',
            confidence: 'medium',
          },
        ],
        children: [
          {
            key: 'ap1-roles',
            level: 'action',
            title: 'Roles and responsibilities',
            manager: PRIYA,
            lead: 'LDS',
            confidence: 'medium',
            updates: [
              {
                highlights:
                  'Head of Organisational Development appointed to lead the work.\nChief Executive briefings for all staff on changing roles held in every directorate.',
                nextSteps: 'Start the councillor development programme after the elections.',
                when: 1,
                who: 'Director of Resources',
                confidence: 'medium',
              },
              {
                highlights: 'Councillor induction programme designed with group leaders.',
                nextSteps: 'Run joint councillor and officer workshops on roles.',
                when: 1,
                who: 'Director of Resources',
                confidence: 'medium',
              },
              {
                highlights: 'Two of four workshops held; feedback is positive.',
                nextSteps: 'Hold the remaining workshops and publish the roles protocol.',
                when: 2,
                who: 'Head of Legal and Democratic Services',
                confidence: 'high',
              },
            ],
          },
          {
            key: 'ap1-appraisal',
            level: 'action',
            title: 'Shared expectations: appraisal and 360 reviews',
            manager: PRIYA,
            lead: 'HR',
            confidence: 'high',
            milestones: [
              {
                title: '360 reviews for senior managers',
                quarter: 1,
                status: 'rescheduled',
                movedFrom: [0, 'Supplier contract signed later than planned'],
              },
            ],
            updates: [
              {
                highlights: 'New appraisal scheme on track to launch in April.',
                nextSteps: 'Brief managers on the new scheme.',
                when: 1,
                who: 'Head of HR',
                confidence: 'high',
              },
              {
                highlights: 'Appraisal scheme launched; 40% of staff booked in.',
                nextSteps: 'Procure the 360 review tool.',
                when: 1,
                who: 'Head of HR',
                confidence: 'high',
              },
              {
                highlights: '360 tool contract delayed; senior reviews moved a quarter.',
                nextSteps: 'Sign the contract and schedule senior reviews.',
                when: 2,
                who: 'Head of HR',
                confidence: 'medium',
              },
            ],
          },
          {
            key: 'ap1-culture',
            level: 'action',
            title: 'Culture and values',
            manager: PRIYA,
            lead: 'HR',
            confidence: 'low',
            updates: [
              {
                highlights: 'Values agreed and shared with staff.',
                nextSteps: 'Draft the expected behaviours.',
                when: 1,
                who: 'Chief Executive',
                confidence: 'medium',
              },
              {
                highlights: 'Expected behaviours drafted.',
                nextSteps: 'Agree the first-year culture programme.',
                when: 1,
                who: 'Chief Executive',
                confidence: 'low',
              },
            ],
          },
        ],
      },
      {
        key: 'ap2',
        level: 'project',
        code: 'AP2',
        title: 'Strategic and financial planning',
        sro: HELEN,
        manager: PRIYA,
        lead: 'FIN',
        milestones: [
          { title: 'Transformation programme designed', quarter: -2, status: 'completed' },
          {
            title: 'Draft planning framework agreed',
            quarter: -1,
            day: true,
            status: 'delayed',
          },
          { title: 'Long-term financial plan approved', quarter: 1, status: 'on_track' },
        ],
        benefits: [
          {
            kind: 'financial',
            title: 'Lower cost of external consultancy',
            planned: 120000,
            realised: 85000,
          },
        ],
        nodes: ['Make performance information timely and trusted'],
        stage: 'business_case',
        assurance: 'amber_red',
        gateways: [
          {
            stage: 'mandate',
            decision: 'proceed',
            quarter: -2,
            reviewer: 'Organisational Improvement Programme Board',
          },
          {
            stage: 'business_case',
            decision: 'hold',
            quarter: -1,
            reviewer: 'Organisational Improvement Programme Board',
          },
        ],
        children: [
          {
            key: 'ap2-plan',
            level: 'action',
            title: 'Long-term financial and service planning',
            manager: PRIYA,
            lead: 'FIN',
            confidence: 'medium',
            updates: [
              {
                highlights: 'Approach to a five-year financial and service plan agreed.',
                nextSteps: 'Hold a planning event with partners.',
                when: 1,
                who: 'Director of Finance',
                confidence: 'medium',
              },
              {
                highlights: 'Partner event held; shared planning assumptions drafted.',
                nextSteps: 'Agree the vision and design principles.',
                when: 1,
                who: 'Director of Finance',
                confidence: 'medium',
              },
              {
                highlights: 'Vision and design principles drafted for Cabinet.',
                nextSteps: 'Cabinet to approve the long-term plan.',
                when: 2,
                who: 'Director of Finance',
                confidence: 'medium',
              },
            ],
          },
          {
            key: 'ap2-framework',
            level: 'action',
            title: 'Planning and performance framework',
            manager: PRIYA,
            lead: 'PP',
            confidence: 'medium',
          },
        ],
      },
      {
        key: 'ap3',
        level: 'project',
        code: 'AP3',
        title: 'Communities and partnership',
        sro: HELEN,
        manager: PRIYA,
        lead: 'CEX',
        partners: ['HCP', 'CSP'],
        milestones: [
          { title: 'City partnership steering group formed', quarter: -1, status: 'completed' },
          { title: 'City partnership board launched', quarter: 1, status: 'in_progress' },
        ],
        nodes: ['Work more closely with our partners'],
        stage: 'delivery',
        assurance: 'green',
        children: [
          {
            key: 'ap3-board',
            level: 'action',
            title: 'City partnership board',
            manager: TOM,
            lead: 'HCP',
            partners: ['HCP'],
            confidence: 'medium',
            updates: [
              {
                highlights: 'Informal partner event held; a list of every partnership drawn up.',
                nextSteps: 'Agree steering group membership.',
                when: 1,
                who: 'Integrated Care Lead',
                confidence: 'medium',
              },
              {
                highlights: 'Steering group agreed; terms of reference drafted.',
                nextSteps: 'Plan the launch event for the summer.',
                when: 2,
                who: 'Integrated Care Lead',
                confidence: 'medium',
              },
            ],
          },
          {
            key: 'ap3-health',
            level: 'action',
            title: 'Shared priorities with health',
            manager: TOM,
            lead: 'HCP',
            partners: ['HCP'],
            confidence: 'low',
          },
        ],
      },
    ],
  },
  {
    key: 'wst',
    level: 'programme',
    code: 'WST',
    title: 'Waste and Street Scene Transformation',
    description: 'Recycle more, collect every bin on the right day and clear fly-tipping faster.',
    sro: GARETH,
    manager: ALEX,
    lead: 'WSS',
    budget: 1250000,
    nodes: ['Recycle half of all household waste'],
    stage: 'delivery',
    assurance: 'amber_green',
    gateways: [
      {
        stage: 'business_case',
        decision: 'proceed',
        quarter: -3,
        reviewer: 'Waste Transformation Programme Board',
      },
    ],
    updates: [
      {
        highlights: 'Food waste vehicles and caddies procured; camera sites surveyed.',
        nextSteps: 'Go live with food waste collections in the North Locality.',
        when: 2,
        who: 'Head of Waste and Street Scene',
        confidence: 'high',
      },
      {
        highlights: 'Food waste crews trained; two camera sites need solar power.',
        nextSteps: 'Agree the go-live date with the Cabinet member.',
        when: 1,
        who: 'Head of Waste and Street Scene',
        confidence: 'medium',
      },
      {
        highlights: 'Food waste rounds live in the North Locality; fly-tipping cameras behind.',
        nextSteps: 'Decide the South Locality go-live date.',
        when: 1,
        who: 'Head of Waste and Street Scene',
        confidence: 'medium',
      },
    ],
    children: [
      {
        key: 'wst-food',
        level: 'project',
        code: 'WST1',
        title: 'Weekly food waste collections',
        sro: GARETH,
        manager: SAM,
        lead: 'WSS-WC',
        budget: 900000,
        milestones: [
          { title: 'Business case approved', quarter: -2, status: 'completed' },
          { title: 'Caddies and vehicles procured', quarter: -1, status: 'completed' },
          {
            title: 'First rounds live in the North Locality',
            quarter: 0,
            status: 'on_track',
          },
          {
            title: 'Citywide roll-out complete',
            quarter: 2,
            status: 'rescheduled',
            movedFrom: [1, 'Vehicle delivery put back by the manufacturer'],
          },
        ],
        benefits: [
          {
            kind: 'financial',
            title: 'Lower landfill tax and disposal costs',
            planned: 180000,
            realised: 45000,
          },
          {
            kind: 'non_financial',
            title: 'Household waste recycled',
            unit: '%',
            planned: 50,
            realised: 46,
          },
        ],
        nodes: ['Start weekly food waste collections citywide'],
        stage: 'delivery',
        assurance: 'green',
        gateways: [
          {
            stage: 'business_case',
            decision: 'proceed_with_conditions',
            quarter: -2,
            reviewer: 'Waste Transformation Programme Board',
            conditions: 'Vehicles to be leased, not bought, until the round model is proven.',
          },
        ],
        updates: [
          {
            highlights: 'Caddies and vehicles procured; crews trained for the North rounds.',
            nextSteps: 'Go live in the North Locality.',
            when: 1,
            who: 'Waste Collection Manager',
            confidence: 'high',
          },
          {
            highlights: 'North Locality live: 21,000 households on weekly food waste collections.',
            nextSteps: 'Finish caddy deliveries in the South Locality.',
            when: 2,
            who: 'Waste Collection Manager',
            confidence: 'medium',
          },
        ],
        children: [
          {
            key: 'wst-food-caddies',
            level: 'action',
            title: 'Deliver kitchen caddies to every household',
            manager: SAM,
            lead: 'WSS-WC',
            confidence: 'high',
            updates: [
              {
                highlights: 'Caddy contract awarded; delivery plan agreed by round.',
                nextSteps: 'Start deliveries in the North Locality.',
                when: 1,
                who: 'Waste Collection Manager',
                confidence: 'high',
              },
              {
                highlights: '21,000 caddies delivered in the North Locality.',
                nextSteps: 'Deliveries in the South Locality.',
                when: 2,
                who: 'Waste Collection Manager',
                confidence: 'high',
              },
              {
                highlights: 'South Locality deliveries 60% done.',
                nextSteps: 'Finish the South and start the City Centre.',
                when: 2,
                who: 'Waste Collection Manager',
                confidence: 'high',
              },
            ],
          },
          {
            key: 'wst-food-rounds',
            level: 'action',
            title: 'Redesign collection rounds',
            manager: SAM,
            lead: 'WSS-WC',
            confidence: 'medium',
            updates: [
              {
                highlights: 'Round modelling finished; crews briefed.',
                nextSteps: 'Consult staff on new shift patterns.',
                when: 1,
                who: 'Waste Collection Manager',
                confidence: 'medium',
              },
              {
                highlights: 'Staff consultation closed; two new rounds agreed.',
                nextSteps: 'Go live in the North Locality.',
                when: 2,
                who: 'Waste Collection Manager',
                confidence: 'medium',
              },
              {
                highlights:
                  'North Locality rounds live; missed collections up slightly in week one.',
                nextSteps: 'Fix route problems before the South goes live.',
                when: 2,
                who: 'Waste Collection Manager',
                confidence: 'medium',
              },
            ],
          },
        ],
      },
      {
        key: 'wst-fly',
        level: 'project',
        code: 'WST2',
        title: 'Fly-tipping enforcement',
        sro: GARETH,
        manager: SAM,
        lead: 'WSS-SC',
        partners: ['CSP'],
        milestones: [
          { title: 'Hot spot cameras installed', quarter: -1, day: true, status: 'in_progress' },
          {
            title: 'Enforcement partnership with police agreed',
            quarter: 1,
            status: 'not_started',
          },
        ],
        nodes: ['Clean up fly-tipping hot spots'],
        stage: 'business_case',
        assurance: 'amber',
        children: [
          {
            key: 'wst-fly-cameras',
            level: 'action',
            title: 'Cameras at the ten worst hot spots',
            manager: SAM,
            lead: 'WSS-SC',
            confidence: 'low',
            updates: [
              {
                highlights: 'Six of ten sites surveyed; power supply a problem at two.',
                nextSteps: 'Agree solar units for the two sites.',
                when: 1,
                who: 'Street Cleansing Manager',
                confidence: 'medium',
              },
              {
                highlights: 'Four cameras installed; supplier behind on the rest.',
                nextSteps: 'Escalate with the supplier.',
                when: 2,
                who: 'Street Cleansing Manager',
                confidence: 'low',
              },
            ],
          },
        ],
      },
    ],
  },
]

const DEPENDENCIES: readonly (readonly [string, string, string])[] = [
  ['wst-food-rounds', 'wst-food-caddies', 'Rounds go live only where caddies are delivered'],
  ['ap3-health', 'ap3-board', 'Shared priorities are agreed through the partnership board'],
  ['ap2-framework', 'ap1-appraisal', 'Individual objectives follow the new appraisal scheme'],
]

/**
 * What the demo programmes need of the features above projects (gateway reviews and monthly
 * updates), passed in by the demo council so that projects imports neither.
 */
export interface DemoProjectParts {
  readonly insertGateway: (
    trx: Kysely<DB>,
    organisationId: string,
    values: Omit<Insertable<ProjectGatewaysTable>, 'organisation_id' | 'id'>,
  ) => Promise<unknown>
  readonly insertUpdate: (
    trx: Kysely<DB>,
    organisationId: string,
    values: Omit<Insertable<ProjectUpdatesTable>, 'organisation_id' | 'id'>,
  ) => Promise<unknown>
  readonly monthLabel: (month: string) => string
}

/** Adds the demo programmes; called by buildDemoCouncil inside its transaction. */
export async function buildDemoProjects(
  trx: Kysely<DB>,
  organisationId: string,
  refs: {
    readonly units: ReadonlyMap<string, string>
    readonly people: ReadonlyMap<string, string>
  },
  clock: () => Date,
  parts: DemoProjectParts,
): Promise<{ projects: number; milestones: number; updates: number }> {
  const today = clock().toISOString().slice(0, 10)
  const thisQuarter = periodContaining(today, 'quarterly')
  const thisMonth = periodContaining(today, 'monthly')
  const quarter = (n: number) => {
    let q = thisQuarter
    for (let i = 0; i < Math.abs(n); i++) {
      q = periodContaining(addDays(n < 0 ? q.start : q.end, n < 0 ? -1 : 1), 'quarterly')
    }
    return q
  }
  /** n months ago; a negative n is months ahead. */
  const month = (n: number) => {
    let m = thisMonth
    for (let i = 0; i < n; i++) m = periodContaining(addDays(m.start, -1), 'monthly')
    for (let i = 0; i > n; i--) m = periodContaining(addDays(m.end, 1), 'monthly')
    return m
  }
  const person = (email: string | undefined) => (email ? (refs.people.get(email) ?? null) : null)
  const unit = (code: string | undefined) => (code ? (refs.units.get(code) ?? null) : null)
  const start = quarter(-2).start
  const end = quarter(3).end
  const nodes = await trx
    .selectFrom('plan_nodes')
    .select(['id', 'title'])
    .where('organisation_id', '=', organisationId)
    .execute()
  const nodeIds = new Map(nodes.map((n) => [n.title, n.id]))
  const ids = new Map<string, string>()
  const counts = { projects: 0, milestones: 0, updates: 0 }

  const add = async (items: readonly DemoItem[], parentId: string | null): Promise<void> => {
    for (const [position, item] of items.entries()) {
      const row = await repo.insertProject(trx, organisationId, {
        parent_id: parentId,
        level: item.level,
        code: item.code ?? null,
        title: item.title,
        description: item.description ?? null,
        sro_id: person(item.sro),
        manager_id: person(item.manager),
        lead_unit_id: unit(item.lead),
        partner_unit_ids: JSON.stringify((item.partners ?? []).map(unit)),
        start_date: start,
        end_date: end,
        budget: item.budget ?? null,
        confidence: item.confidence ?? null,
        stage: item.stage ?? null,
        assurance: item.assurance ?? null,
        position,
      })
      ids.set(item.key, row.id)
      counts.projects++
      for (const m of item.milestones ?? []) {
        const q = quarter(m.quarter)
        const due = m.day ? addDays(q.start, 40) : q.end
        const moved = m.movedFrom ? quarter(m.movedFrom[0]) : null
        await repo.insertMilestone(trx, organisationId, {
          project_id: row.id,
          title: m.title,
          due_date: due,
          due_precision: m.day ? 'day' : 'quarter',
          original_due_date: moved?.end ?? null,
          original_due_precision: moved ? 'quarter' : null,
          reschedule_reason: m.movedFrom?.[1] ?? null,
          owner_id: person(m.owner ?? item.manager),
          status: m.status,
          completed_date: m.status === 'completed' ? addDays(due, -10) : null,
        })
        counts.milestones++
      }
      for (const g of item.gateways ?? []) {
        await parts.insertGateway(trx, organisationId, {
          project_id: row.id,
          stage: g.stage,
          decision: g.decision,
          review_date: addDays(quarter(g.quarter).start, 20),
          reviewer: g.reviewer,
          conditions: g.conditions ?? null,
          recorded_by: person(item.manager),
        })
      }
      const updates = item.updates ?? []
      for (const [index, u] of updates.entries()) {
        const ago = updates.length - index
        const awaiting =
          item.level === 'action' && index === updates.length - 1 && updates.length === 3
        // Submitted on the fourth of the next month, or earlier when that is still to come.
        const submittedAt = new Date(
          Math.min(
            new Date(`${addDays(month(ago - 1).start, 3)}T10:00:00Z`).getTime(),
            clock().getTime() - 3 * 3_600_000,
          ),
        )
        const approvedAt = new Date(
          Math.min(submittedAt.getTime() + 2 * 86_400_000, clock().getTime() - 3_600_000),
        )
        const approver = item.lead?.startsWith('WSS') ? GARETH : HELEN
        await parts.insertUpdate(trx, organisationId, {
          project_id: row.id,
          month: month(ago).start,
          highlights: u.highlights,
          next_steps: u.nextSteps,
          when_text: parts.monthLabel(month(ago - u.when).start),
          who: u.who,
          confidence: u.confidence,
          status: awaiting ? 'submitted' : 'approved',
          author_id: person(item.manager),
          submitted_by: person(item.manager),
          submitted_at: submittedAt,
          approved_by: awaiting ? null : person(approver),
          approved_at: awaiting ? null : approvedAt,
        })
        counts.updates++
      }
      for (const b of item.benefits ?? []) {
        await repo.insertBenefit(trx, organisationId, {
          project_id: row.id,
          kind: b.kind,
          title: b.title,
          description: null,
          financial_year: thisQuarter.financialYear,
          measure_unit: b.unit ?? null,
          planned: b.planned,
          realised: b.realised,
        })
      }
      for (const title of item.nodes ?? []) {
        const nodeId = nodeIds.get(title)
        if (!nodeId)
          throw new Error(`The demo projects name the node "${title}", which does not exist`)
        await linkRepo.insertLink(trx, {
          organisationId,
          nodeId,
          itemKind: 'project',
          itemId: row.id,
        })
      }
      if (item.children) await add(item.children, row.id)
      if (parentId === null) {
        await recordAudit(
          trx,
          {
            organisationId,
            actor: SYSTEM_ACTOR,
            action: 'project_created',
            itemType: 'project',
            itemId: row.id,
            summary: `Programme "${row.title}" created for the demo council`,
          },
          clock,
        )
      }
    }
  }
  await add(ITEMS, null)
  for (const [from, to, description] of DEPENDENCIES) {
    await repo.insertDependency(trx, organisationId, {
      project_id: ids.get(from) ?? '',
      depends_on_id: ids.get(to) ?? '',
      description,
    })
  }
  return counts
}
