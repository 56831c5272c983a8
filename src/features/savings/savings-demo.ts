import type { Kysely } from 'kysely'
import { periodAt } from '../../core/periods.ts'
import { evenProfile, monthsElapsed } from '../../core/savings.ts'
import type { DB } from '../../db/schema.ts'
import { linkRepository as linkRepo } from '../links/index.ts'
import * as repo from './savings-repository.ts'

type Delivery = 'on_track' | 'slipping' | 'at_risk'

interface DemoLine {
  readonly reference: string
  readonly title: string
  readonly unit: string
  readonly board: string
  readonly programme?: string
  readonly project?: string
  readonly type?: 'non_cashable'
  readonly oneOff?: boolean
  /** £000 from last year (index 0) to two years ahead (index 3); 0 where none. */
  readonly amounts: readonly [number, number, number, number]
  readonly cost?: number
  readonly delivery: Delivery
  readonly note?: string
}

const OIP = 'Organisational Improvement Programme'
/** A share of a month's saving to the nearest pound: the demo council works in whole pounds. */
const wholePounds = (pence: number) => Math.round(pence / 100) * 100
const WASTE = 'Waste and Street Scene Transformation'

/** A programme in the style of seed 001's Appendix 2: divisional lines by priority board, in £000s. */
const LINES: readonly DemoLine[] = [
  {
    reference: 'AWB-01',
    title: 'Divisional staffing re-organisation',
    unit: 'ASC',
    board: 'Adults and Wellbeing',
    amounts: [200, 500, 500, 500],
    delivery: 'on_track',
  },
  {
    reference: 'AWB-02',
    title: 'Promoting independence through reablement',
    unit: 'ASC-RE',
    board: 'Adults and Wellbeing',
    amounts: [400, 850, 850, 850],
    delivery: 'slipping',
    note: 'Reablement team vacancies delayed the new pathway',
  },
  {
    reference: 'AWB-03',
    title: 'Reduce cost of residential placements',
    unit: 'ASC',
    board: 'Adults and Wellbeing',
    amounts: [100, 200, 200, 200],
    delivery: 'at_risk',
    note: 'Placement prices above the commissioned rate',
  },
  {
    reference: 'AWB-04',
    title: 'Electronic care monitoring',
    unit: 'ASC',
    board: 'Adults and Wellbeing',
    amounts: [0, 50, 50, 50],
    cost: 20,
    delivery: 'on_track',
  },
  {
    reference: 'AWB-05',
    title: 'Public health contract re-procurement',
    unit: 'PH',
    board: 'Adults and Wellbeing',
    oneOff: true,
    amounts: [0, 120, 0, 0],
    delivery: 'on_track',
  },
  {
    reference: 'CF-01',
    title: 'Social care transport – service remodelling',
    unit: 'CSC',
    board: 'Children and Families',
    amounts: [100, 100, 100, 100],
    delivery: 'on_track',
  },
  {
    reference: 'CF-02',
    title: 'Family support and prevention 0–12 years',
    unit: 'CSC',
    board: 'Children and Families',
    amounts: [0, 160, 160, 160],
    delivery: 'slipping',
    note: 'Consultation extended by a month',
  },
  {
    reference: 'CF-03',
    title: 'Transport of pupils – alternative arrangements',
    unit: 'EDU',
    board: 'Children and Families',
    amounts: [0, 50, 50, 50],
    delivery: 'on_track',
  },
  {
    reference: 'ECP-01',
    title: 'Round re-optimisation and weekly food waste',
    unit: 'WSS',
    board: 'Economy, Communities and Place',
    programme: WASTE,
    project: 'WST1',
    amounts: [0, 300, 450, 450],
    cost: 150,
    delivery: 'at_risk',
    note: 'New vehicles delivered late',
  },
  {
    reference: 'ECP-02',
    title: 'Fly-tipping enforcement income',
    unit: 'WSS-SC',
    board: 'Economy, Communities and Place',
    programme: WASTE,
    project: 'WST2',
    type: 'non_cashable',
    amounts: [0, 40, 40, 40],
    delivery: 'on_track',
  },
  {
    reference: 'ECP-03',
    title: 'Staff re-organisation in libraries and museums',
    unit: 'LEI',
    board: 'Economy, Communities and Place',
    amounts: [64, 64, 64, 64],
    delivery: 'on_track',
  },
  {
    reference: 'ECP-04',
    title: 'Housing options – agency staff to permanent posts',
    unit: 'HOU',
    board: 'Economy, Communities and Place',
    amounts: [30, 30, 30, 30],
    delivery: 'on_track',
  },
  {
    reference: 'RES-01',
    title: 'Support services transformation – finance',
    unit: 'FIN',
    board: 'Resources',
    programme: OIP,
    project: 'AP2',
    amounts: [600, 1000, 1000, 1000],
    cost: 250,
    delivery: 'slipping',
    note: 'Finance system upgrade moved to November',
  },
  {
    reference: 'RES-02',
    title: 'Procurement category plans',
    unit: 'FIN',
    board: 'Resources',
    programme: OIP,
    project: 'AP2',
    amounts: [1250, 2500, 2500, 2500],
    delivery: 'on_track',
  },
  {
    reference: 'RES-03',
    title: 'Wide area network modernisation',
    unit: 'ICT',
    board: 'Resources',
    programme: OIP,
    amounts: [0, 171, 171, 171],
    cost: 60,
    delivery: 'on_track',
  },
  {
    reference: 'RES-04',
    title: 'Customer contact channel shift',
    unit: 'RBC-CC',
    board: 'Resources',
    programme: OIP,
    amounts: [0, 220, 350, 350],
    delivery: 'at_risk',
    note: 'Online forms launch postponed',
  },
  {
    reference: 'RES-05',
    title: 'Reduce size of management team',
    unit: 'HR',
    board: 'Resources',
    programme: OIP,
    project: 'AP1',
    amounts: [100, 100, 100, 100],
    delivery: 'on_track',
  },
  {
    reference: 'CEX-01',
    title: 'Efficiency savings – democratic services',
    unit: 'LDS',
    board: 'Chief Executive’s Office',
    amounts: [149, 149, 149, 149],
    delivery: 'on_track',
  },
]

