import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Role } from '../../db/schema.ts'
import { ROLES, type Principal } from '../../core/principal.ts'
import { UnitTree } from '../../core/unit-tree.ts'
import { canRecordBudget, canViewBudget } from './budget-policy.ts'

// DIR ⊃ SVC (the budget's unit) ⊃ TEAM; OTHER is unrelated.
const tree = new UnitTree([
  { id: 'DIR', parentId: null },
  { id: 'SVC', parentId: 'DIR' },
  { id: 'TEAM', parentId: 'SVC' },
  { id: 'OTHER', parentId: null },
])
const unitId = 'SVC'

type Scope = 'organisation' | 'above the unit' | 'the unit' | 'beneath it' | 'another unit'
const SCOPES: Record<Scope, string | null> = {
  organisation: null,
  'above the unit': 'DIR',
  'the unit': 'SVC',
  'beneath it': 'TEAM',
  'another unit': 'OTHER',
}

function principal(role: Role, scope: string | null): Principal {
  return {
    personId: 'me',
    organisationId: 'org',
    organisationName: 'Org',
    organisationSlug: 'org',
    name: 'Me',
    email: 'me@example.org',
    roles: [{ role, unitId: scope }],
  }
}

const ACTIONS = {
  'read the unit’s budget monitoring': (p: Principal) => canViewBudget(p, unitId, tree),
  'record its budget, forecast outturn and commentary': (p: Principal) =>
    canRecordBudget(p, unitId, tree),
} as const
type Action = keyof typeof ACTIONS
const READ: readonly Action[] = ['read the unit’s budget monitoring']
const BOTH = Object.keys(ACTIONS) as Action[]
const everywhere = (actions: readonly Action[]) =>
  Object.fromEntries(Object.keys(SCOPES).map((s) => [s, actions]))

/** Those who record over the unit or above it; elsewhere in the council they only read. */
const recorder = {
  organisation: BOTH,
  'above the unit': BOTH,
  'the unit': BOTH,
  'beneath it': READ,
  'another unit': READ,
}

// Who may do what, by role and the unit the role is held over. Anything not listed is refused.
const ALLOWED: Record<Role, Partial<Record<Scope, readonly Action[]>>> = {
  administrator: recorder,
  performance_officer: recorder,
  approver: recorder,
  data_entry: recorder,
  viewer: everywhere(READ),
  councillor: everywhere(READ),
  partner: { organisation: READ, 'above the unit': READ, 'the unit': READ },
}

describe('budget policy', () => {
  for (const role of ROLES) {
    for (const [scope, held] of Object.entries(SCOPES) as [Scope, string | null][]) {
      for (const [action, check] of Object.entries(ACTIONS) as [
        Action,
        (p: Principal) => boolean,
      ][]) {
        const expected = ALLOWED[role][scope]?.includes(action) ?? false
        it(`${role} over ${scope} ${expected ? 'may' : 'may not'} ${action}`, () => {
          assert.equal(check(principal(role, held)), expected)
        })
      }
    }
  }

  it('refuses someone with no role at all', () => {
    const nobody: Principal = { ...principal('viewer', null), roles: [] }
    assert.equal(canViewBudget(nobody, unitId, tree), false)
    assert.equal(canRecordBudget(nobody, unitId, tree), false)
  })
})
