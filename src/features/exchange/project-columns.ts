// The exchange workbook's sheets for the thread's delivery side (issue 25): programmes, projects
// and actions, and their milestones. Read by the import, the template and the export, so an
// exported portfolio can be edited and imported again. Pentana (Covalent)'s action export is
// read as a Projects sheet: its headings are aliases of these columns.
import type { Column } from './exchange-columns.ts'

export const PROJECT_COLUMNS: readonly Column[] = [
  {
    heading: 'Code',
    field: 'code',
    kind: 'text',
    aliases: ['Action code', 'Project code', 'Programme code'],
    example: 'AP1',
    notes:
      'The item’s reference, up to 30 characters: a code already held updates that item. An item without a code is matched by its title under the same Part of.',
  },
  {
    heading: 'Title',
    field: 'title',
    kind: 'text',
    required: true,
    aliases: ['Action title', 'Action name', 'Project title', 'Project name'],
    example: 'Replace the housing repairs system',
    notes: 'What it is called, up to 300 characters.',
  },
  {
    heading: 'Level',
    field: 'level',
    kind: 'text',
    example: 'Project',
    notes:
      'Programme, Project or Action. A sheet with no Level column (Pentana’s action export) holds actions.',
  },
  {
    heading: 'Part of',
    field: 'parentId',
    kind: 'text',
    aliases: ['Parent code', 'Programme'],
    example: 'OIP',
    notes:
      'The code (or, with none, the title) of the programme or project it sits under, in Golden Thread or on an earlier row; blank for none.',
  },
  {
    heading: 'Description',
    field: 'description',
    kind: 'text',
    example: 'A new system for reporting and tracking council home repairs.',
    notes: 'What it will do, up to 4,000 characters.',
  },
  {
    heading: 'Lead unit',
    field: 'leadUnitId',
    kind: 'unit',
    example: 'HSG',
    notes: 'The code or name of the directorate, service or team that leads it.',
  },
  {
    heading: 'SRO',
    field: 'sroId',
    kind: 'text',
    aliases: ['Senior responsible officer'],
    example: 'gareth.evans@example-city.gov.uk',
    notes:
      'The Senior Responsible Officer: the email address (or the full name, when no one else has it) of a person in the council.',
  },
  {
    heading: 'Owner',
    field: 'managerId',
    kind: 'text',
    aliases: ['Assigned to', 'Manager', 'Lead', 'Responsible officer'],
    example: 'sam.okafor@example-city.gov.uk',
    notes:
      'The project manager or lead: the email address (or the full name, when no one else has it) of a person in the council.',
  },
  {
    heading: 'Start date',
    field: 'startDate',
    kind: 'text',
    example: '2025-04-01',
    notes: 'A date like 2025-04-01.',
  },
  {
    heading: 'End date',
    field: 'endDate',
    kind: 'text',
    aliases: ['Due date'],
    example: '2026-03-31',
    notes: 'A date like 2026-03-31; for an action, when it is due.',
  },
  {
    heading: 'Budget (£)',
    field: 'budget',
    kind: 'number',
    example: 450000,
    notes: 'The budget in pounds.',
  },
  {
    heading: 'Status',
    field: 'status',
    kind: 'text',
    example: '',
    notes:
      'Blank: the status Golden Thread suggests from the dates, milestones and confidence. Otherwise Not started, On track, At risk, Off track, Completed, Closed or On hold (and Pentana’s In progress, Overdue, Cancelled, Postponed), which overrides the suggestion and needs a Status reason.',
  },
  {
    heading: 'Status reason',
    field: 'statusReason',
    kind: 'text',
    example: '',
    notes:
      'Why the status is set by hand. Left blank with a Progress figure, the reason says how far along it is.',
  },
  {
    heading: 'Confidence',
    field: 'confidence',
    kind: 'text',
    example: 'High',
    notes: 'High, Medium or Low: confidence in delivering on time and within budget.',
  },
  {
    heading: 'Progress (%)',
    field: 'progress',
    kind: 'number',
    aliases: ['Progress', 'Progress %', '% complete', 'Percent complete'],
    example: '',
    notes:
      'How far along it is, 0 to 100 (as Pentana exports it). 100 with no Status means Completed; otherwise it goes into the status reason. Not stored on its own; the export leaves it blank.',
  },
]

