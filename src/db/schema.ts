import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable } from 'kysely'

/** Table types, kept beside the migrations that create them. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Json = ColumnType<unknown, string | null, string | null>

export type Role =
  | 'administrator'
  | 'performance_officer'
  | 'approver'
  | 'data_entry'
  | 'viewer'
  | 'councillor'
  | 'partner'

export type UnitKind = 'directorate' | 'service' | 'team' | 'locality' | 'partner' | 'other'

export interface InstanceSettingsTable {
  key: string
  value: string
}

export interface OrganisationsTable {
  id: Generated<string>
  name: string
  slug: string
  publishes: Generated<boolean>
  /** Counts from 1 to this minus 1 show as "fewer than N" on the public dashboard; 0 is off. */
  public_suppress_below: Generated<number>
  public_show_names: Generated<boolean>
  /** Bumped with every change to what the public dashboard shows (see features/public). */
  publication_version: Generated<number>
  published_at: Generated<Date>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface UnitsTable {
  id: Generated<string>
  organisation_id: string
  parent_id: string | null
  name: string
  kind: UnitKind
  code: string | null
  active: Generated<boolean>
  position: Generated<number>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface PeopleTable {
  id: Generated<string>
  organisation_id: string
  email: string
  name: string
  job_title: string | null
  unit_id: string | null
  password_hash: string | null
  active: Generated<boolean>
  last_sign_in_at: Date | null
  /** The person's line manager, in the same organisation. */
  line_manager_id: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface RoleAssignmentsTable {
  id: Generated<string>
  organisation_id: string
  person_id: string
  role: Role
  unit_id: string | null
  created_at: CreatedAt
}

export interface SessionsTable {
  id: string
  person_id: string
  organisation_id: string
  created_at: Timestamp
  last_seen_at: Timestamp
  ip: string | null
  user_agent: string | null
}

export interface ApiTokensTable {
  id: Generated<string>
  organisation_id: string
  person_id: string
  name: string
  token_hash: string
  token_prefix: string
  created_at: CreatedAt
  last_used_at: Date | null
  revoked_at: Date | null
}

export interface SignInThrottleTable {
  key: string
  failures: number
  last_attempt_at: Timestamp
  next_attempt_at: Timestamp
}

export interface AuditRecordsTable {
  id: Generated<string>
  organisation_id: string
  seq: number
  at: Date
  actor_id: string | null
  actor_name: string
  action: string
  item_type: string
  item_id: string
  summary: string
  before: Json
  after: Json
  prev_hash: string
  hash: string
}

export interface AuditHeadsTable {
  organisation_id: string
  seq: number
  hash: string
}

export type PlanKind =
  'city' | 'corporate' | 'business' | 'delivery' | 'improvement' | 'service' | 'team'
export type PlanStatus = 'draft' | 'active' | 'archived'
export type NodeStatus = 'active' | 'archived'

export interface PlansTable {
  id: Generated<string>
  organisation_id: string
  parent_plan_id: string | null
  title: string
  kind: PlanKind
  /** Financial years by the year they start in: 2024 is 2024/25. */
  first_year: number
  last_year: number
  status: Generated<PlanStatus>
  owner_unit_id: string | null
  vision: string | null
  mission: string | null
  /** Level names, top first, as a JSON array of strings. */
  levels: ColumnType<unknown, string, string>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface PlanNodesTable {
  id: Generated<string>
  organisation_id: string
  plan_id: string
  parent_id: string | null
  contributes_to_id: string | null
  title: string
  description: string | null
  success: string | null
  owner_id: string | null
  lead_unit_id: string | null
  position: Generated<number>
  status: Generated<NodeStatus>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface NodeLinksTable {
  id: Generated<string>
  organisation_id: string
  node_id: string
  item_kind: string
  item_id: string
  created_at: CreatedAt
}

export type ProjectLevel = 'programme' | 'project' | 'action'
export type ProjectStatus =
  'not_started' | 'on_track' | 'at_risk' | 'off_track' | 'completed' | 'closed' | 'on_hold'
export type Confidence = 'high' | 'medium' | 'low'
export type MilestoneStatus =
  'completed' | 'on_track' | 'in_progress' | 'delayed' | 'rescheduled' | 'not_started'
export type DuePrecision = 'day' | 'quarter'
export type UpdateStatus = 'draft' | 'submitted' | 'approved' | 'returned'
export type BenefitKind = 'financial' | 'non_financial'
export type ProjectStage = 'mandate' | 'business_case' | 'delivery' | 'closure' | 'closed'
export type AssuranceRating = 'green' | 'amber_green' | 'amber' | 'amber_red' | 'red'
export type GatewayDecision = 'proceed' | 'proceed_with_conditions' | 'hold' | 'stop'

export interface ProjectsTable {
  id: Generated<string>
  organisation_id: string
  parent_id: string | null
  level: ProjectLevel
  code: string | null
  title: string
  description: string | null
  sro_id: string | null
  manager_id: string | null
  lead_unit_id: string | null
  /** Partner units named on the project, as a JSON array of unit ids. */
  partner_unit_ids: ColumnType<unknown, string | undefined, string>
  start_date: string | null
  end_date: string | null
  budget: number | null
  status_override: ProjectStatus | null
  status_reason: string | null
  confidence: Confidence | null
  stage: ProjectStage | null
  assurance: AssuranceRating | null
  position: Generated<number>
  version: Generated<number>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface ProjectMilestonesTable {
  id: Generated<string>
  organisation_id: string
  project_id: string
  title: string
  /** For a quarter, its last day; null for a milestone whose date is not set yet. */
  due_date: string | null
  due_precision: Generated<DuePrecision>
  original_due_date: string | null
  original_due_precision: DuePrecision | null
  reschedule_reason: string | null
  owner_id: string | null
  status: Generated<MilestoneStatus>
  completed_date: string | null
  version: Generated<number>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface ProjectUpdatesTable {
  id: Generated<string>
  organisation_id: string
  project_id: string
  /** The first day of the month reported on. */
  month: string
  highlights: string
  next_steps: string | null
  when_text: string | null
  who: string | null
  confidence: Confidence
  status: Generated<UpdateStatus>
  author_id: string | null
  /** Who last changed the update's content, for four eyes. */
  changed_by: Generated<string | null>
  submitted_by: string | null
  submitted_at: Date | null
  approved_by: string | null
  approved_at: Date | null
  returned_reason: string | null
  restated: Generated<boolean>
  version: Generated<number>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface ProjectUpdateRestatementsTable {
  id: Generated<string>
  organisation_id: string
  update_id: string
  reason: string
  before: ColumnType<unknown, string, string>
  by_id: string | null
  by_name: string
  at: Timestamp
}

export interface ProjectBenefitsTable {
  id: Generated<string>
  organisation_id: string
  project_id: string
  kind: BenefitKind
  title: string
  description: string | null
  financial_year: number
  measure_unit: string | null
  planned: number | null
  realised: number | null
  /** A savings-register line, once that feature exists; nothing refers to it yet. */
  saving_line_id: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface ProjectGatewaysTable {
  id: Generated<string>
  organisation_id: string
  project_id: string
  /** The stage the review closes. */
  stage: ProjectStage
  decision: GatewayDecision
  review_date: string
  /** The board or person who reviewed it, as written. */
  reviewer: string
  conditions: string | null
  recorded_by: string | null
  created_at: CreatedAt
}

export interface ProjectDependenciesTable {
  id: Generated<string>
  organisation_id: string
  project_id: string
  depends_on_id: string
  description: string | null
  created_at: CreatedAt
}

export type RiskRegisterLevel = 'service' | 'project' | 'programme' | 'directorate' | 'corporate'
export type RiskStatus = 'open' | 'closed'
export type RiskActionStatus = 'not_started' | 'in_progress' | 'completed' | 'cancelled'
export type ReviewFrequency = 'monthly' | 'bimonthly' | 'quarterly' | 'half_yearly' | 'annual'
type DateColumn = ColumnType<string, string, string>

export interface RiskMatricesTable {
  id: Generated<string>
  organisation_id: string
  size: number
  /** Level descriptors, level 1 first: JSON [{name, description}]. */
  likelihood: Json
  impact: Json
  /** JSON [{key, name, from}] in band order. */
  bands: Json
  appetite: number
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface RiskRegistersTable {
  id: Generated<string>
  organisation_id: string
  name: string
  level: RiskRegisterLevel
  unit_id: string | null
  /** Where its risks are escalated to by default. */
  parent_register_id: string | null
  description: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface RisksTable {
  id: Generated<string>
  organisation_id: string
  /** The register that holds it now: the higher one while it is escalated. */
  register_id: string
  reference: string
  title: string
  cause: string | null
  event: string | null
  effect: string | null
  category: string
  owner_id: string | null
  status: Generated<RiskStatus>
  review_frequency: ReviewFrequency
  next_review_date: DateColumn | null
  inherent_likelihood: number
  inherent_impact: number
  current_likelihood: number
  current_impact: number
  target_likelihood: number
  target_impact: number
  closed_on: DateColumn | null
  /** Why it was closed (required when closed through the form); null while open. */
  closed_reason: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface RiskReviewsTable {
  id: Generated<string>
  organisation_id: string
  risk_id: string
  reviewed_on: DateColumn
  reviewer_id: string | null
  likelihood: number
  impact: number
  note: string | null
  created_at: CreatedAt
}

export interface RiskActionsTable {
  id: Generated<string>
  organisation_id: string
  risk_id: string
  description: string
  owner_id: string | null
  due_date: DateColumn | null
  status: Generated<RiskActionStatus>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface RiskEscalationsTable {
  id: Generated<string>
  organisation_id: string
  risk_id: string
  from_register_id: string
  to_register_id: string
  reason: string
  escalated_on: DateColumn
  escalated_by_id: string | null
  de_escalated_on: DateColumn | null
  de_escalated_by_id: string | null
  de_escalation_reason: string | null
  created_at: CreatedAt
}

export interface RiskLinksTable {
  id: Generated<string>
  organisation_id: string
  risk_id: string
  item_kind: string
  item_id: string
  created_at: CreatedAt
}

export type MeasureUnit = 'percent' | 'number' | 'currency' | 'days' | 'ratio' | 'yes_no'
export type MeasurePolarity = 'higher_is_better' | 'lower_is_better' | 'within_band' | 'none'
export type MeasureFrequency = 'monthly' | 'bimonthly' | 'quarterly' | 'half_yearly' | 'annual'
export type MeasureKind = 'strategic' | 'operational' | 'contextual'
export type MeasureStatus = 'draft' | 'active' | 'retired'
export type ValueStatus = 'draft' | 'submitted' | 'approved' | 'returned'
export type StoredRag = 'green' | 'amber' | 'red' | 'no_target'

export interface MeasuresTable {
  id: Generated<string>
  organisation_id: string
  code: string
  title: string
  definition: string | null
  rationale: string | null
  unit: MeasureUnit
  decimals: number
  polarity: MeasurePolarity
  frequency: MeasureFrequency
  kind: MeasureKind
  cumulative: boolean
  numerator_label: string | null
  denominator_label: string | null
  formula: string | null
  baseline_value: number | null
  /** The baseline's period label, like '2023/24' or '2023/24 Q4'. */
  baseline_period: string | null
  data_source: string | null
  collection_method: string | null
  owner_id: string | null
  data_entry_id: string | null
  approver_id: string | null
  unit_id: string | null
  public: boolean
  national_ref: string | null
  /** The six data-quality criteria, each `{assessment, notes}`. */
  quality: ColumnType<unknown, string, string>
  due_working_days: number | null
  status: MeasureStatus
  tolerance_type: 'percent' | 'absolute' | null
  tolerance_value: number | null
  forecast_method: 'average' | 'last_value'
  allow_out_of_range: boolean
  /** The latest approved period with a value, its RAG and whether it was restated (ledger). */
  latest_period_start: Generated<string | null>
  latest_rag: Generated<StoredRag | null>
  latest_restated: Generated<boolean>
  /** The newest value when it is still in sign-off (draft, submitted or returned), or null. */
  pending_period_start: Generated<string | null>
  pending_status: Generated<Exclude<ValueStatus, 'approved'> | null>
  /** Direction and forecast beside the headline values, as measure-store's HeadlineStatus. */
  headline_status: Generated<unknown>
  /** The named computation of an organisational measure (dashboards); null for others. */
  computation: Generated<string | null>
  /** The latest point's SPC variation and assurance, kept with the values (refreshSpc). */
  spc_variation: Generated<SpcVariation | null>
  spc_assurance: Generated<SpcAssurance | null>
  version: Generated<number>
  created_at: CreatedAt
  updated_at: Timestamp
}

export type SpcVariation =
  | 'common_cause'
  | 'special_cause_improvement'
  | 'special_cause_concern'
  | 'special_cause_neutral_high'
  | 'special_cause_neutral_low'
export type SpcAssurance = 'consistent_pass' | 'consistent_fail' | 'inconsistent'

/** A baseline (limits fixed from period_start to period_end) or a change point, with a reason. */
export interface MeasureSpcSettingsTable {
  id: Generated<string>
  organisation_id: string
  measure_id: string
  kind: 'baseline' | 'change_point'
  period_start: string
  /** The start of a baseline's last period; null for a change point. */
  period_end: string | null
  reason: string | null
  recorded_by: string | null
  recorded_at: Timestamp
  removed_by: string | null
  removed_at: Date | null
}

export interface MeasureTargetsTable {
  id: Generated<string>
  organisation_id: string
  measure_id: string
  /** The measure's own frequency, or 'annual' for a target for the whole year. */
  frequency: MeasureFrequency
  period_start: string
  value: number | null
  lower: number | null
  upper: number | null
  created_at: CreatedAt
}

export interface MeasureValuesTable {
  id: Generated<string>
  organisation_id: string
  measure_id: string
  period_start: string
  value: number | null
  numerator: number | null
  denominator: number | null
  commentary: string | null
  status: ValueStatus
  calculated: Generated<boolean>
  /** Derived when the value, targets or definition change; see measure-status.ts. */
  target: number | null
  rag: StoredRag | null
  year_to_date: number | null
  entered_by: string | null
  /** Who entered the period's value first; `entered_by` is whoever saved it last. */
  first_entered_by: string | null
  submitted_by: string | null
  submitted_at: Date | null
  approved_by: string | null
  approved_at: Date | null
  returned_by: string | null
  returned_at: Date | null
  return_reason: string | null
  restated: Generated<boolean>
  restatement_reason: string | null
  restated_from: number | null
  version: Generated<number>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface MeasureBenchmarksTable {
  id: Generated<string>
  organisation_id: string
  measure_id: string
  period_start: string
  frequency: MeasureFrequency
  family_average: number | null
  national_median: number | null
  national_lower_quartile: number | null
  national_upper_quartile: number | null
  source: string
  created_at: CreatedAt
  updated_at: Timestamp
}

export type SavingType = 'cashable' | 'non_cashable'
export type SavingDurability = 'ongoing' | 'one_off'
export type SavingStatus = 'proposed' | 'planned' | 'in_delivery' | 'delivered' | 'withdrawn'

/** Money columns are whole pence (bigint, read back as safe integers). */
export interface SavingsTargetsTable {
  organisation_id: string
  financial_year: number
  amount_pence: number
  updated_at: Timestamp
}

export interface SavingLinesTable {
  id: Generated<string>
  organisation_id: string
  reference: string
  title: string
  description: string | null
  unit_id: string
  programme: string | null
  priority_board: string | null
  project_id: string | null
  saving_type: SavingType
  durability: SavingDurability
  owner_id: string | null
  status: SavingStatus
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface SavingYearsTable {
  organisation_id: string
  line_id: string
  financial_year: number
  amount_pence: number
  cost_pence: number
  profile: 'even' | 'custom'
}

export interface SavingMonthsTable {
  organisation_id: string
  line_id: string
  month_start: string
  planned_pence: number
  actual_pence: number | null
  forecast_pence: number | null
  note: string | null
  updated_at: Timestamp
}

export interface BudgetMonthsTable {
  id: Generated<string>
  organisation_id: string
  unit_id: string
  month_start: string
  budget_pence: number
  forecast_outturn_pence: number
  commentary: string | null
  updated_at: Timestamp
}

export type DashboardKind = 'corporate' | 'personal'
export type TileKind = 'measure' | 'project' | 'risk' | 'list'

export interface DashboardsTable {
  id: Generated<string>
  organisation_id: string
  kind: DashboardKind
  title: string
  description: string | null
  owner_id: string | null
  shared_unit_id: string | null
  version: Generated<number>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface DashboardTilesTable {
  id: Generated<string>
  organisation_id: string
  dashboard_id: string
  position: number
  section: string | null
  item_kind: TileKind
  item_id: string | null
  list_kind: string | null
  created_at: CreatedAt
}

export interface CommitteesTable {
  id: Generated<string>
  organisation_id: string
  name: string
  description: string | null
  /** The report kinds due at each of its meetings, as a JSON array. */
  report_kinds: ColumnType<unknown, string | undefined, string>
  position: Generated<number>
  version: Generated<number>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface CommitteeMeetingsTable {
  id: Generated<string>
  organisation_id: string
  committee_id: string
  meeting_date: DateColumn
  version: Generated<number>
  /** Set when the meeting is cancelled: it stays on the calendar, marked as cancelled. */
  cancelled_at: Date | null
  cancellation_reason: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export type ReportStatus = 'draft' | 'published'

export interface ReportsTable {
  id: Generated<string>
  organisation_id: string
  kind: string
  title: string
  period_frequency: MeasureFrequency
  period_start: DateColumn
  scope_id: string | null
  focus_node_ids: ColumnType<unknown, string | undefined, string>
  meeting_id: string | null
  status: Generated<ReportStatus>
  /** The author's wording of generated paragraphs, by editable key. */
  edits: ColumnType<unknown, string | undefined, string>
  /** The document as published, frozen; null while a draft. */
  document: ColumnType<unknown, string | null | undefined, string | null>
  created_by: string | null
  published_by: string | null
  published_at: Date | null
  version: Generated<number>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface ReportFilesTable {
  organisation_id: string
  report_id: string
  format: string
  content_type: string
  /** The file, base64-encoded (backups are JSON). */
  body: string
  created_at: CreatedAt
}

export interface NotificationsTable {
  id: Generated<string>
  organisation_id: string
  person_id: string
  kind: string
  subject: string
  body: string
  /** A path within the service, made absolute only in e-mails. */
  link: string
  /** Unique per person: the same reminder is never created twice. */
  dedupe_key: string
  created_at: CreatedAt
  read_at: Date | null
  emailed_at: Date | null
  /** Set when the task it announces is done: it leaves the list and the unread count. */
  resolved_at: Date | null
  /** Set by the run that is sending the e-mail, so two runs never both send it. */
  email_claimed_at: Generated<Date | null>
}

export interface ReminderRunsTable {
  organisation_id: string
  /** The UK day the daily run is for: one run per organisation and day. */
  day: string
  started_at: Date
}

export interface NotificationPreferencesTable {
  person_id: string
  organisation_id: string
  email: boolean
  /** With e-mail on: one e-mail a day of what is new, rather than each at once. */
  email_digest: Generated<boolean>
  updated_at: Timestamp
}

export type PartnershipMemberRole = 'host' | 'member'
export type ShareItemKind = 'measure' | 'project' | 'risk'
export type ShareAccess = 'read' | 'contribute'

/** A partnership belongs to its host organisation (organisation_id). */
export interface PartnershipsTable {
  id: Generated<string>
  organisation_id: string
  name: string
  purpose: string | null
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface ItemQueriesTable {
  id: Generated<string>
  organisation_id: string
  item_type: 'measure_value' | 'project_update'
  measure_id: string | null
  period_start: string | null
  update_id: string | null
  raised_by: string | null
  status: Generated<'open' | 'closed'>
  closed_by: string | null
  closed_at: Date | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface PartnershipMembersTable {
  id: Generated<string>
  partnership_id: string
  organisation_id: string
  role: PartnershipMemberRole
  joined_at: Timestamp
  added_by: string | null
}

export interface PartnershipPrioritiesTable {
  id: Generated<string>
  partnership_id: string
  organisation_id: string
  title: string
  description: string | null
  position: Generated<number>
  created_at: CreatedAt
}

/** An item its owner (organisation_id) shares with a partnership; withdrawal stamps it. */
export interface PartnershipSharesTable {
  id: Generated<string>
  partnership_id: string
  organisation_id: string
  item_kind: ShareItemKind
  item_id: string
  priority_id: string | null
  access: ShareAccess
  basis: string
  shared_by: string | null
  shared_by_name: string
  shared_at: Timestamp
  withdrawn_by: string | null
  withdrawn_by_name: string | null
  withdrawn_at: Date | null
  withdrawal_reason: string | null
}

export interface ItemQueryMessagesTable {
  id: Generated<string>
  /** The order messages were written in, even within one clock tick. */
  seq: GeneratedAlways<number>
  organisation_id: string
  query_id: string
  author_id: string | null
  author_name: string
  body: string
  created_at: CreatedAt
}

/** A source of peers' published figures; its last good copy lives in the tables below. */
export interface BenchmarkSourcesTable {
  id: Generated<string>
  organisation_id: string
  name: string
  kind: BenchmarkSourceKind
  url: string | null
  /** How the source names this council, for family groups and its own published figures. */
  member_name: string | null
  refresh_hours: Generated<number>
  publisher: string | null
  etag: string | null
  last_modified: string | null
  /** When the copy held was fetched or loaded. */
  fetched_at: Timestamp | null
  checked_at: Timestamp | null
  last_error: string | null
  last_error_at: Timestamp | null
  refreshing_since: Timestamp | null
  indicator_count: Generated<number>
  figure_count: Generated<number>
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
  version: Generated<number>
}
export type BenchmarkSourceKind = 'golden_thread' | 'lgbf'

export interface BenchmarkIndicatorsTable {
  id: Generated<string>
  organisation_id: string
  source_id: string
  code: string
  title: string
  reference: string | null
  unit: MeasureUnit
  decimals: number
  polarity: 'higher_is_better' | 'lower_is_better' | 'within_band' | 'none'
  midpoint: number | null
  family_type: string | null
}

/** A council's figures for one indicator: points are [start, value, numerator, denominator,
 * published rank, published family rank, family group] in period order. */
export interface BenchmarkFiguresTable {
  organisation_id: string
  source_id: string
  code: string
  frequency: string
  entity: string
  points: ColumnType<BenchmarkPoint[], string, string>
}
export type BenchmarkPoint = [
  start: string,
  value: number,
  numerator: number | null,
  denominator: number | null,
  publishedRank: number | null,
  publishedFamilyRank: number | null,
  familyGroup: string | null,
]

export interface BenchmarkFamiliesTable {
  id: Generated<string>
  organisation_id: string
  source_id: string
  name: string
  type: string
  members: ColumnType<string[], string, string>
}

export interface BenchmarkAveragesTable {
  organisation_id: string
  source_id: string
  code: string
  frequency: string
  period_start: ColumnType<string, string, string>
  mean: number | null
  median: number | null
}

/** A comparison group the council enters by hand (e.g. its CIPFA nearest neighbours). */
export interface BenchmarkGroupsTable {
  id: Generated<string>
  organisation_id: string
  name: string
  description: string | null
  members: ColumnType<string[], string, string>
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
  version: Generated<number>
}

/** A measure mapped to a source's indicator by the performance team. */
export interface BenchmarkMatchesTable {
  id: Generated<string>
  organisation_id: string
  measure_id: string
  source_id: string
  code: string
  confirmed_by: string | null
  confirmed_by_name: string
  confirmed_at: Timestamp
}

/** A measure whose comparison (with this group) the council shows on its public page. */
export interface BenchmarkPublicationsTable {
  id: Generated<string>
  organisation_id: string
  measure_id: string
  group_key: string
  published_by: string | null
  published_at: CreatedAt
}

/** A council's own file kept between the steps of the import page: one person's, for a while. */
export interface ImportUploadsTable {
  id: Generated<string>
  organisation_id: string
  person_id: string
  file_name: string
  /** The file, base64. */
  content: string
  created_at: CreatedAt
  expires_at: Timestamp
}

/** The column mapping a council confirmed for a file with these headings (its signature). */
export interface ImportMappingsTable {
  id: Generated<string>
  organisation_id: string
  signature: string
  mapping: ColumnType<unknown, string, string>
  updated_by: string | null
  updated_at: Timestamp
}

/** One import, run in the background and kept afterwards as the council's import history. */
export interface ImportRunsTable {
  id: Generated<string>
  organisation_id: string
  /** null: the command line. */
  person_id: string | null
  person_name: string
  file_name: string
  sha256: string
  size_bytes: number
  dry_run: boolean
  history_reason: string | null
  status: 'queued' | 'running' | 'succeeded' | 'failed'
  /** The file, base64, while it may still be needed; null afterwards. */
  content: string | null
  rows_read: Generated<number>
  rows_checked: Generated<number>
  rows_written: Generated<number>
  result: Json
  created_at: CreatedAt
  started_at: Timestamp | null
  finished_at: Timestamp | null
}

export interface DB {
  import_runs: ImportRunsTable
  import_uploads: ImportUploadsTable
  import_mappings: ImportMappingsTable
  instance_settings: InstanceSettingsTable
  organisations: OrganisationsTable
  units: UnitsTable
  people: PeopleTable
  role_assignments: RoleAssignmentsTable
  sessions: SessionsTable
  api_tokens: ApiTokensTable
  sign_in_throttle: SignInThrottleTable
  audit_records: AuditRecordsTable
  audit_heads: AuditHeadsTable
  plans: PlansTable
  plan_nodes: PlanNodesTable
  node_links: NodeLinksTable
  projects: ProjectsTable
  project_milestones: ProjectMilestonesTable
  project_updates: ProjectUpdatesTable
  project_update_restatements: ProjectUpdateRestatementsTable
  project_benefits: ProjectBenefitsTable
  project_dependencies: ProjectDependenciesTable
  project_gateways: ProjectGatewaysTable
  risk_matrices: RiskMatricesTable
  risk_registers: RiskRegistersTable
  risks: RisksTable
  risk_reviews: RiskReviewsTable
  risk_actions: RiskActionsTable
  risk_escalations: RiskEscalationsTable
  risk_links: RiskLinksTable
  measures: MeasuresTable
  measure_targets: MeasureTargetsTable
  measure_values: MeasureValuesTable
  measure_benchmarks: MeasureBenchmarksTable
  measure_spc_settings: MeasureSpcSettingsTable
  savings_targets: SavingsTargetsTable
  saving_lines: SavingLinesTable
  saving_years: SavingYearsTable
  saving_months: SavingMonthsTable
  budget_months: BudgetMonthsTable
  dashboards: DashboardsTable
  dashboard_tiles: DashboardTilesTable
  committees: CommitteesTable
  committee_meetings: CommitteeMeetingsTable
  reports: ReportsTable
  report_files: ReportFilesTable
  notifications: NotificationsTable
  reminder_runs: ReminderRunsTable
  notification_preferences: NotificationPreferencesTable
  partnerships: PartnershipsTable
  partnership_members: PartnershipMembersTable
  partnership_priorities: PartnershipPrioritiesTable
  partnership_shares: PartnershipSharesTable
  item_queries: ItemQueriesTable
  item_query_messages: ItemQueryMessagesTable
  appraisal_cycles: AppraisalCyclesTable
  appraisals: AppraisalsTable
  objectives: ObjectivesTable
  benchmark_sources: BenchmarkSourcesTable
  benchmark_indicators: BenchmarkIndicatorsTable
  benchmark_figures: BenchmarkFiguresTable
  benchmark_families: BenchmarkFamiliesTable
  benchmark_averages: BenchmarkAveragesTable
  benchmark_groups: BenchmarkGroupsTable
  benchmark_matches: BenchmarkMatchesTable
  benchmark_publications: BenchmarkPublicationsTable
}

export interface AppraisalCyclesTable {
  id: Generated<string>
  organisation_id: string
  /** The financial year the cycle covers, by its first calendar year (2026 for 2026/27). */
  year: number
  objectives_opens: string
  objectives_closes: string
  mid_year_opens: string
  mid_year_closes: string
  year_end_opens: string
  year_end_closes: string
  opened_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface AppraisalsTable {
  id: Generated<string>
  organisation_id: string
  cycle_id: string
  person_id: string
  objectives_agreed_at: Date | null
  objectives_agreed_by: string | null
  mid_year_self_rating: number | null
  mid_year_self_comment: string | null
  mid_year_self_at: Date | null
  mid_year_manager_rating: number | null
  mid_year_manager_comment: string | null
  mid_year_manager_at: Date | null
  mid_year_manager_id: string | null
  year_end_self_rating: number | null
  year_end_self_comment: string | null
  year_end_self_at: Date | null
  year_end_manager_rating: number | null
  year_end_manager_comment: string | null
  year_end_manager_at: Date | null
  year_end_manager_id: string | null
  signed_off_at: Date | null
  signed_off_by: string | null
  version: Generated<number>
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface ObjectivesTable {
  id: Generated<string>
  organisation_id: string
  appraisal_id: string
  title: string
  success_measure: string
  due_date: string
  node_id: string
  measure_id: string | null
  project_id: string | null
  position: Generated<number>
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export type AppraisalCycleRow = Selectable<AppraisalCyclesTable>
export type AppraisalRow = Selectable<AppraisalsTable>
export type ObjectiveRow = Selectable<ObjectivesTable>

export type Organisation = Selectable<OrganisationsTable>
export type Unit = Selectable<UnitsTable>
export type Person = Selectable<PeopleTable>
export type RoleAssignment = Selectable<RoleAssignmentsTable>
export type PlanRow = Selectable<PlansTable>
export type PlanNodeRow = Selectable<PlanNodesTable>
export type NodeLinkRow = Selectable<NodeLinksTable>
export type AuditRecordRow = Selectable<AuditRecordsTable>
export type NewAuditRecord = Insertable<AuditRecordsTable>
export type MeasureRow = Selectable<MeasuresTable>
export type MeasureTargetRow = Selectable<MeasureTargetsTable>
export type MeasureValueRow = Selectable<MeasureValuesTable>
export type MeasureBenchmarkRow = Selectable<MeasureBenchmarksTable>
export type MeasureSpcSettingRow = Selectable<MeasureSpcSettingsTable>
