import {
  bandOf,
  isTolerable,
  reviewState,
  type BandKey,
  type MatrixBand,
  type MatrixLevel,
  type MatrixSize,
  type RiskMatrix,
} from '../../core/risk-scoring.ts'
import { BAND_NAMES_DEFAULT, DEFAULT_MATRIX, RISK_CATEGORY_NAMES } from './risk-schemas.ts'
import type {
  ActionRow,
  EscalationRow,
  MatrixRow,
  RegisterRow,
  ReviewRow,
  RiskRow,
} from './risk-repository.ts'

export interface MatrixView extends RiskMatrix {
  /** False while the organisation uses the default matrix. */
  readonly configured: boolean
  readonly updatedAt: string | null
}

function levelsOf(value: unknown): MatrixLevel[] {
  return Array.isArray(value)
    ? value.map((v: { name?: unknown; description?: unknown }) => ({
        name: typeof v.name === 'string' ? v.name : '',
        description: typeof v.description === 'string' ? v.description : '',
      }))
    : []
}

function bandsOf(value: unknown): MatrixBand[] {
  return Array.isArray(value)
    ? value.map((b: { key?: unknown; name?: unknown; from?: unknown }) => {
        const key = b.key as BandKey
        return {
          key,
          name: typeof b.name === 'string' ? b.name : BAND_NAMES_DEFAULT[key],
          from: Number(b.from),
        }
      })
    : []
}

export function presentMatrix(row: MatrixRow | undefined): MatrixView {
  if (!row) return { ...DEFAULT_MATRIX, configured: false, updatedAt: null }
  return {
    size: row.size as MatrixSize,
    likelihood: levelsOf(row.likelihood),
    impact: levelsOf(row.impact),
    bands: bandsOf(row.bands),
    appetite: row.appetite,
    configured: true,
    updatedAt: row.updated_at.toISOString(),
  }
}

export function presentRegister(row: RegisterRow) {
  return {
    id: row.id,
    name: row.name,
    level: row.level,
    unitId: row.unit_id,
    parentRegisterId: row.parent_register_id,
    description: row.description,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
export type RegisterView = ReturnType<typeof presentRegister>

export function presentScore(matrix: RiskMatrix, likelihood: number, impact: number) {
  const score = likelihood * impact
  const band = bandOf(matrix, score)
  return {
    likelihood,
    impact,
    score,
    band: band.key,
    bandName: band.name,
    tolerable: isTolerable(matrix, score),
    likelihoodName: matrix.likelihood[likelihood - 1]?.name ?? String(likelihood),
    impactName: matrix.impact[impact - 1]?.name ?? String(impact),
  }
}
export type ScoreView = ReturnType<typeof presentScore>

export function presentEscalation(row: EscalationRow, registerNames: ReadonlyMap<string, string>) {
  return {
    id: row.id,
    riskId: row.risk_id,
    fromRegisterId: row.from_register_id,
    fromRegisterName: registerNames.get(row.from_register_id) ?? '',
    toRegisterId: row.to_register_id,
    toRegisterName: registerNames.get(row.to_register_id) ?? '',
    reason: row.reason,
    escalatedOn: row.escalated_on,
    escalatedById: row.escalated_by_id,
    deEscalatedOn: row.de_escalated_on,
    deEscalatedById: row.de_escalated_by_id,
    deEscalationReason: row.de_escalation_reason,
    open: row.de_escalated_on === null,
  }
}
export type EscalationView = ReturnType<typeof presentEscalation>

export function presentRisk(
  row: RiskRow,
  context: {
    matrix: RiskMatrix
    today: string
    registerNames: ReadonlyMap<string, string>
    /** The open escalation that brought it into its register, if any. */
    escalation: EscalationView | null
  },
) {
  const { matrix } = context
  const current = presentScore(matrix, row.current_likelihood, row.current_impact)
  return {
    id: row.id,
    reference: row.reference,
    title: row.title,
    cause: row.cause,
    event: row.event,
    effect: row.effect,
    category: row.category,
    categoryName:
      (RISK_CATEGORY_NAMES as Readonly<Record<string, string | undefined>>)[row.category] ??
      row.category,
    registerId: row.register_id,
    registerName: context.registerNames.get(row.register_id) ?? '',
    ownerId: row.owner_id,
    status: row.status,
    reviewFrequency: row.review_frequency,
    nextReviewDate: row.next_review_date,
    reviewState:
      row.status === 'closed' ? 'none' : reviewState(row.next_review_date, context.today),
    inherent: presentScore(matrix, row.inherent_likelihood, row.inherent_impact),
    current,
    target: presentScore(matrix, row.target_likelihood, row.target_impact),
    aboveAppetite: row.status === 'open' && !current.tolerable,
    escalatedFrom: context.escalation && {
      escalationId: context.escalation.id,
      registerId: context.escalation.fromRegisterId,
      registerName: context.escalation.fromRegisterName,
      reason: context.escalation.reason,
      escalatedOn: context.escalation.escalatedOn,
    },
    closedOn: row.closed_on,
    closedReason: row.closed_reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
export type RiskView = ReturnType<typeof presentRisk>

export function presentReview(row: ReviewRow) {
  return {
    id: row.id,
    riskId: row.risk_id,
    reviewedOn: row.reviewed_on,
    reviewerId: row.reviewer_id,
    likelihood: row.likelihood,
    impact: row.impact,
    note: row.note,
    createdAt: row.created_at.toISOString(),
  }
}
export type ReviewView = ReturnType<typeof presentReview>

export function presentAction(row: ActionRow, today: string) {
  const done = row.status === 'completed' || row.status === 'cancelled'
  return {
    id: row.id,
    riskId: row.risk_id,
    description: row.description,
    ownerId: row.owner_id,
    dueDate: row.due_date,
    status: row.status,
    overdue: !done && row.due_date !== null && row.due_date < today,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
export type ActionView = ReturnType<typeof presentAction>
