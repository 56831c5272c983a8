import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.ts'
import type { Principal } from '../core/principal.ts'
import type { Database } from '../db/database.ts'

/** A section of the service navigation; sections are shown in order of position. */
export interface NavSection {
  readonly href: string
  readonly text: string
  readonly position: number
  readonly visible?: (principal: Principal) => boolean
}

/** What every service factory is given, besides the other services it asks for. */
export interface ServiceContext {
  readonly config: Config
  readonly database: Database
  readonly db: Database['db']
  readonly clock: () => Date
}

/** Where the audit log's history page finds an item of one type, for this person. */
export interface HistoryItem {
  readonly title: string
  readonly href: string
}

/**
 * A function whose parameters the feature types itself (with the application's services); the
 * shell calls it with what is described beside it. `never` parameters accept any such function.
 */
type Given<Result> = (...args: never[]) => Result

/**
 * What a feature offers the application, from its public face (src/features/<name>/index.ts).
 * src/features.ts lists every feature; src/services.ts builds their services, app.ts registers
 * their hooks and routes in the order of that list and gives their navigation, filters and
 * globals to the views, so web/ imports no feature.
 */
export interface Feature {
  readonly name: string
  readonly navigation?: readonly NavSection[]
  readonly templateFilters?: Readonly<Record<string, (...args: never[]) => unknown>>
  readonly templateGlobals?: Readonly<Record<string, unknown>>
  /**
   * The services it builds, by the name the rest of the application knows them by. Each factory
   * is given the ServiceContext and the services it names (built first, whichever feature
   * builds them).
   */
  readonly services?: Readonly<Record<string, Given<unknown>>>
  /**
   * Adds its items to other features' registries (link kinds, computations, dashboard panels)
   * once every service is built, given (services, ServiceContext). Features register in order of
   * position, so the order a registry offers its items in does not depend on the features list.
   */
  readonly register?: { readonly position: number; readonly run: Given<void> }
  /** Request hooks, given (app, { services, config, navigation }), before any route. */
  readonly hooks?: Given<void>
  /** Page route plugins, given { services, config, historyItems }, in order. */
  readonly routes?: readonly Given<Promise<void>>[]
  /** API plugins under /api/v1, given { services }, in order. */
  readonly api?: readonly Given<Promise<void>>[]
  /**
   * Its tables with an organisation_id column: tenant isolation checks each of them, and the
   * schema test that every such table in the database is declared by exactly one feature.
   */
  readonly tables?: readonly string[]
  /**
   * The audit item types whose history it shows: how to find one for this person (given
   * (services, principal, id); not found when they may not see it) and where it lives.
   */
  readonly historyItems?: Readonly<Record<string, Given<Promise<HistoryItem>>>>
}

/** The options every page route plugin is given. */
export interface RouteOptions<Services> {
  readonly services: Services
  readonly config: Config
  /** Every feature's history items, by audit item type. */
  readonly historyItems: Readonly<Record<string, HistoryResolver<Services>>>
}

export type HistoryResolver<Services> = (
  services: Services,
  principal: Principal,
  id: string,
) => Promise<HistoryItem>

export interface HookContext<Services> {
  readonly services: Services
  readonly config: Config
  readonly navigation: readonly NavSection[]
}

// Keeps the app shell's import of FastifyInstance in one place for features' hooks.
export type Hooks<Services> = (app: FastifyInstance, context: HookContext<Services>) => void