/** Directorates' budget (£000) for the year, and their forecast outturn's drift per month (£000). */
const BUDGETS: readonly (readonly [string, number, number, string])[] = [
  ['ASC', 98_400, 85, 'Demand for residential placements above budget; recovery plan agreed'],
  ['ASC-RE', 6_200, -4, 'Vacancies held while the service is redesigned'],
  ['PH', 21_300, 0, 'On budget'],
  ['CSC', 54_900, 60, 'Agency social workers covering vacancies'],
  ['EDU', 12_800, -10, 'Transport contracts re-let at lower rates'],
  ['WSS', 18_700, 25, 'Late delivery of new vehicles: hired vehicles cost more'],
  ['HOU', 7_900, 5, 'Temporary accommodation demand slightly up'],
  ['LEI', 6_100, -3, 'Income above target'],
  ['FIN', 9_800, 0, 'On budget'],
  ['ICT', 11_200, 8, 'Licence price rises'],
  ['RBC', 8_600, -5, 'Vacancies in the benefits team'],
  ['HR', 4_100, 0, 'On budget'],
  ['LDS', 5_300, 2, 'External legal costs of two cases'],
  ['PP', 1_900, 0, 'On budget'],
]

/**
 * The demo savings register (last year, this year and two ahead, delivered to date with some
 * lines slipping and some at risk), the savings target, and budget monitoring for each month
 * of this year so far. Writes directly, like the other demo builders.
 */
