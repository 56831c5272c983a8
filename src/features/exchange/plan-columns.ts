// The exchange workbook's sheets for the thread itself (issue 25): plans with their levels, the
// items of each plan (themes, priorities, outcomes … as the plan's levels name them), and the
// links from plan items to measures, projects, risks and savings lines.
import type { Column } from './exchange-columns.ts'

export const PLAN_COLUMNS: readonly Column[] = [
  {
    heading: 'Plan',
    field: 'title',
    kind: 'text',
    required: true,
    example: 'Council Plan 2025–2029',
    notes: 'The plan’s title, its reference: a title already held (case aside) updates that plan.',
  },
  {
    heading: 'Kind',
    field: 'kind',
    kind: 'text',
    example: 'Corporate plan',
    notes:
      'City plan, Corporate plan, Business plan, Delivery plan, Improvement plan, Service plan or Team plan.',
  },
  {
    heading: 'First year',
    field: 'firstYear',
    kind: 'text',
    example: '2025/26',
    notes: 'The first financial year it covers, like 2025/26.',
  },
  {
    heading: 'Last year',
    field: 'lastYear',
    kind: 'text',
    example: '2028/29',
    notes: 'The last financial year it covers.',
  },
  {
    heading: 'Status',
    field: 'status',
    kind: 'text',
    example: 'Active',
    notes: 'Draft, Active or Archived; Draft for a new plan when blank.',
  },
  {
    heading: 'Levels',
    field: 'levels',
    kind: 'text',
    example: 'Theme > Priority > Outcome',
    notes:
      'The names of the plan’s levels, top first, separated by ">" (up to 6): the Plan items sheet’s items sit at these levels.',
  },
  {
    heading: 'Part of',
    field: 'parentPlanId',
    kind: 'text',
    example: 'City Vision 2035',
    notes:
      'The title of the plan this one sits under, in Golden Thread or on an earlier row; blank for none. A plan is moved on its page, not by the import.',
  },
  {
    heading: 'Owning unit',
    field: 'ownerUnitId',
    kind: 'unit',
    example: '',
    notes: 'The code or name of the unit whose plan it is; blank for the whole council.',
  },
  {
    heading: 'Vision',
    field: 'vision',
    kind: 'text',
    example: 'A fairer, greener city where everyone can thrive',
    notes: 'Up to 2,000 characters.',
  },
  {
    heading: 'Mission',
    field: 'mission',
    kind: 'text',
    example: '',
    notes: 'Up to 2,000 characters.',
  },
]

export const PLAN_ITEM_COLUMNS: readonly Column[] = [
  {
    heading: 'Plan',
    field: 'plan',
    kind: 'text',
    required: true,
    example: 'Council Plan 2025–2029',
    notes: 'The plan’s title, in Golden Thread or on the Plans sheet.',
  },
  {
    heading: 'Item',
    field: 'title',
    kind: 'text',
    required: true,
    example: 'Cleaner streets',
    notes:
      'The item’s title. A row whose plan, Part of and title match an active item updates it; any other adds one.',
  },
  {
    heading: 'Level',
    field: 'level',
    kind: 'ignored',
    example: 'Priority',
    notes:
      'Written by the export: the name the plan gives the item’s level. The level follows from Part of; the import ignores this column.',
  },
  {
    heading: 'Part of',
    field: 'parentId',
    kind: 'text',
    example: 'A clean and green city',
    notes:
      'The title of the item of the same plan it sits under (on an earlier row or in Golden Thread); blank for the plan’s top level.',
  },
  {
    heading: 'Contributes to',
    field: 'contributesToId',
    kind: 'text',
    example: 'City Vision 2035: A thriving city',
    notes:
      'For a top-level item only: the item of a plan above that it contributes to, as "Plan title: item title".',
  },
  {
    heading: 'Description',
    field: 'description',
    kind: 'text',
    example: '',
    notes: 'Up to 4,000 characters.',
  },
  {
    heading: 'What success looks like',
    field: 'whatSuccessLooksLike',
    kind: 'text',
    example: 'Fewer than 40 missed bins per 100,000 collections',
    notes: 'Up to 4,000 characters.',
  },
  {
    heading: 'Owner',
    field: 'ownerId',
    kind: 'person',
    example: 'gareth.evans@example-city.gov.uk',
    notes: 'The email address of a person in the council.',
  },
  {
    heading: 'Lead unit',
    field: 'leadUnitId',
    kind: 'unit',
    example: 'WST',
    notes: 'The code or name of the unit that leads it.',
  },
]

export const LINK_COLUMNS: readonly Column[] = [
  {
    heading: 'Plan item',
    field: 'node',
    kind: 'text',
    required: true,
    example: 'Council Plan 2025–2029: Cleaner streets',
    notes:
      'The plan item: "Plan title: item title", or the item’s title alone when no other active item has it.',
  },
  {
    heading: 'Linked kind',
    field: 'kind',
    kind: 'text',
    required: true,
    example: 'Measure',
    notes: 'Measure, Project (a programme, project or action), Risk or Savings line.',
  },
  {
    heading: 'Linked reference',
    field: 'reference',
    kind: 'text',
    required: true,
    example: 'WS02',
    notes:
      'The measure’s code, the project’s code (or title, when it has none), the risk’s or savings line’s reference. A link already there is left as it is; links not in the file are kept.',
  },
]
