// Our own SPC variation and assurance icons (not NHS England artwork): a coloured disc with a
// letter and an arrow, so that the meaning never rests on colour alone. Letters are drawn as
// strokes, so no font is needed and they look the same in pages, PDF and Word.
import type { AssuranceType, ImprovementDirection, PointType } from '../../core/spc.ts'
import { variationLead } from '../../core/spc-sentence.ts'

export interface IconOptions {
  /** Side length in CSS pixels; 28 sits beside a GOV.UK tag in a table row. */
  readonly size?: number
  /** Hide from assistive technology when the same words are printed beside the icon. */
  readonly decorative?: boolean
}

/** Why there is no assurance: the icon and words differ. */
export type NoAssuranceReason = 'not_enough_data' | 'no_target'

// Every fill has at least 4.5:1 against white, and white strokes on it the same.
export const SPC_COLOURS = {
  improvement: '#1d70b8',
  concern: '#b35900',
  neutral: '#4c2c92',
  common: '#505a5f',
} as const

const LETTERS = {
  // H and L sit left of centre to leave room for the arrow.
  H: 'M10 13v14M20 13v14M10 20h10',
  L: 'M11 13v14h9',
  P: 'M15 28V12h6a4.5 4.5 0 0 1 0 9h-6',
  F: 'M15 28V12h11M15 20h8',
  '?': 'M15 16a5 5 0 1 1 7 4.6c-1.3.6-2 1.6-2 3v1',
} as const

const ARROW_UP = 'M28.5 27V13M25 16.5l3.5-3.5 3.5 3.5'
const ARROW_DOWN = 'M28.5 13v14M25 23.5l3.5 3.5 3.5-3.5'

/** The words a variation icon stands for. */
export function variationText(pointType: PointType | null): string {
  return variationLead(pointType)
}

/** The words an assurance icon stands for. */
export function assuranceText(
  assurance: AssuranceType | null,
  reason: NoAssuranceReason = 'not_enough_data',
): string {
  switch (assurance) {
    case 'consistent_pass':
      return 'Consistently passing the target'
    case 'consistent_fail':
      return 'Consistently failing the target'
    case 'inconsistent':
      return 'Hit and miss: the target lies within the process limits'
    case null:
      return reason === 'no_target' ? 'No target to assure against' : 'Not enough data'
  }
}

/**
 * The variation icon for the latest point's type (XmrResult.variation). Special causes show H
 * (high) or L (low) with an arrow; which of them is improvement follows the improvement
 * direction.
 */
export function variationIcon(
  pointType: PointType | null,
  improvement: ImprovementDirection,
  options: IconOptions = {},
): string {
  const label = variationText(pointType)
  if (pointType === null) return svg(label, notEnoughData(), options)
  if (pointType === 'common_cause') {
    return svg(
      label,
      `<circle cx="20" cy="20" r="18" fill="#fff" stroke="${SPC_COLOURS.common}" stroke-width="2.5"/>` +
        `<path d="M8 20c3-6 5-6 8 0s5 6 8 0 5-6 8 0" fill="none" stroke="${SPC_COLOURS.common}" stroke-width="2.5" stroke-linecap="round"/>`,
      options,
    )
  }
  const high = isHigh(pointType, improvement)
  const colour =
    pointType === 'special_cause_improvement'
      ? SPC_COLOURS.improvement
      : pointType === 'special_cause_concern'
        ? SPC_COLOURS.concern
        : SPC_COLOURS.neutral
  return svg(
    label,
    disc(colour, high ? LETTERS.H : LETTERS.L, high ? ARROW_UP : ARROW_DOWN),
    options,
  )
}

/** The assurance icon: P (pass), F (fail) or ? (hit and miss); none says why there is none. */
export function assuranceIcon(
  assurance: AssuranceType | null,
  options: IconOptions & { readonly reason?: NoAssuranceReason } = {},
): string {
  const label = assuranceText(assurance, options.reason)
  switch (assurance) {
    case 'consistent_pass':
      return svg(label, disc(SPC_COLOURS.improvement, LETTERS.P), options)
    case 'consistent_fail':
      return svg(label, disc(SPC_COLOURS.concern, LETTERS.F), options)
    case 'inconsistent':
      return svg(
        label,
        `<circle cx="20" cy="20" r="18" fill="#fff" stroke="${SPC_COLOURS.common}" stroke-width="2.5"/>` +
          `<path d="${LETTERS['?']}" fill="none" stroke="${SPC_COLOURS.common}" stroke-width="3" stroke-linecap="round"/>` +
          `<circle cx="20" cy="29" r="1.8" fill="${SPC_COLOURS.common}"/>`,
        options,
      )
    case null:
      return options.reason === 'no_target'
        ? svg(
            label,
            `<circle cx="20" cy="20" r="18" fill="#fff" stroke="${SPC_COLOURS.common}" stroke-width="2.5"/>` +
              `<path d="M12 20h16" stroke="${SPC_COLOURS.common}" stroke-width="3" stroke-linecap="round"/>`,
            options,
          )
        : svg(label, notEnoughData(), options)
  }
}

function isHigh(pointType: PointType, improvement: ImprovementDirection): boolean {
  if (pointType === 'special_cause_neutral_high') return true
  if (pointType === 'special_cause_neutral_low') return false
  const better = pointType === 'special_cause_improvement'
  return improvement === 'decrease' ? !better : better
}

function disc(colour: string, letter: string, arrow?: string): string {
  return (
    `<circle cx="20" cy="20" r="19" fill="${colour}"/>` +
    `<path d="${letter}" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/>` +
    (arrow
      ? `<path d="${arrow}" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/>`
      : '')
  )
}

function notEnoughData(): string {
  return (
    `<circle cx="20" cy="20" r="18" fill="#fff" stroke="${SPC_COLOURS.common}" stroke-width="2.5" stroke-dasharray="5 4"/>` +
    [12, 20, 28]
      .map((x) => `<circle cx="${x}" cy="20" r="2.4" fill="${SPC_COLOURS.common}"/>`)
      .join('')
  )
}

function svg(label: string, body: string, options: IconOptions): string {
  const size = options.size ?? 28
  const a11y = options.decorative
    ? 'aria-hidden="true"'
    : `role="img" aria-label="${escapeXml(label)}"`
  return `<svg class="gt-spc-icon" xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 40 40" ${a11y} focusable="false">${options.decorative ? '' : `<title>${escapeXml(label)}</title>`}${body}</svg>`
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )
}

/** The words for each kind of variation, as filters and keys show them. */
export const VARIATION_NAMES: Readonly<Record<PointType, string>> = {
  common_cause: variationText('common_cause'),
  special_cause_improvement: variationText('special_cause_improvement'),
  special_cause_concern: variationText('special_cause_concern'),
  special_cause_neutral_high: variationText('special_cause_neutral_high'),
  special_cause_neutral_low: variationText('special_cause_neutral_low'),
}
