import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Role } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'
import { canGrant, canManagePerson, canManageUnit, canViewPerson } from './organisation-policy.ts'
import { canViewAudit } from '../audit/index.ts'
import { holdsRole } from '../../core/roles.ts'
import { UnitTree } from '../../core/unit-tree.ts'

// directorate D → service S → team T; and a separate directorate E.
const tree = new UnitTree([
  { id: 'D', parentId: null },
  { id: 'S', parentId: 'D' },
  { id: 'T', parentId: 'S' },
  { id: 'E', parentId: null },
])

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

describe('unit tree', () => {
  it('knows ancestors, descendants and cycles', () => {
    assert.deepEqual(tree.ancestorsOf('T'), ['T', 'S', 'D'])
    assert.deepEqual(tree.descendantsOf('D').sort(), ['D', 'S', 'T'])
    assert.equal(tree.wouldCycle('D', 'T'), true)
    assert.equal(tree.wouldCycle('D', 'D'), true)
    assert.equal(tree.wouldCycle('T', 'E'), false)
    assert.equal(tree.wouldCycle('S', null), false)
  })
})

describe('organisation policy', () => {
  const cases: [string, Principal, (p: Principal) => boolean, boolean][] = [
    [
      'an organisation administrator manages a top-level unit',
      principal('administrator', null),
      (p) => canManageUnit(p, null, tree),
      true,
    ],
    [
      'a directorate administrator cannot add a top-level unit',
      principal('administrator', 'D'),
      (p) => canManageUnit(p, null, tree),
      false,
    ],
    [
      'a directorate administrator manages a team beneath',
      principal('administrator', 'D'),
      (p) => canManageUnit(p, 'T', tree),
      true,
    ],
    [
      'a directorate administrator cannot manage another directorate',
      principal('administrator', 'D'),
      (p) => canManageUnit(p, 'E', tree),
      false,
    ],
    [
      'a performance officer cannot manage units',
      principal('performance_officer', null),
      (p) => canManageUnit(p, 'T', tree),
      false,
    ],
    [
      'a service administrator manages people in its team',
      principal('administrator', 'S'),
      (p) => canManagePerson(p, { unitId: 'T', roles: [{ unitId: 'T' }] }, tree),
      true,
    ],
    [
      'a service administrator cannot manage people without a unit',
      principal('administrator', 'S'),
      (p) => canManagePerson(p, { unitId: null, roles: [] }, tree),
      false,
    ],
    [
      'a directorate administrator cannot manage someone at home beneath it with a wider role',
      principal('administrator', 'D'),
      (p) => canManagePerson(p, { unitId: 'T', roles: [{ unitId: 'T' }, { unitId: null }] }, tree),
      false,
    ],
    [
      'a directorate administrator cannot manage someone with a role in another directorate',
      principal('administrator', 'D'),
      (p) => canManagePerson(p, { unitId: 'S', roles: [{ unitId: 'E' }] }, tree),
      false,
    ],
    [
      'an organisation administrator manages anyone',
      principal('administrator', null),
      (p) => canManagePerson(p, { unitId: 'T', roles: [{ unitId: null }, { unitId: 'E' }] }, tree),
      true,
    ],
    [
      'a service administrator cannot grant organisation-wide roles',
      principal('administrator', 'S'),
      (p) => canGrant(p, null, tree),
      false,
    ],
    [
      'a viewer sees any person',
      principal('viewer', 'T'),
      (p) => canViewPerson(p, { id: 'x', unitId: 'E' }, tree),
      true,
    ],
    [
      'a partner sees people of their partnership',
      principal('partner', 'S'),
      (p) => canViewPerson(p, { id: 'x', unitId: 'T' }, tree),
      true,
    ],
    [
      'a partner does not see people elsewhere',
      principal('partner', 'S'),
      (p) => canViewPerson(p, { id: 'x', unitId: 'E' }, tree),
      false,
    ],
    [
      'an organisation performance officer reads the audit log',
      principal('performance_officer', null),
      canViewAudit,
      true,
    ],
    [
      'a unit administrator does not read the whole audit log',
      principal('administrator', 'D'),
      canViewAudit,
      false,
    ],
    [
      'a councillor does not read the audit log',
      principal('councillor', null),
      canViewAudit,
      false,
    ],
    [
      'a role over a unit covers units beneath it',
      principal('approver', 'D'),
      (p) => holdsRole(p, ['approver'], 'T', tree),
      true,
    ],
    [
      'a role over a team does not cover its parent',
      principal('approver', 'T'),
      (p) => holdsRole(p, ['approver'], 'S', tree),
      false,
    ],
  ]
  for (const [name, who, check, expected] of cases) {
    it(name, () => assert.equal(check(who), expected))
  }
})
