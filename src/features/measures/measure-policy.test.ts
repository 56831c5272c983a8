import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Role } from '../../db/schema.ts'
import type { Principal } from '../../core/principal.ts'
import { UnitTree } from '../../core/unit-tree.ts'
import {
  canApproveValue,
  canDefineMeasure,
  canEnterValues,
  canViewMeasure,
  type MeasureScope,
} from './measure-policy.ts'

// place → waste; care is elsewhere.
const tree = new UnitTree([
  { id: 'place', parentId: null },
  { id: 'waste', parentId: 'place' },
  { id: 'care', parentId: null },
])

const ME = 'me'
const who = (role: Role, unitId: string | null = null): Principal => ({
  personId: ME,
  organisationId: 'org',
  organisationName: 'Council',
  organisationSlug: 'council',
  name: 'Me',
  email: 'me@example.org',
  roles: [{ role, unitId }],
})

const waste: MeasureScope = { unitId: 'waste', dataEntryOfficerId: null, approverId: null }
const namedOfficer: MeasureScope = { ...waste, unitId: 'care', dataEntryOfficerId: ME }
const namedApprover: MeasureScope = { ...waste, unitId: 'care', approverId: ME }

type Action = 'view' | 'define' | 'enter' | 'approve' | 'approve own'
const can = (p: Principal, action: Action, m: MeasureScope): boolean => {
  switch (action) {
    case 'view':
      return canViewMeasure(p, m, tree)
    case 'define':
      return canDefineMeasure(p, m.unitId, tree)
    case 'enter':
      return canEnterValues(p, m, tree)
    case 'approve':
      return canApproveValue(p, m, { submittedBy: 'someone else' }, tree)
    case 'approve own':
      return canApproveValue(p, m, { submittedBy: ME }, tree)
  }
}

const TABLE: readonly [string, Principal, MeasureScope, Record<Action, boolean>][] = [
  [
    'administrator, whole organisation',
    who('administrator'),
    waste,
    { view: true, define: true, enter: true, approve: false, 'approve own': false },
  ],
  [
    'performance officer, whole organisation',
    who('performance_officer'),
    waste,
    { view: true, define: true, enter: true, approve: false, 'approve own': false },
  ],
  [
    'performance officer for care',
    who('performance_officer', 'care'),
    waste,
    { view: true, define: false, enter: false, approve: false, 'approve own': false },
  ],
  [
    'data entry for place (above waste)',
    who('data_entry', 'place'),
    waste,
    { view: true, define: false, enter: true, approve: false, 'approve own': false },
  ],
  [
    'data entry for care',
    who('data_entry', 'care'),
    waste,
    { view: true, define: false, enter: false, approve: false, 'approve own': false },
  ],
  [
    'named data-entry officer, viewer role',
    who('viewer'),
    namedOfficer,
    { view: true, define: false, enter: true, approve: false, 'approve own': false },
  ],
  [
    'approver for place',
    who('approver', 'place'),
    waste,
    { view: true, define: false, enter: false, approve: true, 'approve own': false },
  ],
  [
    'approver for care',
    who('approver', 'care'),
    waste,
    { view: true, define: false, enter: false, approve: false, 'approve own': false },
  ],
  [
    'named approver, viewer role',
    who('viewer'),
    namedApprover,
    { view: true, define: false, enter: false, approve: true, 'approve own': false },
  ],
  [
    'viewer',
    who('viewer'),
    waste,
    { view: true, define: false, enter: false, approve: false, 'approve own': false },
  ],
  [
    'councillor',
    who('councillor'),
    waste,
    { view: true, define: false, enter: false, approve: false, 'approve own': false },
  ],
  [
    'partner working with waste',
    who('partner', 'waste'),
    waste,
    { view: true, define: false, enter: false, approve: false, 'approve own': false },
  ],
  [
    'partner working with care',
    who('partner', 'care'),
    waste,
    { view: false, define: false, enter: false, approve: false, 'approve own': false },
  ],
  [
    'partner named as officer',
    who('partner', 'care'),
    { ...waste, dataEntryOfficerId: ME },
    { view: true, define: false, enter: true, approve: false, 'approve own': false },
  ],
]

describe('measure policy: role × action × scope', () => {
  for (const [name, principal, measure, expected] of TABLE) {
    it(name, () => {
      const actual = Object.fromEntries(
        (Object.keys(expected) as Action[]).map((a) => [a, can(principal, a, measure)]),
      )
      assert.deepEqual(actual, expected)
    })
  }
})
