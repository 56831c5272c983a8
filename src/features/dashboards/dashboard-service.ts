import { plural } from '../../core/format.ts'
import { gate, singleFlight } from '../../core/shared-work.ts'
import type { Kysely } from 'kysely'
import { measureExceptions, moveItem, projectExceptions, type Move } from '../../core/dashboards.ts'
import {
  isIsoDate,
  parsePeriodInput,
  parsePeriodStart,
  periodContaining,
  PeriodError,
  type Frequency,
  type Period,
} from '../../core/periods.ts'
import type { Rag } from '../../core/status.ts'
import type { DB } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { recordAudit, actorOf } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import {
  canViewMeasure,
  formatValue,
  presentPeriod,
  RAG_NAMES,
  statusMeasure,
  measureRepository as measureRepo,
  type MeasureService,
  scopeOf,
  currentStatus,
  headlineFacts,
} from '../measures/index.ts'
import { unitTreeOf, organisationRepository as orgRepo } from '../organisation/index.ts'
import { monthLabel } from '../project-updates/index.ts'
import type { UnitTree } from '../../core/unit-tree.ts'
import type { ProjectService } from '../projects/index.ts'
import type { RiskService } from '../risks/index.ts'
import {
  createDashboardContent,
  reasonsOf,
  sortExceptions,
  spcSettingsAsAt,
  variationOf,
  variationOfPoints,
  type ExceptionItem,
  type ListTile,
  type SharedReads,
  type MeasureTile,
  type ProjectTile,
  type RiskTile,
  type Tile,
} from './dashboard-content.ts'
import * as policy from './dashboard-policy.ts'
import { hiddenTilesText, presentDashboard } from './dashboard-presenter.ts'
import * as repo from './dashboard-repository.ts'
import { paginate } from '../../web/api-helpers.ts'
import {
  EXCEPTION_PAGE_SIZE,
  LIST_NAMES,
  type DashboardChanges,
  type DashboardInput,
  type ExceptionFilters,
  type ListKind,
  type TileInput,
} from './dashboard-schemas.ts'
import type { DashboardPanelSource, PanelScope } from './dashboard-sources.ts'

export interface DashboardDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly measures: MeasureService
  readonly projects: ProjectService
  readonly risks: RiskService
}

export interface Section {
  readonly title: string
  readonly href?: string
  readonly tiles: readonly Tile[]
}

const OTHER = 'Other measures'
const LIST_LENGTH = 8
/** Corporate dashboards and exception views built at once in one process (see heavyPage). */
const PAGE_BUILDS = 4

/** The period a dashboard is viewed as at: a label ("2024/25 Q2"), a first day, or none. */
const DIRECTION_WORDS = {
  improving: 'Improving',
  same: 'No change',
  worsening: 'Worsening',
} as const

export function parseAsAt(input: string | undefined, today: string): Period | null {
  const text = input?.trim() ?? ''
  if (text === '') return null
  let period: Period
  try {
    period = isIsoDate(text)
      ? parsePeriodStart({ frequency: 'quarterly', start: text })
      : parsePeriodInput(text)
  } catch (error) {
    if (error instanceof PeriodError) throw Invalid.field('asAt', error.message)
    throw error
  }
  if (period.end >= today) {
    throw Invalid.field('asAt', `${period.label} has not ended yet: choose a period that has`)
  }
  return period
}

export type DashboardService = ReturnType<typeof createDashboardService>

