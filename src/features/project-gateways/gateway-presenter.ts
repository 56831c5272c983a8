import { dueLabel, DECISION_NAMES, STAGE_NAMES } from '../projects/index.ts'
import type { GatewayRow } from './gateway-repository.ts'

export function presentGateway(row: GatewayRow) {
  return {
    id: row.id,
    projectId: row.project_id,
    /** The stage the review closed. */
    stage: row.stage,
    stageText: STAGE_NAMES[row.stage],
    decision: row.decision,
    decisionText: DECISION_NAMES[row.decision],
    reviewDate: row.review_date,
    reviewDateText: dueLabel(row.review_date, 'day'),
    reviewer: row.reviewer,
    conditions: row.conditions,
    recordedBy: row.recorded_by,
    createdAt: row.created_at.toISOString(),
  }
}
export type GatewayView = ReturnType<typeof presentGateway>
