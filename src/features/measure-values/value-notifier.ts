import type { Kysely } from 'kysely'
import type { UnitTree } from '../../core/unit-tree.ts'
import type { DB } from '../../db/schema.ts'
import type { MeasureScope } from '../measures/index.ts'

/** A value's workflow step, told to the notifier inside the transaction that makes it. */
export interface ValueEvent {
  readonly organisationId: string
  readonly actorId: string | null
  readonly change: 'submitted' | 'returned' | 'approved'
  readonly measure: MeasureScope & {
    readonly id: string
    readonly code: string
    readonly title: string
  }
  readonly period: { readonly start: string; readonly label: string }
  /** The value's version after the change. */
  readonly version: number
  readonly submittedBy: string | null
  readonly enteredBy: string | null
  readonly reason?: string | null
  readonly tree: UnitTree
}

/**
 * What the value service tells as values move (the notifications feature provides it): a port
 * of measure-values, so that measure-values need not import notifications, which reads values.
 */
export interface ValueNotifier {
  valueChanged(trx: Kysely<DB>, event: ValueEvent): Promise<void>
  /**
   * Many values' steps at once (an import): the same notices as `valueChanged` for each, made
   * and resolved in a few statements.
   */
  valuesChanged(trx: Kysely<DB>, events: readonly ValueEvent[]): Promise<void>
  /** After the transaction commits: e-mails those who asked for them at once. */
  deliver(organisationId: string): Promise<void>
}
