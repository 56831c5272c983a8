// What a dashboard shows, worked out for a person and a moment: measure, project and risk tiles,
// lists, panels and the exception view. Today's view and "as at" a past period share the code;
// as at a period, only approved values of periods ended by then count, as they were known.
import type { Kysely } from 'kysely'
import {
  EXCEPTION_TEXT,
  projectStatusOn,
  type MilestoneHistory,
  valuesAsAt,
  type ExceptionReason,
} from '../../core/dashboards.ts'
import type { FigureBasis, MeasureApproval } from '../../core/measure-figure.ts'
import { financialYearOf, type Period } from '../../core/periods.ts'
import type { ProjectStatus } from '../../core/project-status.ts'
import { bandOf, isTolerable } from '../../core/risk-scoring.ts'
import { improvementForPolarity, type PointType } from '../../core/spc.ts'
import type { DB, MeasureRow, MeasureSpcSettingRow } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'
import {
  canViewMeasure,
  periodOf,
  statusMeasure,
  type PeriodView,
  measureRepository as measureRepo,
  scopeOf,
  spcSummary,
  type SpcSettingsView,
  type SpcValue,
  latestViews,
  presentValues,
  currentStatus,
  headlineFacts,
  presentSpcSettings,
  measureSpcRepository as spcRepo,
} from '../measures/index.ts'
import { ukDate } from '../../core/dates.ts'
import { unitTreeOf } from '../organisation/index.ts'
import { orgMeasureRepository as orgMeasureRepo } from '../organisational-measures/index.ts'
import type { UnitTree } from '../../core/unit-tree.ts'
import { STATUS_NAMES, type ProjectService } from '../projects/index.ts'
import type { RiskService } from '../risks/index.ts'
import { variationText } from '../../web/charts/spc-icons.ts'
import * as repo from './dashboard-repository.ts'
import type { DashboardPanel, DashboardPanelSource, PanelScope } from './dashboard-sources.ts'

export interface MeasureTile {
  readonly kind: 'measure'
  readonly id: string
  readonly href: string
  readonly code: string
  readonly title: string
  readonly measureKind: MeasureRow['kind']
  readonly unit: MeasureRow['unit']
  readonly decimals: number
  readonly computed: boolean
  readonly unitId: string | null
  readonly period: PeriodView | null
  /** The figure is of a period not yet ended: to date, provisional (a to-date computed measure). */
  readonly toDate: boolean
  /** The figure shown (core/measure-figure): year to date for cumulative measures. */
  readonly value: number | null
  readonly basis: FigureBasis
  readonly target: number | null
  readonly rag: string
  /** Sign-off of the measure now: approved, or a newer value awaiting approval, or missing. */
  readonly approval: MeasureApproval
  /** The period that `approval` is about when it is not the figure's own, or null. */
  readonly approvalPeriod: string | null
  readonly direction: 'improving' | 'same' | 'worsening' | null
  readonly variation: {
    readonly pointType: PointType | null
    readonly text: string
    readonly improvement: string
  }
  readonly restated: 'no' | 'restated' | 'restated_since'
  readonly trend: readonly { readonly label: string; readonly value: number }[]
}

export interface ProjectTile {
  readonly kind: 'project'
  readonly id: string
  readonly href: string
  readonly code: string | null
  readonly title: string
  readonly level: string
  readonly status: ProjectStatus
  readonly statusText: string
  readonly statusSymbol: string
  readonly leadUnitId: string | null
}

export interface RiskTile {
  readonly kind: 'risk'
  readonly id: string
  readonly href: string
  readonly reference: string
  readonly title: string
  readonly status: 'open' | 'closed'
  readonly score: number
  readonly band: string
  readonly bandName: string
  readonly aboveAppetite: boolean
  readonly registerName: string
}

export interface ListItem {
  readonly href: string
  readonly title: string
  readonly detail: string
}

