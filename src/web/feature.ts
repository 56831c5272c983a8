import type { Principal } from '../core/principal.ts'

/** A section of the service navigation; sections are shown in order of position. */
export interface NavSection {
  readonly href: string
  readonly text: string
  readonly position: number
  readonly visible?: (principal: Principal) => boolean
}

/**
 * What a feature offers the application shell, from its public face (src/features/<name>/index.ts):
 * its navigation sections and the filters and globals its templates use. src/features.ts lists
 * every feature; app.ts and the views take these from there, so web/ imports no feature.
 */
export interface Feature {
  readonly name: string
  readonly navigation?: readonly NavSection[]
  readonly templateFilters?: Readonly<Record<string, (...args: never[]) => unknown>>
  readonly templateGlobals?: Readonly<Record<string, unknown>>
}