export function createDashboardService(deps: DashboardDeps) {
  const { db, clock } = deps
  const sources: DashboardPanelSource[] = []
  const content = createDashboardContent({ ...deps, sources: () => sources })
  const today = content.today

  // One page asks for the same lists several times (tiles, list tiles, exceptions): a memo made
  // for one call of the service loads each once.
  type Memo = Map<string, Promise<unknown>>
  function once<T>(memo: Memo, key: string, make: () => Promise<T>): Promise<T> {
    let found = memo.get(key) as Promise<T> | undefined
    if (!found) {
      found = make()
      memo.set(key, found)
    }
    return found
  }
  const shared = (memo: Memo, organisationId: string): SharedReads => ({
    spcSettings: () => once(memo, 'spcSettings', () => repo.spcSettingsOf(db, organisationId)),
    milestones: () => once(memo, 'milestones', () => content.milestoneFacts(organisationId)),
  })
  const projectsOn = (memo: Memo, principal: Principal, asAtEnd: string | null) =>
    once(memo, `projects:${asAtEnd}`, async () =>
      content.projectTiles(
        principal,
        asAtEnd,
        await once(memo, 'projectList', () => deps.projects.list(principal)),
        shared(memo, principal.organisationId),
      ),
    )
  // The matrix, registers and risks the person may see, read once for every tile and list.
  const riskOverview = (memo: Memo, principal: Principal) =>
    once(memo, 'risks', () => deps.risks.overview(principal))
  const risksOn = (memo: Memo, principal: Principal, asAtEnd: string | null) =>
    once(memo, `risks:${asAtEnd}`, async () =>
      content.riskTiles(principal, asAtEnd, await riskOverview(memo, principal)),
    )
  const allRisks = async (memo: Memo, principal: Principal) =>
    (await riskOverview(memo, principal)).risks
  const registersOf = async (memo: Memo, principal: Principal) =>
    (await riskOverview(memo, principal)).registers

  /** Only people with a role see dashboards; pages that need no unit tree check only this. */
  function requireRole(principal: Principal) {
    if (principal.roles.length === 0) throw new Forbidden()
  }

  // The corporate dashboard and the exception view read every measure, project and risk the
  // person may see. At month end many people ask for them at once: the same person's identical
  // requests share one build, and at most PAGE_BUILDS builds run at a time in this process, so
  // the rest queue holding nothing rather than each holding its rows while the pool serves
  // another (docs/decisions.md, "Dashboards built once for concurrent identical requests").
  const sharePage = singleFlight()
  const pageBuild = gate(PAGE_BUILDS)
  function heavyPage<T>(principal: Principal, what: readonly string[], build: () => Promise<T>) {
    return sharePage(JSON.stringify([principal, ...what]), () => pageBuild(build))
  }

  /** The unit tree, read once for one call of the service. */
  async function context(principal: Principal, memo: Memo = new Map()) {
    requireRole(principal)
    return { tree: await once(memo, 'tree', () => unitTreeOf(db, principal.organisationId)) }
  }

  /** The unit tree and the person's own unit: for lists of dashboards, which may be shared. */
  async function contextWithUnit(principal: Principal) {
    const { tree } = await context(principal)
    const personUnitId = await repo.personUnit(db, principal.organisationId, principal.personId)
    return { tree, personUnitId }
  }

  const scopeOfRow = (row: repo.DashboardRow): policy.DashboardScope => ({
    kind: row.kind,
    ownerId: row.owner_id,
    sharedUnitId: row.shared_unit_id,
  })

  async function requireDashboard(principal: Principal, id: string, memo?: Memo) {
    const { tree } = await context(principal, memo)
    const row = await repo.findDashboard(db, principal.organisationId, id)
    // The person's own unit matters only for a dashboard shared with a unit.
    const personUnitId =
      !row || row.shared_unit_id === null
        ? null
        : await repo.personUnit(db, principal.organisationId, principal.personId)
    if (!row || !policy.canViewDashboard(principal, scopeOfRow(row), personUnitId, tree)) {
      throw new NotFound('Dashboard not found')
    }
    return { row, tree }
  }

  async function requireEditable(principal: Principal, id: string) {
    const found = await requireDashboard(principal, id)
    if (!policy.canEditDashboard(principal, scopeOfRow(found.row))) throw new Forbidden()
    return found
  }

  async function view(principal: Principal, row: repo.DashboardRow, read?: repo.TileRow[]) {
    const tiles = read ?? (await repo.listTiles(db, principal.organisationId, [row.id]))
    return presentDashboard(row, tiles, policy.canEditDashboard(principal, scopeOfRow(row)))
  }

  /** Every tile must name an item the person may see; field errors name `tiles.N.itemId`. */
  async function checkTiles(principal: Principal, tiles: readonly TileInput[], prefix: string) {
    const tree = await unitTreeOf(db, principal.organisationId)
    const problems: { field: string; message: string }[] = []
    for (const [i, t] of tiles.entries()) {
      const field = `${prefix}${i}.itemId`
      if (t.kind === 'list' || !t.itemId) continue
      const ok =
        t.kind === 'measure'
          ? await measureRepo
              .findMeasure(db, principal.organisationId, t.itemId)
              .then((r) => r !== undefined && canViewMeasure(principal, scopeOf(r), tree))
          : t.kind === 'project'
            ? await deps.projects.get(principal, t.itemId).then(
                () => true,
                () => false,
              )
            : await deps.risks.getRisk(principal, t.itemId).then(
                () => true,
                () => false,
              )
      if (!ok) problems.push({ field, message: `Select a ${t.kind} you can see` })
    }
    if (problems.length > 0) throw new Invalid(problems)
    return tiles.map((t) => ({
      item_kind: t.kind,
      item_id: t.kind === 'list' ? null : (t.itemId ?? null),
      list_kind: t.kind === 'list' ? (t.list ?? null) : null,
      section: t.section ?? null,
    }))
  }

  async function checkUnit(principal: Principal, unitId: string | null | undefined, field: string) {
    if (unitId && !(await orgRepo.findUnit(db, principal.organisationId, unitId))) {
      throw Invalid.field(field, 'Select a unit from the list')
    }
  }

  function audit(
    trx: Kysely<DB>,
    principal: Principal,
    action: string,
    id: string,
    summary: string,
    before?: unknown,
    after?: unknown,
  ) {
    return recordAudit(
      trx,
      {
        organisationId: principal.organisationId,
        actor: actorOf(principal),
        action,
        itemType: 'dashboard',
        itemId: id,
        summary,
        before,
        after,
      },
      clock,
    )
  }

  /** Changes the tiles of a dashboard through one function, so every change is audited alike. */
  async function changeTiles(
    principal: Principal,
    id: string,
    change: (tiles: repo.TileRow[]) => repo.NewTile[],
    summary: string,
  ) {
    const { row } = await requireEditable(principal, id)
    return db.transaction().execute(async (trx) => {
      const before = await repo.listTiles(trx, principal.organisationId, [id])
      const after = change(before)
      await repo.replaceTiles(trx, principal.organisationId, id, after)
      const updated = await repo.updateDashboard(
        trx,
        principal.organisationId,
        id,
        row.version,
        {},
        clock(),
      )
      if (!updated) throw new Conflict('Someone else changed this dashboard: reload and try again')
      await audit(
        trx,
        principal,
        'dashboard_tiles_changed',
        id,
        `${row.title}: ${summary}`,
        {
          tiles: before.length,
        },
        { tiles: after.length },
      )
      return updated
    })
  }

  const asNew = (t: repo.TileRow): repo.NewTile => ({
    id: t.id,
    item_kind: t.item_kind,
    item_id: t.item_id,
    list_kind: t.list_kind,
    section: t.section,
  })

  // ---------------------------------------------------------------------------------------------
  // Where things sit on the golden thread

  async function threadIndex(organisationId: string) {
    const nodes = await repo.activeNodes(db, organisationId)
    const byId = new Map(nodes.map((n) => [n.id, n]))
    const beneath = (id: string): string[] => {
      const out: string[] = []
      const stack = [id]
      while (stack.length > 0) {
        const next = stack.pop() as string
        if (out.includes(next) || !byId.has(next)) continue
        out.push(next)
        for (const n of nodes) {
          if (n.parent_id === next || n.contributes_to_id === next) stack.push(n.id)
        }
      }
      return out
    }
    const themeOf = (id: string): repo.NodeRow | undefined => {
      let node = byId.get(id)
      for (let guard = 0; node?.parent_id && guard < 50; guard++) node = byId.get(node.parent_id)
      return node
    }
    const links = await repo.nodeLinks(
      db,
      organisationId,
      nodes.map((n) => n.id),
    )
    const itemsBeneath = (ids: readonly string[], kind: string) => {
      const set = new Set(ids)
      return new Set(
        links.filter((l) => set.has(l.node_id) && l.item_kind === kind).map((l) => l.item_id),
      )
    }
    return { nodes, byId, beneath, themeOf, links, itemsBeneath }
  }

  /** Sections for measure tiles with no section of their own: the theme they sit beneath. */
  async function themeTitles(organisationId: string, measureIds: readonly string[]) {
    const thread = await threadIndex(organisationId)
    const out = new Map<string, string>()
    for (const l of thread.links) {
      if (l.item_kind !== 'measure' || out.has(l.item_id) || !measureIds.includes(l.item_id))
        continue
      const theme = thread.themeOf(l.node_id)
      if (theme) out.set(l.item_id, theme.title)
    }
    return out
  }

  async function listTile(
    memo: Memo,
    principal: Principal,
    list: ListKind,
    asAt: Period | null,
  ): Promise<ListTile> {
    const asAtQuery = asAt ? `?asAt=${encodeURIComponent(asAt.label)}` : ''
    if (list === 'exceptions') {
      // Counts and the worst few items: the whole table is on the exception view.
      const found = await exceptionsWith(memo, principal, asAt ? { asAt: asAt.label } : {})
      const c = found.counts
      return {
        kind: 'list',
        list,
        title: LIST_NAMES[list],
        href: `/dashboards/exceptions${asAtQuery}`,
        summary:
          `${plural(found.all.length, 'item needs', 'items need')} attention: ` +
          [
            plural(c.measures, 'measure', 'measures'),
            plural(c.projects, 'programme or project', 'programmes and projects'),
            plural(c.risks, 'risk', 'risks'),
            plural(c.savings, 'saving', 'savings'),
          ].join(', '),
        items: found.all.slice(0, LIST_LENGTH).map((i) => ({
          href: i.href,
          title: i.title,
          detail: i.reasons.map((r) => r.text).join(', '),
        })),
      }
    }
    if (list === 'programmes') {
      const tiles = [...(await projectsOn(memo, principal, asAt?.end ?? null)).values()]
      return {
        kind: 'list',
        list,
        title: LIST_NAMES[list],
        href: '/projects',
        items: tiles
          .filter((t) => t.level === 'programme')
          .map((t) => ({ href: t.href, title: t.title, detail: t.statusText })),
      }
    }
    const registers = await registersOf(memo, principal)
    const corporate = new Set(registers.filter((r) => r.level === 'corporate').map((r) => r.id))
    const all = await allRisks(memo, principal)
    const ids = new Set(all.filter((r) => corporate.has(r.registerId)).map((r) => r.id))
    const tiles = [...(await risksOn(memo, principal, asAt?.end ?? null)).values()]
      .filter((t) => ids.has(t.id) && t.status === 'open')
      .sort((a, b) => b.score - a.score)
    return {
      kind: 'list',
      list,
      title: LIST_NAMES[list],
      href: '/risks',
      items: tiles.slice(0, LIST_LENGTH).map((t) => ({
        href: t.href,
        title: `${t.reference}: ${t.title}`,
        detail: `${t.bandName} (score ${t.score})${t.aboveAppetite ? ', above appetite' : ''}`,
      })),
    }
  }

  /** Tiles of a saved dashboard, grouped into sections in the order first met. */
  async function dashboardSections(
    memo: Memo,
    principal: Principal,
    tiles: readonly repo.TileRow[],
    asAt: Period | null,
  ) {
    const { tree } = await context(principal, memo)
    const measureIds = tiles.flatMap((t) =>
      t.item_kind === 'measure' && t.item_id ? [t.item_id] : [],
    )
    const measures = (
      await content.measureTilesWith(
        principal,
        measureIds,
        asAt,
        tree,
        shared(memo, principal.organisationId),
      )
    ).tiles
    const needProjects = tiles.some((t) => t.item_kind === 'project')
    const needRisks = tiles.some((t) => t.item_kind === 'risk')
    const projects = needProjects ? await projectsOn(memo, principal, asAt?.end ?? null) : new Map()
    const risks = needRisks ? await risksOn(memo, principal, asAt?.end ?? null) : new Map()
    const themes = await themeTitles(principal.organisationId, measureIds)
    const sections = new Map<string, Tile[]>()
    const contextual: MeasureTile[] = []
    let hidden = 0
    for (const t of tiles) {
      let tile: Tile
      if (t.item_kind === 'list') {
        tile = await listTile(memo, principal, t.list_kind as ListKind, asAt)
      } else {
        const id = t.item_id ?? ''
        const found: Tile | undefined =
          t.item_kind === 'measure'
            ? measures.get(id)
            : t.item_kind === 'project'
              ? (projects.get(id) as ProjectTile | undefined)
              : (risks.get(id) as RiskTile | undefined)
        if (!found) {
          hidden++
          continue
        }
        tile = found
      }
      if (tile.kind === 'measure' && tile.measureKind === 'contextual' && t.section === null) {
        contextual.push(tile)
        continue
      }
      const section =
        t.section ??
        (tile.kind === 'measure'
          ? (themes.get(tile.id) ?? OTHER)
          : tile.kind === 'list'
            ? tile.title
            : tile.kind === 'project'
              ? 'Programmes and projects'
              : 'Risks')
      sections.set(section, [...(sections.get(section) ?? []), tile])
    }
    return {
      sections: [...sections].map(([title, list]) => ({ title, tiles: list })),
      contextual,
      hidden,
      hiddenText: hiddenTilesText(hidden, asAt !== null),
    }
  }

  async function scopedPanels(principal: Principal, scope: PanelScope) {
    return content.panels(principal, scope)
  }

  /** A scope's measures, projects and risks as sections: for units, themes and portfolios. */
  async function scopeContent(
    principal: Principal,
    groups: readonly {
      title: string
      href?: string
      measureIds: string[]
      projectIds: string[]
      riskIds: string[]
    }[],
    asAt: Period | null,
  ) {
    const allMeasures = groups.flatMap((g) => g.measureIds)
    const measures = await content.measureTiles(principal, allMeasures, asAt)
    const projects = await content.projectTiles(principal, asAt?.end ?? null)
    const risks = await content.riskTiles(principal, asAt?.end ?? null)
    const contextual: MeasureTile[] = []
    const seenContextual = new Set<string>()
    const sections: Section[] = groups.map((g) => {
      const tiles: Tile[] = []
      for (const id of g.measureIds) {
        const m = measures.get(id)
        if (!m) continue
        if (m.measureKind === 'contextual') {
          if (!seenContextual.has(id)) contextual.push(m)
          seenContextual.add(id)
        } else tiles.push(m)
      }
      for (const id of g.projectIds) {
        const p = projects.get(id)
        if (p) tiles.push(p)
      }
      for (const id of g.riskIds) {
        const r = risks.get(id)
        if (r && r.status === 'open') tiles.push(r)
      }
      return { title: g.title, ...(g.href && { href: g.href }), tiles }
    })
    return { sections: sections.filter((s) => s.tiles.length > 0), contextual }
  }

  const service = {
    content,
    /** Features that put panels on dashboards (the savings register) register here. */
    registerPanelSource(source: DashboardPanelSource) {
      sources.push(source)
    },

    async list(principal: Principal) {
      const { tree, personUnitId } = await contextWithUnit(principal)
      const rows = (await repo.listDashboards(db, principal.organisationId)).filter((r) =>
        policy.canViewDashboard(principal, scopeOfRow(r), personUnitId, tree),
      )
      const tiles = await repo.listTiles(
        db,
        principal.organisationId,
        rows.map((r) => r.id),
      )
      return rows.map((r) =>
        presentDashboard(
          r,
          tiles.filter((t) => t.dashboard_id === r.id),
          policy.canEditDashboard(principal, scopeOfRow(r)),
        ),
      )
    },

    async get(principal: Principal, id: string) {
      const { row } = await requireDashboard(principal, id)
      return view(principal, row)
    },

    async corporate(principal: Principal) {
      requireRole(principal)
      const row = await repo.findCorporate(db, principal.organisationId)
      return row ? view(principal, row) : null
    },

    async create(principal: Principal, input: DashboardInput) {
      if (!policy.canCreateDashboard(principal, input.kind)) throw new Forbidden()
      await checkUnit(principal, input.sharedUnitId, 'sharedUnitId')
      if (input.kind === 'corporate' && input.sharedUnitId) {
        throw Invalid.field(
          'sharedUnitId',
          'The corporate dashboard is shared with everyone already',
        )
      }
      const tiles = await checkTiles(principal, input.tiles, 'tiles.')
      const row = await db.transaction().execute(async (trx) => {
        if (
          input.kind === 'corporate' &&
          (await repo.findCorporate(trx, principal.organisationId))
        ) {
          throw new Conflict('The organisation has a corporate dashboard already: change that one')
        }
        const created = await repo.insertDashboard(trx, principal.organisationId, {
          kind: input.kind,
          title: input.title,
          description: input.description ?? null,
          owner_id: input.kind === 'personal' ? principal.personId : null,
          shared_unit_id: input.sharedUnitId ?? null,
        })
        await repo.replaceTiles(trx, principal.organisationId, created.id, tiles)
        await audit(
          trx,
          principal,
          'dashboard_created',
          created.id,
          `Dashboard "${created.title}" created`,
          null,
          {
            title: created.title,
            kind: created.kind,
            tiles: tiles.length,
          },
        )
        return created
      })
      return view(principal, row)
    },

    async update(principal: Principal, id: string, changes: DashboardChanges) {
      const { row } = await requireEditable(principal, id)
      if (changes.version !== row.version) {
        throw new Conflict(
          `The dashboard has changed since version ${changes.version}: it is now version ${row.version}`,
        )
      }
      if (changes.sharedUnitId !== undefined) {
        if (row.kind === 'corporate' && changes.sharedUnitId) {
          throw Invalid.field(
            'sharedUnitId',
            'The corporate dashboard is shared with everyone already',
          )
        }
        await checkUnit(principal, changes.sharedUnitId, 'sharedUnitId')
      }
      const tiles = changes.tiles ? await checkTiles(principal, changes.tiles, 'tiles.') : null
      const updated = await db.transaction().execute(async (trx) => {
        const result = await repo.updateDashboard(
          trx,
          principal.organisationId,
          id,
          row.version,
          {
            ...(changes.title !== undefined && { title: changes.title }),
            ...(changes.description !== undefined && { description: changes.description }),
            ...(changes.sharedUnitId !== undefined && { shared_unit_id: changes.sharedUnitId }),
          },
          clock(),
        )
        if (!result) throw new Conflict('Someone else changed this dashboard: reload and try again')
        if (tiles) await repo.replaceTiles(trx, principal.organisationId, id, tiles)
        await audit(
          trx,
          principal,
          'dashboard_changed',
          id,
          `Dashboard "${result.title}" changed`,
          { title: row.title, sharedUnitId: row.shared_unit_id },
          {
            title: result.title,
            sharedUnitId: result.shared_unit_id,
            ...(tiles && { tiles: tiles.length }),
          },
        )
        return result
      })
      return view(principal, updated)
    },

    async remove(principal: Principal, id: string) {
      const { row } = await requireEditable(principal, id)
      await db.transaction().execute(async (trx) => {
        await repo.deleteDashboard(trx, principal.organisationId, id)
        await audit(trx, principal, 'dashboard_deleted', id, `Dashboard "${row.title}" deleted`, {
          title: row.title,
        })
      })
    },

    async addTile(principal: Principal, id: string, input: TileInput) {
      const [tile] = await checkTiles(principal, [input], '')
      const fieldless = tile as repo.NewTile
      return changeTiles(
        principal,
        id,
        (tiles) => [...tiles.map(asNew), fieldless],
        `a ${input.kind} tile added`,
      )
    },

    async moveTile(principal: Principal, id: string, tileId: string, move: Move) {
      return changeTiles(
        principal,
        id,
        (tiles) => {
          if (!tiles.some((t) => t.id === tileId)) throw new NotFound('Tile not found')
          const order = moveItem(
            tiles.map((t) => t.id),
            tileId,
            move,
          )
          const byId = new Map(tiles.map((t) => [t.id, t]))
          return order.map((tid) => asNew(byId.get(tid) as repo.TileRow))
        },
        `a tile moved ${move}`,
      )
    },

    async removeTile(principal: Principal, id: string, tileId: string) {
      return changeTiles(
        principal,
        id,
        (tiles) => {
          if (!tiles.some((t) => t.id === tileId)) throw new NotFound('Tile not found')
          return tiles.filter((t) => t.id !== tileId).map(asNew)
        },
        'a tile removed',
      )
    },

    /**
     * What a saved dashboard shows, today or as at a past period. The same person asking for
     * the same page while it is being built shares that build (see heavyPage).
     */
    dashboardContent(principal: Principal, id: string, asAtInput?: string) {
      return heavyPage(principal, ['content', id, asAtInput ?? ''], () =>
        buildDashboardContent(principal, id, asAtInput),
      )
    },

    /** Everything owned by a unit and the units beneath it. */
    async unitContent(principal: Principal, unitId: string, asAtInput?: string) {
      const { tree } = await context(principal)
      const org = principal.organisationId
      const unit = await orgRepo.findUnit(db, org, unitId)
      if (!unit) throw new NotFound('Unit not found')
      const asAt = parseAsAt(asAtInput, today())
      const units = await orgRepo.listUnits(db, org)
      const within = new Set(tree.descendantsOf(unitId))
      const measures = await measureRepo.listMeasures(db, org, {
        unitIds: [...within],
        status: 'active',
      })
      const projects = [...(await content.projectTiles(principal, null)).values()]
      const registers = await deps.risks.listRegisters(principal)
      const registerIds = new Set(
        registers.filter((r) => r.unitId && within.has(r.unitId)).map((r) => r.id),
      )
      const risks = (await deps.risks.listRisks(principal, { status: 'open' })).filter((r) =>
        registerIds.has(r.registerId),
      )
      // One section for the unit's own items, then one for each unit directly beneath it.
      const direct = units.filter((u) => u.parent_id === unitId)
      const sectionOf = (id: string | null) => {
        if (id === null || id === unitId) return unitId
        return direct.find((d) => tree.isWithin(id, d.id))?.id ?? unitId
      }
      const groups = [unit, ...direct].map((u) => ({
        title: u.id === unitId ? `${u.name}: its own` : u.name,
        ...(u.id !== unitId && { href: `/dashboards/units/${u.id}` }),
        measureIds: measures.filter((m) => sectionOf(m.unit_id) === u.id).map((m) => m.id),
        projectIds: projects
          .filter(
            (p) => p.leadUnitId && within.has(p.leadUnitId) && sectionOf(p.leadUnitId) === u.id,
          )
          .map((p) => p.id),
        riskIds: risks
          .filter(
            (r) => sectionOf(registers.find((g) => g.id === r.registerId)?.unitId ?? null) === u.id,
          )
          .map((r) => r.id),
      }))
      const built = await scopeContent(principal, groups, asAt)
      const ancestors = tree.ancestorsOf(unitId).flatMap((id) => units.filter((u) => u.id === id))
      return {
        unit: { id: unit.id, name: unit.name, kind: unit.kind },
        ancestors: ancestors.map((u) => ({ id: u.id, name: u.name })),
        children: direct.map((u) => ({ id: u.id, name: u.name })),
        asAt: asAt && presentPeriod(asAt),
        ...built,
        panels: await scopedPanels(principal, { unitIds: [unitId], asAtEnd: asAt?.end ?? null }),
      }
    },

    /** A node of the golden thread and everything beneath it, a section for each node below. */
    async themeContent(principal: Principal, nodeId: string, asAtInput?: string) {
      requireRole(principal)
      const asAt = parseAsAt(asAtInput, today())
      const thread = await threadIndex(principal.organisationId)
      const node = thread.byId.get(nodeId)
      if (!node) throw new NotFound('Theme not found')
      const children = thread.nodes.filter((n) => n.parent_id === nodeId)
      const groupOf = (n: repo.NodeRow, all: boolean) => {
        const ids = all ? thread.beneath(n.id) : [n.id]
        return {
          title: n.id === nodeId ? `${n.title}: linked directly` : n.title,
          ...(n.id !== nodeId && { href: `/dashboards/themes/${n.id}` }),
          measureIds: [...thread.itemsBeneath(ids, 'measure')],
          projectIds: [...thread.itemsBeneath(ids, 'project')],
          riskIds: [...thread.itemsBeneath(ids, 'risk')],
        }
      }
      const groups = [groupOf(node, false), ...children.map((c) => groupOf(c, true))]
      const built = await scopeContent(principal, groups, asAt)
      const ancestors: { id: string; title: string }[] = []
      for (
        let n = node.parent_id ? thread.byId.get(node.parent_id) : undefined;
        n;
        n = n.parent_id ? thread.byId.get(n.parent_id) : undefined
      ) {
        ancestors.unshift({ id: n.id, title: n.title })
      }
      return {
        node: { id: node.id, title: node.title, planTitle: node.plan_title, planId: node.plan_id },
        ancestors,
        children: children.map((c) => ({ id: c.id, title: c.title })),
        asAt: asAt && presentPeriod(asAt),
        ...built,
      }
    },

    /** A portfolio holder's nodes, each with everything beneath it. */
    async portfolioContent(principal: Principal, holderId: string, asAtInput?: string) {
      requireRole(principal)
      const asAt = parseAsAt(asAtInput, today())
      const holder = (await repo.portfolioHolders(db, principal.organisationId)).find(
        (h) => h.id === holderId,
      )
      if (!holder) throw new NotFound('Portfolio holder not found')
      const thread = await threadIndex(principal.organisationId)
      const owned = thread.nodes.filter((n) => n.owner_id === holderId)
      const groups = owned.map((n) => {
        const ids = thread.beneath(n.id)
        return {
          title: n.title,
          href: `/dashboards/themes/${n.id}`,
          measureIds: [...thread.itemsBeneath(ids, 'measure')],
          projectIds: [...thread.itemsBeneath(ids, 'project')],
          riskIds: [...thread.itemsBeneath(ids, 'risk')],
        }
      })
      return {
        holder: { id: holder.id, name: holder.name, jobTitle: holder.job_title },
        nodes: owned.map((n) => ({ id: n.id, title: n.title, planTitle: n.plan_title })),
        asAt: asAt && presentPeriod(asAt),
        ...(await scopeContent(principal, groups, asAt)),
      }
    },

    async portfolioHolders(principal: Principal) {
      requireRole(principal)
      return (await repo.portfolioHolders(db, principal.organisationId)).map((h) => ({
        id: h.id,
        name: h.name,
        jobTitle: h.job_title,
      }))
    },

    async themes(principal: Principal) {
      requireRole(principal)
      return measureRepo.themes(db, principal.organisationId)
    },

    /** Where a signed-in person starts: their unit's directorate and their portfolio. */
    async startingPoints(principal: Principal) {
      const { tree, personUnitId } = await contextWithUnit(principal)
      const org = principal.organisationId
      const units = await orgRepo.listUnits(db, org)
      const directorate =
        personUnitId === null
          ? undefined
          : [personUnitId, ...tree.ancestorsOf(personUnitId)]
              .map((id) => units.find((u) => u.id === id))
              .find((u) => u?.kind === 'directorate')
      const holders = await repo.portfolioHolders(db, org)
      return {
        corporate: await repo
          .findCorporate(db, org)
          .then((r) => (r ? { id: r.id, title: r.title } : null)),
        directorate: directorate ? { id: directorate.id, name: directorate.name } : null,
        portfolio: holders.some((h) => h.id === principal.personId),
        mine: (await service.list(principal)).filter((d) => d.kind === 'personal'),
      }
    },

    /** Only what needs attention, filtered by unit, theme or portfolio holder. */
    exceptions(principal: Principal, filters: ExceptionFilters) {
      return heavyPage(principal, ['exceptions', JSON.stringify(filters)], () =>
        buildExceptions(principal, filters),
      )
    },
  }

  async function buildDashboardContent(principal: Principal, id: string, asAtInput?: string) {
    const memo: Memo = new Map()
    const { row } = await requireDashboard(principal, id, memo)
    const asAt = parseAsAt(asAtInput, today())
    const tiles = await repo.listTiles(db, principal.organisationId, [id])
    const dashboard = await view(principal, row, tiles)
    const { sections, contextual, hidden, hiddenText } = await dashboardSections(
      memo,
      principal,
      tiles,
      asAt,
    )
    const panels =
      row.kind === 'corporate'
        ? await scopedPanels(principal, { unitIds: null, asAtEnd: asAt?.end ?? null })
        : []
    return {
      dashboard,
      asAt: asAt && presentPeriod(asAt),
      sections,
      contextual,
      hidden,
      hiddenText,
      panels,
    }
  }

  async function buildExceptions(principal: Principal, filters: ExceptionFilters) {
    const memo: Memo = new Map()
    const { all, ...found } = await exceptionsWith(memo, principal, filters)
    const pageSize = filters.pageSize ?? EXCEPTION_PAGE_SIZE
    const page = paginate(all, filters.page ?? 1, pageSize)
    // The figures of the page's items only: the order does not depend on them.
    const { tree } = await context(principal, memo)
    const org = principal.organisationId
    const asAt = parseAsAt(filters.asAt, today())
    const items = await withFigures(principal, page.items, asAt, tree, shared(memo, org))
    return { ...found, ...page, items }
  }

  /**
   * Exceptions with their latest figure: a measure's value, target, status in words, direction
   * and commentary, as its tile shows them; a project's status and latest approved update.
   */
  async function withFigures(
    principal: Principal,
    items: readonly ExceptionItem[],
    asAt: Period | null,
    tree: UnitTree,
    reads: SharedReads,
  ): Promise<ExceptionItem[]> {
    const idsOf = (kind: ExceptionItem['kind']) =>
      items.flatMap((i) => (i.kind === kind && i.id ? [i.id] : []))
    const measureIds = idsOf('measure')
    const { tiles, commentary } =
      measureIds.length === 0
        ? { tiles: new Map<string, MeasureTile>(), commentary: new Map<string, string | null>() }
        : await content.measureTilesWith(principal, measureIds, asAt, tree, reads, true)
    const updates = await repo.latestApprovedUpdates(
      db,
      principal.organisationId,
      idsOf('project'),
      asAt?.end ?? today(),
    )
    return items.map((item) => {
      if (item.kind === 'project') {
        const update = item.id ? updates.get(item.id) : undefined
        return {
          ...item,
          figures: {
            period: update ? monthLabel(update.month) : null,
            value: null,
            target: null,
            status: item.detail,
            direction: null,
            commentary: update?.highlights ?? null,
          },
        }
      }
      const tile = item.kind === 'measure' && item.id ? tiles.get(item.id) : undefined
      if (!tile?.period) return item
      return {
        ...item,
        figures: {
          period: tile.period.label,
          value: formatValue(tile.value, tile),
          target: tile.target === null ? null : formatValue(tile.target, tile),
          status: (RAG_NAMES as Record<string, string | undefined>)[tile.rag] ?? tile.rag,
          direction: tile.direction ? DIRECTION_WORDS[tile.direction] : null,
          commentary: commentary.get(`${tile.id}:${tile.period.start}`) ?? null,
        },
      }
    })
  }

  /** Only what needs attention, filtered by unit, theme or portfolio holder, worst first. */
  async function exceptionsWith(memo: Memo, principal: Principal, filters: ExceptionFilters) {
    {
      const { tree } = await context(principal, memo)
      const org = principal.organisationId
      const asAt = parseAsAt(filters.asAt, today())
      const asAtEnd = asAt?.end ?? null
      const day = asAtEnd ?? today()
      if (filters.unitId && !tree.has(filters.unitId))
        throw Invalid.field('unitId', 'Select a unit from the list')
      const units = filters.unitId ? new Set(tree.descendantsOf(filters.unitId)) : null
      let beneath: { measure: Set<string>; project: Set<string>; risk: Set<string> } | null = null
      if (filters.nodeId || filters.holderId) {
        const thread = await threadIndex(org)
        let roots: string[] = []
        if (filters.nodeId) {
          if (!thread.byId.has(filters.nodeId))
            throw Invalid.field('nodeId', 'Select a theme from the list')
          roots = [filters.nodeId]
        }
        if (filters.holderId) {
          const owned = thread.nodes.filter((n) => n.owner_id === filters.holderId).map((n) => n.id)
          if (owned.length === 0)
            throw Invalid.field('holderId', 'Select a portfolio holder from the list')
          roots = filters.nodeId
            ? roots.filter((r) => owned.some((o) => thread.beneath(o).includes(r)))
            : owned
        }
        const ids = roots.flatMap((r) => thread.beneath(r))
        beneath = {
          measure: thread.itemsBeneath(ids, 'measure'),
          project: thread.itemsBeneath(ids, 'project'),
          risk: thread.itemsBeneath(ids, 'risk'),
        }
      }
      const inUnit = (id: string | null) => units === null || (id !== null && units.has(id))
      const items: ExceptionItem[] = []

      // Measures: status today (or the latest approved as at), and special cause concern.
      const flagged: ExceptionItem[] = []
      const measures = (await measureRepo.listMeasures(db, org, { status: 'active' })).filter(
        (m) =>
          m.kind !== 'contextual' &&
          canViewMeasure(principal, scopeOf(m), tree) &&
          inUnit(m.unit_id) &&
          (beneath === null || beneath.measure.has(m.id)),
      )
      // Today, status and variation are stored on each measure; as at a past period they are
      // worked out from the approved values of periods ended by then.
      const byMeasure =
        asAtEnd === null
          ? new Map<string, repo.SeriesPoint[]>()
          : await repo.approvedSeries(
              db,
              org,
              measures.map((m) => m.id),
              `${Number(day.slice(0, 4)) - 2}-04-01`,
              day,
            )
      const settings =
        asAtEnd === null
          ? null
          : await spcSettingsAsAt(db, org, measures, asAtEnd, shared(memo, org))
      // Many measures share a frequency and period: work out each period's end once.
      const ends = new Map<Frequency, Map<string, string>>()
      const endOf = (frequency: Frequency, start: string) => {
        let known = ends.get(frequency)
        if (known === undefined) ends.set(frequency, (known = new Map<string, string>()))
        let end = known.get(start)
        if (end === undefined) {
          end = parsePeriodStart({ frequency, start }).end
          known.set(start, end)
        }
        return end
      }
      for (const m of measures) {
        const own = (byMeasure.get(m.id) ?? []).filter(
          (v) => asAtEnd === null || endOf(m.frequency, v.period_start) <= asAtEnd,
        )
        // The values are approved and oldest first already: the chart's points are those with
        // a figure.
        const variation =
          asAtEnd === null
            ? variationOf(m, null)
            : variationOfPoints(
                m,
                own.length === 0
                  ? null
                  : own.flatMap((v) =>
                      v.value === null
                        ? []
                        : [{ start: v.period_start, value: v.value, target: v.target }],
                    ),
                settings?.get(m.id),
              )
        let rag: Rag
        let period: string
        if (asAtEnd === null) {
          const current = currentStatus(statusMeasure(m), headlineFacts(m), day)
          rag = current.rag
          period = current.period.label
        } else {
          const last = own.at(-1)
          const fresh = last && last.period_start > `${Number(day.slice(0, 4)) - 1}${day.slice(4)}`
          rag = fresh ? (last.rag ?? 'no_target') : 'no_data'
          period = last
            ? periodContaining(last.period_start, m.frequency).label
            : (asAt?.label ?? '')
        }
        const reasons = measureExceptions(rag, variation.pointType)
        if (reasons.length === 0) continue
        flagged.push({
          kind: 'measure',
          id: m.id,
          href: `/measures/${m.id}`,
          title: `${m.code}: ${m.title}`,
          reasons: reasonsOf(reasons),
          detail: period,
        })
      }
      items.push(...flagged)

      // Projects: off track or at risk, and milestones slipping.
      const projects = [...(await projectsOn(memo, principal, asAtEnd)).values()].filter(
        (p) =>
          p.level !== 'action' &&
          inUnit(p.leadUnitId) &&
          (beneath === null || beneath.project.has(p.id)),
      )
      const milestones = await shared(memo, org).milestones()
      for (const p of projects) {
        const own = (milestones.get(p.id) ?? []).map((m) =>
          m.status === 'completed' && m.completedDate !== null && m.completedDate > day
            ? { ...m, status: 'in_progress' as const }
            : m,
        )
        const reasons = projectExceptions(p.status, own, day)
        if (reasons.length === 0) continue
        items.push({
          kind: 'project',
          id: p.id,
          href: p.href,
          title: `${p.code ? `${p.code}: ` : ''}${p.title}`,
          reasons: reasonsOf(reasons),
          detail: p.statusText,
        })
      }

      // Risks above appetite.
      const registers = await registersOf(memo, principal)
      const registerUnit = new Map(registers.map((g) => [g.id, g.unitId]))
      const all = await allRisks(memo, principal)
      const riskTiles = await risksOn(memo, principal, asAtEnd)
      for (const r of all) {
        const tile = riskTiles.get(r.id)
        if (!tile?.aboveAppetite) continue
        if (units !== null && !inUnit(registerUnit.get(r.registerId) ?? null)) continue
        if (beneath !== null && !beneath.risk.has(r.id)) continue
        items.push({
          kind: 'risk',
          id: r.id,
          href: tile.href,
          title: `${tile.reference}: ${tile.title}`,
          reasons: reasonsOf(['above_appetite']),
          detail: `${tile.bandName}, score ${tile.score}, ${tile.registerName}`,
        })
      }

      // Savings at risk, from the savings register once it is connected.
      for (const source of sources) {
        for (const e of await source.exceptions(principal, {
          unitIds: filters.unitId ? [filters.unitId] : null,
          asAtEnd,
        })) {
          if (units !== null && !inUnit(e.unitId)) continue
          items.push({
            kind: 'saving',
            id: null,
            href: e.href,
            title: e.title,
            reasons: reasonsOf(['savings_at_risk']),
            detail: e.detail,
          })
        }
      }
      const sorted = sortExceptions(items)
      return {
        asAt: asAt && presentPeriod(asAt),
        filters: {
          unitId: filters.unitId ?? null,
          nodeId: filters.nodeId ?? null,
          holderId: filters.holderId ?? null,
        },
        counts: {
          measures: sorted.filter((i) => i.kind === 'measure').length,
          projects: sorted.filter((i) => i.kind === 'project').length,
          risks: sorted.filter((i) => i.kind === 'risk').length,
          savings: sorted.filter((i) => i.kind === 'saving').length,
        },
        all: sorted,
      }
    }
  }
  return service
}

export type { MeasureTile, ProjectTile, RiskTile, Tile, UnitTree }
