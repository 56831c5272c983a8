import { formatPounds, type Pence } from '../../core/money.ts'
import { formatFinancialYear } from '../../core/periods.ts'
import { checkProfile, evenProfile, monthsElapsed, ProfileError } from '../../core/savings.ts'
import { Forbidden, Invalid } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import * as policy from './savings-policy.ts'
import { presentMoney } from './savings-presenter.ts'
import * as repo from './savings-repository.ts'
import { type DeliveryInput, type ProfileInput, type TargetInput } from './savings-schemas.ts'
import type { SavingsCore } from './savings-core.ts'
import { yearRange, monthStarts } from './savings-core.ts'
import type { SavingsLineService } from './savings-line-service.ts'

/** What a line delivers month by month, and the yearly targets. */
export function savingsDeliveryService(
  core: SavingsCore,
  lines: Pick<SavingsLineService, 'lineDetail'>,
) {
  const { db, clock, checkSignedIn, requireLine, today, load, audit } = core
  const service = {
    async setProfile(principal: Principal, id: string, input: ProfileInput) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const line = requireLine(loaded, id)
      if (!policy.canManageLine(principal, line.unitId, loaded.tree)) throw new Forbidden()
      const year = line.years.find((y) => y.year === input.financialYear)
      if (!year) {
        throw Invalid.field(
          'financialYear',
          `${line.reference} has no saving in ${formatFinancialYear(input.financialYear)}: add the year to the line first`,
        )
      }
      let months: Pence[]
      if (input.profile === 'even' || !input.months) {
        months = evenProfile(year.amount.pence)
      } else {
        months = input.months
        try {
          checkProfile(year.amount.pence, months, year.year)
        } catch (error) {
          if (!(error instanceof ProfileError)) throw error
          throw Invalid.field(error.month ? `months.${error.month - 1}` : 'months', error.message)
        }
      }
      const starts = monthStarts(year.year)
      const before = await repo.listMonths(db, principal.organisationId, {
        ...yearRange(year.year),
        lineIds: [id],
      })
      await db.transaction().execute(async (trx) => {
        await repo.upsertYear(trx, principal.organisationId, {
          line_id: id,
          financial_year: year.year,
          amount_pence: year.amount.pence,
          cost_pence: year.cost.pence,
          profile: input.profile,
        })
        await repo.setPlanned(
          trx,
          principal.organisationId,
          id,
          months.map((p, i) => ({ month_start: starts[i] ?? '', planned_pence: p })),
          clock(),
        )
        await audit(trx, principal, {
          action: 'saving_profile_set',
          itemType: 'saving_line',
          itemId: id,
          summary: `${line.reference} ${year.financialYear} profiled ${input.profile === 'even' ? 'evenly' : 'by month'}`,
          before: before.map((m) => ({ month: m.month_start, planned: m.planned_pence })),
          after: months.map((p, i) => ({ month: starts[i], planned: p })),
        })
      })
      return lines.lineDetail(principal, id)
    },

    /** Actual and forecast savings per month; actuals only for months that have ended. */
    async recordDelivery(principal: Principal, id: string, input: DeliveryInput) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const line = requireLine(loaded, id)
      if (!policy.canRecordDelivery(principal, line, loaded.tree)) throw new Forbidden()
      const fy = formatFinancialYear(input.financialYear)
      if (!line.years.some((y) => y.year === input.financialYear)) {
        throw Invalid.field('financialYear', `${line.reference} has no saving in ${fy}`)
      }
      const elapsed = monthsElapsed(input.financialYear, today())
      const seen = new Set<string>()
      input.months.forEach((m, i) => {
        if (m.month.financialYear !== input.financialYear) {
          throw Invalid.field(`months.${i}.month`, `${m.month.label} is not in ${fy}`)
        }
        if (seen.has(m.month.start)) {
          throw Invalid.field(`months.${i}.month`, `${m.month.label} is entered twice`)
        }
        seen.add(m.month.start)
        if (m.actual != null && m.month.index > elapsed) {
          throw Invalid.field(
            `months.${i}.actual`,
            `${m.month.label} has not ended yet: enter a forecast for it, not an actual`,
          )
        }
      })
      const before = await repo.listMonths(db, principal.organisationId, {
        ...yearRange(input.financialYear),
        lineIds: [id],
      })
      await db.transaction().execute(async (trx) => {
        for (const m of input.months) {
          await repo.setDelivery(
            trx,
            principal.organisationId,
            id,
            {
              month_start: m.month.start,
              actual_pence: m.actual ?? null,
              forecast_pence: m.forecast ?? null,
              note: m.note ?? null,
            },
            clock(),
          )
        }
        await audit(trx, principal, {
          action: 'saving_delivery_recorded',
          itemType: 'saving_line',
          itemId: id,
          summary: `${line.reference} actuals and forecasts recorded for ${input.months.map((m) => m.month.label).join(', ')}`,
          before: before
            .filter((b) => seen.has(b.month_start))
            .map((b) => ({
              month: b.month_start,
              actual: b.actual_pence,
              forecast: b.forecast_pence,
              note: b.note,
            })),
          after: input.months.map((m) => ({
            month: m.month.start,
            actual: m.actual ?? null,
            forecast: m.forecast ?? null,
            note: m.note ?? null,
          })),
        })
      })
      return lines.lineDetail(principal, id)
    },

    async targets(principal: Principal) {
      checkSignedIn(principal)
      return (await repo.listTargets(db, principal.organisationId)).map((t) => ({
        financialYear: formatFinancialYear(t.financial_year),
        year: t.financial_year,
        amount: presentMoney(t.amount_pence),
      }))
    },

    async setTarget(principal: Principal, input: TargetInput) {
      checkSignedIn(principal)
      if (!policy.canSetSavingsTarget(principal)) throw new Forbidden()
      const before = (await service.targets(principal)).find((t) => t.year === input.financialYear)
      await db.transaction().execute(async (trx) => {
        await repo.upsertTarget(
          trx,
          principal.organisationId,
          input.financialYear,
          input.amount,
          clock(),
        )
        await audit(trx, principal, {
          action: 'savings_target_set',
          itemType: 'savings_target',
          itemId: principal.organisationId,
          summary: `Savings target for ${formatFinancialYear(input.financialYear)} set to ${formatPounds(input.amount)}`,
          before: before ?? null,
          after: {
            financialYear: formatFinancialYear(input.financialYear),
            amountPence: input.amount,
          },
        })
      })
      return service.targets(principal)
    },
  }
  return service
}
