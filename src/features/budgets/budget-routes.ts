import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { formatFinancialYear, parsePeriodLabel, PeriodError } from '../../core/periods.ts'
import { Forbidden } from '../../errors.ts'
import type { Services } from '../../services.ts'
import { IdParams } from '../../web/api-helpers.ts'
import { parseParams } from '../../web/fields.ts'
import { formPages } from '../../web/form-page.ts'
import { requirePrincipal } from '../../web/request-principal.ts'
import { yearOf } from '../savings/index.ts'
import { BudgetEntryInput } from './budget-schemas.ts'

const hide = { schema: { hide: true } }
const YearQuery = z.object({ year: z.string().optional().catch(undefined) })

export const budgetRoutes: FastifyPluginAsync<{ services: Services }> = async (
  app,
  { services },
) => {
  const savings = services.savings

  // Budget monitoring: the directorate financial summary, a unit's year and the monthly entry.

  app.get('/budgets', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { period: text } = z
      .object({ period: z.string().optional().catch(undefined) })
      .parse(request.query)
    let period
    try {
      period = parsePeriodLabel(text ?? formatFinancialYear(savings.currentYear()))
    } catch (error) {
      if (!(error instanceof PeriodError)) throw error
      period = parsePeriodLabel(formatFinancialYear(savings.currentYear()))
    }
    const fy = period.financialYear
    const periodItems = [fy - 1, fy, fy + 1].flatMap((y) => {
      const label = formatFinancialYear(y)
      return [label, `${label} Q1`, `${label} Q2`, `${label} Q3`, `${label} Q4`].map((l) => ({
        value: l,
        text: l,
        selected: l === period.label,
      }))
    })
    const summary = await services.budgets.financialSummary(principal, period)
    return reply.view('budgets/views/financial-summary.njk', {
      title: 'Directorate financial summary',
      summary,
      periodItems,
      canRecord: (await services.budgets.recordableUnits(principal)).length > 0,
    })
  })

  app.get('/budgets/units/:id', hide, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { id } = parseParams(IdParams, request.params)
    const fy = yearOf(YearQuery.parse(request.query).year, savings.currentYear())
    const detail = await services.budgets.unitYear(principal, id, fy)
    return reply.view('budgets/views/budget-unit.njk', {
      title: `Budget monitoring: ${detail.unit.name} ${detail.financialYear}`,
      ...detail,
    })
  })

  const formPage = formPages(app)

  formPage({
    path: '/budgets/record',
    load: async ({ principal }) => {
      const units = await services.budgets.recordableUnits(principal)
      if (units.length === 0) throw new Forbidden()
      return units
    },
    template: 'budgets/views/budget-form.njk',
    view: ({ model: units }, values) => ({
      title: 'Record budget monitoring',
      unitItems: [
        { value: '', text: 'Select a unit' },
        ...units.map((u) => ({ value: u.id, text: u.name, selected: u.id === values.unitId })),
      ],
    }),
    values: ({ request }) => ({
      unitId: z.object({ unitId: z.string().optional().catch(undefined) }).parse(request.query)
        .unitId,
    }),
    schema: BudgetEntryInput,
    save: ({ principal }, input) => services.budgets.record(principal, input),
    redirect: (_ctx, entry) => {
      const fy = formatFinancialYear(parsePeriodLabel(entry.month.label).financialYear)
      return `/budgets/units/${entry.unitId}?year=${encodeURIComponent(fy)}`
    },
  })
}
