import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { addMonths, BANDS } from '../../core/risk-scoring.ts'
import type { Services } from '../../services.ts'
import { existsFirst } from '../../web/api-guards.ts'
import { IdParams, PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import {
  ActionChanges,
  ActionInput,
  DeEscalationInput,
  EscalationInput,
  MatrixInput,
  MITIGATION_FREQUENCIES,
  REGISTER_LEVELS,
  RegisterChanges,
  RegisterInput,
  ReviewInput,
  RISK_CATEGORIES,
  RISK_STATUSES,
  RiskChanges,
  RiskInput,
} from './risk-schemas.ts'

const risksTag = ['Risks']
const registersTag = ['Risk registers']
const ActionParams = IdParams.extend({ actionId: z.uuid({ error: 'Not a valid id' }) })
const LinkParams = IdParams.extend({ linkId: z.uuid({ error: 'Not a valid id' }) })
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Write dates as YYYY-MM-DD' })

export const riskApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const risks = services.risks
  // Before a write's body is validated, the item named in the path must exist for this person:
  // another organisation's id is 404 whatever the body holds.
  const risk = existsFirst((p, { id }) => risks.getRisk(p, id))
  const register = existsFirst((p, { id }) => risks.getRegister(p, id))
  const action = existsFirst(async (p, { id, actionId }) => {
    await risks.getRisk(p, id)
    await risks.getAction(p, id, actionId)
  }, ActionParams)

  app.get(
    '/risks',
    {
      schema: {
        tags: risksTag,
        summary: 'Risks, filtered by register, status, band, category, owner, appetite or review',
        querystring: PageQuerySchema.extend({
          registerId: z.uuid().optional(),
          status: z.enum(RISK_STATUSES).optional(),
          band: z.enum(BANDS).optional(),
          category: z.enum(RISK_CATEGORIES).optional(),
          ownerId: z.uuid().optional(),
          aboveAppetite: z.enum(['true', 'false']).optional(),
          review: z.enum(['overdue', 'due_soon']).optional(),
        }),
      },
    },
    async (request) => {
      const { page, pageSize, aboveAppetite, ...filters } = request.query
      const list = await risks.listRisks(requirePrincipal(request), {
        ...filters,
        aboveAppetite: aboveAppetite === undefined ? undefined : aboveAppetite === 'true',
      })
      return paginate(list, page, pageSize)
    },
  )

  app.post(
    '/risks',
    { schema: { tags: risksTag, summary: 'Raise a risk in a register', body: RiskInput } },
    async (request, reply) =>
      reply.code(201).send(await risks.createRisk(requirePrincipal(request), request.body)),
  )

  app.get(
    '/risks/:id',
    { schema: { tags: risksTag, summary: 'A risk', params: IdParams } },
    async (request) => risks.getRisk(requirePrincipal(request), request.params.id),
  )

  app.patch(
    '/risks/:id',
    {
      preValidation: risk,
      schema: {
        tags: risksTag,
        summary: 'Edit, close or reopen (status) a risk; the current score moves only by a review',
        params: IdParams,
        body: RiskChanges,
      },
    },
    async (request) => risks.updateRisk(requirePrincipal(request), request.params.id, request.body),
  )

  app.get(
    '/risks/:id/reviews',
    {
      schema: {
        tags: risksTag,
        summary: 'Reviews of a risk, oldest first: its score history',
        params: IdParams,
        querystring: PageQuerySchema,
      },
    },
    async (request) => {
      const { page, pageSize } = request.query
      const principal = requirePrincipal(request)
      const detail = await risks.riskDetail(principal, request.params.id)
      return paginate(detail.history, page, pageSize)
    },
  )

  app.post(
    '/risks/:id/reviews',
    {
      preValidation: risk,
      schema: {
        tags: risksTag,
        summary: 'Record a review: date (not in the future), likelihood, impact and a note',
        params: IdParams,
        body: ReviewInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await risks.recordReview(requirePrincipal(request), request.params.id, request.body)),
  )

  app.get(
    '/risks/:id/actions',
    {
      schema: {
        tags: risksTag,
        summary: 'Mitigating actions of a risk; overdue ones are flagged',
        params: IdParams,
        querystring: PageQuerySchema,
      },
    },
    async (request) => {
      const { page, pageSize } = request.query
      const list = await risks.listActions(requirePrincipal(request), request.params.id)
      return paginate(list, page, pageSize)
    },
  )

  app.post(
    '/risks/:id/actions',
    {
      preValidation: risk,
      schema: {
        tags: risksTag,
        summary: 'Add a mitigating action',
        params: IdParams,
        body: ActionInput,
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await risks.addAction(requirePrincipal(request), request.params.id, request.body)),
  )

  app.patch(
    '/risks/:id/actions/:actionId',
    {
      preValidation: action,
      schema: {
        tags: risksTag,
        summary: 'Update a mitigating action',
        params: ActionParams,
        body: ActionChanges,
      },
    },
    async (request) =>
      risks.updateAction(
        requirePrincipal(request),
        request.params.id,
        request.params.actionId,
        request.body,
      ),
  )

  app.post(
    '/risks/:id/escalate',
    {
      preValidation: risk,
      schema: {
        tags: risksTag,
        summary: 'Escalate a risk to a higher register, with a reason',
        params: IdParams,
        body: EscalationInput,
      },
    },
    async (request) => risks.escalate(requirePrincipal(request), request.params.id, request.body),
  )

  app.post(
    '/risks/:id/de-escalate',
    {
      preValidation: risk,
      schema: {
        tags: risksTag,
        summary: 'Return an escalated risk to the register it came from',
        params: IdParams,
        body: DeEscalationInput,
      },
    },
    async (request) => risks.deEscalate(requirePrincipal(request), request.params.id, request.body),
  )

  app.get(
    '/risks/:id/links',
    {
      schema: {
        tags: risksTag,
        summary: 'Items of other features linked to a risk (projects, once they exist)',
        params: IdParams,
      },
    },
    async (request) => {
      const principal = requirePrincipal(request)
      await risks.getRisk(principal, request.params.id)
      return risks.relatedItems(principal, request.params.id)
    },
  )

  app.post(
    '/risks/:id/links',
    {
      preValidation: risk,
      schema: {
        tags: risksTag,
        summary: 'Link a risk to an item of another feature, such as a project',
        params: IdParams,
        body: z.object({ itemKind: z.string().max(60), itemId: z.uuid() }),
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await risks.linkRelated(requirePrincipal(request), request.params.id, request.body)),
  )

  app.delete(
    '/risks/:id/links/:linkId',
    { schema: { tags: risksTag, summary: 'Remove such a link', params: LinkParams } },
    async (request, reply) => {
      await risks.unlinkRelated(requirePrincipal(request), request.params.id, request.params.linkId)
      return reply.code(204).send()
    },
  )

  app.get(
    '/risk-registers',
    {
      schema: {
        tags: registersTag,
        summary: 'Risk registers, highest level first, with counts of open risks',
        querystring: PageQuerySchema.extend({ level: z.enum(REGISTER_LEVELS).optional() }),
      },
    },
    async (request) => {
      const { page, pageSize, level } = request.query
      const list = await risks.listRegisters(requirePrincipal(request))
      return paginate(
        list.filter((r) => level === undefined || r.level === level),
        page,
        pageSize,
      )
    },
  )

  app.post(
    '/risk-registers',
    { schema: { tags: registersTag, summary: 'Add a risk register', body: RegisterInput } },
    async (request, reply) =>
      reply.code(201).send(await risks.createRegister(requirePrincipal(request), request.body)),
  )

  app.get(
    '/risk-registers/:id',
    { schema: { tags: registersTag, summary: 'A risk register', params: IdParams } },
    async (request) => risks.getRegister(requirePrincipal(request), request.params.id),
  )

  app.patch(
    '/risk-registers/:id',
    {
      preValidation: register,
      schema: {
        tags: registersTag,
        summary: 'Edit a risk register',
        params: IdParams,
        body: RegisterChanges,
      },
    },
    async (request) =>
      risks.updateRegister(requirePrincipal(request), request.params.id, request.body),
  )

  app.get(
    '/risk-registers/:id/heat-map',
    {
      schema: {
        tags: registersTag,
        summary: 'The register’s open risks on the likelihood × impact grid, most likely row first',
        params: IdParams,
      },
    },
    async (request) => {
      const detail = await risks.registerDetail(requirePrincipal(request), request.params.id)
      return {
        total: detail.heatMap.total,
        rows: detail.heatMap.rows.map((row) => ({
          likelihood: row.likelihood,
          cells: row.cells.map((c) => ({
            likelihood: c.likelihood,
            impact: c.impact,
            score: c.score,
            band: c.band.key,
            bandName: c.band.name,
            tolerable: c.tolerable,
            count: c.items.length,
            risks: c.items.map((i) => ({ id: i.id, reference: i.reference })),
          })),
        })),
      }
    },
  )

  app.get(
    '/risk-matrix',
    {
      schema: { tags: registersTag, summary: 'The organisation’s risk matrix, bands and appetite' },
    },
    async (request) => risks.matrix(requirePrincipal(request)),
  )

  app.put(
    '/risk-matrix',
    {
      schema: {
        tags: registersTag,
        summary: 'Set the risk matrix (4×4 or 5×5), level descriptors, bands and appetite',
        body: MatrixInput,
      },
    },
    async (request) => risks.updateMatrix(requirePrincipal(request), request.body),
  )

  app.get(
    '/risk-mitigation',
    {
      schema: {
        tags: registersTag,
        summary:
          '% of corporate red risks mitigated to tolerable level within 3 months, for each period (default: the last 12 months)',
        querystring: z.object({
          frequency: z.enum(MITIGATION_FREQUENCIES).default('quarterly'),
          from: isoDate.optional(),
          to: isoDate.optional(),
        }),
      },
    },
    async (request) => {
      const principal = requirePrincipal(request)
      const to = request.query.to ?? risks.today()
      const from = request.query.from ?? addMonths(to, -12)
      return risks.riskMitigationSeries(principal, request.query.frequency, from, to)
    },
  )
}
