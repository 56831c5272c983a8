// Reads what a report shows for one period, through the same repositories and presenters as the
// pages, so a report's figures are the figures on screen. Given `db` (or a transaction), it
// builds the feature services over it: inside a transaction only the transaction is used.
import { sql, type Kysely } from 'kysely'
import { periodContaining, type Period } from '../../../core/periods.ts'
import {
  type AssuranceType,
  type ImprovementDirection,
  type PointType,
  improvementForPolarity,
} from '../../../core/spc.ts'
import type { DB, MeasureRow } from '../../../db/schema.ts'
import type { Principal } from '../../../core/principal.ts'
import { createLinkRegistry } from '../../links/index.ts'
import {
  periodOf,
  type MeasureValueView,
  measureRepository as measureRepo,
  measureSpc,
  type SpcSettingsView,
  latestViews,
  presentValues,
  presentSpcSettings,
  listSettings,
} from '../../measures/index.ts'
import { ukDate } from '../../../core/dates.ts'
import {
  unitTreeOf,
  organisationRepository as orgRepo,
  createOrganisationService,
} from '../../organisation/index.ts'
import {
  type UpdateView,
  latestApproved,
  reportedUpdates,
  type ReportedUpdate,
  type RollupTree,
  updateRepository as updateRepo,
  createUpdateService,
} from '../../project-updates/index.ts'
import { type BenefitView, type ProjectView, createProjectService } from '../../projects/index.ts'
import { type RiskView, createRiskService } from '../../risks/index.ts'
import { loadBenchmarks, type BenchmarkLine, type BenchmarkSource } from './benchmark-section.ts'
import type { FinancialSource, FinancialSummary } from './financial-summary.ts'

export interface Theme {
  readonly id: string
  readonly title: string
}

/** A measure as a report shows it: its value for the period reported, and its SPC verdict. */
export interface MeasureLine {
  readonly id: string
  readonly code: string
  readonly title: string
  readonly kind: MeasureRow['kind']
  readonly unit: MeasureRow['unit']
  readonly decimals: number
  readonly frequency: MeasureRow['frequency']
  readonly unitId: string | null
  readonly directorate: string | null
  readonly themeIds: readonly string[]
  readonly healthAndSafety: boolean
  /** The latest approved value of a period that ended by the end of the report's period. */
  readonly value: MeasureValueView | null
  /** The same period a year earlier, for year-end comparisons. */
  readonly lastYear: MeasureValueView | null
  readonly variation: PointType | null
  readonly assurance: AssuranceType | null
  readonly improvement: ImprovementDirection
  /** What the measure page's SPC chart is drawn from: values reported by the period's end. */
  readonly spc: {
    readonly measure: Pick<
      MeasureRow,
      'code' | 'title' | 'unit' | 'decimals' | 'frequency' | 'polarity' | 'cumulative'
    >
    readonly values: readonly MeasureValueView[]
    readonly settings: SpcSettingsView
  }
}

export interface ProjectLine {
  readonly project: ProjectView
  readonly leadUnit: string | null
  /** The first of `updates`: the item's own, or else one rolled up from beneath it. */
  readonly update: UpdateView | null
  /** Its latest approved update by the end of the period, or else those of items beneath it. */
  readonly updates: readonly ReportedUpdate[]
}

/** The items' tree as the roll-up reads it, from a list that has each item's parent. */
export function rollupTree(
  items: readonly Pick<ProjectView, 'id' | 'level' | 'title' | 'code' | 'parentId'>[],
): RollupTree {
  const byId = new Map(items.map((p) => [p.id, p]))
  const children = Map.groupBy(
    items.filter((p) => p.parentId !== null),
    (p) => p.parentId ?? '',
  )
  return { item: (id) => byId.get(id), children: (id) => children.get(id) ?? [] }
}

export type ReportRisk = RiskView & {
  readonly owner: string | null
  readonly registerLevel: string
  readonly registerUnitId: string | null
}

export interface ReportData {
  readonly organisationName: string
  readonly period: Period
  readonly themes: readonly Theme[]
  readonly measures: readonly MeasureLine[]
  readonly projects: readonly ProjectLine[]
  /** Open risks the author may see, with their register's level and unit. */
  readonly risks: readonly ReportRisk[]
  readonly finance: FinancialSummary | null
  /** How compared measures rank among peers; null when benchmarking is not connected. */
  readonly benchmarks?: readonly BenchmarkLine[] | null
}

