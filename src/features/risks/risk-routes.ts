import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { addMonths, BANDS } from '../../core/risk-scoring.ts'
import { Forbidden, NotFound } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseParams } from '../../web/fields.ts'
import { formPages } from '../../web/form-page.ts'
import { radioItems, selectItems } from '../../web/govuk-items.ts'
import type { Config } from '../../config.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { setFlash } from '../auth/index.ts'
import type { Principal } from '../../core/principal.ts'
import { everyone, unitNames, unitSelectItems } from '../organisation/index.ts'
import { canShapeFramework } from '../framework/index.ts'
import { threadLinkRoutes } from '../links/index.ts'
import { canConfigureRisks } from './risk-policy.ts'
import type { MatrixView, RiskView } from './risk-presenter.ts'
import {
  ACTION_STATUS_NAMES,
  ACTION_STATUSES,
  ActionChanges,
  ActionInput,
  DeEscalationInput,
  EscalationInput,
  MatrixInput,
  MITIGATION_FREQUENCIES,
  REGISTER_LEVEL_NAMES,
  REGISTER_LEVELS,
  RegisterChanges,
  RegisterInput,
  REVIEW_FREQUENCIES,
  REVIEW_FREQUENCY_NAMES,
  ReviewInput,
  RISK_CATEGORIES,
  RISK_CATEGORY_NAMES,
  RISK_STATUS_NAMES,
  RiskChanges,
  RiskClosure,
  RiskInput,
} from './risk-schemas.ts'

const hide = { schema: { hide: true } }
const ActionParams = IdParams.extend({ actionId: z.uuid() })
const LinkParams = IdParams.extend({ linkId: z.uuid() })
const RelatedInput = z.object({
  itemId: z.uuid({ error: 'Select a programme, project or action' }),
})
const FilterQuery = z.object({
  status: z.enum(['open', 'closed', 'all']).catch('open'),
  band: z.enum(BANDS).optional().catch(undefined),
  category: z.enum(RISK_CATEGORIES).optional().catch(undefined),
})
const NewRiskQuery = z.object({ registerId: z.uuid().optional().catch(undefined) })
const MitigationQuery = z.object({
  frequency: z.enum(MITIGATION_FREQUENCIES).catch('quarterly'),
})

type Body = Record<string, unknown>

const names = {
  levelNames: REGISTER_LEVEL_NAMES,
  categoryNames: RISK_CATEGORY_NAMES,
  statusNames: RISK_STATUS_NAMES,
  frequencyNames: REVIEW_FREQUENCY_NAMES,
  actionStatusNames: ACTION_STATUS_NAMES,
}

function levelItems(matrix: MatrixView, axis: 'likelihood' | 'impact', selected: unknown) {
  return [
    { value: '', text: 'Select a level' },
    ...matrix[axis].map((level, i) => ({
      value: String(i + 1),
      text: `${i + 1} – ${level.name}`,
      selected:
        (typeof selected === 'string' || typeof selected === 'number') &&
        String(i + 1) === String(selected),
    })),
  ]
}

/** The matrix form names its fields likelihood-0-name and so on; the schema wants arrays. */
function matrixFromForm(body: Body) {
  const text = (key: string) => (typeof body[key] === 'string' ? body[key] : '')
  const size = text('size') === '4' ? 4 : 5
  const levels = (axis: string) =>
    Array.from({ length: size }, (_, i) => ({
      name: text(`${axis}-${i}-name`),
      description: text(`${axis}-${i}-description`),
    }))
  return {
    size: text('size'),
    likelihood: levels('likelihood'),
    impact: levels('impact'),
    bands: BANDS.map((key, i) => ({
      key,
      name: text(`bands-${i}-name`),
      from: key === 'low' ? '1' : text(`bands-${i}-from`),
    })),
    appetite: text('appetite'),
  }
}

function matrixFormValues(matrix: MatrixView): Body {
  const values: Body = { size: String(matrix.size), appetite: String(matrix.appetite) }
  for (const axis of ['likelihood', 'impact'] as const) {
    for (let i = 0; i < 5; i++) {
      values[`${axis}-${i}-name`] = matrix[axis][i]?.name ?? ''
      values[`${axis}-${i}-description`] = matrix[axis][i]?.description ?? ''
    }
  }
  matrix.bands.forEach((band, i) => {
    values[`bands-${i}-name`] = band.name
    values[`bands-${i}-from`] = String(band.from)
  })
  return values
}