export interface ListTile {
  readonly kind: 'list'
  readonly list: string
  readonly title: string
  readonly href: string
  /** For the exceptions list: how many items of each kind need attention, in words. */
  readonly summary?: string
  readonly items: readonly ListItem[]
}

export interface UnavailableTile {
  readonly kind: 'unavailable'
  readonly itemKind: string
  readonly id: string | null
}

export type Tile = MeasureTile | ProjectTile | RiskTile | ListTile | UnavailableTile

export interface ExceptionItem {
  readonly kind: 'measure' | 'project' | 'risk' | 'saving'
  readonly id: string | null
  readonly href: string
  readonly title: string
  readonly reasons: readonly { readonly key: ExceptionReason; readonly text: string }[]
  readonly detail: string
  /** So a reader need not open the item: its latest figure, status in words and commentary. */
  readonly figures?: ExceptionFigures
}

export interface ExceptionFigures {
  /** The period of the latest figure, which may be older than the one now overdue. */
  readonly period: string | null
  readonly value: string | null
  readonly target: string | null
  readonly status: string
  readonly direction: string | null
  readonly commentary: string | null
}

/**
 * The SPC variation of a measure's latest point; the one place dashboards read it. Today it is
 * the stored `spc_variation` (refreshed in every write transaction that changes values or SPC
 * settings); as at a past period, pass the values known then (`asAt`) and it is worked out
 * from them.
 */
export function variationOf(
  measure: Pick<MeasureRow, 'polarity' | 'cumulative' | 'spc_variation'>,
  asAt: readonly SpcValue[] | null,
  settings?: SpcSettingsView,
): MeasureTile['variation'] {
  if (asAt === null) return presentVariation(measure, measure.spc_variation)
  // The points measureSpc charts: approved values with a figure, oldest first.
  const points = asAt
    .filter((v): v is SpcValue & { value: number } => v.status === 'approved' && v.value !== null)
    .sort((a, b) =>
      a.period.start < b.period.start ? -1 : a.period.start > b.period.start ? 1 : 0,
    )
    .map((v) => ({ start: v.period.start, value: v.value, target: v.target }))
  return variationOfPoints(measure, asAt.length === 0 ? null : points, settings)
}

/**
 * The variation worked out from a chart's points (approved values with a figure, oldest first),
 * without building the chart; null points: no value was known at all.
 */
export function variationOfPoints(
  measure: Pick<MeasureRow, 'polarity' | 'cumulative'>,
  points: Parameters<typeof spcSummary>[1] | null,
  settings?: SpcSettingsView,
): MeasureTile['variation'] {
  return presentVariation(
    measure,
    points === null ? null : spcSummary(measure, points, settings).variation,
  )
}

function presentVariation(
  measure: Pick<MeasureRow, 'polarity'>,
  pointType: PointType | null,
): MeasureTile['variation'] {
  return {
    pointType,
    text: variationText(pointType),
    improvement: improvementForPolarity(measure.polarity),
  }
}

/**
 * The baselines and change points in force at the end of `asAtEnd`: recorded by then and not yet
 * removed, as they were known then.
 */
export async function spcSettingsAsAt(
  db: Kysely<DB>,
  organisationId: string,
  measures: readonly Pick<MeasureRow, 'id' | 'frequency'>[],
  asAtEnd: string,
  shared?: SharedReads,
): Promise<Map<string, SpcSettingsView>> {
  // Settings of other measures, when shared reads give the whole council's, are never looked up.
  const rows = shared
    ? await shared.spcSettings()
    : await spcRepo.listSettings(
        db,
        organisationId,
        measures.map((m) => m.id),
        { includeRemoved: true },
      )
  const inForce = Map.groupBy(
    rows
      .filter(
        (r) =>
          ukDate(new Date(r.recorded_at)) <= asAtEnd &&
          (r.removed_at === null || ukDate(r.removed_at) > asAtEnd),
      )
      .map((r) => ({ ...r, removed_at: null })),
    (r) => r.measure_id,
  )
  return new Map(
    measures.map((m) => [m.id, presentSpcSettings(m.frequency, inForce.get(m.id) ?? [])]),
  )
}

