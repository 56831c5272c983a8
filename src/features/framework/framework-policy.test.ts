import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Role } from '../../db/schema.ts'
import { ROLES, type Principal, type RoleGrant } from '../../core/principal.ts'
import { canShapeFramework, canViewFramework } from './framework-policy.ts'

function principal(roles: RoleGrant[]): Principal {
  return {
    personId: 'me',
    organisationId: 'org',
    organisationName: 'Org',
    organisationSlug: 'org',
    name: 'Me',
    email: 'me@example.org',
    roles,
  }
}

/** Every action the service guards, and the policy it asks. */
const ACTIONS = {
  'read plans, nodes, threads and alignment': canViewFramework,
  'create a plan': canShapeFramework,
  'edit, move or archive a plan': canShapeFramework,
  'add, edit, move, reorder or archive a node': canShapeFramework,
  'link or unlink an item': canShapeFramework,
} as const

type Scope = 'organisation' | 'unit'
const SHAPERS: readonly Role[] = ['administrator', 'performance_officer']

/** The expected answer, written out as the rule reads in the issue. */
function expected(role: Role | null, scope: Scope, action: keyof typeof ACTIONS): boolean {
  if (role === null) return false
  if (action === 'read plans, nodes, threads and alignment') return true
  return SHAPERS.includes(role) && scope === 'organisation'
}

describe('framework policy: role × scope × action', () => {
  for (const role of [...ROLES, null]) {
    for (const scope of ['organisation', 'unit'] as const) {
      if (role === null && scope === 'unit') continue
      const who = role === null ? 'someone with no role' : `a ${role} (${scope}-wide)`
      const p = principal(role === null ? [] : [{ role, unitId: scope === 'unit' ? 'U' : null }])
      for (const [action, check] of Object.entries(ACTIONS) as [
        keyof typeof ACTIONS,
        (p: Principal) => boolean,
      ][]) {
        const answer = expected(role, scope, action)
        it(`${who} ${answer ? 'may' : 'may not'} ${action}`, () => {
          assert.equal(check(p), answer)
        })
      }
    }
  }

  it('counts any one organisation-wide shaping grant among several', () => {
    const p = principal([
      { role: 'viewer', unitId: null },
      { role: 'performance_officer', unitId: 'U' },
      { role: 'administrator', unitId: null },
    ])
    assert.equal(canShapeFramework(p), true)
  })
})