export const riskRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const risks = services.risks
  const org = services.organisation
  const formPage = formPages(app, config)

  async function peopleItems(principal: Principal, selected: unknown, empty: string) {
    const people = (await everyone(org, principal)).filter((p) => p.active || p.id === selected)
    return [
      { value: '', text: empty },
      ...people.map((p) => ({
        value: p.id,
        text: p.jobTitle ? `${p.name}, ${p.jobTitle}` : p.name,
        selected: p.id === selected,
      })),
    ]
  }

  async function personNames(principal: Principal): Promise<Record<string, string>> {
    return Object.fromEntries((await everyone(org, principal)).map((p) => [p.id, p.name]))
  }

  // Overview and lists

  app.get('/risks', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const registers = await risks.listRegisters(principal)
    const due = await risks.reviewsDue(principal)
    const above = await risks.aboveAppetite(principal)
    const manageable = await manageableRegisters(principal)
    return reply.view('risks/views/risks.njk', {
      title: 'Risks',
      registers,
      overdueCount: due.overdue.length,
      dueSoonCount: due.dueSoon.length,
      aboveCount: above.length,
      matrix: await risks.matrix(principal),
      canConfigure: canConfigureRisks(principal),
      canRaise: manageable.length > 0,
      ...names,
    })
  })

  const manageableRegisters = (principal: Principal) => risks.manageableRegisters(principal)

  app.get('/risks/reviews-due', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const due = await risks.reviewsDue(principal)
    return reply.view('risks/views/risk-list.njk', {
      title: 'Risk reviews due',
      lead: 'Open risks whose next review date has passed, then those due in the next two weeks.',
      groups: [
        { heading: 'Overdue', empty: 'No reviews are overdue.', risks: due.overdue },
        {
          heading: 'Due in the next two weeks',
          empty: 'No reviews are due in the next two weeks.',
          risks: due.dueSoon,
        },
      ],
      owners: await personNames(principal),
      ...names,
    })
  })

  app.get('/risks/above-appetite', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const matrix = await risks.matrix(principal)
    return reply.view('risks/views/risk-list.njk', {
      title: 'Risks above appetite',
      lead: `Open risks whose current score is above the tolerable threshold of ${matrix.appetite}, highest first.`,
      groups: [
        {
          heading: null,
          empty: 'No open risk is above the tolerable threshold.',
          risks: await risks.aboveAppetite(principal),
        },
      ],
      owners: await personNames(principal),
      ...names,
    })
  })

  app.get('/risks/mitigation', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { frequency } = MitigationQuery.parse(request.query)
    const to = risks.today()
    const from = addMonths(to, -24)
    const series = await risks.riskMitigationSeries(principal, frequency, from, to)
    return reply.view('risks/views/mitigation.njk', {
      title: '% of corporate red risks mitigated to tolerable level within 3 months',
      frequency,
      series: [...series].reverse(),
      matrix: await risks.matrix(principal),
    })
  })

  // The matrix

  app.get('/risks/matrix', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    return reply.view('risks/views/matrix.njk', {
      title: 'Risk matrix',
      matrix: await risks.matrix(principal),
      canConfigure: canConfigureRisks(principal),
    })
  })

  formPage({
    path: '/risks/matrix/edit',
    load: async ({ principal }) => {
      if (!canConfigureRisks(principal)) throw new Forbidden()
      return risks.matrix(principal)
    },
    template: 'risks/views/matrix-form.njk',
    values: ({ model: matrix }) => matrixFormValues(matrix),
    view: ({ model: matrix }) => ({ title: 'Change the risk matrix', matrix }),
    schema: MatrixInput,
    input: matrixFromForm,
    save: ({ principal }, input) => risks.updateMatrix(principal, input),
    redirect: () => '/risks/matrix',
  })

  // Registers

  async function registerFormContext(principal: Principal, values: Body, editing?: string) {
    const registers = (await risks.listRegisters(principal)).filter((r) => r.id !== editing)
    return {
      levelItems: radioItems(REGISTER_LEVELS, REGISTER_LEVEL_NAMES, values.level),
      unitItems: unitSelectItems(await org.listUnits(principal), {
        selected: values.unitId as string | undefined,
        emptyText: 'No unit',
      }),
      parentItems: [
        { value: '', text: 'None' },
        ...registers.map((r) => ({
          value: r.id,
          text: `${r.name} (${REGISTER_LEVEL_NAMES[r.level].toLowerCase()})`,
          selected: r.id === values.parentRegisterId,
        })),
      ],
    }
  }

  formPage({
    path: '/risks/registers/new',
    load: ({ principal }) => {
      if (!canConfigureRisks(principal)) throw new Forbidden()
      return Promise.resolve()
    },
    template: 'risks/views/register-form.njk',
    view: async ({ principal }, values) => ({
      title: 'Add a risk register',
      action: '/risks/registers/new',
      ...(await registerFormContext(principal, values)),
    }),
    schema: RegisterInput,
    save: ({ principal }, input) => risks.createRegister(principal, input),
    redirect: (_, register) => `/risks/registers/${register.id}`,
  })

  app.get('/risks/registers/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const filters = FilterQuery.parse(request.query)
    const detail = await risks.registerDetail(principal, id, {
      status: filters.status === 'all' ? undefined : filters.status,
      band: filters.band,
      category: filters.category,
    })
    const units = await org.listUnits(principal)
    return reply.view('risks/views/register.njk', {
      title: detail.register.name,
      ...detail,
      filters,
      owners: await personNames(principal),
      unitNames: unitNames(units),
      statusItems: [
        { value: 'open', text: 'Open', selected: filters.status === 'open' },
        { value: 'closed', text: 'Closed', selected: filters.status === 'closed' },
        { value: 'all', text: 'Open and closed', selected: filters.status === 'all' },
      ],
      bandItems: [
        { value: '', text: 'Any band' },
        ...detail.matrix.bands.map((b) => ({
          value: b.key,
          text: b.name,
          selected: b.key === filters.band,
        })),
      ],
      categoryItems: selectItems(
        RISK_CATEGORIES,
        RISK_CATEGORY_NAMES,
        filters.category,
        'Any category',
      ),
      ...names,
    })
  })

  formPage({
    path: '/risks/registers/:id/edit',
    params: IdParams,
    load: async ({ principal, params: { id } }) => {
      const register = await risks.getRegister(principal, id)
      if (!canConfigureRisks(principal)) throw new Forbidden()
      return register
    },
    template: 'risks/views/register-form.njk',
    values: ({ model: register }) => register,
    view: async ({ principal, params: { id }, model: register }, values) => ({
      title: `Edit ${register.name}`,
      action: `/risks/registers/${id}/edit`,
      register,
      ...(await registerFormContext(principal, values, id)),
    }),
    schema: RegisterChanges,
    save: ({ principal, params: { id } }, input) => risks.updateRegister(principal, id, input),
    redirect: ({ params: { id } }) => `/risks/registers/${id}`,
  })

  // Risks

  async function riskFormContext(principal: Principal, values: Body, editing: boolean) {
    const matrix = await risks.matrix(principal)
    const registers = editing ? [] : await manageableRegisters(principal)
    return {
      matrix,
      editing,
      registerItems: [
        { value: '', text: 'Select a register' },
        ...registers.map((r) => ({
          value: r.id,
          text: r.name,
          selected: r.id === values.registerId,
        })),
      ],
      categoryItems: selectItems(
        RISK_CATEGORIES,
        RISK_CATEGORY_NAMES,
        values.category,
        'Select a category',
      ),
      frequencyItems: radioItems(
        REVIEW_FREQUENCIES,
        REVIEW_FREQUENCY_NAMES,
        values.reviewFrequency,
      ),
      ownerItems: await peopleItems(principal, values.ownerId, 'No owner'),
      level: (axis: 'likelihood' | 'impact', field: string) =>
        levelItems(matrix, axis, values[field]),
    }
  }

  formPage({
    path: '/risks/new',
    // Someone who may raise a risk on no register may not raise one at all.
    load: async ({ principal }) => {
      if ((await manageableRegisters(principal)).length === 0) throw new Forbidden()
    },
    template: 'risks/views/risk-form.njk',
    values: ({ request }) => ({
      registerId: NewRiskQuery.parse(request.query).registerId,
      reviewFrequency: 'quarterly',
    }),
    view: async ({ principal }, values) => ({
      title: 'Raise a risk',
      action: '/risks/new',
      ...(await riskFormContext(principal, values, false)),
    }),
    schema: RiskInput,
    save: ({ principal }, input) => risks.createRisk(principal, input),
    redirect: (_, risk) => `/risks/${risk.id}`,
  })

  app.get('/risks/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await risks.riskDetail(principal, id)
    const paths = await services.framework.itemPaths(principal, 'risk', id)
    return reply.view('risks/views/risk.njk', {
      title: `${detail.risk.reference} ${detail.risk.title}`,
      ...detail,
      paths: paths.paths,
      owners: await personNames(principal),
      canLink: detail.canManage && canShapeFramework(principal),
      canLinkProjects: detail.canManage && risks.relatedKinds().some((k) => k.kind === 'project'),
      ...names,
    })
  })

  function riskValues(risk: RiskView): Body {
    return {
      reference: risk.reference,
      title: risk.title,
      cause: risk.cause,
      event: risk.event,
      effect: risk.effect,
      category: risk.category,
      ownerId: risk.ownerId,
      reviewFrequency: risk.reviewFrequency,
      nextReviewDate: risk.nextReviewDate,
      inherentLikelihood: risk.inherent.likelihood,
      inherentImpact: risk.inherent.impact,
      targetLikelihood: risk.target.likelihood,
      targetImpact: risk.target.impact,
    }
  }

  /** A risk page's form: the risk must be visible (404) and the person allowed (403) first. */
  async function requireRiskForm(principal: Principal, id: string, need: 'manage' | 'record') {
    const detail = await risks.riskDetail(principal, id)
    if (need === 'manage' ? !detail.canManage : !detail.canRecord) throw new Forbidden()
    return detail
  }

  /** The load of a risk page's form: the risk visible (404) and the person allowed (403). */
  const riskForm =
    (need: 'manage' | 'record') =>
    ({ principal, params }: { principal: Principal; params: { id: string } }) =>
      requireRiskForm(principal, params.id, need)

  formPage({
    path: '/risks/:id/edit',
    params: IdParams,
    load: riskForm('manage'),
    template: 'risks/views/risk-form.njk',
    values: ({ model: { risk } }) => riskValues(risk),
    view: async ({ principal, params: { id }, model: { risk } }, values) => ({
      title: `Edit ${risk.reference}`,
      action: `/risks/${id}/edit`,
      risk,
      ...(await riskFormContext(principal, values, true)),
    }),
    schema: RiskChanges,
    save: ({ principal, params: { id } }, input) => risks.updateRisk(principal, id, input),
    redirect: ({ params: { id } }) => `/risks/${id}`,
  })

  // Closing takes a risk off every register and report: the form asks why.
  formPage({
    path: '/risks/:id/close',
    params: IdParams,
    load: riskForm('manage'),
    elsewhere: ({ params: { id }, model: detail }) =>
      detail.risk.status === 'open' ? null : `/risks/${id}`,
    template: 'risks/views/close-form.njk',
    view: ({ model: detail }) => ({ title: `Close ${detail.risk.reference}`, ...detail }),
    schema: RiskClosure,
    save: ({ principal, params: { id } }, { reason }) =>
      risks.updateRisk(principal, id, { status: 'closed', closedReason: reason }),
    flash: ({ model: { risk } }) => `${risk.reference} ${risk.title} closed, with your reason`,
    redirect: ({ params: { id } }) => `/risks/${id}`,
  })

  app.post('/risks/:id/reopen', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await requireRiskForm(principal, id, 'manage')
    await risks.updateRisk(principal, id, { status: 'open' })
    setFlash(reply, `${detail.risk.reference} ${detail.risk.title} reopened`, config)
    return reply.redirect(`/risks/${id}`, 303)
  })

  // Reviews

  formPage({
    path: '/risks/:id/reviews/new',
    params: IdParams,
    load: riskForm('record'),
    template: 'risks/views/review-form.njk',
    values: ({ model: { risk } }) => ({
      reviewedOn: risks.today(),
      likelihood: risk.current.likelihood,
      impact: risk.current.impact,
    }),
    view: ({ model: { risk, matrix } }, values) => ({
      title: `Review ${risk.reference}`,
      risk,
      likelihoodItems: levelItems(matrix, 'likelihood', values.likelihood),
      impactItems: levelItems(matrix, 'impact', values.impact),
    }),
    schema: ReviewInput,
    save: ({ principal, params: { id } }, input) => risks.recordReview(principal, id, input),
    redirect: ({ params: { id } }) => `/risks/${id}#history`,
  })

  // Mitigating actions

  async function actionContext(principal: Principal, values: Body) {
    return {
      ownerItems: await peopleItems(principal, values.ownerId, 'No owner'),
      statusItems: radioItems(ACTION_STATUSES, ACTION_STATUS_NAMES, values.status ?? 'not_started'),
    }
  }

  formPage({
    path: '/risks/:id/actions/new',
    params: IdParams,
    load: riskForm('record'),
    template: 'risks/views/action-form.njk',
    view: async ({ principal, params: { id }, model: { risk } }, values) => ({
      title: `Add a mitigating action to ${risk.reference}`,
      action: `/risks/${id}/actions/new`,
      risk,
      ...(await actionContext(principal, values)),
    }),
    schema: ActionInput,
    save: ({ principal, params: { id } }, input) => risks.addAction(principal, id, input),
    redirect: ({ params: { id } }) => `/risks/${id}#actions`,
  })

  formPage({
    path: '/risks/:id/actions/:actionId/edit',
    params: ActionParams,
    load: async ({ principal, params: { id, actionId } }) => ({
      risk: (await requireRiskForm(principal, id, 'record')).risk,
      action: await risks.getAction(principal, id, actionId),
    }),
    template: 'risks/views/action-form.njk',
    values: ({ model: { action } }) => action,
    view: async ({ principal, params: { id, actionId }, model: { risk } }, values) => ({
      title: `Update a mitigating action of ${risk.reference}`,
      action: `/risks/${id}/actions/${actionId}/edit`,
      risk,
      ...(await actionContext(principal, values)),
    }),
    schema: ActionChanges,
    save: ({ principal, params: { id, actionId } }, input) =>
      risks.updateAction(principal, id, actionId, input),
    redirect: ({ params: { id } }) => `/risks/${id}#actions`,
  })

  // Escalation

  function targetItems(
    targets: readonly { id: string; name: string; level: keyof typeof REGISTER_LEVEL_NAMES }[],
    selected: unknown,
  ) {
    return [
      { value: '', text: 'Select a register' },
      ...targets.map((t) => ({
        value: t.id,
        text: `${t.name} (${REGISTER_LEVEL_NAMES[t.level].toLowerCase()})`,
        selected: t.id === selected,
      })),
    ]
  }

  formPage({
    path: '/risks/:id/escalation/new',
    params: IdParams,
    load: riskForm('manage'),
    template: 'risks/views/escalation-form.njk',
    values: ({ model: detail }) => ({ toRegisterId: detail.register?.parentRegisterId }),
    view: ({ model: detail }, values) => ({
      title: `Escalate ${detail.risk.reference}`,
      ...detail,
      targetItems: targetItems(detail.escalationTargets, values.toRegisterId),
    }),
    schema: EscalationInput,
    save: ({ principal, params: { id } }, input) => risks.escalate(principal, id, input),
    redirect: ({ params: { id } }) => `/risks/${id}`,
  })

  formPage({
    path: '/risks/:id/de-escalation/new',
    params: IdParams,
    load: riskForm('manage'),
    template: 'risks/views/de-escalation-form.njk',
    view: ({ model: detail }) => ({
      title: `Return ${detail.risk.reference} to ${detail.risk.escalatedFrom?.registerName ?? 'its register'}`,
      ...detail,
    }),
    schema: DeEscalationInput,
    save: ({ principal, params: { id } }, input) => risks.deEscalate(principal, id, input),
    redirect: ({ params: { id } }) => `/risks/${id}`,
  })

  // Links to the golden thread: a node of a plan, through the framework's own links.
  threadLinkRoutes(app, services, {
    itemKind: 'risk',
    basePath: '/risks',
    label: 'Item of a plan this risk threatens',
    button: 'Link risk',
    canLink: canShapeFramework,
    loadForChange: async (principal, id) => (await requireRiskForm(principal, id, 'manage')).risk,
  })

  // Links to programmes, projects and actions, through the risk service's related items.

  formPage({
    path: '/risks/:id/projects/new',
    params: IdParams,
    load: async ({ principal, params: { id } }) => {
      const detail = await requireRiskForm(principal, id, 'manage')
      const kind = risks.relatedKinds().find((k) => k.kind === 'project')
      if (!kind) throw new NotFound('Projects cannot be linked to risks here')
      const linked = new Set(
        detail.related.filter((r) => r.itemKind === kind.kind).map((r) => r.item.id),
      )
      const items = (await kind.list(principal)).filter((i) => i.active && !linked.has(i.id))
      return { risk: detail.risk, items }
    },
    template: 'risks/views/related-form.njk',
    view: ({ model: { risk, items } }, values) => ({
      title: `Link ${risk.reference} to a programme, project or action`,
      risk,
      itemItems: [
        { value: '', text: 'Select a programme, project or action' },
        ...items.map((i) => ({
          value: i.id,
          text: i.hint ? `${i.hint}: ${i.title}` : i.title,
          selected: i.id === values.itemId,
        })),
      ],
    }),
    schema: RelatedInput,
    save: ({ principal, params: { id } }, { itemId }) =>
      risks.linkRelated(principal, id, { itemKind: 'project', itemId }),
    redirect: ({ params: { id } }) => `/risks/${id}#related`,
  })

  app.post('/risks/:id/projects/:linkId/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, linkId } = parseParams(LinkParams, request.params)
    await risks.unlinkRelated(principal, id, linkId)
    return reply.redirect(`/risks/${id}#related`, 303)
  })
}