/** Measures are read as of the end of the period: later values were not yet reported. */
function reportedBy(row: MeasureRow, end: string) {
  return (v: { period_start: string }) => periodOf(row.frequency, v.period_start).end <= end
}

/** Ids of items of one kind linked to a node or anything beneath it. */
export async function itemsBeneathNode(
  db: Kysely<DB>,
  organisationId: string,
  nodeId: string,
  kind: string,
): Promise<Set<string>> {
  const result = await sql<{ item_id: string }>`
    with recursive beneath(id) as (
      select id from plan_nodes where organisation_id = ${organisationId} and id = ${nodeId}
      union
      select n.id from plan_nodes n join beneath b
        on n.parent_id = b.id or n.contributes_to_id = b.id
      where n.organisation_id = ${organisationId} and n.status = 'active'
    )
    select distinct item_id from node_links
    where organisation_id = ${organisationId} and item_kind = ${kind}
      and node_id in (select id from beneath)`.execute(db)
  return new Set(result.rows.map((r) => r.item_id))
}

/** The corporate plan's top-level nodes, or else every active plan's. */
export async function corporateThemes(db: Kysely<DB>, organisationId: string): Promise<Theme[]> {
  const corporate = await db
    .selectFrom('plan_nodes as n')
    .innerJoin('plans as p', 'p.id', 'n.plan_id')
    .select(['n.id', 'n.title'])
    .where('n.organisation_id', '=', organisationId)
    .where('n.parent_id', 'is', null)
    .where('n.status', '=', 'active')
    .where('p.status', '=', 'active')
    .where('p.kind', '=', 'corporate')
    .orderBy('p.first_year', 'desc')
    .orderBy('n.position')
    .execute()
  if (corporate.length > 0) return corporate
  return (await measureRepo.themes(db, organisationId)).map((t) => ({ id: t.id, title: t.title }))
}

/** Nodes whose title names health and safety; their measures make the report's H&S section. */
async function healthAndSafetyMeasures(db: Kysely<DB>, organisationId: string) {
  const nodes = await db
    .selectFrom('plan_nodes')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'active')
    .where('title', 'ilike', '%health and safety%')
    .execute()
  const ids = new Set<string>()
  for (const node of nodes) {
    for (const id of await itemsBeneathNode(db, organisationId, node.id, 'measure')) ids.add(id)
  }
  return ids
}

/**
 * The themes each measure is reported under: every theme it is linked beneath (through the
 * theme's own tree and the lower plans contributing to it). A measure linked only above the
 * corporate plan (to the city plan, or to a delivery plan contributing to it) goes under the
 * first theme that sits under that part of the higher plan, so that it is reported once rather
 * than not at all.
 */
export async function themeMembership(
  db: Kysely<DB>,
  organisationId: string,
  themes: readonly Theme[],
): Promise<Map<string, string[]>> {
  const nodes = await db
    .selectFrom('plan_nodes')
    .select(['id', 'parent_id', 'contributes_to_id'])
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'active')
    .execute()
  const links = await db
    .selectFrom('node_links')
    .select(['node_id', 'item_id'])
    .where('organisation_id', '=', organisationId)
    .where('item_kind', '=', 'measure')
    .execute()
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const below = (rootId: string, viaContribution: boolean) => {
    const seen = new Set<string>([rootId])
    const stack = [rootId]
    while (stack.length > 0) {
      const id = stack.pop()
      for (const n of nodes) {
        const under = n.parent_id === id || (viaContribution && n.contributes_to_id === id)
        if (under && !seen.has(n.id)) {
          seen.add(n.id)
          stack.push(n.id)
        }
      }
    }
    return seen
  }
  const own = new Map<string, string[]>()
  const above = new Map<string, string>()
  for (const theme of themes) {
    const mine = below(theme.id, true)
    const higher = byId.get(theme.id)?.contributes_to_id
    // The higher plan's part, with the lower plans (a delivery plan) that contribute to it.
    const upper = higher ? below(higher, true) : new Set<string>()
    for (const link of links) {
      if (mine.has(link.node_id)) {
        const list = own.get(link.item_id) ?? []
        if (!list.includes(theme.id)) list.push(theme.id)
        own.set(link.item_id, list)
      } else if (upper.has(link.node_id) && !above.has(link.item_id)) {
        above.set(link.item_id, theme.id)
      }
    }
  }
  for (const [measureId, themeId] of above) {
    if (!own.has(measureId)) own.set(measureId, [themeId])
  }
  return own
}