const YEARS_OF_HISTORY = 3
/** Periods in a tile's small trend chart. */
const TREND_LENGTH = 8

/** The first day of the financial year `years` before the one holding `date`. */
function yearsBefore(date: string, years: number): string {
  return `${financialYearOf(date) - years}-04-01`
}

export type MilestoneFacts = Map<string, MilestoneHistory[]>

/** Reads a page shares between its tiles, lists and panels, each made once for the page. */
export interface SharedReads {
  /** The council's SPC settings, removed ones too, in the order `listSettings` gives them. */
  readonly spcSettings: () => Promise<readonly MeasureSpcSettingRow[]>
  /** The milestones of every project of the council, by project. */
  readonly milestones: () => Promise<MilestoneFacts>
}

export interface ContentDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly projects: ProjectService
  readonly risks: RiskService
  readonly sources: () => readonly DashboardPanelSource[]
}

export type DashboardContent = ReturnType<typeof createDashboardContent>
export type RiskOverview = Awaited<ReturnType<RiskService['overview']>>

export function createDashboardContent({ db, clock, projects, risks, sources }: ContentDeps) {
  const today = () => ukDate(clock())

  /** Measure tiles, as known at the end of `asAt` (or today), for the measures the person may see. */
  async function measureTiles(
    principal: Principal,
    ids: readonly string[],
    asAt: Period | null,
    tree?: UnitTree,
  ): Promise<Map<string, MeasureTile>> {
    return (await measureTilesWith(principal, ids, asAt, tree)).tiles
  }

  /**
   * Measure tiles and the commentary of each tile's figure (keyed `measure:start`), from the same
   * read of the values. `figuresOnly`: the figure alone, for the exception view; the variation
   * is then not worked out as at a past period (null) and the trend is left empty.
   */
  async function measureTilesWith(
    principal: Principal,
    ids: readonly string[],
    asAt: Period | null,
    tree?: UnitTree,
    shared?: SharedReads,
    figuresOnly = false,
  ) {
    const org = principal.organisationId
    const units = tree ?? (await unitTreeOf(db, org))
    const rows = (await measureRepo.findMeasuresById(db, org, [...new Set(ids)])).filter((r) =>
      canViewMeasure(principal, scopeOf(r), units),
    )
    const asAtEnd = asAt?.end ?? null
    const day = asAtEnd ?? today()
    const from = yearsBefore(day, YEARS_OF_HISTORY)
    const rowIds = rows.map((r) => r.id)
    const targets = await measureRepo.listTargets(db, org, rowIds, from)
    const values = await measureRepo.listValues(db, org, rowIds, from)
    const settings =
      asAtEnd === null || figuresOnly ? null : await spcSettingsAsAt(db, org, rows, asAtEnd, shared)
    const out = new Map<string, MeasureTile>()
    const commentary = new Map<string, string | null>()
    const valuesOf = Map.groupBy(values, (v) => v.measure_id)
    const targetsOf = Map.groupBy(targets, (t) => t.measure_id)
    for (const row of rows) {
      const own = valuesOf.get(row.id) ?? []
      const known = valuesAsAt(
        own.map((v) => ({
          ...v,
          start: v.period_start,
          end: periodOf(row.frequency, v.period_start).end,
          restatedFrom: v.restated_from,
          changedOn: ukDate(v.updated_at),
        })),
        asAtEnd,
      )
      // Today the tile needs only the trend's periods (the variation is stored); as at a past
      // period, every value known then, for the variation. Each period's figure is worked out
      // from every value known either way.
      const views = presentValues(
        row,
        targetsOf.get(row.id) ?? [],
        known.map((k) => ({ ...k.row, value: k.value })),
        day,
        asAtEnd === null || figuresOnly ? { last: TREND_LENGTH } : {},
      )
      const last = latestViews(views).approved
      if (last) {
        const stored = own.find((v) => v.period_start === last.period.start)
        if (stored) commentary.set(`${row.id}:${last.period.start}`, stored.commentary)
      }
      // The tile shows the figure's own RAG, as every page does; today it also says in words
      // when a newer value awaits approval or the expected one is missing or overdue.
      const now =
        asAtEnd === null ? currentStatus(statusMeasure(row), headlineFacts(row), day) : null
      out.set(row.id, {
        kind: 'measure',
        id: row.id,
        href: `/measures/${row.id}`,
        code: row.code,
        title: row.title,
        measureKind: row.kind,
        unit: row.unit,
        decimals: row.decimals,
        computed: row.computation !== null,
        unitId: row.unit_id,
        period: last?.period ?? null,
        toDate: last ? periodOf(row.frequency, last.period.start).end >= day : false,
        value: last?.displayed.value ?? null,
        basis: last?.displayed.basis ?? (row.cumulative ? 'year_to_date' : 'period'),
        target: last?.target ?? null,
        rag: last?.rag ?? 'no_data',
        approval: now?.approval ?? last?.displayed.approval ?? 'missing',
        approvalPeriod:
          now === null
            ? null
            : row.pending_period_start !== null
              ? periodOf(row.frequency, row.pending_period_start).label
              : now.period.label,
        direction: last?.direction ?? null,
        variation:
          figuresOnly && asAtEnd !== null
            ? presentVariation(row, null)
            : variationOf(row, asAtEnd === null ? null : views, settings?.get(row.id)),
        restated: known.at(-1)?.restated ?? 'no',
        trend: (figuresOnly ? [] : views)
          .slice(-TREND_LENGTH)
          .flatMap((v) =>
            v.displayed.value === null ? [] : [{ label: v.period.label, value: v.displayed.value }],
          ),
      })
    }
    return { tiles: out, commentary }
  }

  /** Every project the person may see, with its status today or as it stood at `asAtEnd`. */
  async function projectTiles(
    principal: Principal,
    asAtEnd: string | null,
    loaded?: Awaited<ReturnType<ProjectService['list']>>,
    shared?: SharedReads,
  ) {
    const list = loaded ?? (await projects.list(principal))
    const statuses =
      asAtEnd === null ? null : await projectStatusesOn(principal, list, asAtEnd, shared)
    return new Map(
      list.map((p) => {
        const status = statuses?.get(p.id) ?? p.status
        const tile: ProjectTile = {
          kind: 'project',
          id: p.id,
          href: `/projects/${p.id}`,
          code: p.code,
          title: p.title,
          level: p.level,
          status,
          statusText: STATUS_NAMES[status].text,
          statusSymbol: STATUS_NAMES[status].symbol,
          leadUnitId: p.leadUnitId,
        }
        return [p.id, tile]
      }),
    )
  }

  /** Milestones of these projects, or of every project of the council. */
  async function milestoneFacts(
    organisationId: string,
    ids?: readonly string[],
  ): Promise<MilestoneFacts> {
    const rows = ids
      ? await orgMeasureRepo.milestonesOf(db, organisationId, [...ids])
      : await repo.milestonesOfOrganisation(db, organisationId)
    const byProject = new Map<string, ReturnType<typeof toFact>[]>()
    function toFact(m: (typeof rows)[number]) {
      return {
        status: m.status,
        due: m.due_date,
        rescheduled: m.original_due_date !== null,
        completedDate: m.completed_date,
      }
    }
    for (const m of rows)
      byProject.set(m.project_id, [...(byProject.get(m.project_id) ?? []), toFact(m)])
    return byProject
  }

  async function projectStatusesOn(
    principal: Principal,
    list: Awaited<ReturnType<ProjectService['list']>>,
    date: string,
    shared?: SharedReads,
  ): Promise<Map<string, ProjectStatus>> {
    const org = principal.organisationId
    const tree = await orgMeasureRepo.projectTree(db, org)
    const children = new Map<string, string[]>()
    for (const r of tree) {
      if (r.parent_id) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r.id])
    }
    const milestones = shared
      ? await shared.milestones()
      : await milestoneFacts(
          org,
          tree.map((t) => t.id),
        )
    const updates = await orgMeasureRepo.approvedUpdatesOf(
      db,
      org,
      list.map((p) => p.id),
    )
    const out = new Map<string, ProjectStatus>()
    for (const p of list) {
      const within: string[] = []
      const stack = [p.id]
      while (stack.length > 0) {
        const next = stack.pop() as string
        if (within.includes(next)) continue
        within.push(next)
        stack.push(...(children.get(next) ?? []))
      }
      out.set(
        p.id,
        projectStatusOn(
          {
            start: p.startDate,
            end: p.endDate,
            statusOverride: p.statusOverride?.status ?? null,
            ownConfidence: p.ownConfidence,
            milestones: within.flatMap((id) => milestones.get(id) ?? []),
            updates: updates
              .filter((u) => u.project_id === p.id)
              .map((u) => ({ month: u.month, confidence: u.confidence })),
          },
          date,
          today(),
        ),
      )
    }
    return out
  }

  /** Every risk the person may see, scored today or as its reviews stood at `asAtEnd`. */
  async function riskTiles(principal: Principal, asAtEnd: string | null, loaded?: RiskOverview) {
    const { risks: list, matrix } = loaded ?? (await risks.overview(principal))
    const reviews =
      asAtEnd === null
        ? []
        : await repo.riskReviews(
            db,
            principal.organisationId,
            list.map((r) => r.id),
          )
    const out = new Map<string, RiskTile>()
    for (const r of list) {
      let score = r.current.score
      let status = r.status
      if (asAtEnd !== null) {
        const last = reviews.filter((v) => v.risk_id === r.id && v.reviewed_on <= asAtEnd).at(-1)
        if (!last) continue
        score = last.likelihood * last.impact
        status = r.closedOn !== null && r.closedOn <= asAtEnd ? 'closed' : 'open'
      }
      const band = bandOf(matrix, score)
      out.set(r.id, {
        kind: 'risk',
        id: r.id,
        href: `/risks/${r.id}`,
        reference: r.reference,
        title: r.title,
        status,
        score,
        band: band.key,
        bandName: band.name,
        aboveAppetite: status === 'open' && !isTolerable(matrix, score),
        registerName: r.registerName,
      })
    }
    return out
  }

  async function panels(principal: Principal, scope: PanelScope): Promise<DashboardPanel[]> {
    const out: DashboardPanel[] = []
    for (const source of sources()) {
      const panel = await source.panel(principal, scope)
      if (panel) out.push(panel)
    }
    return out
  }

  return {
    measureTiles,
    measureTilesWith,
    projectTiles,
    riskTiles,
    panels,
    milestoneFacts,
    today,
  }
}

/** Exceptions worst first: measures, then projects, then risks, then savings, each by title. */
export function sortExceptions(items: ExceptionItem[]): ExceptionItem[] {
  const order = { measure: 0, project: 1, risk: 2, saving: 3 }
  const weight = (i: ExceptionItem) =>
    i.reasons.some((r) => ['red', 'off_track', 'above_appetite', 'overdue'].includes(r.key)) ? 0 : 1
  return [...items].sort(
    (a, b) =>
      weight(a) - weight(b) || order[a.kind] - order[b.kind] || a.title.localeCompare(b.title),
  )
}

export function reasonsOf(keys: readonly ExceptionReason[]) {
  return keys.map((key) => ({ key, text: EXCEPTION_TEXT[key] }))
}