export const UPDATE_COLUMNS: readonly Column[] = [
  {
    heading: 'Project code',
    field: 'project',
    kind: 'text',
    required: true,
    example: 'AP1',
    notes: 'The code (or, with none, the title) of the programme, project or action.',
  },
  {
    heading: 'Month',
    field: 'month',
    kind: 'text',
    required: true,
    example: 'Sep 2025',
    notes:
      'The month reported on, like Sep 2025 or 2025-09; not one that has not started. A project has one update a month: a row for a month already reported is left alone when it says the same, and refused when it differs (change it on its page).',
  },
  {
    heading: 'Highlights',
    field: 'highlights',
    kind: 'text',
    required: true,
    example: 'Supplier chosen; data migration under way',
    notes: 'Progress this month, up to 8,000 characters.',
  },
  {
    heading: 'Next steps',
    field: 'nextSteps',
    kind: 'text',
    example: 'Test the migrated data',
    notes: 'Up to 8,000 characters.',
  },
  {
    heading: 'When',
    field: 'when',
    kind: 'text',
    example: 'By end of October',
    notes: 'When the next steps happen, up to 60 characters.',
  },
  {
    heading: 'Who',
    field: 'who',
    kind: 'text',
    example: 'Repairs systems team',
    notes: 'Who takes them, up to 200 characters.',
  },
  {
    heading: 'Confidence',
    field: 'confidence',
    kind: 'text',
    required: true,
    example: 'Medium',
    notes: 'High, Medium or Low: confidence in delivering on time and within budget.',
  },
  {
    heading: 'Status',
    field: 'status',
    kind: 'ignored',
    example: '',
    notes:
      'Written by the export (draft, submitted, returned, approved); the import ignores it. Imported updates are submitted for approval.',
  },
]

export const MILESTONE_COLUMNS: readonly Column[] = [
  {
    heading: 'Project code',
    field: 'project',
    kind: 'text',
    required: true,
    example: 'AP1',
    notes:
      'The code (or, with none, the title) of the programme, project or action, in Golden Thread or on the Projects sheet.',
  },
  {
    heading: 'Milestone',
    field: 'title',
    kind: 'text',
    required: true,
    example: 'New system live',
    notes:
      'The milestone’s title. A row whose project and title match a milestone already held updates it; when the title recurs under the project on other dates (a quarterly “Review progress”), the due date tells them apart.',
  },
  {
    heading: 'Due',
    field: 'due',
    kind: 'text',
    example: '2025/26 Q3',
    notes:
      'A date like 2025-12-31 or a quarter like 2025/26 Q3, within the project’s dates; blank (or “No date set”, as the export writes it) when no date is set yet. Moving a date reschedules the milestone and needs a Reschedule reason.',
  },
  {
    heading: 'Status',
    field: 'status',
    kind: 'text',
    example: 'On track',
    notes: 'Not started, In progress, On track, Delayed, Rescheduled or Completed.',
  },
  {
    heading: 'Completed date',
    field: 'completedDate',
    kind: 'text',
    example: '',
    notes: 'For a completed milestone, the day it was completed, like 2025-11-30.',
  },
  {
    heading: 'Owner',
    field: 'ownerId',
    kind: 'text',
    example: 'sam.okafor@example-city.gov.uk',
    notes: 'The email address (or the full name, when no one else has it) of a person.',
  },
  {
    heading: 'Reschedule reason',
    field: 'rescheduleReason',
    kind: 'text',
    example: '',
    notes: 'Why the due date moves; needed only when it does. The export leaves it blank.',
  },
]
