import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { parseParams } from '../../web/fields.ts'
import { NotFound } from '../../errors.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { canViewAudit } from './audit-policy.ts'
import type { Principal } from '../../core/principal.ts'

const PAGE_SIZE = 50
const HistoryParams = z.object({ itemType: z.string().regex(/^[a-z_]+$/), itemId: z.uuid() })

/**
 * Each kind of item says how to find it for this person (so history is only shown for items
 * they may see) and where it lives. Later features add their own.
 */
type ItemResolver = (
  services: Services,
  principal: Principal,
  id: string,
) => Promise<{ title: string; href: string }>

const resolvers: Record<string, ItemResolver> = {
  organisation: async (_services, principal, id) => {
    if (id !== principal.organisationId || !canViewAudit(principal)) throw new NotFound()
    return { title: principal.organisationName, href: '/audit' }
  },
  unit: async (services, principal, id) => {
    const unit = await services.organisation.getUnit(principal, id)
    return { title: unit.name, href: `/units/${id}` }
  },
  person: async (services, principal, id) => {
    const person = await services.organisation.getPerson(principal, id)
    return { title: person.name, href: `/people/${id}` }
  },
  plan: async (services, principal, id) => {
    const plan = await services.framework.getPlan(principal, id)
    return { title: plan.title, href: `/plans/${id}` }
  },
  node: async (services, principal, id) => {
    const node = await services.framework.getNode(principal, id)
    return { title: node.title, href: `/nodes/${id}` }
  },
  project: async (services, principal, id) => {
    const project = await services.projects.get(principal, id)
    return { title: project.title, href: `/projects/${id}` }
  },
  project_update: async (services, principal, id) => {
    const found = await services.projectUpdates.find(principal, id)
    return {
      title: `${found.update.monthLabel} update of ${found.project.title}`,
      href: `/projects/${found.project.id}/updates/${id}`,
    }
  },
  risk: async (services, principal, id) => {
    const risk = await services.risks.getRisk(principal, id)
    return { title: `${risk.reference} ${risk.title}`, href: `/risks/${id}` }
  },
  saving_line: async (services, principal, id) => {
    const line = await services.savings.getLine(principal, id)
    return { title: `${line.reference} ${line.title}`, href: `/savings/${id}` }
  },
  risk_register: async (services, principal, id) => {
    const register = await services.risks.getRegister(principal, id)
    return { title: register.name, href: `/risks/registers/${id}` }
  },
  measure: async (services, principal, id) => {
    const measure = await services.measures.get(principal, id)
    return { title: `${measure.code} ${measure.title}`, href: `/measures/${id}` }
  },
  report: async (services, principal, id) => {
    const report = await services.reports.get(principal, id)
    return { title: report.title, href: `/reports/${id}` }
  },
  committee: async (services, principal, id) => {
    const committee = await services.committees.requireCommittee(principal, id)
    return { title: committee.name, href: `/committees/${id}` }
  },
}

export const auditRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const hide = { schema: { hide: true } }

  app.get('/audit', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const page = z.coerce
      .number()
      .int()
      .min(1)
      .catch(1)
      .parse((request.query as { page?: unknown }).page)
    const { items, total } = await services.audit.recent(principal, page, PAGE_SIZE)
    return reply.view('audit/views/audit.njk', {
      title: 'Audit log',
      records: items,
      historyTypes: Object.keys(resolvers),
      page,
      lastPage: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      total,
    })
  })

  app.get('/history/:itemType/:itemId', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { itemType, itemId } = parseParams(HistoryParams, request.params)
    const resolve = resolvers[itemType]
    if (!resolve) return reply.callNotFound()
    const item = await resolve(services, principal, itemId)
    const records = await services.audit.history(principal, itemType, itemId)
    return reply.view('audit/views/history.njk', { title: `History: ${item.title}`, item, records })
  })
}
