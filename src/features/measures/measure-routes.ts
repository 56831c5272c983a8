import { APPROVAL_WORDS } from '../../core/measure-figure.ts'
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { FREQUENCIES } from '../../core/periods.ts'
import { POLARITIES } from '../../core/status.ts'
import { Forbidden, Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { formPages, type LoadContext } from '../../web/form-page.ts'
import { radioItems, selectItems } from '../../web/govuk-items.ts'
import { spcSection } from './measure-spc-view.ts'
import { VARIATION_NAMES } from '../../web/charts/spc-icons.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import type { Principal } from '../../core/principal.ts'
import {
  BenchmarkInput,
  FREQUENCY_NAMES,
  KIND_NAMES,
  MEASURE_KINDS,
  MEASURE_STATUS_NAMES,
  MEASURE_STATUSES,
  MEASURE_UNITS,
  MeasureInput,
  MeasureListQuery,
  POLARITY_NAMES,
  QUALITY_ASSESSMENT_NAMES,
  QUALITY_ASSESSMENTS,
  QUALITY_CRITERIA,
  QUALITY_NAMES,
  SPC_VARIATIONS,
  TargetsInput,
  UNIT_NAMES,
} from './measure-schemas.ts'
import { everyone, unitNames, unitSelectItems } from '../organisation/index.ts'
import { measureChart } from './measure-chart.ts'
import { canDefineAnyMeasure } from './measure-policy.ts'
import {
  formatValue,
  headlineNoteOf,
  RAG_NAMES,
  RAG_SYMBOLS,
  type MeasureView,
} from './measure-presenter.ts'

const hide = { schema: { hide: true } }

export const measureNames = {
  unitNames: UNIT_NAMES,
  polarityNames: POLARITY_NAMES,
  frequencyNames: FREQUENCY_NAMES,
  kindNames: KIND_NAMES,
  statusNames: MEASURE_STATUS_NAMES,
  ragNames: RAG_NAMES,
  ragSymbols: RAG_SYMBOLS,
  qualityNames: QUALITY_NAMES,
  assessmentNames: QUALITY_ASSESSMENT_NAMES,
  qualityCriteria: QUALITY_CRITERIA,
}

const RAG_FILTERS = ['red', 'amber', 'green', 'overdue', 'no_data', 'no_target'] as const

type Body = Record<string, unknown>
const text = (v: unknown) => (typeof v === 'string' ? v : '')

/** The definition form's flat fields as the shared schema's shape. */
export function measureFromForm(body: Body): Record<string, unknown> {
  const toleranceType = text(body.toleranceType)
  let tolerance: unknown = null
  if (toleranceType === 'percent' || toleranceType === 'absolute') {
    const raw = text(body.toleranceValue).trim()
    if (!/^\d+(\.\d+)?$/.test(raw)) {
      throw Invalid.field('toleranceValue', 'Enter the tolerance as a number of 0 or more')
    }
    tolerance = { type: toleranceType, value: Number(raw) }
  }
  const quality = Object.fromEntries(
    QUALITY_CRITERIA.map((c) => [
      c,
      {
        assessment: text(body[`quality.${c}.assessment`]) || 'not_assessed',
        notes: body[`quality.${c}.notes`],
      },
    ]),
  )
  return {
    ...body,
    cumulative: text(body.cumulative) || 'false',
    public: text(body.public) || 'false',
    allowOutOfRange: text(body.allowOutOfRange) || 'false',
    tolerance,
    quality,
  }
}

function formValues(m: MeasureView): Body {
  const values: Body = {
    ...m,
    toleranceType: m.tolerance?.type ?? 'none',
    toleranceValue: m.tolerance?.value ?? '',
    cumulative: m.cumulative ? 'true' : 'false',
    public: m.public ? 'true' : 'false',
    allowOutOfRange: m.allowOutOfRange ? 'true' : 'false',
  }
  for (const c of QUALITY_CRITERIA) {
    values[`quality.${c}.assessment`] = m.quality[c].assessment
    values[`quality.${c}.notes`] = m.quality[c].notes ?? ''
  }
  return values
}

/** Target lines of the form: `2024/25, 80` or `2024/25 Q1, 78` or `2024/25, 50, 40, 60`. */
function targetsFromForm(body: Body) {
  const lines = text(body.targets)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
  if (lines.length === 0) {
    throw Invalid.field('targets', 'Enter at least one target, like "2024/25, 80"')
  }
  const targets = lines.map((line) => {
    const [period, value, lower, upper] = line.split(',').map((p) => p.trim())
    return {
      period: period ?? '',
      value: value ?? null,
      lower: lower ?? null,
      upper: upper ?? null,
    }
  })
  try {
    return parseInput(TargetsInput, { targets })
  } catch (error) {
    if (!(error instanceof Invalid)) throw error
    throw new Invalid(error.fields.map((f) => lineError(f)))
  }
}

function lineError(f: { field: string; message: string }) {
  const match = /^targets\.(\d+)\./.exec(f.field)
  return match ? { field: 'targets', message: `Line ${Number(match[1]) + 1}: ${f.message}` } : f
}

export const measureRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const measures = services.measures
  const org = services.organisation

  async function formContext(principal: Principal, values: Body) {
    const people = (await everyone(org, principal)).filter((p) => p.active)
    const units = await org.listUnits(principal)
    const personItems = (selected: unknown, empty: string) => [
      { value: '', text: empty },
      ...people.map((p) => ({
        value: p.id,
        text: p.jobTitle ? `${p.name}, ${p.jobTitle}` : p.name,
        selected: p.id === selected,
      })),
    ]
    return {
      ...measureNames,
      unitTypeItems: selectItems(MEASURE_UNITS, UNIT_NAMES, values.unit, 'Select the unit'),
      polarityItems: radioItems(POLARITIES, POLARITY_NAMES, values.polarity),
      frequencyItems: selectItems(
        FREQUENCIES,
        FREQUENCY_NAMES,
        values.frequency,
        'Select how often',
      ),
      kindItems: radioItems(MEASURE_KINDS, KIND_NAMES, values.kind),
      statusItems: radioItems(MEASURE_STATUSES, MEASURE_STATUS_NAMES, values.status ?? 'active'),
      ownerItems: personItems(values.ownerId, 'No owner'),
      officerItems: personItems(values.dataEntryOfficerId, 'Anyone with data entry for the unit'),
      approverItems: personItems(values.approverId, 'Any approver for the unit'),
      owningUnitItems: unitSelectItems(units, {
        selected: values.unitId as string | undefined,
        emptyText: 'No unit',
      }),
      toleranceItems: [
        {
          value: 'none',
          text: 'No amber zone',
          checked: !values.toleranceType || values.toleranceType === 'none',
        },
        {
          value: 'percent',
          text: 'A percentage of the target',
          checked: values.toleranceType === 'percent',
        },
        {
          value: 'absolute',
          text: 'An amount in the measure’s units',
          checked: values.toleranceType === 'absolute',
        },
      ],
      assessmentItems: QUALITY_ASSESSMENTS,
    }
  }

  app.get('/measures', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const query = MeasureListQuery.parse(request.query ?? {})
    const result = await measures.list(principal, { ...query, pageSize: 50 })
    const { units, people } = await org.optionLists(principal)
    const themes = (await measures.themes(principal)).map((n) => ({
      value: n.id,
      text: `${n.planTitle}: ${n.title}`,
      selected: n.id === query.nodeId,
    }))
    const owners = new Set(result.items.map((m) => m.ownerId))
    const filterQuery = new URLSearchParams(
      Object.entries({ ...query, page: undefined, pageSize: undefined })
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => [k, String(v)]),
    ).toString()
    return reply.view('measures/views/measures.njk', {
      title: 'Measures',
      ...measureNames,
      result: {
        ...result,
        items: result.items.map((m) => ({
          ...m,
          note: headlineNoteOf(m),
          pending: m.latest && m.latest !== m.latestApproved ? m.latest : null,
        })),
      },
      query,
      filterQuery,
      lastPage: Math.max(1, Math.ceil(result.total / 50)),
      names: unitNames(units),
      canDefine: canDefineAnyMeasure(principal),
      unitFilterItems: unitSelectItems(units, { selected: query.unitId, emptyText: 'Any unit' }),
      themeItems: [{ value: '', text: 'Any theme' }, ...themes],
      statusFilterItems: selectItems(RAG_FILTERS, RAG_NAMES, query.status, 'Any status'),
      variationFilterItems: selectItems(SPC_VARIATIONS, VARIATION_NAMES, query.variation, 'Any'),
      frequencyFilterItems: selectItems(
        FREQUENCIES,
        FREQUENCY_NAMES,
        query.frequency,
        'Any frequency',
      ),
      ownerFilterItems: [
        { value: '', text: 'Any owner' },
        ...people
          .filter((p) => owners.has(p.id) || p.id === query.ownerId || p.active)
          .map((p) => ({ value: p.id, text: p.name, selected: p.id === query.ownerId })),
      ],
      format: formatValue,
      approvalWords: APPROVAL_WORDS,
    })
  })

  const formPage = formPages(app)

  formPage({
    path: '/measures/new',
    load: async ({ principal }) => {
      if (!canDefineAnyMeasure(principal)) throw new Forbidden()
    },
    template: 'measures/views/measure-form.njk',
    view: async ({ principal }, values) => ({
      title: 'Add a measure',
      action: '/measures/new',
      ...(await formContext(principal, values)),
    }),
    values: () => ({
      decimals: '1',
      status: 'active',
      dueWorkingDays: '10',
      toleranceType: 'percent',
      toleranceValue: '5',
    }),
    schema: MeasureInput,
    input: measureFromForm,
    fields: toleranceFields,
    save: ({ principal }, input) => measures.create(principal, input),
    redirect: (_ctx, measure) => `/measures/${measure.id}`,
  })

  app.get('/measures/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await measures.detail(principal, id)
    const m = detail.measure
    const units = await org.listUnits(principal)
    const benchmarkFor = new Map(detail.benchmarks.map((b) => [b.period.start, b]))
    const rows = [...detail.values].reverse().map((v) => ({
      ...v,
      valueText: formatValue(v.displayed.value, m),
      targetText: formatValue(v.target, m),
      ownText: formatValue(v.value, m),
      benchmark: benchmarkFor.get(v.period.start) ?? null,
    }))
    const queries = await services.queries.on(principal, { measureId: id })
    const latest = detail.values.at(-1)
    const howWeCompare = await services.benchmarking.measureSection(
      principal,
      m,
      (request.query as { compare?: unknown }).compare,
    )
    return reply.view('measures/views/measure.njk', {
      howWeCompare,
      title: `${m.code}: ${m.title}`,
      ...measureNames,
      ...detail,
      queries: queries.threads,
      queryHref:
        queries.mayRaise && latest ? `/measures/${id}/values/${latest.period.start}/query` : null,
      publicLink: await services.publicDashboard.publicLink(principal, m),
      m,
      rows,
      chart: measureChart(
        'chart',
        `${m.code} ${m.title}: values and target`,
        detail.values.map((v) => ({
          label: v.period.label,
          value: v.displayed.value,
          target: v.target,
          rag: v.rag,
        })),
        m,
      ),
      latestText: m.latestApproved ? formatValue(m.latestApproved.displayed.value, m) : null,
      pending: m.latest && m.latest !== m.latestApproved ? m.latest : null,
      pendingText: m.latest ? formatValue(m.latest.displayed.value, m) : null,
      approvalWords: APPROVAL_WORDS,
      headlineNote: headlineNoteOf(m),
      forecastText: m.latest?.forecast ? formatValue(m.latest.forecast.value, m) : null,
      forecastTargetText: m.latest?.forecast ? formatValue(m.latest.forecast.target, m) : null,
      baselineText: formatValue(m.baselineValue, m),
      unitName: m.unitId ? unitNames(units)[m.unitId] : null,
      format: (v: number | null) => formatValue(v, m),
      spc: spcSection(m, detail.values, detail.spcSettings),
    })
  })

  /** A measure whose definition the person may change. */
  const definable = async ({ principal, params }: LoadContext<{ id: string }>) => {
    const detail = await measures.detail(principal, params.id)
    if (!detail.canDefine) throw new Forbidden()
    return detail
  }

  formPage({
    path: '/measures/:id/edit',
    params: IdParams,
    load: definable,
    template: 'measures/views/measure-form.njk',
    view: async ({ principal, params, model: detail }, values) => ({
      title: `Edit ${detail.measure.code}`,
      action: `/measures/${params.id}/edit`,
      measure: detail.measure,
      ...(await formContext(principal, values)),
    }),
    values: ({ model: detail }) => formValues(detail.measure),
    schema: MeasureInput,
    input: measureFromForm,
    fields: toleranceFields,
    save: ({ principal, params }, input, body) =>
      measures.update(principal, params.id, {
        ...input,
        ...(typeof body.version === 'string' &&
          /^\d+$/.test(body.version) && { version: Number(body.version) }),
      }),
    redirect: ({ params }) => `/measures/${params.id}`,
  })

  formPage({
    path: '/measures/:id/targets/edit',
    params: IdParams,
    load: definable,
    template: 'measures/views/targets-form.njk',
    view: ({ model: detail }) => ({
      title: `Targets for ${detail.measure.code}`,
      m: detail.measure,
      ...measureNames,
    }),
    values: ({ model: detail }) => ({
      targets: detail.targets
        .map((t) =>
          [
            t.period.label,
            t.value ?? '',
            ...(t.lower !== null || t.upper !== null ? [t.lower ?? '', t.upper ?? ''] : []),
          ].join(', '),
        )
        .join('\n'),
    }),
    // The lines are read by targetsFromForm; their errors name the line they are on.
    schema: z.record(z.string(), z.unknown()),
    fields: (invalid) => new Invalid(invalid.fields.map(lineError)),
    save: ({ principal, params }, _input, body) =>
      measures.putTargets(principal, params.id, targetsFromForm(body)),
    redirect: ({ params }) => `/measures/${params.id}#targets`,
  })

  formPage({
    path: '/measures/:id/benchmarks/new',
    params: IdParams,
    load: definable,
    template: 'measures/views/benchmark-form.njk',
    view: ({ model: detail }) => ({
      title: `Add comparator figures for ${detail.measure.code}`,
      m: detail.measure,
    }),
    values: ({ model: detail }) => ({ period: detail.measure.latest?.period.label ?? '' }),
    schema: BenchmarkInput,
    save: ({ principal, params }, input) => measures.saveBenchmark(principal, params.id, input),
    redirect: ({ params }) => `/measures/${params.id}#benchmarks`,
  })
}

/** The tolerance's errors on the form's own two fields. */
function toleranceFields(invalid: Invalid): Invalid {
  return new Invalid(
    invalid.fields.map((f) =>
      f.field.startsWith('tolerance')
        ? { ...f, field: f.field === 'tolerance.type' ? 'toleranceType' : 'toleranceValue' }
        : f,
    ),
  )
}
