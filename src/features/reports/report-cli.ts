import { writeFile } from 'node:fs/promises'
import { plural } from '../../core/format.ts'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { Invalid } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { reportFinanceSource } from '../budgets/index.ts'
import { resolveOrganisation, organisationRepository as orgRepo } from '../organisation/index.ts'
import { renderReport } from './render/index.ts'
import { isReportKind, KINDS, REPORT_KINDS } from './report-kinds.ts'
import { REPORT_FORMATS, type ReportFormatName } from './report-schemas.ts'
import { createReportService } from './report-service.ts'

export interface ReportCliOptions {
  readonly kind: string | undefined
  readonly period?: string | undefined
  readonly format?: string | undefined
  readonly out?: string | undefined
  readonly organisation?: string | undefined
  readonly scope?: string | undefined
}

/** The command line acts for the whole organisation, as an administrator would. */
const CLI_PERSON = '00000000-0000-0000-0000-000000000000'

/** A programme by code or title, a unit by code or name, a plan node by title; or an id. */
async function scopeOf(db: Kysely<DB>, organisationId: string, ref: string) {
  const lower = ref.trim().toLowerCase()
  const projects = await db
    .selectFrom('projects')
    .select(['id', 'code', 'title'])
    .where('organisation_id', '=', organisationId)
    .execute()
  const units = await orgRepo.listUnits(db, organisationId)
  const nodes = await db
    .selectFrom('plan_nodes')
    .select(['id', 'title'])
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'active')
    .execute()
  const found =
    [...projects, ...units, ...nodes].find((i) => i.id === ref) ??
    projects.find((p) => p.code?.toLowerCase() === lower || p.title.toLowerCase() === lower) ??
    units.find((u) => u.code?.toLowerCase() === lower || u.name.toLowerCase() === lower) ??
    nodes.find((n) => n.title.toLowerCase() === lower)
  if (!found) {
    throw Invalid.field(
      'scope',
      `Nothing is called "${ref}": give a programme's code, a directorate's code or name, or a theme's title`,
    )
  }
  return found.id
}

/** `golden-thread report KIND --period P --format F --out FILE`: builds, renders and writes. */
export async function reportCommand(
  db: Kysely<DB>,
  options: ReportCliOptions,
  clock: () => Date = () => new Date(),
): Promise<number> {
  const { kind, period, format, out } = options
  if (!kind || !isReportKind(kind)) {
    throw new Invalid(
      `${kind ? `There is no report kind "${kind}"` : 'Say which report'}: choose one of ${REPORT_KINDS.join(', ')}`,
    )
  }
  if (!period) throw Invalid.field('period', 'Give the period, like "2025/26 Q1"')
  if (!format || !(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw Invalid.field('format', `Choose one of ${REPORT_FORMATS.join(', ')}`)
  }
  if (!out) throw Invalid.field('out', 'Give the file to write, like report.docx')
  if (KINDS[kind].scopeRequired && !options.scope) {
    throw Invalid.field(
      'scope',
      kind === 'highlight'
        ? 'Say which programme, by its code or title'
        : 'Say which directorate (code or name) or priority (title)',
    )
  }
  const organisation = await resolveOrganisation(db, options.organisation)
  const principal: Principal = {
    personId: CLI_PERSON,
    organisationId: organisation.id,
    organisationName: organisation.name,
    organisationSlug: organisation.slug,
    name: 'Command line',
    email: '',
    roles: [{ role: 'administrator', unitId: null }],
  }
  const scopeId = options.scope ? await scopeOf(db, organisation.id, options.scope) : null
  const reports = createReportService({
    db,
    clock,
    render: renderReport,
    finance: reportFinanceSource({ db, clock }),
  })
  const document = await reports.buildNow(principal, { kind, period, scopeId })
  const rendered = await renderReport(document, format as ReportFormatName)
  await writeFile(out, rendered.body)
  console.log(
    `Wrote "${document.title}" to ${out} (${format}, ${plural(rendered.body.length, 'byte', 'bytes')})`,
  )
  return 0
}