/** Which measures a report reads: corporate ones (with health and safety), or every one. */
export type MeasureScope = 'corporate' | 'all'

export async function loadMeasures(
  db: Kysely<DB>,
  organisationId: string,
  period: Period,
  today: string,
  themes: readonly Theme[],
  scope: MeasureScope = 'corporate',
  only?: ReadonlySet<string>,
): Promise<MeasureLine[]> {
  const hs = await healthAndSafetyMeasures(db, organisationId)
  const listed = await measureRepo.listMeasures(db, organisationId, { status: 'active' })
  // Council-wide reports show corporate measures and health and safety ones only: reading
  // every operational measure's history would be most of the work for none of the report.
  const wanted = listed.filter(
    (m) => (scope === 'all' || m.kind === 'strategic' || hs.has(m.id)) && (!only || only.has(m.id)),
  )
  const rows = await measureRepo.findMeasuresById(
    db,
    organisationId,
    wanted.map((m) => m.id),
  )
  const ids = rows.map((r) => r.id)
  const [targets, values, tree, units, spcSettings] = [
    await measureRepo.listTargets(db, organisationId, ids),
    await measureRepo.listValues(db, organisationId, ids),
    await unitTreeOf(db, organisationId),
    await orgRepo.listUnits(db, organisationId),
    await listSettings(db, organisationId, ids),
  ]
  const settingsByMeasure = Map.groupBy(spcSettings, (s) => s.measure_id)
  const themeOf = await themeMembership(db, organisationId, themes)
  const unitNames = new Map(units.map((u) => [u.id, u.name]))
  const byMeasure = Map.groupBy(values, (v) => v.measure_id)
  const targetsByMeasure = Map.groupBy(targets, (t) => t.measure_id)
  return rows
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((row) => {
      const own = (byMeasure.get(row.id) ?? []).filter(reportedBy(row, period.end))
      const views = presentValues(row, targetsByMeasure.get(row.id) ?? [], own, today)
      const approved = views.filter((v) => v.status === 'approved' && v.value !== null)
      // The same headline rule as every page (core/measure-figure): the latest approved value.
      const value = latestViews(views).approved
      const lastYearStart = value
        ? `${Number(value.period.start.slice(0, 4)) - 1}${value.period.start.slice(4)}`
        : null
      // The baseline and change points recorded on the measure, as its page draws them.
      const settings = presentSpcSettings(row.frequency, settingsByMeasure.get(row.id) ?? [])
      const spc = measureSpc(row, views, settings)
      const directorateId = row.unit_id ? tree.ancestorsOf(row.unit_id).at(-1) : undefined
      return {
        id: row.id,
        code: row.code,
        title: row.title,
        kind: row.kind,
        unit: row.unit,
        decimals: row.decimals,
        frequency: row.frequency,
        unitId: row.unit_id,
        directorate: directorateId ? (unitNames.get(directorateId) ?? null) : null,
        themeIds: themeOf.get(row.id) ?? [],
        healthAndSafety: hs.has(row.id),
        value,
        lastYear: approved.find((v) => v.period.start === lastYearStart) ?? null,
        variation: spc.variation,
        assurance: spc.assurance,
        improvement: improvementForPolarity(row.polarity),
        spc: { measure: row, values: views, settings },
      }
    })
}

/** The feature services a report reads through, over `db` (or a transaction). */
export function readers(db: Kysely<DB>, clock: () => Date) {
  const organisation = createOrganisationService({ db, clock })
  const projects = createProjectService({ db, clock, organisation })
  const risks = createRiskService({ db, clock, links: createLinkRegistry() })
  const updates = createUpdateService({
    db,
    clock,
    projects,
    linkedRisks: (principal, ids) => risks.openRisksLinkedTo(principal, 'project', ids),
  })
  return { projects, risks, updates }
}

export interface LoadOptions {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly principal: Principal
  readonly period: Period
  readonly finance: FinancialSource | null
  readonly benchmarks?: BenchmarkSource | null
  readonly measures?: MeasureScope
}

