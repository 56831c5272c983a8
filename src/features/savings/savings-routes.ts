import { threadLinkRoutes } from '../links/index.ts'
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { formatInput } from '../../core/money.ts'
import { formatFinancialYear, parsePeriodLabel, PeriodError } from '../../core/periods.ts'
import { DELIVERY_RAG_NAMES } from '../../core/savings.ts'
import { Forbidden, Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseParams } from '../../web/fields.ts'
import { formPages, type LoadContext } from '../../web/form-page.ts'
import { radioItems, selectItems } from '../../web/govuk-items.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import { canShapeFramework } from '../framework/index.ts'
import { everyone, unitSelectItems } from '../organisation/index.ts'
import { renderProfileChart } from './savings-chart.ts'
import type { LineView } from './savings-presenter.ts'
import {
  DeliveryInput,
  DURABILITIES,
  DURABILITY_NAMES,
  GROUPING_NAMES,
  GROUPINGS,
  LineChanges,
  LineInput,
  ProfileInput,
  SAVING_STATUS_NAMES,
  SAVING_STATUSES,
  SAVING_TYPE_NAMES,
  SAVING_TYPES,
  TargetInput,
} from './savings-schemas.ts'

const hide = { schema: { hide: true } }
type Body = Record<string, unknown>
const YEAR_ROWS = 4

const names = {
  typeNames: SAVING_TYPE_NAMES,
  durabilityNames: DURABILITY_NAMES,
  statusNames: SAVING_STATUS_NAMES,
  ragNames: DELIVERY_RAG_NAMES,
}

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const RegisterQuery = z.object({
  year: z.preprocess(blank, z.string().optional()).catch(undefined),
  unitId: z.preprocess(blank, z.uuid().optional()).catch(undefined),
  programme: z.preprocess(blank, z.string().optional()).catch(undefined),
  priorityBoard: z.preprocess(blank, z.string().optional()).catch(undefined),
  savingType: z.preprocess(blank, z.enum(SAVING_TYPES).optional()).catch(undefined),
  status: z.preprocess(blank, z.enum(SAVING_STATUSES).optional()).catch(undefined),
  rag: z
    .preprocess(blank, z.enum(['green', 'amber', 'red', 'delivered', 'not_started']).optional())
    .catch(undefined),
})
const YearQuery = z.object({ year: z.string().optional().catch(undefined) })

/** A year written 2025/26 in a query, or this year. */
export function yearOf(text: string | undefined, fallback: number): number {
  if (!text) return fallback
  try {
    const period = parsePeriodLabel(text)
    return period.financialYear
  } catch (error) {
    if (error instanceof PeriodError) return fallback
    throw error
  }
}

/** The line form names its year rows years-0-financialYear and so on; the schema wants an array. */
function lineFromForm(body: Body) {
  const text = (key: string) => (typeof body[key] === 'string' ? body[key] : '')
  const years = Array.from({ length: YEAR_ROWS }, (_, i) => ({
    financialYear: text(`years-${i}-financialYear`),
    amount: text(`years-${i}-amount`),
    cost: text(`years-${i}-cost`),
  })).filter((y) => y.financialYear !== '' || y.amount !== '' || y.cost !== '')
  return { ...body, years }
}

/** Field names in the form differ from the schema's paths for year rows: years.0.amount → years-0-amount. */
function dashedFields(invalid: Invalid): Invalid {
  return new Invalid(invalid.fields.map((f) => ({ ...f, field: f.field.replaceAll('.', '-') })))
}

function lineValues(line: LineView): Body {
  const values: Body = {
    reference: line.reference,
    title: line.title,
    description: line.description,
    unitId: line.unitId,
    programme: line.programme,
    priorityBoard: line.priorityBoard,
    projectId: line.projectId,
    savingType: line.savingType,
    durability: line.durability,
    ownerId: line.ownerId,
    status: line.status,
  }
  line.years.forEach((y, i) => {
    values[`years-${i}-financialYear`] = y.financialYear
    values[`years-${i}-amount`] = y.amount.pounds
    values[`years-${i}-cost`] = y.cost.pence === 0 ? '' : y.cost.pounds
  })
  return values
}

