import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Role } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'
import { canManageReports, canReadReport, canViewCalendar } from './report-policy.ts'

const as = (role: Role, unitId: string | null = null): Principal => ({
  personId: 'p',
  organisationId: 'o',
  organisationName: 'Testford',
  organisationSlug: 'testford',
  name: 'Someone',
  email: 'someone@example.org',
  roles: [{ role, unitId }],
})

describe('report policy', () => {
  // role, unit-scoped?, manage, read draft, read published, calendar
  const table: [Role, boolean, boolean, boolean, boolean, boolean][] = [
    ['administrator', false, true, true, true, true],
    ['performance_officer', false, true, true, true, true],
    ['performance_officer', true, false, false, true, true],
    ['approver', false, false, false, true, true],
    ['data_entry', true, false, false, true, true],
    ['viewer', false, false, false, true, true],
    ['councillor', false, false, false, true, true],
    ['partner', true, false, false, false, false],
  ]
  for (const [role, scoped, manage, draft, published, calendar] of table) {
    it(`${role}${scoped ? ' over one unit' : ''}: manage ${String(manage)}, draft ${String(draft)}, published ${String(published)}`, () => {
      const principal = as(role, scoped ? 'unit' : null)
      assert.equal(canManageReports(principal), manage)
      assert.equal(canReadReport(principal, { status: 'draft' }), draft)
      assert.equal(canReadReport(principal, { status: 'published' }), published)
      assert.equal(canViewCalendar(principal), calendar)
    })
  }
})