export async function buildDemoSavings(
  trx: Kysely<DB>,
  organisationId: string,
  refs: {
    readonly units: ReadonlyMap<string, string>
    readonly people: ReadonlyMap<string, string>
  },
  clock: () => Date,
): Promise<{ lines: number; budgetMonths: number }> {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(clock())
  const thisYear =
    Number(today.slice(5, 7)) >= 4 ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) - 1
  const years = [thisYear - 1, thisYear, thisYear + 1, thisYear + 2]
  const unit = (code: string) => {
    const id = refs.units.get(code)
    if (!id) throw new Error(`The demo savings name unit ${code}, which does not exist`)
    return id
  }
  const projects = new Map(
    (await repo.listProjects(trx, organisationId)).map((p) => [p.code, p.id]),
  )
  const node = await trx
    .selectFrom('plan_nodes')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('title', '=', 'Deliver £4.2m of savings while protecting front-line services')
    .executeTakeFirst()
  const owner = refs.people.get('performance@example-city.gov.uk') ?? null

  for (const line of LINES) {
    const row = await repo.insertLine(trx, organisationId, {
      reference: line.reference,
      title: line.title,
      description: null,
      unit_id: unit(line.unit),
      programme: line.programme ?? null,
      priority_board: line.board,
      project_id: line.project ? (projects.get(line.project) ?? null) : null,
      saving_type: line.type ?? 'cashable',
      durability: line.oneOff ? 'one_off' : 'ongoing',
      owner_id: owner,
      status: 'in_delivery',
    })
    for (const [i, fy] of years.entries()) {
      const amount = (line.amounts[i] ?? 0) * 100_000
      if (amount === 0) continue
      await repo.upsertYear(trx, organisationId, {
        line_id: row.id,
        financial_year: fy,
        amount_pence: amount,
        cost_pence: fy === thisYear ? (line.cost ?? 0) * 100_000 : 0,
        profile: 'even',
      })
      const elapsed = monthsElapsed(fy, today)
      const planned = evenProfile(amount)
      for (const [m, p] of planned.entries()) {
        const monthStart = periodAt('monthly', fy, m + 1).start
        const gone = m < elapsed
        // Last year delivered in full; this year as each line's story says.
        const factor =
          fy < thisYear
            ? 1
            : line.delivery === 'on_track'
              ? 1
              : line.delivery === 'slipping'
                ? m < 2
                  ? 1
                  : 0.6
                : 0.5
        const actual = gone ? wholePounds(p * factor) : null
        const forecast =
          !gone && fy === thisYear && line.delivery === 'slipping'
            ? wholePounds(p * 1.3)
            : !gone && fy === thisYear && line.delivery === 'at_risk'
              ? wholePounds(p * 0.6)
              : null
        await trx
          .insertInto('saving_months')
          .values({
            organisation_id: organisationId,
            line_id: row.id,
            month_start: monthStart,
            planned_pence: p,
            actual_pence: actual,
            forecast_pence: forecast,
            note: gone && factor < 1 && m === elapsed - 1 ? (line.note ?? null) : null,
          })
          .execute()
      }
    }
    if (node && line.programme === OIP) {
      await linkRepo.insertLink(trx, {
        organisationId,
        nodeId: node.id,
        itemKind: 'saving',
        itemId: row.id,
      })
    }
  }
  for (const [i, fy] of years.entries()) {
    const total = LINES.reduce((sum, l) => sum + (l.amounts[i] ?? 0), 0)
    await repo.upsertTarget(trx, organisationId, fy, Math.round(total * 1.05) * 100_000, clock())
  }

  let budgetMonths = 0
  const elapsed = Math.max(monthsElapsed(thisYear, today), 1)
  for (const [code, budget, drift, commentary] of BUDGETS) {
    for (let m = 1; m <= elapsed; m++) {
      await trx
        .insertInto('budget_months')
        .values({
          organisation_id: organisationId,
          unit_id: unit(code),
          month_start: periodAt('monthly', thisYear, m).start,
          budget_pence: budget * 100_000,
          forecast_outturn_pence: (budget + drift * m) * 100_000,
          commentary: m === elapsed ? commentary : null,
        })
        .execute()
      budgetMonths++
    }
  }
  return { lines: LINES.length, budgetMonths }
}
