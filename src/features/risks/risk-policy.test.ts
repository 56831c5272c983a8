import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Role } from '../../db/schema.ts'
import { ROLES, type Principal } from '../../core/principal.ts'
import { UnitTree } from '../../core/unit-tree.ts'
import {
  canConfigureRisks,
  canManageRisks,
  canRecordOnRisk,
  canViewRegister,
} from './risk-policy.ts'

// DIR ⊃ SVC (the register's unit) ⊃ TEAM; OTHER is unrelated.
const tree = new UnitTree([
  { id: 'DIR', parentId: null },
  { id: 'SVC', parentId: 'DIR' },
  { id: 'TEAM', parentId: 'SVC' },
  { id: 'OTHER', parentId: null },
])
const register = { unitId: 'SVC' }
const risk = { unitId: 'SVC', ownerId: 'someone-else' }

type Scope =
  'organisation' | 'above the register' | 'the register’s unit' | 'beneath it' | 'another unit'
const SCOPES: Record<Scope, string | null> = {
  organisation: null,
  'above the register': 'DIR',
  'the register’s unit': 'SVC',
  'beneath it': 'TEAM',
  'another unit': 'OTHER',
}

function principal(role: Role, unitId: string | null): Principal {
  return {
    personId: 'me',
    organisationId: 'org',
    organisationName: 'Org',
    organisationSlug: 'org',
    name: 'Me',
    email: 'me@example.org',
    roles: [{ role, unitId }],
  }
}

const ACTIONS = {
  'configure the matrix and registers': (p: Principal) => canConfigureRisks(p),
  'read the register': (p: Principal) => canViewRegister(p, register, tree),
  'raise, edit, close or escalate its risks': (p: Principal) => canManageRisks(p, register, tree),
  'record reviews and actions': (p: Principal) => canRecordOnRisk(p, risk, tree),
} as const
type Action = keyof typeof ACTIONS

const covers = (scope: Scope) =>
  scope === 'organisation' || scope === 'above the register' || scope === 'the register’s unit'

/** The rules as the issue words them. */
function expected(role: Role, scope: Scope, action: Action): boolean {
  switch (action) {
    case 'configure the matrix and registers':
      return (
        (role === 'administrator' || role === 'performance_officer') && scope === 'organisation'
      )
    case 'read the register':
      return role !== 'partner' || covers(scope)
    case 'raise, edit, close or escalate its risks':
    case 'record reviews and actions':
      return ['administrator', 'performance_officer', 'approver'].includes(role) && covers(scope)
  }
}

describe('risk policy: role × scope × action', () => {
  for (const role of ROLES) {
    for (const scope of Object.keys(SCOPES) as Scope[]) {
      const p = principal(role, SCOPES[scope])
      for (const [action, check] of Object.entries(ACTIONS) as [
        Action,
        (p: Principal) => boolean,
      ][]) {
        const answer = expected(role, scope, action)
        it(`a ${role} (${scope}) ${answer ? 'may' : 'may not'} ${action}`, () => {
          assert.equal(check(p), answer)
        })
      }
    }
  }

  it('lets a risk’s owner record reviews and actions whatever their role', () => {
    for (const role of ROLES) {
      assert.equal(
        canRecordOnRisk(principal(role, 'OTHER'), { ...risk, ownerId: 'me' }, tree),
        true,
      )
    }
  })

  it('shows partners no register without a unit, such as a corporate one with none set', () => {
    assert.equal(canViewRegister(principal('partner', 'SVC'), { unitId: null }, tree), false)
    assert.equal(canViewRegister(principal('viewer', 'OTHER'), { unitId: null }, tree), true)
  })

  it('lets only organisation-wide managers raise risks on a register without a unit', () => {
    assert.equal(canManageRisks(principal('approver', null), { unitId: null }, tree), true)
    assert.equal(canManageRisks(principal('approver', 'DIR'), { unitId: null }, tree), false)
  })

  it('gives someone with no role nothing', () => {
    const nobody = { ...principal('viewer', null), roles: [] }
    assert.equal(canViewRegister(nobody, register, tree), false)
    assert.equal(canManageRisks(nobody, register, tree), false)
    assert.equal(canConfigureRisks(nobody), false)
  })
})
