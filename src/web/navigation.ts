import type { Principal } from '../core/principal.ts'
import type { NavSection } from './feature.ts'

export interface NavItem {
  readonly href: string
  readonly text: string
  readonly active?: boolean
}

/** The service navigation from every feature's sections, with the current page's marked. */
export function navigationFor(
  sections: readonly NavSection[],
  principal: Principal,
  path: string,
): NavItem[] {
  return [...sections]
    .sort((a, b) => a.position - b.position)
    .filter((s) => s.visible?.(principal) ?? true)
    .map((s) => ({
      href: s.href,
      text: s.text,
      active: s.href === '/' ? path === '/' : path === s.href || path.startsWith(`${s.href}/`),
    }))
}
