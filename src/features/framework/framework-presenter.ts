import { formatFinancialYear } from '../../core/periods.ts'
import type { ItemKind, LinkableVariation } from '../links/index.ts'
import type { NodeRow, PlanRow } from './framework-repository.ts'

/**
 * "a theme", "an outcome", "a unit": for buttons that name a plan's own level. Words starting
 * with u mostly sound like "you" here (unit, user), so they take "a".
 */
export function withArticle(noun: string): string {
  const lower = noun.toLowerCase()
  return `${/^[aeio]/.test(lower) ? 'an' : 'a'} ${lower}`
}

function levelsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** A plan as it leaves the server; periods are financial years, written 2024/25. */
export function presentPlan(plan: PlanRow) {
  const firstYear = formatFinancialYear(plan.first_year)
  const lastYear = formatFinancialYear(plan.last_year)
  return {
    id: plan.id,
    title: plan.title,
    kind: plan.kind,
    status: plan.status,
    firstYear,
    lastYear,
    period: firstYear === lastYear ? firstYear : `${firstYear} to ${lastYear}`,
    startDate: `${plan.first_year}-04-01`,
    endDate: `${plan.last_year + 1}-03-31`,
    parentPlanId: plan.parent_plan_id,
    ownerUnitId: plan.owner_unit_id,
    vision: plan.vision,
    mission: plan.mission,
    levels: levelsOf(plan.levels),
    createdAt: plan.created_at.toISOString(),
    updatedAt: plan.updated_at.toISOString(),
  }
}
export type PlanView = ReturnType<typeof presentPlan>

export function presentNode(node: NodeRow) {
  return {
    id: node.id,
    planId: node.plan_id,
    parentId: node.parent_id,
    contributesToId: node.contributes_to_id,
    title: node.title,
    description: node.description,
    whatSuccessLooksLike: node.success,
    ownerId: node.owner_id,
    leadUnitId: node.lead_unit_id,
    position: node.position,
    status: node.status,
    createdAt: node.created_at.toISOString(),
    updatedAt: node.updated_at.toISOString(),
  }
}
export type NodeView = ReturnType<typeof presentNode>

/** A node with where it sits: its level name and its depth within its own plan. */
export type PlacedNode = NodeView & { readonly levelName: string; readonly depth: number }

export interface LinkView {
  readonly id: string
  readonly nodeId: string
  readonly itemKind: string
  readonly itemId: string
  readonly relation: string
  /** The item as its kind presents it; null when the person may not see it. */
  readonly item: {
    readonly title: string
    readonly href: string
    readonly hint: string | null
    readonly status: string | null
    readonly statusText: string | null
    readonly active: boolean
    /** Measures: the SPC variation of the latest value (see LinkableItem). */
    readonly variation: LinkableVariation | null
  } | null
  readonly createdAt: string
}

/** A kind of linkable item, without its functions. */
export function presentKind(kind: ItemKind) {
  return {
    kind: kind.kind,
    name: kind.name,
    pluralName: kind.pluralName,
    relation: kind.relation,
    statuses: kind.statuses.map((s) => ({ value: s.value, text: s.text })),
  }
}
