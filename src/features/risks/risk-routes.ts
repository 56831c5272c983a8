import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { addMonths, BANDS } from '../../core/risk-scoring.ts'
import { Forbidden, NotFound } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseInput, parseParams } from '../../web/fields.ts'
import { handleForm } from '../../web/forms.ts'
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

function options<T extends string>(
  values: readonly T[],
  labels: Record<T, string>,
  selected: unknown,
  empty?: string,
) {
  return [
    ...(empty === undefined ? [] : [{ value: '', text: empty }]),
    ...values.map((value) => ({ value, text: labels[value], selected: value === selected })),
  ]
}

function radios<T extends string>(
  values: readonly T[],
  labels: Record<T, string>,
  checked: unknown,
) {
  return values.map((value) => ({ value, text: labels[value], checked: value === checked }))
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

  app.get('/risks/matrix/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    if (!canConfigureRisks(principal)) throw new Forbidden()
    const matrix = await risks.matrix(principal)
    return reply.view('risks/views/matrix-form.njk', {
      title: 'Change the risk matrix',
      values: matrixFormValues(matrix),
      matrix,
    })
  })

  app.post('/risks/matrix/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    if (!canConfigureRisks(principal)) throw new Forbidden()
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'risks/views/matrix-form.njk',
        context: { title: 'Change the risk matrix', matrix: await risks.matrix(principal) },
        values: body,
      },
      async () => {
        await risks.updateMatrix(principal, parseInput(MatrixInput, matrixFromForm(body)))
        return reply.redirect('/risks/matrix', 303)
      },
    )
  })

  // Registers

  async function registerFormContext(principal: Principal, values: Body, editing?: string) {
    const registers = (await risks.listRegisters(principal)).filter((r) => r.id !== editing)
    return {
      levelItems: radios(REGISTER_LEVELS, REGISTER_LEVEL_NAMES, values.level),
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

  app.get('/risks/registers/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    if (!canConfigureRisks(principal)) throw new Forbidden()
    return reply.view('risks/views/register-form.njk', {
      title: 'Add a risk register',
      action: '/risks/registers/new',
      values: {},
      ...(await registerFormContext(principal, {})),
    })
  })

  app.post('/risks/registers/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    if (!canConfigureRisks(principal)) throw new Forbidden()
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'risks/views/register-form.njk',
        context: {
          title: 'Add a risk register',
          action: '/risks/registers/new',
          ...(await registerFormContext(principal, body)),
        },
        values: body,
      },
      async () => {
        const register = await risks.createRegister(principal, parseInput(RegisterInput, body))
        return reply.redirect(`/risks/registers/${register.id}`, 303)
      },
    )
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
      categoryItems: options(
        RISK_CATEGORIES,
        RISK_CATEGORY_NAMES,
        filters.category,
        'Any category',
      ),
      ...names,
    })
  })

  app.get('/risks/registers/:id/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const register = await risks.getRegister(principal, id)
    if (!canConfigureRisks(principal)) throw new Forbidden()
    return reply.view('risks/views/register-form.njk', {
      title: `Edit ${register.name}`,
      action: `/risks/registers/${id}/edit`,
      register,
      values: register,
      ...(await registerFormContext(principal, register, id)),
    })
  })

  app.post('/risks/registers/:id/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const register = await risks.getRegister(principal, id)
    if (!canConfigureRisks(principal)) throw new Forbidden()
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'risks/views/register-form.njk',
        context: {
          title: `Edit ${register.name}`,
          action: `/risks/registers/${id}/edit`,
          register,
          ...(await registerFormContext(principal, body, id)),
        },
        values: body,
      },
      async () => {
        await risks.updateRegister(principal, id, parseInput(RegisterChanges, body))
        return reply.redirect(`/risks/registers/${id}`, 303)
      },
    )
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
      categoryItems: options(
        RISK_CATEGORIES,
        RISK_CATEGORY_NAMES,
        values.category,
        'Select a category',
      ),
      frequencyItems: radios(REVIEW_FREQUENCIES, REVIEW_FREQUENCY_NAMES, values.reviewFrequency),
      ownerItems: await peopleItems(principal, values.ownerId, 'No owner'),
      level: (axis: 'likelihood' | 'impact', field: string) =>
        levelItems(matrix, axis, values[field]),
    }
  }

  app.get('/risks/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { registerId } = NewRiskQuery.parse(request.query)
    const values = { registerId, reviewFrequency: 'quarterly' }
    const context = await riskFormContext(principal, values, false)
    if (context.registerItems.length === 1) throw new Forbidden()
    return reply.view('risks/views/risk-form.njk', {
      title: 'Raise a risk',
      action: '/risks/new',
      values,
      ...context,
    })
  })

  app.post('/risks/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const body = (request.body ?? {}) as Body
    const context = await riskFormContext(principal, body, false)
    if (context.registerItems.length === 1) throw new Forbidden()
    return handleForm(
      reply,
      {
        template: 'risks/views/risk-form.njk',
        context: { title: 'Raise a risk', action: '/risks/new', ...context },
        values: body,
      },
      async () => {
        const risk = await risks.createRisk(principal, parseInput(RiskInput, body))
        return reply.redirect(`/risks/${risk.id}`, 303)
      },
    )
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

  app.get('/risks/:id/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { risk } = await requireRiskForm(principal, id, 'manage')
    const values = riskValues(risk)
    return reply.view('risks/views/risk-form.njk', {
      title: `Edit ${risk.reference}`,
      action: `/risks/${id}/edit`,
      risk,
      values,
      ...(await riskFormContext(principal, values, true)),
    })
  })

  app.post('/risks/:id/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { risk } = await requireRiskForm(principal, id, 'manage')
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'risks/views/risk-form.njk',
        context: {
          title: `Edit ${risk.reference}`,
          action: `/risks/${id}/edit`,
          risk,
          ...(await riskFormContext(principal, body, true)),
        },
        values: body,
      },
      async () => {
        await risks.updateRisk(principal, id, parseInput(RiskChanges, body))
        return reply.redirect(`/risks/${id}`, 303)
      },
    )
  })

  // Closing takes a risk off every register and report: the form asks why.
  app.get('/risks/:id/close', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await requireRiskForm(principal, id, 'manage')
    if (detail.risk.status !== 'open') return reply.redirect(`/risks/${id}`, 303)
    return reply.view('risks/views/close-form.njk', {
      title: `Close ${detail.risk.reference}`,
      ...detail,
      values: {},
    })
  })

  app.post('/risks/:id/close', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await requireRiskForm(principal, id, 'manage')
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'risks/views/close-form.njk',
        context: { title: `Close ${detail.risk.reference}`, ...detail },
        values: body,
      },
      async () => {
        const { reason } = parseInput(RiskClosure, body)
        await risks.updateRisk(principal, id, { status: 'closed', closedReason: reason })
        setFlash(
          reply,
          `${detail.risk.reference} ${detail.risk.title} closed, with your reason`,
          config,
        )
        return reply.redirect(`/risks/${id}`, 303)
      },
    )
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

  app.get('/risks/:id/reviews/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { risk, matrix } = await requireRiskForm(principal, id, 'record')
    const values = {
      reviewedOn: risks.today(),
      likelihood: risk.current.likelihood,
      impact: risk.current.impact,
    }
    return reply.view('risks/views/review-form.njk', {
      title: `Review ${risk.reference}`,
      risk,
      values,
      likelihoodItems: levelItems(matrix, 'likelihood', values.likelihood),
      impactItems: levelItems(matrix, 'impact', values.impact),
    })
  })

  app.post('/risks/:id/reviews/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { risk, matrix } = await requireRiskForm(principal, id, 'record')
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'risks/views/review-form.njk',
        context: {
          title: `Review ${risk.reference}`,
          risk,
          likelihoodItems: levelItems(matrix, 'likelihood', body.likelihood),
          impactItems: levelItems(matrix, 'impact', body.impact),
        },
        values: body,
      },
      async () => {
        await risks.recordReview(principal, id, parseInput(ReviewInput, body))
        return reply.redirect(`/risks/${id}#history`, 303)
      },
    )
  })

  // Mitigating actions

  async function actionContext(principal: Principal, values: Body) {
    return {
      ownerItems: await peopleItems(principal, values.ownerId, 'No owner'),
      statusItems: radios(ACTION_STATUSES, ACTION_STATUS_NAMES, values.status ?? 'not_started'),
    }
  }

  app.get('/risks/:id/actions/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { risk } = await requireRiskForm(principal, id, 'record')
    return reply.view('risks/views/action-form.njk', {
      title: `Add a mitigating action to ${risk.reference}`,
      action: `/risks/${id}/actions/new`,
      risk,
      values: {},
      ...(await actionContext(principal, {})),
    })
  })

  app.post('/risks/:id/actions/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const { risk } = await requireRiskForm(principal, id, 'record')
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'risks/views/action-form.njk',
        context: {
          title: `Add a mitigating action to ${risk.reference}`,
          action: `/risks/${id}/actions/new`,
          risk,
          ...(await actionContext(principal, body)),
        },
        values: body,
      },
      async () => {
        await risks.addAction(principal, id, parseInput(ActionInput, body))
        return reply.redirect(`/risks/${id}#actions`, 303)
      },
    )
  })

  app.get('/risks/:id/actions/:actionId/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, actionId } = parseParams(ActionParams, request.params)
    const { risk } = await requireRiskForm(principal, id, 'record')
    const action = await risks.getAction(principal, id, actionId)
    return reply.view('risks/views/action-form.njk', {
      title: `Update a mitigating action of ${risk.reference}`,
      action: `/risks/${id}/actions/${actionId}/edit`,
      risk,
      values: action,
      ...(await actionContext(principal, action)),
    })
  })

  app.post('/risks/:id/actions/:actionId/edit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, actionId } = parseParams(ActionParams, request.params)
    const { risk } = await requireRiskForm(principal, id, 'record')
    await risks.getAction(principal, id, actionId)
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'risks/views/action-form.njk',
        context: {
          title: `Update a mitigating action of ${risk.reference}`,
          action: `/risks/${id}/actions/${actionId}/edit`,
          risk,
          ...(await actionContext(principal, body)),
        },
        values: body,
      },
      async () => {
        await risks.updateAction(principal, id, actionId, parseInput(ActionChanges, body))
        return reply.redirect(`/risks/${id}#actions`, 303)
      },
    )
  })

  // Escalation

  app.get('/risks/:id/escalation/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await requireRiskForm(principal, id, 'manage')
    return reply.view('risks/views/escalation-form.njk', {
      title: `Escalate ${detail.risk.reference}`,
      ...detail,
      values: { toRegisterId: detail.register?.parentRegisterId },
      targetItems: targetItems(detail.escalationTargets, detail.register?.parentRegisterId),
    })
  })

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

  app.post('/risks/:id/escalation/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await requireRiskForm(principal, id, 'manage')
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'risks/views/escalation-form.njk',
        context: {
          title: `Escalate ${detail.risk.reference}`,
          ...detail,
          targetItems: targetItems(detail.escalationTargets, body.toRegisterId),
        },
        values: body,
      },
      async () => {
        await risks.escalate(principal, id, parseInput(EscalationInput, body))
        return reply.redirect(`/risks/${id}`, 303)
      },
    )
  })

  app.get('/risks/:id/de-escalation/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await requireRiskForm(principal, id, 'manage')
    return reply.view('risks/views/de-escalation-form.njk', {
      title: `Return ${detail.risk.reference} to ${detail.risk.escalatedFrom?.registerName ?? 'its register'}`,
      ...detail,
      values: {},
    })
  })

  app.post('/risks/:id/de-escalation/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const detail = await requireRiskForm(principal, id, 'manage')
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'risks/views/de-escalation-form.njk',
        context: {
          title: `Return ${detail.risk.reference} to ${detail.risk.escalatedFrom?.registerName ?? 'its register'}`,
          ...detail,
        },
        values: body,
      },
      async () => {
        await risks.deEscalate(principal, id, parseInput(DeEscalationInput, body))
        return reply.redirect(`/risks/${id}`, 303)
      },
    )
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

  async function relatedContext(principal: Principal, id: string, selected: unknown) {
    const detail = await requireRiskForm(principal, id, 'manage')
    const kind = risks.relatedKinds().find((k) => k.kind === 'project')
    if (!kind) throw new NotFound('Projects cannot be linked to risks here')
    const linked = new Set(
      detail.related.filter((r) => r.itemKind === kind.kind).map((r) => r.item.id),
    )
    const items = (await kind.list(principal)).filter((i) => i.active && !linked.has(i.id))
    return {
      title: `Link ${detail.risk.reference} to a programme, project or action`,
      risk: detail.risk,
      itemItems: [
        { value: '', text: 'Select a programme, project or action' },
        ...items.map((i) => ({
          value: i.id,
          text: i.hint ? `${i.hint}: ${i.title}` : i.title,
          selected: i.id === selected,
        })),
      ],
    }
  }

  app.get('/risks/:id/projects/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    return reply.view('risks/views/related-form.njk', {
      ...(await relatedContext(principal, id, undefined)),
      values: {},
    })
  })

  app.post('/risks/:id/projects/new', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const body = (request.body ?? {}) as Body
    return handleForm(
      reply,
      {
        template: 'risks/views/related-form.njk',
        context: await relatedContext(principal, id, body.itemId),
        values: body,
      },
      async () => {
        const { itemId } = parseInput(RelatedInput, body)
        await risks.linkRelated(principal, id, { itemKind: 'project', itemId })
        return reply.redirect(`/risks/${id}#related`, 303)
      },
    )
  })

  app.post('/risks/:id/projects/:linkId/remove', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id, linkId } = parseParams(LinkParams, request.params)
    await risks.unlinkRelated(principal, id, linkId)
    return reply.redirect(`/risks/${id}#related`, 303)
  })
}
