// The exchange workbook's sheets for the thread's last link, people: who manages whom, and each
// person's objectives for a year (issue 26). Read by the import, the template and the export.
import type { Column } from './exchange-columns.ts'

export const LINE_MANAGER_COLUMNS: readonly Column[] = [
  {
    heading: 'Person email',
    field: 'personId',
    kind: 'person',
    required: true,
    example: 'sam.okafor@example-city.gov.uk',
    notes: 'The email address of a member of staff, once per sheet.',
  },
  {
    heading: 'Line manager email',
    field: 'lineManagerId',
    kind: 'person',
    example: 'gareth.evans@example-city.gov.uk',
    notes:
      'The email address of their line manager; left blank, they have none. A person cannot manage themselves or anyone who manages them, directly or down the line.',
  },
]

export const OBJECTIVE_COLUMNS: readonly Column[] = [
  {
    heading: 'Person email',
    field: 'personId',
    kind: 'person',
    required: true,
    example: 'sam.okafor@example-city.gov.uk',
    notes: 'The email address of the member of staff whose objective it is.',
  },
  {
    heading: 'Year',
    field: 'year',
    kind: 'text',
    required: true,
    example: '2026/27',
    notes:
      'The financial year of the appraisal cycle, like 2026/27. The cycle must be open and the person in it.',
  },
  {
    heading: 'Title',
    field: 'title',
    kind: 'text',
    required: true,
    example: 'Cut missed bins on my rounds to under 40 per 100,000',
    notes:
      'What the objective is. A row whose person, year and title match an objective already held updates it.',
  },
  {
    heading: 'Success measure',
    field: 'successMeasure',
    kind: 'text',
    required: true,
    example: 'WS02 below 40 for six months running',
    notes: 'How success will be measured.',
  },
  {
    heading: 'Due date',
    field: 'dueDate',
    kind: 'text',
    required: true,
    example: '2027-03-31',
    notes: 'The date it is due, like 2027-03-31.',
  },
  {
    heading: 'Plan item',
    field: 'nodeId',
    kind: 'text',
    required: true,
    example:
      'Waste Collection Team Plan 2025–2028: Fewer than 40 missed bins per 100,000 collections',
    notes:
      'The plan item it contributes to: the plan’s title and the item’s title separated by a colon, or the item’s title alone when no other active item has it.',
  },
]