export const savingsRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const savings = services.savings
  const org = services.organisation
  const formPage = formPages(app)

  async function personNames(principal: Principal) {
    return Object.fromEntries((await everyone(org, principal)).map((p) => [p.id, p.name]))
  }

  app.get('/savings', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const query = RegisterQuery.parse(request.query)
    const year = yearOf(query.year, savings.currentYear())
    const filters = { ...query, year: undefined }
    const [lines, opts, measures] = await Promise.all([
      savings.register(principal, year, filters),
      savings.filterOptions(principal),
      savings.deliveryByPeriod(principal, {
        frequency: 'quarterly',
        financialYear: year,
        unitId: filters.unitId,
      }),
    ])
    const years = [...new Set([...opts.years, year])].sort()
    const count = (rag: string) => lines.filter((l) => l.delivery.rag === rag).length
    return reply.view('savings/views/register.njk', {
      title: 'Savings register',
      lines,
      year: formatFinancialYear(year),
      measures,
      counts: {
        red: count('red'),
        amber: count('amber'),
        green: count('green') + count('delivered'),
      },
      filters: query,
      yearItems: years.map((y) => ({
        value: formatFinancialYear(y),
        text: formatFinancialYear(y),
        selected: y === year,
      })),
      unitItems: unitSelectItems(await org.listUnits(principal), {
        selected: filters.unitId,
        emptyText: 'All units',
      }),
      programmeItems: [
        { value: '', text: 'All programmes' },
        ...opts.programmes.map((p) => ({ value: p, text: p, selected: p === filters.programme })),
      ],
      boardItems: [
        { value: '', text: 'All priority boards' },
        ...opts.priorityBoards.map((p) => ({
          value: p,
          text: p,
          selected: p === filters.priorityBoard,
        })),
      ],
      typeItems: selectItems(SAVING_TYPES, SAVING_TYPE_NAMES, filters.savingType, 'All types'),
      statusItems: selectItems(
        SAVING_STATUSES,
        SAVING_STATUS_NAMES,
        filters.status,
        'All statuses',
      ),
      ragItems: selectItems(
        ['red', 'amber', 'green', 'delivered', 'not_started'] as const,
        DELIVERY_RAG_NAMES,
        filters.rag,
        'Any delivery status',
      ),
      canCreate: opts.canCreate,
      canSetTarget: opts.canSetTarget,
      ...names,
    })
  })

  app.get('/savings/totals', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { groupBy } = z.object({ groupBy: z.enum(GROUPINGS).catch('unit') }).parse(request.query)
    return reply.view('savings/views/totals.njk', {
      title: 'Savings totals',
      totals: await savings.totals(principal, groupBy),
      groupItems: GROUPINGS.map((g) => ({
        value: g,
        text: GROUPING_NAMES[g],
        selected: g === groupBy,
      })),
      groupName: GROUPING_NAMES[groupBy],
    })
  })

  formPage({
    path: '/savings/targets',
    template: 'savings/views/target-form.njk',
    values: async ({ principal }) => {
      // Only the form is refused here; the service refuses the target itself.
      if (!(await savings.filterOptions(principal)).canSetTarget) throw new Forbidden()
      return { financialYear: formatFinancialYear(savings.currentYear()) }
    },
    view: async ({ principal }) => ({
      title: 'Set the savings target',
      targets: await savings.targets(principal),
    }),
    schema: TargetInput,
    save: ({ principal }, input) => savings.setTarget(principal, input),
    redirect: () => '/savings/totals',
  })

  type FormOptions = Awaited<ReturnType<typeof savings.formOptions>>

  async function lineFormContext(principal: Principal, values: Body, options?: FormOptions) {
    const { units, projects } = options ?? (await savings.formOptions(principal))
    const people = (await everyone(org, principal)).filter(
      (p) => p.active || p.id === values.ownerId,
    )
    return {
      unitItems: [
        { value: '', text: 'Select a unit' },
        ...units.map((u) => ({ value: u.id, text: u.name, selected: u.id === values.unitId })),
      ],
      projectItems: [
        { value: '', text: 'No project' },
        ...projects.map((p) => ({
          value: p.id,
          text: p.code ? `${p.code} ${p.title}` : p.title,
          selected: p.id === values.projectId,
        })),
      ],
      ownerItems: [
        { value: '', text: 'No owner' },
        ...people.map((p) => ({ value: p.id, text: p.name, selected: p.id === values.ownerId })),
      ],
      typeItems: radioItems(SAVING_TYPES, SAVING_TYPE_NAMES, values.savingType),
      durabilityItems: radioItems(DURABILITIES, DURABILITY_NAMES, values.durability),
      statusItems: selectItems(SAVING_STATUSES, SAVING_STATUS_NAMES, values.status ?? 'planned'),
      yearRows: Array.from({ length: YEAR_ROWS }, (_, i) => i),
      canCreate: units.length > 0,
    }
  }

  formPage({
    path: '/savings/new',
    // Someone with no unit to add a line to may not add one.
    load: async ({ principal }) => {
      const options = await savings.formOptions(principal)
      if (options.units.length === 0) throw new Forbidden()
      return options
    },
    template: 'savings/views/line-form.njk',
    values: () => {
      const year = savings.currentYear()
      return {
        'years-0-financialYear': formatFinancialYear(year),
        'years-1-financialYear': formatFinancialYear(year + 1),
        'years-2-financialYear': formatFinancialYear(year + 2),
      }
    },
    view: async ({ principal, model: options }, values) => ({
      title: 'Add a savings line',
      action: '/savings/new',
      ...(await lineFormContext(principal, values, options)),
    }),
    schema: LineInput,
    input: lineFromForm,
    fields: dashedFields,
    anchors: { years: 'years-0-financialYear' },
    save: ({ principal }, input) => savings.createLine(principal, input),
    redirect: (_, line) => `/savings/${line.id}`,
  })

  app.get('/savings/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await savings.lineDetail(principal, id)
    const paths = await services.framework.itemPaths(principal, 'saving', id)
    const current = detail.years.find((y) => y.year === savings.currentYear()) ?? detail.years[0]
    return reply.view('savings/views/line.njk', {
      title: `${detail.line.reference} ${detail.line.title}`,
      ...detail,
      current,
      chart: current
        ? renderProfileChart(
            `${detail.line.reference} ${current.financialYear}: cumulative saving against profile`,
            current.months.map((m) => ({
              label: m.month.label,
              planned: m.planned.pence,
              actual: m.actual?.pence ?? null,
              forecast: m.forecast?.pence ?? null,
            })),
          )
        : null,
      paths: paths.paths,
      owners: await personNames(principal),
      canLink: detail.canManage && canShapeFramework(principal),
      ...names,
    })
  })

  formPage({
    path: '/savings/:id/edit',
    params: IdParams,
    load: async ({ principal, params: { id } }) => {
      const detail = await savings.lineDetail(principal, id)
      if (!detail.canManage) throw new Forbidden()
      return detail.line
    },
    template: 'savings/views/line-form.njk',
    values: ({ model: line }) => lineValues(line),
    view: async ({ principal, params: { id }, model: line }, values) => ({
      title: `Edit ${line.reference}`,
      action: `/savings/${id}/edit`,
      line,
      ...(await lineFormContext(principal, values)),
    }),
    schema: LineChanges,
    input: lineFromForm,
    fields: dashedFields,
    anchors: { years: 'years-0-financialYear' },
    save: ({ principal, params: { id } }, input) => savings.updateLine(principal, id, input),
    redirect: ({ params: { id } }) => `/savings/${id}`,
  })

  /**
   * A year's form of a line: the line visible (404), the person allowed (403), and the year
   * asked for (in the query of the GET, the form's field on the POST) or else this one.
   */
  const yearForm =
    (need: 'manage' | 'record') =>
    async ({ principal, params: { id }, request }: LoadContext<{ id: string }>) => {
      const detail = await savings.lineDetail(principal, id)
      if (need === 'manage' ? !detail.canManage : !detail.canRecord) throw new Forbidden()
      const body = (request.body ?? {}) as Body
      const asked =
        request.method === 'GET'
          ? YearQuery.parse(request.query).year
          : typeof body.financialYear === 'string'
            ? body.financialYear
            : undefined
      const fy = yearOf(asked, savings.currentYear())
      const year = detail.years.find((y) => y.year === fy) ?? detail.years[0]
      if (!year) throw Invalid.field('financialYear', `${detail.line.reference} has no years`)
      return { line: detail.line, year }
    }
  const yearPage = (id: string, year: { financialYear: string }) =>
    `/savings/${id}?year=${encodeURIComponent(year.financialYear)}#profile`

  formPage({
    path: '/savings/:id/profile',
    params: IdParams,
    load: yearForm('manage'),
    template: 'savings/views/profile-form.njk',
    values: ({ model: { year } }) => {
      const values: Body = { profile: year.profile, financialYear: year.financialYear }
      year.months.forEach((m, i) => {
        values[`months-${i}`] = formatInput(m.planned.pence)
      })
      return values
    },
    view: ({ model: { line, year } }) => ({
      title: `Profile ${line.reference} for ${year.financialYear}`,
      line,
      year,
    }),
    schema: ProfileInput,
    input: (body, { model: { year } }) => ({
      financialYear: year.financialYear,
      profile: body.profile,
      ...(body.profile === 'custom' && {
        months: Array.from({ length: 12 }, (_, i) => body[`months-${i}`] ?? ''),
      }),
    }),
    fields: dashedFields,
    save: ({ principal, params: { id } }, input) => savings.setProfile(principal, id, input),
    redirect: ({ params: { id }, model: { year } }) => yearPage(id, year),
  })

  formPage({
    path: '/savings/:id/months',
    params: IdParams,
    load: yearForm('record'),
    template: 'savings/views/months-form.njk',
    values: ({ model: { year } }) => {
      const values: Body = { financialYear: year.financialYear }
      year.months.forEach((m, i) => {
        values[`months-${i}-actual`] = m.actual?.pounds ?? ''
        values[`months-${i}-forecast`] = m.forecast?.pounds ?? ''
        values[`months-${i}-note`] = m.note ?? ''
      })
      return values
    },
    view: ({ model: { line, year } }) => ({
      title: `Actual and forecast savings: ${line.reference} ${year.financialYear}`,
      line,
      year,
    }),
    schema: DeliveryInput,
    input: (body, { model: { year } }) => ({
      financialYear: year.financialYear,
      months: year.months.map((m, i) => ({
        month: m.month.label,
        actual: body[`months-${i}-actual`] ?? '',
        forecast: body[`months-${i}-forecast`] ?? '',
        note: body[`months-${i}-note`] ?? '',
      })),
    }),
    fields: dashedFields,
    save: ({ principal, params: { id } }, input) => savings.recordDelivery(principal, id, input),
    redirect: ({ params: { id }, model: { year } }) => yearPage(id, year),
  })

  threadLinkRoutes(app, services, {
    itemKind: 'saving',
    basePath: '/savings',
    label: 'Item of a plan this saving contributes to',
    button: 'Link savings line',
    canLink: canShapeFramework,
    loadForChange: async (principal, id) => {
      const detail = await savings.lineDetail(principal, id)
      if (!detail.canManage) throw new Forbidden()
      return detail.line
    },
  })
}
