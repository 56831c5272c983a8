import type { Kysely } from 'kysely'
import {
  parsePeriodInput,
  periodContaining,
  PeriodError,
  periodInWords,
  type Period,
} from '../../core/periods.ts'
import type { DB } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { auditor } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import { canViewMeasure } from '../measures/index.ts'
import { ukDate } from '../../core/dates.ts'
import { unitTreeOf, organisationRepository as orgRepo } from '../organisation/index.ts'
import { presentGateway, gatewayRepository as gatewayRepo } from '../project-gateways/index.ts'
import type { BenchmarkSource } from './builders/benchmark-section.ts'
import type { FinancialSource } from './builders/financial-summary.ts'
import { buildHighlight } from './builders/highlight-builder.ts'
import {
  buildExecutive,
  buildQuarterlyPerformance,
  buildReportCard,
  buildScrutiny,
  buildYearEnd,
  type DocumentHeader,
  type ItemGroup,
} from './builders/report-builders.ts'
import { applyEdits, compareDocuments, editableParagraphs, type Edits } from './report-changes.ts'
import {
  itemsBeneathNode,
  loadImpact,
  loadReportData,
  readers,
  type ReportData,
} from './builders/report-data.ts'
import type { RenderedReport, ReportDocument, ReportFormat } from './report-document.ts'
import { isReportKind, KINDS, type ReportKind } from './report-kinds.ts'
import * as policy from './report-policy.ts'
import * as repo from './report-repository.ts'
import { REPORT_FORMATS, type EditsInput, type ReportInput } from './report-schemas.ts'

export type Render = (doc: ReportDocument, format: ReportFormat) => Promise<RenderedReport>

export interface ReportDeps {
  readonly db: Kysely<DB>
  /** Where reports not yet published are built from: a replica when there is one. */
  readonly read?: Kysely<DB>
  readonly clock: () => Date
  readonly render: Render
  /** Budget monitoring and savings; null until connected. */
  readonly finance?: FinancialSource | null
  /** How compared measures rank among peers (benchmarking); null until connected. */
  readonly benchmarks?: BenchmarkSource | null
}

/** What a report is built from besides the data. */
export interface ReportSpec {
  readonly kind: ReportKind
  readonly period: Period
  readonly scopeId: string | null
  readonly focusNodeIds: readonly string[]
  readonly meeting: { readonly committee: string; readonly date: string } | null
  readonly status: string
}

