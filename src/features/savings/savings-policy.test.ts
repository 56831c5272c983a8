import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Role } from '../../db/schema.ts'
import { ROLES, type Principal } from '../../core/principal.ts'
import { UnitTree } from '../../core/unit-tree.ts'
import {
  canManageLine,
  canRecordDelivery,
  canSetSavingsTarget,
  canViewLine,
} from './savings-policy.ts'

// DIR ⊃ SVC (the line's unit) ⊃ TEAM; OTHER is unrelated.
const tree = new UnitTree([
  { id: 'DIR', parentId: null },
  { id: 'SVC', parentId: 'DIR' },
  { id: 'TEAM', parentId: 'SVC' },
  { id: 'OTHER', parentId: null },
])
const line = { unitId: 'SVC', ownerId: 'someone-else' }

type Scope = 'organisation' | 'above the line' | 'the line’s unit' | 'beneath it' | 'another unit'
const SCOPES: Record<Scope, string | null> = {
  organisation: null,
  'above the line': 'DIR',
  'the line’s unit': 'SVC',
  'beneath it': 'TEAM',
  'another unit': 'OTHER',
}

function principal(role: Role, unitId: string | null, personId = 'me'): Principal {
  return {
    personId,
    organisationId: 'org',
    organisationName: 'Org',
    organisationSlug: 'org',
    name: 'Me',
    email: 'me@example.org',
    roles: [{ role, unitId }],
  }
}

const ACTIONS = {
  'read the line': (p: Principal) => canViewLine(p, line, tree),
  'set the savings target': (p: Principal) => canSetSavingsTarget(p),
  'add or edit the line and its profile': (p: Principal) => canManageLine(p, line.unitId, tree),
  'record actuals and forecasts': (p: Principal) => canRecordDelivery(p, line, tree),
} as const
type Action = keyof typeof ACTIONS

// Who may do what, by role and the unit the role is held over. Anything not listed is refused.
const ALLOWED: Record<Role, Partial<Record<Scope, readonly Action[]>>> = {
  administrator: {
    organisation: Object.keys(ACTIONS) as Action[],
    'above the line': [
      'read the line',
      'add or edit the line and its profile',
      'record actuals and forecasts',
    ],
    'the line’s unit': [
      'read the line',
      'add or edit the line and its profile',
      'record actuals and forecasts',
    ],
    'beneath it': ['read the line'],
    'another unit': ['read the line'],
  },
  performance_officer: {
    organisation: Object.keys(ACTIONS) as Action[],
    'above the line': [
      'read the line',
      'add or edit the line and its profile',
      'record actuals and forecasts',
    ],
    'the line’s unit': [
      'read the line',
      'add or edit the line and its profile',
      'record actuals and forecasts',
    ],
    'beneath it': ['read the line'],
    'another unit': ['read the line'],
  },
  approver: {
    organisation: [
      'read the line',
      'add or edit the line and its profile',
      'record actuals and forecasts',
    ],
    'above the line': [
      'read the line',
      'add or edit the line and its profile',
      'record actuals and forecasts',
    ],
    'the line’s unit': [
      'read the line',
      'add or edit the line and its profile',
      'record actuals and forecasts',
    ],
    'beneath it': ['read the line'],
    'another unit': ['read the line'],
  },
  data_entry: {
    organisation: ['read the line', 'record actuals and forecasts'],
    'above the line': ['read the line', 'record actuals and forecasts'],
    'the line’s unit': ['read the line', 'record actuals and forecasts'],
    'beneath it': ['read the line'],
    'another unit': ['read the line'],
  },
  viewer: Object.fromEntries(Object.keys(SCOPES).map((s) => [s, ['read the line']])),
  councillor: Object.fromEntries(Object.keys(SCOPES).map((s) => [s, ['read the line']])),
  partner: {
    organisation: ['read the line'],
    'above the line': ['read the line'],
    'the line’s unit': ['read the line'],
  },
}

describe('savings policy', () => {
  for (const role of ROLES) {
    for (const [scope, unitId] of Object.entries(SCOPES) as [Scope, string | null][]) {
      for (const [action, check] of Object.entries(ACTIONS) as [
        Action,
        (p: Principal) => boolean,
      ][]) {
        const expected = ALLOWED[role][scope]?.includes(action) ?? false
        it(`${role} over ${scope} ${expected ? 'may' : 'may not'} ${action}`, () => {
          assert.equal(check(principal(role, unitId)), expected)
        })
      }
    }
  }

  it('lets a line’s owner record delivery whatever their role', () => {
    const owner = principal('viewer', null, 'owner')
    assert.equal(canRecordDelivery(owner, { unitId: 'SVC', ownerId: 'owner' }, tree), true)
    assert.equal(canManageLine(owner, 'SVC', tree), false)
  })

  it('refuses someone with no role at all', () => {
    const nobody: Principal = { ...principal('viewer', null), roles: [] }
    assert.equal(canViewLine(nobody, line, tree), false)
    assert.equal(canRecordDelivery(nobody, line, tree), false)
  })
})
