import { APPRAISAL_MEASURES } from '../appraisals/index.ts'
import type { Kysely } from 'kysely'
import { addWorkingDays, financialYearOf, parsePeriodStart } from '../../core/periods.ts'
import type { DB } from '../../db/schema.ts'
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts'
import { ukDate } from '../../core/dates.ts'
import { replaceTargets, stampSignOffDates, type SignOffDates } from '../measures/index.ts'
import {
  BUILT_IN_COMPUTATIONS,
  createComputationRegistry,
  orgMeasureRepository as orgMeasureRepo,
  setUpComputedMeasure,
} from '../organisational-measures/index.ts'
import { savingsDelivered, savingsDeliveredPounds } from '../savings/index.ts'
import * as repo from './dashboard-repository.ts'

/** Targets the performance team set for the organisational measures (per cent). */
const TARGETS: Readonly<Record<string, number>> = {
  corporate_pis_on_track: 70,
  corporate_projects_on_track: 75,
  red_risks_mitigated: 75,
  data_returned_on_time: 90,
  savings_delivered: 95,
  appraisals_on_time: 90,
  staff_objectives_linked: 95,
  appraisals_completed: 95,
}

/** Where each organisational measure sits in the golden thread, by the node's title. */
const NODES: Readonly<Record<string, string>> = {
  corporate_pis_on_track: 'Make performance information timely and trusted',
  corporate_projects_on_track: 'Strengthen programme and project management',
  red_risks_mitigated: 'Performance',
  data_returned_on_time: 'Quarterly reports reach Cabinet within six weeks of quarter end',
  savings_delivered: 'Deliver £4.2m of savings while protecting front-line services',
  savings_delivered_pounds: 'Deliver £4.2m of savings while protecting front-line services',
  appraisals_on_time: 'Develop our staff and councillors',
  staff_objectives_linked: 'Develop our staff and councillors',
  appraisals_completed: 'Develop our staff and councillors',
}

/** A small deterministic spread, so every demo build is the same. */
function spread(text: string, size: number): number {
  let h = 0
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return h % size
}

/**
 * The demo's values were all entered at build time; a history of returns needs dates. Each value
 * is dated as if submitted around its due date (most on time, some a few days late) and
 * approved two working days later.
 */
async function dateDemoReturns(trx: Kysely<DB>, organisationId: string, clock: () => Date) {
  const today = ukDate(clock())
  // A value returned today was returned by now, never later in the day.
  const by = (date: string, time: string) =>
    new Date(Math.min(Date.parse(`${date}T${time}Z`), clock().getTime()))
  const measures = await orgMeasureRepo.judgedMeasures(trx, organisationId)
  const values = await trx
    .selectFrom('measure_values')
    .select(['id', 'measure_id', 'period_start', 'status'])
    .where('organisation_id', '=', organisationId)
    .where('calculated', '=', false)
    .execute()
  const byId = new Map(measures.map((m) => [m.id, m]))
  const dates: SignOffDates[] = []
  for (const v of values) {
    const m = byId.get(v.measure_id)
    if (!m) continue
    const period = parsePeriodStart({ frequency: m.frequency, start: v.period_start })
    const due = addWorkingDays(period.end, m.due_working_days ?? 15)
    const roll = spread(`${v.measure_id}${v.period_start}`, 100)
    const offset = roll < 84 ? -(roll % 6) : 1 + (roll % 7)
    let submitted = addWorkingDays(due, offset)
    if (submitted > today) submitted = today
    const approved = v.status === 'approved' ? addWorkingDays(submitted, 2) : null
    dates.push({
      id: v.id,
      submittedAt: by(submitted, '10:00:00'),
      approvedAt: approved === null ? null : by(approved > today ? today : approved, '15:00:00'),
    })
  }
  await stampSignOffDates(trx, organisationId, dates)
  return values.length
}

/**
 * The corporate dashboard the performance team set up for Example City: the organisational
 * measures, then up to four corporate indicators per theme (grouped by the theme they sit
 * beneath), the programmes, the corporate risks and what needs attention.
 */