export const longDate = (date: string) =>
  new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date.slice(0, 10)}T00:00:00Z`))

const asEdits = (value: unknown): Edits =>
  value && typeof value === 'object' ? (value as Edits) : {}
const asIds = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []

export function presentReport(row: repo.ReportRow) {
  const kind = isReportKind(row.kind) ? row.kind : 'quarterly-performance'
  return {
    id: row.id,
    kind,
    kindName: KINDS[kind].name,
    title: row.title,
    period: parsePeriodInput({ frequency: row.period_frequency, start: row.period_start }),
    scopeId: row.scope_id,
    focusNodeIds: asIds(row.focus_node_ids),
    meeting: row.meeting_id
      ? {
          id: row.meeting_id,
          date: row.meeting_date ?? '',
          committeeId: row.committee_id ?? '',
          committee: row.committee_name ?? '',
        }
      : null,
    status: row.status,
    edits: asEdits(row.edits),
    createdBy: row.created_by,
    publishedBy: row.published_by,
    publishedAt: row.published_at?.toISOString() ?? null,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
export type ReportView = ReturnType<typeof presentReport>

/**
 * The principal a report is built as: the whole organisation. A committee paper says the same
 * whoever opens it; who may open it is the report policy's question.
 */
export function builderPrincipal(principal: Principal): Principal {
  return { ...principal, roles: [{ role: 'administrator', unitId: null }] }
}

export function readPeriodFor(kind: ReportKind, input: ReportInput['period'], today: string) {
  let period: Period
  try {
    period = parsePeriodInput(input)
  } catch (error) {
    if (error instanceof PeriodError) throw Invalid.field('period', error.message)
    throw error
  }
  const frequency = KINDS[kind].frequency
  if (period.frequency !== frequency) {
    const example = {
      monthly: 'a month, like "Jun 2025"',
      bimonthly: 'a two-month period, like "2025/26 B1"',
      quarterly: 'a quarter, like "2025/26 Q1"',
      half_yearly: 'a half-year, like "2025/26 H1"',
      annual: 'a financial year, like "2024/25"',
    }[frequency]
    const name = KINDS[kind].title.toLowerCase()
    throw Invalid.field('period', `${/^[aeiou]/.test(name) ? 'An' : 'A'} ${name} covers ${example}`)
  }
  if (period.start > today) {
    throw Invalid.field(
      'period',
      `${period.label} has not started yet: choose a period up to today`,
    )
  }
  return period
}

export type ReportService = ReturnType<typeof createReportService>

export function createReportService({
  db,
  read = db,
  clock,
  render,
  finance = null,
  benchmarks = null,
}: ReportDeps) {
  const today = () => ukDate(clock())

  /** A group of items beneath a plan node, or run by a unit and those beneath it. */
  async function groupOf(
    trx: Kysely<DB>,
    organisationId: string,
    scopeId: string,
    data: ReportData,
  ): Promise<ItemGroup | null> {
    const node = await repo.findNode(trx, organisationId, scopeId)
    if (node) {
      return {
        id: node.id,
        title: node.title,
        measureIds: await itemsBeneathNode(trx, organisationId, node.id, 'measure'),
        projectIds: await itemsBeneathNode(trx, organisationId, node.id, 'project'),
        riskIds: await itemsBeneathNode(trx, organisationId, node.id, 'risk'),
      }
    }
    const unit = await orgRepo.findUnit(trx, organisationId, scopeId)
    if (!unit) return null
    const within = new Set((await unitTreeOf(trx, organisationId)).descendantsOf(unit.id))
    return {
      id: unit.id,
      title: unit.name,
      measureIds: new Set(data.measures.filter((m) => within.has(m.unitId ?? '')).map((m) => m.id)),
      projectIds: new Set(
        data.projects
          .filter((l) => within.has(l.project.leadUnitId ?? ''))
          .map((l) => l.project.id),
      ),
      riskIds: new Set(
        data.risks.filter((r) => within.has(r.registerUnitId ?? '')).map((r) => r.id),
      ),
    }
  }

  /** The report's title from its kind, what it is about and its period. */
  async function titleOf(
    trx: Kysely<DB>,
    principal: Principal,
    spec: Omit<ReportSpec, 'meeting' | 'status'>,
  ) {
    const lead = KINDS[spec.kind].title
    let about: string | null = null
    if (spec.scopeId) {
      const node = await repo.findNode(trx, principal.organisationId, spec.scopeId)
      const unit = node ? null : await orgRepo.findUnit(trx, principal.organisationId, spec.scopeId)
      const project =
        node || unit
          ? null
          : await readers(trx, clock)
              .projects.get(builderPrincipal(principal), spec.scopeId)
              .catch(() => null)
      about = node?.title ?? unit?.name ?? project?.title ?? null
    }
    return `${lead}${about ? `: ${about}` : ''}, ${periodInWords(spec.period)}`
  }

  /** Builds the generated document (before the author's edits) from the data as it is now. */
  async function build(trx: Kysely<DB>, principal: Principal, spec: ReportSpec) {
    const builder = builderPrincipal(principal)
    const org = principal.organisationId
    const header: DocumentHeader = {
      title: await titleOf(trx, principal, spec),
      meta: [
        ...(spec.meeting
          ? [
              { label: 'Committee', value: spec.meeting.committee },
              { label: 'Meeting', value: longDate(spec.meeting.date) },
            ]
          : []),
        { label: 'Period', value: periodInWords(spec.period) },
        { label: 'Status', value: spec.status },
      ],
    }
    if (spec.kind === 'highlight') {
      if (!spec.scopeId) throw Invalid.field('scopeId', 'Select the programme')
      const data = await readers(trx, clock).updates.highlightReport(
        builder,
        spec.scopeId,
        spec.period.start.slice(0, 7),
      )
      const impact = await loadImpact(trx, clock, builder, spec.scopeId, spec.period)
      const gateways = (
        await gatewayRepo.listGateways(trx, org, [
          data.programme.id,
          ...data.sections.map((s) => s.project.id),
        ])
      ).map(presentGateway)
      return buildHighlight(data, principal.organisationName, header, { impact, gateways })
    }
    const data = await loadReportData({
      db: trx,
      clock,
      principal: builder,
      period: spec.period,
      finance,
      benchmarks,
      // Report cards and focus areas show a unit's or priority's operational measures too.
      measures: spec.kind === 'report-card' || spec.kind === 'executive' ? 'all' : 'corporate',
    })
    const group = spec.scopeId ? await groupOf(trx, org, spec.scopeId, data) : null
    switch (spec.kind) {
      case 'quarterly-performance':
        return buildQuarterlyPerformance(data, header)
      case 'scrutiny':
        return buildScrutiny(data, header, group)
      case 'executive': {
        const focus: ItemGroup[] = []
        for (const id of spec.focusNodeIds) {
          const area = await groupOf(trx, org, id, data)
          if (area) focus.push(area)
        }
        return buildExecutive(data, header, focus)
      }
      case 'report-card':
        if (!group) throw Invalid.field('scopeId', 'Select a directorate or a priority')
        return buildReportCard(data, header, group)
      case 'year-end':
        return buildYearEnd(data, header)
    }
  }

  /** Checks what the report is about fits its kind; returns nothing, throws Invalid. */
  async function checkScope(principal: Principal, kind: ReportKind, scopeId: string | null) {
    const info = KINDS[kind]
    const org = principal.organisationId
    if (!scopeId) {
      if (info.scopeRequired) {
        throw Invalid.field(
          'scopeId',
          info.scope === 'programme'
            ? 'Select the programme'
            : 'Select a directorate or a priority',
        )
      }
      return
    }
    const node = await repo.findNode(db, org, scopeId)
    const unit = node ? null : await orgRepo.findUnit(db, org, scopeId)
    switch (info.scope) {
      case 'none':
        throw Invalid.field('scopeId', `A ${info.title.toLowerCase()} covers the whole council`)
      case 'theme':
        if (!node) throw Invalid.field('scopeId', 'Select a theme from the list')
        return
      case 'unit_or_node':
        if (!node && !unit) throw Invalid.field('scopeId', 'Select a directorate or a priority')
        return
      case 'programme': {
        const project = await readers(db, clock)
          .projects.get(builderPrincipal(principal), scopeId)
          .catch(() => null)
        if (!project) throw Invalid.field('scopeId', 'Select the programme from the list')
        return
      }
    }
  }

  async function requireReport(principal: Principal, id: string) {
    const row = await repo.findReport(db, principal.organisationId, id)
    if (!row || !policy.canReadReport(principal, row)) throw new NotFound('Report not found')
    return presentReport(row)
  }

  function requireManager(principal: Principal) {
    if (!policy.canManageReports(principal)) throw new Forbidden()
  }

  function specOf(report: ReportView, status: string): ReportSpec {
    return {
      kind: report.kind,
      period: report.period,
      scopeId: report.scopeId,
      focusNodeIds: report.focusNodeIds,
      meeting: report.meeting
        ? { committee: report.meeting.committee, date: report.meeting.date }
        : null,
      status,
    }
  }

  async function frozenOf(principal: Principal, id: string) {
    const document = await repo.findDocument(db, principal.organisationId, id)
    if (!document) throw new NotFound('Report not found')
    return document as ReportDocument
  }

  const audit = auditor({ clock, itemType: 'report' })

  return {
    requireReport,

    async list(principal: Principal, filters: repo.ReportFilters = {}) {
      if (!policy.canViewCalendar(principal) && !policy.canManageReports(principal)) {
        throw new Forbidden()
      }
      const rows = await repo.listReports(db, principal.organisationId, filters)
      return rows.filter((r) => policy.canReadReport(principal, r)).map(presentReport)
    },

    get: requireReport,

    /** A report as its page shows it: the document, what may be edited, what changed since. */
    async open(principal: Principal, id: string) {
      const report = await requireReport(principal, id)
      if (report.status === 'published') {
        const frozen = await frozenOf(principal, id)
        const now = await build(read, principal, specOf(report, 'Rebuilt from today’s data'))
        return {
          report,
          document: frozen,
          editable: [],
          changes: compareDocuments(frozen, applyEdits(now, report.edits), report.edits),
        }
      }
      const generated = await build(read, principal, specOf(report, 'Draft'))
      return {
        report,
        document: applyEdits(generated, report.edits),
        editable: editableParagraphs(generated).map((p) => ({
          ...p,
          edited: report.edits[p.key] ?? null,
        })),
        changes: null,
      }
    },

    async create(principal: Principal, input: ReportInput) {
      requireManager(principal)
      const org = principal.organisationId
      const period = readPeriodFor(input.kind, input.period, today())
      await checkScope(principal, input.kind, input.scopeId ?? null)
      const meeting = input.meetingId ? await repo.findMeeting(db, org, input.meetingId) : null
      if (input.meetingId && !meeting)
        throw Invalid.field('meetingId', 'Select a meeting from the list')
      if (meeting?.cancelled_at)
        throw Invalid.field('meetingId', 'That meeting was cancelled: select another meeting')
      if (input.focusNodeIds.length > 0 && input.kind !== 'executive') {
        throw Invalid.field('focusNodeIds', 'Only the Executive report has focus areas')
      }
      for (const nodeId of input.focusNodeIds) {
        if (!(await repo.findNode(db, org, nodeId))) {
          throw Invalid.field('focusNodeIds', 'Select focus areas from the list')
        }
      }
      const spec = {
        kind: input.kind,
        period,
        scopeId: input.scopeId ?? null,
        focusNodeIds: input.focusNodeIds,
      }
      const title = await titleOf(db, principal, spec)
      const id = await db.transaction().execute(async (trx) => {
        const { id } = await repo.insertReport(trx, {
          organisation_id: org,
          kind: input.kind,
          title,
          period_frequency: period.frequency,
          period_start: period.start,
          scope_id: spec.scopeId,
          focus_node_ids: JSON.stringify(spec.focusNodeIds),
          meeting_id: meeting?.id ?? null,
          created_by: principal.personId,
        })
        await audit(trx, principal, {
          action: 'created',
          itemId: id,
          summary: `Report created: ${title}`,
          after: { kind: input.kind, period: period.label, meetingId: meeting?.id ?? null },
        })
        return id
      })
      return requireReport(principal, id)
    },

    /** The author's wording of generated paragraphs; null or blank restores the generated text. */
    async saveEdits(principal: Principal, id: string, input: EditsInput) {
      requireManager(principal)
      const report = await requireReport(principal, id)
      if (report.status !== 'draft') throw new Conflict('A published report cannot be changed')
      const generated = await build(db, principal, specOf(report, 'Draft'))
      const keys = new Set(editableParagraphs(generated).map((p) => p.key))
      const edits = new Map(Object.entries(report.edits))
      for (const [key, text] of Object.entries(input.edits)) {
        if (!keys.has(key)) throw Invalid.field(`edits.${key}`, 'This report has no such paragraph')
        if (text === null || text.trim() === '') edits.delete(key)
        else edits.set(key, text.trim())
      }
      await db.transaction().execute(async (trx) => {
        const ok = await repo.updateEdits(
          trx,
          principal.organisationId,
          id,
          input.version ?? report.version,
          Object.fromEntries(edits),
          clock(),
        )
        if (!ok) {
          throw new Conflict(
            'Someone else changed this report since you opened it. Reload it and try again.',
          )
        }
        await audit(trx, principal, {
          action: 'narrative_edited',
          itemId: id,
          summary: `Narrative edited: ${report.title}`,
          before: report.edits,
          after: Object.fromEntries(edits),
        })
      })
      return requireReport(principal, id)
    },

    /**
     * Freezes the report: the document as built now, with the author's edits, and every
     * format rendered from it, stored so that it opens identically forever.
     */
    async publish(principal: Principal, id: string) {
      requireManager(principal)
      const report = await requireReport(principal, id)
      if (report.status !== 'draft') throw new Conflict('This report is already published')
      const at = clock()
      const generated = await build(
        db,
        principal,
        specOf(report, `Published on ${longDate(at.toISOString())}`),
      )
      const document = applyEdits(generated, report.edits)
      const files: { format: ReportFormat; contentType: string; body: Buffer }[] = []
      for (const format of REPORT_FORMATS) {
        const rendered = await render(document, format)
        files.push({ format, contentType: rendered.contentType, body: rendered.body })
      }
      await db.transaction().execute(async (trx) => {
        const ok = await repo.markPublished(trx, principal.organisationId, id, report.version, {
          document,
          publishedBy: principal.personId,
          at,
        })
        if (!ok) {
          throw new Conflict(
            'Someone else changed this report since you opened it. Reload it and try again.',
          )
        }
        await repo.insertFiles(trx, principal.organisationId, id, files)
        await audit(trx, principal, {
          action: 'published',
          itemId: id,
          summary: `Report published: ${report.title}`,
          after: { formats: files.map((f) => ({ format: f.format, bytes: f.body.length })) },
        })
      })
      return requireReport(principal, id)
    },

    /** A published report's stored file; a draft rendered now (only its authors see drafts). */
    async download(principal: Principal, id: string, format: ReportFormat) {
      const report = await requireReport(principal, id)
      const name = `${report.title
        .replace(/[^A-Za-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .toLowerCase()}.${format}`
      if (report.status === 'published') {
        const file = await repo.findFile(db, principal.organisationId, id, format)
        if (!file) throw new NotFound('Report file not found')
        return { body: file.body, contentType: file.contentType, filename: name }
      }
      const generated = await build(read, principal, specOf(report, 'Draft'))
      const rendered = await render(applyEdits(generated, report.edits), format)
      return { body: rendered.body, contentType: rendered.contentType, filename: name }
    },

    /** A report built now without storing it (the command line). */
    async buildNow(
      principal: Principal,
      input: { kind: ReportKind; period: string; scopeId?: string | null; focusNodeIds?: string[] },
    ) {
      requireManager(principal)
      const period = readPeriodFor(input.kind, input.period, today())
      await checkScope(principal, input.kind, input.scopeId ?? null)
      return build(read, principal, {
        kind: input.kind,
        period,
        scopeId: input.scopeId ?? null,
        focusNodeIds: input.focusNodeIds ?? [],
        meeting: null,
        status: `Produced on ${longDate(clock().toISOString())}`,
      })
    },

    /**
     * The highlight page's impact (measures and benefits) and gateway reviews, as the person may
     * see them: a partner sees only the measures of units they work with.
     */
    async highlightExtras(principal: Principal, programmeId: string, month: string) {
      const org = principal.organisationId
      const { projects } = readers(db, clock)
      const { portfolio } = await projects.requireProject(principal, programmeId)
      const period = periodContaining(`${month}-01`, 'monthly')
      const impact = await loadImpact(db, clock, principal, programmeId, period)
      const tree = await unitTreeOf(db, org)
      const ids = [programmeId, ...(portfolio.children.get(programmeId) ?? []).map((r) => r.id)]
      return {
        impact: {
          ...impact,
          measures: impact.measures.filter((m) =>
            canViewMeasure(
              principal,
              { unitId: m.unitId, dataEntryOfficerId: null, approverId: null },
              tree,
            ),
          ),
        },
        gateways: (await gatewayRepo.listGateways(db, org, ids)).map(presentGateway),
      }
    },

    /** For forms: themes, directorates, programmes and meetings to choose from. */
    async choices(principal: Principal) {
      requireManager(principal)
      const org = principal.organisationId
      const { projects } = readers(db, clock)
      const programmes = (
        await projects.list(builderPrincipal(principal), { level: 'programme' })
      ).map((p) => ({ id: p.id, title: p.title }))
      const units = (await orgRepo.listUnits(db, org)).filter((u) => u.parent_id === null)
      const nodes = await db
        .selectFrom('plan_nodes as n')
        .innerJoin('plans as p', 'p.id', 'n.plan_id')
        .select(['n.id', 'n.title', 'p.title as plan', 'n.parent_id'])
        .where('n.organisation_id', '=', org)
        .where('n.status', '=', 'active')
        .where('p.status', '=', 'active')
        .orderBy('p.first_year')
        .orderBy('n.position')
        .execute()
      const meetings = await db
        .selectFrom('committee_meetings as m')
        .innerJoin('committees as c', 'c.id', 'm.committee_id')
        .select(['m.id', 'm.meeting_date', 'c.name'])
        .where('m.organisation_id', '=', org)
        .where('m.meeting_date', '>=', `${Number(today().slice(0, 4)) - 1}${today().slice(4)}`)
        .where('m.cancelled_at', 'is', null)
        .orderBy('m.meeting_date')
        .orderBy('c.position')
        .execute()
      return {
        programmes,
        directorates: units.map((u) => ({ id: u.id, title: u.name })),
        nodes: nodes.map((n) => ({
          id: n.id,
          title: n.title,
          plan: n.plan,
          top: n.parent_id === null,
        })),
        meetings: meetings.map((m) => ({ id: m.id, date: m.meeting_date, committee: m.name })),
      }
    },
  }
}