/** Everything the council-wide kinds draw on; builders choose and scope from it. */
export async function loadReportData(options: LoadOptions): Promise<ReportData> {
  const { db, clock, principal, period } = options
  const org = principal.organisationId
  const today = ukDate(clock())
  const themes = await corporateThemes(db, org)
  const measures = await loadMeasures(db, org, period, today, themes, options.measures)
  const { projects, risks } = readers(db, clock)

  const units = new Map((await orgRepo.listUnits(db, org)).map((u) => [u.id, u.name]))
  const everything = await projects.list(principal)
  const items = everything.filter((p) => p.level !== 'action')
  const listed = new Set(items.map((p) => p.id))
  const endMonth = periodContaining(period.end, 'monthly').start
  // Actions' updates roll up into the programme or project above them.
  const latest = latestApproved(
    await updateRepo.listUpdates(
      db,
      org,
      everything.map((p) => p.id),
    ),
    endMonth,
  )
  const tree = rollupTree(everything)
  const projectLines = items.map((project) => {
    // A programme's projects have rows of their own: it rolls up only from its actions.
    const updates = reportedUpdates(project.id, latest, tree, (id) => listed.has(id))
    return {
      project,
      leadUnit: project.leadUnitId ? (units.get(project.leadUnitId) ?? null) : null,
      update: updates[0]?.update ?? null,
      updates,
    }
  })

  const registers = new Map((await risks.listRegisters(principal)).map((r) => [r.id, r]))
  const openRisks = (await risks.listRisks(principal, { status: 'open' }))
    .filter((r) => registers.has(r.registerId))
    .sort((a, b) => b.current.score - a.current.score || a.reference.localeCompare(b.reference))
  const owners = new Map(
    await measureRepo.peopleNames(
      db,
      org,
      openRisks.flatMap((r) => (r.ownerId ? [r.ownerId] : [])),
    ),
  )
  return {
    organisationName: principal.organisationName,
    period,
    themes,
    measures,
    projects: projectLines,
    risks: openRisks.map((r) => ({
      ...r,
      owner: r.ownerId ? (owners.get(r.ownerId) ?? null) : null,
      registerLevel: registers.get(r.registerId)?.level ?? '',
      registerUnitId: registers.get(r.registerId)?.unitId ?? null,
    })),
    finance: options.finance ? await options.finance.summary(principal, period) : null,
    benchmarks: await loadBenchmarks(options.benchmarks ?? null, principal, period),
  }
}

/** A benefit of the programme or an item beneath it, planned against realised. */
export type ImpactBenefit = BenefitView & { readonly item: ProjectView }

/** What shows whether a programme is making a difference: its measures and its benefits. */
export interface ImpactData {
  /** Measures linked to the priorities the programme and its items deliver, or beneath them. */
  readonly measures: readonly MeasureLine[]
  readonly benefits: readonly ImpactBenefit[]
}

export async function loadImpact(
  db: Kysely<DB>,
  clock: () => Date,
  principal: Principal,
  programmeId: string,
  period: Period,
): Promise<ImpactData> {
  const org = principal.organisationId
  const { projects } = readers(db, clock)
  const all = await projects.list(principal)
  const below = new Set([programmeId])
  // The list gives each item after its parent, so one pass collects the subtree.
  for (const p of all) if (p.parentId !== null && below.has(p.parentId)) below.add(p.id)
  const items = all.filter((p) => below.has(p.id))
  const nodes =
    items.length === 0
      ? []
      : await db
          .selectFrom('node_links')
          .select('node_id')
          .distinct()
          .where('organisation_id', '=', org)
          .where('item_kind', '=', 'project')
          .where(
            'item_id',
            'in',
            items.map((p) => p.id),
          )
          .execute()
  const measureIds = new Set<string>()
  for (const { node_id } of nodes) {
    for (const id of await itemsBeneathNode(db, org, node_id, 'measure')) measureIds.add(id)
  }
  const themes = await corporateThemes(db, org)
  const measures =
    measureIds.size === 0
      ? []
      : await loadMeasures(db, org, period, ukDate(clock()), themes, 'all', measureIds)
  const benefits: ImpactBenefit[] = []
  for (const item of items) {
    for (const b of await projects.benefits(principal, item.id)) benefits.push({ ...b, item })
  }
  return { measures, benefits }
}
