// "RAG + variation icon": how every list, dashboard and report shows a measure's status, so a red
// that is only noise reads differently from a red that is a real deterioration.
import { improvementForPolarity, type PointType } from '../../core/spc.ts'
import type { Rag } from '../../core/status.ts'
import type { MeasurePolarity } from '../../db/schema.ts'
import { variationIcon, variationText } from '../../web/charts/spc-icons.ts'
import { RAG_NAMES, RAG_SYMBOLS } from '../measures/index.ts'

/** Words for each variation, for filters and headings. */
export interface VariationBadge {
  readonly pointType: PointType | null
  /** The icon's words: 'Special cause – concerning', 'Common cause – no significant change'. */
  readonly text: string
  /** Our own variation icon as SVG, hidden from assistive technology: print `text` beside it. */
  readonly icon: string
}

/** The variation icon and its words for a measure's stored variation (null: not enough data). */
export function variationBadge(
  pointType: PointType | null | undefined,
  polarity: MeasurePolarity,
  size = 24,
): VariationBadge {
  const type = pointType ?? null
  return {
    pointType: type,
    text: variationText(type),
    icon: variationIcon(type, improvementForPolarity(polarity), { decorative: true, size }),
  }
}

/**
 * A measure's RAG with its variation, for any output: pages use the Nunjucks macro
 * `ragWithVariation` (spc/views/macros.njk); Word, PDF and spreadsheets take these fields.
 */
export function statusWithVariation(
  rag: Rag,
  pointType: PointType | null | undefined,
  polarity: MeasurePolarity,
) {
  return {
    rag,
    ragText: RAG_NAMES[rag],
    ragSymbol: RAG_SYMBOLS[rag],
    variation: variationBadge(pointType, polarity),
    /** One line of plain text, for CSV and screen-reader-only summaries. */
    text: `${RAG_SYMBOLS[rag]} ${RAG_NAMES[rag]}; ${variationText(pointType ?? null)}`,
  }
}
