// Status badges of the document model: every status as its word and a text symbol.
import type { PointType, AssuranceType, ImprovementDirection } from '../../../core/spc.ts'
import type { Direction, Rag } from '../../../core/status.ts'
import { RAG_NAMES, RAG_SYMBOLS } from '../../measures/index.ts'
import { STATUS_NAMES } from '../../projects/index.ts'
import type { ProjectStatus } from '../../../core/project-status.ts'
import { assuranceText, variationText } from '../../../web/charts/spc-icons.ts'
import type { Badge } from '../report-document.ts'

export function ragBadge(rag: Rag): Badge {
  return { type: 'badge', kind: 'rag', value: rag, label: RAG_NAMES[rag], symbol: RAG_SYMBOLS[rag] }
}

const DIRECTIONS: Readonly<Record<Direction, { label: string; symbol: string }>> = {
  improving: { label: 'Improving', symbol: '↑' },
  same: { label: 'No change', symbol: '→' },
  worsening: { label: 'Worsening', symbol: '↓' },
}

export function directionBadge(direction: Direction | null): Badge {
  if (direction === null) {
    return { type: 'badge', kind: 'direction', value: 'none', label: 'Not comparable', symbol: '' }
  }
  return { type: 'badge', kind: 'direction', value: direction, ...DIRECTIONS[direction] }
}

/**
 * The variation icon's words (spc-icons.ts) with the letter and arrow it draws: H or L for a
 * special cause high or low, a wave for common cause.
 */
export function variationBadge(
  pointType: PointType | null,
  improvement: ImprovementDirection,
): Badge {
  const high =
    pointType === 'special_cause_neutral_high' ||
    (pointType === 'special_cause_improvement' && improvement !== 'decrease') ||
    (pointType === 'special_cause_concern' && improvement === 'decrease')
  const symbol = pointType === null ? '–' : pointType === 'common_cause' ? '~' : high ? 'H↑' : 'L↓'
  return {
    type: 'badge',
    kind: 'variation',
    value: pointType ?? 'not_enough_data',
    label: variationText(pointType),
    symbol,
  }
}

const ASSURANCE_SYMBOLS: Readonly<Record<AssuranceType, string>> = {
  consistent_pass: 'P',
  consistent_fail: 'F',
  inconsistent: '?',
}

export function assuranceBadge(assurance: AssuranceType | null, hasTarget: boolean): Badge {
  return {
    type: 'badge',
    kind: 'assurance',
    value: assurance ?? (hasTarget ? 'not_enough_data' : 'no_target'),
    label: assuranceText(assurance, hasTarget ? 'not_enough_data' : 'no_target'),
    symbol: assurance ? ASSURANCE_SYMBOLS[assurance] : '–',
  }
}

export function projectBadge(status: ProjectStatus): Badge {
  const { text, symbol } = STATUS_NAMES[status]
  return { type: 'badge', kind: 'project', value: status, label: text, symbol }
}

const BAND_MARKS: Readonly<Record<string, string>> = {
  low: '▮▯▯▯',
  medium: '▮▮▯▯',
  high: '▮▮▮▯',
  very_high: '▮▮▮▮',
}

export function riskBadge(score: { band: string; bandName: string; score: number }): Badge {
  return {
    type: 'badge',
    kind: 'risk',
    value: score.band,
    label: `${score.bandName} ${String(score.score)}`,
    symbol: BAND_MARKS[score.band] ?? '',
  }
}
