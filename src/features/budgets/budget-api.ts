import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { formatFinancialYear, parsePeriodInput } from '../../core/periods.ts'
import { Invalid } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { PageQuerySchema, paginate } from '../../web/api-helpers.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { financialYear } from '../savings/index.ts'
import { BudgetEntryInput } from './budget-schemas.ts'

const budgetsTag = ['Budgets']

export const budgetApi: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const savings = services.savings

  app.get(
    '/budgets',
    {
      schema: {
        tags: budgetsTag,
        summary: 'Budget monitoring entries of a financial year, for a unit and those beneath it',
        querystring: PageQuerySchema.extend({
          financialYear: financialYear.optional(),
          unitId: z.uuid().optional(),
        }),
      },
    },
    async (request) => {
      const { page, pageSize, financialYear: year, unitId } = request.query
      const list = await services.budgets.entries(
        requirePrincipal(request),
        year ?? savings.currentYear(),
        unitId,
      )
      return paginate(list, page, pageSize)
    },
  )

  app.put(
    '/budgets',
    {
      schema: {
        tags: budgetsTag,
        summary: 'Record a unit’s budget, forecast outturn and commentary for a month',
        body: BudgetEntryInput,
      },
    },
    async (request) => services.budgets.record(requirePrincipal(request), request.body),
  )

  app.get(
    '/budgets/summary',
    {
      schema: {
        tags: budgetsTag,
        summary: 'The directorate financial summary for a period (label like 2025/26 Q2)',
        querystring: z.object({ period: z.string().optional() }),
      },
    },
    async (request) => {
      const principal = requirePrincipal(request)
      let period
      try {
        period = parsePeriodInput(
          request.query.period ?? formatFinancialYear(savings.currentYear()),
        )
      } catch (error) {
        throw Invalid.field('period', error instanceof Error ? error.message : 'Not a period')
      }
      return services.budgets.financialSummary(principal, period)
    },
  )
}
