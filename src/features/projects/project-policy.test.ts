import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Role } from '../../db/schema.ts'
import { ROLES, type Principal } from '../../core/principal.ts'
import { UnitTree } from '../../core/unit-tree.ts'
import {
  canApproveUpdate,
  canCreateProject,
  canManageProject,
  canRestateUpdate,
  canViewProject,
  canWriteUpdate,
  type ProjectScope,
} from './project-policy.ts'

// LEAD sits in DIR; OTHER is elsewhere; PARTNER is a partner unit named on the project.
const tree = new UnitTree([
  { id: 'DIR', parentId: null },
  { id: 'LEAD', parentId: 'DIR' },
  { id: 'OTHER', parentId: null },
  { id: 'PARTNER', parentId: null },
])
const scope: ProjectScope = {
  leadUnitId: 'LEAD',
  partnerUnitIds: ['PARTNER'],
  leadId: 'lead-person',
  sroIds: ['sro-person'],
  managerIds: ['lead-person'],
}

function principal(role: Role | null, unitId: string | null, personId = 'me'): Principal {
  return {
    personId,
    organisationId: 'org',
    organisationName: 'Org',
    organisationSlug: 'org',
    name: 'Me',
    email: 'me@example.org',
    roles: role === null ? [] : [{ role, unitId }],
  }
}

type Scope = 'organisation' | 'lead unit' | 'directorate above' | 'other unit' | 'partner unit'
const SCOPES: Record<Scope, string | null> = {
  organisation: null,
  'lead unit': 'LEAD',
  'directorate above': 'DIR',
  'other unit': 'OTHER',
  'partner unit': 'PARTNER',
}

const ACTIONS = {
  read: (p: Principal) => canViewProject(p, scope, tree),
  manage: (p: Principal) => canManageProject(p, scope, tree),
  'create beneath': (p: Principal) => canCreateProject(p, scope, 'LEAD', tree),
  'write and submit updates': (p: Principal) => canWriteUpdate(p, scope, tree),
  'approve or return an update': (p: Principal) =>
    canApproveUpdate(p, scope, { submittedBy: 'someone-else' }, tree),
  'restate an approved update': (p: Principal) => canRestateUpdate(p, scope, tree),
} as const
type Action = keyof typeof ACTIONS

/** The rules of the issue, written out plainly. */
function expected(role: Role, where: Scope, action: Action): boolean {
  const covers = where === 'organisation' || where === 'lead unit' || where === 'directorate above'
  const manager = (role === 'administrator' || role === 'performance_officer') && covers
  switch (action) {
    case 'read':
      return (
        role !== 'partner' ||
        where === 'partner unit' ||
        where === 'lead unit' ||
        where === 'organisation' ||
        where === 'directorate above'
      )
    case 'manage':
    case 'create beneath':
      return manager
    case 'write and submit updates':
      return manager || (role === 'data_entry' && covers)
    case 'approve or return an update':
      return role === 'approver' && covers
    case 'restate an approved update':
      return manager || (role === 'approver' && covers)
  }
}

describe('project policy: role × scope × action', () => {
  for (const role of ROLES) {
    for (const [where, unitId] of Object.entries(SCOPES) as [Scope, string | null][]) {
      const p = principal(role, unitId)
      for (const [action, check] of Object.entries(ACTIONS) as [
        Action,
        (p: Principal) => boolean,
      ][]) {
        const answer = expected(role, where, action)
        it(`a ${role} over ${where} ${answer ? 'may' : 'may not'} ${action}`, () => {
          assert.equal(check(p), answer)
        })
      }
    }
  }

  it('lets nobody without a role read', () => {
    assert.equal(canViewProject(principal(null, null), scope, tree), false)
  })

  it('lets the SRO manage, approve and restate, and the lead manage and submit', () => {
    const sro = principal('viewer', null, 'sro-person')
    assert.equal(canManageProject(sro, scope, tree), true)
    assert.equal(canApproveUpdate(sro, scope, { submittedBy: 'lead-person' }, tree), true)
    const lead = principal('viewer', null, 'lead-person')
    assert.equal(canWriteUpdate(lead, scope, tree), true)
    assert.equal(canApproveUpdate(lead, scope, { submittedBy: 'sro-person' }, tree), false)
  })

  it('never lets anyone approve their own update', () => {
    for (const person of ['sro-person', 'me']) {
      const p = principal('approver', null, person)
      const own = person === 'me' ? 'me' : 'sro-person'
      assert.equal(canApproveUpdate(p, scope, { submittedBy: own }, tree), false)
    }
  })

  it('lets a partner who runs the project see it wherever they work', () => {
    const partner = principal('partner', 'OTHER', 'lead-person')
    assert.equal(canViewProject(partner, scope, tree), true)
  })
})