export async function buildDemoDashboards(
  trx: Kysely<DB>,
  organisationId: string,
  clock: () => Date,
) {
  const today = ukDate(clock())
  await dateDemoReturns(trx, organisationId, clock)
  const computations = createComputationRegistry()
  computations.register(...BUILT_IN_COMPUTATIONS)
  computations.register(savingsDelivered, savingsDeliveredPounds)
  computations.register(...APPRAISAL_MEASURES)
  const organisational: string[] = []
  const nodeIds = new Map(
    (
      await trx
        .selectFrom('plan_nodes')
        .select(['id', 'title'])
        .where('organisation_id', '=', organisationId)
        .execute()
    ).map((n) => [n.title, n.id]),
  )
  for (const c of computations.list()) {
    const measure = await setUpComputedMeasure(
      trx,
      organisationId,
      computations,
      c.key,
      SYSTEM_ACTOR,
      clock,
    )
    const year = financialYearOf(today)
    await replaceTargets(
      trx,
      organisationId,
      measure,
      [year - 3, year - 2, year - 1, year].map((y) => ({
        frequency: 'annual' as const,
        period_start: `${y}-04-01`,
        value: TARGETS[c.key] ?? null,
        lower: null,
        upper: null,
      })),
      clock(),
    )
    organisational.push(measure.id)
    const nodeId = nodeIds.get(NODES[c.key] ?? '')
    if (nodeId) {
      await trx
        .insertInto('node_links')
        .values({
          organisation_id: organisationId,
          node_id: nodeId,
          item_kind: 'measure',
          item_id: measure.id,
        })
        .execute()
    }
  }

  const corporateIds = new Set(
    await orgMeasureRepo.linkedToCorporatePlans(trx, organisationId, 'measure'),
  )
  const nodes = await repo.activeNodes(trx, organisationId)
  const links = await repo.nodeLinks(
    trx,
    organisationId,
    nodes.map((n) => n.id),
  )
  const measures = await trx
    .selectFrom('measures')
    .select(['id', 'kind', 'code'])
    .where('organisation_id', '=', organisationId)
    .where('computation', 'is', null)
    .where('status', '=', 'active')
    .orderBy('code')
    .execute()
  const kindOf = new Map(measures.map((m) => [m.id, m.kind]))
  const perTheme = new Map<string, string[]>()
  const byId = new Map(nodes.map((n) => [n.id, n]))
  for (const l of links) {
    if (l.item_kind !== 'measure' || kindOf.get(l.item_id) !== 'strategic') continue
    if (corporateIds.size > 0 && !corporateIds.has(l.item_id)) continue
    let node = byId.get(l.node_id)
    while (node?.parent_id) node = byId.get(node.parent_id)
    if (!node) continue
    const list = perTheme.get(node.id) ?? []
    if (list.length < 4 && !list.includes(l.item_id)) perTheme.set(node.id, [...list, l.item_id])
  }
  const chosen = [...new Set([...perTheme.values()].flat())]
  const contextual = measures.filter((m) => m.kind === 'contextual').slice(0, 3)
  const dashboard = await repo.insertDashboard(trx, organisationId, {
    kind: 'corporate',
    title: 'Corporate dashboard',
    description:
      'The high-level measures the Corporate Management Team reviews each quarter, by theme, ' +
      'with the programmes, the corporate risks and what needs attention.',
    owner_id: null,
    shared_unit_id: null,
  })
  const tiles: repo.NewTile[] = [
    ...organisational.map((id) => ({
      item_kind: 'measure' as const,
      item_id: id,
      list_kind: null,
      section: 'How the council is run',
    })),
    ...chosen.map((id) => ({
      item_kind: 'measure' as const,
      item_id: id,
      list_kind: null,
      section: null,
    })),
    ...contextual.map((m) => ({
      item_kind: 'measure' as const,
      item_id: m.id,
      list_kind: null,
      section: null,
    })),
    ...(['exceptions', 'programmes', 'corporate_risks'] as const).map((list) => ({
      item_kind: 'list' as const,
      item_id: null,
      list_kind: list,
      section: 'Programmes, risks and exceptions',
    })),
  ]
  await repo.replaceTiles(trx, organisationId, dashboard.id, tiles)
  await recordAudit(
    trx,
    {
      organisationId,
      actor: SYSTEM_ACTOR,
      action: 'dashboard_created',
      itemType: 'dashboard',
      itemId: dashboard.id,
      summary: `Demo corporate dashboard set up with ${tiles.length} tiles`,
    },
    clock,
  )
  return { dashboards: 1, tiles: tiles.length, organisationalMeasures: organisational.length }
}
